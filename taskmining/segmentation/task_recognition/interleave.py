"""Separate interleaved task instances by the business keys their steps touch.

After cutting at start classes, an instance that was suspended and resumed
later has its tail glued to whatever instance was running at the time. Each
segment *owns* the key (invoice, customer, order number ...) of its first
keyed step (a key owned by three or more segments names something they
share, such as a form number, and is ignored); a step showing another key that an earlier segment owns goes
back to the latest such segment, and the keyless steps after it follow it
until the next keyed step; keyless steps just before such a step go with
it (the switch back began before the key showed). A binary search over
(key, segment) pairs and running maxima: O(n log n), numpy only.

Examples
--------
>>> import numpy as np
>>> seg = np.array([0, 0, 1, 1, 1, 1])
>>> keys = np.array([7, -1, 8, 7, -1, 8])   # instance 0 resumed inside segment 1
>>> reassign_interleaved(seg, keys).tolist()
[0, 0, 1, 0, 0, 1]

With ``forward``, a step showing the key of a later segment (an instance
begun before its start was cut) goes to it:

>>> reassign_interleaved(np.array([0, 0, 0, 1, 1]), np.array([7, 8, 7, 8, 8]), forward=True).tolist()
[0, 1, 0, 1, 1]
>>> reassign_interleaved(np.array([0, 0, 0, 0, 0]), np.array([7, 9, 9, 9, 7]), forward=True).tolist()
[0, 10, 10, 10, 0]
"""

from __future__ import annotations

import numpy as np

__all__ = ["reassign_interleaved"]


_MAX_OWNERS = 3
#: with ``forward``: a key no segment owns starts a segment of its own when this many steps show it
MIN_ORPHAN_STEPS = 3


def _owners(seg: np.ndarray, keys: np.ndarray, keyed: np.ndarray, n_seg: int) -> np.ndarray:
    """Owner key of each segment: the key of its first keyed step (-1 when none)."""
    own = np.full(n_seg, -1, dtype=np.int64)
    kpos = np.flatnonzero(keyed)
    _, first = np.unique(seg[kpos], return_index=True)
    own[seg[kpos[first]]] = keys[kpos[first]]
    return own


def reassign_interleaved(
    seg: np.ndarray, keys: np.ndarray, *, max_owners: int | None = _MAX_OWNERS, lead: np.ndarray | None = None,
    forward: bool = False,
) -> np.ndarray:
    """New segment id per step after moving resumed steps back to their instance.

    Parameters
    ----------
    seg : numpy.ndarray of int
        Segment id per step, non-decreasing in time order.
    keys : numpy.ndarray of int
        Context key per step, -1 when the step shows none.
    max_owners : int or None, default 3
        Keys owned by this many segments are ignored (None: never).
    lead : numpy.ndarray of bool, optional
        Lead-in steps (switching application). When given, a keyless step
        goes with the next keyed step only from the last lead-in step before
        that one on (the switch back to the suspended instance); the steps
        before that switch stay with the previous keyed step. Without a
        lead-in step between the two keyed steps, as without ``lead``.
    forward : bool, default False
        Repair missed cuts by the keys too: a step showing a key that no
        earlier segment owns goes to the first later segment that owns it
        (that instance began before its start was cut: a field filled out of
        the usual order); a key no segment owns, shown by at least
        :data:`MIN_ORPHAN_STEPS` steps, makes a segment of its own (an
        instance without its usual first step).

    Returns
    -------
    numpy.ndarray of int64
        Segment id per step (ids of the input; a segment may lose steps; a
        segment of its own made with ``forward`` has an id above them).

    Examples
    --------
    >>> import numpy as np
    >>> reassign_interleaved(np.array([0, 1]), np.array([-1, -1])).tolist()
    [0, 1]
    """
    seg = np.asarray(seg, dtype=np.int64)
    keys = np.asarray(keys, dtype=np.int64)
    keyed = keys >= 0
    if not keyed.any():
        return seg.copy()
    n_seg = int(seg.max()) + 1
    own = _owners(seg, keys, keyed, n_seg)
    # a key owned by several segments names something they share, not an instance
    shared = np.bincount(own[own >= 0], minlength=int(keys.max()) + 1) >= (max_owners or len(seg) + 1)
    if shared.any():
        keys = np.where(keyed & shared[np.maximum(keys, 0)], -1, keys)
        keyed = keys >= 0
        if not keyed.any():
            return seg.copy()
        own = _owners(seg, keys, keyed, n_seg)
    foreign = keyed & (own[seg] != keys)
    if not foreign.any():
        return seg.copy()
    # latest earlier segment owning the same key: search (key, segment) pairs
    owner_seg = np.flatnonzero(own >= 0)
    stride = np.int64(n_seg + 1)
    owner_code = own[owner_seg] * stride + owner_seg  # sorted by key, then segment
    order = np.argsort(owner_code, kind="stable")
    owner_code, owner_seg = owner_code[order], owner_seg[order]
    fpos = np.flatnonzero(foreign)
    query = keys[fpos] * stride + (seg[fpos] - 1)
    hit = np.searchsorted(owner_code, query, side="right") - 1
    ok = hit >= 0
    ok[ok] = owner_code[hit[ok]] // stride == keys[fpos[ok]]
    target = np.full(len(seg), -1, dtype=np.int64)
    target[fpos[ok]] = owner_seg[hit[ok]]
    if forward and (~ok).any():  # no earlier owner: the first later one
        later = fpos[~ok]
        nxt = np.searchsorted(owner_code, keys[later] * stride + seg[later], side="right")
        found = nxt < len(owner_code)
        found[found] = owner_code[nxt[found]] // stride == keys[later[found]]
        target[later[found]] = owner_seg[nxt[found]]
        # a key no segment owns, on enough steps: an instance whose start was not cut, a segment of its own
        orphan = later[~found]
        count = np.bincount(keys[orphan], minlength=int(keys.max()) + 1)
        new = orphan[count[keys[orphan]] >= MIN_ORPHAN_STEPS]
        target[new] = n_seg + keys[new]
    # keyed steps decide; a keyless step goes with the next keyed step of its
    # segment when that one returns to an earlier instance (the switch back
    # started before the key showed), else with the previous keyed step
    decided = np.where(target >= 0, target, seg)
    idx = np.arange(len(seg))
    prev_k = np.maximum.accumulate(np.where(keyed, idx, -1))
    next_k = np.minimum.accumulate(np.where(keyed, idx, len(seg))[::-1])[::-1]
    has_prev = (prev_k >= 0) & (seg[np.maximum(prev_k, 0)] == seg)
    has_next = (next_k < len(seg)) & (seg[np.minimum(next_k, len(seg) - 1)] == seg)
    next_moved = has_next & (target[np.minimum(next_k, len(seg) - 1)] >= 0)
    if lead is not None:
        # the latest lead-in at or before each step; a step after the switch that precedes the next keyed step
        last_lead = np.maximum.accumulate(np.where(np.asarray(lead, dtype=bool), idx, -1))
        switch = last_lead[np.minimum(next_k, len(seg) - 1)]
        next_moved &= (idx >= switch) | (switch <= prev_k) | ~has_prev  # no switch in between: as without
    out = seg.copy()
    out[keyed] = decided[keyed]
    use_next = ~keyed & next_moved
    out[use_next] = decided[next_k[use_next]]
    use_prev = ~keyed & ~next_moved & has_prev
    out[use_prev] = decided[prev_k[use_prev]]
    return out
