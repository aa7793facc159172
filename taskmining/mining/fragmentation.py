"""Fragmentation of work: application switches and interrupted tasks, per team.

Definitions (within each recording session, events in time order):

- **observed time**: the sum of gaps between consecutive events that are at
  most ``idle_threshold`` seconds (longer gaps are breaks, not work);
- **app switch**: consecutive events in different applications;
- **interruption**: a case whose events stop, events of *another* case
  follow, and the case resumes later (events without a case in between do
  not count as another case); the **resumption time** is the gap from the
  last event before the interruption to the first event after it.

Groups are teams: the ``team=`` argument (a column name or a mapping from
user to team) or the ``by`` column (default ``"team"``); when neither is
there, the whole log is one group ``"(all)"``. The table is a team output
released under the team-level policy (docs/privacy.md): nothing over a log
of fewer than ``min_group_size`` people, no team of fewer than
``min_cell_people`` people (left out and noted), and the release noise of
:mod:`taskmining.privacy.noise` on the numbers of the teams shown.

Examples
--------
>>> import pandas as pd
>>> import taskmining as tm
>>> t = pd.DataFrame({
...     "session": ["s"] * 5, "user": ["u"] * 5, "app": ["mail", "erp", "mail", "erp", "erp"],
...     "case_id": ["a", "a", "b", "a", "a"], "step": ["x", "y", "z", "y", "w"],
...     "timestamp": pd.to_datetime(["2026-01-05 09:00:00", "2026-01-05 09:00:30", "2026-01-05 09:01:00",
...                                  "2026-01-05 09:03:00", "2026-01-05 09:03:30"], utc=True)})
>>> f = tm.fragmentation(t, min_group_size=1)
>>> f[["team", "app_switches", "interruptions", "resumption_time_mean"]]
    team  app_switches  interruptions  resumption_time_mean
0  (all)             3              1                 150.0
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from taskmining._unique import unique
from taskmining.errors import MiningError, ParameterError, PrivacyError
from taskmining.mining._codes import factorize
from taskmining.mining._frame import NS, require_columns, times_ns
from taskmining.mining._stats import group_stats
from taskmining.mining.metrics import ALL
from taskmining.privacy.groups import (
    DEFAULT_MIN_GROUP_SIZE,
    check_min_group_size,
    suppress_table,
)
from taskmining.privacy.release import DEFAULT_MIN_CELL_PEOPLE, ReleaseLedger, cell_threshold, check_cohort
from taskmining.schema import APP, CASE_ID, SESSION, TIMESTAMP, USER

__all__ = ["fragmentation"]


def _groups(tasks: pd.DataFrame, by: str | None, team: str | Mapping[str, str] | None,
            user_col: str) -> tuple[str, np.ndarray]:
    if isinstance(team, Mapping):
        if user_col not in tasks.columns:
            raise ParameterError(f"team= is a mapping from users, but column {user_col!r} is missing")
        mapped = tasks[user_col].map(dict(team))
        return "team", mapped.astype(object).where(mapped.notna(), "(no team)").to_numpy()
    if isinstance(team, str):
        if team not in tasks.columns:
            raise ParameterError(f"team={team!r} is not a column (columns: {list(tasks.columns)[:20]})")
        by = team
    elif team is not None:
        raise ParameterError(f"team must be a column name or a mapping from user to team, got {type(team).__name__}")
    if by is not None and by in tasks.columns:
        values = tasks[by].astype(object)
        return by, values.where(values.notna(), "(no team)").to_numpy()
    if by is not None and by != "team":
        raise ParameterError(f"by={by!r} is not a column (columns: {list(tasks.columns)[:20]})")
    return "team", np.full(len(tasks), ALL, dtype=object)


def fragmentation(
    tasks: pd.DataFrame,
    *,
    by: str | None = "team",
    team: str | Mapping[str, str] | None = None,
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
    min_cell_people: int = DEFAULT_MIN_CELL_PEOPLE,
    ledger: ReleaseLedger | str | None = None,
    per_user: bool = False,
    idle_threshold: float = 300.0,
    case_col: str = CASE_ID,
    timestamp_col: str = TIMESTAMP,
    session_col: str = SESSION,
    app_col: str = APP,
    user_col: str = USER,
) -> pd.DataFrame:
    """Application switches per hour, interruptions and resumption times, per team.

    Parameters
    ----------
    tasks : pandas.DataFrame
        The tasks frame (all events, also those outside any case).
    by : str or None, default "team"
        Group column; ``None`` (or a missing ``"team"`` column) means the whole log.
    team : str or mapping, optional
        A team column name, or a mapping ``{user: team}``.
    min_group_size : int, default 5
        People the log needs for any team row (fewer: every row withheld,
        noted); 1 releases every team, exact.
    min_cell_people : int, default 3
        Teams with fewer distinct users are left out (and noted).
    ledger : ReleaseLedger or path, optional
        Release ledger (default ``$TASKMINING_RELEASE_LEDGER``, if set).
    per_user : bool, default False
        One row per user as well (personal data: opt-in; no suppression).
    idle_threshold : float, default 300
        Gaps longer than this many seconds are not counted as observed time.

    Returns
    -------
    pandas.DataFrame
        One row per group: ``users``, ``sessions``, ``hours`` (observed),
        ``app_switches``, ``switches_per_hour``, ``cases``,
        ``interruptions``, ``interrupted_share`` (cases interrupted at least
        once), ``interruptions_per_hour``, ``resumption_time_mean`` and
        ``resumption_time_median`` (seconds).

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"session": ["s", "s"], "user": ["u", "u"], "app": ["a", "b"],
    ...                   "case_id": ["c", "c"], "step": ["x", "y"],
    ...                   "timestamp": pd.to_datetime(["2026-01-05 09:00:00", "2026-01-05 09:01:00"], utc=True)})
    >>> float(fragmentation(t, by=None, min_group_size=1).loc[0, "switches_per_hour"])
    60.0
    """
    check_min_group_size(min_group_size)
    if idle_threshold is None or idle_threshold <= 0:
        raise ParameterError(f"idle_threshold must be a positive number of seconds, got {idle_threshold!r}")
    require_columns(tasks, timestamp_col, what="fragmentation")
    if len(tasks) == 0:
        raise MiningError("fragmentation: the log is empty (no rows)")
    name, group = _groups(tasks, by, team, user_col)
    keys = [name, user_col] if per_user else [name]
    if per_user and user_col not in tasks.columns:
        raise ParameterError(f"per_user=True needs the user column {user_col!r}")
    ts = times_ns(tasks[timestamp_col], timestamp_col)
    if (ts == np.iinfo(np.int64).min).any():
        bad = tasks.index[ts == np.iinfo(np.int64).min][:5].tolist()
        raise MiningError(f"fragmentation: column {timestamp_col!r} has missing times (NaT) in rows {bad}")
    scol = session_col if session_col in tasks.columns else user_col
    sess = factorize(tasks[scol])[0].astype(np.int64) if scol in tasks.columns else np.zeros(len(ts), np.int64)
    order = np.lexsort((np.arange(len(ts)), ts, sess))
    ts, sess = ts[order], sess[order]
    gkey = pd.DataFrame({k: (group if k == name else tasks[k].astype(object).to_numpy()) for k in keys})
    gcodes, guniq = pd.factorize(pd.MultiIndex.from_frame(gkey.iloc[order]) if per_user else gkey[name].iloc[order])
    n_groups = len(guniq)
    same = sess[1:] == sess[:-1]
    gap = np.where(same, np.diff(ts), 0)
    observed = np.where(gap <= idle_threshold * NS, gap, 0)
    hours = np.bincount(gcodes[1:], weights=observed, minlength=n_groups) / NS / 3600
    if app_col in tasks.columns:
        app = factorize(tasks[app_col])[0].astype(np.int64)[order]
        switch = same & (app[1:] != app[:-1]) & (app[1:] >= 0) & (app[:-1] >= 0)
        switches = np.bincount(gcodes[1:][switch], minlength=n_groups)
    else:
        switches = np.zeros(n_groups, dtype=np.int64)
    # interruptions: runs of one case among the rows that have a case
    if case_col in tasks.columns:
        case = factorize(tasks[case_col])[0].astype(np.int64)[order]
    else:
        case = np.full(len(ts), -1, dtype=np.int64)
    has = np.flatnonzero(case >= 0)
    c, s, t, g = case[has], sess[has], ts[has], gcodes[has]
    new = np.ones(len(has), dtype=bool)
    new[1:] = (c[1:] != c[:-1]) | (s[1:] != s[:-1])
    first = np.flatnonzero(new)
    last = np.r_[first[1:] - 1, len(has) - 1] if len(first) else first
    rcase, rstart, rend, rgroup = c[first], t[first], t[last], g[first]
    ro = np.lexsort((rstart, rcase))
    rcase, rstart, rend, rgroup = rcase[ro], rstart[ro], rend[ro], rgroup[ro]
    resumed = np.flatnonzero(rcase[1:] == rcase[:-1])
    interruptions = np.bincount(rgroup[resumed + 1], minlength=n_groups)
    case_first = np.ones(len(rcase), dtype=bool)
    case_first[1:] = rcase[1:] != rcase[:-1]
    cases = np.bincount(rgroup[case_first], minlength=n_groups)
    interrupted = np.zeros(len(rcase), dtype=bool)
    interrupted[resumed] = True
    run_case_idx = np.cumsum(case_first) - 1
    interrupted_cases = np.bincount(rgroup[case_first][unique(run_case_idx[resumed])], minlength=n_groups)
    stats = group_stats(rgroup[resumed + 1], rstart[resumed + 1] - rend[resumed], n_groups, scale=NS)
    users = (gkey.assign(_u=tasks[user_col].to_numpy() if user_col in tasks.columns else None)
             .iloc[order].assign(_g=gcodes).groupby("_g", observed=True)["_u"].nunique()
             .reindex(range(n_groups), fill_value=0).to_numpy())
    sessions = pd.Series(sess).groupby(gcodes).nunique().reindex(range(n_groups), fill_value=0).to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        out = pd.DataFrame({
            "users": users, "sessions": sessions, "hours": hours, "app_switches": switches,
            "switches_per_hour": switches / hours, "cases": cases, "interruptions": interruptions,
            "interrupted_share": interrupted_cases / cases, "interruptions_per_hour": interruptions / hours,
            "resumption_time_mean": stats["mean"], "resumption_time_median": stats["q0.5"],
        })
    labels = guniq.to_frame(index=False, name=keys) if per_user else pd.DataFrame({name: np.asarray(guniq)})
    out = pd.concat([labels.reset_index(drop=True), out], axis=1)
    out = out.sort_values(keys).reset_index(drop=True)
    if per_user or min_group_size <= 1:
        out.attrs.update(suppressed=[], min_group_size=min_group_size)
        return out
    if user_col not in tasks.columns:
        raise PrivacyError(f"fragmentation: column {user_col!r} is missing, so team sizes cannot be checked; "
                           "pass min_group_size=1")
    cell = cell_threshold(min_group_size, min_cell_people)
    if check_cohort(tasks, min_group_size, user_col=user_col, what="fragmentation", ledger=ledger,
                    refuse=False) < min_group_size:
        cell = min_group_size  # a log of fewer people than a team: every row withheld
    return suppress_table(out, keys, "users", cell, what="fragmentation")
