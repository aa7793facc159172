"""XES attribute text, one Arrow array per column: escaping, typed values and whole attribute tags.

:func:`piece` gives a column's ``<type key="..." value="..."/>`` line for
every row as ONE array ("" where the value is missing), or one literal
string when every row has the same line, so the writer joins few arrays:

- low-cardinality strings and categoricals build the line once per distinct
  value and take it per row;
- dates are fixed-width lines written as a byte matrix (``YYYY-MM-DDTHH:MM:SS.ffffff``
  with the UTC offset), no string kernel at all;
- escaping (``& < > "``, tabs and line breaks as character references,
  characters XML 1.0 forbids removed) scans once and rewrites only the
  values that need it.

Examples
--------
>>> import pandas as pd
>>> piece(pd.Series(["a & b", None], dtype="str"), "note", "string").to_pylist()
['<string key="note" value="a &amp; b"/>\\n', '']
>>> piece(pd.Series(pd.to_datetime(["2026-01-05 09:00:01.5"], utc=True)), "time:timestamp", "date").to_pylist()
['<date key="time:timestamp" value="2026-01-05T09:00:01.500000+00:00"/>\\n']
>>> piece(pd.Series(["complete"] * 3, dtype="str"), "lifecycle:transition", "string")
'<string key="lifecycle:transition" value="complete"/>\\n'
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from taskmining.export._check import STR, arrow_strings, as_str, iso_times, join_text

__all__ = ["INVALID_XML", "escape", "piece", "text"]

INVALID_XML = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x{FFFE}\x{FFFF}]"  # RE2: characters XML 1.0 forbids
_NEEDS_ESCAPE = r'[&<>"\t\n\r\x00-\x08\x0b\x0c\x0e-\x1f\x{FFFE}\x{FFFF}]'
_ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"),
            ("\t", "&#9;"), ("\n", "&#10;"), ("\r", "&#13;"))


def _escape_all(arr: pa.Array) -> pa.Array:
    arr = pc.replace_substring_regex(arr, INVALID_XML, "")
    for old, new in _ESCAPES:
        arr = pc.replace_substring(arr, old, new)
    return arr


def escape(arr: pa.Array) -> pa.Array:
    """XML-escaped text: one scan finds the values that need it, only those are rewritten.

    Examples
    --------
    >>> escape(pa.array(["a<b", "ok"], STR)).to_pylist()
    ['a&lt;b', 'ok']
    """
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    needs = pc.match_substring_regex(arr, _NEEDS_ESCAPE)
    hit = pc.sum(needs).as_py() or 0
    if hit == 0:
        return arr
    if 4 * hit > len(arr):
        return _escape_all(arr)
    where = np.flatnonzero(needs.fill_null(False).to_numpy(zero_copy_only=False))
    fixed = _escape_all(arr.take(pa.array(where)))
    index = np.arange(len(arr))
    index[where] = len(arr) + np.arange(len(where))
    return pa.concat_arrays([arr, fixed.cast(arr.type)]).take(pa.array(index))


def _strings(series: pd.Series) -> pa.Array:
    arr = pa.array(as_str(series).array)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    return arr.cast(STR)


def text(series: pd.Series, kind: str) -> pa.Array:
    """Values of ``series`` as escaped XES text (null where missing); dates without their offset.

    Examples
    --------
    >>> text(pd.Series([1, None], dtype="Int64"), "int").to_pylist()
    ['1', None]
    """
    if kind == "date":
        return iso_times(series)
    if kind == "boolean":
        vals = series.to_numpy(dtype=object)
        out = np.where(vals == True, "true", "false").astype(object)
        out[pd.isna(vals)] = None
        return pa.array(out, type=STR)
    if kind == "int":
        return pc.cast(pc.cast(pa.array(series, from_pandas=True), pa.int64()), STR)  # exact, NA -> null
    if kind == "float":
        vals = series.to_numpy(dtype="float64")
        return pc.cast(pa.array(np.where(np.isfinite(vals), vals, np.nan), from_pandas=True), STR)
    enc = _dictionary(series)
    if enc is not None:  # escape each distinct value once
        return pc.take(escape(enc.dictionary), enc.indices)
    return escape(_strings(series))


def _dictionary(series: pd.Series) -> pa.DictionaryArray | None:
    """The column dictionary-encoded when it is categorical or its values repeat (else ``None``)."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        return arrow_strings(series)
    arr = _strings(series)
    enc = arr.dictionary_encode()  # hashing is cheaper than scanning every value when values repeat
    return enc if len(enc.dictionary) * 2 < len(arr) else None


