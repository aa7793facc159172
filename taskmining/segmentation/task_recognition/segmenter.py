"""``task_recognition``: unsupervised task instances and task types from unsegmented, interleaved streams.

The default segmenter. No labels and no per-log parameters:

1. **Event classes** (:mod:`._tr_classes`): each step's label with record
   numbers masked; values never enter a class, so instances of one routine
   share classes.
2. **Step roles** (:mod:`._tr_stream`, :mod:`._tr_noise`): noise classes
   (steps that tell nothing about their neighbours) and idle steps belong to
   no task; application switches lead into what follows; boundaries are
   learnt on the remaining work steps.
3. **Boundaries**, by one of two global criteria chosen by the data:

   * *repetition* (:mod:`._tr_search`): the set of start classes whose
     segments compress best into a lexicon of repeated variants (minimum
     description length). Starts that are not headers of natural loops of
     the step graph (a routine repeated back to back returns to its start,
     as Leno et al. observe) are kept only when the header-only solution
     compresses clearly worse (by ``HEADER_SLACK``): splitting a routine into
     independently varying halves must not pass for two routines. Used when that code is at most
     ``repetition_ratio`` of the uncut stream's: the stream repeats routines
     almost verbatim, as in most robotic-process-mining logs.
   * *pauses* (:mod:`._tr_pairs`): otherwise, pauses (idle steps, long
     breaks) are positive-unlabelled examples of boundaries; the
     transitions that carry them at the rate boundaries do become cuts
     everywhere, also without a pause.

   Neither needs completion actions, and both decide on the whole stream at
   once instead of greedily per pair of chunks.
4. **Interleaving** (:mod:`._tr_interleave`): steps that show the business key
   (window title or URL) of an earlier, suspended instance go back to it.
5. **Task types** (:mod:`._tr_types`): instances are clustered by the set of
   classes they contain (number of types chosen by a distance threshold);
   each type is named from its first and most characteristic step. Steps of
   classes that mark one type, found inside an instance of another type, go
   back to the latest instance of their type (keyless de-interleaving).
6. **Foreign steps, data flow, fragments** (:mod:`._tr_foreign`,
   :mod:`._tr_dataflow`, :mod:`._tr_fragments`): a step whose class its
   instance's type (almost) never has goes to the instance of a type that
   has it begun last before it; a paste goes to the instance of its copy
   (``transfer_from``); types that only continue another type (loop tails)
   are merged into the latest instance of that type.
7. **Interruptions** (:func:`._tr_noise.interruption_classes`): rare classes
   spread over the task types like all instances are (a chat reply, a look
   at the calendar) become noise, and steps 3-6 are learnt again.

Ground-truth columns are never read: only ``session``, ``start``, ``step``,
``action``, ``app``, ``window``, ``url``, ``element_name``, ``step_id`` and
``transfer_from``. ``fit`` learns classes, noise,
boundaries and type profiles (the repetition search on the first
``sample_size`` work steps); ``predict`` applies them. Deterministic for a
given ``random_state``; O(n log n) time, linear memory.

Examples
--------
>>> import pandas as pd
>>> routine = ["Open form", "Type 'Name'", "Type 'Amount'", "Click 'Submit'"]
>>> steps = pd.DataFrame({
...     "session": "s1",
...     "start": pd.date_range("2026-01-05 09:00", periods=400, freq="10s", tz="UTC"),
...     "step": routine * 100})
>>> seg = TaskRecognitionSegmenter().fit(steps)
>>> seg.mode_, seg.start_classes_
('repetition', ['Open form'])
>>> out = seg.predict(steps)
>>> out["case_id"].nunique(), out["task"].iloc[0]
(100, "Open form … Type 'Name'")
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import pandas as pd

from taskmining.errors import ParameterError
from taskmining.schema import ACTION, CASE_ID, SESSION, TASK
from taskmining.segmentation.base import BaseSegmenter
from taskmining.segmentation.completion import completion_mask
from taskmining.segmentation.task_recognition.classes import (
    class_labels,
    coarse_classes,
    context_keys,
    event_classes,
)
from taskmining.segmentation.task_recognition.completion_cuts import (
    after_completion,
    completion_boundaries,
    learned_ends,
)
from taskmining.segmentation.task_recognition.cost import (
    Cost,
    cut_positions,
    description_length,
)
from taskmining.segmentation.task_recognition.noise import (
    interruption_classes,
    noise_classes,
)
from taskmining.segmentation.task_recognition.pauses import (
    PairModel,
    fit_pairs,
    pair_cuts,
    pause_seeds,
)
from taskmining.segmentation.task_recognition.record_rows import split_by_rows
from taskmining.segmentation.task_recognition.resume import resume_suspended
from taskmining.segmentation.task_recognition.search import (
    loop_header_mask,
    select_start_classes,
)
from taskmining.segmentation.task_recognition.stream import (
    Stream,
    app_codes,
    instances,
    make_stream,
)
from taskmining.segmentation.task_recognition.task_types import (
    TypeModel,
    assign_types,
    fit_types,
    name_types,
)
from taskmining.segmentation.task_recognition.untangle import (
    follow_data_flow,
    fragment_types,
    merge_fragment_types,
    move_foreign,
    untangle_types,
)

__all__ = ["HEADER_SLACK", "MIN_TYPE_SHARE", "TaskRecognitionSegmenter"]

#: start classes that are not loop headers of the step graph are accepted only
#: when the loop-header-only solution needs this factor more bits
HEADER_SLACK = 1.3
#: task types with fewer than this share of the instances are dissolved into the others
MIN_TYPE_SHARE = 0.01


class TaskRecognitionSegmenter(BaseSegmenter):
    """Unsupervised task recognition: global boundaries, key-based de-interleaving, typed and named tasks.

    Parameters
    ----------
    use_context : bool, default True
        Separate interleaved instances by the business keys in window titles,
        URLs and element names, and by the classes that mark a task type.
    pause : float, default 20.0
        Seconds without action that count as a pause (a boundary example).
    repetition_ratio : float, default 0.25
        Use the repetition criterion when its code length is at most this
        share of the uncut stream's (else the pause criterion, if the stream
        has at least ``min_pauses`` pauses).
    min_pauses : int, default 20
        Pauses needed to learn boundaries from them.
    type_threshold : float, default 0.85
        Jaccard distance at which instance clusters become separate task types.
    max_candidates : int, default 64
        Most frequent classes tried as start classes.
    sample_size : int, default 50_000
        Work steps (the first, in time order) searched for start classes.
    noise_steps : {"none", "absorb"}, default "none"
        Noise and idle steps belong to no task (missing ``case_id``), or to
        the instance of the step before them.
    random_state : int, default 0
        Seed of the hash keys used by the search.
    cost : callable, optional
        The objective the search minimises (a
        :class:`~taskmining.segmentation.task_recognition.cost.Cost`); by default
        :func:`~taskmining.segmentation.task_recognition.cost.description_length`.

    Attributes
    ----------
    mode_ : str
        ``"repetition"`` or ``"pauses"``: the boundary criterion used.
    start_classes_ : list of str
        Class labels that begin instances (repetition mode).
    noise_classes_ : list of str
        Class labels treated as noise.
    task_names_ : list of str
        Names of the task types found by ``fit``.
    n_tasks_ : int
        Number of task types.
    """

    types_tasks: ClassVar[bool] = True

    def __init__(
        self,
        use_context: bool = True,
        pause: float = 20.0,
        repetition_ratio: float = 0.25,
        min_pauses: int = 20,
        type_threshold: float = 0.85,
        max_candidates: int = 64,
        sample_size: int = 50_000,
        noise_steps: str = "none",
        random_state: int = 0,
        cost: Cost | None = None,
    ) -> None:
        self.use_context = use_context
        self.pause = pause
        self.repetition_ratio = repetition_ratio
        self.min_pauses = min_pauses
        self.type_threshold = type_threshold
        self.max_candidates = max_candidates
        self.sample_size = sample_size
        self.noise_steps = noise_steps
        self.random_state = random_state
        self.cost = cost

    # -- parameters -------------------------------------------------------------
    def _check_params(self) -> None:
        if self.noise_steps not in ("none", "absorb"):
            raise ParameterError(f"noise_steps must be 'none' or 'absorb', got {self.noise_steps!r}")
        for name, low, high in (("type_threshold", 0.0, 1.0), ("repetition_ratio", 0.0, 1.0)):
            value = getattr(self, name)
            if not isinstance(value, (int, float)) or not low < float(value) <= high:
                raise ParameterError(f"{name} must be in ({low}, {high}], got {value!r}")
        if not isinstance(self.pause, (int, float)) or self.pause <= 0:
            raise ParameterError(f"pause must be a positive number of seconds, got {self.pause!r}")
        for name in ("max_candidates", "sample_size", "min_pauses"):
            value = getattr(self, name)
            if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 1:
                raise ParameterError(f"{name} must be a positive integer, got {value!r}")

    # -- learning ---------------------------------------------------------------
    def _fit(self, steps: pd.DataFrame, y: pd.Series | None) -> None:
        self._check_params()
        self.mode_, self.n_tasks_ = "repetition", 0
        self.start_classes_: list[str] = []
        self.noise_classes_: list[str] = []
        self.task_names_: list[str] = []
        self._labels_: pd.Index = pd.Index([], dtype=object)
        self._types_: TypeModel | None = None
        self._pairs_: PairModel | None = None
        self._pre_types_: TypeModel | None = None
        self._fragments_ = np.zeros(0, dtype=np.int64)
        self._done_ = self._ends_ = np.zeros(0, dtype=bool)
        self.cut_after_completion_ = False
        if len(steps) == 0:
            return
        codes, labels = event_classes(steps)
        k = len(labels)
        noise = noise_classes(codes, _first(steps), k, apps=app_codes(steps, codes, k))
        actions = steps[ACTION].to_numpy(dtype=object) if ACTION in steps.columns else None
        self._done_ = completion_mask(np.asarray(labels, dtype=object), codes, actions) & ~noise
        context = self._context(steps)  # computed once: both passes see the same keys
        self._fit_stream(steps, codes, labels, noise, context)
        if self._types_ is not None:
            extra = interruption_classes(self._types_.profiles, self._types_.sizes) & ~noise
            if extra.any():
                self._fit_stream(steps, codes, labels, noise | extra, context)

    def _fit_stream(self, steps: pd.DataFrame, codes: np.ndarray, labels: pd.Index, noise: np.ndarray,
                    context: np.ndarray) -> None:
        """Boundaries, instances and task types, given the event classes and the noise classes."""
        k = len(labels)
        self.mode_, self.start_classes_, self._pairs_ = "repetition", [], None
        stream = make_stream(steps, codes, noise, context)
        self._labels_ = labels
        self.noise_classes_ = [str(v) for v in labels[noise]]
        w_codes, w_first, w_idle, w_context = stream.work_view()
        n = min(len(w_codes), int(self.sample_size))
        mask, ends = self._boundaries(w_codes[:n], w_first[:n], k, w_context[:n])
        self.cut_after_completion_ = ends is not None
        self._ends_ = ends if ends is not None else np.zeros(k, dtype=bool)
        if ends is not None:  # routines whose last step bears no completion word end there too
            cuts = cut_positions(w_codes[:n], w_first[:n], mask) | after_completion(w_codes[:n], w_first[:n], ends)
            self._ends_ = ends | learned_ends(w_codes[:n], cuts, k, mask | self._done_[:k])
        ratio = _compression(w_codes[:n], w_first[:n], mask, k, w_context[:n],
                             forced=self._forced(w_codes[:n], w_first[:n]))
        seeds = pause_seeds(stream.seconds[stream.work], w_first, w_idle, pause=float(self.pause))
        if ratio > self.repetition_ratio and seeds.sum() >= self.min_pauses:
            self.mode_ = "pauses"
            self._pairs_ = fit_pairs(w_codes, w_first, seeds, k, coarse=coarse_classes(labels))
        else:
            self.start_classes_ = [str(v) for v in labels[mask]]
        seg = self._instances(stream, k)
        valid = seg >= 0
        if valid.any():
            threshold = float(self.type_threshold)
            self._types_ = fit_types(codes[valid], seg[valid], k, threshold=threshold)
            if self.use_context:
                seg = untangle_types(self._types_, codes, seg)
                self._types_ = fit_types(codes[valid], seg[valid], k, threshold=threshold)
                seg = move_foreign(self._types_, steps, codes, seg, k)
                seg = follow_data_flow(steps, seg)
            self._pre_types_ = self._types_
            self._fragments_ = fragment_types(self._types_, steps, codes, seg, k)
            if (self._fragments_ >= 0).any():
                seg = merge_fragment_types(self._types_, self._fragments_, steps, codes, seg, k)
            self._types_ = fit_types(codes[valid], seg[valid], k, threshold=threshold, min_share=MIN_TYPE_SHARE)
            self.task_names_ = name_types(self._types_, [str(v) for v in labels])
        self.n_tasks_ = len(self.task_names_)

    def _boundaries(self, codes: np.ndarray, first: np.ndarray, k: int,
                    context: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        """Start classes, and whether runs of completion steps end segments (:mod:`.completion_cuts`)."""
        cost = self.cost or description_length
        return completion_boundaries(
            codes, first, self._done_[:k], k,
            lambda f, banned: self._search(codes, f, k, context, banned=banned),
            lambda f, mask: cost(codes, f, mask, k, context=context))

    def _forced(self, codes: np.ndarray, first: np.ndarray) -> np.ndarray:
        """Session starts, and the steps after a run of completion steps when those end segments."""
        return after_completion(codes, first, self._ends_) if self.cut_after_completion_ else first

    def _search(self, codes: np.ndarray, first: np.ndarray, k: int, context: np.ndarray,
                banned: np.ndarray | None = None) -> np.ndarray:
        """Start classes by MDL; loop headers only, unless that costs over ``HEADER_SLACK`` more bits."""
        cands, seed, cost = int(self.max_candidates), int(self.random_state), self.cost or description_length
        free = select_start_classes(codes, first, k, max_candidates=cands, random_state=seed, context=context,
                                    cost=cost, allowed=None if banned is None else ~banned)
        headers = loop_header_mask(codes, first, k)
        if banned is not None:
            headers = headers & ~banned
        forced = np.bincount(codes[first], minlength=k) > 0
        if not (free & ~headers & ~forced).any():
            return free
        constrained = select_start_classes(
            codes, first, k, max_candidates=cands, random_state=seed, context=context, allowed=headers, cost=cost
        )
        cost_free = cost(codes, first, free, k, context=context)
        cost_constrained = cost(codes, first, constrained, k, context=context)
        return constrained if cost_constrained <= HEADER_SLACK * cost_free else free

    def _context(self, steps: pd.DataFrame) -> np.ndarray:
        if self.use_context:
            return context_keys(steps)
        return np.full(len(steps), -1, dtype=np.int64)

    def _work_cuts(self, stream: Stream, n_classes: int) -> tuple[np.ndarray, np.ndarray]:
        """Segment starts on the work steps, and those made only by a completion before them
        (headless, :mod:`.resume`)."""
        w_codes, session_first, w_idle, _ = stream.work_view()
        w_first = self._forced(w_codes, session_first)
        if self._pairs_ is not None:
            seeds = pause_seeds(stream.seconds[stream.work], w_first, w_idle, pause=float(self.pause))
            own = pair_cuts(self._pairs_, w_codes, session_first) | seeds
        else:
            mask = np.zeros(max(n_classes, len(self._labels_)) + 1, dtype=bool)
            known = self._labels_.get_indexer(pd.Index(self.start_classes_, dtype=object))
            mask[known[known >= 0]] = True
            own = cut_positions(w_codes, session_first, mask)
            if self.cut_after_completion_:  # start, start again: the first is suspended, resumed after a completion
                own |= mask[w_codes]
        return own | w_first, w_first & ~own

    def _instances(self, stream: Stream, n_classes: int) -> np.ndarray:
        """Instance id per step: cuts, lead-ins, keys (:func:`.instances`), resumed suspended instances."""
        cuts, headless = self._work_cuts(stream, n_classes)
        seg = instances(stream, cuts, absorb_noise=self.noise_steps == "absorb")
        if not headless.any():
            return seg
        heads = seg[np.flatnonzero(stream.work)[headless]]
        done = np.zeros(len(stream.codes), dtype=bool)
        known = stream.codes < len(self._ends_)
        done[known] = self._ends_[stream.codes[known]]
        return resume_suspended(seg, np.unique(heads[heads >= 0]), done, np.cumsum(stream.first))

    # -- applying ---------------------------------------------------------------
    def _predict(self, steps: pd.DataFrame) -> pd.DataFrame:
        model = self if getattr(self, "is_fitted_", False) else _fitted_copy(self, steps)
        labels = model._labels_
        cls = class_labels(steps["step"])
        codes = np.asarray(labels.get_indexer(pd.Index(cls)), dtype=np.int64)
        k = len(labels)
        codes[codes < 0] = k  # unseen classes share one code
        noise = np.zeros(k + 1, dtype=bool)
        noise[labels.get_indexer(pd.Index(model.noise_classes_, dtype=object))] = True
        stream = make_stream(steps, codes, noise, model._context(steps))
        seg = model._instances(stream, k + 1)
        if model.use_context and model._types_ is not None and len(model._types_.sizes):
            seg = untangle_types(model._pre_types_ or model._types_, codes, seg)
            seg = move_foreign(model._pre_types_ or model._types_, steps, codes, seg, k + 1)
            seg = follow_data_flow(steps, split_by_rows(steps, seg))  # one row, one instance; pastes follow
        if model._pre_types_ is not None and (model._fragments_ >= 0).any():
            seg = merge_fragment_types(model._pre_types_, model._fragments_, steps, codes, seg, k + 1)
        valid = seg >= 0
        case = np.full(len(seg), None, dtype=object)
        task = np.full(len(seg), None, dtype=object)
        if valid.any():
            if model._types_ is None or len(model._types_.sizes) == 0:
                names = np.full(int(seg.max()) + 1, "task", dtype=object)
            else:
                names = np.asarray(model.task_names_, dtype=object)[
                    assign_types(model._types_, codes[valid], seg[valid], k + 1)
                ]
            case[valid] = _case_ids(steps.loc[valid], seg[valid])
            task[valid] = names[seg[valid]]
        return pd.DataFrame({CASE_ID: case, TASK: task})


def _first(steps: pd.DataFrame) -> np.ndarray:
    sess, _ = pd.factorize(steps[SESSION])
    first = np.ones(len(sess), dtype=bool)
    first[1:] = sess[1:] != sess[:-1]
    return first


def _compression(codes: np.ndarray, first: np.ndarray, mask: np.ndarray, k: int, context: np.ndarray,
                 forced: np.ndarray | None = None) -> float:
    """Code length with the start classes (and ``forced`` cuts) relative to the uncut stream (small = repetitive)."""
    if len(codes) == 0:
        return 0.0
    uncut = description_length(codes, first, np.zeros(k, dtype=bool), k, context=context)
    cut = description_length(codes, first if forced is None else forced, mask, k, context=context)
    return cut / max(uncut, 1e-12)


def _case_ids(steps: pd.DataFrame, seg: np.ndarray) -> np.ndarray:
    """``<session>-<n>``: instances numbered 1, 2, ... in order of their first step within each session."""
    session = steps[SESSION].astype(str).to_numpy(dtype=object)
    frame = pd.DataFrame({"s": session, "g": seg})
    firsts = frame.drop_duplicates("g")
    number = firsts.groupby("s", sort=False, observed=True).cumcount() + 1
    lookup = np.empty(int(seg.max()) + 1, dtype=np.int64)
    lookup[firsts["g"].to_numpy()] = number.to_numpy()
    return (pd.Series(session) + "-" + pd.Series(lookup[seg]).astype(str)).to_numpy(dtype=object)


def _fitted_copy(segmenter: TaskRecognitionSegmenter, steps: pd.DataFrame) -> TaskRecognitionSegmenter:
    """An unfitted segmenter predicts with a model fitted on the same steps (the caller's is left untouched)."""
    clone = type(segmenter)(**segmenter.get_params())
    clone._fit(steps, None)
    return clone
