"""``taskmining export``: any input to XES, OCEL 2.0, or a pm4py-format CSV/Parquet.

::

    taskmining export INPUT --to xes|ocel-json|ocel-sqlite|pm4py-csv|parquet -o PATH
                      [--format F] [--tz TZ] [--method M] [--param key=value ...]
                      [--level activity|step|event] [--case-col C] [--activity-col A] [--unassigned drop|raise]
                      [--min-group-size N] [--min-cell-people K] [--ledger FILE]

Inputs without a ``case_id`` column are segmented first with
``taskmining.segment(events, method=M)``; ``--case-col true_case
--activity-col true_step`` exports a simulator's ground truth instead.
``pm4py-csv`` and ``parquet`` write the frame of :func:`taskmining.to_pm4py`
(pm4py column names, one row per activity, step or event: ``--level``, by
default the library's one default level, activities for input with UI
structure, else steps).

An export holds per-person rows, so it is a team output
(docs/privacy.md): refused over fewer than ``--min-group-size`` people
(default 5), and a case holding a step or task type of fewer than
``--min-cell-people`` people (default 3) is left out, with a note.
``--min-group-size 1`` exports every case and says so on stderr.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path
from typing import Any

import pandas as pd

from taskmining.cli.commands.info import add_read_arguments, read_inputs
from taskmining.cli.options import add_release_options
from taskmining.errors import ExportError, ParameterError
from taskmining.privacy.groups import DEFAULT_MIN_GROUP_SIZE, SmallGroupWarning

__all__ = ["TARGETS", "register", "stage_export", "tasks_from_events"]

TARGETS = ("xes", "ocel-json", "ocel-sqlite", "pm4py-csv", "parquet")


def tasks_from_events(events: pd.DataFrame, *, case_col: str, method: str,
                      params: dict[str, Any] | None = None) -> pd.DataFrame:
    """``events`` when it has ``case_col``, else ``taskmining.segment(events, method)``.

    Examples
    --------
    >>> import pandas as pd
    >>> ev = pd.DataFrame({"case_id": ["c1"], "step": ["a"]})
    >>> tasks_from_events(ev, case_col="case_id", method="auto") is ev
    True
    """
    if case_col in events.columns:
        return events
    if case_col != "case_id":
        raise ParameterError(f"--case-col {case_col}: the input has no such column "
                             f"(columns: {list(events.columns)[:20]})")
    try:
        from taskmining.segmentation import segment
    except ImportError as exc:  # pragma: no cover - depends on the installed version
        raise ExportError(f"the input has no case_id column and segmentation is unavailable ({exc}); "
                          "segment it first (taskmining segment) or pass --case-col") from None
    return segment(events, method, **(params or {}))


def stage_export(ctx: Any) -> None:
    """Demo stage: the task instances as XES and OCEL, and linked to the simulated ERP log.

    Uses ``ctx.results["tasks"]`` when an earlier stage segmented the events,
    else the simulator's ground truth (``ctx.simulated``). Writes
    ``tasks.xes.gz``, ``tasks.ocel.json`` and ``joint.xes.gz`` (desktop task
    instances inside the ERP cases) to ``ctx.out``. The exports apply the
    team-level threshold; a simulated team of fewer than
    ``min_group_size`` people is exported without it, and the stage says so
    (simulated people: nobody to protect; ``taskmining export`` on real
    data refuses instead).
    """
    from taskmining.datasets import simulate_process_log
    from taskmining.datasets.simulate import DEFAULT_SALT
    from taskmining.export import (
        UnassignedRowsWarning,
        link_to_process,
        write_ocel,
        write_xes,
    )

    tasks = ctx.results.get("tasks")
    columns: dict[str, str] = {}
    if tasks is None:
        tasks = ctx.simulated
        columns = {"case_col": "true_case", "activity_col": "true_step"}
    people = int(ctx.simulated["user"].nunique())
    policy: dict[str, Any] = {}
    if people < DEFAULT_MIN_GROUP_SIZE:
        policy = {"min_group_size": None}
        ctx.say(f"the simulated team has {people} people, fewer than {DEFAULT_MIN_GROUP_SIZE}: exported without "
                "the team-level threshold (simulated data; real data needs a team or --min-group-size 1)")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnassignedRowsWarning)  # events between tasks
        warnings.simplefilter("ignore", SmallGroupWarning)  # cases of one-off steps left out
        xes = write_xes(tasks, ctx.out / "tasks.xes.gz", **columns, **policy)
        ocel = write_ocel(tasks, ctx.out / "tasks.ocel.json", **columns, **policy)
        process = simulate_process_log(ctx.simulated)
        joint = link_to_process(ctx.simulated, process, process_key="case:concept:name", salt=DEFAULT_SALT,
                                case_col="true_case", activity_col="true_step", task_col="true_task",
                                granularity="task", **policy)
        joint_xes = joint.write_xes(ctx.out / "joint.xes.gz")
    linked = int(joint.links["process_case"].notna().sum())
    ctx.results["export"] = {"xes": xes, "ocel": ocel, "joint_xes": joint_xes, "linked": linked,
                             "task_instances": len(joint.links)}
    ctx.say(f"exported XES ({xes.name}) and OCEL 2.0 ({ocel.name}); linked {linked} of {len(joint.links)} "
            f"task instances to ERP cases ({joint_xes.name})")


def _run(args: argparse.Namespace) -> int:
    from taskmining.cli.commands.segment import parse_params
    from taskmining.export import UnassignedRowsWarning
    from taskmining.export.ocel import write_ocel
    from taskmining.export.pm4py_frame import to_pm4py
    from taskmining.export.release import release_tasks
    from taskmining.export.xes import write_xes
    from taskmining.mining.levels import resolve_level

    if args.min_group_size < 1:
        raise ParameterError(f"--min-group-size must be >= 1, got {args.min_group_size}")
    out = Path(args.output)
    params = parse_params(args.param)
    events, _ = read_inputs(args)
    tasks = tasks_from_events(events, case_col=args.case_col, method=args.method, params=params)
    level = resolve_level(args.level, tasks)  # the library's one default: activities where the UI shows screens
    common = {"level": level, "case_col": args.case_col, "activity_col": args.activity_col,
              "unassigned": args.unassigned, "tz": args.tz}
    if args.min_group_size == 1:
        print("note: exported without the team-level threshold (--min-group-size 1): every case, with "
              "per-person rows; it may single out one person", file=sys.stderr)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UnassignedRowsWarning)
        warnings.simplefilter("always", SmallGroupWarning)
        released = release_tasks(tasks, min_group_size=None if args.min_group_size == 1 else args.min_group_size,
                                 min_cell_people=args.min_cell_people, ledger=args.ledger, level=level,
                                 case_col=args.case_col, activity_col=args.activity_col, what="export")
        suppressed = int(released.attrs["release"]["suppressed_cases"])
        tasks = released  # the plain converters below write only the released cases
        if args.to == "xes":
            write_xes(tasks, out, progress=not args.quiet, **common)
        elif args.to in ("ocel-json", "ocel-sqlite"):
            write_ocel(tasks, out, format=args.to.split("-")[1], **common)
        else:
            log = to_pm4py(tasks, **common)
            try:
                if args.to == "parquet":
                    log.to_parquet(out, index=False)
                else:
                    log.to_csv(out, index=False, date_format="%Y-%m-%dT%H:%M:%S.%f%z")
            except OSError as exc:
                raise ExportError(f"{out}: cannot write: {exc.strerror or exc}") from None
    for w in caught:
        if issubclass(w.category, UnassignedRowsWarning):
            print(f"note: {w.message}".replace('pass unassigned="raise"', "pass --unassigned raise"),
                  file=sys.stderr)
        elif issubclass(w.category, SmallGroupWarning):
            print(f"note: {w.message}".replace("min_group_size=None", "--min-group-size 1"), file=sys.stderr)
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    if not args.quiet:
        n_cases = tasks[args.case_col].nunique()
        print(f"wrote {n_cases} cases from {len(tasks)} events as {args.to} to {out}"
              + (f" ({suppressed} left out by the team-level threshold)" if suppressed else ""), file=sys.stderr)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``export`` subcommand."""
    p = subparsers.add_parser(
        "export", help="export task instances as XES, OCEL 2.0 or a pm4py CSV/Parquet",
        description="Read any input, segment it when it has no case_id, and write an event log "
                    "that pm4py and other process-mining tools read.")
    add_read_arguments(p)
    p.add_argument("--to", required=True, choices=TARGETS, help="output format")
    p.add_argument("-o", "--output", required=True, metavar="PATH",
                   help="output file (.xes or .xes.gz, .json, .sqlite, .csv, .parquet)")
    p.add_argument("--method", default="auto", help="segmentation method when the input has no case_id")
    p.add_argument("--param", action="append", metavar="KEY=VALUE", help="segmenter parameter (repeatable)")
    p.add_argument("--level", default=None, choices=("activity", "step", "event"),
                   help="one row per activity (default, for input with app/window/url), step or event")
    p.add_argument("--case-col", default="case_id", help="case column (e.g. true_case for ground truth)")
    p.add_argument("--activity-col", default="step", help="activity column (e.g. true_step)")
    p.add_argument("--unassigned", default="drop", choices=("drop", "raise"),
                   help="events outside any case: leave out with a note (default) or fail")
    p.add_argument("--min-group-size", type=int, default=DEFAULT_MIN_GROUP_SIZE, metavar="N",
                   help=f"distinct users the export needs (default {DEFAULT_MIN_GROUP_SIZE}; 1 exports every "
                        "case, unthresholded, with a notice)")
    add_release_options(p)
    p.set_defaults(func=_run)
