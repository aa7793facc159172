"""Native records that Arrow's JSON reader cannot type, parsed with Python's json.

Arrow types every field of a block from its values; a list mixing numbers
and text (``[1, "a"]``), a ground-truth field that is a number on one line and
text on the next, or a literal Arrow refuses make the whole block fail. The
reader bisects such a block down to a few lines and hands them here:
:func:`many_lines` parses them with Python in one go (one Arrow array per
field, not per line), :func:`one_line` does the same for a single line.
Lines that are not JSON objects, hold a lone surrogate or a value of the
wrong type for a contract field are returned to the caller, which names
the reason.

Examples
--------
>>> import pyarrow as pa
>>> schema = pa.schema([("timestamp", pa.string()), ("action", pa.string())])
>>> t, rest = many_lines([b'{"timestamp": "t", "action": "click", "attrs": {"l": [1, "a"]}}', b'[1]'],
...                      schema, {"timestamp", "action", "attrs"})
>>> t.column("_attrs_text").to_pylist(), rest
(['{"l":[1,"a"]}'], [1])
"""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Any

import pyarrow as pa

from taskmining.io.formats._jsontext import attrs_from_lines
from taskmining.schema import is_ground_truth

__all__ = ["PYTHON_BLOCK", "many_lines", "one_line"]

#: Blocks of at most this many lines that Arrow rejects are parsed in Python.
PYTHON_BLOCK = 256
_ARROW_ERRORS = (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, OverflowError)


def _constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _record(line: bytes) -> dict[str, Any] | None:
    try:
        rec = json.loads(line, parse_constant=_constant)
        json.dumps(rec, ensure_ascii=False).encode("utf-8")  # a lone surrogate ("\\ud800") is not text
    except (ValueError, RecursionError, UnicodeEncodeError):
        return None
    if not isinstance(rec, dict) or not isinstance(rec.get("attrs", {}), (dict, type(None))):
        return None
    return rec


def many_lines(lines: list[bytes], schema: pa.Schema, known: Collection[str]) -> tuple[pa.Table | None, list[int]]:
    """The table of the lines Python parses into valid records, and the indices of the others.

    Parameters
    ----------
    lines : list of bytes
        Raw JSON lines.
    schema : pyarrow.Schema
        The contract fields and their types.
    known : collection of str
        Keys that are neither extra attributes nor ground truth.

    Returns
    -------
    (pyarrow.Table or None, list of int)
    """
    recs = [_record(line) for line in lines]
    ok = [i for i, r in enumerate(recs) if r is not None]
    for f in schema:  # a value of the wrong type for a contract field: that line goes back to the caller
        try:
            pa.array([recs[i].get(f.name) for i in ok], f.type)  # type: ignore[union-attr]
            continue
        except _ARROW_ERRORS:
            pass
        for i in list(ok):
            try:
                pa.array([recs[i].get(f.name)], f.type)  # type: ignore[union-attr]
            except _ARROW_ERRORS:
                ok.remove(i)
    rest = [i for i in range(len(lines)) if i not in set(ok)]
    if not ok:
        return None, rest
    good = [recs[i] for i in ok]
    cols: dict[str, pa.Array] = {f.name: pa.array([r.get(f.name) for r in good], f.type)  # type: ignore[union-attr]
                                 for f in schema}
    truth = sorted({k for r in good for k in r if is_ground_truth(k)})  # type: ignore[union-attr]
    try:
        for c in truth:
            cols[c] = pa.array([r.get(c) for r in good])  # type: ignore[union-attr]
    except _ARROW_ERRORS:  # a ground-truth field that changes type: one line at a time
        return None, list(range(len(lines)))
    extra = sorted({k for r in good for k in r if k not in known and not is_ground_truth(k)})  # type: ignore
    cols["_attrs_text"] = attrs_from_lines([lines[i].decode("utf-8") for i in ok], extra)
    return pa.table(cols), rest


def one_line(line: bytes, schema: pa.Schema, known: Collection[str]) -> pa.Table | None:
    """A valid record Arrow cannot type, parsed in Python; None if it is not a valid record.

    Examples
    --------
    >>> schema = pa.schema([("timestamp", pa.string())])
    >>> one_line(b'{"timestamp": "t", "case": [1, "x"]}', schema, {"timestamp"}).column("_attrs_text").to_pylist()
    ['{"case":[1,"x"]}']
    """
    rec = _record(line)
    if rec is None:
        return None
    cols: dict[str, pa.Array] = {}
    try:
        for f in schema:
            cols[f.name] = pa.array([rec.get(f.name)], f.type)
        for c in rec:
            if is_ground_truth(c):
                cols[c] = pa.array([rec[c]])
    except _ARROW_ERRORS:
        return None
    extra = [k for k in rec if k not in known and not is_ground_truth(k)]
    cols["_attrs_text"] = attrs_from_lines([line.decode("utf-8")], extra)
    return pa.table(cols)
