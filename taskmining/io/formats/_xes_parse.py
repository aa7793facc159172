"""The pure XES parser: the whole document read with numpy and Arrow, no Python loop per event or attribute.

The (decompressed) document is a byte array. Its tags are found at every
``<`` (inside well-formed XES a ``<`` only starts a tag: attribute values
escape it), named by their first bytes, and an attribute tag
``<type key="..." value="..."/>`` is located by its four quotes; keys and
values then become Arrow strings that point into the document's buffer
(no copy until a column is built). The nesting (log, trace, event, nested
attributes, globals) comes from cumulative sums of the opening and closing
tags, and the event attributes are pivoted into columns with one sort by key.

The parser accepts the XES that writers produce (pm4py, ProM, SmartRPA,
this library): attributes written as ``<type key="..." value="..."/>``. A
key whose values have several types is text (its type ``"string"``).
Whatever it does not understand (comments, CDATA, a DOCTYPE, attributes in
another order, spacing or quoting, unknown entities, unbalanced traces or
events, bytes that are not UTF-8) makes :func:`parse` return ``None``, and
the caller reads the file with the streaming ``xml.etree`` reader instead,
which also names the line of a real syntax error.

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

__all__ = ["SCALARS", "Parsed", "XesValueError", "parse", "typed"]

#: XES attribute types read as values (lists and containers are skipped, as their children).
SCALARS = ("string", "date", "int", "float", "boolean", "id")
_ATTRIBUTE_TAGS = (*SCALARS, "list", "container", "values")
_STRUCTURE = ("log", "trace", "event", "global", "extension", "classifier", "?xml")
_NAMES = (*_ATTRIBUTE_TAGS, *_STRUCTURE)
_ENTITY = re.compile(r"&(?:(amp|lt|gt|quot|apos)|#([0-9]+)|#x([0-9a-fA-F]+));")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
_BAD_AMP = re.compile(r"&(?!(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);)")
_END = np.zeros(256, dtype=bool)  # bytes that may follow a tag name
_END[[9, 10, 13, 32, ord("/"), ord(">")]] = True


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


def _names(buf: np.ndarray, lt: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The element code (index in ``_NAMES``, -1 unknown) of each tag and whether it is a closing tag."""
    n = len(buf)
    closing = buf[np.minimum(lt + 1, n - 1)] == ord("/")
    at = lt + 1 + closing
    two = buf[np.minimum(at, n - 1)].astype(np.int32) * 256 + buf[np.minimum(at + 1, n - 1)]
    code = np.full(len(lt), -1, dtype=np.int8)
    for k, name in enumerate(_NAMES):
        raw = name.encode()
        cand = np.flatnonzero(two == raw[0] * 256 + raw[1])
        if len(cand) == 0:
            continue
        pos = at[cand]
        ok = pos + len(raw) < n
        for j in range(2, len(raw)):
            ok &= buf[np.minimum(pos + j, n - 1)] == raw[j]
        ok &= _END[buf[np.minimum(pos + len(raw), n - 1)]] | (raw[0] == ord("?"))
        code[cand[ok]] = k
    return code, closing


def _attributes(buf: np.ndarray, lt: np.ndarray, attr: np.ndarray, names: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray]:
    """Quote positions ``(n, 4)`` of the attribute tags ``attr`` and whether each closes itself.

    Raises :class:`_Unsupported` unless every one is exactly ``<type key="..." value="..."/>``
    (or ``...">`` with a body)."""
    quotes = np.flatnonzero(buf == ord('"'))
    tag_of_quote = np.searchsorted(lt, quotes, side="right") - 1
    first = np.searchsorted(tag_of_quote, attr)
    count = np.searchsorted(tag_of_quote, attr, side="right") - first
    if (count != 4).any():
        raise _Unsupported("an attribute tag without exactly two quoted values")
    q = quotes[first[:, None] + np.arange(4)]
    n = len(buf)
    name_len = np.array([len(x) for x in _NAMES], dtype=np.int64)[names]
    start = lt[attr] + 1 + name_len
    ok = (q[:, 0] == start + 5) & (q[:, 2] == q[:, 1] + 8)  # ' key="' and '" value="'
    for text, where in ((b' key="', start), (b'" value="', q[:, 1])):
        for j, byte in enumerate(text):
            ok &= buf[np.minimum(where + j, n - 1)] == byte
    if not ok.all():
        raise _Unsupported("an attribute tag in another layout")
    after = buf[np.minimum(q[:, 3] + 1, n - 1)]
    self_closing = (after == ord("/")) & (buf[np.minimum(q[:, 3] + 2, n - 1)] == ord(">"))
    if not (self_closing | (after == ord(">"))).all():
        raise _Unsupported("an attribute tag with more attributes")
    return q, self_closing


