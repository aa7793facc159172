"""The pure XES parser: the whole document split into tags with Arrow kernels, no Python loop per event.

The (decompressed) bytes are cut into tags at every ``<`` (inside a
well-formed XES document a ``<`` only starts a tag: attribute values escape
it), each attribute tag's type, key and value are read with one RE2
expression over all tags, and the nesting (log, trace, event, nested
attributes, globals) comes from cumulative sums of the opening and closing
tags. Event attributes are then pivoted into columns, one sort by key for
all of them.

The parser accepts the XES that writers produce (pm4py, ProM, SmartRPA,
this library): attributes written as ``<type key="..." value="..."/>``.
A key whose values have several types is text (its type ``"string"``).
Whatever it does not understand (comments, CDATA, a DOCTYPE, attributes in
another order or quoting, unknown entities, unbalanced traces or events)
makes :func:`parse` return ``None``, and the caller reads the file with the
streaming ``xml.etree`` reader instead, which also names the line of a
real syntax error.

Examples
--------
>>> doc = (b'<log><trace><string key="concept:name" value="c1"/><event>'
...        b'<string key="concept:name" value="a &amp; b"/><int key="n" value="3"/></event></trace></log>')
>>> p = parse(doc)
>>> p.n_events, p.event["concept:name"].to_pylist(), p.event["n"].to_pylist(), p.trace["concept:name"].to_pylist()
(1, ['a & b'], ['3'], ['c1'])
>>> p.event_types["n"], p.event_of_trace.tolist()
('int', [0])
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["Parsed", "parse", "typed", "SCALARS", "XesValueError"]

#: XES attribute types read as values (lists and containers are skipped, as their children).
SCALARS = ("string", "date", "int", "float", "boolean", "id")
_ATTRIBUTE_TAGS = (*SCALARS, "list", "container", "values")
_ATTR = (r'^(?P<kind>string|date|int|float|boolean|id)\s+key="(?P<key>[^"]*)"\s+value="(?P<value>[^"]*)"'
         r'\s*(?P<end>/?)>\s*$')
_TAG = r"^(?P<name>[/?!]?[A-Za-z_:][-\w.:]*)[^>]*?(?P<end>/?)>\s*$"
_CHUNK = 1 << 26  # bytes per Arrow string (tags are split chunk by chunk)
_ENTITY = re.compile(r"&(?:(amp|lt|gt|quot|apos)|#([0-9]+)|#x([0-9a-fA-F]+));")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
_BAD_AMP = re.compile(r"&(?!(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);)")


@dataclass
class Parsed:
    """Event and trace attributes as Arrow string columns (null where absent), with their XES types."""

    n_events: int
    event: dict[str, pa.Array]
    event_types: dict[str, str]
    trace: dict[str, pa.Array]
    trace_types: dict[str, str]
    event_of_trace: np.ndarray  # the trace index of each event


class _Unsupported(Exception):
    """Something the vectorised parser does not handle: read with the streaming parser."""


def _tags(data: bytes) -> pa.Array:
    """Every tag's text after its ``<`` (binary), in document order."""
    bounds = [0]
    while bounds[-1] + _CHUNK < len(data):
        cut = data.find(b"<", bounds[-1] + _CHUNK)
        if cut < 0:
            break
        bounds.append(cut)
    bounds.append(len(data))
    chunks = pa.array([data[a:b] for a, b in zip(bounds[:-1], bounds[1:])], pa.large_binary())
    pieces = pc.list_flatten(pc.split_pattern(chunks, b"<"))
    return pieces


def _unescape_one(text: str) -> str:
    if _BAD_AMP.search(text):
        raise _Unsupported("an unknown entity or a bare '&'")

    def sub(m: re.Match[str]) -> str:
        if m.group(1):
            return _NAMED[m.group(1)]
        return chr(int(m.group(2))) if m.group(2) else chr(int(m.group(3), 16))

    return _ENTITY.sub(sub, text)


def _unescape(values: pa.Array) -> pa.Array:
    """XML attribute values: entities replaced (each distinct escaped value once), literal tabs and
    line breaks as spaces (XML's attribute-value normalisation)."""
    if pc.any(pc.match_substring_regex(values, "[\t\n\r]")).as_py():
        values = pc.replace_substring_regex(values, "\r\n|[\t\n\r]", " ")
    has = pc.match_substring(values, "&")
    if not pc.any(has).as_py():
        return values
    where = np.flatnonzero(has.to_numpy(zero_copy_only=False))
    escaped = values.take(pa.array(where))
    enc = pc.dictionary_encode(escaped)
    plain = pa.array([_unescape_one(v) for v in enc.dictionary.to_pylist()], pa.large_string())
    fixed = plain.take(enc.indices)
    index = np.arange(len(values))
    index[where] = len(values) + np.arange(len(where))
    return pa.concat_arrays([values, fixed]).take(pa.array(index))


