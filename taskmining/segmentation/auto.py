"""``auto`` (the default method): pick a segmenter from properties of the data, one parameter set.

The rule, in order, all measured without labels:

1. fewer than ``min_steps`` steps, or no step label that occurs at least
   ``min_repeats`` times: there is nothing to learn routines from, so
   ``idle_gap`` (cut at pauses longer than five minutes) is used;
2. the stream is one routine repeated, loops inside an instance allowed: the
   best cycle rule of :mod:`~taskmining.segmentation.cycles` holds (phase
   at least :data:`CYCLE_PHASE`, coverage at least :data:`CYCLE_COVERAGE`)
   and its cases are better than those of ``task_recognition`` by the
   other's evidence (:mod:`~taskmining.segmentation.agreement`): fewer of
   them repeat an anchor of the other's cases (a class in nearly every case,
   once: two instances merged), by more than :data:`REPEAT_MARGIN`; or, as
   many, they begin and end more alike (by more than :data:`START_MARGIN`, 0)
   (``task_recognition`` cut inside the loop of an instance, or at the wrong
   place of the cycle): ``routine_cycles`` is used;
3. otherwise ``task_recognition``, unless its cases are mostly fragments
   (:mod:`~taskmining.segmentation.no_routine`: at least half of them have
   at most two steps, measured on the first :data:`CYCLE_SAMPLE` work steps):
   the log is no routine log, and ``idle_gap`` cuts its work sessions.

Before the chosen method sees them, echo steps are folded
(:mod:`~taskmining.segmentation.fold`): duplicates, a select before the copy
of the same cell, a commit after a paste. They take the case of the step they
echo. Steps the method leaves outside every case are noise it recognised
(a chat reply, a look at the calendar): they keep a missing ``case_id`` and
get the task :data:`NOISE`, as long as they are at most :data:`MAX_NOISE` of
the steps; when more are left out, those of the classes least often left
out join the case before them in their session (or after, at a session's
start), with its task, until :data:`MAX_NOISE` remain. ``unassigned_`` is the share left outside cases.

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
from taskmining.schema import CASE_ID, SESSION, TASK
from taskmining.segmentation._common import class_labels
from taskmining.segmentation.agreement import core_once_classes, repeat_rate, start_end_consistency
from taskmining.segmentation.base import BaseSegmenter
from taskmining.segmentation.cycles import CycleRule
from taskmining.segmentation.no_routine import SHORT_CASE, fragment_share, is_fragmented
from taskmining.segmentation.registry import segmenter
from taskmining.segmentation.routine_cycles import RoutineCyclesSegmenter, work_view

__all__ = ["CYCLE_COVERAGE", "CYCLE_PHASE", "MAX_NOISE", "NOISE", "REPEAT_MARGIN", "START_MARGIN", "UNTYPED", "AutoSegmenter", "choose_method",
           "fill_unassigned"]

#: task type of cases found by a method that does not type its cases
UNTYPED = "(untyped task)"
#: task of steps left outside every case as noise (their ``case_id`` is missing)
NOISE = "(noise)"
#: the largest share of steps left outside cases as noise; above it, every step gets a case
MAX_NOISE = 0.10
#: a cycle rule this good (phase, coverage) makes the stream "one routine repeated"
CYCLE_PHASE = 0.85
CYCLE_COVERAGE = 0.75
#: work steps the cycle rule is searched on (the first, in time order)
CYCLE_SAMPLE = 20_000
#: a difference in the share of cases repeating the other method's anchors that decides
REPEAT_MARGIN = 0.02
#: otherwise ``routine_cycles`` wins when its cases begin and end more alike by more than this
START_MARGIN = 0.0


def choose_method(steps: pd.DataFrame, *, min_steps: int = 50, min_repeats: int = 3) -> tuple[str, str]:
    """The first choice of ``auto``: ``idle_gap`` for tiny or repetition-free steps, else ``task_recognition``.

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


