"""Mining and XES benchmark on the realistic log, side by side with pm4py: one command, one table.

Usage::

    python benchmarks/bench_mining.py                          # 1M events (60 people), then 5M
    python benchmarks/bench_mining.py --events 1000000         # the 1M log only
    python benchmarks/bench_mining.py --users 6 --events 0     # a small log, for a quick check

The input is the realistic log of ``benchmarks/realistic_log.py``: 60
simulated people, one day each, read, built into steps and segmented with
the default method (about 1.14M events; most task instances are unique
variants, thousands of distinct steps, every column). ``--events 5000000``
repeats that day on later days (ids renamed) to 5M events. taskmining gets
the tasks frame as ``segment`` returns it (categorical ids and labels) and,
for the ``str`` rows, the same frame with every categorical as ``str``;
pm4py gets the rows that belong to a case as ``str``, with its column names
(``case:concept:name``, ``concept:name``, ``time:timestamp``,
``org:resource``) and every other column; conversions are not timed.

Rows:

- DFG: ``tm.to_pm4py_dfg`` / ``pm4py.discover_dfg``;
- variants: ``tm.variants`` (counts, shares, durations, users per variant)
  / ``pm4py.get_variants``;
- performance DFG: ``performance_dfg`` / ``pm4py.discover_performance_dfg``;
- XES write: ``tm.write_xes(tasks, level="event")`` (including the
  conversion to the pm4py frame) / ``pm4py.write_xes`` of that frame;
- XES read of the written file: ``read_xes(engine="pure")``,
  ``read_xes(engine="rustxes")`` / ``pm4py.read_xes(variant="iterparse")``
  (pm4py's own parser: given no variant, pm4py 2.7 calls rustxes when it is
  installed), and ``rustxes.import_xes`` alone for reference.

Times are warm calls in this one process, after both libraries were
imported and warmed up; each is repeated ``--repeat`` times (ours and
pm4py alternating) and the fastest call is reported. Peak memory per event
comes from one more call of each in a child forked from this process
(growth of the child's peak RSS, ``VmHWM`` reset through
``/proc/self/clear_refs``: a warm process would hide its peak in reused heap). The machine is shared, so
timings are noisy: compare the ratios (both sides measured in the same
run), not the seconds.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from realistic_log import as_str, realistic_tasks, scale_to, shape  # noqa: E402

_PM_COLUMNS = {"case_id": "case:concept:name", "step": "concept:name", "timestamp": "time:timestamp",
               "user": "org:resource"}


def _status_kb(field: str) -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field):
                return int(line.split()[1])
    return 0


def _timed(fn: Callable[[], object]) -> float:
    """Seconds of one warm call in this process."""
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def _peak(fn: Callable[[], object]) -> float:
    """Peak memory of one call: bytes of peak-RSS growth (``VmHWM`` reset through ``clear_refs``)."""
    _LIBC.malloc_trim(0)  # free heap back to the system, so the call's peak shows as growth
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
    except OSError:
        pass
    base = _status_kb("VmRSS")
    out = fn()
    peak = (_status_kb("VmHWM") - base) * 1024
    del out
    return float(peak)


_LIBC = ctypes.CDLL("libc.so.6")


def measure(fns: dict[str, Callable[[], object] | None], repeat: int) -> dict[str, float]:
    """Fastest of ``repeat`` warm calls of each function (alternating)."""
    live = {k: f for k, f in fns.items() if f is not None}
    best = {name: float("inf") for name in live}
    for _ in range(repeat):
        for name, fn in live.items():
            best[name] = min(best[name], _timed(fn))
    return best


def memory_mode() -> None:
    """From here on: glibc maps every block above 128 KiB (and unmaps it on free) and Arrow allocates
    with malloc, so one call's peak is its RSS growth (a warm process would hide it in reused heap)."""
    import pyarrow as pa

    _LIBC.mallopt(-3, 131072)  # M_MMAP_THRESHOLD: fixed, no longer adjusted upwards
    pa.set_memory_pool(pa.system_memory_pool())


