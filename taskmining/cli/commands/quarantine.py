"""``taskmining quarantine``: list or save the records an input's reading quarantined."""

from __future__ import annotations

import argparse
import json
import sys

from taskmining.cli.commands.info import add_read_arguments, read_inputs
from taskmining.errors import ExportError, ParameterError

__all__ = ["register"]


def _run(args: argparse.Namespace) -> int:
    _, quarantine = read_inputs(args)
    out = args.output
    if out is None:
        for row in quarantine.itertuples(index=False):
            line = "" if row.line is None or row.line != row.line else f":{row.line}"
            print(f"{row.file}{line}: {row.reason}")
            if args.raw:
                print(f"    {row.raw}")
        if not args.quiet:
            print(f"{len(quarantine)} record(s) quarantined", file=sys.stderr)
        return 0
    try:
        if out.endswith(".csv"):
            quarantine.to_csv(out, index=False)
        elif out.endswith(".jsonl"):
            with open(out, "w", encoding="utf-8") as f:
                f.writelines(json.dumps(rec, ensure_ascii=False) + "\n" for rec in quarantine.astype(object).where(quarantine.notna(), None).to_dict("records"))
        else:
            raise ParameterError(f"-o {out}: use a .csv or .jsonl file")
    except OSError as exc:
        raise ExportError(f"{out}: cannot write: {exc.strerror or exc}") from None
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``quarantine`` subcommand."""
    p = subparsers.add_parser("quarantine", help="list the records reading quarantined (file, line, reason)",
                              description="List or save the quarantined records of an input.")
    add_read_arguments(p)
    p.add_argument("-o", "--output", default=None, metavar="OUT", help="write them to OUT.csv or OUT.jsonl")
    p.add_argument("--raw", action="store_true", help="also print each record's raw text")
    p.set_defaults(func=_run)
