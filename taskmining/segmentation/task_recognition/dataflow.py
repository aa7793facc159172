"""Data-flow links: a paste belongs to the task instance of the copy it pastes.

The steps table links each paste to the copy or cut it came from
(``transfer_from``: that step's ``step_id``, same clipboard hash, same
session). Copying in one instance and pasting in another is what a user
does when the instance was suspended between the two, so the paste goes to
the instance of its copy, and so do the steps just before it in its
instance that lead to it (clicking the target field, switching to the
window) back to the previous step that stays. O(n log n) numpy.

Examples
--------
>>> import numpy as np
>>> seg = np.array([0, 0, 1, 1, 1])
>>> step_id = np.array([10, 11, 12, 13, 14])
>>> transfer = np.array([-1, -1, -1, -1, 11])   # the paste at 14 pastes the copy at 11
>>> lead = np.array([False, False, False, True, False])
>>> follow_transfers(seg, step_id, transfer, lead).tolist()
[0, 0, 1, 0, 0]
"""

from __future__ import annotations

import numpy as np

__all__ = ["follow_transfers"]


def follow_transfers(seg: np.ndarray, step_id: np.ndarray, transfer: np.ndarray, lead: np.ndarray) -> np.ndarray:
    """Instance per step after pastes (and the lead-up steps before them) joined their copy's instance.

    Parameters
    ----------
    seg : numpy.ndarray of int
        Instance per step (``>= 0``), steps in time order.
    step_id : numpy.ndarray of int
        ``step_id`` of each step.
    transfer : numpy.ndarray of int
        ``step_id`` of the copy a paste came from, -1 for other steps.
    lead : numpy.ndarray of bool
        Steps that may move with the paste after them (lead-up steps: the
        field click, the window switch), up to the previous step that is not one.

    Returns
    -------
    numpy.ndarray of int64

    Examples
    --------
    >>> import numpy as np
    >>> follow_transfers(np.array([0, 1]), np.array([1, 2]), np.array([-1, 5]), np.zeros(2, bool)).tolist()
    [0, 1]
    """
    seg = np.asarray(seg, dtype=np.int64)
    out = seg.copy()
    linked = np.flatnonzero(transfer >= 0)
    if len(linked) == 0:
        return out
    order = np.argsort(step_id, kind="stable")
    hit = np.searchsorted(step_id[order], transfer[linked])
    hit = np.minimum(hit, len(order) - 1)
    found = step_id[order][hit] == transfer[linked]
    paste, copy = linked[found], order[hit[found]]
    moving = seg[copy] != seg[paste]
    paste, target = paste[moving], seg[copy[moving]]
    if len(paste) == 0:
        return out
    out[paste] = target
    # lead-up steps right before a moved paste, in the same instance, move with it
    n = len(seg)
    dest = np.full(n, -1, dtype=np.int64)
    dest[paste] = target
    idx = np.arange(n)
    stop = ~lead  # a step that is no lead-up ends the run (moved pastes start it)
    nxt_stop = np.minimum.accumulate(np.where(stop, idx, n)[::-1])[::-1]
    ahead = np.minimum(nxt_stop, n - 1)
    move_lead = lead & (nxt_stop < n) & (dest[ahead] >= 0) & (seg[ahead] == seg)
    out[move_lead] = dest[ahead[move_lead]]
    return out
