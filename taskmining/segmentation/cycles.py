"""Cycle rules: where one routine repeated back to back begins again, loops inside it allowed.

A log of one routine done many times is a cycle: every instance passes the
same *anchor* steps once (open the form, submit it), while loop bodies
inside an instance (copy a cell, paste it into a field, ten times) repeat a
varying number of times. A **cut rule** is "cut before every step of class
``c``" or "cut after every step of class ``c``"; the search scores every
rule over the frequent classes on the whole stream (no greedy pairwise
decisions) in two stages:

1. **period**: the rule whose segments are *complete*, each holding most
   of the stream's classes, while cutting as often as possible:
   ``m * coverage ** 4``, with ``m`` the number of segments and coverage
   the geometric mean, over the classes seen at least 3 times and weighted
   by their occurrences, of the share of the segments holding the class. Cutting at
   a step of a loop body multiplies ``m`` but leaves the anchors and the
   steps of each field (copy column A, then column B ...) in only one
   segment in ``L``; cutting at a rare class keeps coverage but few
   segments. Rare noise classes weigh little.
2. **phase**: among the rules cutting about as often (0.75 to 1.34 times),
   the one whose segments hold each *once-class* exactly once most often. The
   once-classes are those of the period rule's segments that occur in at
   least half of them and there once in most (anchors, not loop bodies);
   when two instances fall into one segment, the anchors they share occur
   twice. It puts the boundary where the loop ends and the next
   record begins (after a submit, before the first step of the next form),
   not inside the loop. Ties go to the rule cutting before the class that
   begins the sessions, then to "after" rules.

The rule's **fit** (``phase`` score, 0..1) says how well the stream is one
cycle; ``auto`` uses it to choose this method.

Examples
--------
>>> import numpy as np
>>> body = [[0, 1, 2, 3, 2, 3, 4], [0, 1, 2, 3, 4], [0, 1, 2, 3, 2, 3, 2, 3, 4]] * 10
>>> codes = np.array([c for inst in body for c in inst])
>>> first = np.zeros(len(codes), dtype=bool); first[0] = True
>>> rule = best_cycle_rule(codes, first, 5)
>>> (rule.kind, rule.cls, rule.segments)
('before', 0, 30)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["CycleRule", "best_cycle_rule", "completion_segments", "rule_cuts", "score_rule"]

_MAX_CANDIDATES = 64
_COVERAGE_POWER = 4.0
_PERIOD_BAND = (0.75, 1.34)


@dataclass(frozen=True)
class CycleRule:
    """A cut rule and its scores.

    ``kind`` is ``"before"`` or ``"after"``; ``cls`` the class code;
    ``segments`` the number of segments it makes; ``coverage`` and ``phase``
    the scores of the module docstring (0..1); ``once`` the mask of the
    once-classes its phase was measured on.
    """

    kind: str
    cls: int
    segments: int
    coverage: float
    phase: float
    once: np.ndarray | None = None


def rule_cuts(codes: np.ndarray, first: np.ndarray, kind: str, cls: int | np.ndarray) -> np.ndarray:
    """True where a segment begins under the rule (session starts always).

    ``cls`` may be one class or a boolean mask over classes. A run of steps
    of the class (the same step repeated) is cut once: before its first
    step, or after its last.

    Examples
    --------
    >>> import numpy as np
    >>> rule_cuts(np.array([0, 1, 2, 0, 1]), np.array([1, 0, 0, 0, 0], bool), "after", 1).tolist()
    [True, False, True, False, False]
    >>> rule_cuts(np.array([0, 0, 1, 0]), np.array([1, 0, 0, 0], bool), "before", 0).tolist()
    [True, False, False, True]
    """
    hit = np.asarray(cls)[codes] if np.ndim(cls) else codes == cls
    cut = first.copy()
    if kind == "before":  # a run of the class (a step repeated) is cut once, before it
        cut[0] |= hit[0]
        cut[1:] |= hit[1:] & ~(hit[:-1] & ~first[1:])
    else:  # ... or after it
        cut[1:] |= hit[:-1] & ~(hit[1:] & ~first[1:])
    return cut


def score_rule(codes: np.ndarray, first: np.ndarray, kind: str, cls: int, n_classes: int,
               once: np.ndarray | None = None) -> CycleRule:
    """Coverage and phase of one rule (see the module docstring).

    Segments without a step of the class (the piece of a session before the
    first cut of a "before" rule, after the last cut of an "after" rule) are
    partial and left out of the scores.

    Examples
    --------
    >>> import numpy as np
    >>> codes = np.array([0, 1, 2] * 20)
    >>> first = np.zeros(60, dtype=bool); first[0] = True
    >>> r = score_rule(codes, first, "before", 0, 3)
    >>> r.segments, round(r.coverage, 2), round(r.phase, 2)
    (20, 1.0, 1.0)
    """
    cut = rule_cuts(codes, first, kind, cls)
    seg = np.cumsum(cut) - 1
    n_seg = int(seg[-1]) + 1
    hit = codes == cls
    has = np.bincount(seg, weights=hit, minlength=n_seg) > 0
    full = has  # the piece before a session's first cut ("before") or after its last ("after") has no hit
    m = int(full.sum())
    if m < 2:
        return CycleRule(kind, int(cls), m, 0.0, 0.0)
    keep = full[seg]
    s, c = seg[keep], codes[keep]
    pair = np.unique(s.astype(np.int64) * n_classes + c, return_counts=True)
    pair_cls = pair[0] % n_classes
    present = np.bincount(pair_cls, minlength=n_classes)  # segments holding each class
    occurrences = np.bincount(c, minlength=n_classes)
    share = np.minimum(present / m, 1.0)
    # weighted by occurrences: a rare noise class weighs little, the steps of every field of a form
    # (each rarer than the segments of a rule cutting inside the form's loop) weigh what they are
    counted = occurrences >= 3
    weight = occurrences[counted]
    # geometric: a class left in one segment in seven costs more than a mean of shares says
    coverage = float(np.exp((np.log(np.maximum(share[counted], 1e-9)) * weight).sum() / weight.sum())) \
        if counted.any() else 0.0
    exactly = np.bincount(pair_cls[pair[1] == 1], minlength=n_classes)
    if once is None:
        once = once_classes(present, exactly, m)
    once = once.copy()
    once[cls] = False  # the rule's own class is in every segment by construction
    if once.sum() < 2:  # too little left to judge the phase by
        return CycleRule(kind, int(cls), m, coverage, 0.0, once)
    phase = float(exactly[once].sum() / (m * once.sum()))
    return CycleRule(kind, int(cls), m, coverage, phase, once)


def once_classes(present: np.ndarray, exactly: np.ndarray, m: int) -> np.ndarray:
    """Classes in at least half of ``m`` segments, and there once in most of them (not loop bodies).

    Examples
    --------
    >>> import numpy as np
    >>> once_classes(np.array([10, 10, 3]), np.array([9, 2, 3]), 10).tolist()
    [True, False, False]
    """
    return (present >= 0.5 * m) & (exactly >= 0.5 * np.maximum(present, 1))


def best_cycle_rule(codes: np.ndarray, first: np.ndarray, n_classes: int, *,
                    max_candidates: int = _MAX_CANDIDATES, completion: np.ndarray | None = None) -> CycleRule | None:
    """The cut rule that makes the stream most like one routine repeated (None: too short).

    Parameters
    ----------
    codes : numpy.ndarray
        Class code per step, sessions contiguous and in time order.
    first : numpy.ndarray of bool
        True at each session's first step.
    n_classes : int
        Number of classes.
    max_candidates : int, default 64
        The most frequent classes (seen at least 3 times) are tried.
    completion : numpy.ndarray of bool, optional
        Mask over classes of completion actions (submit, save ...). When
        given, the search is also run over the rules cutting at most
        1.34 times as often as "cut after every run of completion steps"
        (a rule cutting more often cuts inside the loop of an instance);
        the solution of higher phase is returned (the bounded one on a tie).
    """
    if len(codes) < 6:
        return None
    counts = np.bincount(codes, minlength=n_classes)
    order = [int(c) for c in np.argsort(-counts, kind="stable")[:max_candidates] if counts[c] >= 3]
    rules = [score_rule(codes, first, kind, c, n_classes) for c in order for kind in ("before", "after")]
    rules = [r for r in rules if r.segments >= 2]
    if not rules:
        return None
    opener = int(np.argmax(np.bincount(codes[first], minlength=n_classes)))
    best = _phase_search(codes, first, n_classes, rules, opener)
    if completion is None or int(counts[np.asarray(completion, dtype=bool)].sum()) < 3:
        return best
    ends = completion_segments(codes, first, completion)
    capped = [r for r in rules if r.segments <= _PERIOD_BAND[1] * ends]
    if not capped:
        return best
    alt = _phase_search(codes, first, n_classes, capped, opener)
    return alt if alt.phase >= best.phase else best


def completion_segments(codes: np.ndarray, first: np.ndarray, completion: np.ndarray) -> int:
    """Segments holding a completion step when cutting after every run of them.

    Examples
    --------
    >>> import numpy as np
    >>> completion_segments(np.array([0, 1, 2, 2, 0, 1, 2]), np.array([1, 0, 0, 0, 0, 0, 0], bool),
    ...                     np.array([False, False, True]))
    2
    """
    mask = np.asarray(completion, dtype=bool)
    hit = mask[codes]
    seg = np.cumsum(rule_cuts(codes, first, "after", mask)) - 1
    return int(np.count_nonzero(np.bincount(seg, weights=hit) > 0))


def _phase_search(codes: np.ndarray, first: np.ndarray, n_classes: int, rules: list[CycleRule],
                  opener: int) -> CycleRule:
    """Stage 2 of the module docstring over ``rules`` (stage 1 picks their period)."""
    period = max(rules, key=lambda r: r.segments * r.coverage ** _COVERAGE_POWER)
    lo, hi = _PERIOD_BAND
    # once-classes are fixed by the period rule, the same for every rule compared
    once = period.once
    band = [score_rule(codes, first, r.kind, r.cls, n_classes, once) for r in rules
            if lo * period.segments <= r.segments <= hi * period.segments and r.coverage >= 0.9 * period.coverage]

    def rank(r: CycleRule) -> tuple[float, int, int]:
        return (round(r.phase, 3), int(r.kind == "before" and r.cls == opener), int(r.kind == "after"))

    return max(band, key=rank)
