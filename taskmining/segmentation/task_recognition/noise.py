"""Noise classes: steps that follow no routine.

A step of a routine constrains its neighbours: what comes before and after
it is far more predictable than chance. A stray click (a chat notification, a
scroll in a news tab) happens anywhere: its predecessors and successors are
distributed like all steps. For each class we measure how much it tells
about its neighbours, as the Kullback-Leibler divergence (bits) of the
next-class distribution given the class from the overall next-class
distribution, and the same for the previous class. Classes below
``threshold`` (1 bit) on **both** sides are noise. Noise that stays inside
one application (scrolling the ERP form) is judged against that
application's steps instead. Sparse counts (``np.unique`` over class pairs): O(n log n), memory O(n).

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
from scipy.stats import chi2

__all__ = ["interruption_classes", "neighbour_information", "noise_classes"]


def _divergence(x: np.ndarray, y: np.ndarray, n_classes: int, group: np.ndarray) -> np.ndarray:
    """KL (bits) of P(y | class x) from P(y | group of x), per class; sparse counts, O(n log n)."""
    out = np.zeros(n_classes)
    if len(x) == 0:
        return out
    n_y = np.int64(n_classes)
    pair, pair_n = np.unique(x * n_y + y, return_counts=True)
    px, py = pair // n_y, pair % n_y
    gx = group[x]
    gpair, gpair_n = np.unique(gx * n_y + y, return_counts=True)
    n_x = np.bincount(x, minlength=n_classes).astype(np.float64)
    n_g = np.bincount(gx, minlength=int(group.max()) + 1).astype(np.float64)
    cond = pair_n / n_x[px]
    ref_n = gpair_n[np.searchsorted(gpair, group[px] * n_y + py)]
    ref = ref_n / n_g[group[px]]
    np.add.at(out, px, cond * np.log2(cond / ref))
    return out


def neighbour_information(
    codes: np.ndarray,
    session_first: np.ndarray,
    n_classes: int,
    group: np.ndarray | None = None,
    merge_below: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Information (bits) each class carries about its next and its previous step.

    Measured against all steps, or against the steps of the class's group
    (e.g. its application) when ``group`` (one group code per class) is given.
    Neighbours seen fewer than ``merge_below`` times count as one class (their
    sparse counts would otherwise look informative).

    Examples
    --------
    >>> import numpy as np
    >>> nxt, prv = neighbour_information(np.array([0, 1, 0, 1, 0, 1]), np.eye(1, 6, dtype=bool)[0], 2)
    >>> [round(float(v), 2) for v in nxt]
    [0.74, 1.32]
    """
    inside = ~session_first[1:]
    a, b = codes[:-1][inside], codes[1:][inside]
    grp = np.zeros(n_classes, dtype=np.int64) if group is None else np.asarray(group, dtype=np.int64)
    if merge_below > 0:
        rare = np.bincount(codes, minlength=n_classes) < merge_below
        a_n = np.where(rare[a], n_classes, a)
        b_n = np.where(rare[b], n_classes, b)
        grp = np.append(grp, int(grp.max()) + 1)
        nxt = _divergence(a, b_n, n_classes + 1, grp)[:n_classes]
        prv = _divergence(b, a_n, n_classes + 1, grp)[:n_classes]
        return nxt, prv
    return _divergence(a, b, n_classes, grp), _divergence(b, a, n_classes, grp)