def _codes(arr: pa.Array, table: dict[str, int]) -> np.ndarray:
    """Integer codes of the (few distinct) strings of ``arr`` in ``table`` (extended as needed); null -> -1."""
    enc = pc.dictionary_encode(pc.cast(arr, pa.string()))
    mapping = np.array([table.setdefault(v, len(table)) for v in enc.dictionary.to_pylist()] + [-1], dtype=np.int32)
    idx = enc.indices.fill_null(-1).to_numpy(zero_copy_only=False)
    return mapping[idx]


def _structure(pieces: pa.Array, table: dict[str, int]) -> tuple[pa.StructArray, np.ndarray, np.ndarray,
                                                                  np.ndarray]:
    """The attribute match of each tag, and per tag: its element code, whether it is an attribute tag
    and whether it closes itself (blank text between tags: code -1)."""
    attr = pc.extract_regex(pieces, _ATTR)
    is_attr = attr.is_valid().to_numpy(zero_copy_only=False)
    names = np.full(len(pieces), -1, dtype=np.int32)
    self_closing = np.zeros(len(pieces), dtype=bool)
    names[is_attr] = _codes(pc.struct_field(attr, "kind").filter(pa.array(is_attr)), table)
    self_closing[is_attr] = pc.equal(pc.struct_field(attr, "end").filter(pa.array(is_attr)), b"/").to_numpy(
        zero_copy_only=False)
    other = np.flatnonzero(~is_attr)
    rest = pieces.take(pa.array(other))
    blank = pc.match_substring_regex(rest, r"^\s*$").to_numpy(zero_copy_only=False)
    keep = other[~blank]
    tag = pc.extract_regex(rest.filter(pa.array(~blank)), _TAG)
    if tag.null_count:
        raise _Unsupported("a tag the vectorised parser does not read")
    names[keep] = _codes(pc.struct_field(tag, "name"), table)
    self_closing[keep] = pc.equal(pc.struct_field(tag, "end"), b"/").to_numpy(zero_copy_only=False)
    return attr, names, is_attr, self_closing


def _depth(opens: np.ndarray, closes: np.ndarray) -> np.ndarray:
    """How many of these elements each tag is inside (the tag itself not counted when it opens)."""
    inside = np.cumsum(opens.astype(np.int64)) - np.cumsum(closes.astype(np.int64))
    return inside - opens


def parse(data: bytes) -> Parsed | None:
    """Parse an XES document, or ``None`` when it needs the streaming parser (see the module)."""
    try:
        return _parse(data)
    except _Unsupported:
        return None


def _element(names: np.ndarray, self_closing: np.ndarray, table: dict[str, int],
             name: str) -> tuple[np.ndarray, np.ndarray]:
    """Where element ``name`` opens (not self-closing) and closes."""
    return (names == table.setdefault(name, len(table))) & ~self_closing, names == table.setdefault(
        "/" + name, len(table))


def _parse(data: bytes) -> Parsed:
    if b"<!" in data or b"<?" in data[64:]:  # comments, CDATA, DOCTYPE, processing instructions
        raise _Unsupported("comments, CDATA or a DOCTYPE")
    table: dict[str, int] = {}
    try:
        pieces = _tags(data)
        attr, names, is_attr, self_closing = _structure(pieces, table)
        values = _unescape(pc.cast(pc.struct_field(attr, "value"), pa.large_string()))
        keys = _unescape(pc.cast(pc.struct_field(attr, "key"), pa.large_string()))
    except pa.ArrowInvalid as exc:  # bytes that are not UTF-8 and the like
        raise _Unsupported(str(exc)) from None
    ev_open, ev_close = _element(names, self_closing, table, "event")
    tr_open, tr_close = _element(names, self_closing, table, "trace")
    gl_open, gl_close = _element(names, self_closing, table, "global")
    attr_codes = [table.setdefault(t, len(table)) for t in _ATTRIBUTE_TAGS]
    attr_open = np.isin(names, attr_codes) & ~self_closing
    attr_close = np.isin(names, [table.setdefault("/" + t, len(table)) for t in _ATTRIBUTE_TAGS])
    in_event = _depth(ev_open, ev_close)
    in_trace = _depth(tr_open, tr_close)
    if len(names) == 0 or in_event.min() < 0 or in_event.max() > 1 or in_trace.min() < 0 \
            or in_trace.max() > 1 or (in_event + ev_open)[-1] or (in_trace + tr_open)[-1] \
            or (ev_open & (in_trace == 0)).any():
        raise _Unsupported("unbalanced or misplaced traces and events")
    top = is_attr & (_depth(attr_open, attr_close) == 0) & (_depth(gl_open, gl_close) == 0)
    event_idx = np.cumsum(ev_open) - 1
    trace_idx = np.cumsum(tr_open) - 1
    n_events = int(ev_open.sum())
    ev_rows = np.flatnonzero(top & (in_event == 1))
    tr_rows = np.flatnonzero(top & (in_event == 0) & (in_trace == 1))
    kind_of = {code: name for name, code in table.items()}
    event, event_types = _pivot(ev_rows, event_idx[ev_rows], n_events, keys, values, names, kind_of)
    trace, trace_types = _pivot(tr_rows, trace_idx[tr_rows], int(tr_open.sum()), keys, values, names, kind_of)
    return Parsed(n_events=n_events, event=event, event_types=event_types, trace=trace, trace_types=trace_types,
                  event_of_trace=trace_idx[ev_open])