def _prefer_cycles(steps: pd.DataFrame, cycles: np.ndarray, tr: np.ndarray) -> tuple[bool, str]:
    """Whether the cycle segmentation beats task_recognition's, and why (see the module docstring)."""
    merged_cy = repeat_rate(steps, cycles, core_once_classes(steps, tr))
    merged_tr = repeat_rate(steps, tr, core_once_classes(steps, cycles))
    counts = f"{len(pd.unique(cycles[pd.notna(cycles)]))} cycles vs {len(pd.unique(tr[pd.notna(tr)]))} instances"
    if abs(merged_cy - merged_tr) > REPEAT_MARGIN:
        better = merged_cy < merged_tr
        return better, (f"{counts}; cases repeating the other's anchors: {merged_cy:.2f} vs {merged_tr:.2f}")
    own, theirs = start_end_consistency(steps, cycles), start_end_consistency(steps, tr)
    return own > theirs + START_MARGIN, (f"{counts}; anchors agree, cases begin and end alike: "
                                         f"{own:.2f} vs {theirs:.2f}")


def fill_unassigned(session: np.ndarray, case: np.ndarray) -> np.ndarray:
    """Case ids with missing ones filled from the case before in the session, else the case after.

    Examples
    --------
    >>> import numpy as np
    >>> fill_unassigned(np.array(["s", "s", "s", "t"]), np.array([None, "s-1", None, None], dtype=object)).tolist()
    ['s-1', 's-1', 's-1', 't-0']
    """
    frame = pd.DataFrame({"s": pd.Series(session, dtype=object), "c": pd.Series(case, dtype=object)})
    grouped = frame.groupby("s", sort=False)["c"]
    filled = grouped.ffill().fillna(grouped.bfill())
    empty = filled.isna().to_numpy()
    if empty.any():  # a session no method gave any case: one case of its own
        filled[empty] = frame["s"][empty].astype(str) + "-0"
    return filled.to_numpy(dtype=object)


def _beyond_budget(steps: pd.DataFrame, missing: np.ndarray, share: float) -> np.ndarray:
    """The missing steps to fill so that at most ``share`` of the events stay outside cases.

    Events are counted by ``n_events`` when the steps have it (one step per
    event otherwise). The steps that stay are those of the classes most
    often left out (a class the method always leaves out is noise; one it
    mostly puts in cases was left out by chance).
    """
    codes = pd.factorize(class_labels(steps["step"]))[0]
    rate = np.bincount(codes, weights=missing, minlength=int(codes.max(initial=0)) + 1) / np.maximum(
        np.bincount(codes), 1)
    size = (steps["n_events"].fillna(1).to_numpy(dtype=np.float64) if "n_events" in steps.columns
            else np.ones(len(steps)))
    idx = np.flatnonzero(missing)
    order = idx[np.argsort(-rate[codes[idx]], kind="stable")]
    keep = order[np.cumsum(size[order]) <= share * size.sum()]
    fill = missing.copy()
    fill[keep] = False
    return fill


def _spread(out: pd.DataFrame, root: np.ndarray, work: np.ndarray, n: int) -> pd.DataFrame:
    position = np.full(n, -1, dtype=np.int64)
    position[work] = np.arange(len(work))
    idx = position[root]
    return pd.DataFrame({CASE_ID: out[CASE_ID].to_numpy(dtype=object)[idx],
                         TASK: out[TASK].to_numpy(dtype=object)[idx]})


