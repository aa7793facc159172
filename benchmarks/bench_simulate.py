"""Simulator benchmark: events per second and peak memory of ``taskmining.simulate``.

Usage::

    python benchmarks/bench_simulate.py                      # 100k, 1M, 10M events
    python benchmarks/bench_simulate.py --sizes 100000 1000000 --write

Each size is a team of users working five days (8-hour days, every routine,
default noise, interleaving and interruptions); the team size is chosen from
a small calibration run so the total comes close to the target. Each run
happens in a fresh process (``spawn``): ``simulate`` (plan, vectorised
expansion, validated frame) is timed end to end, peak memory is the peak
resident set size of that process (``ru_maxrss``) minus its size after the
imports (with ``--write`` the peak includes the writer's batches). With ``--write`` the native recording (JSONL segments) is written to
a temporary folder too and timed separately (disk: ~420 bytes per event).
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import resource
import shutil
import tempfile
import time

DAYS = 5


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _run(n_users: int, write: bool, queue: mp.Queue) -> None:
    import taskmining as tm
    from taskmining.datasets._native import write_recording
    from taskmining.datasets.simulate import simulate_columns, to_frame

    tm.simulate(n_users=1, hours=0.1)  # warm imports and caches
    base = _rss_mb()
    t0 = time.perf_counter()
    cols, info = simulate_columns(n_users=n_users, n_days=DAYS, seed=1)
    t1 = time.perf_counter()
    write_s = float("nan")
    if write:  # before the frame: to_frame consumes the encoded columns
        folder = tempfile.mkdtemp(prefix="bench-simulate-")
        try:
            t3 = time.perf_counter()
            write_recording(cols, folder, info)
            write_s = time.perf_counter() - t3
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    t4 = time.perf_counter()
    frame = to_frame(cols)
    t2 = time.perf_counter()
    peak = _rss_mb()
    queue.put({"n": len(frame), "cases": int(frame["true_case"].nunique()), "sim": t1 - t0, "frame": t2 - t4,
               "peak_mb": peak - base, "write": write_s})


def measure(n_users: int, write: bool) -> dict:
    ctx = mp.get_context("spawn")
    q: mp.Queue = ctx.Queue()
    p = ctx.Process(target=_run, args=(n_users, write, q))
    p.start()
    p.join()
    if p.exitcode != 0:
        raise SystemExit(f"benchmark run with {n_users} users failed (exit code {p.exitcode})")
    return q.get()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000, 10_000_000])
    ap.add_argument("--write", action="store_true", help="also write the native recording (not for 10M)")
    args = ap.parse_args()
    calib = measure(4, False)
    per_user = calib["n"] / 4
    print(f"calibration: {per_user:,.0f} events per user-week ({DAYS} days of 8 h)\n")
    head = (f"{'target':>11} {'events':>11} {'users':>6} {'cases':>8} {'simulate s':>10} {'frame s':>8} "
            f"{'total s':>8} {'events/s':>11} {'peak MB':>8} {'B/event':>8} {'write s':>8} {'written/s':>10}")
    print(head)
    print("-" * len(head))
    for size in args.sizes:
        users = max(1, round(size / per_user))
        r = measure(users, args.write and size <= 2_000_000)
        total = r["sim"] + r["frame"]
        wps = r["n"] / r["write"] if r["write"] == r["write"] else float("nan")
        print(f"{size:>11,} {r['n']:>11,} {users:>6} {r['cases']:>8,} {r['sim']:>10.2f} {r['frame']:>8.2f} "
              f"{total:>8.2f} {r['n'] / total:>11,.0f} {r['peak_mb']:>8.0f} {r['peak_mb'] * 2**20 / r['n']:>8.0f} "
              f"{r['write']:>8.2f} {wps:>10,.0f}", flush=True)


if __name__ == "__main__":
    main()
