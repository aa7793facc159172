"""Report benchmark: ``taskmining report`` on a recording of about 1M events, end to end.

Usage::

    python benchmarks/bench_report.py                   # ~1M events (55 users x 1 day)
    python benchmarks/bench_report.py --users 6         # a small run

Simulates a team's day as a native recording (not timed), then runs the
real command ``taskmining report RECORDING -o report.html`` in a fresh
process, as a user would: read, build steps, segment with the default
method, mine and write the HTML. Prints wall time, CPU time and peak
resident memory of that process, and the stage times the command reports.
The issue's target: under a minute for 1M events on a 2-core machine.

``--api`` times ``tm.report(tasks, path)`` alone on the already segmented
frame (the target: at most 10 s for 1M events), with its first stage,
``report_frame`` (activities, task names, masked labels), timed separately,
and the wall and CPU seconds of both.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=55, help="simulated users (about 18k events each)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", default=None, help="where to write the recording (default: a temp folder)")
    parser.add_argument("--api", action="store_true", help="time tm.report on the segmented frame only")
    args = parser.parse_args()
    if args.api:
        api(args.users, args.seed)
        return

    import taskmining as tm

    work = Path(args.workdir or tempfile.mkdtemp(prefix="tm-bench-report-"))
    rec = work / "recording"
    if not rec.exists():
        t0 = time.perf_counter()
        ev = tm.simulate(n_users=args.users, n_days=1, seed=args.seed, path=rec)
        print(f"simulated {len(ev):,} events in {time.perf_counter() - t0:.1f} s -> {rec}", file=sys.stderr)
        n_events = len(ev)
        del ev
    else:
        n_events = -1
    out = work / "report.html"
    cmd = [sys.executable, "-m", "taskmining", "report", str(rec), "-o", str(out)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        print(proc.stderr, file=sys.stderr)
        raise SystemExit(proc.returncode)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    peak_mb = after.ru_maxrss / 1024
    load = os.getloadavg()[0]
    print(f"{'events':>10} {'wall s':>8} {'CPU s':>8} {'peak MB':>8} {'report MB':>9} {'load':>5}")
    print(f"{n_events:>10,} {wall:>8.1f} {cpu:>8.1f} {peak_mb:>8.0f} {out.stat().st_size / 1e6:>9.2f} {load:>5.1f}")
    print("command stages:")
    for line in proc.stderr.splitlines():
        if any(w in line for w in ("read ", "segmented", "done in")):
            print("  " + line.strip())


def api(users: int, seed: int) -> None:
    """``tm.report`` on a segmented frame (simulation and segmentation not timed)."""
    import taskmining as tm
    from taskmining.reporting.frame import report_frame

    t0 = time.perf_counter()
    tasks = tm.segment(tm.simulate(n_users=users, n_days=1, seed=seed))
    print(f"simulated and segmented {len(tasks):,} events in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    out = Path(tempfile.mkdtemp(prefix="tm-bench-report-")) / "report.html"
    rows = []
    def cpu() -> float:  # this process and its children (Graphviz dot)
        own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime

    for name, run in (("report_frame", lambda: report_frame(tasks)), ("tm.report", lambda: tm.report(tasks, out))):
        w0, c0 = time.perf_counter(), cpu()
        run()
        rows.append((name, time.perf_counter() - w0, cpu() - c0))
    print(f"{'events':>10} {'stage':>14} {'wall s':>8} {'CPU s':>8} {'load':>5}  (CPU: this process and dot)")
    for name, wall, cpu in rows:
        print(f"{len(tasks):>10,} {name:>14} {wall:>8.1f} {cpu:>8.1f} {os.getloadavg()[0]:>5.1f}")


if __name__ == "__main__":
    main()