def _key(key: str) -> str:
    return escape(pa.array([key], STR))[0].as_py()


def piece(series: pd.Series, key: str, kind: str) -> str | pa.Array:
    """The attribute line of every row ("" where missing), or one string when all rows share it."""
    head, tail = f'<{kind} key="{_key(key)}" value="', '"/>\n'
    if kind == "date":
        fixed = _date_lines(series, head, "+00:00" + tail)
        if fixed is not None:
            return fixed
        return pc.fill_null(join_text(head, text(series, kind), "+00:00" + tail), pa.scalar("", STR))
    if kind == "string":
        enc = _dictionary(series)
        if enc is not None:
            lines = join_text(head, escape(enc.dictionary), tail)
            if len(lines) == 1 and enc.null_count == 0:
                return str(lines[0].as_py())
            lines = pa.concat_arrays([lines, pa.array([""], STR)])
            return lines.take(enc.indices.fill_null(len(lines) - 1))
    values = text(series, kind)
    line = join_text(head, values, tail)
    return pc.fill_null(line, pa.scalar("", STR)) if values.null_count else line


def _digits(out: np.ndarray, col: int, values: np.ndarray, width: int) -> None:
    """Write ``values`` (non-negative, below ``10**width``) as ``width`` decimal digits into rows of ``out``."""
    values = values.astype(np.int32)
    for k in range(width - 1, -1, -1):
        out[:, col + k] = values % 10
        out[:, col + k] += 48
        values //= 10


def _date_lines(series: pd.Series, head: str, tail: str) -> pa.Array | None:
    """Fixed-width date lines as a byte matrix read by Arrow in place (``None``: NaT or a year
    outside 0000-9999, left to the string kernels)."""
    s = series if isinstance(series.dtype, pd.DatetimeTZDtype) else series.dt.tz_localize("UTC")
    ns = s.dt.tz_convert("UTC").to_numpy(dtype="datetime64[ns]")
    if np.isnat(ns).any():
        return None
    us = ns.astype("datetime64[us]")
    day = us.astype("datetime64[D]")
    year = day.astype("datetime64[Y]").astype(np.int64) + 1970
    if len(year) and (year.min() < 0 or year.max() > 9999):
        return None
    month = day.astype("datetime64[M]")
    rem = (us - day).astype(np.int64)  # microseconds into the day
    parts = [(year, 4, "-"), (month.astype(np.int64) % 12 + 1, 2, "-"),
             ((day - month).astype(np.int64) + 1, 2, "T"), (rem // 3_600_000_000, 2, ":"),
             (rem // 60_000_000 % 60, 2, ":"), (rem // 1_000_000 % 60, 2, "."), (rem % 1_000_000, 6, "")]
    h, t = head.encode(), tail.encode()
    width = len(h) + 26 + len(t)
    out = np.empty((len(ns), width), dtype=np.uint8)
    out[:, :len(h)] = np.frombuffer(h, dtype=np.uint8)
    col = len(h)
    for values, digits, sep in parts:
        _digits(out, col, values, digits)
        col += digits
        if sep:
            out[:, col] = ord(sep)
            col += 1
    out[:, col:] = np.frombuffer(t, dtype=np.uint8)
    offsets = np.arange(0, width * len(ns) + 1, width, dtype=np.int64)
    return pa.LargeStringArray.from_buffers(len(ns), pa.py_buffer(offsets), pa.py_buffer(out))