def _pivot(rows: np.ndarray, owner: np.ndarray, n: int, keys: pa.Array, values: pa.Array,
           kinds: np.ndarray, kind_of: dict[int, str]) -> tuple[dict[str, pa.Array], dict[str, str]]:
    """Attribute tags ``rows`` (of elements ``owner``) as one column per key (the last value wins)."""
    if len(rows) == 0:
        return {}, {}
    enc = pc.dictionary_encode(keys.take(pa.array(rows)))
    code = enc.indices.to_numpy(zero_copy_only=False)
    labels = enc.dictionary.to_pylist()
    order = np.argsort(code.astype(np.uint16) if len(labels) <= 1 << 16 else code, kind="stable")
    bounds = np.r_[0, np.cumsum(np.bincount(code, minlength=len(labels)))]
    columns: dict[str, pa.Array] = {}
    types: dict[str, str] = {}
    for k, key in enumerate(labels):  # one pass per distinct key
        sel = order[bounds[k]:bounds[k + 1]]
        who, at = owner[sel], rows[sel]
        kind = np.unique(kinds[at])
        if len(who) > 1 and (who[1:] == who[:-1]).any():  # the same key twice in one element: keep the last
            last = np.r_[who[1:] != who[:-1], True]
            who, at = who[last], at[last]
        types[key] = kind_of[int(kind[0])] if len(kind) == 1 else "string"  # several types: text
        if len(who) == n:  # every element has it, in order
            columns[key] = values.take(pa.array(at))
        else:
            index = np.full(n, -1, dtype=np.int64)
            index[who] = at
            columns[key] = values.take(pa.array(index, mask=index < 0))
    return columns, types


class XesValueError(ValueError):
    """A value that is not valid for its XES type (the message names the attribute)."""


def typed(kind: str, text: pa.Array, key: str) -> pa.Array:
    """Attribute values of XES type ``kind`` from their text: ``date`` -> timestamps (UTC when the text
    has an offset, naive when none has one), ``int``, ``float``, ``boolean``; strings as they are.

    Examples
    --------
    >>> typed("int", pa.array(["1", None]), "n").to_pylist(), typed("boolean", pa.array(["True"]), "b").to_pylist()
    ([1, None], [True])
    >>> str(typed("date", pa.array(["2026-01-05T09:00:00+01:00"]), "t").type)
    'timestamp[ns, tz=UTC]'
    """
    try:
        if kind == "int":
            return pc.cast(pc.utf8_trim_whitespace(text), pa.int64())
        if kind == "float":
            return pc.cast(pc.utf8_trim_whitespace(text), pa.float64())
        if kind == "boolean":
            return pc.equal(pc.utf8_lower(pc.utf8_trim_whitespace(text)), "true")
        if kind == "date":
            return _dates(pc.utf8_trim_whitespace(text), key)
    except pa.ArrowInvalid as exc:
        raise XesValueError(f"attribute {key!r}: a value is not a valid {kind} ({exc})") from None
    return text


def _dates(text: pa.Array, key: str) -> pa.Array:
    for target in (pa.timestamp("ns", tz="UTC"), pa.timestamp("ns")):
        try:
            return pc.cast(text, target)
        except pa.ArrowInvalid:
            continue
    import pandas as pd  # offsets on some values only, or forms Arrow does not parse: pandas' ISO 8601

    try:
        parsed = pd.to_datetime(pd.Series(text.to_pylist(), dtype=object), utc=True, format="ISO8601")
    except (ValueError, TypeError) as exc:
        raise XesValueError(f"attribute {key!r}: unparsable dates ({exc})") from None
    return pa.array(parsed.dt.as_unit("ns"))
