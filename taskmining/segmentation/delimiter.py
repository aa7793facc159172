"""``delimiter``: cut at user-given start and/or end step patterns.

``start`` and ``end`` are regular expressions searched in a column of the
steps table (``field``, default the step label; ``element_name`` works too).

* a step matching ``start`` opens a new case;
* a step matching ``end`` closes the current case (it is its last step);
* with ``start`` given, steps before the first start of a session and
  between an end and the next start belong to no case;
* with only ``end`` given, every step belongs to a case (the steps after the
  last end of a session form an unfinished one);
* sessions never share a case.

By default ``end`` is :data:`COMPLETION`, the completion actions the
task-recognition literature cuts at (submit, save, send, OK, confirm ...), so
the segmenter does something sensible with no parameters.

Examples
--------
>>> import pandas as pd
>>> steps = pd.DataFrame({"session": ["s"] * 5, "step": ["Log in", "New", "Type", "Submit", "Idle"],
...                       "start": pd.date_range("2026-01-05 09:00", periods=5, freq="min", tz="UTC")})
>>> DelimiterSegmenter(start="^New", end="^Submit").fit(steps).predict(steps)["case_id"].tolist()
[nan, 's-1', 's-1', 's-1', nan]
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from taskmining.errors import ParameterError
from taskmining.schema import SESSION
from taskmining.segmentation.base import BaseSegmenter, cases_from_boundaries

__all__ = ["DelimiterSegmenter", "COMPLETION"]

#: Default ``end``: steps that complete a unit of work.
COMPLETION = r"(?i)\b(submit|save|send|ok|confirm|done|finish|apply|approve|post)\b"


def _pattern(value: object, name: str, ignore_case: bool) -> re.Pattern[str] | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise ParameterError(f"{name}={value!r} must be a non-empty regular expression string")
    try:
        return re.compile(value, re.IGNORECASE if ignore_case else 0)
    except re.error as exc:
        raise ParameterError(f"{name}={value!r} is not a valid regular expression: {exc}") from None


class DelimiterSegmenter(BaseSegmenter):
    """Cut where steps match user-given start and/or end patterns (regex).

    Parameters
    ----------
    start : str, optional
        Regular expression: a matching step starts a case.
    end : str, optional
        Regular expression: a matching step ends a case. Default
        :data:`COMPLETION`; pass ``None`` to cut at ``start`` only.
    field : str, default "step"
        Column of the steps table searched (``step``, ``element_name`` ...).
    ignore_case : bool, default False
        Match without regard to case.
    """

    def __init__(self, start: str | None = None, end: str | None = COMPLETION, field: str = "step",
                 ignore_case: bool = False) -> None:
        self.start = start
        self.end = end
        self.field = field
        self.ignore_case = ignore_case

    def _patterns(self, steps: pd.DataFrame) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
        start = _pattern(self.start, "start", bool(self.ignore_case))
        end = _pattern(self.end, "end", bool(self.ignore_case))
        if start is None and end is None:
            raise ParameterError("delimiter needs start= and/or end= (regular expressions over step labels)")
        if self.field not in steps.columns:
            raise ParameterError(f"field={self.field!r} is not a column of the steps table "
                                 f"(columns: {', '.join(map(str, steps.columns))})")
        return start, end

    def _fit(self, steps: pd.DataFrame, y: pd.Series | None) -> None:
        self.patterns_ = self._patterns(steps)

    def _match(self, text: pd.Series, pattern: re.Pattern[str] | None) -> np.ndarray:
        if pattern is None:
            return np.zeros(len(text), dtype=bool)
        codes, uniques = pd.factorize(text, use_na_sentinel=True)
        hits = np.array([pattern.search(str(u)) is not None for u in uniques] + [False], dtype=bool)
        return hits[codes]  # code -1 (missing text) picks the trailing False

    def _predict(self, steps: pd.DataFrame) -> pd.DataFrame:
        start, end = self._patterns(steps)
        text = steps[self.field]
        is_start = self._match(text, start)
        is_end = self._match(text, end)
        n = len(steps)
        cut = is_start.copy()
        cut[1:] |= is_end[:-1]
        session = steps[SESSION].to_numpy(dtype=object)
        new_session = np.r_[True, session[1:] != session[:-1]] if n else np.zeros(0, dtype=bool)
        seg = np.cumsum(cut | new_session) - 1
        inside = np.ones(n, dtype=bool)
        if start is not None and n:
            firsts = np.flatnonzero(cut | new_session)
            inside = is_start[firsts][seg]
        return pd.DataFrame({"case_id": cases_from_boundaries(steps[SESSION], cut, inside)})
