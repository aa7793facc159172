"""Task types: cluster task instances by the event classes they contain, and name them.

Each instance is reduced to its *set* of event classes (loops and
re-orderings do not change it), each class weighted by its inverse instance
frequency ``log((1 + N) / (1 + df)) + 1`` (a class found in every instance,
such as switching to the mail client, weighs least: it tells types apart no
better than chance).
The most frequent distinct sets (at most ``max_sets``) are clustered by
average-linkage agglomerative clustering on the weighted Jaccard distance,
cut at ``threshold``: the number of task types follows
from the data. Every instance is then assigned to the type whose profile (the
share of its instances containing each class) it matches best, by a soft
Jaccard similarity computed as one sparse matrix product. Names come from the
type's most common first step and its most characteristic step (highest
lift over the other types).

Examples
--------
>>> import numpy as np
>>> codes = np.array([0, 1, 2, 0, 1, 2, 3, 4, 5, 3, 4, 5])
>>> seg = np.repeat([0, 1, 2, 3], 3)
>>> model = fit_types(codes, seg, 6)
>>> assign_types(model, codes, seg, 6).tolist()
[0, 0, 1, 1]
>>> name_types(model, ["Open", "Type", "Save", "Login", "Search", "Print"])
['Open … Type', 'Login … Search']
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.cluster import AgglomerativeClustering

from taskmining._unique import unique

__all__ = ["TypeModel", "assign_types", "fit_types", "name_types", "type_keys"]


@dataclass
class TypeModel:
    """Per-type class profiles and the first-step distribution used for names."""

    profiles: np.ndarray  # (n_types, n_classes) share of the type's instances containing each class
    first_counts: np.ndarray  # (n_types, n_classes) how often each class begins an instance of the type
    sizes: np.ndarray  # instances per type
    weights: np.ndarray  # (n_classes,) idf weight of each class in the similarities


def _presence(codes: np.ndarray, seg: np.ndarray, n_classes: int) -> sp.csr_matrix:
    n_seg = int(seg.max()) + 1 if len(seg) else 0
    pairs = unique(seg.astype(np.int64) * n_classes + codes)
    rows, cols = pairs // n_classes, pairs % n_classes
    return sp.csr_matrix((np.ones(len(pairs), dtype=np.float64), (rows, cols)), shape=(n_seg, n_classes))


def _first_classes(codes: np.ndarray, seg: np.ndarray) -> np.ndarray:
    n_seg = int(seg.max()) + 1
    first = np.full(n_seg, -1, dtype=np.int64)
    # steps are in time order: the first occurrence of each segment id is its first step
    _, idx = np.unique(seg, return_index=True)
    first[seg[idx]] = codes[idx]
    return first


def _soft_jaccard(x: sp.csr_matrix, profiles: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Weighted soft Jaccard similarity of binary rows ``x`` to profile rows."""
    xw = sp.csr_matrix(x.multiply(weights.reshape(1, -1)))
    inter = np.asarray(xw @ profiles.T)
    size_x = np.asarray(xw.sum(axis=1)).reshape(-1, 1)
    size_p = (profiles * weights).sum(axis=1).reshape(1, -1)
    return np.asarray(inter / np.maximum(size_x + size_p - inter, 1e-12))


def _idf(x: sp.csr_matrix) -> np.ndarray:
    """Smoothed inverse instance frequency of each class: classes in every instance weigh 1, rare ones more."""
    df = np.asarray(x.sum(axis=0)).ravel()
    return np.log((1.0 + x.shape[0]) / (1.0 + df)) + 1.0


def fit_types(
    codes: np.ndarray, seg: np.ndarray, n_classes: int, *, threshold: float = 0.85, max_sets: int = 300,
    min_share: float = 0.0,
) -> TypeModel:
    """Cluster instances (segment ids ``seg`` per step) into task types.

    Parameters
    ----------
    codes, seg : numpy.ndarray
        Event class and instance id (dense, ``0..N-1``) per step, time order.
    n_classes : int
        Number of event classes.
    threshold : float, default 0.85
        Jaccard distance at which the average-linkage tree is cut.
    max_sets : int, default 300
        Distinct class sets clustered (the most frequent); the rest are assigned.
    min_share : float, default 0
        Types given fewer than this share of the instances are dissolved and
        their instances go to the most similar of the others (a handful of
        odd instances, a routine cut in an unusual place, is no task type).

    Examples
    --------
    >>> import numpy as np
    >>> fit_types(np.array([0, 1, 0, 1]), np.array([0, 0, 1, 1]), 2).sizes.tolist()
    [2]
    """
    x = _presence(codes, seg, n_classes)
    n_seg = x.shape[0]
    weights_c = _idf(x)
    if n_seg == 0:
        return TypeModel(np.zeros((0, n_classes)), np.zeros((0, n_classes)), np.zeros(0, dtype=np.int64),
                         np.ones(n_classes))
    # distinct sets, most frequent first
    rng = np.random.default_rng(0)
    keys = rng.integers(1, 2**63, size=n_classes, dtype=np.uint64)
    coo = x.tocoo()
    sig = np.zeros(n_seg, dtype=np.uint64)
    np.add.at(sig, coo.row, keys[coo.col])
    _, rep, inverse, counts = np.unique(sig, return_index=True, return_inverse=True, return_counts=True)
    top = np.argsort(-counts, kind="stable")[:max_sets]
    sets = x[rep[top]].toarray().astype(bool)
    if len(top) == 1:
        labels = np.zeros(1, dtype=np.int64)
    else:
        weighted = sets * weights_c
        inter = weighted @ sets.T.astype(np.float64)
        sizes = weighted.sum(axis=1)
        dist = 1.0 - inter / np.maximum(sizes[:, None] + sizes[None, :] - inter, 1e-12)
        np.fill_diagonal(dist, 0.0)
        labels = AgglomerativeClustering(
            n_clusters=None, metric="precomputed", linkage="average", distance_threshold=threshold
        ).fit_predict(dist)
    n_types = int(labels.max()) + 1
    weights = counts[top].astype(np.float64)
    profiles = np.zeros((n_types, n_classes))
    np.add.at(profiles, labels, sets * weights[:, None])
    profiles /= np.bincount(labels, weights=weights, minlength=n_types)[:, None]
    assigned = np.argmax(_soft_jaccard(x, profiles, weights_c), axis=1)
    keep = np.bincount(assigned, minlength=n_types) >= min_share * n_seg
    if keep.any() and not keep.all():
        assigned = np.flatnonzero(keep)[np.argmax(_soft_jaccard(x, profiles[keep], weights_c), axis=1)]
    del inverse
    # number types in order of their first instance
    assigned = np.asarray(pd.factorize(assigned)[0], dtype=np.int64)
    n_types = int(assigned.max()) + 1
    return _model_from(codes, seg, x, assigned, n_types, n_classes, weights_c)


