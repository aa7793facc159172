"""Arrow values parsed from JSON turned back into JSON text, vectorised.

The native reader parses records with ``pyarrow.json``; the free-form
``attrs`` object and any unknown top-level keys come back as Arrow structs,
lists and scalars. :func:`json_text` re-encodes such a column with Arrow
compute kernels (no Python loop per record); :func:`attrs_text` builds the
``attrs`` column of the events frame from the ``attrs`` object merged with
the unknown keys. Types the encoder does not handle fall back to
:func:`attrs_from_lines`, which re-reads the raw lines with :mod:`json`.

Examples
--------
>>> import pyarrow as pa
>>> json_text(pa.array([{"x": 1}, None])).to_pylist()
['{"x":1}', None]
>>> attrs_from_lines(['{"attrs": {"x": 1, "y": null}, "extra": "e"}'], ["extra"]).to_pylist()
['{"x":1,"extra":"e"}']
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from taskmining.schema import is_ground_truth

__all__ = ["attrs_from_lines", "attrs_text", "attrs_text_rows", "json_text", "row_codes"]

_S = pa.string()
_CONTROL = [chr(i) for i in range(32)]


class _Unsupported(Exception):
    """An Arrow type the vectorised encoder does not turn back into JSON text."""


def _escape(s: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    if pc.any(pc.match_substring_regex(s, r'["\\\x00-\x1f]')).as_py():
        s = pc.replace_substring(s, "\\", "\\\\")
        s = pc.replace_substring(s, '"', '\\"')
        if pc.any(pc.match_substring_regex(s, r"[\x00-\x1f]")).as_py():
            for ch in _CONTROL:
                s = pc.replace_substring(s, ch, json.dumps(ch)[1:-1])
    return pc.binary_join_element_wise('"', s, '"', "")


def _members(arr: pa.StructArray) -> list[pa.Array]:
    """One ``,"key":value`` piece per field, null where the value is null."""
    pieces = []
    children = arr.flatten()  # once: struct_field per field costs O(fields) each, quadratic for wide objects
    for f, child in zip(arr.type, children, strict=True):
        key = "," + json.dumps(f.name, ensure_ascii=False) + ":"
        pieces.append(pc.binary_join_element_wise(key, json_text(child), ""))
    return pieces


def _object(pieces: list[pa.Array], n: int) -> pa.Array:
    if not pieces:
        return pc.cast(pa.repeat(pa.scalar("{}"), n), _S)
    # ("skip" null handling drops rows in some Arrow versions: join with "" instead)
    body = pc.binary_join_element_wise(*pieces, "", null_handling="replace", null_replacement="")
    return pc.binary_join_element_wise("{", pc.utf8_slice_codeunits(body, 1), "}", "")


def json_text(arr: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """JSON text of each value of an Arrow array parsed from JSON (null stays null).

    Objects drop null-valued members; ints, floats, bools, strings, lists and
    nested objects are supported, anything else raises an internal error the
    caller answers with the per-line path.

    Examples
    --------
    >>> import pyarrow as pa
    >>> a = pa.array([{"x": 1, "k": ["a", 'b"']}, None, {"x": None, "k": []}])
    >>> json_text(a).to_pylist()
    ['{"x":1,"k":["a","b\\\\""]}', None, '{"k":[]}']
    """
    t = arr.type
    if pa.types.is_null(t):
        return pa.nulls(len(arr), _S)
    if pa.types.is_boolean(t):
        return pc.if_else(arr, "true", "false")
    if pa.types.is_integer(t) or pa.types.is_floating(t):
        return pc.cast(arr, _S)
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return pc.cast(_escape(arr), _S)
    if pa.types.is_struct(t):
        text = _object(_members(arr), len(arr))
        return pc.if_else(arr.is_valid(), text, pa.scalar(None, _S))
    if (pa.types.is_list(t) or pa.types.is_large_list(t)) and isinstance(arr, pa.ChunkedArray):
        return pa.chunked_array([json_text(c) for c in arr.chunks], _S)
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        offsets = arr.offsets
        first, last = offsets[0].as_py(), offsets[-1].as_py()
        items = pc.fill_null(json_text(arr.values.slice(first, last - first)), "null")
        offsets = pc.subtract(offsets, pa.scalar(first, offsets.type))
        joined = pc.binary_join(pa.ListArray.from_arrays(offsets, items), ",")
        text = pc.binary_join_element_wise("[", joined, "]", "")
        return pc.if_else(arr.is_valid(), text, pa.scalar(None, _S))
    raise _Unsupported(str(t))


def _flat(t: pa.DataType) -> bool:
    return (pa.types.is_null(t) or pa.types.is_boolean(t) or pa.types.is_integer(t) or pa.types.is_floating(t)
            or pa.types.is_string(t) or pa.types.is_large_string(t))


def _leaves(arr: pa.Array | pa.ChunkedArray) -> list[pa.Array | pa.ChunkedArray] | None:
    """The scalar arrays that determine a column's JSON text (struct validity included), or None if nested."""
    t = arr.type
    if _flat(t):
        return [arr]
    if pa.types.is_struct(t) and all(_flat(f.type) for f in t):
        return [arr.is_valid(), *(pc.struct_field(arr, [i]) for i in range(t.num_fields))]
    return None


