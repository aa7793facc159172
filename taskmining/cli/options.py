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


def add_release_options(parser: argparse.ArgumentParser) -> None:
    """``--min-cell-people`` and ``--ledger``: the team-level release policy (docs/privacy.md).

    Examples
    --------
    >>> p = argparse.ArgumentParser()
    >>> add_release_options(p)
    >>> vars(p.parse_args(["--min-cell-people", "4"]))
    {'min_cell_people': 4, 'ledger': None}
    """
    parser.add_argument("--min-cell-people", type=int, default=3, metavar="K",
                        help="distinct users every variant, map step or edge and task type needs "
                             "(default 3, at most --min-group-size)")
    parser.add_argument("--ledger", default=None, metavar="FILE",
                        help="release ledger refusing outputs whose people differ from an earlier release "
                             "by 1 to min-group-size - 1 (default: $TASKMINING_RELEASE_LEDGER)")