def _model_from(
    codes: np.ndarray,
    seg: np.ndarray,
    x: sp.csr_matrix,
    assigned: np.ndarray,
    n_types: int,
    n_classes: int,
    weights: np.ndarray,
) -> TypeModel:
    onehot = sp.csr_matrix(
        (np.ones(len(assigned)), (assigned, np.arange(len(assigned)))), shape=(n_types, len(assigned))
    )
    sizes = np.bincount(assigned, minlength=n_types)
    profiles = np.asarray((onehot @ x).todense()) / np.maximum(sizes, 1)[:, None]
    first = _first_classes(codes, seg)
    first_counts = np.zeros((n_types, n_classes))
    np.add.at(first_counts, (assigned, first), 1.0)
    keep = sizes > 0
    return TypeModel(profiles[keep], first_counts[keep], sizes[keep], weights)


def assign_types(model: TypeModel, codes: np.ndarray, seg: np.ndarray, n_classes: int) -> np.ndarray:
    """Task type (row of ``model.profiles``) of each instance.

    Examples
    --------
    >>> import numpy as np
    >>> model = fit_types(np.array([0, 1, 2, 3]), np.array([0, 0, 1, 1]), 4)
    >>> assign_types(model, np.array([2, 3, 0]), np.array([0, 0, 1]), 4).tolist()
    [1, 0]
    """
    if len(seg) == 0:
        return np.zeros(0, dtype=np.int64)
    x = _presence(codes, seg, n_classes)
    profiles, weights = model.profiles, model.weights
    if profiles.shape[1] < n_classes:
        extra = n_classes - profiles.shape[1]
        profiles = np.hstack([profiles, np.zeros((profiles.shape[0], extra))])
        weights = np.append(weights, np.full(extra, float(weights.max()) if len(weights) else 1.0))
    if profiles.shape[0] == 0:
        return np.zeros(x.shape[0], dtype=np.int64)
    return np.asarray(np.argmax(_soft_jaccard(x, profiles, weights), axis=1), dtype=np.int64)


def type_keys(model: TypeModel, *, exclusive: float = 0.9, presence: float = 0.2) -> np.ndarray:
    """Per class, the task type it marks (-1 when it marks none): a "key" for ``reassign_interleaved``.

    A class marks type ``t`` when at least ``presence`` of ``t``'s instances
    contain it and ``t`` holds at least ``exclusive`` of its presence over
    all types. A step of such a class inside an instance of another type is
    most likely the resumed tail of an interleaved instance of ``t``.

    Examples
    --------
    >>> import numpy as np
    >>> model = fit_types(np.array([0, 1, 2, 0, 1, 2, 3, 4, 3, 4]), np.repeat([0, 1, 2, 3], [3, 3, 2, 2]), 5)
    >>> type_keys(model).tolist()
    [0, 0, 0, 1, 1]
    """
    p = model.profiles
    if p.shape[0] == 0:
        return np.full(p.shape[1], -1, dtype=np.int64)
    home = np.argmax(p, axis=0)
    top = p.max(axis=0)
    share = top / np.maximum(p.sum(axis=0), 1e-12)
    return np.where((top >= presence) & (share >= exclusive), home, -1).astype(np.int64)


def name_types(model: TypeModel, labels: list[str]) -> list[str]:
    """Readable, unique names: ``<most common first step> … <most characteristic step>``.

    Examples
    --------
    >>> import numpy as np
    >>> model = fit_types(np.array([0, 1, 0, 1]), np.array([0, 0, 1, 1]), 2)
    >>> name_types(model, ["Open form", "Submit"])
    ['Open form … Submit']
    """
    names: list[str] = []
    n_types = model.profiles.shape[0]
    for t in range(n_types):
        first = int(np.argmax(model.first_counts[t]))
        p = model.profiles[t].copy()
        if n_types > 1:
            others = np.delete(model.profiles, t, axis=0).max(axis=0)
        else:
            others = np.zeros_like(p)
        score = p * (p - others) + 1e-6 * p
        score[first] = -np.inf
        score[p < 0.5] = -np.inf
        best = int(np.argmax(score))
        name = labels[first] if not np.isfinite(score[best]) else f"{labels[first]} … {labels[best]}"
        base, k = name, 2
        while name in names:
            name = f"{base} ({k})"
            k += 1
        names.append(name)
    return names
