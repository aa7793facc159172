"""The ``taskmining`` command line.

Each subcommand lives in its own module under :mod:`taskmining.cli.commands`
and exposes ``register(subparsers)``; that function adds its parser and sets
``func`` (taking the parsed arguments, returning an exit code).

Exit codes: 0 success, 1 usage errors, 2 bad data (a one-line message, no
traceback). Warnings are printed one per line as ``taskmining <command>: warning: ...``.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
import warnings
from collections.abc import Callable, Sequence
from typing import TextIO

from taskmining.errors import ParameterError, TaskminingError

EXIT_OK = 0
EXIT_USAGE = 1
EXIT_DATA = 2


class _Parser(argparse.ArgumentParser):
    """argparse with exit code 1 (not 2) on usage errors."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    """Build the parser with every subcommand module found in ``cli.commands``."""
    from taskmining._version import __version__
    from taskmining.cli import commands

    parser = _Parser(prog="taskmining", description="Task mining: record desktop work and analyse it.")
    parser.add_argument("--version", action="version", version=f"taskmining {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"taskmining.cli.commands.{info.name}")
        module.register(sub)
    return parser


def _warning_printer(command: str) -> Callable[..., None]:
    """Warnings as one line each, ``taskmining <command>: warning: ...`` (no library file and line)."""
    def show(message: Warning | str, category: type[Warning], filename: str, lineno: int,
             file: TextIO | None = None, line: str | None = None) -> None:
        print(f"taskmining {command}: warning: {message}", file=file or sys.stderr)
    return show


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code (also used as the console script)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        with warnings.catch_warnings():
            warnings.showwarning = _warning_printer(args.command)
            return int(args.func(args) or 0)
    except ParameterError as exc:
        print(f"taskmining {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except TaskminingError as exc:
        print(f"taskmining {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_DATA
    except KeyboardInterrupt:
        print(f"taskmining {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
