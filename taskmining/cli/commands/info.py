"""``taskmining info``: what a recording holds (events, users, sessions, apps, span, quarantine).

Examples
--------
>>> import pandas as pd
>>> from taskmining.schema import validate_events
>>> ev = validate_events(pd.DataFrame({"timestamp": ["2026-01-05T09:00:00Z", "2026-01-05T09:30:00Z"],
...                                    "action": ["click", "type"], "user": ["u1", "u1"],
...                                    "app": ["excel", "chrome"]}))
>>> s = summary(ev)
>>> s["events"], s["users"], s["apps"], s["span_seconds"]
(2, 1, {'chrome': 1, 'excel': 1}, 1800.0)
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from typing import Any

import pandas as pd

from taskmining.cli.options import add_input_options

__all__ = ["add_read_arguments", "read_inputs", "register", "summary"]


def add_read_arguments(p: argparse.ArgumentParser) -> None:
    """The input arguments shared by commands that read events."""
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="files, folders or glob patterns")
    add_input_options(p)
    p.add_argument("--key-file", default=None, help="recording key file for encrypted segments")
    p.add_argument("--quiet", action="store_true", help="no progress bars or notices")


def read_inputs(args: argparse.Namespace) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read the inputs named on the command line; notices go to stderr, not as Python warnings."""
    from taskmining.io.read import QuarantineWarning, read_events

    key = None
    if args.key_file:
        from taskmining.io.encrypted import load_key

        key = load_key(args.key_file)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", QuarantineWarning)
        events, quarantine = read_events(args.inputs, args.format, tz=args.tz, return_quarantine=True,
                                         progress=not args.quiet, key=key)
    if len(quarantine) and not args.quiet:
        print(f"note: {len(quarantine)} record(s) quarantined; see 'taskmining quarantine'", file=sys.stderr)
    return events, quarantine


def summary(events: pd.DataFrame, quarantine: pd.DataFrame | None = None) -> dict[str, Any]:
    """The facts ``taskmining info`` prints, as a JSON-ready dict."""
    meta = events.attrs.get("taskmining", {})
    ts = events["timestamp"]
    start = ts.min() if len(ts) else None
    end = ts.max() if len(ts) else None
    reasons: dict[str, int] = {}
    if quarantine is not None and len(quarantine):
        short = quarantine["reason"].str.replace(r":.*$", "", regex=True)
        reasons = {str(k): int(v) for k, v in short.value_counts().items()}
    apps = events["app"].value_counts(sort=False)
    return {
        "events": len(events),
        "users": int(events["user"].nunique()),
        "sessions": int(events["session"].nunique()),
        "apps": {str(k): int(v) for k, v in apps.sort_index().items() if v},
        "start": None if start is None else start.isoformat(),
        "end": None if end is None else end.isoformat(),
        "span_seconds": None if start is None else float((end - start).total_seconds()),
        "format": meta.get("format"),
        "files": meta.get("files"),
        "quarantined": int(0 if quarantine is None else len(quarantine)),
        "quarantined_by_reason": reasons,
        "notes": list(meta.get("notes", [])),
    }


def _text(s: dict[str, Any]) -> str:
    apps = ", ".join(f"{k} ({v})" for k, v in sorted(s["apps"].items(), key=lambda kv: -kv[1])) or "-"
    lines = [
        f"format:      {s['format']} ({s['files']} file(s))",
        f"events:      {s['events']}",
        f"users:       {s['users']}",
        f"sessions:    {s['sessions']}",
        f"apps:        {apps}",
        f"time span:   {s['start']} .. {s['end']} ({s['span_seconds']} s)" if s["start"] else "time span:   -",
        f"quarantined: {s['quarantined']}",
    ]
    lines += [f"  {reason}: {n}" for reason, n in s["quarantined_by_reason"].items()]
    lines += [f"note:        {n}" for n in s["notes"]]
    return "\n".join(lines)


def _run(args: argparse.Namespace) -> int:
    events, quarantine = read_inputs(args)
    s = summary(events, quarantine)
    print(json.dumps(s) if args.json else _text(s))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``info`` subcommand."""
    p = subparsers.add_parser("info", help="summarise recordings: events, users, apps, span, quarantine",
                              description="Summarise recordings or UI logs of any supported format.")
    add_read_arguments(p)
    p.add_argument("--json", action="store_true", help="print exactly one JSON object")
    p.set_defaults(func=_run)
