"""``task_recognition``: unsupervised task instances and task types from unsegmented, interleaved streams.

The default segmenter. No labels and no per-log parameters:

1. **Event classes** (:mod:`._tr_classes`): each step's label; values never
   enter a class, so instances of one routine share classes.
2. **Start classes by minimum description length** (:mod:`._tr_search`): one
   global objective over the whole stream chooses the set of classes before
   which a new instance begins: the set whose segments compress best into a
   lexicon of repeated variants. No completion actions are needed (a routine
   may end with anything), no greedy pairwise decisions, and order counts.
3. **Interleaving** (:mod:`._tr_interleave`): steps that show the business key
   (in window title or URL) of an earlier, suspended instance go back to it.
4. **Task types** (:mod:`._tr_types`): instances are clustered by the set of
   classes they contain, with the number of types chosen by a distance
   threshold; each type is named from its first and most characteristic step.

Ground-truth columns are never read: only ``session``, ``start``, ``step``,
``window`` and ``url``. ``fit`` learns the start classes and type profiles
(on a sample of at most ``sample_size`` steps for the search); ``predict``
applies them. Deterministic for a given ``random_state``; O(n log n).

Examples
--------
>>> import pandas as pd
>>> routine = ["Open form", "Type 'Name'", "Type 'Amount'", "Click 'Submit'"]
>>> steps = pd.DataFrame({
...     "session": "s1",
...     "start": pd.date_range("2026-01-05 09:00", periods=400, freq="10s", tz="UTC"),
...     "step": routine * 100})
>>> seg = TaskRecognitionSegmenter().fit(steps)
>>> seg.start_classes_
['Open form']
>>> out = seg.predict(steps)
>>> out["case_id"].nunique(), out["task"].iloc[0]
(100, "Open form … Type 'Name'")
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import pandas as pd

from taskmining.errors import ParameterError
from taskmining.schema import CASE_ID, SESSION, TASK
from taskmining.segment._tr_classes import UNLABELLED, context_keys, event_classes, session_codes
from taskmining.segment._tr_interleave import reassign_interleaved
from taskmining.segment._tr_noise import noise_classes
from taskmining.segment._tr_search import cut_positions, select_start_classes
from taskmining.segment._tr_types import TypeModel, assign_types, fit_types, name_types
from taskmining.segment.base import BaseSegmenter

__all__ = ["TaskRecognitionSegmenter"]


class TaskRecognitionSegmenter(BaseSegmenter):
    """Unsupervised task recognition: start classes by MDL, interleaving by business keys, typed tasks.

    Parameters
    ----------
    use_context : bool, default True
        Separate interleaved instances by the business keys in window titles and URLs.
    type_threshold : float, default 0.6
        Jaccard distance at which instance clusters become separate task types.
    max_candidates : int, default 64
        Most frequent classes tried as start classes.
    sample_size : int, default 100_000
        Steps (the first, in time order) on which the start classes are searched.
    noise_steps : {"none", "absorb"}, default "none"
        Steps of noise classes (classes that tell nothing about their
        neighbours, see :mod:`._tr_noise`) belong to no task (``"none"``,
        missing ``case_id``) or to the instance of the step before them
        (``"absorb"``).
    random_state : int, default 0
        Seed of the hash keys used by the search.

    Attributes
    ----------
    start_classes_ : list of str
        Step labels that begin task instances.
    noise_classes_ : list of str
        Step labels treated as noise.
    task_names_ : list of str
        Names of the task types found by ``fit``.
    n_tasks_ : int
        Number of task types.
    """

    types_tasks: ClassVar[bool] = True

    def __init__(
        self,
        use_context: bool = True,
        type_threshold: float = 0.6,
        max_candidates: int = 64,
        sample_size: int = 100_000,
        noise_steps: str = "none",
        random_state: int = 0,
    ) -> None:
        self.use_context = use_context
        self.noise_steps = noise_steps
        self.type_threshold = type_threshold
        self.max_candidates = max_candidates
        self.sample_size = sample_size
        self.random_state = random_state

    # -- parameters -------------------------------------------------------------
    def _check_params(self) -> None:
        if self.noise_steps not in ("none", "absorb"):
            raise ParameterError(f"noise_steps must be 'none' or 'absorb', got {self.noise_steps!r}")
        if not 0.0 < float(self.type_threshold) <= 1.0:
            raise ParameterError(f"type_threshold must be in (0, 1], got {self.type_threshold!r}")
        for name in ("max_candidates", "sample_size"):
            value = getattr(self, name)
            if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 1:
                raise ParameterError(f"{name} must be a positive integer, got {value!r}")

    # -- learning ---------------------------------------------------------------
    def _fit(self, steps: pd.DataFrame, y: pd.Series | None) -> None:
        self._check_params()
        if len(steps) == 0:
            self.start_classes_, self.noise_classes_, self.task_names_, self.n_tasks_ = [], [], [], 0
            self._labels_, self._types_ = pd.Index([], dtype=object), None
            return
        codes, labels = event_classes(steps)
        first = _session_first(steps)
        noise = noise_classes(codes, first, len(labels))
        core = ~noise[codes]
        context = self._context(steps)
        n = int(min(core.sum(), self.sample_size))
        c_codes, c_first, c_context = _core_view(codes, first, context, core)
        mask = select_start_classes(
            c_codes[:n], c_first[:n], len(labels), max_candidates=int(self.max_candidates),
            random_state=int(self.random_state), context=c_context[:n],
        )
        self.start_classes_ = [str(v) for v in labels[mask]]
        self.noise_classes_ = [str(v) for v in labels[noise]]
        self._labels_ = labels
        seg = self._segments(codes, first, context, mask, noise)
        model = fit_types(codes[seg >= 0], seg[seg >= 0], len(labels), threshold=float(self.type_threshold))
        self._types_ = model
        self.task_names_ = name_types(model, [str(v) for v in labels])
        self.n_tasks_ = len(self.task_names_)

    def _context(self, steps: pd.DataFrame) -> np.ndarray:
        if self.use_context:
            return context_keys(steps)
        return np.full(len(steps), -1, dtype=np.int64)

    def _segments(
        self, codes: np.ndarray, first: np.ndarray, context: np.ndarray, mask: np.ndarray, noise: np.ndarray
    ) -> np.ndarray:
        """Instance id per step (dense, in order of first step); -1 for noise steps (or absorbed)."""
        core = ~noise[codes] if len(noise) else np.ones(len(codes), dtype=bool)
        c_codes, c_first, c_context = _core_view(codes, first, context, core)
        cuts = cut_positions(c_codes, c_first, mask)
        seg_core = np.cumsum(cuts) - 1
        if (c_context >= 0).any():
            seg_core = reassign_interleaved(seg_core, c_context)
        seg = np.full(len(codes), -1, dtype=np.int64)
        seg[core] = seg_core
        if self.noise_steps == "absorb" and (~core).any():
            sess = np.cumsum(first)
            filled = pd.Series(np.where(core, seg, np.nan)).groupby(sess).ffill().bfill()
            seg = np.where(core, seg, filled.to_numpy()).astype(np.int64)
        valid = seg >= 0
        if valid.any():
            dense, _ = pd.factorize(seg[valid])
            seg[valid] = dense
        return seg

    # -- applying ---------------------------------------------------------------
    def _predict(self, steps: pd.DataFrame) -> pd.DataFrame:
        model = self if getattr(self, "is_fitted_", False) else _fitted_copy(self, steps)
        labels: pd.Index = model._labels_
        step_labels = steps["step"].astype(object).where(steps["step"].notna(), UNLABELLED)
        codes = np.asarray(labels.get_indexer(step_labels), dtype=np.int64)
        unseen = codes < 0
        n_known = len(labels)
        if unseen.any():
            extra, _ = pd.factorize(step_labels[unseen])
            codes[unseen] = n_known + np.asarray(extra, dtype=np.int64)
        n_classes = int(codes.max()) + 1 if len(codes) else n_known
        mask = np.zeros(max(n_classes, n_known), dtype=bool)
        mask[labels.get_indexer(pd.Index(model.start_classes_, dtype=object))] = True
        noise = np.zeros(len(mask), dtype=bool)
        noise[labels.get_indexer(pd.Index(model.noise_classes_, dtype=object))] = True
        first = _session_first(steps)
        seg = model._segments(codes, first, model._context(steps), mask, noise)
        valid = seg >= 0
        case = np.full(len(seg), None, dtype=object)
        task = np.full(len(seg), None, dtype=object)
        if not valid.any():
            return pd.DataFrame({CASE_ID: case, TASK: task})
        types: TypeModel | None = model._types_
        if types is None or len(types.sizes) == 0:
            names = np.full(int(seg.max()) + 1, "task", dtype=object)
        else:
            names = np.asarray(model.task_names_, dtype=object)[
                assign_types(types, codes[valid], seg[valid], max(n_classes, n_known))
            ]
        case[valid] = _case_ids(steps.loc[valid], seg[valid])
        task[valid] = names[seg[valid]]
        return pd.DataFrame({CASE_ID: case, TASK: task})


def _session_first(steps: pd.DataFrame) -> np.ndarray:
    sess = session_codes(steps)
    first = np.ones(len(sess), dtype=bool)
    first[1:] = sess[1:] != sess[:-1]
    return first


def _core_view(
    codes: np.ndarray, first: np.ndarray, context: np.ndarray, core: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Codes, session starts and context keys of the non-noise steps only."""
    if core.all():
        return codes, first, context
    sess = np.cumsum(first)[core]
    c_first = np.ones(len(sess), dtype=bool)
    c_first[1:] = sess[1:] != sess[:-1]
    return codes[core], c_first, context[core]


def _case_ids(steps: pd.DataFrame, seg: np.ndarray) -> np.ndarray:
    """``<session>#<n>``: instances numbered 1, 2, ... in order of their first step within each session."""
    session = steps[SESSION].astype(str).to_numpy(dtype=object)
    frame = pd.DataFrame({"s": session, "g": seg})
    firsts = frame.drop_duplicates("g")
    number = firsts.groupby("s", sort=False).cumcount() + 1
    lookup = np.empty(int(seg.max()) + 1, dtype=np.int64)
    lookup[firsts["g"].to_numpy()] = number.to_numpy()
    return (pd.Series(session) + "#" + pd.Series(lookup[seg]).astype(str)).to_numpy(dtype=object)


def _fitted_copy(segmenter: TaskRecognitionSegmenter, steps: pd.DataFrame) -> TaskRecognitionSegmenter:
    """An unfitted segmenter predicts with a model fitted on the same steps (the caller's is left untouched)."""
    clone = type(segmenter)(**segmenter.get_params())
    clone._fit(steps, None)
    return clone
