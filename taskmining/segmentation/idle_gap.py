"""``idle_gap``: cut where the user paused longer than a threshold.

A new case starts at every session change and at every step that follows a
pause (previous step's end to this step's start) longer than ``gap``. Steps
whose action is ``idle`` (away from the keyboard, time outside the
allowlist) belong to no case and always end the case before them.

Examples
--------
>>> import pandas as pd
>>> steps = pd.DataFrame({"session": ["s"] * 3, "step": ["A", "B", "A"],
...                       "start": pd.to_datetime(["2026-01-05 09:00", "2026-01-05 09:01",
...                                                "2026-01-05 09:30"], utc=True)})
>>> IdleGapSegmenter(gap="5min").fit(steps).predict(steps)["case_id"].tolist()
['s-1', 's-1', 's-2']

Pauses are measured within a session, whatever the other sessions' dates:

>>> two = pd.DataFrame({"session": ["a", "b", "b", "b"], "step": ["A", "A", "B", "A"],
...                     "start": pd.to_datetime(["2026-01-06 09:00", "2026-01-05 09:00",
...                                              "2026-01-05 09:01", "2026-01-05 12:00"], utc=True)})
>>> IdleGapSegmenter(gap="5min").fit(two).predict(two)["case_id"].tolist()
['a-1', 'b-1', 'b-1', 'b-2']
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from taskmining.errors import ParameterError
from taskmining.schema import ACTION, SESSION
from taskmining.segmentation.base import START, BaseSegmenter, cases_from_boundaries

__all__ = ["IdleGapSegmenter", "to_timedelta"]


def to_timedelta(value: object, name: str) -> pd.Timedelta:
    """Parse a duration parameter (``"5min"``, seconds as a number, a Timedelta).

    Examples
    --------
    >>> to_timedelta(90, "gap")
    Timedelta('0 days 00:01:30')
    """
    try:
        if isinstance(value, bool):
            raise TypeError("a boolean is not a duration")
        td = pd.Timedelta(value, unit="s") if isinstance(value, (int, float, np.number)) else pd.Timedelta(value)
    except (TypeError, ValueError) as exc:
        raise ParameterError(f"{name}={value!r} is not a duration (e.g. '5min', '90s' or seconds): {exc}") from None
    if pd.isna(td) or td <= pd.Timedelta(0):
        raise ParameterError(f"{name}={value!r} must be a positive duration")
    return td


class IdleGapSegmenter(BaseSegmenter):
    """Cut at inactivity longer than ``gap`` and at session changes.

    Parameters
    ----------
    gap : str, number or Timedelta, default "5min"
        Longest pause inside one task instance (numbers are seconds).
    """

    def __init__(self, gap: object = "5min") -> None:
        self.gap = gap

    def _fit(self, steps: pd.DataFrame, y: pd.Series | None) -> None:
        self.gap_ = to_timedelta(self.gap, "gap")

    def _predict(self, steps: pd.DataFrame) -> pd.DataFrame:
        gap = to_timedelta(self.gap, "gap")
        start = steps[START].to_numpy(dtype="datetime64[ns]").view(np.int64)
        end = steps["end"].to_numpy(dtype="datetime64[ns]").view(np.int64) if "end" in steps.columns else start
        end = np.where(end < start, start, end)
        idle = (steps[ACTION].astype(object) == "idle").to_numpy() if ACTION in steps.columns else \
            np.zeros(len(steps), dtype=bool)
        cut = np.zeros(len(steps), dtype=bool)
        if len(steps) > 1:
            # the latest end so far restarts in every session: a session that ends later
            # than the next one starts must not hide the next session's pauses
            session = pd.factorize(steps[SESSION], use_na_sentinel=False)[0]
            latest = pd.Series(end).groupby(session, sort=False).cummax().to_numpy()
            cut[1:] = (start[1:] - latest[:-1] > gap.value) | idle[:-1]
        return pd.DataFrame({"case_id": cases_from_boundaries(steps[SESSION], cut, ~idle)})
