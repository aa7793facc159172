"""Mining benchmark: DFG, performance DFG and variants, side by side with pm4py.

Usage::

    python benchmarks/bench_mining.py                 # 1M and 5M events
    python benchmarks/bench_mining.py --sizes 200000  # quick run
    python benchmarks/bench_mining.py --interleave    # cases interleaved within sessions

The log is a synthetic tasks frame (one row per step) built here with numpy:
``case_id`` and ``step`` as pandas ``str`` (pyarrow), ``timestamp`` as
``datetime64[ns, UTC]``, ``user``. About 10 steps per case, 60 step labels,
a few hundred variants with a long tail. pm4py gets the same frame with its
column names (renaming is not timed) and ours gets the tasks frame.

``--fresh`` instead starts a new interpreter per measurement, which reads
the frame from Parquet and times the first call (a command-line run);
``--in-process`` times warm calls in this process.

By default each measurement runs in a forked child process (after both libraries were
imported and warmed up on a small frame in the parent); peak memory is the
growth of the child's peak resident set size over its size at the start
(``/proc/self/status`` ``VmHWM``, reset through ``clear_refs``). With
``--repeat N`` each measurement is repeated N times and the fastest run is
reported (the machine is shared; the load average is printed).
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import sys
import time
import warnings
from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa

STR = pd.StringDtype("pyarrow", na_value=np.nan)


def synthetic_log(n_events: int, *, seed: int = 0, interleave: bool = False) -> pd.DataFrame:
    """A tasks frame of about ``n_events`` rows (vectorised, a few seconds for 5M)."""
    rng = np.random.default_rng(seed)
    n_acts, n_templates = 60, 400
    t_len = rng.integers(4, 17, n_templates)
    t_ptr = np.r_[0, np.cumsum(t_len)]
    t_acts = rng.zipf(1.6, t_ptr[-1]) % n_acts
    n_cases = max(1, n_events // int(t_len.mean()))
    weights = 1.0 / np.arange(1, n_templates + 1) ** 1.1
    tpl = rng.choice(n_templates, n_cases, p=weights / weights.sum())
    lengths = t_len[tpl]
    case = np.repeat(np.arange(n_cases), lengths)
    pos = np.arange(len(case)) - np.repeat(np.r_[0, np.cumsum(lengths)[:-1]], lengths)
    acts = t_acts[t_ptr[tpl][case] + pos]
    gaps = rng.integers(200, 60_000, len(case)).astype(np.int64) * 1_000_000  # ms -> ns
    case_gap = np.zeros(len(case), dtype=np.int64)
    case_gap[pos == 0] = rng.integers(1, 600, n_cases) * 1_000_000_000
    ns = np.cumsum(gaps + case_gap) + np.int64(1_767_600_000) * 1_000_000_000
    users = np.arange(n_cases) % 200
    if interleave:  # swap neighbouring cases' time ranges partly: rows sorted by time, cases interleave
        order = np.argsort(ns + (case % 2) * 30_000_000_000, kind="stable")
        case, acts, ns = case[order], acts[order], np.sort(ns)
    labels = pa.array([f"case-{i:08d}" for i in range(n_cases)])
    steps = pa.array([f"Step {i:02d} in app{i % 7}" for i in range(n_acts)])
    return pd.DataFrame({
        "case_id": pd.array(labels.take(pa.array(case)), dtype=STR),
        "step": pd.array(steps.take(pa.array(acts)), dtype=STR),
        "timestamp": pd.to_datetime(ns, utc=True).as_unit("ns"),
        "user": pd.array(pa.array([f"u{u:03d}" for u in range(200)]).take(pa.array(users[case])), dtype=STR),
    })


def _hwm_kb() -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM"):
                return int(line.split()[1])
    return 0


def _child(fn: Callable[[], object], queue: mp.Queue) -> None:
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
    except OSError:
        pass
    base = _hwm_kb()
    t0 = time.perf_counter()
    fn()
    queue.put((time.perf_counter() - t0, (_hwm_kb() - base) / 1024))


def measure(fn: Callable[[], object], repeat: int = 1) -> tuple[float, float]:
    """Seconds (fastest of ``repeat`` runs) and peak memory growth (MiB) of one call, each in a forked child."""
    results = []
    for _ in range(repeat):
        queue: mp.Queue = mp.get_context("fork").Queue()
        proc = mp.get_context("fork").Process(target=_child, args=(fn, queue))
        proc.start()
        results.append(queue.get())
        proc.join()
    return min(r[0] for r in results), max(r[1] for r in results)


def _in_process(ours: Callable[[], object], theirs: Callable[[], object] | None,
                repeat: int) -> tuple[float, float]:
    """Fastest of ``repeat`` warm calls of each, alternating ours and theirs."""
    best = [float("inf"), float("nan") if theirs is None else float("inf")]
    for _ in range(repeat):
        for k, fn in enumerate((ours, theirs)):
            if fn is None:
                continue
            t0 = time.perf_counter()
            fn()
            best[k] = min(best[k], time.perf_counter() - t0)
    return best[0], best[1]


_PM_COLUMNS = {"case_id": "case:concept:name", "step": "concept:name", "timestamp": "time:timestamp",
               "user": "org:resource"}


def _warm_up(lib: str) -> None:
    """Imports and first-call setup on a small frame (as in the parent of the other modes)."""
    small = synthetic_log(2000)
    if lib == "taskmining":
        import taskmining as tm
        from taskmining.mining.graphs import performance_dfg
        tm.to_pm4py_dfg(small), performance_dfg(small), tm.variants(small)
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import pm4py
        pm = small.rename(columns=_PM_COLUMNS)
        pm4py.discover_dfg(pm), pm4py.discover_performance_dfg(pm), pm4py.get_variants(pm)


def _fresh_child(lib: str, op: str, path: str) -> int:
    """In a new interpreter: warm up, read the frame, time one call of ``op``; print JSON."""
    import json

    _warm_up(lib)
    frame = pd.read_parquet(path)
    if lib == "taskmining":
        import taskmining as tm
        from taskmining.mining.graphs import performance_dfg
        fn = {"DFG": tm.to_pm4py_dfg, "performance DFG": performance_dfg, "variants": tm.variants}[op]
    else:
        import pm4py
        fn = {"DFG": pm4py.discover_dfg, "performance DFG": pm4py.discover_performance_dfg,
              "variants": pm4py.get_variants}[op]
    t0 = time.perf_counter()
    fn(frame)
    print(json.dumps({"seconds": time.perf_counter() - t0}))
    return 0


def _fresh_rows(tasks: pd.DataFrame, pm: pd.DataFrame, n_cases: int, ops: list[str], repeat: int,
                with_pm4py: bool) -> None:
    """Each measurement in its own new interpreter (fastest of ``repeat``), frames read from Parquet."""
    import json
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        ours_path, pm_path = f"{tmp}/tasks.parquet", f"{tmp}/pm4py.parquet"
        tasks.to_parquet(ours_path)
        pm.to_parquet(pm_path)

        def run(lib: str, op: str, path: str) -> float:
            best = float("inf")
            for _ in range(repeat):
                out = subprocess.run([sys.executable, __file__, "--child", lib, op, path], capture_output=True,
                                     text=True, check=True, env={**os.environ, "PYTHONWARNINGS": "ignore"})
                best = min(best, json.loads(out.stdout.strip().splitlines()[-1])["seconds"])
            return best

        for op in ops:
            t_ours = run("taskmining", op, ours_path)
            if with_pm4py:
                t_pm = run("pm4py", op, pm_path)
                print(f"| {len(tasks):,} | {n_cases:,} | {op} | {t_ours:.3f} | {t_pm:.3f} | {t_pm / t_ours:.1f}x "
                      f"| - | - |", flush=True)
            else:
                print(f"| {len(tasks):,} | {n_cases:,} | {op} | {t_ours:.3f} | - | - | - | - |", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 5_000_000])
    parser.add_argument("--interleave", action="store_true")
    parser.add_argument("--no-pm4py", action="store_true")
    parser.add_argument("--categorical", action="store_true",
                        help="give taskmining case_id, step and user as categoricals (the tasks frame "
                             "taskmining.segmentation returns); pm4py gets the str frame, as it refuses categoricals")
    parser.add_argument("--repeat", type=int, default=1, help="runs per measurement; the fastest is reported")
    parser.add_argument("--in-process", action="store_true",
                        help="time warm calls in this process, alternating the libraries (peak memory "
                             "still from one call of each in a forked child)")
    parser.add_argument("--fresh", action="store_true",
                        help="time the first call in a new interpreter that reads the frame from Parquet "
                             "(a command-line run; no fork, so no copy-on-write faults)")
    parser.add_argument("--child", nargs=3, metavar=("LIB", "OP", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return _fresh_child(*args.child)

    import taskmining as tm
    from taskmining.mining.graphs import performance_dfg

    pm4py = None
    if not args.no_pm4py:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import pm4py  # type: ignore[no-redef]

    small = synthetic_log(2000)
    small_pm = small.rename(columns={"case_id": "case:concept:name", "step": "concept:name",
                                     "timestamp": "time:timestamp", "user": "org:resource"})
    tm.to_pm4py_dfg(small), performance_dfg(small), tm.variants(small)  # imports and first-call setup
    if pm4py is not None:
        pm4py.discover_dfg(small_pm.copy()), pm4py.discover_performance_dfg(small_pm.copy())
        pm4py.get_variants(small_pm.copy())
    print(f"load average at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; "
          f"fastest of {args.repeat} run(s) per measurement; taskmining's frame: "
          f"{'categorical' if args.categorical else 'str'} case_id/step/user, pm4py's: str")
    print()
    print("| events | cases | operation | taskmining s | pm4py s | ratio | taskmining peak MiB | pm4py peak MiB |")
    print("|---:|---:|---|---:|---:|---:|---:|---:|")
    for n in args.sizes:
        tasks = synthetic_log(n, interleave=args.interleave)
        pm = tasks.rename(columns={"case_id": "case:concept:name", "step": "concept:name",
                                   "timestamp": "time:timestamp", "user": "org:resource"})
        if args.categorical:
            tasks = tasks.astype({"case_id": "category", "step": "category", "user": "category"})
        ops = [
            ("DFG", lambda: tm.to_pm4py_dfg(tasks), lambda: pm4py.discover_dfg(pm)),
            ("performance DFG", lambda: performance_dfg(tasks),
             lambda: pm4py.discover_performance_dfg(pm)),
            ("variants", lambda: tm.variants(tasks), lambda: pm4py.get_variants(pm)),
        ]
        n_cases = tasks["case_id"].nunique()
        if args.fresh:
            _fresh_rows(tasks, pm, n_cases, [name for name, _, _ in ops], args.repeat, pm4py is not None)
            continue
        for name, ours, theirs in ops:
            if args.in_process:
                t_ours, t_pm = _in_process(ours, theirs if pm4py is not None else None, args.repeat)
                ratio = f"{t_pm / t_ours:.1f}x" if pm4py is not None else "-"
                # peak memory: one call of each in a forked child (a warm process reuses freed memory)
                m_ours = f"{measure(ours)[1]:.0f}"
                m_pm = f"{measure(theirs)[1]:.0f}" if pm4py is not None else "-"
                print(f"| {len(tasks):,} | {n_cases:,} | {name} | {t_ours:.3f} | {t_pm:.3f} | {ratio} | "
                      f"{m_ours} | {m_pm} |", flush=True)
                continue
            t_ours, m_ours = measure(ours, args.repeat)
            if pm4py is not None:
                t_pm, m_pm = measure(theirs, args.repeat)
                print(f"| {len(tasks):,} | {n_cases:,} | {name} | {t_ours:.3f} | {t_pm:.3f} | "
                      f"{t_pm / t_ours:.1f}x | {m_ours:.0f} | {m_pm:.0f} |", flush=True)
            else:
                print(f"| {len(tasks):,} | {n_cases:,} | {name} | {t_ours:.3f} | - | - | {m_ours:.0f} | - |",
                      flush=True)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    sys.exit(main())
