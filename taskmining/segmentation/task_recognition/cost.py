"""The cost of a segmentation: the description length of its segments (minimum description length).

A set ``S`` of *start classes* cuts every session before each step whose class
is in ``S``. The cost of ``S`` is the length of a two-part code of the
resulting segments: a lexicon of the distinct segment *variants* (each stored
once, ``(len + 1) * log2(K + 1)`` bits for ``K`` classes, repeats of one
class collapsed) plus the segments as a sequence of lexicon references
(``N * H(variants)`` bits for ``N`` segments). Routines repeat, so cutting at
their true starts turns thousands of steps into a few dozen variants; cutting
too often multiplies references, cutting too rarely multiplies variants.

Each evaluation is ``O(n log n)`` vectorised numpy (segment hashes by
``np.add.reduceat`` over random 64-bit class and position keys).

Another cost plugs into
:func:`~taskmining.segmentation.task_recognition.search.select_start_classes`
and :class:`~taskmining.segmentation.task_recognition.segmenter.TaskRecognitionSegmenter`
(``cost=``) if it has the signature of :class:`Cost`.

Examples
--------
>>> import numpy as np
>>> codes = np.array([0, 1, 2] * 100)
>>> first = np.zeros(300, dtype=bool); first[0] = True
>>> at_0 = description_length(codes, first, np.array([True, False, False]), 3)
>>> at_1 = description_length(codes, first, np.array([False, True, False]), 3)
>>> bool(at_0 <= at_1)
True
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from taskmining.segmentation.task_recognition.interleave import reassign_interleaved

__all__ = ["Cost", "HashKeys", "cut_positions", "description_length"]


class Cost(Protocol):
    """A segmentation cost: bits (or any score, lower is better) of the cut given by ``start_mask``."""

    def __call__(self, codes: np.ndarray, session_first: np.ndarray, start_mask: np.ndarray, n_classes: int,
                 keys: HashKeys | None = None, context: np.ndarray | None = None) -> float: ...


_POSITIONS = 1024
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


class HashKeys:
    """Random 64-bit keys per class and per position (deterministic by seed), shared by evaluations."""

    def __init__(self, n_classes: int, random_state: int) -> None:
        rng = np.random.default_rng(random_state)
        self.cls = rng.integers(1, 2**63, size=max(n_classes, 1), dtype=np.uint64)
        self.pos = rng.integers(1, 2**63, size=_POSITIONS, dtype=np.uint64) | np.uint64(1)


def cut_positions(codes: np.ndarray, session_first: np.ndarray, start_mask: np.ndarray) -> np.ndarray:
    """Boolean mask of steps that begin a segment: session starts and start-class steps.

    A run of one start class (the same step repeated, a burst of extension
    start-ups) is cut once, before its first step.

    Examples
    --------
    >>> import numpy as np
    >>> cut_positions(np.array([0, 1, 0, 1]), np.array([1, 0, 0, 0], bool), np.array([True, False])).tolist()
    [True, False, True, False]
    >>> cut_positions(np.array([0, 0, 1, 0]), np.array([1, 0, 0, 0], bool), np.array([True, False])).tolist()
    [True, False, False, True]
    """
    cut = start_mask[codes]
    if len(cut) > 1:
        cut[1:] &= codes[1:] != codes[:-1]
    return cut | session_first


def description_length(
    codes: np.ndarray,
    session_first: np.ndarray,
    start_mask: np.ndarray,
    n_classes: int,
    keys: HashKeys | None = None,
    context: np.ndarray | None = None,
) -> float:
    """Code length in bits of the segmentation induced by ``start_mask`` (lower is better).

    Examples
    --------
    >>> import numpy as np
    >>> codes = np.array([0, 1, 2] * 100)
    >>> first = np.zeros(300, dtype=bool); first[0] = True
    >>> good = description_length(codes, first, np.array([True, False, False]), 3)
    >>> none = description_length(codes, first, np.array([False, False, False]), 3)
    >>> bool(good < none)
    True
    """
    if len(codes) == 0:
        return 0.0
    keys = keys or HashKeys(n_classes, 0)
    is_start = cut_positions(codes, session_first, start_mask)
    if context is not None and (context >= 0).any():
        # segments after moving resumed steps of interleaved instances back (see _tr_interleave)
        seg = reassign_interleaved(np.cumsum(is_start) - 1, context)
        order = np.argsort(seg, kind="stable")
        seg, codes = seg[order], codes[order]
        is_start = np.ones(len(seg), dtype=bool)
        is_start[1:] = seg[1:] != seg[:-1]
    prev = np.empty_like(codes)
    prev[0] = -1
    prev[1:] = codes[:-1]
    keep = (codes != prev) | is_start
    kc = codes[keep]
    ks = is_start[keep]
    starts = np.flatnonzero(ks)
    seg = np.cumsum(ks) - 1
    pos = np.arange(len(kc)) - starts[seg]
    hashes = np.add.reduceat(keys.cls[kc] * keys.pos[pos % _POSITIONS], starts)
    lengths = np.diff(np.append(starts, len(kc)))
    hashes ^= lengths.astype(np.uint64) * _GOLDEN
    _, first_idx, counts = np.unique(hashes, return_index=True, return_counts=True)
    n_seg = len(hashes)
    lexicon = float(((lengths[first_idx] + 1) * np.log2(n_classes + 1)).sum())
    data = n_seg * np.log2(n_seg) - float((counts * np.log2(counts)).sum())
    return float(lexicon + data)
