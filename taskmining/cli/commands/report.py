"""``taskmining report INPUT -o report.html``: the HTML report of any recording or log."""

from __future__ import annotations

import argparse
import sys
import time

from taskmining.cli.options import add_input_options, add_release_options
from taskmining.errors import ParameterError


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``report`` subcommand."""
    p = sub.add_parser("report", help="write a self-contained HTML report",
                       description="Read any input read_events reads, segment it when it has no case_id, "
                                   "and write one offline HTML file.")
    p.add_argument("input", nargs="+", help="recording folder, file(s) or glob")
    p.add_argument("-o", "--output", required=True, help="the .html file to write")
    add_input_options(p)
    p.add_argument("--method", default="auto", help="segmentation method when the input has no case_id")
    p.add_argument("--title", default="Task mining report")
    p.add_argument("--compare-by", default=None, help="column with two groups to compare")
    p.add_argument("--min-group-size", type=int, default=5,
                   help="distinct users the log needs for a report (default 5; 1 releases everything, unthresholded)")
    add_release_options(p)
    p.add_argument("--engine", choices=["auto", "dot", "python"], default="auto", help="process-map layout")
    p.add_argument("--quiet", action="store_true", help="no progress output")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Read, segment when needed, and write the report."""
    import taskmining as tm

    if args.min_group_size < 1:
        raise ParameterError("--min-group-size must be at least 1")
    show = not args.quiet
    t0 = time.perf_counter()
    source = args.input[0] if len(args.input) == 1 else args.input
    events = tm.read_events(source, format=args.format, tz=args.tz, progress=show)
    if show:
        print(f"read {len(events):,} events in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    tasks = events
    if "case_id" not in events.columns:
        t1 = time.perf_counter()
        tasks = tm.segment(events, method=args.method)
        if show:
            print(f"segmented with {args.method!r} in {time.perf_counter() - t1:.1f} s", file=sys.stderr)
    out = tm.report(tasks, args.output, title=args.title, compare_by=args.compare_by,
                    min_group_size=args.min_group_size, min_cell_people=args.min_cell_people,
                    ledger=args.ledger, engine=args.engine, progress=show)
    if show:
        print(f"done in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    print(out)
    return 0
