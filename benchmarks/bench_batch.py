"""Benchmark: segmenting a team's recording partition by partition, serial vs worker processes.

Usage::

    python benchmarks/bench_batch.py [--users 20] [--hours 8] [--jobs 2] [--method idle_gap]

Input: ``taskmining.simulate(n_users=USERS, hours=HOURS, path=...)``, a native
recording folder with one session per user (written once, not timed). Each
configuration runs in a fresh subprocess; ``seconds`` is wall time,
``cpu s`` the CPU time of the process and its children, ``peak MB`` the
largest resident set of the parent (``parent``) and of any one worker
(``worker``). Configurations:

* ``whole``: ``read_events`` of the whole folder, then one ``tm.segment`` call;
* ``serial``: ``segment_partitions(..., backend="serial")`` (kept in memory);
* ``serial out=``: the same, one Parquet file per partition (memory bounded);
* ``processes``: ``backend="processes", n_jobs=JOBS``, kept in memory;
* ``processes out=``: the same with ``out=``.
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

CONFIGS = ("whole", "serial", "serial out=", "processes", "processes out=")


def _measure(config: str, rec: str, out: str, jobs: int, method: str) -> None:
    import taskmining as tm
    from taskmining.batch.run import segment_partitions

    t = time.perf_counter()
    if config == "whole":
        n = len(tm.segment(tm.read_events(rec, progress=False), method=method))
    else:
        backend = config.split()[0]
        result = segment_partitions(rec, out if config.endswith("out=") else None, method=method, backend=backend,
                                    n_jobs=jobs if backend == "processes" else None, progress=False)
        n = int(result["rows"].sum()) if config.endswith("out=") else len(result)
    seconds = time.perf_counter() - t
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({"events": n, "seconds": seconds,
                      "cpu": own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime,
                      "parent_mb": own.ru_maxrss / 1024, "worker_mb": kids.ru_maxrss / 1024}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--hours", type=float, default=8.0)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--method", default="idle_gap")
    parser.add_argument("--repeat", type=int, default=1, help="run the configurations this many times")
    parser.add_argument("--measure", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        config, rec, out, jobs, method = args.measure
        _measure(config, rec, out, int(jobs), method)
        return
    with tempfile.TemporaryDirectory() as tmp:
        rec = Path(tmp) / "rec"
        # generated in a subprocess: Linux keeps the peak RSS across exec, so a large parent would
        # show up as every measurement's peak
        code = ("import sys, taskmining as tm; tm.simulate(n_users=int(sys.argv[1]), n_days=1, "
                "hours=float(sys.argv[2]), seed=0, path=sys.argv[3])")
        subprocess.run([sys.executable, "-c", code, str(args.users), str(args.hours), str(rec)], check=True)
        size = sum(f.stat().st_size for f in rec.rglob("*.jsonl")) / 2**20
        print(f"{args.users} sessions, {size:.0f} MB of JSONL, method={args.method}, jobs={args.jobs}")
        print(f"{'config':<16}{'events':>9}{'seconds':>9}{'cpu s':>8}{'events/s':>11}{'parent MB':>11}"
              f"{'worker MB':>11}")
        for i, config in enumerate(CONFIGS * args.repeat):
            out = str(Path(tmp) / f"out{i}")
            run = subprocess.run([sys.executable, __file__, "--measure", config, str(rec), out, str(args.jobs),
                                  args.method], capture_output=True, text=True, check=True)
            r = json.loads(run.stdout.strip().splitlines()[-1])
            print(f"{config:<16}{r['events']:>9,}{r['seconds']:>9.2f}{r['cpu']:>8.2f}"
                  f"{r['events'] / r['seconds']:>11,.0f}{r['parent_mb']:>11.0f}{r['worker_mb']:>11.0f}")


if __name__ == "__main__":
    main()
