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
application's steps instead. Vectorised bincounts: O(n + K^2).

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

_MAX_JUDGED = 2000


def _divergence(x: np.ndarray, y: np.ndarray, n_classes: int, group: np.ndarray) -> np.ndarray:
    """KL (bits) of P(y | class x) from P(y | group of x), per class."""
    joint = np.bincount(x * n_classes + y, minlength=n_classes * n_classes).reshape(n_classes, n_classes)
    joint = joint.astype(np.float64)
    n_groups = int(group.max()) + 1 if len(group) else 1
    ref = np.zeros((n_groups, n_classes))
    np.add.at(ref, group, joint)
    ref /= np.maximum(ref.sum(axis=1, keepdims=True), 1.0)
    cond = joint / np.maximum(joint.sum(axis=1, keepdims=True), 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(cond > 0, cond * np.log2(cond / np.maximum(ref[group], 1e-300)), 0.0)
    return np.asarray(terms.sum(axis=1))


def neighbour_information(
    codes: np.ndarray, session_first: np.ndarray, n_classes: int, group: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Information (bits) each class carries about its next and its previous step.

    Measured against all steps, or against the steps of the class's group
    (e.g. its application) when ``group`` (one group code per class) is given.

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
) -> np.ndarray:
    """Boolean mask over classes: classes that inform about neither neighbour.

    A class is noise when, on both sides, it tells less than ``threshold``
    bits compared with all steps, or (given ``apps``, the application code of
    each class) less than ``app_threshold`` bits compared with the steps of
    its own application while making up under ``max_app_share`` of them (a
    stray click in the ERP is as unpredictable as any ERP step, but an
    application's main step is not noise). Classes seen fewer than
    ``min_count`` times are never noise (too few to tell).

    Examples
    --------
    >>> import numpy as np
    >>> codes = np.tile([0, 1, 2], 50)
    >>> noise_classes(codes, np.eye(1, 150, dtype=bool)[0], 3).tolist()
    [False, False, False]
    """
    result = np.zeros(n_classes, dtype=bool)
    if len(codes) < 2:
        return result
    counts = np.bincount(codes, minlength=n_classes)
    # only frequent classes can be judged: the rest share one code (bounded K^2 memory)
    judged = np.argsort(-counts, kind="stable")[:_MAX_JUDGED]
    judged = judged[counts[judged] >= min_count]
    if len(judged) == 0:
        return result
    remap = np.full(n_classes, len(judged), dtype=np.int64)
    remap[judged] = np.arange(len(judged))
    small, k = remap[codes], len(judged) + 1
    small_counts = np.bincount(small, minlength=k)
    nxt, prv = neighbour_information(small, session_first, k)
    noise = (nxt < threshold) & (prv < threshold)
    if apps is not None:
        grp = np.zeros(k, dtype=np.int64)
        grp[: len(judged)] = np.asarray(apps, dtype=np.int64)[judged]
        grp[-1] = int(grp.max()) + 1
        a_nxt, a_prv = neighbour_information(small, session_first, k, grp)
        app_counts = np.bincount(np.asarray(apps, dtype=np.int64), weights=counts)
        share = small_counts[: len(judged)] / np.maximum(app_counts[grp[: len(judged)]], 1.0)
        noise[: len(judged)] |= (np.maximum(a_nxt, a_prv)[: len(judged)] < app_threshold) & (share < max_app_share)
    result[judged] = noise[: len(judged)]
    return result
