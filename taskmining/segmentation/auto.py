"""``auto`` (the default method): pick a sensible segmenter for the data, without tuning.

The rule, in order:

1. fewer than ``min_steps`` steps, or no step label that occurs at least
   ``min_repeats`` times: there is nothing to learn routines from, so
   ``idle_gap`` (cut at pauses longer than five minutes) is used;
2. otherwise ``task_recognition`` with its defaults.

The choice is in ``method_`` and the fitted segmenter in ``segmenter_``;
``reason_`` says why in one sentence. Cases of a method that does not type
them get the task type :data:`UNTYPED`.

Examples
--------
>>> import pandas as pd
>>> routine = ["Open form", "Type 'Name'", "Click 'Submit'"]
>>> steps = pd.DataFrame({
...     "session": "s1",
...     "start": pd.date_range("2026-01-05 09:00", periods=300, freq="10s", tz="UTC"),
...     "step": routine * 100})
>>> seg = AutoSegmenter().fit(steps)
>>> seg.method_
'task_recognition'
>>> AutoSegmenter().fit(steps.head(5)).method_
'idle_gap'
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import pandas as pd

from taskmining.errors import ParameterError
from taskmining.segmentation._common import class_labels
from taskmining.segmentation.base import BaseSegmenter
from taskmining.segmentation.registry import segmenter

__all__ = ["UNTYPED", "AutoSegmenter", "choose_method"]

#: task type of cases found by a method that does not type its cases
UNTYPED = "(untyped task)"


def choose_method(steps: pd.DataFrame, *, min_steps: int = 50, min_repeats: int = 3) -> tuple[str, str]:
    """The method ``auto`` uses for ``steps`` and the reason.

    Examples
    --------
    >>> import pandas as pd
    >>> choose_method(pd.DataFrame({"step": ["a", "b"] * 40}))
    ('task_recognition', 'the steps repeat: learn routines from them')
    """
    n = len(steps)
    if n < min_steps:
        return "idle_gap", f"only {n} steps (fewer than {min_steps}): too few to learn routines"
    top = int(class_labels(steps["step"]).value_counts().max()) if n else 0
    if top < min_repeats:
        return "idle_gap", f"no step repeats {min_repeats} times: no routine to learn"
    return "task_recognition", "the steps repeat: learn routines from them"


class AutoSegmenter(BaseSegmenter):
    """Pick ``task_recognition`` normally and ``idle_gap`` for tiny or repetition-free data.

    Parameters
    ----------
    min_steps : int, default 50
        Fewer steps than this use ``idle_gap``.
    min_repeats : int, default 3
        If no step label occurs this often, ``idle_gap`` is used.
    random_state : int, default 0
        Passed to the chosen segmenter when it takes one.

    Attributes
    ----------
    method_ : str
        Name of the chosen segmenter.
    reason_ : str
        Why it was chosen.
    segmenter_ : BaseSegmenter
        The fitted segmenter.
    """

    types_tasks: ClassVar[bool] = True

    def __init__(self, min_steps: int = 50, min_repeats: int = 3, random_state: int = 0) -> None:
        self.min_steps = min_steps
        self.min_repeats = min_repeats
        self.random_state = random_state

    def _fit(self, steps: pd.DataFrame, y: pd.Series | None) -> None:
        for name in ("min_steps", "min_repeats"):
            value = getattr(self, name)
            if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 1:
                raise ParameterError(f"{name} must be a positive integer, got {value!r}")
        self.method_, self.reason_ = choose_method(
            steps, min_steps=int(self.min_steps), min_repeats=int(self.min_repeats)
        )
        inner = segmenter(self.method_)
        if "random_state" in inner.get_params():
            inner.set_params(random_state=self.random_state)
        self.segmenter_ = inner.fit(steps, y)

    def _predict(self, steps: pd.DataFrame) -> pd.DataFrame:
        model = self if getattr(self, "is_fitted_", False) else type(self)(**self.get_params()).fit(steps)
        out = model.segmenter_.predict(steps)
        untyped = out["task"].isna() & out["case_id"].notna()
        if untyped.any():
            # a segmenter that does not type its cases: every case is of one generic type
            out = out.astype({"task": object})
            out.loc[untyped, "task"] = UNTYPED
        return out
