"""``routine_cycles``: one routine repeated back to back, loops inside an instance allowed.

Echo steps are folded first (:mod:`~taskmining.segmentation.fold`), then the
cut rule of :func:`~taskmining.segmentation.cycles.best_cycle_rule` ("cut
before every ``Click 'New'``", "cut after every ``Click 'Submit'``") is
learnt on the first ``sample_size`` steps and applied to all. Every step gets
a case: the steps of a session before its first cut form a case of their own.
All cases are of one task type, named by the rule. Linear time after the
search; the search is 128 vectorised passes over the sample.

Use it for logs of one routine (``auto`` chooses it when the stream is one
cycle); ``task_recognition`` handles several interleaved routines.

Examples
--------
>>> import pandas as pd
>>> inst = [["Open form", "Copy 'A'", "Paste 'Name'", "Copy 'B'", "Paste 'Name'", "Submit"],
...         ["Open form", "Copy 'A'", "Paste 'Name'", "Submit"]] * 20
>>> labels = [s for i in inst for s in i]
>>> steps = pd.DataFrame({"session": "s", "step": labels,
...     "start": pd.date_range("2026-01-05 09:00", periods=len(labels), freq="3s", tz="UTC")})
>>> seg = RoutineCyclesSegmenter().fit(steps)
>>> seg.rule_
"cut before 'Open form'"
>>> seg.predict(steps)["case_id"].nunique()
40
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import pandas as pd

from taskmining.errors import ParameterError
from taskmining.schema import ACTION, CASE_ID, SESSION, TASK
from taskmining.segmentation._common import class_labels
from taskmining.segmentation.base import BaseSegmenter, cases_from_boundaries
from taskmining.segmentation.completion import completion_mask
from taskmining.segmentation.cycles import CycleRule, best_cycle_rule, rule_cuts
from taskmining.segmentation.fold import echo_targets, fold_targets

__all__ = ["RoutineCyclesSegmenter", "work_view"]


def work_view(steps: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Echo folding of sorted ``steps``: (root of each step, positions of work steps, session-first flags).

    Examples
    --------
    >>> import pandas as pd
    >>> steps = pd.DataFrame({"session": "s", "step": ["a", "a", "b"],
    ...     "start": pd.to_datetime(["2026-01-05 09:00"] * 2 + ["2026-01-05 09:01"], utc=True)})
    >>> [v.tolist() for v in work_view(steps)]
    [[0, 0, 2], [0, 2], [True, False]]
    """
    root = fold_targets(echo_targets(steps))
    work = np.flatnonzero(root == np.arange(len(steps)))
    sess = pd.factorize(steps[SESSION].iloc[work])[0]
    first = np.r_[True, sess[1:] != sess[:-1]] if len(work) else np.zeros(0, dtype=bool)
    return root, work, first


class RoutineCyclesSegmenter(BaseSegmenter):
    """Cut one routine repeated back to back at its anchor (before its opener or after its submit).

    Parameters
    ----------
    sample_size : int, default 50_000
        Work steps (the first, in time order) the rule is searched on.
    fold : bool, default True
        Fold echo steps first (``False`` for steps already folded).

    Attributes
    ----------
    rule_ : str
        The learnt rule, e.g. ``"cut after 'Click 'Submit' in Chrome'"``.
    cycle_ : CycleRule or None
        Its scores (``phase`` and ``coverage`` in 0..1).
    task_name_ : str
        The name of the one task type.
    """

    types_tasks: ClassVar[bool] = True

    def __init__(self, sample_size: int = 50_000, fold: bool = True) -> None:
        self.sample_size = sample_size
        self.fold = fold

    def _fit(self, steps: pd.DataFrame, y: pd.Series | None) -> None:
        value = self.sample_size
        if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 10:
            raise ParameterError(f"sample_size must be an integer of at least 10, got {value!r}")
        _, work, first = self._view(steps)
        cls = class_labels(steps["step"]).to_numpy(dtype=object)[work]
        codes, labels = pd.factorize(cls)
        n = min(len(codes), int(value))
        actions = steps[ACTION].to_numpy(dtype=object)[work] if ACTION in steps.columns else None
        done = completion_mask(np.asarray(labels, dtype=object), codes, actions)
        self.cycle_: CycleRule | None = best_cycle_rule(np.asarray(codes[:n], dtype=np.int64), first[:n],
                                                        len(labels), completion=done)
        self.anchor_: str | None = None if self.cycle_ is None else str(labels[self.cycle_.cls])
        self.rule_ = "no rule (too few steps)" if self.cycle_ is None else \
            f"cut {self.cycle_.kind} {self.anchor_!r}"
        self.task_name_ = "routine" if self.anchor_ is None else \
            (f"… {self.anchor_}" if self.cycle_ is not None and self.cycle_.kind == "after" else f"{self.anchor_} …")

    def _view(self, steps: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if self.fold:
            return work_view(steps)
        n = len(steps)
        sess = pd.factorize(steps[SESSION])[0]
        return np.arange(n), np.arange(n), np.r_[True, sess[1:] != sess[:-1]] if n else np.zeros(0, dtype=bool)

    def _predict(self, steps: pd.DataFrame) -> pd.DataFrame:
        model = self if getattr(self, "is_fitted_", False) else type(self)(**self.get_params()).fit(steps)
        root, work, first = model._view(steps)
        cls = class_labels(steps["step"]).to_numpy(dtype=object)[work]
        if model.cycle_ is None or model.anchor_ is None:
            cut = first
        else:
            cut = rule_cuts((cls == model.anchor_).astype(np.int64), first, model.cycle_.kind,
                            np.asarray([False, True]))
        case_work = cases_from_boundaries(steps[SESSION].to_numpy(dtype=object)[work], cut)
        position = np.full(len(steps), -1, dtype=np.int64)
        position[work] = np.arange(len(work))
        case = case_work[position[root]]
        return pd.DataFrame({CASE_ID: case, TASK: np.full(len(steps), model.task_name_, dtype=object)})