def _self_closing(buf: np.ndarray, lt: np.ndarray, tags: np.ndarray) -> np.ndarray:
    """Whether the (structural) tags ``tags`` end in ``/>``."""
    gt = np.flatnonzero(buf == ord(">"))
    end = gt[np.minimum(np.searchsorted(gt, lt[tags]), len(gt) - 1)]
    return buf[np.maximum(end - 1, 0)] == ord("/")


def _depth(opens: np.ndarray, closes: np.ndarray) -> np.ndarray:
    """How many of these elements each tag is inside (the tag itself not counted when it opens)."""
    inside = np.cumsum(opens.astype(np.int64)) - np.cumsum(closes.astype(np.int64))
    return inside - opens


def _nested(names: np.ndarray, opens: np.ndarray, closes: np.ndarray) -> bool:
    """Whether every closing tag closes the element opened last (vectorised: on each nesting level,
    opening and closing tags alternate and pair up by name)."""
    at = np.flatnonzero(opens | closes)
    is_open = opens[at]
    level = np.cumsum(np.where(is_open, 1, -1)) - is_open  # depth outside an opening / after a closing tag
    if len(at) == 0:
        return True
    if level.min() < 0 or level[-1] != 0:
        return False
    order = np.argsort(level, kind="stable")
    lv, op, nm = level[order], is_open[order], names[at][order]
    first = np.r_[True, lv[1:] != lv[:-1]]
    pos = np.arange(len(lv)) - np.maximum.accumulate(np.where(first, np.arange(len(lv)), 0))
    if not np.array_equal(op, pos % 2 == 0):  # open, close, open, close ... on each level
        return False
    return bool(np.array_equal(nm[0::2], nm[1::2]))


def parse(data: bytes) -> Parsed | None:
    """Parse an XES document, or ``None`` when it needs the streaming parser (see the module)."""
    try:
        return _parse(data)
    except _Unsupported:
        return None


def _spans(data: bytes, q: np.ndarray) -> pa.LargeBinaryArray:
    """Gap, key, gap, value, ... as one Arrow array over ``data`` (no copy): key ``i`` is element
    ``4 i + 1``, value ``i`` element ``4 i + 3``."""
    bounds = np.empty(4 * len(q) + 1, dtype=np.int64)
    bounds[0] = 0
    bounds[1::4], bounds[2::4] = q[:, 0] + 1, q[:, 1]
    bounds[3::4], bounds[4::4] = q[:, 2] + 1, q[:, 3]
    return pa.LargeBinaryArray.from_buffers(pa.large_binary(), len(bounds) - 1,
                                            [None, pa.py_buffer(bounds), pa.py_buffer(data)])