def _warm_up(tm: object, pm4py: object, performance_dfg: Callable[..., object]) -> None:
    small = realistic_tasks(2, seed=5, cache=None).iloc[:5000]
    pm = as_str(small[small["case_id"].notna()]).rename(columns=_PM_COLUMNS)
    tm.to_pm4py_dfg(small), performance_dfg(small), tm.variants(small)  # type: ignore[attr-defined]
    tm.variants(as_str(small))  # type: ignore[attr-defined]
    if pm4py is not None:
        pm4py.discover_dfg(pm), pm4py.discover_performance_dfg(pm), pm4py.get_variants(pm)  # type: ignore[attr-defined]


def run(tasks: pd.DataFrame, args: argparse.Namespace, tm: object, pm4py: object, work: Path,
        rows: list[tuple[int, str, Callable[[], object], Callable[[], object] | None, float, float, str]]) -> None:
    """Time every operation on ``tasks``; append (events, name, ours, theirs, our s, their s, note) to ``rows``."""
    from taskmining.export.pm4py_frame import to_pm4py
    from taskmining.export.xes import write_xes
    from taskmining.io.formats.xes import read_xes
    from taskmining.mining.graphs import performance_dfg

    n = len(tasks)
    text = as_str(tasks)
    pm = text[text["case_id"].notna()].rename(columns=_PM_COLUMNS)
    with_pm = pm4py is not None
    nan = float("nan")
    mining = [
        ("DFG", lambda: tm.to_pm4py_dfg(tasks), lambda: pm4py.discover_dfg(pm)),  # type: ignore[attr-defined]
        ("variants (categorical)", lambda: tm.variants(tasks), lambda: pm4py.get_variants(pm)),  # type: ignore[attr-defined]
        ("variants (str)", lambda: tm.variants(text), lambda: pm4py.get_variants(pm)),  # type: ignore[attr-defined]
        ("performance DFG (categorical)", lambda: performance_dfg(tasks),
         lambda: pm4py.discover_performance_dfg(pm)),  # type: ignore[attr-defined]
        ("performance DFG (str)", lambda: performance_dfg(text),
         lambda: pm4py.discover_performance_dfg(pm)),  # type: ignore[attr-defined]
    ]
    pm_times: dict[str, float] = {}
    for op, ours, theirs in mining:
        key = op.split(" (")[0]
        got = measure({"ours": ours, "pm4py": theirs if with_pm and key not in pm_times else None}, args.repeat)
        if "pm4py" in got:
            pm_times[key] = got["pm4py"]
        rows.append((n, op, ours, theirs if with_pm else None, got["ours"], pm_times.get(key, nan), ""))
        print(f"  timed {op}: {got['ours']:.3f} s / {pm_times.get(key, nan):.3f} s", file=sys.stderr, flush=True)
    xes = work / f"log-{n}.xes"
    pm_xes = work / "pm4py.xes"
    event_log = as_str(to_pm4py(tasks, level="event"))
    slow = with_pm and n <= args.pm4py_xes_max
    note = "" if slow else "pm4py not run at this size"
    ours_write = lambda: write_xes(tasks, xes, level="event")  # noqa: E731
    pm_write = (lambda: pm4py.write_xes(event_log, str(pm_xes), show_progress_bar=False)) if slow else None  # type: ignore[attr-defined]
    got = measure({"ours": ours_write, "pm4py": pm_write}, args.repeat)
    ours_write()
    size = xes.stat().st_size / 1e6
    rows.append((n, f"XES write ({len(event_log):,} events, {size:.0f} MB)", ours_write, pm_write, got["ours"],
                 got.get("pm4py", nan), note))
    print(f"  timed XES write: {got}", file=sys.stderr, flush=True)
    if n > args.xes_read_max:
        return
    rustxes = _optional("rustxes")
    reads = {"pure": lambda: read_xes(xes, engine="pure"),
             "rustxes engine": (lambda: read_xes(xes, engine="rustxes")) if rustxes else None,
             "rustxes alone": (lambda: rustxes.import_xes(str(xes))) if rustxes else None,  # type: ignore[attr-defined]
             "pm4py": (lambda: pm4py.read_xes(str(xes), variant="iterparse", show_progress_bar=False))  # type: ignore[attr-defined]
             if slow else None}
    got = measure(reads, args.repeat)
    print(f"  timed XES read: {got}", file=sys.stderr, flush=True)
    rows.append((n, "XES read, pure (ours / pm4py)", reads["pure"], reads["pm4py"], got["pure"],
                 got.get("pm4py", nan), note))  # type: ignore[arg-type]
    if rustxes:
        rows.append((n, "XES read, rustxes engine (ours / pm4py)", reads["rustxes engine"], None,  # type: ignore[arg-type]
                     got["rustxes engine"], got.get("pm4py", nan), note))
        rows.append((n, "XES read, pure / rustxes alone", reads["pure"], reads["rustxes alone"],  # type: ignore[arg-type]
                     got["pure"], got["rustxes alone"], "ratio > 1: the pure path is faster than rustxes"))
        rows.append((n, "XES read, rustxes engine / rustxes alone", reads["rustxes engine"], None,  # type: ignore[arg-type]
                     got["rustxes engine"], got["rustxes alone"], ""))


