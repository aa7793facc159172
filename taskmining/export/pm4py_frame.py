"""The tasks frame as a pm4py event-log DataFrame (``to_pm4py``).

pm4py reads a DataFrame with ``case:concept:name`` (case), ``concept:name``
(activity) and ``time:timestamp`` directly, without ``format_dataframe``.
This module produces that frame from the tasks frame of ``docs/schema.md``
without importing pm4py.

Column mapping (``level="step"``, one row per step)

================== =================================== =====================
pm4py column       from                                dtype
================== =================================== =====================
case:concept:name  ``case_id`` (``case_col``)          str
concept:name       ``step`` (``activity_col``)         str
time:timestamp     last event of the step (end)        datetime64[ns, UTC]
start_timestamp    first event of the step (start)     datetime64[ns, UTC]
org:resource       ``user``                            str
case:task          ``task`` of the case's first step   str
step_id            ``step_id``                         int64
n_events           events merged into the step         int64
duration           seconds, end - start                float64
app, window, ...   the step's first event              as in the events
================== =================================== =====================

``level="event"`` gives one row per event (``time:timestamp`` and
``start_timestamp`` both the event's time, plus ``event_id``). Rows without
a case (events outside any task instance) are left out with an
:class:`~taskmining.export._check.UnassignedRowsWarning` giving the count,
or raise with ``unassigned="raise"``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from taskmining.errors import SchemaError
from taskmining.export._check import (
    as_str,
    require_columns,
    require_rows,
    unassigned_mask,
    utc_times,
)
from taskmining.mining.levels import at_level
from taskmining.schema import (
    ACTION,
    APP,
    ELEMENT_ID,
    ELEMENT_NAME,
    ELEMENT_ROLE,
    EVENT_ID,
    SESSION,
    SOURCE,
    STEP_ID,
    TIMESTAMP,
    URL,
    USER,
    WINDOW,
    check_level,
)

__all__ = ["ACTIVITY", "CASE", "DEFAULT_ATTRIBUTES", "RESOURCE", "START", "TIME", "pm4py_log", "to_pm4py"]

CASE = "case:concept:name"
ACTIVITY = "concept:name"
TIME = "time:timestamp"
START = "start_timestamp"
RESOURCE = "org:resource"

#: Event columns copied to the pm4py frame when present (``value`` and
#: ``attrs`` are left out by default: they may hold personal data).
DEFAULT_ATTRIBUTES: tuple[str, ...] = (
    SESSION, APP, WINDOW, ACTION, ELEMENT_ROLE, ELEMENT_NAME, ELEMENT_ID, URL, SOURCE,
)


def _group_bounds(gid: np.ndarray | None, times: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows ordered by (group, time): the order and each group's first and last position in it
    (``gid=None``: every row is its own group, left in frame order)."""
    if gid is None:
        order = np.arange(len(times))
        return order, order, order
    order = np.lexsort((times, gid))
    g = gid[order]
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    ends = np.r_[starts[1:], len(g)] - 1
    return order, starts, ends


def _sorted_codes(values: pd.Series) -> tuple[np.ndarray, pa.Array]:
    """Codes of the values in the order of their sorted text (as ``pd.factorize(sort=True)`` of the
    strings), and the labels by code (Arrow); no Python string per row."""
    arr = pa.array(as_str(values).array)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    enc = pc.dictionary_encode(arr)
    rank = np.empty(len(enc.dictionary), dtype=np.int64)
    order = pc.sort_indices(enc.dictionary).to_numpy()
    rank[order] = np.arange(len(order))
    return rank[enc.indices.to_numpy(zero_copy_only=False)], enc.dictionary.take(pa.array(order))


