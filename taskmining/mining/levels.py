"""``level=`` in the mining functions: the frame a level's activities are read from.

``level`` is the unit one activity of a result stands for
(:data:`taskmining.schema.LEVELS`). The mining functions accept:

=========  ===================================================================
level      one activity of the result is
=========  ===================================================================
event      one row (UI action) of the frame
step       one step (consecutive actions on one element; the step rule)
activity   consecutive steps on one screen with one purpose
           (:mod:`taskmining.abstraction.activities`), the default of the report
app        consecutive steps in one application (graphs only)
=========  ===================================================================

**The default.** Every function that takes ``level`` (``variants``,
``variant_families``, ``transition_graph``, ``to_pm4py_dfg``,
``task_metrics``, ``automation_candidates``, ``to_pm4py``, ``write_xes``,
``report``, ``taskmining mine``, the batch graphs) defaults to
``level=None``, resolved by :func:`resolve_level`: :data:`DEFAULT_LEVEL`
(``"activity"``: few variants an analyst can read) for a frame with UI
structure (an ``app``, ``window`` or ``url`` column, or activities already
built), else ``"step"`` (a log without screens, such as a pm4py-style
frame, has no activities to find). Pass ``level="step"`` for pm4py's
one-row-per-step view of the same frame.

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
>>> resolve_level(None, t), resolve_level(None, t.drop(columns="app")), resolve_level("step", t)
('activity', 'step', 'step')
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

import pandas as pd

from taskmining.abstraction.activities import ACTIVITY, ACTIVITY_ID, build_activities
from taskmining.schema import APP, CASE_ID, STEP_ID, TIMESTAMP, URL, WINDOW, check_level

__all__ = ["at_level", "activities_once", "resolve_level", "DEFAULT_LEVEL", "UI_COLUMNS"]

#: The level every function uses when ``level`` is not given (on a frame with UI structure).
DEFAULT_LEVEL: Final = "activity"
#: The columns activities are found from: a frame with none of them has no screens.
UI_COLUMNS: Final = (APP, WINDOW, URL)


def resolve_level(level: str | None, tasks: pd.DataFrame) -> str:
    """``level``, or for ``None`` the default: :data:`DEFAULT_LEVEL` where ``tasks`` has UI structure, else ``"step"``.

    Examples
    --------
    >>> import pandas as pd
    >>> resolve_level(None, pd.DataFrame(columns=["case_id", "step", "timestamp", "window"]))
    'activity'
    >>> resolve_level(None, pd.DataFrame(columns=["case:concept:name", "concept:name"]))
    'step'
    """
    if level is not None:
        return level
    columns = getattr(tasks, "columns", ())  # not a frame: the caller's own check says so
    has_ui = any(c in columns for c in UI_COLUMNS) or (ACTIVITY in columns and ACTIVITY_ID in columns)
    return DEFAULT_LEVEL if has_ui else "step"


def at_level(tasks: pd.DataFrame, level: str | None, allowed: Iterable[str], *, what: str,
             case_col: str = CASE_ID, activity_col: str = "step", timestamp_col: str = TIMESTAMP,
             step_id_col: str | None = STEP_ID) -> tuple[pd.DataFrame, str | None, str]:
    """The frame, step-id column and activity column to mine at ``level``.

    ``None`` is resolved by :func:`resolve_level`. ``"step"`` and ``"app"`` return the frame as it is (``"app"`` is
    collapsed by the graph functions); ``"event"`` drops the step rule
    (every row is one activity); ``"activity"`` returns a copy whose
    ``activity_col`` and ``step_id_col`` hold the activity label and id
    (:func:`~taskmining.mining.activities.build_activities`, computed unless
    the frame already has ``activity`` and ``activity_id``). The caller's
    frame is not modified.
    """
    level = check_level(resolve_level(level, tasks), allowed, what=what)
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