class AutoSegmenter(BaseSegmenter):
    """Pick ``routine_cycles``, ``task_recognition`` or ``idle_gap`` from label-free properties of the steps.

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
        The fitted segmenter (fitted on the steps without echoes).
    cycle_ : CycleRule or None
        The best cycle rule of the steps, when it was measured.
    unassigned_ : float
        Share of the steps of the last ``predict`` left outside every case
        (marked :data:`NOISE`; at most :data:`MAX_NOISE`).
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
        _, work, _ = work_view(steps)
        seen = steps if len(work) == len(steps) else steps.iloc[work].reset_index(drop=True)
        self.method_, self.reason_ = choose_method(
            seen, min_steps=int(self.min_steps), min_repeats=int(self.min_repeats)
        )
        self.cycle_: CycleRule | None = None
        self.unassigned_ = 0.0
        if self.method_ != "task_recognition":
            self.segmenter_ = segmenter(self.method_).fit(seen, None)
            return
        inner = segmenter("task_recognition", random_state=self.random_state).fit(seen)
        cycles = RoutineCyclesSegmenter(sample_size=CYCLE_SAMPLE, fold=False).fit(seen)
        self.cycle_ = cycle = cycles.cycle_
        self.segmenter_ = inner
        if cycle is None or cycle.phase < CYCLE_PHASE or cycle.coverage < CYCLE_COVERAGE:
            if cycle is not None:
                self.reason_ += (f"; no single cycle (best rule {cycles.rule_}: phase {cycle.phase:.2f}, "
                                 f"coverage {cycle.coverage:.2f})")
            self._unless_fragments(seen.head(CYCLE_SAMPLE), None)
            return
        tr_cases = inner.predict(seen)[CASE_ID].to_numpy(dtype=object)
        if self._unless_fragments(seen, tr_cases):
            return
        cy_cases = cycles.predict(seen)[CASE_ID].to_numpy(dtype=object)
        use_cycles, why = _prefer_cycles(seen, cy_cases, tr_cases)
        rule = f"{cycles.rule_} (phase {cycle.phase:.2f}, coverage {cycle.coverage:.2f})"
        if use_cycles:
            self.method_, self.segmenter_ = "routine_cycles", cycles
            self.reason_ = f"one routine repeated, loops inside instances allowed: {rule}; {why}"
        else:
            self.reason_ += f"; the cycle rule {rule} is not better: {why}"

    def _unless_fragments(self, sample: pd.DataFrame, cases: np.ndarray | None) -> bool:
        """Switch to ``idle_gap`` when task_recognition's cases are mostly fragments (no routine found)."""
        if cases is None:
            cases = self.segmenter_.predict(sample)[CASE_ID].to_numpy(dtype=object)
        if not is_fragmented(cases):
            return False
        n_cases = len(pd.unique(cases[pd.notna(cases)]))
        self.method_, self.segmenter_ = "idle_gap", segmenter("idle_gap").fit(sample, None)
        self.reason_ = (f"no routine: {fragment_share(cases):.0%} of task_recognition's {n_cases} cases have at "
                        f"most {SHORT_CASE} steps; work sessions cut at idle pauses instead")
        return True

    def _predict(self, steps: pd.DataFrame) -> pd.DataFrame:
        model = self if getattr(self, "is_fitted_", False) else type(self)(**self.get_params()).fit(steps)
        root, work, _ = work_view(steps)
        if len(work) == len(steps):
            out = model.segmenter_.predict(steps).reset_index(drop=True)
        else:
            seen = steps.iloc[work].reset_index(drop=True)
            out = _spread(model.segmenter_.predict(seen), root, work, len(steps))
        case = out[CASE_ID].to_numpy(dtype=object)
        missing = pd.isna(case)
        share = float(missing.mean()) if len(case) else 0.0
        if share > MAX_NOISE:  # too many left out: the least noise-like join a neighbouring case
            fill = _beyond_budget(steps, missing, MAX_NOISE)
            filled = fill_unassigned(steps[SESSION].to_numpy(dtype=object), case)
            case = case.copy()
            case[fill] = filled[fill]
            out[CASE_ID] = case
            task = out[TASK].astype(object)
            known = pd.Series(task.to_numpy(dtype=object)).groupby(pd.Series(case, dtype=object)).first()
            task[fill] = pd.Series(case[fill], dtype=object).map(known).to_numpy(dtype=object)
            out[TASK] = task
            missing = missing & ~fill
            share = float(missing.mean())
        if missing.any():  # steps the method found to be noise stay outside cases, marked as such
            out = out.astype({TASK: object})
            out.loc[missing, TASK] = NOISE
        self.unassigned_ = share
        untyped = out[TASK].isna()
        if untyped.any():
            # a segmenter that does not type its cases: every case is of one generic type
            out = out.astype({TASK: object})
            out.loc[untyped, TASK] = UNTYPED
        return out