def _parse(data: bytes) -> Parsed:
    if b"<!" in data or b"<?" in data[64:]:  # comments, CDATA, DOCTYPE, processing instructions
        raise _Unsupported("comments, CDATA or a DOCTYPE")
    buf = np.frombuffer(data, dtype=np.uint8)
    lt = np.flatnonzero(buf == ord("<"))
    if len(lt) == 0:
        raise _Unsupported("no tags")
    names, closing = _names(buf, lt)
    if (names < 0).any():
        raise _Unsupported("an element the vectorised parser does not read")
    n_attr_tags = len(_ATTRIBUTE_TAGS)
    is_attr = (names < len(SCALARS)) & ~closing
    attr = np.flatnonzero(is_attr)
    q, attr_self = _attributes(buf, lt, attr, names[attr])
    self_closing = np.zeros(len(lt), dtype=bool)
    self_closing[attr] = attr_self
    other = np.flatnonzero(~is_attr & ~closing)
    self_closing[other] = _self_closing(buf, lt, other)
    self_closing[names == _NAMES.index("?xml")] = True  # the declaration has no body
    code = {name: k for k, name in enumerate(_NAMES)}

    def element(name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Where element ``name`` starts (``<name/>`` too), opens a body and closes."""
        is_name = names == code[name]
        start = is_name & ~closing
        return start, start & ~self_closing, is_name & closing

    ev_start, ev_open, ev_close = element("event")
    tr_start, tr_open, tr_close = element("trace")
    _, gl_open, gl_close = element("global")
    body = (names < n_attr_tags) & ~closing
    in_event = _depth(ev_open, ev_close)
    in_trace = _depth(tr_open, tr_close)
    if in_event.min() < 0 or in_event.max() > 1 or in_trace.min() < 0 or in_trace.max() > 1 \
            or (in_event + ev_open)[-1] or (in_trace + tr_open)[-1] or (ev_start & (in_trace == 0)).any():
        raise _Unsupported("unbalanced or misplaced traces and events")
    if not _nested(names, ~closing & ~self_closing, closing):
        raise _Unsupported("a closing tag that does not match its opening tag")
    top = is_attr & (_depth(body & ~self_closing, (names < n_attr_tags) & closing) == 0) \
        & (_depth(gl_open, gl_close) == 0)
    event_idx = np.cumsum(ev_start) - 1
    trace_idx = np.cumsum(tr_start) - 1
    n_events, n_traces = int(ev_start.sum()), int(tr_start.sum())
    spans = _spans(data, q)
    at = np.full(len(lt), -1, dtype=np.int64)
    at[attr] = np.arange(len(attr))
    kinds = names.astype(np.int64)
    kind_of = dict(enumerate(_NAMES))
    ev_rows = np.flatnonzero(top & (in_event == 1))
    tr_rows = np.flatnonzero(top & (in_event == 0) & (in_trace == 1))
    try:
        event, event_types = _pivot(at[ev_rows], event_idx[ev_rows], n_events, spans, kinds[ev_rows], kind_of)
        trace, trace_types = _pivot(at[tr_rows], trace_idx[tr_rows], n_traces, spans, kinds[tr_rows], kind_of)
    except pa.ArrowInvalid as exc:  # bytes that are not UTF-8
        raise _Unsupported(str(exc)) from None
    return Parsed(n_events=n_events, event=event, event_types=event_types, trace=trace,
                  trace_types=trace_types, event_of_trace=trace_idx[ev_start])


def _text(spans: pa.LargeBinaryArray, index: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    """Elements ``index`` of ``spans`` as unescaped UTF-8 strings (null where ``mask``)."""
    raw = spans.take(pa.array(index, mask=mask))
    return _unescape(raw.cast(pa.large_string()))


def _pivot(attr: np.ndarray, owner: np.ndarray, n: int, spans: pa.LargeBinaryArray, kinds: np.ndarray,
           kind_of: dict[int, str]) -> tuple[dict[str, pa.Array], dict[str, str]]:
    """Attribute tags ``attr`` (of elements ``owner``) as one column of text per key (the last value wins)."""
    if len(attr) == 0:
        return {}, {}
    enc = pc.dictionary_encode(spans.take(pa.array(4 * attr + 1)))
    labels = _text(enc.dictionary, np.arange(len(enc.dictionary))).to_pylist()
    code = enc.indices.to_numpy(zero_copy_only=False)
    if len(set(labels)) < len(labels):  # the same key escaped in two ways
        first: dict[str, int] = {}
        remap = np.array([first.setdefault(k, len(first)) for k in labels], dtype=np.int64)
        code, labels = remap[code], list(first)
    order = np.argsort(code.astype(np.uint16) if len(labels) <= 1 << 16 else code, kind="stable")
    bounds = np.r_[0, np.cumsum(np.bincount(code, minlength=len(labels)))]
    columns: dict[str, pa.Array] = {}
    types: dict[str, str] = {}
    for k, key in enumerate(labels):  # one pass per distinct key
        sel = order[bounds[k]:bounds[k + 1]]
        who, at = owner[sel], attr[sel]
        kind = np.unique(kinds[sel])
        if len(who) > 1 and (who[1:] == who[:-1]).any():  # the same key twice in one element: keep the last
            last = np.r_[who[1:] != who[:-1], True]
            who, at = who[last], at[last]
        types[key] = kind_of[int(kind[0])] if len(kind) == 1 else "string"  # several types: text
        if len(who) == n:  # every element has it, in order
            columns[key] = _text(spans, 4 * at + 3)
        else:
            index = np.zeros(n, dtype=np.int64)
            index[who] = 4 * at + 3
            present = np.zeros(n, dtype=bool)
            present[who] = True
            columns[key] = _text(spans, index, ~present)
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