def to_pm4py(
    tasks: pd.DataFrame,
    *,
    level: Literal["step", "event", "activity"] = "step",
    case_col: str = "case_id",
    activity_col: str = "step",
    task_col: str | None = "task",
    attributes: Sequence[str] | None = None,
    unassigned: Literal["drop", "raise"] = "drop",
    tz: str | None = None,
) -> pd.DataFrame:
    """Return the tasks frame as a pm4py-format event log.

    Parameters
    ----------
    tasks : pandas.DataFrame
        The tasks frame (events with ``step`` and ``case_id``), or any frame
        with a case column, an activity column and ``timestamp``.
    level : {"step", "event", "activity"}, default "step"
        One row per step (``start_timestamp`` = first event, ``time:timestamp``
        = last event of the step), one row per event, or one row per
        activity (:mod:`taskmining.mining.activities`; ``concept:name`` is
        the activity label, ``step_id`` the activity id). Steps are the rows
        sharing a ``step_id`` within a case; without a ``step_id`` column
        every row is its own step.
    case_col, activity_col : str
        Columns mapped to ``case:concept:name`` and ``concept:name``, e.g.
        ``case_col="true_case", activity_col="true_step"`` for the ground
        truth of simulated data.
    task_col : str or None, default "task"
        Column mapped to the case attribute ``case:task`` (when present).
    attributes : sequence of str, optional
        Columns copied as event attributes; default :data:`DEFAULT_ATTRIBUTES`
        (those present). A named column that does not exist is an error.
    unassigned : {"drop", "raise"}, default "drop"
        Rows without a case: left out with a warning giving the count, or an error.
    tz : str, optional
        Zone of naive timestamps.

    Returns
    -------
    pandas.DataFrame
        Sorted by case, ``time:timestamp``, ``start_timestamp``; a new frame.

    Raises
    ------
    SchemaError
        A required column is missing, or times or activities are missing.
    ExportError
        The log is empty (also after leaving out unassigned rows).

    Examples
    --------
    >>> import pandas as pd
    >>> from taskmining.export.pm4py_frame import to_pm4py
    >>> tasks = pd.DataFrame({
    ...     "timestamp": pd.to_datetime(["2026-01-05 09:00:00", "2026-01-05 09:00:02",
    ...                                  "2026-01-05 09:00:05"], utc=True),
    ...     "user": "u1", "case_id": "c1", "task": "invoice",
    ...     "step_id": [0, 0, 1], "step": ["Open invoice", "Open invoice", "Save"]})
    >>> log = to_pm4py(tasks)
    >>> log[["case:concept:name", "concept:name", "n_events"]].values.tolist()
    [['c1', 'Open invoice', 2], ['c1', 'Save', 1]]
    >>> str(log.loc[0, "start_timestamp"]), str(log.loc[0, "time:timestamp"])
    ('2026-01-05 09:00:00+00:00', '2026-01-05 09:00:02+00:00')
    """
    return pm4py_log(tasks, level=level, case_col=case_col, activity_col=activity_col, task_col=task_col,
                     attributes=attributes, unassigned=unassigned, tz=tz, what="to_pm4py")


