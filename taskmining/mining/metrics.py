"""Task metrics: per task type, how long, how fragmented, how manual, how repetitive.

Definitions (per case, then aggregated per task type):

- **handling time**: last event minus first event of the case (seconds);
- **idle time**: gaps between consecutive events of the case longer than
  ``idle_threshold`` seconds, plus the gap after each ``idle`` event; the
  rest of the handling time is **active time**;
- **applications used** and **app switches** (consecutive steps of the case
  in different applications);
- **manual typing share**: ``type`` and ``key`` events over all events;
- **transfers**: pastes paired with the copy (or cut) they came from (see
  :func:`transfers`), from source application and field to target
  application and field;
- **rework**: elements (steps, or activities at ``level="activity"``) of the
  case's *folded* sequence that repeat an earlier one: a finished piece of
  work done again, not the routine's own loops (see
  :mod:`taskmining.mining.rework`); ``repeated_steps`` still counts every
  repeated label.

Task types come from the ``task`` column (missing values: ``"(untyped)"``;
no column: one group ``"(all)"``). Task types done by fewer than
``min_group_size`` distinct users are left out (team-level safeguard, see
:mod:`taskmining.privacy.groups`).

Examples
--------
>>> import pandas as pd
>>> import taskmining as tm
>>> t = pd.DataFrame({
...     "case_id": ["c1", "c1", "c1", "c2", "c2"], "task": ["invoice"] * 5,
...     "user": ["u1", "u1", "u1", "u2", "u2"], "step": ["copy", "paste", "save", "copy", "paste"],
...     "app": ["mail", "erp", "erp", "mail", "erp"], "action": ["copy", "paste", "click", "copy", "paste"],
...     "value": ["h:1", "h:1", None, "h:2", "h:2"], "element_name": ["No.", "Invoice", "Save", "No.", "Invoice"],
...     "timestamp": pd.to_datetime(["2026-01-05 09:00:00", "2026-01-05 09:00:05", "2026-01-05 09:02:05",
...                                  "2026-01-05 10:00:00", "2026-01-05 10:00:10"], utc=True)})
>>> m = tm.task_metrics(t, min_group_size=1, idle_threshold=60)
>>> m[["task", "cases", "handling_time_mean", "idle_time_mean", "transfers_per_case"]]
      task  cases  handling_time_mean  idle_time_mean  transfers_per_case
0  invoice      2                67.5            60.0                 1.0
>>> m.loc[0, "top_transfer"]
'mail:No. → erp:Invoice'
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from taskmining._unique import unique
from taskmining.errors import ParameterError
from taskmining.mining._codes import factorize
from taskmining.mining._frame import (
    NS,
    Sequences,
    column_names,
    distinct_activities,
    encode,
    times_ns,
)
from taskmining.mining.levels import at_level, resolve_level
from taskmining.mining.rework import rework_per_case
from taskmining.privacy.release import DEFAULT_MIN_CELL_PEOPLE, ReleaseLedger, cell_threshold, check_cohort
from taskmining.privacy.groups import (
    DEFAULT_MIN_GROUP_SIZE,
    check_min_group_size,
    note_suppressed,
    suppress_small_groups,
)
from taskmining.schema import (
    ACTION,
    APP,
    CASE_ID,
    SESSION,
    STEP,
    STEP_ID,
    TASK,
    TIMESTAMP,
    USER,
)
from taskmining.mining.transfer_paths import _str_col, _transfer_rows, transfers

__all__ = ["task_metrics", "case_table", "prepare_cases", "transfers", "ALL", "UNTYPED"]

ALL = "(all)"
UNTYPED = "(untyped)"
_TYPING = ("type", "key")


def case_table(tasks: pd.DataFrame, *, idle_threshold: float = 60.0, seq: Sequences | None = None,
               **columns: str | None) -> pd.DataFrame:
    """One row per case with the per-case quantities behind the task metrics.

    Columns: ``case_id``, ``task``, ``user``, ``start``, ``end``,
    ``duration``, ``idle_time``, ``active_time`` (seconds), ``events``,
    ``steps``, ``apps``, ``app_switches``, ``typing_events``, ``transfers``,
    ``cross_app_transfers``, ``repeated_steps``. Per person: for further
    aggregation, not for reporting. ``**columns``: the column-name keywords
    of :func:`task_metrics`; ``seq``: the log already encoded.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"case_id": ["a", "a", "a"], "step": ["x", "y", "x"],
    ...                   "timestamp": pd.to_datetime(["2026-01-05 09:00:00", "2026-01-05 09:00:10",
    ...                                                "2026-01-05 09:05:10"], utc=True)})
    >>> [float(v) for v in case_table(t).loc[0, ["duration", "idle_time", "active_time", "repeated_steps"]]]
    [310.0, 300.0, 10.0, 1.0]
    """
    if idle_threshold is None or idle_threshold <= 0:
        raise ParameterError(f"idle_threshold must be a positive number of seconds, got {idle_threshold!r}")
    cols = column_names(**columns)
    case_col, timestamp_col, task_col = cols["case_col"], cols["timestamp_col"], cols["task_col"]
    user_col, app_col, session_col = cols["user_col"], cols["app_col"], cols["session_col"]
    if seq is None:
        seq = encode(tasks, case_col=case_col, activity_col=cols["activity_col"], timestamp_col=timestamp_col,
                     step_id_col=cols["step_id_col"], what="task_metrics")
    n_cases = seq.n_cases
    rows = seq.rows
    row_case = seq.case[seq.row_step]
    ts = times_ns(tasks[timestamp_col], timestamp_col)[rows]
    same = row_case[1:] == row_case[:-1]
    gap = np.where(same, np.diff(ts), 0)
    idle_gap = gap > idle_threshold * NS
    if ACTION in tasks.columns:
        action = tasks[ACTION].astype(object).to_numpy()[rows]
        idle_gap |= (action[:-1] == "idle") & same
        typing = np.isin(action, _TYPING)
    else:
        typing = np.zeros(len(rows), dtype=bool)
    idle = np.bincount(row_case[:-1][idle_gap], weights=gap[idle_gap], minlength=n_cases) / NS
    start = seq.start[seq.first()]
    end = seq.end[seq.last()]
    duration = (end - start) / NS
    out: dict[str, object] = {
        case_col: seq.case_labels,
        "start": pd.to_datetime(start, utc=True), "end": pd.to_datetime(end, utc=True),
        "duration": duration, "idle_time": idle, "active_time": duration - idle,
        "events": np.bincount(row_case, minlength=n_cases), "steps": seq.lengths,
    }
    out["repeated_steps"] = seq.lengths - distinct_activities(seq)[0]
    out["typing_events"] = np.bincount(row_case[typing], minlength=n_cases)
    if app_col in tasks.columns:
        app_codes = factorize(tasks[app_col])[0].astype(np.int64)
        row_app = app_codes[rows]
        width = int(app_codes.max()) + 2  # app codes -1 (none) .. max, shifted by one
        pairs = unique(row_case.astype(np.int64) * width + row_app + 1)
        valid = pairs % width > 0
        out["apps"] = np.bincount(pairs[valid] // width, minlength=n_cases)
        step_app = app_codes[seq.row]
        i = seq.same_case_pairs()
        switch = i[step_app[i] != step_app[i + 1]]
        out["app_switches"] = np.bincount(seq.case[switch], minlength=n_cases)
    else:
        out["apps"] = np.zeros(n_cases, dtype=np.int64)
        out["app_switches"] = np.zeros(n_cases, dtype=np.int64)
    trans = _transfer_rows(tasks, session_col)
    case_of_row = np.full(len(tasks), -1, dtype=np.int64)
    case_of_row[rows] = row_case
    tcase = case_of_row[trans["row"].to_numpy()]
    ok = tcase >= 0
    cross = (trans["source_app"] != trans["target_app"]).to_numpy()
    out["transfers"] = np.bincount(tcase[ok], minlength=n_cases)
    out["cross_app_transfers"] = np.bincount(tcase[ok & cross], minlength=n_cases)
    first_rows = seq.first_rows()
    table = pd.DataFrame(out)
    for col, default in ((task_col, ALL), (user_col, None)):
        if col in tasks.columns:
            values = _str_col(tasks, col, first_rows)
            table.insert(1, col, np.where(pd.isna(values), np.array(UNTYPED if col == task_col else None, dtype=object), values))
        elif col == task_col:
            table.insert(1, col, default)
    table.attrs.update(n_unassigned=seq.n_unassigned)
    return table


def prepare_cases(tasks: pd.DataFrame, *, what: str, idle_threshold: float = 60.0,
                  **columns: str | None) -> tuple[Sequences, pd.DataFrame]:
    """The encoded log and its :func:`case_table`, task and user columns named ``task`` and ``user``,
    plus ``_code`` (the case code in the encoded log)."""
    cols = column_names(**columns)
    seq = encode(tasks, case_col=cols["case_col"], activity_col=cols["activity_col"],
                 timestamp_col=cols["timestamp_col"], step_id_col=cols["step_id_col"], what=what)
    cases = case_table(tasks, idle_threshold=idle_threshold, seq=seq, **columns)
    cases = cases.rename(columns={cols["task_col"]: TASK, cols["user_col"]: USER})
    cases["_code"] = np.arange(len(cases))
    return seq, cases


def _top(values: pd.Series, n: int = 5) -> str:
    counts = values.value_counts()
    return " | ".join(str(v) for v in counts.index[:n])


def _per_task(cases: pd.DataFrame, tasks: pd.DataFrame, seq: Sequences, keys: list[str],
              app_col: str, session_col: str) -> pd.DataFrame:
    g = cases.groupby(keys, sort=True, observed=True, dropna=False)
    out = g.agg(cases=("duration", "size"), handling_time_mean=("duration", "mean"),
                handling_time_median=("duration", "median"), active_time_mean=("active_time", "mean"),
                idle_time_mean=("idle_time", "mean"), total_time_h=("duration", "sum"),
                _active=("active_time", "sum"), events_per_case=("events", "mean"),
                steps_per_case=("steps", "mean"), apps_per_case=("apps", "mean"),
                app_switches_per_case=("app_switches", "mean"), _typing=("typing_events", "sum"),
                _events=("events", "sum"), transfers_per_case=("transfers", "mean"),
                cross_app_transfers_per_case=("cross_app_transfers", "mean"),
                rework_share=("rework", lambda s: float((s > 0).mean())),
                rework_per_case=("rework", "mean"),
                repeated_steps_per_case=("repeated_steps", "mean"))
    with np.errstate(invalid="ignore", divide="ignore"):
        out["active_share"] = out.pop("_active") / out["total_time_h"]
        out["typing_share"] = out.pop("_typing") / out.pop("_events")
    out["total_time_h"] = out["total_time_h"] / 3600.0
    if USER in cases.columns and USER not in keys:
        out.insert(1, "users", g[USER].nunique())
    # applications and most common transfer per group (via the case -> group map)
    codes = cases["_code"].to_numpy()
    kept = np.zeros(seq.n_cases, dtype=bool)
    kept[codes] = True
    case_key = cases.set_index("_code")[keys].reindex(range(seq.n_cases))
    row_case = seq.case[seq.row_step]
    if app_col in tasks.columns:
        ok = kept[row_case]
        ev = pd.DataFrame({"app": tasks[app_col].iloc[seq.rows[ok]].astype(object).to_numpy()})
        ev[keys] = case_key.iloc[row_case[ok]].to_numpy()
        out["applications"] = ev.dropna(subset=["app"]).groupby(keys, dropna=False, observed=True)["app"].agg(_top)
    trans = _transfer_rows(tasks, session_col)
    if len(trans):
        case_of_row = np.full(len(tasks), -1, dtype=np.int64)
        case_of_row[seq.rows] = np.where(kept[row_case], row_case, -1)
        tcase = case_of_row[trans["row"].to_numpy()]
        trans = trans.loc[tcase >= 0].copy()
        trans[keys] = case_key.iloc[tcase[tcase >= 0]].to_numpy()
        trans["path"] = (trans["source_app"].astype(str) + ":" + trans["source_field"].astype(str) + " → "
                         + trans["target_app"].astype(str) + ":" + trans["target_field"].astype(str))
        out["top_transfer"] = trans.groupby(keys, dropna=False, observed=True)["path"].agg(lambda s: _top(s, 1))
    return out.reset_index()


def task_metrics(
    tasks: pd.DataFrame,
    *,
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
    min_cell_people: int = DEFAULT_MIN_CELL_PEOPLE,
    ledger: ReleaseLedger | str | None = None,
    per_user: bool = False,
    idle_threshold: float = 60.0,
    level: str | None = None,
    case_col: str = CASE_ID,
    activity_col: str = STEP,
    timestamp_col: str = TIMESTAMP,
    task_col: str = TASK,
    user_col: str = USER,
    app_col: str = APP,
    session_col: str = SESSION,
    step_id_col: str | None = STEP_ID,
) -> pd.DataFrame:
    """Per task type: frequency, handling time, applications, typing, transfers, rework.

    Parameters
    ----------
    tasks : pandas.DataFrame
        The tasks frame.
    min_group_size : int, default 5
        Every task type is withheld (and noted) when the log covers fewer
        distinct users; 1 opts out of every threshold.
    min_cell_people : int, default 3
        Task types done by fewer distinct users (at most ``min_group_size``)
        are left out, with a
        :class:`~taskmining.privacy.groups.SmallGroupWarning` and a note in
        ``attrs["suppressed"]`` (docs/privacy.md, "What team outputs
        suppress, and why").
    ledger : ReleaseLedger or path, optional
        Release ledger (default ``$TASKMINING_RELEASE_LEDGER``, if set):
        refuses a table whose people differ from an earlier release by 1 to
        ``min_group_size - 1`` people.
    per_user : bool, default False
        One row per task type and user (personal data: opt-in; no
        suppression).
    idle_threshold : float, default 60
        Gaps longer than this many seconds count as idle time.
    level : {"step", "activity"}, optional
        The unit of ``steps_per_case``, ``repeated_steps_per_case`` and
        rework (see :mod:`taskmining.mining.levels`). Default ``"activity"``, or ``"step"`` for a frame without UI structure
        (:func:`~taskmining.mining.levels.resolve_level`).

    Returns
    -------
    pandas.DataFrame
        One row per task type: ``task``, ``users``, ``cases``,
        ``handling_time_mean``/``_median``, ``active_time_mean``,
        ``idle_time_mean`` (seconds), ``total_time_h``, ``active_share``,
        ``events_per_case``, ``steps_per_case``, ``apps_per_case``,
        ``app_switches_per_case``, ``typing_share``, ``transfers_per_case``,
        ``cross_app_transfers_per_case``, ``rework_share`` (cases with
        rework), ``rework_per_case``, ``repeated_steps_per_case``, ``applications`` (most
        used first), ``top_transfer``; sorted by ``cases`` (descending).

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"case_id": ["a", "a", "b"], "step": ["x", "y", "x"], "task": ["t", "t", "t"],
    ...                   "user": ["u1", "u1", "u2"],
    ...                   "timestamp": pd.to_datetime(["2026-01-05 09:00:00", "2026-01-05 09:00:10",
    ...                                                "2026-01-05 09:05:00"], utc=True)})
    >>> task_metrics(t, min_group_size=1)[["task", "users", "cases", "handling_time_mean"]]  # exact: no release noise
      task  users  cases  handling_time_mean
    0    t      2      2                 5.0
    """
    check_min_group_size(min_group_size)
    level = resolve_level(level, tasks)
    tasks, step_id_col, activity_col = at_level(tasks, level, ("step", "activity"), what="task_metrics",
                                                case_col=case_col, activity_col=activity_col,
                                                timestamp_col=timestamp_col, step_id_col=step_id_col)
    seq, cases = prepare_cases(tasks, what="task_metrics", idle_threshold=idle_threshold, case_col=case_col,
                               activity_col=activity_col, timestamp_col=timestamp_col, task_col=task_col,
                               user_col=user_col, app_col=app_col, session_col=session_col,
                               step_id_col=step_id_col)
    cases["rework"] = rework_per_case(seq)
    keys = [TASK, USER] if per_user else [TASK]
    if per_user and USER not in cases.columns:
        raise ParameterError(f"per_user=True needs the user column {user_col!r}")
    suppressed = pd.DataFrame(columns=[TASK])
    cell = cell_threshold(min_group_size, min_cell_people)
    if not per_user and min_group_size > 1:
        if check_cohort(cases, min_group_size, user_col=USER, what="task_metrics", ledger=ledger,
                        refuse=False) < min_group_size:
            cell = min_group_size  # a log of fewer people than a team: every task type withheld
        cases, suppressed = suppress_small_groups(cases, TASK, USER, cell, what="task_metrics", warn=False)
    if cases.empty:
        out = pd.DataFrame(columns=[*keys, "users", "cases"])
    else:
        out = _per_task(cases, tasks, seq, keys, app_col, session_col)
        out = out.sort_values(["cases", *keys], ascending=[False] + [True] * len(keys)).reset_index(drop=True)
    out = out.rename(columns={TASK: task_col, USER: user_col})
    return note_suppressed(out, suppressed.rename(columns={TASK: task_col}), what="task_metrics",
                           min_group_size=cell)