def row_codes(arrays: list[pa.Array | pa.ChunkedArray], n: int) -> np.ndarray | None:
    """One integer per row, equal exactly where every array's value is equal (None for nested types).

    Examples
    --------
    >>> import pyarrow as pa
    >>> row_codes([pa.array([{"k": "a"}, None, {"k": "a"}, {"k": None}])], 4).tolist()
    [0, 1, 0, 2]
    """
    import pandas as pd

    key = np.zeros(n, dtype=np.int64)
    width = 1
    for arr in arrays:
        for leaf in _leaves(arr) or [None]:
            if leaf is None:
                return None
            if pa.types.is_null(leaf.type):
                continue
            if isinstance(leaf, pa.ChunkedArray):
                leaf = leaf.combine_chunks()
            enc = pc.dictionary_encode(leaf, null_encoding="encode")
            idx, k = enc.indices.to_numpy(zero_copy_only=False), len(enc.dictionary)
            if width * (k + 1) >= 2**62:  # renumber before the product could overflow
                key, uniq = pd.factorize(key)
                key, width = key.astype(np.int64), max(len(uniq), 1)
            key = key * (k + 1) + idx
            width *= k + 1
    return pd.factorize(key)[0].astype(np.int64)


def attrs_text(table: pa.Table, known: Collection[str],
               raw: Callable[[], list[str]]) -> tuple[pa.Array, np.ndarray]:
    """:func:`attrs_text_rows` computed once per distinct combination of values (``attrs`` repeat a lot).

    Examples
    --------
    >>> import pyarrow as pa
    >>> t = pa.table({"action": ["click", "key", "key"], "attrs": [{"x": 4}, None, {"x": 4}]})
    >>> attrs_text(t, {"action", "attrs"}, raw=list)[0].to_pylist()
    ['{"x":4}', None, '{"x":4}']
    """
    n = table.num_rows
    cols = [c for c in table.column_names if c == "attrs" or (c not in known and not is_ground_truth(c))]
    if n < 1024 or "_attrs_text" in table.column_names or not cols:
        return attrs_text_rows(table, known, raw)
    codes = row_codes([table.column(c) for c in cols], n)
    if codes is None:
        return attrs_text_rows(table, known, raw)
    first = np.full(int(codes.max()) + 1, n, dtype=np.int64)
    np.minimum.at(first, codes, np.arange(n, dtype=np.int64))
    if 4 * len(first) > n:  # few repeats: not worth it
        return attrs_text_rows(table, known, raw)
    sub = table.select(cols).take(pa.array(first))

    def sub_raw() -> list[str]:  # the raw lines are read once, then picked
        lines = raw()
        return [lines[i] for i in first.tolist()]

    text, bad = attrs_text_rows(sub, known, sub_raw)
    return text.take(pa.array(codes)), bad[codes]


