"""``level=`` in the mining functions: the frame a level's activities are read from.

``level`` is the unit one activity of a result stands for
(:data:`taskmining.schema.LEVELS`). The mining functions accept:

=========  ===================================================================
level      one activity of the result is
=========  ===================================================================
event      one row (UI action) of the frame
step       one step (consecutive actions on one element; the step rule)
activity   consecutive steps on one screen with one purpose
           (:mod:`taskmining.mining.activities`), the default of the report
app        consecutive steps in one application (graphs only)
=========  ===================================================================

Examples
--------
>>> import pandas as pd
>>> t = pd.DataFrame({"case_id": ["a", "a"], "step": ["x", "y"], "step_id": [0, 1], "app": ["sap", "sap"],
...                   "timestamp": pd.date_range("2026-01-05", periods=2, freq="s", tz="UTC")})
>>> frame, step_id_col, activity_col = at_level(t, "activity", ("step", "activity"), what="demo")
>>> frame[activity_col].unique().tolist(), step_id_col
(['View SAP'], 'step_id')
>>> at_level(t, "event", ("event", "step"), what="demo")[1] is None
True
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from taskmining.mining.activities import ACTIVITY, ACTIVITY_ID, build_activities
from taskmining.schema import CASE_ID, STEP_ID, TIMESTAMP, check_level

__all__ = ["at_level", "activities_once"]


def at_level(tasks: pd.DataFrame, level: str, allowed: Iterable[str], *, what: str,
             case_col: str = CASE_ID, activity_col: str = "step", timestamp_col: str = TIMESTAMP,
             step_id_col: str | None = STEP_ID) -> tuple[pd.DataFrame, str | None, str]:
    """The frame, step-id column and activity column to mine at ``level``.

    ``"step"`` and ``"app"`` return the frame as it is (``"app"`` is
    collapsed by the graph functions); ``"event"`` drops the step rule
    (every row is one activity); ``"activity"`` returns a copy whose
    ``activity_col`` and ``step_id_col`` hold the activity label and id
    (:func:`~taskmining.mining.activities.build_activities`, computed unless
    the frame already has ``activity`` and ``activity_id``). The caller's
    frame is not modified.
    """
    level = check_level(level, allowed, what=what)
    if level == "event":
        return tasks, None, activity_col
    if level != "activity":
        return tasks, step_id_col, activity_col
    built = tasks if ACTIVITY in tasks.columns and ACTIVITY_ID in tasks.columns else build_activities(
        tasks, case_col=case_col, timestamp_col=timestamp_col, step_id_col=step_id_col or STEP_ID)
    sid = step_id_col or STEP_ID
    out = built.drop(columns=[c for c in (activity_col, sid) if c in built.columns])
    out[activity_col] = built[ACTIVITY]
    out[sid] = built[ACTIVITY_ID]
    return out, sid, activity_col


def activities_once(tasks: pd.DataFrame, *, case_col: str = CASE_ID) -> pd.DataFrame:
    """``tasks`` with activity columns (built unless present), for work done chunk by chunk.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"case_id": ["a"], "app": ["sap"], "timestamp": pd.to_datetime(["2026-01-05"], utc=True)})
    >>> activities_once(t)["activity"].tolist()
    ['View SAP']
    """
    if ACTIVITY in tasks.columns and ACTIVITY_ID in tasks.columns:
        return tasks
    return build_activities(tasks, case_col=case_col)
