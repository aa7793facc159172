"""``taskmining simulate``: write synthetic desktop work with ground truth.

Examples
--------
>>> import argparse
>>> sub = argparse.ArgumentParser().add_subparsers()
>>> register(sub)
>>> args = sub.choices["simulate"].parse_args(["-o", "out", "--users", "2"])
>>> args.users, args.format
(2, 'native')
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

__all__ = ["register", "run", "add_simulation_options"]


def add_simulation_options(p: argparse.ArgumentParser, *, users: int = 5) -> None:
    """Options shared by ``simulate`` and ``demo``."""
    p.add_argument("--users", type=int, default=users, metavar="N", help=f"team size (default {users})")
    p.add_argument("--seed", type=int, default=0, metavar="S", help="random seed (default 0)")
    p.add_argument("--hours", type=float, default=8.0, metavar="H", help="length of a working day (default 8)")


def register(subparsers: Any) -> None:
    """Add the ``simulate`` subcommand."""
    p = subparsers.add_parser(
        "simulate", help="simulate a team's desktop work with ground truth",
        description="Simulate N users x D working days of office routines (invoice entry, customer look-up, "
                    "expense reimbursement, ...) with the ground truth on every event, and write them.")
    p.add_argument("-o", "--output", required=True, metavar="DIR",
                   help="output: a recording folder (native), or a .parquet / .jsonl file or folder")
    add_simulation_options(p)
    p.add_argument("--days", type=int, default=1, metavar="D", help="working days (default 1)")
    p.add_argument("--routines", type=int, default=None, metavar="K", help="use the first K routine types")
    p.add_argument("--format", choices=("native", "parquet", "jsonl"), default="native",
                   help="native recording folder (default), one Parquet file or one JSONL file")
    p.add_argument("--noise", type=float, default=0.05, help="fraction of noise events (default 0.05)")
    p.add_argument("--interleave", type=float, default=0.2, help="fraction of interleaved instances (default 0.2)")
    p.add_argument("--interruptions", type=float, default=0.1,
                   help="probability an instance is interrupted (default 0.1)")
    p.add_argument("--keep-text", action="store_true", help="store typed characters (off by default)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


def _target(output: str, fmt: str) -> Path:
    out = Path(output)
    if fmt == "native" or out.suffix in (".parquet", ".jsonl"):
        return out
    return out / f"events.{fmt}"


def run(args: argparse.Namespace) -> int:
    """Simulate and write; prints one summary line."""
    from taskmining.datasets.simulate import simulate_columns, to_frame

    cols, info = simulate_columns(args.users, args.days, args.routines, args.seed, noise=args.noise,
                                  interleave=args.interleave, interruptions=args.interruptions,
                                  keep_text=args.keep_text, hours=args.hours, progress=not args.quiet)
    target = _target(args.output, args.format)
    n_events, n_cases = cols["n"], len(cols["true_case"].values)
    if args.format == "native":
        from taskmining.datasets._native import write_recording

        write_recording(cols, target, info)
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        if args.format == "jsonl":
            from taskmining.datasets._native import write_jsonl

            write_jsonl(cols, target)
        else:
            from taskmining.io.write import write_events

            write_events(to_frame(cols), target, format="parquet")
    print(f"wrote {n_events} events ({args.users} users x {args.days} days, {n_cases} task instances) "
          f"to {target}", file=sys.stdout)
    return 0
