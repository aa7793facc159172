"""Global search for the classes that start task instances.

A set ``S`` of *start classes* cuts every session before each step whose class
is in ``S``; the search looks for the ``S`` of least cost (by default the
description length of :mod:`~taskmining.segmentation.task_recognition.cost`).
It is stepwise (greedy forward selection, then backward elimination)
from the classes that begin most sessions (a recording begins with a task),
evaluated on one shared global objective: every candidate is scored on the
whole (sampled) stream, not by local pairwise decisions. Search and cost are
apart, as in ruptures, so that a researcher can plug in another cost.

Examples
--------
>>> import numpy as np
>>> codes = np.array([0, 1, 2, 3] * 50 + [0, 1, 3] * 50)
>>> first = np.zeros(len(codes), dtype=bool); first[0] = True
>>> select_start_classes(codes, first, 4).nonzero()[0].tolist()
[0]
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd

from taskmining.segmentation.task_recognition.cost import (
    Cost,
    HashKeys,
    description_length,
)

__all__ = ["MIN_KEYED_SHARE", "loop_header_mask", "select_start_classes"]

_SHORTLIST = 16
#: with keys on fewer than this share of the steps, the key before and after a step are far from it
#: (the same stale key around nearly every class) and tell nothing about where instances begin
MIN_KEYED_SHARE = 0.05


def _continues_instance(
    codes: np.ndarray, session_first: np.ndarray, context: np.ndarray | None, n_classes: int
) -> np.ndarray:
    """Classes that mostly sit inside an instance: the business key before and after them is the same.

    At a true start the key changes (a new invoice, a new customer); a cut
    before a class whose last key before and first key from it agree in most
    occurrences would split one instance.
    """
    inside = np.zeros(n_classes, dtype=bool)
    if context is None or not (context >= 0).mean() >= MIN_KEYED_SHARE:
        return inside
    sess = np.cumsum(session_first)
    keyed = np.where(context >= 0, context, np.nan)
    frame = pd.DataFrame({"s": sess, "k": keyed})
    before = frame.groupby("s", observed=True)["k"].ffill().groupby(sess, observed=True).shift(1).to_numpy()
    after = frame.groupby("s", observed=True)["k"].bfill().to_numpy()
    known = ~np.isnan(before) & ~np.isnan(after)
    same = known & (before == after)
    n_known = np.bincount(codes[known], minlength=n_classes)
    n_same = np.bincount(codes[same], minlength=n_classes)
    inside[:] = (n_known > 0) & (n_same > 0.5 * n_known)
    return inside


def loop_header_mask(codes: np.ndarray, session_first: np.ndarray, n_classes: int, *, min_count: int = 2) -> np.ndarray:
    """Mask over classes: headers of natural loops of the directly-follows graph (Leno et al.).

    The graph (transitions seen at least ``min_count`` times) is searched from
    the class that begins most sessions; a class is a header when some
    transition returns to it from a class it dominates. A routine repeated
    back to back returns to its start, so only headers can be starts.

    Examples
    --------
    >>> import numpy as np
    >>> codes = np.array([0, 1, 2, 1, 2, 3] * 5)
    >>> first = np.zeros(30, dtype=bool); first[0] = True
    >>> loop_header_mask(codes, first, 4).nonzero()[0].tolist()
    [0, 1]
    """
    from taskmining.segmentation._common import loop_headers

    mask = np.zeros(n_classes, dtype=bool)
    if len(codes) < 2:
        return mask
    inside = ~session_first[1:]
    pairs, counts = np.unique(codes[:-1][inside] * np.int64(n_classes) + codes[1:][inside], return_counts=True)
    keep = counts >= min_count
    graph = nx.DiGraph()
    graph.add_edges_from(zip((pairs[keep] // n_classes).tolist(), (pairs[keep] % n_classes).tolist(), strict=True))
    root = int(np.argmax(np.bincount(codes[session_first], minlength=n_classes)))
    if root not in graph:
        return mask
    headers = np.fromiter((int(h) for h in loop_headers(graph, root)), dtype=np.int64)
    mask[headers] = True
    return mask


def select_start_classes(
    codes: np.ndarray,
    session_first: np.ndarray,
    n_classes: int,
    *,
    max_candidates: int = 64,
    first_share: float = 0.2,
    random_state: int = 0,
    context: np.ndarray | None = None,
    allowed: np.ndarray | None = None,
    max_starts: int = 16,
    cost: Cost = description_length,
) -> np.ndarray:
    """Boolean mask over classes: the start classes minimising ``cost`` (by default the description length).

    Parameters
    ----------
    codes : numpy.ndarray
        Event class per step, sessions contiguous and in time order.
    session_first : numpy.ndarray of bool
        True at the first step of each session.
    n_classes : int
        Number of classes (``codes.max() + 1`` or more).
    max_candidates : int, default 64
        Only the most frequent classes are tried as starts.
    first_share : float, default 0.2
        Classes that begin at least this share of the sessions start the
        search as start classes (a recording begins with a task).
    random_state : int, default 0
        Seed of the hash keys (the result does not depend on it unless two
        segment variants collide in 64 bits).
    context : numpy.ndarray, optional
        Context key per step (-1 for none): segments are scored after
        interleaved instances are separated by their keys, and classes
        before which the key mostly stays the same are not tried as starts.
    allowed : numpy.ndarray of bool, optional
        Mask over classes: only these are tried (e.g. :func:`loop_header_mask`).
    max_starts : int, default 16
        At most this many classes are added (greedy rounds); a backward pass
        then drops every added class whose removal lowers the code length. After the first
        round only the ``16`` best first-round candidates are revisited, so a
        search costs about ``max_candidates + 16 * rounds`` evaluations.
    cost : callable, default :func:`~taskmining.segmentation.task_recognition.cost.description_length`
        The objective, lower is better: any function with the signature of
        :class:`~taskmining.segmentation.task_recognition.cost.Cost`.

    Examples
    --------
    >>> import numpy as np
    >>> codes = np.array([5] + [0, 1, 2, 3] * 30)
    >>> first = np.zeros(len(codes), dtype=bool); first[0] = True
    >>> select_start_classes(codes, first, 6).nonzero()[0].tolist()
    [0, 5]
    """
    mask = np.zeros(n_classes, dtype=bool)
    if len(codes) == 0:
        return mask
    keys = HashKeys(n_classes, random_state)
    counts = np.bincount(codes, minlength=n_classes)
    firsts = np.bincount(codes[session_first], minlength=n_classes)
    n_sessions = max(int(session_first.sum()), 1)
    mask[(firsts > 0) & (firsts >= first_share * n_sessions)] = True
    order = np.argsort(-counts, kind="stable")[:max_candidates]
    inside = _continues_instance(codes, session_first, context, n_classes)
    candidates = [int(c) for c in order if counts[c] >= 2 and not mask[c] and not inside[c]]
    if allowed is not None:
        candidates = [c for c in candidates if allowed[c]]
    best = cost(codes, session_first, mask, n_classes, keys, context)
    for round_ in range(max_starts):
        if not candidates:
            break
        scores = []
        for c in candidates:
            mask[c] = True
            scores.append(cost(codes, session_first, mask, n_classes, keys, context))
            mask[c] = False
        if round_ == 0:
            # later rounds only revisit the most promising first-round candidates
            keep = np.argsort(scores, kind="stable")[:_SHORTLIST]
            candidates = [candidates[j] for j in keep]
            scores = [scores[j] for j in keep]
        i = int(np.argmin(scores))
        if scores[i] >= best - 1e-9:
            break
        best = scores[i]
        mask[candidates.pop(i)] = True
    # backward pass: a class added early may be redundant once later ones are in
    forced = np.zeros(n_classes, dtype=bool)
    forced[(firsts > 0) & (firsts >= first_share * n_sessions)] = True
    improved = True
    while improved:
        improved = False
        for c in np.flatnonzero(mask & ~forced).tolist():
            mask[c] = False
            bits = cost(codes, session_first, mask, n_classes, keys, context)
            if bits < best - 1e-9:
                best, improved = bits, True
            else:
                mask[c] = True
    return mask
