"""``taskmining convert``: any supported input to Parquet (optionally partitioned) or native JSONL."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from taskmining.cli.commands.info import add_read_arguments, read_inputs
from taskmining.errors import ParameterError

__all__ = ["output_path", "register"]

_SUFFIXES = (".parquet", ".jsonl", ".jsonl.gz")


def output_path(out: str, partition_by: list[str]) -> Path:
    """Where to write: the file itself, or ``DIR/events.parquet`` for an unpartitioned folder.

    Examples
    --------
    >>> str(output_path("out.jsonl.gz", []))
    'out.jsonl.gz'
    >>> str(output_path("outdir", []))
    'outdir/events.parquet'
    """
    p = Path(out)
    if p.name.lower().endswith(_SUFFIXES) or partition_by:
        return p
    if p.suffix:
        raise ParameterError(f"-o {out}: use .parquet, .jsonl, .jsonl.gz or a folder")
    return p / "events.parquet"


def _run(args: argparse.Namespace) -> int:
    from taskmining.io.write import write_events

    parts = [c.strip() for c in (args.partition_by or "").split(",") if c.strip()]
    target = output_path(args.output, parts)
    events, _ = read_inputs(args)
    written = write_events(events, target, partition_by=parts or None)
    if not args.quiet:
        print(f"wrote {len(events)} events to {written}", file=sys.stderr)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``convert`` subcommand."""
    p = subparsers.add_parser("convert", help="convert UI logs to Parquet or native JSONL",
                              description="Read any supported input and write it as Parquet or JSONL.")
    add_read_arguments(p)
    p.add_argument("-o", "--output", required=True, metavar="OUT",
                   help="OUT.parquet, OUT.jsonl, OUT.jsonl.gz or a folder (Parquet dataset)")
    p.add_argument("--partition-by", default=None, metavar="COLS", help="Parquet partitions: user, date or user,date")
    p.set_defaults(func=_run)
