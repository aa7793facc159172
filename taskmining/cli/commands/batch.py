"""``taskmining batch segment``: segment a large input partition by partition into a tasks dataset.

::

    taskmining batch segment INPUT -o OUTDIR [--by session|user|file] [--jobs N]
                             [--backend serial|processes|dask] [--method M] [--param k=v ...] [--quiet]

writes ``OUTDIR/part-NNNNNN.parquet`` (one tasks frame per partition, with a
``partition`` column) and ``OUTDIR/report.csv`` (one row per partition:
status, rows, quarantined records, error). Exit code 0 when every partition
was segmented, 2 when some failed (the report names them), 1 for usage errors.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

from taskmining.cli import EXIT_DATA, EXIT_OK
from taskmining.cli.options import add_input_options

__all__ = ["register"]


def _segment(args: argparse.Namespace) -> int:
    from taskmining.batch.run import BACKENDS, BatchWarning, segment_partitions
    from taskmining.cli.commands.segment import parse_params
    from taskmining.errors import ParameterError

    if args.backend not in BACKENDS:  # argparse choices already check; kept for direct calls
        raise ParameterError(f"--backend {args.backend!r}: use one of {', '.join(BACKENDS)}")
    params = parse_params(args.param)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", BatchWarning)
        report = segment_partitions(args.input, args.output, method=args.method, by=args.by,
                                    backend=args.backend, n_jobs=args.jobs, progress=not args.quiet,
                                    format=args.format, tz=args.tz, params=params)
    report.to_csv(Path(args.output) / "report.csv", index=False)
    info = report.attrs["taskmining"]["batch"]
    if not args.quiet:
        print(f"{info['partitions'] - info['failed']} of {info['partitions']} partitions segmented, "
              f"{int(report['rows'].sum())} rows, {info['quarantined']} records quarantined -> {args.output}",
              file=sys.stderr)
    for f in info["failures"]:
        print(f"taskmining batch: partition {f['partition']!r} failed: {f['error']}: {f['message']}",
              file=sys.stderr)
    return EXIT_DATA if info["failed"] else EXIT_OK


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``batch`` subcommand (with its ``segment`` action)."""
    p = subparsers.add_parser("batch", help="process a large input partition by partition",
                              description="Batch work over many recordings, one session or user at a time.")
    actions = p.add_subparsers(dest="action", metavar="ACTION", parser_class=type(p))
    s = actions.add_parser("segment", help="segment every partition into a Parquet tasks dataset",
                           description="Segment every session (or user) of INPUT and write one Parquet file "
                                       "per partition plus report.csv to OUTDIR.")
    s.add_argument("input", metavar="INPUT", help="a recording folder, Parquet dataset, file or glob")
    s.add_argument("-o", "--output", required=True, metavar="OUTDIR", help="output folder (created)")
    s.add_argument("--by", default="session", choices=["session", "user", "file"], help="partition kind")
    s.add_argument("--jobs", type=int, default=None, metavar="N", help="worker count (default: one per CPU)")
    s.add_argument("--backend", default="serial", choices=["serial", "processes", "dask"])
    s.add_argument("--method", default="auto", help="segmenter name (default auto)")
    s.add_argument("--param", action="append", metavar="KEY=VALUE", help="segmenter parameter (repeatable)")
    add_input_options(s)
    s.add_argument("--quiet", action="store_true", help="no progress bar or summary line")
    s.set_defaults(func=_segment)
    p.set_defaults(func=lambda args: _usage(p))


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_usage(sys.stderr)
    return 1
