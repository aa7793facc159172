"""Scores of a segmentation against ground truth (formulas in ``docs/segmentation.md``).

Every function takes one label per step (or per event) **in time order**
(sorted by session, then time, as the steps table and the events frame are),
so that "the first step of a case" is well defined. Cases may interleave: a
case's steps need not be contiguous. Pass ``session=`` when the rows span
several sessions (case boundaries are counted within each session) and
``time=`` when the rows are not yet in time order (they are then stably sorted
by session and time first).

Missing values: a step whose *true* case is missing (noise, interruptions)
belongs to no true case. Boundary scores ignore such steps; the edit distance
keeps them in the predicted segments they were put into (so a method pays for
absorbing noise); label-based scores (event F1, ARI, Jaccard) treat "no case"
as one label of its own on both sides.

Examples
--------
>>> from taskmining.segmentation.evaluate import evaluate
>>> true = ["a", "a", "a", "b", "b", "b"]
>>> pred = ["x", "x", "y", "y", "y", "y"]
>>> scores = evaluate(true, pred, steps=["open", "type", "save"] * 2)
>>> float(scores["boundary_f1"]), round(float(scores["edit_distance"]), 3)
(0.5, 0.292)
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any, TypeAlias

import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_rand_score, precision_recall_fscore_support

from taskmining.errors import ParameterError

__all__ = [
    "adjusted_rand",
    "boundaries",
    "boundary_scores",
    "edit_distance",
    "evaluate",
    "event_scores",
    "jaccard",
    "levenshtein",
]

NONE_LABEL = "\x00none"

ArrayLike: TypeAlias = Sequence[Any] | np.ndarray | pd.Series | pd.Index


def _as_array(values: ArrayLike | None, name: str, n: int | None = None) -> np.ndarray | None:
    if values is None:
        return None
    if isinstance(values, (str, bytes)):
        raise ParameterError(f"{name} must be a sequence of labels, not a single string")
    arr = np.asarray(pd.Series(values, dtype=object).to_numpy(dtype=object))
    if arr.ndim != 1:
        raise ParameterError(f"{name} must be one-dimensional, got shape {arr.shape}")
    if n is not None and len(arr) != n:
        raise ParameterError(f"{name} has {len(arr)} values, expected {n} (one per step)")
    return arr


def _missing(arr: np.ndarray) -> np.ndarray:
    return np.asarray(pd.isna(arr), dtype=bool)


def _codes(arr: np.ndarray) -> np.ndarray:
    """Integer codes of labels, -1 for missing."""
    codes, _ = pd.factorize(pd.Series(arr, dtype=object), use_na_sentinel=True)
    return np.asarray(codes, dtype=np.int64)


def _prepare(
    true: ArrayLike, pred: ArrayLike, session: ArrayLike | None, time: ArrayLike | None, **extra: ArrayLike | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, np.ndarray | None]]:
    t = _as_array(true, "true")
    assert t is not None
    n = len(t)
    p = _as_array(pred, "pred", n)
    assert p is not None
    s = _as_array(session, "session", n)
    s_codes = np.zeros(n, dtype=np.int64) if s is None else _codes(s)
    if s is not None and (s_codes < 0).any():
        raise ParameterError(f"session is missing at rows {np.flatnonzero(s_codes < 0)[:5].tolist()}")
    others = {k: _as_array(v, k, n) for k, v in extra.items()}
    if time is not None:
        tm = pd.to_datetime(pd.Series(_as_array(time, "time", n)), utc=True, errors="coerce")
        if tm.isna().any():
            raise ParameterError(f"time has missing or unparsable values at rows {np.flatnonzero(tm.isna())[:5].tolist()}")
        order = np.lexsort((np.arange(n), tm.to_numpy(dtype="datetime64[ns]").view("int64"), s_codes))
        t, p, s_codes = t[order], p[order], s_codes[order]
        others = {k: (v[order] if v is not None else None) for k, v in others.items()}
    return t, p, s_codes, others


def _pair(true: ArrayLike, pred: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    t = _as_array(true, "true")
    assert t is not None
    p = _as_array(pred, "pred", len(t))
    assert p is not None
    return t, p


def _first_positions(labels: np.ndarray, session: np.ndarray) -> np.ndarray:
    """Row positions that are the first row of their (session, label) group; missing labels never are."""
    codes = _codes(labels)
    ok = codes >= 0
    key = pd.DataFrame({"s": session[ok], "c": codes[ok]})
    pos = np.flatnonzero(ok)
    first = ~key.duplicated().to_numpy()
    return pos[first]


def boundaries(labels: ArrayLike, *, session: ArrayLike | None = None) -> np.ndarray:
    """Positions of case boundaries: the first step of each case within each session.

    Parameters
    ----------
    labels : array-like
        Case id per step, in time order; missing values belong to no case.
    session : array-like, optional
        Session per step; a case that spans two sessions starts once in each.

    Returns
    -------
    numpy.ndarray
        Sorted row positions (int64).

    Examples
    --------
    >>> boundaries(["a", "a", "b", "a", "b", "c"]).tolist()
    [0, 2, 5]
    """
    arr = _as_array(labels, "labels")
    assert arr is not None
    sess = _as_array(session, "session", len(arr))
    s = np.zeros(len(arr), dtype=np.int64) if sess is None else _codes(sess)
    return np.sort(_first_positions(arr, s))


def _match_count(tb: np.ndarray, pb: np.ndarray, tolerance: int) -> int:
    """One-to-one matches between sorted boundary positions within ``tolerance`` (greedy, in order)."""
    if tolerance == 0:
        return int(np.intersect1d(tb, pb, assume_unique=True).size)
    i = j = matched = 0
    tl, pl = tb.tolist(), pb.tolist()
    while i < len(tl) and j < len(pl):
        if abs(tl[i] - pl[j]) <= tolerance:
            matched += 1
            i += 1
            j += 1
        elif tl[i] < pl[j]:
            i += 1
        else:
            j += 1
    return matched


def _prf(tp: int, n_pred: int, n_true: int) -> dict[str, float]:
    precision = tp / n_pred if n_pred else (1.0 if n_true == 0 else 0.0)
    recall = tp / n_true if n_true else (1.0 if n_pred == 0 else 0.0)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def boundary_scores(
    true: ArrayLike,
    pred: ArrayLike,
    *,
    session: ArrayLike | None = None,
    time: ArrayLike | None = None,
    tolerance: int = 0,
) -> dict[str, float]:
    """Boundary precision, recall and F1.

    A boundary is the first step of a case in time order within a session.
    Steps whose true case is missing are removed first (positions are counted
    among the remaining steps). A predicted boundary matches a true one when
    their positions differ by at most ``tolerance`` steps (one-to-one).

    Parameters
    ----------
    true, pred : array-like
        True and predicted case id per step.
    session, time : array-like, optional
        Session and timestamp per step (see the module docstring).
    tolerance : int, default 0
        Allowed offset in steps.

    Returns
    -------
    dict
        ``precision``, ``recall``, ``f1``.

    Examples
    --------
    >>> boundary_scores([1, 1, 2, 2, 3, 3], [1, 1, 1, 2, 2, 3])
    {'precision': 0.3333333333333333, 'recall': 0.3333333333333333, 'f1': 0.3333333333333333}
    >>> boundary_scores([1, 1, 2, 2, 3, 3], [1, 1, 1, 2, 2, 3], tolerance=1)["f1"]
    1.0
    """
    if not isinstance(tolerance, (int, np.integer)) or isinstance(tolerance, bool) or tolerance < 0:
        raise ParameterError(f"tolerance must be a non-negative integer number of steps, got {tolerance!r}")
    t, p, s, _ = _prepare(true, pred, session, time)
    keep = ~_missing(t)
    t, p, s = t[keep], p[keep], s[keep]
    tp = fp_total = tn_total = 0
    tb_all = _first_positions(t, s)
    pb_all = _first_positions(p, s)
    tb_s, pb_s = s[tb_all], s[pb_all]
    for code in np.unique(s):
        tb = np.sort(tb_all[tb_s == code])
        pb = np.sort(pb_all[pb_s == code])
        tp += _match_count(tb, pb, int(tolerance))
        fp_total += len(pb)
        tn_total += len(tb)
    return _prf(tp, fp_total, tn_total)


@lru_cache(maxsize=65536)
def levenshtein(a: tuple[Any, ...], b: tuple[Any, ...]) -> int:
    """Levenshtein (edit) distance between two sequences (tuples, cached).

    Examples
    --------
    >>> levenshtein(("open", "type", "save"), ("open", "save"))
    1
    >>> levenshtein(tuple("kitten"), tuple("sitting"))
    3
    """
    if a == b:
        return 0
    if len(a) < len(b):
        a, b = b, a
    if not b:
        return len(a)
    prev = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        cur = [i]
        for j, y in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x != y)))
        prev = cur
    return prev[-1]


def edit_distance(
    true: ArrayLike,
    pred: ArrayLike,
    steps: ArrayLike,
    *,
    session: ArrayLike | None = None,
    time: ArrayLike | None = None,
) -> float:
    """Mean normalised Levenshtein distance of each predicted segment to its best true segment.

    For each predicted case, the true case sharing the most steps with it is
    its match; the distance between the two step-label sequences (time order)
    is divided by the longer length. The result is the mean over predicted
    cases (0 = perfect). Steps with a missing predicted case form no segment.
    A predicted case with no step of any true case scores 1.

    Examples
    --------
    >>> edit_distance(["a", "a", "b", "b"], ["x", "x", "y", "y"], ["open", "save"] * 2)
    0.0
    >>> edit_distance(["a", "a", "b", "b"], ["x", "x", "x", "y"], ["open", "save"] * 2)
    0.41666666666666663
    """
    t, p, s, other = _prepare(true, pred, session, time, steps=steps)
    labels = other["steps"]
    assert labels is not None
    pc = _codes(_qualify(p, s))
    tc = _codes(_qualify(t, s))
    if (pc >= 0).sum() == 0:
        return float("nan")
    lab_codes = _codes(labels)
    # best-overlapping true case per predicted case
    both = (pc >= 0) & (tc >= 0)
    pair = pd.DataFrame({"p": pc[both], "t": tc[both]}).value_counts().reset_index(name="n")
    pair = pair.sort_values(["p", "n", "t"], ascending=[True, False, True]).drop_duplicates("p")
    best = dict(zip(pair["p"].tolist(), pair["t"].tolist(), strict=True))
    pred_seq = pd.Series(lab_codes[pc >= 0]).groupby(pc[pc >= 0], sort=True, observed=True).agg(tuple)
    true_seq: pd.Series | dict[int, tuple[int, ...]] = (
        pd.Series(lab_codes[tc >= 0]).groupby(tc[tc >= 0], sort=True).agg(tuple) if (tc >= 0).any() else {}
    )
    dists = []
    for pcode, seq in pred_seq.items():
        tcode = best.get(pcode)
        if tcode is None:
            dists.append(1.0)
            continue
        other_seq = true_seq[tcode]
        dists.append(levenshtein(seq, other_seq) / max(len(seq), len(other_seq)))
    return float(np.mean(dists))


def _labels_with_none(arr: np.ndarray) -> np.ndarray:
    out = pd.Series(arr, dtype=object).astype(str).to_numpy(dtype=object)
    out[_missing(arr)] = NONE_LABEL
    return out


def event_scores(true: ArrayLike, pred: ArrayLike) -> dict[str, float]:
    """Event-level weighted precision, recall and F1 after majority mapping.

    Each predicted label (task type, or case id when no types are given) is
    mapped to the true label most of its steps carry; then precision, recall
    and F1 are computed per true label and averaged weighted by the label's
    support (scikit-learn's ``average="weighted"``). "No case" (missing) is a
    label of its own on both sides.

    Examples
    --------
    >>> event_scores(["A", "A", "B", "B"], ["t1", "t1", "t2", "t1"])["f1"]
    0.7333333333333334
    """
    t, p = _pair(true, pred)
    if len(t) == 0:
        return {"precision": float("nan"), "recall": float("nan"), "f1": float("nan")}
    tl, pl = _labels_with_none(t), _labels_with_none(p)
    counts = pd.DataFrame({"p": pl, "t": tl}).value_counts().reset_index(name="n")
    counts = counts.sort_values(["p", "n", "t"], ascending=[True, False, True]).drop_duplicates("p")
    mapping = dict(zip(counts["p"], counts["t"], strict=True))
    mapped = pd.Series(pl).map(mapping).to_numpy(dtype=object)
    prec, rec, f1, _ = precision_recall_fscore_support(tl, mapped, average="weighted", zero_division=0)
    return {"precision": float(prec), "recall": float(rec), "f1": float(f1)}


def adjusted_rand(true: ArrayLike, pred: ArrayLike) -> float:
    """Adjusted Rand index of the two partitions of steps into cases (scikit-learn).

    Examples
    --------
    >>> adjusted_rand(["a", "a", "b", "b"], ["x", "x", "y", "y"])
    1.0
    """
    t, p = _pair(true, pred)
    return float(adjusted_rand_score(_labels_with_none(t), _labels_with_none(p)))


def jaccard(true: ArrayLike, pred: ArrayLike) -> float:
    """Pair-counting Jaccard index: step pairs together in both / together in either.

    Examples
    --------
    >>> jaccard(["a", "a", "b", "b"], ["x", "x", "x", "x"])
    0.3333333333333333
    """
    t, p = _pair(true, pred)
    tc, pc = _codes(_labels_with_none(t)), _codes(_labels_with_none(p))

    def pairs(x: np.ndarray) -> float:
        x = x.astype(np.float64)
        return float((x * (x - 1) / 2).sum())

    both = pairs(pd.DataFrame({"t": tc, "p": pc}).value_counts().to_numpy())
    either = pairs(np.bincount(tc)) + pairs(np.bincount(pc)) - both
    return both / either if either else 1.0


def evaluate(
    true: ArrayLike,
    pred: ArrayLike,
    *,
    true_task: ArrayLike | None = None,
    pred_task: ArrayLike | None = None,
    steps: ArrayLike | None = None,
    session: ArrayLike | None = None,
    time: ArrayLike | None = None,
    tolerance: int = 0,
) -> pd.Series:
    """All scores of a predicted segmentation against the true one.

    Parameters
    ----------
    true, pred : array-like
        True and predicted case id per step (or event), in time order unless
        ``time`` is given.
    true_task, pred_task : array-like, optional
        True and predicted task type per step; when both are given the
        event-level scores compare task types, otherwise case ids.
    steps : array-like, optional
        Step label per row; needed for ``edit_distance`` (NaN without it).
    session, time : array-like, optional
        See the module docstring.
    tolerance : int, default 0
        Boundary matching tolerance in steps.

    Returns
    -------
    pandas.Series
        ``boundary_precision``, ``boundary_recall``, ``boundary_f1``,
        ``edit_distance``, ``event_precision``, ``event_recall``,
        ``event_f1``, ``ari``, ``jaccard``, ``n_true_cases``,
        ``n_pred_cases``.

    Examples
    --------
    >>> s = evaluate(["a", "a", "b", "b"], ["x", "x", "y", "y"], steps=["o", "s", "o", "s"])
    >>> s[["boundary_f1", "edit_distance", "event_f1", "ari", "jaccard"]].tolist()
    [1.0, 0.0, 1.0, 1.0, 1.0]
    """
    t, p, s, other = _prepare(true, pred, session, time, steps=steps, true_task=true_task, pred_task=pred_task)
    b = boundary_scores(t, p, session=s, tolerance=tolerance)
    ed = edit_distance(t, p, other["steps"], session=s) if other["steps"] is not None else float("nan")
    if (other["true_task"] is None) != (other["pred_task"] is None):
        raise ParameterError("give both true_task and pred_task, or neither")
    if other["true_task"] is not None and other["pred_task"] is not None:
        ev = event_scores(other["true_task"], other["pred_task"])
    else:
        # case ids are only unique within a session: qualify them
        ev = event_scores(_qualify(t, s), _qualify(p, s))
    tq, pq = _qualify(t, s), _qualify(p, s)
    return pd.Series(
        {
            "boundary_precision": b["precision"],
            "boundary_recall": b["recall"],
            "boundary_f1": b["f1"],
            "edit_distance": ed,
            "event_precision": ev["precision"],
            "event_recall": ev["recall"],
            "event_f1": ev["f1"],
            "ari": adjusted_rand(tq, pq),
            "jaccard": jaccard(tq, pq),
            "n_true_cases": int(pd.Series(tq).nunique()),
            "n_pred_cases": int(pd.Series(pq).nunique()),
        },
        dtype=float,
    )


def _qualify(labels: np.ndarray, session: np.ndarray) -> np.ndarray:
    """Labels made unique per session (``session|label``), missing kept missing."""
    miss = _missing(labels)
    out = (pd.Series(session).astype(str) + "|" + pd.Series(labels, dtype=object).astype(str)).to_numpy(dtype=object)
    out[miss] = None
    return out
