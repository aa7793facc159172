"""Boundaries learnt from pauses: positive-unlabelled rates of step transitions.

A long pause (an ``idle`` step, or no action for ``pause`` seconds) almost
always falls between two task instances, but most boundaries have no pause.
Pauses are therefore *positive, unlabelled* examples: for each transition
``a -> b`` between consecutive work steps, the share of its occurrences that
carry a pause estimates ``rho * P(boundary | a -> b)``, where ``rho`` is the
(unknown) share of boundaries that happen to carry a pause. Transitions that
start instances reach about ``rho``; transitions inside instances stay near
zero. Rates are shrunk towards the rate of ``b`` alone (and that towards the
overall rate) so rare transitions are judged by their class, ``rho`` is
estimated from the well-observed transitions (rare classes shrink towards a
coarser class first, e.g. the same verb in the same application), and every transition whose
rate reaches ``fraction * rho`` becomes a cut, also where no pause occurs.
Counting is ``np.unique``/``bincount``: O(n log n).

Examples
--------
>>> import numpy as np
>>> codes = np.tile([0, 1, 2, 3], 200)          # one routine, 200 times
>>> first = np.zeros(800, dtype=bool); first[0] = True
>>> seeds = (codes == 0) & (np.arange(800) % 12 == 0)   # a pause before every third start
>>> model = fit_pairs(codes, first, seeds, 4)
>>> cuts = pair_cuts(model, codes, first)
>>> bool(cuts[codes == 0][1:].all()), bool(cuts[codes != 0].any())
(True, False)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["PairModel", "fit_pairs", "pair_cuts", "pause_seeds"]


@dataclass
class PairModel:
    """Which transitions begin an instance (keys ``a * base + b`` over class codes)."""

    base: int
    keys: np.ndarray
    cut: np.ndarray
    class_cut: np.ndarray
    rho: float


def pause_seeds(
    seconds: np.ndarray, first: np.ndarray, idle_between: np.ndarray, *, pause: float = 20.0
) -> np.ndarray:
    """True at work steps that follow a pause (idle step or ``pause`` seconds), never at a session start.

    Examples
    --------
    >>> import numpy as np
    >>> pause_seeds(np.array([0.0, 2.0, 40.0, 41.0]), np.array([1, 0, 0, 0], bool),
    ...             np.array([0, 0, 0, 1], bool)).tolist()
    [False, False, True, True]
    """
    gap = np.zeros(len(seconds))
    gap[1:] = np.diff(seconds)
    return ((gap > pause) | idle_between) & ~first


def _keys(codes: np.ndarray, first: np.ndarray, base: int) -> tuple[np.ndarray, np.ndarray]:
    codes = np.minimum(codes, base - 1)
    prev = np.empty_like(codes)
    prev[0] = 0
    prev[1:] = codes[:-1]
    valid = ~first
    return prev * base + codes, valid


def fit_pairs(
    codes: np.ndarray,
    first: np.ndarray,
    seeds: np.ndarray,
    n_classes: int,
    *,
    coarse: np.ndarray | None = None,
    alpha: float = 5.0,
    fraction: float = 0.2,
) -> PairModel:
    """Learn the cut transitions from pause seeds (see the module docstring).

    Parameters
    ----------
    codes, first, seeds : numpy.ndarray
        Class per work step, session starts, and pause seeds (:func:`pause_seeds`).
    n_classes : int
        Number of classes; unseen classes at prediction time share one extra code.
    coarse : numpy.ndarray, optional
        A coarser class per class (e.g. the label without the element name):
        rates of rare classes shrink towards their coarse class's rate first.
    alpha : float, default 5.0
        Shrinkage (pseudo-count) of transition rates towards class rates.
    fraction : float, default 0.2
        A transition is a cut when its rate reaches ``fraction * rho``.

    Examples
    --------
    >>> import numpy as np
    >>> fit_pairs(np.array([0, 1, 0, 1]), np.array([1, 0, 0, 0], bool), np.array([0, 0, 1, 0], bool), 2).rho
    0.3333333333333333
    """
    base = n_classes + 1
    key, valid = _keys(codes, first, base)
    seed = seeds[valid].astype(np.float64)
    b = np.minimum(codes, base - 1)[valid]
    uniq, inv = np.unique(key[valid], return_inverse=True)
    n_ab = np.bincount(inv, minlength=len(uniq)).astype(np.float64)
    s_ab = np.bincount(inv, weights=seed, minlength=len(uniq))
    n_b = np.bincount(b, minlength=base).astype(np.float64)
    s_b = np.bincount(b, weights=seed, minlength=base)
    overall = float(seed.mean()) if len(seed) else 0.0
    prior = np.full(base, overall)
    if coarse is not None:
        group = np.append(np.asarray(coarse, dtype=np.int64)[: base - 1], int(np.max(coarse, initial=0)) + 1)
        n_g = np.bincount(group, weights=n_b)
        s_g = np.bincount(group, weights=s_b)
        prior = ((s_g + alpha * overall) / (n_g + alpha))[group]
    r_b = (s_b + alpha * prior) / (n_b + alpha)
    r_ab = (s_ab + alpha * r_b[uniq % base]) / (n_ab + alpha)
    well = s_ab >= 3
    rho = float(np.average(r_ab[well], weights=s_ab[well])) if well.any() else max(overall, 1e-12)
    return PairModel(base, uniq, r_ab >= fraction * rho, r_b >= fraction * rho, rho)


def pair_cuts(model: PairModel, codes: np.ndarray, first: np.ndarray) -> np.ndarray:
    """Boolean cut mask: steps whose transition from the previous work step begins an instance.

    Examples
    --------
    >>> import numpy as np
    >>> m = PairModel(base=3, keys=np.array([1, 3]), cut=np.array([False, True]),
    ...               class_cut=np.array([True, False, False]), rho=0.5)
    >>> pair_cuts(m, np.array([0, 1, 0, 0]), np.array([1, 0, 0, 0], bool)).tolist()
    [True, False, True, True]
    """
    key, valid = _keys(codes, first, model.base)
    pos = np.searchsorted(model.keys, key)
    pos = np.minimum(pos, max(len(model.keys) - 1, 0))
    known = (model.keys[pos] == key) if len(model.keys) else np.zeros(len(key), dtype=bool)
    by_class = model.class_cut[np.minimum(codes, model.base - 1)]
    cut = np.where(known, model.cut[pos] if len(model.cut) else False, by_class)
    return (cut & valid) | first
