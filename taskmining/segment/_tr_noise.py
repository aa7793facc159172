"""Noise classes: steps that follow no routine.

A step of a routine constrains its neighbours: what comes before and after
it is far more predictable than chance. A stray click (a chat notification, a
scroll in a news tab) happens anywhere: its predecessors and successors are
distributed like all steps. For each class we measure how much it tells
about its neighbours, as the Kullback-Leibler divergence (bits) of the
next-class distribution given the class from the overall next-class
distribution, and the same for the previous class. Classes below
``threshold`` (1 bit) bits on **both** sides are noise. Vectorised bincounts: O(n).

Examples
--------
>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> routine = np.tile([0, 1, 2, 3, 4], 200)
>>> noisy = np.insert(routine, rng.integers(0, 1000, 150), 5)
>>> first = np.zeros(len(noisy), dtype=bool); first[0] = True
>>> noise_classes(noisy, first, 6).nonzero()[0].tolist()
[5]
"""

from __future__ import annotations

import numpy as np

__all__ = ["neighbour_information", "noise_classes"]


def neighbour_information(codes: np.ndarray, session_first: np.ndarray, n_classes: int) -> tuple[np.ndarray, np.ndarray]:
    """Information (bits) each class carries about its next and its previous step.

    Examples
    --------
    >>> import numpy as np
    >>> nxt, prv = neighbour_information(np.array([0, 1, 0, 1, 0, 1]), np.eye(1, 6, dtype=bool)[0], 2)
    >>> [round(float(v), 2) for v in nxt]
    [0.74, 1.32]
    """
    inside = ~session_first[1:]
    a, b = codes[:-1][inside], codes[1:][inside]
    out = []
    for x, y in ((a, b), (b, a)):
        joint = np.bincount(x * n_classes + y, minlength=n_classes * n_classes).reshape(n_classes, n_classes)
        joint = joint.astype(np.float64)
        row = joint.sum(axis=1, keepdims=True)
        marginal = joint.sum(axis=0) / max(joint.sum(), 1.0)
        cond = joint / np.maximum(row, 1.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            terms = np.where(cond > 0, cond * np.log2(cond / np.maximum(marginal, 1e-300)), 0.0)
        out.append(terms.sum(axis=1))
    return out[0], out[1]


def noise_classes(
    codes: np.ndarray, session_first: np.ndarray, n_classes: int, *, threshold: float = 1.0, min_count: int = 20
) -> np.ndarray:
    """Boolean mask over classes: classes that inform about neither neighbour.

    Classes seen fewer than ``min_count`` times are never noise (too few to tell).

    Examples
    --------
    >>> import numpy as np
    >>> codes = np.tile([0, 1, 2], 50)
    >>> noise_classes(codes, np.eye(1, 150, dtype=bool)[0], 3).tolist()
    [False, False, False]
    """
    if len(codes) < 2 or n_classes * n_classes > 50_000_000:
        return np.zeros(n_classes, dtype=bool)
    nxt, prv = neighbour_information(codes, session_first, n_classes)
    counts = np.bincount(codes, minlength=n_classes)
    return (nxt < threshold) & (prv < threshold) & (counts >= min_count)
