"""Fragment types: task "types" that are only the continuation of another type.

A start class found inside a routine (the head of a loop, such as adding
one more expense line, or the step where an interleaved instance was
resumed) cuts that routine into a head and tails. The tails cluster into a
type of their own, but they never stand alone: the instance that comes
before a tail (in the same session, other tails of the same type aside) is
mostly of one single other type, while a real routine follows whatever the
user did before it. A type whose instances follow one other type ``U`` in at
least ``share`` of the cases, ``lift`` times more often than ``U``'s share of
the other instances (a rare variant of a dominant routine follows it by
chance), and at least ``min_count`` times, is a fragment of ``U``; each of
its instances is merged into the latest earlier instance of ``U`` in its
session (with interleaving, the resumed tail may follow another instance).
O(n) numpy, one pass per parent type.

Examples
--------
>>> import numpy as np
>>> types = np.array([2, 0, 1, 3, 0, 1, 4, 0, 1, 1, 2, 3, 4])   # type 1 only ever follows type 0
>>> session = np.zeros(len(types), dtype=np.int64)
>>> parent = fragment_parents(types, session, 5, min_count=3)
>>> parent.tolist()
[-1, 0, -1, -1, -1]
>>> merge_fragments(types, session, parent).tolist()
[0, 1, 1, 3, 4, 4, 6, 7, 7, 7, 10, 11, 12]
"""

from __future__ import annotations

import numpy as np

__all__ = ["fragment_parents", "merge_fragments"]


def _previous_other(types: np.ndarray, session: np.ndarray) -> np.ndarray:
    """Type of the latest earlier instance of another type in the same session (-1 when none)."""
    n = len(types)
    idx = np.arange(n)
    change = np.ones(n, dtype=bool)
    change[1:] = (types[1:] != types[:-1]) | (session[1:] != session[:-1])
    # start of the run of equal types each instance is in; the instance before it
    run_start = np.maximum.accumulate(np.where(change, idx, 0))
    before = run_start - 1
    ok = (before >= 0) & (session[np.maximum(before, 0)] == session)
    return np.where(ok, types[np.maximum(before, 0)], -1)


def fragment_parents(
    types: np.ndarray,
    session: np.ndarray,
    n_types: int,
    *,
    share: float = 0.6,
    lift: float = 2.5,
    min_count: int = 10,
) -> np.ndarray:
    """Per type, the type it is a fragment of (-1 when it stands alone).

    Parameters
    ----------
    types : numpy.ndarray of int
        Task type of each instance, instances in order of their first step.
    session : numpy.ndarray of int
        Session code of each instance.
    n_types : int
        Number of task types.
    share : float, default 0.6
        Least share of a type's instances that must follow the same other type.
    lift : float, default 2.5
        Least ratio of that share to the share of the other type among all
        other instances (a rare variant of a dominant type follows it by chance).
    min_count : int, default 10
        Least number of instances (with a predecessor of another type) of a fragment type.

    Returns
    -------
    numpy.ndarray of int64
        Parent type per type; parents are never fragments themselves.

    Examples
    --------
    >>> import numpy as np
    >>> types = np.array([2, 0, 1, 3, 0, 1, 4, 0, 1])
    >>> fragment_parents(types, np.zeros(9, dtype=np.int64), 5, min_count=3).tolist()   # 0 is half of the rest
    [-1, -1, -1, -1, -1]
    """
    types = np.asarray(types, dtype=np.int64)
    session = np.asarray(session, dtype=np.int64)
    parent = np.full(n_types, -1, dtype=np.int64)
    if len(types) == 0 or n_types < 2:
        return parent
    prev = _previous_other(types, session)
    has = prev >= 0
    pairs = np.zeros((n_types, n_types))
    np.add.at(pairs, (types[has], prev[has]), 1.0)
    total = pairs.sum(axis=1)
    best = np.argmax(pairs, axis=1)
    top = pairs[np.arange(n_types), best]
    sizes = np.bincount(types, minlength=n_types).astype(np.float64)
    # chance that a given other type comes before: its share of the other instances
    expected = sizes[best] / np.maximum(len(types) - sizes, 1.0)
    observed = top / np.maximum(total, 1.0)
    frag = (total >= min_count) & (observed >= share) & (observed >= lift * expected)
    parent[frag] = best[frag]
    # a parent must stand alone (no chains, no cycles): keep the larger side
    for t in np.flatnonzero(parent >= 0):
        p = parent[t]
        if parent[p] >= 0:
            if sizes[p] >= sizes[t]:
                parent[p] = -1
            else:
                parent[t] = -1
    parent[parent[np.maximum(parent, 0)] >= 0] = -1
    return parent


def merge_fragments(types: np.ndarray, session: np.ndarray, parent: np.ndarray) -> np.ndarray:
    """Instance each instance is merged into (itself unless it is of a fragment type).

    An instance of a fragment type goes to the latest earlier instance of its
    parent type in the same session; it stays on its own when there is none.

    Examples
    --------
    >>> import numpy as np
    >>> merge_fragments(np.array([1, 0, 1]), np.zeros(3, dtype=np.int64), np.array([-1, 0])).tolist()
    [0, 1, 1]
    """
    types = np.asarray(types, dtype=np.int64)
    session = np.asarray(session, dtype=np.int64)
    n = len(types)
    out = np.arange(n, dtype=np.int64)
    if n == 0 or not (parent >= 0).any():
        return out
    idx = np.arange(n)
    frag = parent[types] >= 0
    sess_start = np.ones(n, dtype=bool)
    sess_start[1:] = session[1:] != session[:-1]
    first_of_session = np.maximum.accumulate(np.where(sess_start, idx, 0))
    for p in np.unique(parent[parent >= 0]):
        latest = np.maximum.accumulate(np.where(types == p, idx, -1))
        mine = frag & (parent[types] == p) & (latest >= first_of_session)
        out[mine] = latest[mine]
    return out
