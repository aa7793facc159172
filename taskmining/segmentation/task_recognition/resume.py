"""Resumed instances: the rest of a suspended instance, after another one was completed, goes back to it.

With cuts after completion actions (submit, save ...), an instance that is
suspended while another is done (open form A, fill half of it, do form B
and submit it, finish A and submit it) comes out in two pieces: A's head,
which holds no completion step (it is *open*), and A's tail, which begins
right after B's completion without a start step of its own (it is
*headless*). :func:`resume_suspended` joins every headless segment to the
latest open segment of its session among the :data:`MAX_BACK` segments before
it; a tail that holds a completion closes the instance it joins. Segments
are visited once, in order: O(number of segments).

Examples
--------
>>> import numpy as np
>>> seg = np.array([0, 0, 1, 1, 2, 2])          # A's head, B, A's tail
>>> done = np.array([0, 0, 0, 1, 0, 1], bool)   # B and A's tail end in a submit
>>> resume_suspended(seg, np.array([2]), done, np.zeros(6, dtype=np.int64)).tolist()
[0, 0, 1, 1, 0, 0]
"""

from __future__ import annotations

import numpy as np

__all__ = ["MAX_BACK", "resume_suspended"]

#: how many segments back an open segment may be resumed
MAX_BACK = 4


def resume_suspended(seg: np.ndarray, headless: np.ndarray, done: np.ndarray, sess: np.ndarray) -> np.ndarray:
    """Segment id per step with headless segments joined to the open segment they resume.

    Parameters
    ----------
    seg : numpy.ndarray
        Segment id per step (dense, in order of first step; -1 for none).
    headless : numpy.ndarray
        Ids of the segments that begin after a completion without a start step.
    done : numpy.ndarray of bool
        Completion step flags.
    sess : numpy.ndarray
        Session code per step.
    """
    valid = seg >= 0
    if not valid.any() or len(headless) == 0:
        return seg
    n_seg = int(seg.max()) + 1
    closed = np.bincount(seg[valid], weights=done[valid], minlength=n_seg) > 0
    is_head = np.zeros(n_seg, dtype=bool)
    is_head[headless[(headless >= 0) & (headless < n_seg)]] = True
    first_pos = np.full(n_seg, len(seg), dtype=np.int64)
    np.minimum.at(first_pos, seg[valid], np.flatnonzero(valid))
    seg_sess = sess[np.minimum(first_pos, len(seg) - 1)]
    target = np.arange(n_seg)
    open_: list[int] = []
    for s in np.argsort(first_pos, kind="stable").tolist():
        if open_ and seg_sess[open_[-1]] != seg_sess[s]:
            open_ = []
        recent = [o for o in open_ if s - o <= MAX_BACK]
        if is_head[s] and recent:
            host = recent[-1]
            target[s] = host
            if closed[s]:
                open_.remove(host)
            continue
        if not closed[s]:
            open_.append(s)
        open_ = open_[-MAX_BACK:]
    out = seg.copy()
    out[valid] = target[seg[valid]]
    return out