def report(rows: list[tuple[int, str, Callable[[], object], Callable[[], object] | None, float, float, str]]
           ) -> None:
    """Measure each function's peak memory once (memory mode), then print the table."""
    memory_mode()
    peaks: dict[int, float] = {}
    for _, _, ours, theirs, _, _, _ in rows:
        for fn in (ours, theirs):
            if fn is not None and id(fn) not in peaks:
                peaks[id(fn)] = _peak(fn)
    print("| events | operation | taskmining s | pm4py s | ratio | taskmining peak B/event "
          "| pm4py peak B/event | note |")
    print("|---:|---|---:|---:|---:|---:|---:|---|")
    for n, op, ours, theirs, t_ours, t_theirs, note in rows:
        ratio = "-" if t_theirs != t_theirs else f"**{t_theirs / t_ours:.1f}x**"
        their_s = "-" if t_theirs != t_theirs else f"{t_theirs:.3f}"
        their_b = f"{peaks[id(theirs)] / n:.0f}" if theirs is not None and id(theirs) in peaks else "-"
        print(f"| {n:,} | {op} | {t_ours:.3f} | {their_s} | {ratio} | {peaks[id(ours)] / n:.0f} | {their_b} "
              f"| {note} |", flush=True)


def _optional(name: str) -> object:
    try:
        return __import__(name)
    except ImportError:
        return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=60, help="simulated people of the realistic log")
    parser.add_argument("--events", type=int, nargs="+", default=[1_000_000, 5_000_000],
                        help="log sizes: the realistic log as it is up to its size (0: as it is), "
                             "repeated on later days beyond")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the fastest is reported")
    parser.add_argument("--pm4py-xes-max", type=int, default=1_500_000,
                        help="largest log pm4py's XES writer and reader are run on (they take minutes)")
    parser.add_argument("--xes-read-max", type=int, default=2_000_000,
                        help="largest log whose XES file is read back (the pure parser holds the whole "
                             "document and its tag positions: about 4 KB per event)")
    parser.add_argument("--no-pm4py", action="store_true")
    parser.add_argument("--workdir", default="/dev/shm" if os.path.isdir("/dev/shm") else None,
                        help="where the XES files are written (default /dev/shm: memory, so the disk is not timed)")
    args = parser.parse_args(argv)

    import taskmining as tm
    from taskmining.mining.graphs import performance_dfg

    pm4py = None
    if not args.no_pm4py:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import pm4py  # type: ignore[no-redef]
    warnings.simplefilter("ignore")
    base = realistic_tasks(args.users)
    _warm_up(tm, pm4py, performance_dfg)
    print(f"load average at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; fastest of "
          f"{args.repeat} warm call(s) per measurement, alternating; peak = bytes of peak RSS growth "
          f"per event in one call in a forked child")
    print(f"realistic log: {shape(base)}")
    print()
    rows: list = []
    with tempfile.TemporaryDirectory(prefix="tm-bench-", dir=args.workdir) as tmp:
        frames = {n: (base if n <= len(base) else scale_to(base, n)) for n in args.events}
        for tasks in frames.values():
            run(tasks, args, tm, pm4py, Path(tmp), rows)
        report(rows)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    sys.exit(main())
