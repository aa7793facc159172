"""Options that several subcommands share, defined once."""

from __future__ import annotations

import argparse


def add_input_options(parser: argparse.ArgumentParser) -> None:
    """``--format`` and ``--tz``: how to read the input (see ``read_events``).

    Examples
    --------
    >>> p = argparse.ArgumentParser()
    >>> add_input_options(p)
    >>> vars(p.parse_args(["--tz", "Europe/Berlin"]))
    {'format': 'auto', 'tz': 'Europe/Berlin'}
    """
    parser.add_argument("--format", default="auto", help="input format (default: detect from content)")
    parser.add_argument("--tz", default=None, help="zone of naive timestamps, e.g. Europe/Berlin")
