"""Checks and conversions shared by every export: required columns, empty logs, times,
unassigned rows, attribute types, and the Arrow text kernels the XES and OCEL writers use.

Exports read the *tasks frame* of ``docs/schema.md`` (events with ``step``
and ``case_id``) or any frame with a case column, an activity column and a
``timestamp`` column. These helpers turn a bad frame into a
:class:`~taskmining.errors.SchemaError` or :class:`~taskmining.errors.ExportError`
that names what is missing, and they never modify the caller's frame.

Examples
--------
>>> import pandas as pd
>>> from taskmining.export._check import require_columns
>>> require_columns(pd.DataFrame({"step": ["a"]}), ["case_id", "step"], what="to_pm4py")
Traceback (most recent call last):
...
taskmining.errors.SchemaError: to_pm4py: column 'case_id' is missing (columns: ['step']); segment the events first (taskmining.segmentation) or pass case_col= to name the case column
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from taskmining.errors import ExportError, ParameterError, SchemaError, warn_user
from taskmining.schema import STRING_DTYPE, TIMESTAMP_DTYPE, as_utc

__all__ = [
    "UnassignedRowsWarning",
    "as_str",
    "check_choice",
    "drop_unassigned",
    "require_columns",
    "require_rows",
    "unassigned_mask",
    "utc_times",
    "value_kind",
]

_HINTS = {
    "case_id": "segment the events first (taskmining.segmentation) or pass case_col= to name the case column",
    "step": "build steps first (taskmining.build_steps) or pass activity_col= to name the activity column",
    "timestamp": "every event needs a time",
}
_SHOWN = 5


class UnassignedRowsWarning(UserWarning):
    """Rows without a case were left out of an export (the message gives the count)."""


def check_choice(value: object, name: str, choices: Iterable[object]) -> None:
    """Raise :class:`ParameterError` unless ``value`` is one of ``choices``.

    Examples
    --------
    >>> check_choice("step", "level", ("step", "event"))
    >>> check_choice("x", "level", ("step", "event"))
    Traceback (most recent call last):
    ...
    taskmining.errors.ParameterError: level='x' is not one of 'step', 'event'
    """
    options = tuple(choices)
    if value not in options:
        raise ParameterError(f"{name}={value!r} is not one of {', '.join(repr(c) for c in options)}")


def require_columns(frame: object, columns: Iterable[str], *, what: str) -> None:
    """Raise :class:`SchemaError` naming the first column of ``columns`` not in ``frame``.

    Examples
    --------
    >>> require_columns(pd.DataFrame({"a": [1]}), ["a"], what="x")
    """
    if not isinstance(frame, pd.DataFrame):
        raise SchemaError(f"{what}: expected a pandas DataFrame, got {type(frame).__name__}")
    for col in columns:
        if col not in frame.columns:
            hint = _HINTS.get(col)
            listed = list(map(str, frame.columns))[:20]
            raise SchemaError(f"{what}: column {col!r} is missing (columns: {listed})"
                              + (f"; {hint}" if hint else ""))


def require_rows(frame: pd.DataFrame, *, what: str, after: str = "") -> None:
    """Raise :class:`ExportError` when ``frame`` has no rows (an empty log).

    Examples
    --------
    >>> require_rows(pd.DataFrame({"a": []}), what="write_xes")
    Traceback (most recent call last):
    ...
    taskmining.errors.ExportError: write_xes: the log is empty (0 rows): nothing to export
    """
    if len(frame) == 0:
        raise ExportError(f"{what}: the log is empty (0 rows{after}): nothing to export")


def _rows(mask: np.ndarray, index: pd.Index) -> str:
    bad = index[mask]
    shown = ", ".join(str(i) for i in bad[:_SHOWN])
    more = f" and {len(bad) - _SHOWN} more" if len(bad) > _SHOWN else ""
    return f"rows {shown}{more}"


def utc_times(frame: pd.DataFrame, column: str, *, what: str, tz: str | None = None) -> pd.Series:
    """Column ``column`` as ``datetime64[ns, UTC]``; NaT or unparsable times are a SchemaError.

    Naive times need ``tz`` (the zone they were recorded in).

    Examples
    --------
    >>> df = pd.DataFrame({"timestamp": ["2026-01-05T09:00:00Z", None]})
    >>> utc_times(df, "timestamp", what="to_pm4py")
    Traceback (most recent call last):
    ...
    taskmining.errors.SchemaError: to_pm4py: column 'timestamp': missing times (NaT) in rows 1
    """
    s = frame[column]
    if s.dtype != TIMESTAMP_DTYPE:
        try:
            s = as_utc(s, tz=tz, column=column)
        except SchemaError as exc:
            raise SchemaError(f"{what}: {exc}") from None
    nat = s.isna().to_numpy()
    if nat.any():
        raise SchemaError(f"{what}: column {column!r}: missing times (NaT) in {_rows(nat, frame.index)}")
    return s


def as_str(values: pd.Series) -> pd.Series:
    """``values`` as the pyarrow ``str`` dtype (non-strings converted with ``str``).

    Examples
    --------
    >>> list(as_str(pd.Series([1, None, "a"], dtype=object)))
    ['1', nan, 'a']
    """
    if values.dtype == STRING_DTYPE:
        return values
    if isinstance(values.dtype, pd.CategoricalDtype):
        cats = pd.Index(values.cat.categories.map(str), dtype=STRING_DTYPE)
        codes = values.cat.codes.to_numpy()
        out = cats.take(np.where(codes < 0, 0, codes)).to_numpy(dtype=object) if len(cats) else \
            np.full(len(values), None, dtype=object)
        out[codes < 0] = None
        return pd.Series(out, index=values.index, dtype=STRING_DTYPE)
    if pd.api.types.is_string_dtype(values.dtype) and values.dtype != object:
        return values.astype(STRING_DTYPE)
    obj = values.astype(object)
    mask = obj.notna().to_numpy()
    out = np.full(len(obj), None, dtype=object)
    out[mask] = [v if isinstance(v, str) else str(v) for v in obj.to_numpy()[mask]]
    return pd.Series(out, index=values.index, dtype=STRING_DTYPE)


def unassigned_mask(
    frame: pd.DataFrame,
    case_col: str,
    *,
    unassigned: Literal["drop", "raise"],
    what: str,
) -> np.ndarray:
    """Boolean mask of the rows of ``frame`` that have no case, after warning or raising.

    Events outside any task instance (``case_id`` missing) cannot be part of
    a case-based log. With ``unassigned="drop"`` an :class:`UnassignedRowsWarning`
    gives their count (the caller leaves them out); with ``"raise"`` they are
    an :class:`ExportError`. Nothing is dropped silently.

    Examples
    --------
    >>> df = pd.DataFrame({"case_id": ["c1", "c2"]})
    >>> unassigned_mask(df, "case_id", unassigned="raise", what="write_xes").tolist()
    [False, False]
    """
    check_choice(unassigned, "unassigned", ("drop", "raise"))
    missing = frame[case_col].isna().to_numpy()
    n_missing = int(missing.sum())
    if not n_missing:
        return missing
    message = (f"{what}: {n_missing} of {len(frame)} rows have no {case_col} "
               "(events outside any task instance)")
    if unassigned == "raise":
        raise ExportError(f"{message}; in {_rows(missing, frame.index)}")
    warn_user(f'{message} and were left out; pass unassigned="raise" to make this an error',
              UnassignedRowsWarning)
    return missing


def drop_unassigned(
    frame: pd.DataFrame,
    case_col: str,
    *,
    unassigned: Literal["drop", "raise"],
    what: str,
) -> pd.DataFrame:
    """Rows of ``frame`` that belong to a case (see :func:`unassigned_mask`).

    Examples
    --------
    >>> df = pd.DataFrame({"case_id": ["c1", None, "c1"]})
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as w:
    ...     warnings.simplefilter("always")
    ...     kept = drop_unassigned(df, "case_id", unassigned="drop", what="to_pm4py")
    >>> len(kept), str(w[0].message)
    (2, 'to_pm4py: 1 of 3 rows have no case_id (events outside any task instance) and were left out; pass unassigned="raise" to make this an error')
    """
    missing = unassigned_mask(frame, case_col, unassigned=unassigned, what=what)
    return frame.loc[~missing] if missing.any() else frame


def value_kind(series: pd.Series) -> Literal["date", "boolean", "int", "float", "string"]:
    """The attribute type of a column, from its dtype (exports map it to XES or OCEL names).

    Examples
    --------
    >>> value_kind(pd.Series([1, 2])), value_kind(pd.Series(["a"])), value_kind(pd.Series([0.5]))
    ('int', 'string', 'float')
    """
    dtype = series.dtype
    if isinstance(dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_dtype(dtype):
        return "date"
    if pd.api.types.is_bool_dtype(dtype):
        return "boolean"
    if pd.api.types.is_integer_dtype(dtype):
        return "int"
    if pd.api.types.is_float_dtype(dtype):
        return "float"
    return "string"


# --- text kernels shared by the XES and OCEL writers -----------------------

#: The Arrow string type the writers build text in (64-bit offsets).
STR = pa.large_string()


def is_pm4py_frame(frame: pd.DataFrame) -> bool:
    """True when ``frame`` is already a pm4py-format log (has ``case:concept:name``).

    Examples
    --------
    >>> import pandas as pd
    >>> is_pm4py_frame(pd.DataFrame(columns=["case:concept:name", "concept:name"]))
    True
    """
    return isinstance(frame, pd.DataFrame) and "case:concept:name" in frame.columns


def _pad(values: np.ndarray, width: int) -> pa.Array:
    return pc.utf8_lpad(pc.cast(pa.array(values), STR), width=width, padding="0")


def iso_times(series: pd.Series) -> pa.Array:
    """``YYYY-MM-DDTHH:MM:SS.ffffff`` in UTC (null for NaT), built from integer parts.

    Formatting each distinct day once and the time of day from integer
    arithmetic is several times faster than ``strftime`` per value.

    Examples
    --------
    >>> iso_times(pd.Series(pd.to_datetime(["2026-01-05 09:00:01.5"], utc=True))).to_pylist()
    ['2026-01-05T09:00:01.500000']
    """
    s = series if isinstance(series.dtype, pd.DatetimeTZDtype) else series.dt.tz_localize("UTC")
    ns = s.dt.tz_convert("UTC").to_numpy(dtype="datetime64[ns]")
    nat = np.isnat(ns)
    us = np.where(nat, 0, ns.view("int64") // 1000)
    day, rem = np.divmod(us, 86_400_000_000)
    days, inverse = np.unique(day, return_inverse=True)
    # via string: pyarrow < 19 cannot convert a NumPy unicode array to large_string directly
    day_text = pa.array(np.datetime_as_string(days.astype("datetime64[D]")), pa.string()).cast(STR)
    sec, frac = np.divmod(rem, 1_000_000)
    out = join_text(pc.take(day_text, pa.array(inverse.ravel())), "T", _pad(sec // 3600, 2), ":",
                _pad(sec // 60 % 60, 2), ":", _pad(sec % 60, 2), ".", _pad(frac, 6))
    return pc.if_else(pa.array(nat), pa.scalar(None, STR), out) if nat.any() else out


def arrow_strings(series: pd.Series) -> pa.Array:
    """A string column as an Arrow ``large_string`` array, dictionary-encoded when that pays off.

    Examples
    --------
    >>> arrow_strings(pd.Series(["a", None, "a", "a"], dtype="str")).dictionary.to_pylist()
    ['a']
    """
    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        arr = pa.array(series, from_pandas=True)
        return pa.DictionaryArray.from_arrays(arr.indices, pc.cast(arr.dictionary, pa.large_string()))
    if not (isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow"):
        series = as_str(series)
    arr = pa.array(series.array)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    arr = pc.cast(arr, pa.large_string())
    enc = arr.dictionary_encode()
    return enc if len(enc.dictionary) * 2 < len(arr) else arr


def join_text(*parts: str | pa.Array) -> pa.Array:
    """Element-wise concatenation of Arrow string arrays and literal strings.

    Examples
    --------
    >>> join_text("<", pa.array(["a", "b"], STR), ">").to_pylist()
    ['<a>', '<b>']
    """
    merged: list[str | pa.Array] = []
    for p in parts:  # adjacent literals become one argument
        if isinstance(p, str) and merged and isinstance(merged[-1], str):
            merged[-1] += p
        else:
            merged.append(p)
    args = [pa.scalar(p, STR) if isinstance(p, str) else p for p in merged]
    if not any(isinstance(a, pa.Array) for a in args):
        return pa.array([pa.scalar("", STR).as_py().join(str(a.as_py()) for a in args)], STR)
    return pc.binary_join_element_wise(*args, pa.scalar("", STR))
