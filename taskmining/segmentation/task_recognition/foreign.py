"""Steps foreign to their instance's task type go back to an earlier instance of a type that has them.

When an instance is suspended and resumed after another one without any
business key on screen, its tail is glued to the instance that interrupted
it. Classes that mark one type alone are handled by
:func:`._tr_types.type_keys`; a step of a class shared by several types
(saving the spreadsheet, switching to it) is still foreign to a type that
(almost) never contains it. Such a step goes to the instance begun last
before it (same session) among the types that commonly contain its class:
the most recent instance that could have produced it. Types are few, so
one numpy pass per type: O(n * types).

Examples
--------
>>> import numpy as np
>>> profiles = np.array([[1.0, 1.0, 0.0], [0.0, 1.0, 1.0]])   # type 0: classes 0, 1; type 1: 1, 2
>>> seg = np.array([0, 0, 1, 1, 1])
>>> codes = np.array([0, 1, 2, 2, 0])                           # class 0 in instance 1 (type 1)
>>> foreign_targets(profiles, np.array([0, 1]), np.array([0, 0]), seg, codes).tolist()
[-1, -1, -1, -1, 0]
"""

from __future__ import annotations

import numpy as np

__all__ = ["foreign_targets"]


def foreign_targets(
    profiles: np.ndarray,
    inst_type: np.ndarray,
    inst_session: np.ndarray,
    seg: np.ndarray,
    codes: np.ndarray,
    *,
    absent: float = 0.08,
    common: float = 0.3,
) -> np.ndarray:
    """Instance each step should move to (-1: stays).

    Parameters
    ----------
    profiles : numpy.ndarray
        (n_types, n_classes) share of each type's instances containing each class.
    inst_type, inst_session : numpy.ndarray of int
        Task type and session code of each instance (instances in order of first step).
    seg, codes : numpy.ndarray of int
        Instance id (``>= 0``) and class code of each step.
    absent : float, default 0.08
        A class is foreign to a type found in fewer of its instances than this.
    common : float, default 0.3
        A type has a class when at least this share of its instances contain it.

    Returns
    -------
    numpy.ndarray of int64
        Target instance per step, -1 for steps that stay.

    Examples
    --------
    >>> import numpy as np
    >>> foreign_targets(np.ones((1, 2)), np.array([0]), np.array([0]), np.array([0, 0]), np.array([0, 1])).tolist()
    [-1, -1]
    """
    n_types, n_classes = profiles.shape
    n_inst = len(inst_type)
    out = np.full(len(seg), -1, dtype=np.int64)
    if n_types < 2 or n_inst < 2 or len(seg) == 0:
        return out
    cls = np.minimum(codes, n_classes - 1)
    in_range = codes < n_classes
    foreign = in_range & (profiles[inst_type[seg], cls] < absent)
    if not foreign.any():
        return out
    idx = np.arange(n_inst)
    best = np.full(len(seg), -1, dtype=np.int64)
    fpos = np.flatnonzero(foreign)
    f_seg, f_cls = seg[fpos], cls[fpos]
    # instances are numbered by first step: those begun by a step are numbered up to the running maximum
    begun = np.maximum.accumulate(seg)[fpos]
    for t in range(n_types):
        has = profiles[t, f_cls] >= common
        if not has.any():
            continue
        latest = np.maximum.accumulate(np.where(inst_type == t, idx, -1))[begun]
        same = (latest >= 0) & (inst_session[np.maximum(latest, 0)] == inst_session[f_seg])
        cand = np.where(has & same, latest, -1)
        best[fpos] = np.maximum(best[fpos], cand)
    out[fpos] = best[fpos]
    return _follow(out, profiles, inst_type, seg, cls, in_range, absent)


def _follow(
    target: np.ndarray,
    profiles: np.ndarray,
    inst_type: np.ndarray,
    seg: np.ndarray,
    cls: np.ndarray,
    in_range: np.ndarray,
    absent: float,
) -> np.ndarray:
    """Later steps of the same instance follow a moved step while the target's type has their class."""
    if not (target >= 0).any():
        return target
    order = np.argsort(seg, kind="stable")  # steps grouped by instance, in time order
    t_sorted, s_sorted = target[order], seg[order]
    new_group = np.ones(len(order), dtype=bool)
    new_group[1:] = s_sorted[1:] != s_sorted[:-1]
    idx = np.arange(len(order))
    # latest moved step of the instance so far
    marker = np.where(t_sorted >= 0, idx, -1)
    group_start = np.maximum.accumulate(np.where(new_group, idx, 0))
    last = np.maximum.accumulate(marker)
    last = np.where(last >= group_start, last, -1)
    carried = np.where(last >= 0, t_sorted[np.maximum(last, 0)], -1)
    fits = in_range[order] & (profiles[inst_type[np.maximum(carried, 0)], cls[order]] >= absent)
    # a step the target's type never has ends the run
    breaks = np.cumsum(~fits & (carried >= 0) & (t_sorted < 0))
    broken = breaks - breaks[np.maximum(last, 0)] > 0
    follow = (carried >= 0) & ~broken & (t_sorted < 0)
    out_sorted = np.where(follow, carried, t_sorted)
    out = np.empty_like(target)
    out[order] = out_sorted
    return out
