"""Variants: the distinct step sequences of the cases, with counts and durations.

A case's variant is its step sequence (see :mod:`taskmining.mining._frame`
for the step rule). Cases are grouped without building a Python tuple per
case: each case's activity codes get a 64-bit polynomial hash (numpy,
wrapping arithmetic), cases are grouped by hash and length, and every case
is then compared element by element with its group's first case, so a hash
collision can never merge two different variants (colliding groups are split
exactly).

Examples
--------
>>> import pandas as pd
>>> import taskmining as tm
>>> tasks = pd.DataFrame({
...     "case_id": ["c1", "c1", "c2", "c2", "c3"],
...     "step": ["open", "save", "open", "save", "open"],
...     "timestamp": pd.to_datetime(["2026-01-05 09:00:00", "2026-01-05 09:01:00", "2026-01-05 10:00:00",
...                                  "2026-01-05 10:03:00", "2026-01-05 11:00:00"], utc=True),
... })
>>> v = tm.variants(tasks)
>>> v[["variant", "count", "share", "duration_mean"]]
       variant  count     share  duration_mean
0  open → save      2  0.666667          120.0
1         open      1  0.333333            0.0
>>> list(tm.variant_cases(tasks, ("open", "save")))
['c1', 'c2']
"""

from __future__ import annotations


import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from taskmining._unique import unique
from taskmining.errors import ParameterError, PrivacyError
from taskmining.mining._codes import factorize
from taskmining.mining._frame import NS, Sequences, encode
from taskmining.mining._pyobjects import paused_gc
from taskmining.mining._stats import BLOCK, group_stats
from taskmining.mining.folding import fold_codes
from taskmining.mining.levels import at_level, resolve_level
from taskmining.privacy.groups import check_min_group_size, note_suppressed
from taskmining.schema import CASE_ID, STEP, TIMESTAMP, USER

__all__ = ["SEPARATOR", "case_variants", "variants"]

_STR = pd.StringDtype("pyarrow", na_value=np.nan)  # pandas' default ``str``

#: Separator of the readable variant string.
SEPARATOR = " → "

_P = np.uint64(0x9E3779B97F4A7C15)
_Q = np.uint64(0xC2B2AE3D27D4EB4F)


def _inverse(a: np.ndarray) -> np.ndarray:
    """Multiplicative inverses of odd uint64 values modulo 2**64 (Newton's iteration, 3 -> 96 bits)."""
    x = a.copy()
    with np.errstate(over="ignore"):
        for _ in range(5):
            x *= np.uint64(2) - a * x
    return x