def attrs_text_rows(table: pa.Table, known: Collection[str],
                    raw: Callable[[], list[str]]) -> tuple[pa.Array, np.ndarray]:
    """The ``attrs`` text of each parsed record, and a mask of records whose ``attrs`` is not an object.

    The text is the ``attrs`` object merged with the record's unknown
    top-level keys (columns not in ``known`` and not ground truth), nulls
    dropped; null when the record has neither. A precomputed
    ``_attrs_text`` column is returned as is.

    Parameters
    ----------
    table : pyarrow.Table
        Records as parsed by ``pyarrow.json``.
    known : collection of str
        Column names of the record format (``attrs`` included): everything
        else is an unknown key that goes into ``attrs``.
    raw : callable
        Returns the raw JSON line of every row; called only when a value has
        a type the vectorised encoder does not handle.

    Returns
    -------
    text : pyarrow.Array
        JSON text per row.
    bad : numpy.ndarray
        True where ``attrs`` is present but not a JSON object.

    Examples
    --------
    >>> import pyarrow as pa
    >>> t = pa.table({"action": ["click", "key"], "attrs": [{"x": 4}, None], "zone": [None, "A"]})
    >>> text, bad = attrs_text_rows(t, {"action", "attrs"}, raw=list)
    >>> text.to_pylist(), bad.tolist()
    (['{"x":4}', '{"zone":"A"}'], [False, False])
    """
    n = table.num_rows
    if "_attrs_text" in table.column_names:
        return table.column("_attrs_text"), np.zeros(n, dtype=bool)
    extra = [c for c in table.column_names if c not in known and not is_ground_truth(c)]
    bad = np.zeros(n, dtype=bool)
    pieces: list[pa.Array] = []
    present = None
    try:
        if "attrs" in table.column_names:
            a = table.column("attrs")
            if pa.types.is_struct(a.type):
                pieces += _members(a)
                present = a.is_valid()
            elif not pa.types.is_null(a.type):
                bad = np.asarray(a.is_valid())
        for c in extra:
            col = table.column(c)
            pieces.append(pc.binary_join_element_wise("," + json.dumps(c, ensure_ascii=False) + ":", json_text(col), ""))
            valid = col.is_valid()
            present = valid if present is None else pc.or_(present, valid)
        if present is None:
            return pa.nulls(n, _S), bad
        text = pc.if_else(present, _object(pieces, n), pa.scalar(None, _S))
        return text, bad
    except _Unsupported:
        return attrs_from_lines(raw(), extra), bad


def _drop_nulls(v: Any) -> Any:
    if isinstance(v, dict):
        return {k: _drop_nulls(x) for k, x in v.items() if x is not None}
    if isinstance(v, list):
        return [_drop_nulls(x) for x in v]
    return v


def attrs_from_lines(raw: list[str], extra: list[str]) -> pa.Array:
    """The ``attrs`` text of raw JSON records, parsed one by one (the slow path of :func:`attrs_text`).

    Examples
    --------
    >>> attrs_from_lines(['{"attrs": {"k": [1, "a"]}}', '{"attrs": null}', '{"z": 2}'], ["z"]).to_pylist()
    ['{"k":[1,"a"]}', None, '{"z":2}']
    """
    out: list[str | None] = []
    for line in raw:
        rec = json.loads(line)
        obj = rec.get("attrs") if isinstance(rec.get("attrs"), dict) else None
        merged = dict(obj or {})
        merged.update({k: rec[k] for k in extra if rec.get(k) is not None})
        out.append(None if obj is None and len(merged) == 0 else
                   json.dumps(_drop_nulls(merged), ensure_ascii=False, separators=(",", ":")))
    return pa.array(out, _S)
