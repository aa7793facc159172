"""``BaseSegmenter``: the contract every segmentation algorithm follows.

Segmenters work on the **steps table** (one row per step, see
``docs/schema.md``): at least ``session``, ``start`` and ``step``. They follow
the scikit-learn estimator contract: ``__init__`` only stores its keyword
parameters, ``fit`` returns ``self``, fitted attributes end in ``_``, and
``get_params``/``set_params``/``sklearn.base.clone`` work. The public
:meth:`~BaseSegmenter.fit` and :meth:`~BaseSegmenter.predict` validate once
and call the private ``_fit``/``_predict`` that an algorithm implements, so an
algorithm is just its idea.

Examples
--------
>>> import pandas as pd
>>> class EverySession(BaseSegmenter):
...     '''One case per session.'''
...     def _predict(self, steps):
...         return pd.DataFrame({"case_id": steps["session"]}, index=steps.index)
>>> steps = pd.DataFrame({"session": ["a", "a", "b"],
...                       "start": pd.to_datetime(["2026-01-05 09:00", "2026-01-05 09:01",
...                                                "2026-01-05 09:00"], utc=True),
...                       "step": ["Open", "Save", "Open"]})
>>> EverySession().fit(steps).predict(steps)["case_id"].tolist()
['a', 'a', 'b']
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator

from taskmining.errors import SegmentationError
from taskmining.schema import CASE_ID, SESSION, STEP, STEP_ID, STRING_DTYPE, TASK

START = "start"
REQUIRED_STEP_COLUMNS: tuple[str, ...] = (SESSION, START, STEP)


def cases_from_boundaries(session: pd.Series | np.ndarray, cut: np.ndarray,
                          inside: np.ndarray | None = None) -> np.ndarray:
    """Case ids for sorted steps from boundary flags, unique across sessions.

    A case starts at every ``cut`` and at every session change. Case ids are
    ``"<session>-<n>"`` with ``n`` counting the cases of the session from 1.
    Steps where ``inside`` is False belong to no case (missing id).

    Parameters
    ----------
    session : array-like of str
        Session of each step, steps sorted by (session, start).
    cut : numpy.ndarray of bool
        True where a step starts a new case.
    inside : numpy.ndarray of bool, optional
        False for steps outside any case.

    Returns
    -------
    numpy.ndarray
        Object array of case ids (``None`` for steps outside cases).

    Examples
    --------
    >>> import numpy as np
    >>> cases_from_boundaries(np.array(["a", "a", "a", "b"]), np.array([True, False, True, False])).tolist()
    ['a-1', 'a-1', 'a-2', 'b-1']
    >>> cases_from_boundaries(np.array(["a", "a"]), np.array([False, False]), np.array([False, True])).tolist()
    [None, 'a-1']
    """
    sess = pd.Series(np.asarray(session, dtype=object)).astype(STRING_DTYPE)
    n = len(sess)
    if n == 0:
        return np.array([], dtype=object)
    codes = pd.factorize(sess)[0]
    new_session = np.r_[True, codes[1:] != codes[:-1]]
    inside_mask = np.ones(n, dtype=bool) if inside is None else np.asarray(inside, dtype=bool)
    starts = (np.asarray(cut, dtype=bool) | new_session)
    # a case's number counts the cases holding at least one step inside
    seg = np.cumsum(starts) - 1
    seg_inside = np.bincount(seg, weights=inside_mask) > 0
    seg_number = np.cumsum(seg_inside)
    seg_new_session = new_session[np.flatnonzero(starts)]
    first_seg_of_session = np.maximum.accumulate(np.where(seg_new_session, np.arange(len(seg_inside)), 0))
    base_number: np.ndarray = seg_number[first_seg_of_session] - seg_inside[first_seg_of_session]
    local: np.ndarray = (seg_number - base_number).astype(np.int64)  # per segment
    seg_first = np.flatnonzero(starts)
    names = (sess.iloc[seg_first].reset_index(drop=True) + "-"
             + pd.Series(local.astype(str), dtype=STRING_DTYPE)).to_numpy(dtype=object)
    ids = names[seg]
    ids[~inside_mask] = None
    return ids


class BaseSegmenter(BaseEstimator):
    """Base class of segmenters: validation, fit/predict plumbing, output checks.

    Subclasses implement ``_predict(steps) -> DataFrame`` (column ``case_id``,
    optionally ``task``; index equal to that of ``steps``) and, when they learn
    something, ``_fit(steps, y)``. ``steps`` reaching them is a copy sorted by
    (``session``, ``start``), with a fresh ``RangeIndex``; the base class maps
    results back to the caller's row order. Ties in ``start`` are broken by
    ``step_id`` (when present), so shuffled input gives the same result.

    Class attributes (tags)
    -----------------------
    types_tasks : bool
        The segmenter also assigns task types (``task`` column).
    requires_labels : bool
        ``fit`` needs ``y`` (a true case id per step), e.g. supervised methods.
    """

    types_tasks: ClassVar[bool] = False
    requires_labels: ClassVar[bool] = False

    # -- public API -----------------------------------------------------------
    def fit(self, steps: pd.DataFrame, y: pd.Series | None = None) -> BaseSegmenter:
        """Learn from ``steps`` (and true case ids ``y`` for supervised methods); returns self."""
        ordered, order = self._check_steps(steps)
        if y is not None:
            if isinstance(y, str):
                raise SegmentationError("y must hold one true case id per step, not a column name")
            labels = np.asarray(y, dtype=object)
            if labels.ndim != 1 or len(labels) != len(steps):
                raise SegmentationError(f"y has {labels.size} labels for {len(steps)} steps")
            y = pd.Series(labels[order], dtype=object)
        elif self.requires_labels:
            raise SegmentationError(f"{type(self).__name__}.fit needs y: the true case id of each step")
        self._fit(ordered, y)
        self.is_fitted_ = True
        return self

    def predict(self, steps: pd.DataFrame) -> pd.DataFrame:
        """Return a frame aligned with ``steps`` (same index) with ``case_id`` and ``task``.

        ``case_id`` is a string unique across sessions (missing for steps that
        belong to no task); ``task`` is the task type, missing when the
        segmenter does not type its cases.
        """
        if self.requires_labels and not getattr(self, "is_fitted_", False):
            raise SegmentationError(f"{type(self).__name__} is not fitted: call fit(steps, y) first")
        ordered, order = self._check_steps(steps)
        if len(ordered) == 0:
            empty = pd.Series([], dtype=STRING_DTYPE)
            return pd.DataFrame({CASE_ID: empty, TASK: empty.copy()}, index=steps.index)
        result = self._predict(ordered)
        result = self._check_result(result, ordered)
        out = pd.DataFrame(index=steps.index)
        inverse = np.empty(len(order), dtype=np.int64)
        inverse[order] = np.arange(len(order))
        out[CASE_ID] = result[CASE_ID].to_numpy(dtype=object)[inverse]
        out[TASK] = result[TASK].to_numpy(dtype=object)[inverse]
        return out.astype({CASE_ID: STRING_DTYPE, TASK: STRING_DTYPE})

    def fit_predict(self, steps: pd.DataFrame, y: pd.Series | None = None) -> pd.DataFrame:
        """``fit(steps, y).predict(steps)``."""
        return self.fit(steps, y).predict(steps)

    # -- to implement ---------------------------------------------------------
    def _fit(self, steps: pd.DataFrame, y: pd.Series | None) -> None:
        """Learn from sorted ``steps``; the default learns nothing."""

    def _predict(self, steps: pd.DataFrame) -> pd.DataFrame:  # pragma: no cover - abstract
        raise NotImplementedError(f"{type(self).__name__} must implement _predict(steps)")

    # -- validation -------------------------------------------------------------
    @staticmethod
    def _check_steps(steps: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
        if not isinstance(steps, pd.DataFrame):
            raise SegmentationError(f"steps must be a pandas DataFrame, got {type(steps).__name__}")
        missing = [c for c in REQUIRED_STEP_COLUMNS if c not in steps.columns]
        if missing:
            hint = ""
            if "timestamp" in steps.columns and START in missing:
                hint = " (this looks like an events frame: use taskmining.steps_table(build_steps(events)))"
            raise SegmentationError(f"steps frame lacks column(s) {missing}{hint}")
        start = steps[START]
        if not isinstance(start.dtype, pd.DatetimeTZDtype):
            raise SegmentationError(f"column 'start' must be timezone-aware datetimes, got {start.dtype}")
        if start.isna().any():
            raise SegmentationError(f"column 'start' has missing times at rows {list(steps.index[start.isna()][:5])}")
        if steps[SESSION].isna().any():
            raise SegmentationError(f"column 'session' is missing at rows {list(steps.index[steps[SESSION].isna()][:5])}")
        if len(steps) == 0:
            return steps.reset_index(drop=True), np.arange(0)
        codes, _ = pd.factorize(steps[SESSION], sort=True)
        position = np.arange(len(steps))
        tiebreak = position
        if STEP_ID in steps.columns and pd.api.types.is_integer_dtype(steps[STEP_ID].dtype):
            tiebreak = steps[STEP_ID].to_numpy(dtype=np.int64)
        order = np.lexsort((position, tiebreak, start.to_numpy(dtype="datetime64[ns]").view("int64"), codes))
        ordered = steps.iloc[order].reset_index(drop=True)
        return ordered, order

    def _check_result(self, result: Any, ordered: pd.DataFrame) -> pd.DataFrame:
        name = type(self).__name__
        if isinstance(result, pd.Series):
            result = result.to_frame(CASE_ID)
        if not isinstance(result, pd.DataFrame) or CASE_ID not in result.columns:
            raise SegmentationError(f"{name}._predict must return a DataFrame with a 'case_id' column")
        if len(result) != len(ordered):
            raise SegmentationError(f"{name}._predict returned {len(result)} rows for {len(ordered)} steps")
        result = result.reset_index(drop=True)
        if TASK not in result.columns:
            result = result.assign(**{TASK: pd.Series(np.nan, index=result.index, dtype=object)})
        case = result[CASE_ID]
        if not (pd.api.types.is_string_dtype(case.dtype) or case.dtype == object):
            case = case.astype(object).where(case.notna(), None).map(lambda v: v if v is None else str(v))
        return pd.DataFrame({CASE_ID: case.to_numpy(dtype=object), TASK: result[TASK].to_numpy(dtype=object)})
