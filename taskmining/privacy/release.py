"""Releasing team-level outputs: the k-threshold on every cell and protection against differencing.

Two outputs that each pass a group-size threshold can still reveal one
person: a report over a team and the same report without one member give,
by subtraction, that member's case count and mean handling time. The
policy here:

1. **k-threshold on every cell** (:func:`threshold_cells`): a row of any
   released table (a variant, a step of a map, an edge of a graph, a task
   type of a metric table, an export's case group) is kept only when at
   least ``min_group_size`` distinct people contributed to it; suppressed
   rows are listed in ``attrs["suppressed"]`` without their counts.
2. **No totals over suppressed cells** (:func:`threshold_cells` with
   ``totals=``): when any row was suppressed, total columns are withheld
   too, so suppressed values cannot be recovered as total minus the rest.
3. **Fixed cohorts through a release ledger** (:class:`ReleaseLedger`):
   every released output records the set of (pseudonymous) people it covers
   in a ledger file; an output whose people differ from an earlier release
   by at least one but fewer than ``min_group_size`` people is refused
   (:class:`~taskmining.errors.PrivacyError`). Outputs over the same
   cohort, or over cohorts differing by ``min_group_size`` or more people,
   pass.

What this does not protect: outputs over different *time windows* or
filters of the same cohort (a person's one-off week can be differenced by
two date ranges); releases made outside the ledger; a reader holding the
event frames, who sees pseudonymous per-person data anyway.

Examples
--------
>>> import pandas as pd, tempfile, os
>>> led = ReleaseLedger(os.path.join(tempfile.mkdtemp(), "releases.json"), min_group_size=3)
>>> led.check_and_record(["u-1", "u-2", "u-3", "u-4"], what="team report")
>>> led.check_and_record(["u-1", "u-2", "u-3"], what="team report")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
taskmining.errors.PrivacyError: team report: its people differ from release 1 (team report) by 1 ...
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

from taskmining.errors import PrivacyError
from taskmining.privacy.groups import (
    DEFAULT_MIN_GROUP_SIZE,
    check_min_group_size,
    group_sizes,
    note_suppressed,
)

__all__ = ["ReleaseLedger", "threshold_cells", "transition_people", "DEFAULT_MIN_CELL_PEOPLE",
           "cell_threshold", "check_cohort", "ledger_from"]

#: Distinct people every released cell (variant, map step or edge, task type row) needs by default.
DEFAULT_MIN_CELL_PEOPLE = 3

#: Environment variable naming the release ledger used when none is passed.
LEDGER_ENV = "TASKMINING_RELEASE_LEDGER"


def cell_threshold(min_group_size: int | None, min_cell_people: int = DEFAULT_MIN_CELL_PEOPLE) -> int:
    """People each cell of a team output needs: ``min_cell_people``, never more than ``min_group_size``.

    ``min_group_size=None`` or ``1`` opts out (every cell released).

    Examples
    --------
    >>> cell_threshold(5), cell_threshold(2), cell_threshold(None), cell_threshold(5, 4)
    (3, 2, 1, 4)
    """
    if min_group_size is None:
        return 1
    return min(check_min_group_size(min_group_size), check_min_group_size(min_cell_people, "min_cell_people"))


def check_cohort(frame: pd.DataFrame, min_group_size: int | None, *, user_col: str = "user",
                 what: str = "output", ledger: ReleaseLedger | str | os.PathLike[str] | None = None,
                 refuse: bool = True) -> int:
    """Refuse a team output over fewer than ``min_group_size`` distinct people; returns their number.

    A missing user column is a :class:`PrivacyError` unless the caller opted
    out (``min_group_size`` ``None`` or 1: the number returned is then 0).
    With a ledger (``ledger`` or ``$TASKMINING_RELEASE_LEDGER``, see
    :func:`ledger_from`) the cohort is checked against earlier releases and
    recorded (:meth:`ReleaseLedger.check_and_record`). ``refuse=False``
    returns a number below ``min_group_size`` instead of raising (the caller
    then withholds every cell); the ledger is not consulted then.

    Examples
    --------
    >>> import pandas as pd
    >>> check_cohort(pd.DataFrame({"user": list("abcde")}), 5)
    5
    >>> check_cohort(pd.DataFrame({"user": list("abcd")}), 5)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    taskmining.errors.PrivacyError: output: covers 4 distinct people, fewer than min_group_size=5 ...
    """
    if min_group_size is None or check_min_group_size(min_group_size) <= 1:
        return int(frame[user_col].nunique()) if user_col in frame.columns else 0
    if user_col not in frame.columns:
        raise PrivacyError(f"{what}: column {user_col!r} is missing, so the people behind it cannot be counted; "
                           "pass min_group_size=1 (CLI: --min-group-size 1) to release it anyway")
    n = int(frame[user_col].nunique())
    if n < min_group_size and not refuse:
        return n
    if n < min_group_size:
        raise PrivacyError(f"{what}: covers {n} distinct people, fewer than min_group_size={min_group_size} "
                           "(a team output needs a team); pass min_group_size=1 to opt out")
    led = ledger_from(ledger, min_group_size)
    if led is not None:
        led.check_and_record(frame[user_col].dropna().astype(str).unique().tolist(), what=what)
    return n


def ledger_from(ledger: ReleaseLedger | str | os.PathLike[str] | None, min_group_size: int | None
                ) -> ReleaseLedger | None:
    """The ledger to use: the one given, a path, else ``$TASKMINING_RELEASE_LEDGER``, else none.

    Examples
    --------
    >>> ledger_from(None, 5) is None or isinstance(ledger_from(None, 5), ReleaseLedger)
    True
    """
    if isinstance(ledger, ReleaseLedger):
        return ledger
    path = ledger if ledger is not None else os.environ.get(LEDGER_ENV) or None
    if path is None or min_group_size is None or min_group_size <= 1:
        return None
    return ReleaseLedger(path, min_group_size=min_group_size)


def transition_people(tasks: pd.DataFrame, *, by: str | Sequence[str] = (), case_col: str = "case_id",
                      step_col: str = "step", time_col: str = "timestamp",
                      user_col: str = "user") -> pd.DataFrame:
    """Distinct people behind each directly-follows transition (the edges of a map or graph).

    Parameters
    ----------
    tasks : pandas.DataFrame
        Rows with case, step, timestamp and user columns.
    by : str or sequence of str
        Extra cell columns (``"task"`` for per-task maps).

    Returns
    -------
    pandas.DataFrame
        ``by`` columns, ``source``, ``target``, ``users``; pass it as
        ``users=`` to :func:`threshold_cells` with cells ``[*by, "source", "target"]``.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"case_id": ["a", "a", "b", "b"], "step": ["x", "y", "x", "y"],
    ...                   "timestamp": pd.to_datetime([1, 2, 1, 2], unit="s"), "user": ["p", "p", "q", "q"]})
    >>> transition_people(t)
      source target  users
    0      x      y      2
    """
    extra = [by] if isinstance(by, str) else list(by)
    for col in (case_col, step_col, time_col, *extra):
        if col not in tasks.columns:
            raise PrivacyError(f"column {col!r} is missing: the people behind each transition cannot be counted")
    rows = tasks.sort_values([case_col, time_col], kind="stable")
    nxt = rows.groupby(case_col, sort=False, observed=True)[step_col].shift(-1)
    pairs = rows.assign(source=rows[step_col], target=nxt).dropna(subset=["target"])
    return group_sizes(pairs, [*extra, "source", "target"], user_col)


def threshold_cells(table: pd.DataFrame, cell_cols: str | Sequence[str], *, users: pd.DataFrame | None = None,
                    users_col: str = "users", min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
                    totals: Iterable[str] = (), what: str = "output", warn: bool = True) -> pd.DataFrame:
    """Keep the cells (rows) of ``table`` with at least ``min_group_size`` distinct people.

    Parameters
    ----------
    table : pandas.DataFrame
        The aggregate to release; one row per cell.
    cell_cols : str or sequence of str
        The columns naming a cell (variant, step, edge endpoints, task type).
    users : pandas.DataFrame, optional
        :func:`taskmining.privacy.groups.group_sizes` output when ``table`` has no ``users_col``.
    min_group_size : int
        People a cell needs; 1 releases everything.
    totals : iterable of str
        Columns holding totals over all cells: withheld (set to missing)
        when any cell was suppressed, so no suppressed value can be derived.
    what : str
        Name of the output, for the note.

    Returns
    -------
    pandas.DataFrame
        A new table; ``attrs["suppressed"]`` names the suppressed cells.

    Raises
    ------
    PrivacyError
        When the number of people per cell is unknown.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"variant": ["a", "b"], "cases": [40, 1], "users": [9, 1], "total": [41, 41]})
    >>> out = threshold_cells(t, "variant", min_group_size=5, totals=["total"], warn=False)
    >>> out["variant"].tolist(), bool(out["total"].isna().all()), out.attrs["suppressed"]
    (['a'], True, [{'variant': 'b'}])
    """
    check_min_group_size(min_group_size)
    cols = [cell_cols] if isinstance(cell_cols, str) else list(cell_cols)
    if users_col not in table.columns:
        if users is None:
            raise PrivacyError(f"{what}: no {users_col!r} column and no people counts per cell: "
                               "cannot apply the group-size threshold")
        table = table.merge(users[[*cols, "users"]].rename(columns={"users": users_col}), on=cols, how="left")
    small = table[users_col].isna() | (table[users_col] < min_group_size)
    out = table.loc[~small].reset_index(drop=True)
    if small.any():
        for col in totals:
            if col in out.columns:
                out[col] = pd.Series([pd.NA] * len(out), index=out.index, dtype="Float64")
    return note_suppressed(out, table.loc[small, cols].reset_index(drop=True), what=what,
                           min_group_size=min_group_size, warn=warn, stacklevel=3)


def _fingerprint(user: str) -> str:
    return hashlib.sha256(b"taskmining-release:" + str(user).encode("utf-8")).hexdigest()[:20]


class ReleaseLedger:
    """The people of every released output, so that no two releases can be differenced.

    Parameters
    ----------
    path : path
        JSON file (created) shared by everyone who releases team outputs.
    min_group_size : int
        Two releases must cover the same people or differ by at least this many.
    """

    def __init__(self, path: str | os.PathLike[str], min_group_size: int = DEFAULT_MIN_GROUP_SIZE) -> None:
        self.path = Path(path)
        self.min_group_size = check_min_group_size(min_group_size)

    def _load(self) -> list[dict[str, object]]:
        if not self.path.exists():
            return []
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            releases = data["releases"]
            assert isinstance(releases, list)
            return releases
        except (OSError, ValueError, KeyError, AssertionError) as exc:
            raise PrivacyError(f"release ledger {self.path}: unreadable ({exc}); refusing to release") from None

    def check(self, users: Iterable[str], *, what: str = "output") -> None:
        """Raise :class:`PrivacyError` when ``users`` could be differenced against an earlier release."""
        people = {_fingerprint(u) for u in users if u is not None and not pd.isna(u)}
        if len(people) < self.min_group_size:
            raise PrivacyError(f"{what}: covers {len(people)} people, fewer than min_group_size="
                               f"{self.min_group_size}")
        for i, rel in enumerate(self._load(), start=1):
            diff = len(people.symmetric_difference(set(rel["people"])))  # type: ignore[call-overload]
            if 0 < diff < self.min_group_size:
                raise PrivacyError(f"{what}: its people differ from release {i} ({rel.get('what')}) by {diff} "
                                   f"(fewer than min_group_size={self.min_group_size}); the difference of the two "
                                   "would describe those people. Release over the same cohort or over cohorts "
                                   f"differing by at least {self.min_group_size} people")

    def check_and_record(self, users: Iterable[str], *, what: str = "output") -> None:
        """:meth:`check`, then add this release to the ledger (written atomically)."""
        users = list(users)
        self.check(users, what=what)
        people = sorted({_fingerprint(u) for u in users if u is not None and not pd.isna(u)})
        releases = self._load()
        if not any(sorted(r["people"]) == people for r in releases):  # type: ignore[call-overload]
            releases.append({"what": what, "people": people})
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"releases": releases}), encoding="utf-8")
        os.replace(tmp, self.path)
