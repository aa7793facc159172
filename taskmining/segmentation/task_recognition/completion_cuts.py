"""Cuts after completion actions for ``task_recognition``: a routine ends where its work is submitted.

A completion class (submit, save ...; :mod:`~taskmining.segmentation.completion`)
is never a start class: a segment never begins with the submit of the one
before. With completion classes in the stream, the start-class search is
run twice: as before, and with a cut after every run of the completion
classes that this first solution itself finds at the end of a segment at
least :data:`END_SHARE` of the time (:func:`ending_classes`: they are where
routines end, unlike a save followed by more steps of the routine; when a
completion class holding at least :data:`FREQUENT_RUNS` of the runs does
not, the completion words mislead in this log and no cut is made after
them)
(and no start class found (almost) only *inside* the segments a completion
ends, such as an optional field of the form: :func:`inside_completed`). The
completion solution is taken unless it needs more than
:data:`COMPLETION_SLACK` times the bits of the other: cutting a routine
whose parts vary independently (optional fields, a noise step) into pieces
compresses better, a known failure of the description length that the
completion actions guard against, as the loop headers do.

Examples
--------
>>> import numpy as np
>>> codes = np.array([0, 1, 2, 0, 1, 1, 2])          # open, field(s), submit
>>> first = np.array([1, 0, 0, 0, 0, 0, 0], bool)
>>> after_completion(codes, first, np.array([False, False, True])).astype(int).tolist()
[1, 0, 0, 1, 0, 0, 0]
>>> inside_completed(codes, after_completion(codes, first, np.array([False, False, True])),
...                  np.array([False, False, True]), 3).tolist()
[False, True, True]
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from taskmining.segmentation.cycles import rule_cuts

__all__ = ["COMPLETION_SLACK", "END_SHARE", "after_completion", "completion_boundaries", "ending_classes",
           "FREQUENT_RUNS", "INSIDE_SHARE", "inside_completed",
           "SPLIT_SHARE", "split_share", "LEARNED_END_SHARE", "learned_ends"]

#: the cuts after completion actions are kept unless they cost more than this many times the bits
COMPLETION_SLACK = 1.5
#: ... and are tried only when the other solution ends a segment after this share of the completion runs
END_SHARE = 0.5
#: a completion class with this share of the runs that does not end segments disables the cuts
FREQUENT_RUNS = 0.05
#: the completion solution is taken whatever its bits when this share of the other's cuts split submitted work
SPLIT_SHARE = 0.25
#: a class (no completion word) whose steps end their segment this often also ends its routine
LEARNED_END_SHARE = 0.6
#: a class this often inside (never at the start of) segments a completion ends is no start class
INSIDE_SHARE = 0.9

Search = Callable[[np.ndarray, np.ndarray | None], np.ndarray]
Bits = Callable[[np.ndarray, np.ndarray], float]


def after_completion(codes: np.ndarray, first: np.ndarray, done: np.ndarray) -> np.ndarray:
    """Session starts and the steps right after a run of completion steps (``done`` masks classes)."""
    mask = np.zeros(int(codes.max(initial=0)) + 1, dtype=bool)
    mask[: min(len(done), len(mask))] = done[: len(mask)]
    return rule_cuts(codes, first, "after", mask) if len(codes) else first.copy()


def inside_completed(codes: np.ndarray, cuts: np.ndarray, done: np.ndarray, k: int) -> np.ndarray:
    """Classes whose steps lie inside (not at the start of) a segment holding a completion step
    more than :data:`INSIDE_SHARE` of the time (a field of the form, never where a routine begins)."""
    seg = np.cumsum(cuts) - 1
    completed = np.bincount(seg, weights=done[codes]) > 0
    inside = completed[seg] & ~cuts
    return np.bincount(codes, weights=inside, minlength=k) > INSIDE_SHARE * np.bincount(codes, minlength=k)


def ending_classes(codes: np.ndarray, first: np.ndarray, done: np.ndarray, cuts: np.ndarray) -> np.ndarray:
    """The completion classes whose runs end a segment of ``cuts`` at least :data:`END_SHARE` of the time.

    A run's class is that of its last step.

    Examples
    --------
    >>> import numpy as np
    >>> codes = np.array([0, 1, 2, 0, 2, 3])        # open, save (then more), submit
    >>> first = np.array([1, 0, 0, 0, 0, 0], bool)
    >>> cuts = np.array([1, 0, 0, 1, 0, 0], bool)
    >>> ending_classes(codes, first, np.array([False, True, False, True]), cuts).tolist()
    [False, False, False, True]
    """
    after = after_completion(codes, first, done) & ~first
    pos = np.flatnonzero(after)
    k = len(done)
    last = codes[pos - 1]
    runs = np.bincount(last, minlength=k)[:k]
    ends = np.bincount(last, weights=cuts[pos], minlength=k)[:k]
    # a run at the very end of a session ends a segment too
    tail = np.flatnonzero(np.r_[first[1:], True] & done[np.minimum(codes, k - 1)])
    runs = runs + np.bincount(codes[tail], minlength=k)[:k]
    ends = ends + np.bincount(codes[tail], minlength=k)[:k]
    ending = done & (runs > 0) & (ends >= END_SHARE * np.maximum(runs, 1))
    frequent = done & (runs >= max(3.0, FREQUENT_RUNS * float(runs[done].sum())))
    if (frequent & ~ending).any():  # a frequent completion inside routines: the words mislead in this log
        return np.zeros_like(done)
    return ending


def completion_boundaries(codes: np.ndarray, first: np.ndarray, done: np.ndarray, k: int, search: Search,
                          bits: Bits) -> tuple[np.ndarray, np.ndarray | None]:
    """Start classes, and the completion classes whose runs end segments, if any (see the module docstring).

    ``search(codes_first, banned)`` returns a start-class mask (it is given
    the forced cuts and the classes that may not start); ``bits(first, mask)``
    is the description length of a solution.
    """
    mask = search(first, done if done.any() else None)
    ends = ending_classes(codes, first, done, mask[codes] | first) if done.any() else done
    forced = after_completion(codes, first, ends)
    if int((forced & ~first).sum()) < 3:
        return mask, None
    inside = inside_completed(codes, forced, ends, k)
    alt = search(forced, done | inside)
    if split_share(codes, first, mask, inside) >= SPLIT_SHARE:
        return alt, ends  # the other solution cuts submitted work apart: its fewer bits are the known failure
    return (alt, ends) if bits(forced, alt) <= COMPLETION_SLACK * bits(first, mask) else (mask, None)


def split_share(codes: np.ndarray, first: np.ndarray, mask: np.ndarray, inside: np.ndarray) -> float:
    """Share of the cuts of start classes ``mask`` (session starts aside) made before a class ``inside`` flags.

    Such a class lies inside the segments a completion ends and never begins one
    (:func:`inside_completed`): a cut before it splits one submitted routine.

    Examples
    --------
    >>> import numpy as np
    >>> codes = np.array([0, 1, 2, 0, 1, 2])
    >>> first = np.array([1, 0, 0, 0, 0, 0], bool)
    >>> round(split_share(codes, first, np.array([True, True, False]), np.array([False, True, True])), 3)
    0.667
    """
    cuts = mask[codes] & ~first
    n = int(cuts.sum())
    return float((cuts & inside[codes]).sum()) / n if n else 0.0


def learned_ends(codes: np.ndarray, cuts: np.ndarray, k: int, exclude: np.ndarray) -> np.ndarray:
    """Classes (not ``exclude``, seen at least 3 times) whose steps end their segment of ``cuts``
    at least :data:`LEARNED_END_SHARE` of the time: the last step of a routine whose submit bears no
    completion word (an unnamed button), so that what follows it resumes a suspended instance too.

    Examples
    --------
    >>> import numpy as np
    >>> codes = np.array([0, 1, 2, 0, 1, 2, 0, 1, 2])
    >>> cuts = np.array([1, 0, 0, 1, 0, 0, 1, 0, 0], bool)
    >>> learned_ends(codes, cuts, 3, np.array([True, False, False])).tolist()
    [False, False, True]
    """
    last = np.r_[cuts[1:], True]
    n = np.bincount(codes, minlength=k)[:k]
    ends = np.bincount(codes, weights=last, minlength=k)[:k]
    return ~exclude[:k] & (n >= 3) & (ends >= LEARNED_END_SHARE * np.maximum(n, 1))