def pm4py_log(
    tasks: pd.DataFrame,
    *,
    level: Literal["step", "event", "activity"] = "step",
    case_col: str = "case_id",
    activity_col: str = "step",
    task_col: str | None = "task",
    attributes: Sequence[str] | None = None,
    unassigned: Literal["drop", "raise"] = "drop",
    tz: str | None = None,
    what: str = "to_pm4py",
) -> pd.DataFrame:
    """:func:`to_pm4py` for the exporters built on it: messages and warnings name ``what``.

    Examples
    --------
    >>> import pandas as pd
    >>> tasks = pd.DataFrame({"timestamp": pd.to_datetime(["2026-01-05 09:00"], utc=True),
    ...                       "case_id": [None], "step": ["Save"]})
    >>> pm4py_log(tasks, unassigned="raise", what="write_ocel")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    taskmining.errors.ExportError: write_ocel: 1 of 1 rows have no case_id ...
    """
    check_level(level, ("event", "step", "activity"), what=what)
    require_columns(tasks, [case_col, activity_col, TIMESTAMP], what=what)
    if level == "activity":  # one row per activity: the activity is the step of the export
        tasks, _, activity_col = at_level(tasks, level, ("activity",), what=what, case_col=case_col,
                                          activity_col=activity_col)
        level = "step"
    if attributes is None:
        attributes = [c for c in DEFAULT_ATTRIBUTES if c in tasks.columns]
    else:
        attributes = list(attributes)
        require_columns(tasks, attributes, what=what)
    require_rows(tasks, what=what)
    missing = unassigned_mask(tasks, case_col, unassigned=unassigned, what=what)
    pos = np.flatnonzero(~missing) if missing.any() else None  # rows kept (None: all); no frame copy
    if pos is not None and len(pos) == 0:
        require_rows(tasks.iloc[:0], what=what, after=f" with a {case_col}")

    def kept(col: str) -> pd.Series:
        return tasks[col] if pos is None else tasks[col].iloc[pos]

    no_activity = kept(activity_col).isna().to_numpy()
    if no_activity.any():
        index = tasks.index if pos is None else tasks.index[pos]
        rows = ", ".join(map(str, index[no_activity][:5]))
        raise SchemaError(f"{what}: column {activity_col!r}: missing activity labels in rows {rows} "
                          f"({int(no_activity.sum())} rows)")
    times = utc_times(tasks[[TIMESTAMP]] if pos is None else tasks[[TIMESTAMP]].iloc[pos], TIMESTAMP, what=what,
                      tz=tz).to_numpy(dtype="datetime64[ns]")
    case_codes, case_names = _sorted_codes(kept(case_col))
    tint = times.view("int64")

    if level == "step" and STEP_ID in tasks.columns:
        step_codes = pd.factorize(kept(STEP_ID))[0]
        gid = case_codes.astype("int64") * (int(step_codes.max()) + 2) + step_codes
    else:
        gid = None
    order, first_pos, last_pos = _group_bounds(gid, tint)
    first = order[first_pos]
    last = order[last_pos]
    start = times[first]
    end = times[last]
    cases = case_codes[first]
    # cases in name order, steps by end then start time, then input position
    final = np.lexsort((first, start.view("int64"), end.view("int64"), cases))
    first, last, start, end, cases = first[final], last[final], start[final], end[final], cases[final]
    rows = first if pos is None else pos[first]  # positions in ``tasks`` of each output row

    def at_first(col: str) -> pd.Series:
        return tasks[col].iloc[rows].reset_index(drop=True)

    out: dict[str, object] = {
        CASE: pd.Series(pd.array(case_names.take(pa.array(cases)), dtype="str")),
        ACTIVITY: as_str(at_first(activity_col)),
        TIME: pd.Series(end).dt.tz_localize("UTC"),
        START: pd.Series(start).dt.tz_localize("UTC"),
    }
    if USER in tasks.columns:
        out[RESOURCE] = as_str(at_first(USER))
    if task_col is not None and task_col in tasks.columns:
        # the case's task type: its value at the case's first step
        task = as_str(at_first(task_col))
        case_first = np.r_[True, cases[1:] != cases[:-1]]
        out["case:task"] = pd.Series(pd.array(pa.array(task.array).take(
            pa.array(np.flatnonzero(case_first)[np.cumsum(case_first) - 1])), dtype="str"))
    if level == "step":
        if STEP_ID in tasks.columns:
            out[STEP_ID] = at_first(STEP_ID)
        out["n_events"] = pd.Series(last_pos - first_pos + 1, dtype="int64").take(final).reset_index(drop=True)
        out["duration"] = pd.Series((end - start) / np.timedelta64(1, "s"), dtype="float64")
    elif EVENT_ID in tasks.columns:
        out[EVENT_ID] = at_first(EVENT_ID)
    for col in attributes:
        if col not in out:
            out[col] = at_first(col)
    return pd.DataFrame(out)
