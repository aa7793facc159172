"""Copy/paste transfers between applications and fields: the pairs and the released path table.

A paste is paired with the copy it came from (:mod:`taskmining.steps.transfers`
or the clipboard hash of the same session); :func:`transfers` counts the
paths ``source app/field -> target app/field`` under the team release policy.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from taskmining.mining._codes import factorize
from taskmining.mining._frame import times_ns
from taskmining.privacy.groups import (
    DEFAULT_MIN_GROUP_SIZE,
    check_min_group_size,
    note_suppressed,
    suppress_small_groups,
)
from taskmining.privacy.release import DEFAULT_MIN_CELL_PEOPLE, ReleaseLedger, cell_threshold, check_cohort
from taskmining.schema import ACTION, APP, ELEMENT_ID, ELEMENT_NAME, SESSION, STEP_ID, TIMESTAMP, USER, VALUE
from taskmining.steps.transfers import last_source_pairs

__all__ = ["transfers"]


def _str_col(tasks: pd.DataFrame, col: str, rows: np.ndarray | None = None) -> np.ndarray:
    if col not in tasks.columns:
        n = len(tasks) if rows is None else len(rows)
        return np.full(n, None, dtype=object)
    s = tasks[col] if rows is None else tasks[col].iloc[rows]
    return s.astype(object).where(s.notna(), None).to_numpy()


def _field(tasks: pd.DataFrame, rows: np.ndarray) -> np.ndarray:
    name = _str_col(tasks, ELEMENT_NAME, rows)
    alt = _str_col(tasks, ELEMENT_ID, rows)
    out = np.where(pd.isna(name), alt, name)
    return np.where(pd.isna(out), "", out).astype(object)


def _pairs_by_hash(tasks: pd.DataFrame, session_col: str) -> tuple[np.ndarray, np.ndarray]:
    """(paste row, copy row) positions paired by clipboard hash within a session."""
    if ACTION not in tasks.columns or VALUE not in tasks.columns:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    action = tasks[ACTION].astype(object).to_numpy()
    value = tasks[VALUE]
    hashed = value.astype("str").str.startswith("h:").fillna(False).to_numpy(dtype=bool)
    is_copy = np.isin(action, ("copy", "cut")) & hashed
    is_paste = (action == "paste") & hashed
    pos = np.flatnonzero(is_copy | is_paste)
    if not len(pos) or not is_paste.any():
        return np.empty(0, np.int64), np.empty(0, np.int64)
    scol = session_col if session_col in tasks.columns else USER
    sess = (factorize(tasks[scol].iloc[pos])[0].astype(np.int64) if scol in tasks.columns
            else np.zeros(len(pos), np.int64))
    val = factorize(value.iloc[pos])[0].astype(np.int64)
    ts = times_ns(tasks[TIMESTAMP].iloc[pos])
    targets, sources = last_source_pairs(sess, val, ts, is_copy[pos], is_paste[pos])
    return pos[targets], pos[sources]


def _transfer_rows(tasks: pd.DataFrame, session_col: str) -> pd.DataFrame:
    """One row per paired paste: target row, source app/field, target app/field."""
    if "transfer_from" in tasks.columns and "transfer_from_app" in tasks.columns:
        src = tasks["transfer_from"]
        target = np.flatnonzero(src.notna().to_numpy())
        if STEP_ID in tasks.columns and len(target):  # once per paste step
            first = ~tasks[STEP_ID].iloc[target].duplicated().to_numpy()
            target = target[first]
        src_app = _str_col(tasks, "transfer_from_app", target)
        src_field = _str_col(tasks, "transfer_from_element", target)
        src_field = np.where(pd.isna(src_field), "", src_field)
    else:
        target, source = _pairs_by_hash(tasks, session_col)
        src_app, src_field = _str_col(tasks, APP, source), _field(tasks, source)
    return pd.DataFrame({
        "row": target, "source_app": src_app, "source_field": src_field,
        "target_app": _str_col(tasks, APP, target), "target_field": _field(tasks, target),
    })


def transfers(
    tasks: pd.DataFrame,
    *,
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
    min_cell_people: int = DEFAULT_MIN_CELL_PEOPLE,
    ledger: ReleaseLedger | str | None = None,
    user_col: str = USER,
    session_col: str = SESSION,
) -> pd.DataFrame:
    """Copy/paste transfers between applications and fields, with counts.

    A paste is paired with the most recent ``copy``/``cut`` of the same
    session carrying the same clipboard hash (``value`` of the form
    ``h:…``). When the frame has ``transfer_from`` and
    ``transfer_from_app`` columns (from the steps stage) those pairings are
    used instead. The team release policy applies as in
    :func:`task_metrics`: a log of fewer than ``min_group_size`` distinct
    users releases no path, paths used by fewer than ``min_cell_people``
    distinct users are left out (noted in ``attrs["suppressed"]``), the
    ledger (``ledger`` or ``$TASKMINING_RELEASE_LEDGER``) refuses a
    neighbouring cohort, and the counts carry the release noise.

    Returns
    -------
    pandas.DataFrame
        ``source_app``, ``source_field``, ``target_app``, ``target_field``,
        ``count``, ``users``; most frequent first.

    Examples
    --------
    >>> import pandas as pd
    >>> ev = pd.DataFrame({"session": ["s"] * 3, "user": ["u"] * 3, "action": ["copy", "click", "paste"],
    ...     "value": ["h:9", None, "h:9"], "app": ["excel", "sap", "sap"],
    ...     "element_name": ["B2", "Menu", "Amount"],
    ...     "timestamp": pd.to_datetime(["2026-01-05 09:00:00", "2026-01-05 09:00:01",
    ...                                  "2026-01-05 09:00:02"], utc=True)})
    >>> transfers(ev, min_group_size=1)[["source_app", "source_field", "target_app", "target_field", "count"]]
      source_app source_field target_app target_field  count
    0      excel           B2        sap       Amount      1
    """
    check_min_group_size(min_group_size)
    trans = _transfer_rows(tasks, session_col)
    path = ["source_app", "source_field", "target_app", "target_field"]
    if user_col in tasks.columns:
        trans["user"] = _str_col(tasks, user_col, trans["row"].to_numpy())
    else:
        trans["user"] = None
    trans[path] = trans[path].fillna("")
    suppressed = pd.DataFrame(columns=path)
    cell = cell_threshold(min_group_size, min_cell_people)
    if min_group_size > 1 and len(trans):
        if user_col in tasks.columns and check_cohort(tasks, min_group_size, user_col=user_col, what="transfers",
                                                      ledger=ledger, refuse=False) < min_group_size:
            cell = min_group_size  # a log of fewer people than a team: every path withheld
        trans, suppressed = suppress_small_groups(trans, path, "user", cell, what="transfers", warn=False)
    out = (trans.groupby(path, sort=True, observed=True)
           .agg(count=("row", "size"), users=("user", "nunique")).reset_index()
           if len(trans) else pd.DataFrame(columns=[*path, "count", "users"]))
    out = out.sort_values(["count", *path], ascending=[False, True, True, True, True]).reset_index(drop=True)
    return note_suppressed(out, suppressed, what="transfers", min_group_size=cell)
