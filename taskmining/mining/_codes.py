"""Integer codes for the case and activity columns of a tasks frame.

Categoricals reuse their codes; strings go through pyarrow's dictionary
encoding, or, when a column is grouped into runs of equal values (case ids
of a frame sorted by case), through its runs, hashing only the first value
of each run.

Examples
--------
>>> import pandas as pd
>>> codes, labels = factorize(pd.Series(["b", "a", "b"], dtype="str"))
>>> codes.tolist(), labels.tolist()
([0, 1, 0], ['b', 'a'])
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["factorize"]


def factorize(values: pd.Series, *, arrow_labels: bool = False) -> tuple[np.ndarray, np.ndarray | pa.Array]:
    """Integer codes (``-1`` for missing; int8 to int64) and the labels, in order of first appearance.

    Categoricals reuse their codes; strings go through pyarrow's dictionary
    encoding (several times faster than :func:`pandas.factorize` on strings).
    With ``arrow_labels=True`` string labels stay a :class:`pyarrow.Array`
    (converting many labels to Python objects is slow; convert when needed).

    Examples
    --------
    >>> import pandas as pd
    >>> codes, labels = factorize(pd.Series(["b", None, "a", "b"], dtype="str"))
    >>> codes.tolist(), labels.tolist()
    ([0, -1, 1, 0], ['b', 'a'])
    """
    dtype = values.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return values.cat.codes.to_numpy(), np.asarray(values.cat.categories, dtype=object)
    arr = _arrow(values)
    if arr is not None:
        enc = pc.dictionary_encode(arr)
        idx = enc.indices if enc.indices.null_count == 0 else enc.indices.fill_null(-1)
        labels = enc.dictionary if arrow_labels else np.asarray(enc.dictionary.to_pylist(), dtype=object)
        return idx.to_numpy(zero_copy_only=False), labels
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return codes, np.asarray(uniques, dtype=object)


def _arrow(values: pd.Series) -> pa.Array | None:
    """The values as one Arrow array when they are strings (``None`` for other dtypes)."""
    dtype = values.dtype
    arr = getattr(values.array, "_pa_array", None)
    if arr is None and (pd.api.types.is_string_dtype(dtype) or pd.api.types.is_object_dtype(dtype)):
        try:
            arr = pa.array(values.to_numpy(dtype=object), from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            return None
    if isinstance(arr, pa.ChunkedArray):  # one dictionary for all chunks
        arr = arr.chunk(0) if arr.num_chunks == 1 else arr.combine_chunks()
    return arr


def _runs(arr: pa.Array) -> np.ndarray | None:
    """Start of each run of equal consecutive values (a run of missing values is one run), or ``None``
    when runs are short (then hashing every value is as cheap)."""
    n = len(arr)
    change = pc.not_equal(arr.slice(1), arr.slice(0, n - 1))
    if arr.null_count:  # a boundary where either side is missing, unless both are
        valid = arr.is_valid()
        change = pc.or_(change.fill_null(False), pc.not_equal(valid.slice(1), valid.slice(0, n - 1)))
    starts = np.r_[0, pc.indices_nonzero(change).to_numpy().astype(np.int64) + 1]
    return None if 2 * len(starts) > n else starts


def _factorize_runs(values: pd.Series) -> tuple[np.ndarray, np.ndarray | pa.Array, np.ndarray | None]:
    """:func:`factorize` (Arrow labels) through runs of equal consecutive values.

    Only the first value of each run is hashed (comparing neighbours is
    several times cheaper than hashing every value). The third result is
    the array of ``n_labels + 1`` run offsets when every label is exactly
    one run (the frame is grouped by this column), else ``None``.
    """
    if isinstance(values.dtype, pd.CategoricalDtype):
        return _categorical_runs(values)
    arr = _arrow(values)
    n = len(values)
    if arr is None or n < 2 or pa.types.is_null(arr.type):
        codes, labels = factorize(values, arrow_labels=True)
        return codes, labels, None
    starts = _runs(arr)
    if starts is None:  # short runs: hash every value
        codes, labels = factorize(values, arrow_labels=True)
        return codes, labels, None
    lengths = np.diff(np.r_[starts, n])
    first = arr.take(pa.array(starts))
    if first.null_count == 0 and (len(first) < 2 or pc.all(pc.less(first.slice(0, len(first) - 1),
                                                                    first.slice(1))).as_py()):
        return np.repeat(np.arange(len(starts), dtype=np.int32), lengths), first, np.r_[starts, n]
    enc = pc.dictionary_encode(first)
    idx = enc.indices if enc.indices.null_count == 0 else enc.indices.fill_null(-1)
    grouped = enc.indices.null_count == 0 and len(enc.dictionary) == len(first)
    codes = np.repeat(idx.to_numpy(zero_copy_only=False), lengths)
    return codes, enc.dictionary, (np.r_[starts, n] if grouped else None)


def _categorical_runs(values: pd.Series) -> tuple[np.ndarray, pd.Index, np.ndarray | None]:
    """:func:`_factorize_runs` for a categorical: its codes, over the categories that occur.

    The labels stay a :class:`pandas.Index` (converted when needed). The run
    offsets are returned when the codes never decrease and no value is
    missing (a frame sorted by case with categories in that order).
    """
    codes = values.cat.codes.to_numpy()
    labels = values.cat.categories
    n = len(codes)
    step = np.diff(codes)  # codes lie in [-1, k): their differences fit the same dtype
    if n == 0 or codes[0] < 0 or (step < 0).any():  # non-decreasing: the first is the least
        used_codes, used_labels = _drop_unused(codes, np.asarray(labels, dtype=object))
        return used_codes, used_labels, None
    starts = np.flatnonzero(step != 0)  # nonzero of a bool array is the fast path
    if codes[0] == 0 and len(starts) == len(labels) - 1:  # every category is one run, in order
        return codes, labels, np.r_[0, starts + 1, n].astype(np.int64)
    counts = np.bincount(codes, minlength=len(labels))
    used = counts > 0
    if not used.all():
        codes = (np.cumsum(used) - 1).astype(codes.dtype)[codes]
        labels, counts = labels[used], counts[used]
    return codes, labels, np.r_[0, np.cumsum(counts)].astype(np.int64)


def _drop_unused(codes: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes renumbered over the labels that occur (order kept; ``-1`` stays)."""
    seen = np.zeros(len(labels) + 1, dtype=bool)
    seen[codes] = True  # code -1 marks the extra last slot
    used = seen[:-1]
    if used.all():
        return codes, labels
    new = np.r_[np.cumsum(used) - 1, -1]  # index -1 (missing) maps to -1
    return new[codes].astype(codes.dtype), labels[used]
