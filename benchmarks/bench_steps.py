"""Benchmark: events -> steps -> simple segmenters, time and peak memory.

Usage::

    python benchmarks/bench_steps.py [--sizes 100000 1000000]

Each measurement runs in a fresh subprocess (peak RSS from
``resource.getrusage``); ``seconds`` is wall time, ``cpu s`` the process's
CPU time (less sensitive to other load on a shared machine). Input: ``taskmining.simulate`` recordings (5 users
per day, as many days as needed), written once per size to a Parquet file
in a temporary folder so generation is not timed.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

STAGES = ("build_steps", "steps_table", "idle_gap", "delimiter")


def _make(n: int, path: Path) -> int:
    import taskmining as tm

    days = 1
    events = tm.simulate(n_users=5, n_days=days, seed=0)
    per_day = max(len(events), 1)
    days = max(1, -(-n // per_day))
    events = tm.simulate(n_users=5, n_days=days, seed=0).iloc[:n]
    events.to_parquet(path)
    return len(events)


def _measure(stage: str, path: str) -> None:
    import pandas as pd

    import taskmining as tm
    from taskmining.segmentation.apply import method_input

    events = pd.read_parquet(path)
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t, c = time.perf_counter(), time.process_time()
    if stage == "build_steps":
        tm.build_steps(events)
    else:
        with_steps = tm.build_steps(events)
        t, c = time.perf_counter(), time.process_time()
        table = tm.steps_table(with_steps)
        if stage != "steps_table":
            seen = method_input(table)
            t, c = time.perf_counter(), time.process_time()
            tm.segmenter(stage).fit(seen).predict(seen)
    seconds, cpu = time.perf_counter() - t, time.process_time() - c
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": seconds, "cpu": cpu, "peak_mb": peak / 1024, "extra_mb": (peak - base) / 1024,
                      "events": len(events)}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--measure", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        _measure(*args.measure)
        return
    print(f"{'events':>10} {'stage':<12} {'seconds':>8} {'cpu s':>6} {'events/s':>12} {'peak MB':>8} {'stage MB':>9}")
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            path = Path(tmp) / f"events-{n}.parquet"
            rows = _make(n, path)
            for stage in STAGES:
                res = subprocess.run([sys.executable, __file__, "--measure", stage, str(path)],
                                     capture_output=True, text=True, check=True)
                r = json.loads(res.stdout.strip().splitlines()[-1])
                print(f"{rows:>10} {stage:<12} {r['seconds']:>8.2f} {r['cpu']:>6.2f} {rows / r['seconds']:>12,.0f} "
                      f"{r['peak_mb']:>8.0f} {r['extra_mb']:>9.0f}", flush=True)


if __name__ == "__main__":
    main()