def noise_classes(
    codes: np.ndarray,
    session_first: np.ndarray,
    n_classes: int,
    *,
    apps: np.ndarray | None = None,
    threshold: float = 1.0,
    app_threshold: float = 1.4,
    max_app_share: float = 0.2,
    min_count: int = 20,
    app_min_count: int = 50,
) -> np.ndarray:
    """Boolean mask over classes: classes that inform about neither neighbour.

    A class is noise when, on both sides, it tells less than ``threshold``
    bits compared with all steps, or (given ``apps``, the application code of
    each class) less than ``app_threshold`` bits compared with the steps of
    its own application while making up under ``max_app_share`` of them (a
    stray click in the ERP is as unpredictable as any ERP step, but an
    application's main step is not noise). Classes seen fewer than
    ``min_count`` times (``app_min_count`` for the application rule) are
    never noise: too few to tell.

    Examples
    --------
    >>> import numpy as np
    >>> codes = np.tile([0, 1, 2], 50)
    >>> noise_classes(codes, np.eye(1, 150, dtype=bool)[0], 3).tolist()
    [False, False, False]
    """
    if len(codes) < 2:
        return np.zeros(n_classes, dtype=bool)
    counts = np.bincount(codes, minlength=n_classes)
    nxt, prv = neighbour_information(codes, session_first, n_classes)
    noise = (nxt < threshold) & (prv < threshold)
    if apps is not None:
        apps = np.asarray(apps, dtype=np.int64)
        a_nxt, a_prv = neighbour_information(codes, session_first, n_classes, apps, merge_below=min_count)
        per_app = np.bincount(apps, weights=counts, minlength=int(apps.max()) + 1)
        share = counts / np.maximum(per_app[apps], 1.0)
        by_app = (np.maximum(a_nxt, a_prv) < app_threshold) & (share < max_app_share)
        noise |= by_app & (counts >= app_min_count)
    return noise & (counts >= min_count)


def interruption_classes(
    profiles: np.ndarray,
    sizes: np.ndarray,
    *,
    max_presence: float = 0.1,
    max_spread: float = 0.25,
    min_instances: int = 10,
    min_types: float = 3.0,
    min_p: float = 0.01,
) -> np.ndarray:
    """Boolean mask over classes: steps of interruptions (a chat reply, a look at the calendar).

    An interruption is a short routine of its own, so its steps inform about
    each other and pass :func:`noise_classes`; but it happens inside
    instances of every task type alike. A class is an interruption when it
    is found in under ``max_presence`` of all instances (at least
    ``min_instances`` of them) and the task types of those instances are
    spread like the types of all instances (total variation distance under
    ``max_spread``, or a chi-square test of the spread against the type
    sizes with a p-value of at least ``min_p``: few occurrences scatter by
    chance). Needs task types to compare with: at least
    ``min_types`` effective types (the exponential of the entropy of the
    type sizes); with fewer, no class is an interruption.

    Parameters
    ----------
    profiles : numpy.ndarray
        (n_types, n_classes) share of each type's instances containing each class.
    sizes : numpy.ndarray
        Instances per type.

    Examples
    --------
    >>> import numpy as np
    >>> sizes = np.array([100, 100, 100, 100])
    >>> profiles = np.array([[1, 0, 0, 0, 0.05], [0, 1, 0, 0, 0.05], [0, 0, 1, 0, 0.04], [0, 0, 0, 1, 0.06]])
    >>> interruption_classes(profiles, sizes).tolist()
    [False, False, False, False, True]
    """
    sizes = np.asarray(sizes, dtype=np.float64)
    n_classes = profiles.shape[1]
    total = sizes.sum()
    if total <= 0 or len(sizes) < 2:
        return np.zeros(n_classes, dtype=bool)
    base = sizes / total
    effective = float(np.exp(-(base[base > 0] * np.log(base[base > 0])).sum()))
    if effective < min_types:
        return np.zeros(n_classes, dtype=bool)
    occurrences = profiles * sizes[:, None]
    per_class = occurrences.sum(axis=0)
    spread = occurrences / np.maximum(per_class, 1e-12)
    distance = 0.5 * np.abs(spread - base[:, None]).sum(axis=0)
    rare = (per_class < max_presence * total) & (per_class >= min_instances)
    # few occurrences scatter by chance: also accept spreads a chi-square test cannot tell from the base rates
    expected = np.maximum(per_class[None, :] * base[:, None], 1e-12)
    stat = ((occurrences - expected) ** 2 / expected).sum(axis=0)
    p_value = chi2.sf(stat, df=len(sizes) - 1)
    return rare & ((distance < max_spread) | (p_value >= min_p))