def _powers(n: int, block: int = 4096) -> np.ndarray:
    """``P**(i + 1)`` for ``i < n`` modulo 2**64: an outer product of in-block and block powers
    (vectorised, where a cumulative product over ``n`` would be one long chain of multiplications)."""
    if n == 0:
        return np.zeros(0, dtype=np.uint64)
    with np.errstate(over="ignore"):
        inner = np.cumprod(np.full(min(n, block), _P, dtype=np.uint64))  # P**1 .. P**block
        outer = np.cumprod(np.full(-(-n // block), inner[-1], dtype=np.uint64)) if n else inner[:0]
        outer = np.r_[np.uint64(1), outer[:-1]]  # P**(block * b)
        return (outer[:, None] * inner[None, :]).ravel()[:n]


_BLOCK = BLOCK  # steps per block (whole cases) in the hash and the check


def _case_blocks(ptr: np.ndarray) -> list[tuple[int, int]]:
    """Ranges of whole cases ``(c0, c1)`` holding about ``_BLOCK`` steps each (more when a case is longer)."""
    n_steps, size = int(ptr[-1]), _BLOCK
    cuts = np.unique(np.searchsorted(ptr, np.arange(size, n_steps, size)))
    bounds = [0, *cuts[(cuts > 0) & (cuts < len(ptr) - 1)].tolist(), len(ptr) - 1]
    return [(a, b) for a, b in zip(bounds[:-1], bounds[1:], strict=True) if b > a]


def _hash(seq: Sequences) -> np.ndarray:
    """A 64-bit polynomial hash of each case's activity sequence (mixed with its length).

    ``sum((act + 1) * P**(pos + 1))`` over a case's steps, ``pos`` counted
    from the case start. Computed block by block of whole cases with powers
    of the step's index in its block, each case's sum then multiplied by the
    inverse of ``P**(its start in the block)`` (``P`` is odd, so it is
    invertible modulo 2**64), which avoids building ``pos``.
    """
    ptr = seq.ptr
    lengths = seq.lengths
    blocks = _case_blocks(ptr)
    longest = max((int(ptr[b] - ptr[a]) for a, b in blocks), default=0)
    powers = _powers(longest)  # P**(j + 1) for a step j of a block
    h = np.empty(seq.n_cases, dtype=np.uint64)
    p_start = np.ones(seq.n_cases, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for a, b in blocks:
            s0, s1 = int(ptr[a]), int(ptr[b])
            terms = seq.act[s0:s1].astype(np.uint64)
            terms += np.uint64(1)
            terms *= powers[: s1 - s0]
            local = ptr[a:b] - s0
            h[a:b] = np.add.reduceat(terms, local)
            inner = local > 0
            p_start[a:b][inner] = powers[local[inner] - 1]  # P**(start in the block)
        h *= _inverse(p_start)
        return h + lengths.astype(np.uint64) * _Q


def _mismatched(seq: Sequences, rep_case: np.ndarray, bad_case: np.ndarray) -> np.ndarray:
    """Cases whose steps differ from those of their representative case (same length assumed where not bad)."""
    ptr, lengths = seq.ptr, seq.lengths
    offset = np.where(bad_case, 0, ptr[:-1][rep_case] - ptr[:-1]).astype(np.intp)
    out = bad_case.copy()
    for a, b in _case_blocks(ptr):  # step i of a case is compared with the same position in its representative
        s0, s1 = int(ptr[a]), int(ptr[b])
        ref = np.repeat(offset[a:b], lengths[a:b])
        ref += np.arange(s0, s1, dtype=np.intp)
        mismatch = seq.act[s0:s1] != np.take(seq.act, ref)  # take with intp indices: no index conversion
        if mismatch.any():
            out[a:b] |= np.logical_or.reduceat(mismatch, ptr[a:b] - s0)
    return out


def case_variants(seq: Sequences) -> tuple[np.ndarray, np.ndarray]:
    """Variant code of each case and the representative (first) case of each variant.

    Exact: cases sharing a hash are verified step by step; collisions are split.

    Examples
    --------
    >>> import pandas as pd
    >>> from taskmining.mining._frame import encode
    >>> t = pd.DataFrame({"case_id": ["a", "b", "c"], "step": ["x", "y", "x"],
    ...                   "timestamp": pd.to_datetime(["2026-01-05 09:00:00"] * 3, utc=True)})
    >>> var, rep = case_variants(encode(t))
    >>> var.tolist(), rep.tolist()
    ([0, 1, 0], [0, 1])
    """
    codes, _ = pd.factorize(_hash(seq))
    codes = codes.astype(np.int64)
    rep = np.full(codes.max() + 1, -1, dtype=np.int64)
    rep[codes[::-1]] = np.arange(len(codes) - 1, -1, -1)  # first case of each code
    lengths = seq.lengths
    rep_case = rep[codes]
    bad_case = _mismatched(seq, rep_case, lengths != lengths[rep_case])
    if bad_case.any():  # hash collision: regroup the affected cases exactly
        bad = np.flatnonzero(bad_case)
        keys = [tuple(seq.act[seq.ptr[c]:seq.ptr[c + 1]]) for c in bad]
        sub, _ = pd.factorize(pd.Series(keys, dtype=object))
        codes = codes.copy()
        codes[bad] = codes.max() + 1 + sub
        codes, _ = pd.factorize(codes)
        codes = codes.astype(np.int64)
        rep = np.full(codes.max() + 1, -1, dtype=np.int64)
        rep[codes[::-1]] = np.arange(len(codes) - 1, -1, -1)
    return codes, rep


def _distinct_per_group(group: np.ndarray, value: np.ndarray, n_groups: int, width: int) -> np.ndarray:
    """Distinct positive ``value`` (``0 < value < width``) per group: a dense table when small, else unique pairs."""
    if n_groups * width <= 4_000_000:
        table = np.bincount(group * width + value, minlength=n_groups * width).reshape(n_groups, width)
        return np.count_nonzero(table[:, 1:], axis=1)
    pairs = unique(group * width + value)
    return np.bincount(pairs[pairs % width > 0] // width, minlength=n_groups)


def _variant_steps(seq: Sequences, rep: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Offsets (``len(rep) + 1``) and activity codes of the steps of each representative case."""
    lengths = seq.lengths[rep]
    offsets = np.r_[0, np.cumsum(lengths)].astype(np.int64)
    steps = np.repeat(seq.ptr[:-1][rep] - offsets[:-1], lengths)
    steps += np.arange(int(offsets[-1]), dtype=steps.dtype)
    return offsets, seq.act[steps]


def _names(seq: Sequences, offsets: np.ndarray, codes: np.ndarray) -> pa.Array:
    """Each variant's steps joined by :data:`SEPARATOR` (Arrow, vectorised)."""
    labels = pa.array(seq.act_labels, type=pa.large_string())
    lists = pa.LargeListArray.from_arrays(pa.array(offsets), labels.take(pa.array(codes)))
    return pc.binary_join(lists, pa.scalar(SEPARATOR, pa.large_string()))


def _steps_of(seq: Sequences, case: int) -> tuple[str, ...]:
    return tuple(seq.act_labels[seq.act[seq.ptr[case]:seq.ptr[case + 1]]].tolist())


def _order(count: np.ndarray, names: pa.Array) -> np.ndarray:
    """Positions sorted by count (descending), then name: one vectorised sort."""
    rank = np.empty(len(names), dtype=np.int64)
    rank[pc.sort_indices(names).to_numpy()] = np.arange(len(names))
    return np.lexsort((rank, -count))


def variants(
    tasks: pd.DataFrame,
    *,
    top_k: int | None = None,
    coverage: float | None = None,
    min_group_size: int | None = None,
    level: str | None = None,
    fold: bool | None = None,
    case_col: str = CASE_ID,
    activity_col: str = STEP,
    timestamp_col: str = TIMESTAMP,
    user_col: str = USER,
    step_id_col: str | None = "step_id",
) -> pd.DataFrame:
    """One row per variant: its steps, count, share, coverage, durations and users.

    Parameters
    ----------
    tasks : pandas.DataFrame
        The tasks frame (any frame with case, step and timestamp columns).
    top_k : int, optional
        Keep the ``top_k`` most frequent variants.
    coverage : float, optional
        Keep the most frequent variants until they cover this share of the
        cases (0 < coverage <= 1).
    min_group_size : int, optional
        Leave out variants followed by fewer distinct users (a rare path can
        single out the one person who takes it); shares and coverage still
        refer to all cases. ``attrs["suppressed"]`` says how many variants
        and cases were left out. Off by default (variants group cases, not
        people); ``taskmining mine`` turns it on.
    level : {"event", "step", "activity"}, optional
        The unit one element of a variant stands for (see
        :mod:`taskmining.mining.levels`). Default ``"activity"`` (few
        variants an analyst can read), or ``"step"`` for a frame without UI
        structure (no ``app``, ``window`` or ``url``):
        :func:`~taskmining.mining.levels.resolve_level`.
    fold : bool, optional
        Fold loops (:mod:`taskmining.mining.folding`): a repeated body is
        one element ``[A → B] ↻``. Default: on at ``level="activity"``,
        off otherwise.
    case_col, activity_col, timestamp_col, user_col : str
        Column names. ``user_col`` is optional in the frame.
    step_id_col : str or None
        Collapse consecutive rows of the same step (see the step rule in
        ``docs/mining.md``); ``None`` treats every row as one step.

    Returns
    -------
    pandas.DataFrame
        Columns ``variant`` (steps joined by ``" → "``), ``steps`` (tuple),
        ``length``, ``count``, ``share``, ``coverage`` (cumulative share),
        ``duration_mean``, ``duration_median``, ``duration_p90`` (case
        duration in seconds: last event minus first event) and ``users``
        (distinct users; when ``user_col`` exists). Sorted by count
        (descending), then the variant string. ``attrs`` holds ``n_cases``
        and ``n_unassigned`` (rows without a case, left out).

    Raises
    ------
    MiningError
        Missing columns, an empty log, NaT timestamps.
    ParameterError
        Bad ``top_k`` or ``coverage``.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"case_id": ["a", "a", "b"], "step": ["x", "y", "x"],
    ...                   "timestamp": pd.to_datetime(["2026-01-05 09:00:00", "2026-01-05 09:00:30",
    ...                                                "2026-01-05 09:05:00"], utc=True)})
    >>> variants(t)[["variant", "count", "duration_median"]]
      variant  count  duration_median
    0       x      1              0.0
    1   x → y      1             30.0
    """
    level = resolve_level(level, tasks)  # the default level (mining/levels.py)
    if top_k is not None and (not isinstance(top_k, (int, np.integer)) or top_k < 1):
        raise ParameterError(f"top_k must be a positive integer, got {top_k!r}")
    if coverage is not None and not 0 < coverage <= 1:
        raise ParameterError(f"coverage must be in (0, 1], got {coverage!r}")
    tasks, step_id_col, activity_col = at_level(tasks, level, ("event", "step", "activity"), what="variants",
                                                case_col=case_col, activity_col=activity_col,
                                                timestamp_col=timestamp_col, step_id_col=step_id_col)
    seq = encode(tasks, case_col=case_col, activity_col=activity_col, timestamp_col=timestamp_col,
                 step_id_col=step_id_col, what="variants")
    var, rep = case_variants(seq)
    folded: list[tuple[str, ...]] | None = None
    if fold or (fold is None and level == "activity"):  # loops folded: variants of Python tuples (few)
        var, rep, folded = fold_codes(var, rep, [_steps_of(seq, int(c)) for c in rep])
    n_var = len(rep)
    duration = seq.end[seq.last()] - seq.start[seq.first()]
    stats = group_stats(var, duration, n_var, scale=NS)
    count = stats["count"]
    if folded is None:
        offsets, step_codes = _variant_steps(seq, rep)
        names = _names(seq, offsets, step_codes)
        length = seq.lengths[rep]
    else:
        names = pa.array([SEPARATOR.join(v) for v in folded], pa.large_string())
        length = np.array([len(v) for v in folded], dtype=np.int64)
        offsets, step_codes = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    data: dict[str, object] = {
        "length": length, "count": count, "share": count / seq.n_cases,
        "duration_mean": stats["mean"], "duration_median": stats["q0.5"], "duration_p90": stats["q0.9"],
    }
    if user_col in tasks.columns:
        users = tasks[user_col]
        if isinstance(users.dtype, pd.CategoricalDtype):  # codes read in place, no Series built
            case_user = users.cat.codes.to_numpy()[seq.first_rows()].astype(np.int64)
        else:
            case_user = factorize(users.iloc[seq.first_rows()])[0].astype(np.int64)
        width = int(case_user.max()) + 2  # codes -1 (no user) .. max
        data["users"] = _distinct_per_group(var, case_user + 1, n_var, width)
    order = _order(count, names)
    out = pd.DataFrame({name: np.asarray(v)[order] for name, v in data.items()})
    out.insert(out.columns.get_loc("share") + 1, "coverage", out["share"].cumsum())
    if coverage is not None:
        out = out.iloc[: int(np.searchsorted(out["coverage"].to_numpy() - 1e-12, coverage) + 1)]
    if min_group_size is not None:
        check_min_group_size(min_group_size)
        if "users" not in out.columns:
            raise PrivacyError(f"variants: column {user_col!r} is missing, so min_group_size cannot be checked")
        small = out["users"] < min_group_size
        gone = pd.DataFrame({"variants": [int(small.sum())], "cases": [int(out.loc[small, "count"].sum())]}
                            if small.any() else {"variants": [], "cases": []})
        out = out.loc[~small]
        note_suppressed(out, gone, what="variants", min_group_size=min_group_size)
    if top_k is not None:
        out = out.iloc[:top_k]
    out = _with_labels(out, seq, names, offsets, step_codes, order, folded)
    out.attrs.update(n_cases=seq.n_cases, n_unassigned=seq.n_unassigned)
    return out


def _with_labels(out: pd.DataFrame, seq: Sequences, names: pa.Array, offsets: np.ndarray,
                 step_codes: np.ndarray, order: np.ndarray, folded: list[tuple[str, ...]] | None) -> pd.DataFrame:
    """``variant`` and ``steps`` columns in front, made only for the rows kept.

    ``out``'s index holds each row's position in ``order``. The tuples share
    the label objects (one Python string per distinct step, not per step).
    """
    keep = order[out.index.to_numpy()]
    if folded is not None:
        return _front(out, names, keep, [folded[v] for v in keep.tolist()])
    lo, hi = offsets[keep], offsets[keep + 1]
    picked = np.repeat(lo - (np.cumsum(hi - lo) - (hi - lo)), hi - lo)
    picked += np.arange(len(picked), dtype=picked.dtype)
    labels = np.asarray(seq.act_labels, dtype=object)[step_codes[picked]].tolist()
    ends = np.cumsum(hi - lo).tolist()
    starts = [0, *ends[:-1]] if ends else []
    with paused_gc():  # the returned objects: thousands of tuples
        steps = [tuple(labels[a:b]) for a, b in zip(starts, ends, strict=True)]
    return _front(out, names, keep, steps)


def _front(out: pd.DataFrame, names: pa.Array, keep: np.ndarray, steps: list[tuple[str, ...]]) -> pd.DataFrame:
    """``out`` with the ``variant`` and ``steps`` columns of its rows ``keep`` in front."""
    attrs = dict(out.attrs)
    front = pd.DataFrame({"variant": pd.array(names.take(pa.array(keep)), dtype=_STR),
                          "steps": pd.Series(steps, dtype=object)})
    out = pd.concat([front, out.reset_index(drop=True)], axis=1)
    out.attrs.update(attrs)
    return out
