"""Boundary confidence: how sure a segmentation is that a task ends before a given step.

For every case start, the **confidence** is the share of the occurrences of
the same transition (class of the step before -> class of this step, within
a session) at which the segmentation also starts a case. A method that cuts
by a rule ("before every ``Click 'New'``", "after every ``Submit``") cuts
all occurrences: 1.0. A boundary placed on a transition that elsewhere runs
through the middle of a case is doubtful (0.2: it was cut at one in five
occurrences) and worth a look. The first step of a session is a sure
boundary (1.0). Any method's output can be scored; nothing is learnt.

Examples
--------
>>> import pandas as pd
>>> steps = pd.DataFrame({"session": "s", "step": ["New", "Save", "New", "Save", "New", "Save"]})
>>> case = ["s-1", "s-1", "s-2", "s-3", "s-4", "s-4"]
>>> boundary_confidence(steps, case).round(2).tolist()
[1.0, nan, 1.0, 0.33, 1.0, nan]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from taskmining.errors import ParameterError, SchemaError
from taskmining.schema import CASE_ID, SESSION, STEP, STEP_ID
from taskmining.segmentation._common import class_labels

__all__ = ["CONFIDENCE", "boundary_confidence", "event_confidence"]

#: column name of the boundary confidence in outputs
CONFIDENCE = "boundary_confidence"


def boundary_confidence(steps: pd.DataFrame, case_id: Sequence[object] | np.ndarray | pd.Series) -> pd.Series:
    """Confidence of every case start in ``steps`` (sorted by session and time); NaN elsewhere.

    Parameters
    ----------
    steps : pandas.DataFrame
        ``session`` and ``step`` (labels), one row per step in time order.
    case_id : array-like
        The case of each step (missing: no case).

    Returns
    -------
    pandas.Series
        float64 in (0, 1] at the first step of each case, NaN on the others;
        same index as ``steps``.
    """
    if STEP not in steps.columns:
        raise SchemaError("boundary_confidence needs a 'step' column (step labels)")
    case = pd.Series(np.asarray(case_id, dtype=object), dtype=object)
    n = len(steps)
    if len(case) != n:
        raise ParameterError(f"case_id has {len(case)} values for {n} steps")
    out = np.full(n, np.nan)
    if n == 0:
        return pd.Series(out, index=steps.index)
    sess = pd.factorize(steps[SESSION] if SESSION in steps.columns else pd.Series(np.zeros(n)))[0]
    cls = pd.factorize(class_labels(steps[STEP].reset_index(drop=True)))[0].astype(np.int64)
    known = case.notna().to_numpy()
    starts = known & ~case.duplicated().to_numpy()
    first = np.r_[True, sess[1:] != sess[:-1]]
    pair = np.full(n, -1, dtype=np.int64)
    pair[1:] = cls[:-1] * (int(cls.max()) + 1) + cls[1:]
    pair[first] = -1
    inner = ~first
    codes, uniq = pd.factorize(pair[inner])
    total = np.bincount(codes, minlength=len(uniq))
    cut = np.bincount(codes, weights=starts[inner], minlength=len(uniq))
    share = np.full(n, 1.0)
    share[inner] = cut[codes] / np.maximum(total[codes], 1)
    out[starts] = share[starts]
    return pd.Series(out, index=steps.index)


def event_confidence(events_with_cases: pd.DataFrame, steps: pd.DataFrame) -> pd.Series:
    """:func:`boundary_confidence` on the events of :func:`~taskmining.segment`'s output.

    ``steps`` is the steps table of those events (with ``case_id``). The
    first event of the step that begins a case carries the confidence; the
    other events NaN.

    Examples
    --------
    >>> import pandas as pd, taskmining as tm
    >>> ev = pd.DataFrame({"session": ["s"] * 4, "app": ["erp"] * 4, "action": ["click"] * 4,
    ...                    "element_name": ["New", "Save", "New", "Save"],
    ...                    "timestamp": pd.date_range("2026-01-05 09:00", periods=4, freq="1min", tz="UTC")})
    >>> out = tm.segment(ev, method="delimiter", start="'New'")
    >>> event_confidence(out, tm.steps_table(out)).tolist()
    [1.0, nan, 1.0, nan]
    """
    for col in (STEP_ID, CASE_ID):
        if col not in events_with_cases.columns or col not in steps.columns:
            raise SchemaError(f"event_confidence needs {col!r} on the events and the steps")
    conf = boundary_confidence(steps, steps[CASE_ID].astype(object).where(steps[CASE_ID].notna(), None))
    by_step = pd.Series(conf.to_numpy(), index=steps[STEP_ID].to_numpy())
    ids = events_with_cases[STEP_ID].to_numpy()
    value = by_step.reindex(ids).to_numpy(dtype=float, copy=True)
    first_event = ~pd.Series(ids).duplicated().to_numpy()
    if len(ids) and "timestamp" in events_with_cases.columns:
        # the earliest event of each step carries the value (input order may differ from time order)
        ts = events_with_cases["timestamp"].to_numpy(dtype="datetime64[ns]").view(np.int64)
        order = np.lexsort((np.arange(len(ids)), ts, ids))
        first_event = np.zeros(len(ids), dtype=bool)
        head = np.r_[True, ids[order][1:] != ids[order][:-1]]
        first_event[order[head]] = True
    value[~first_event] = np.nan
    return pd.Series(value, index=events_with_cases.index, name=CONFIDENCE)
