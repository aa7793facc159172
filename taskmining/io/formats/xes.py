"""XES event logs (``format="xes"``, ``.xes`` or ``.xes.gz``): SmartRPA's UI-log XES and any process-mining XES.

Two entry points:

- :func:`read_xes` reads a file into a pm4py-format DataFrame (trace
  attributes as ``case:<key>``, event attributes as they are named), as
  :func:`taskmining.export.link_to_process` needs for the system log it
  joins desktop work to;
- ``read_events(path, format="xes")`` reads it into the events frame: the
  SmartRPA mapping when the events carry SmartRPA's columns (``category``,
  ``application``), otherwise ``time:timestamp`` -> ``timestamp``,
  ``org:resource`` -> ``user``, ``concept:name`` -> ``raw_action``, and every
  other attribute (trace attributes included, as ``case:<key>``) into
  ``attrs``; an empty value counts as absent.

Engines: ``engine="pure"`` is the vectorised parser of
:mod:`taskmining.io.formats._xes_parse` (pyarrow kernels over the whole
document; files it does not handle go through ``xml.etree`` streaming);
``engine="rustxes"`` uses the Rust reader of rust4pm (``pip install
taskmining[fast]``); ``"auto"`` (default) takes rustxes when it is installed
and the pure path for a file rustxes cannot read.
Both give the same frame (tested): typed columns (``date`` ->
``datetime64[ns, UTC]``, ``int`` -> int64, or ``Int64`` with gaps,
``float``, ``boolean``, strings as ``str``), columns in one order
(``case:concept:name``, the other trace attributes by name, then
``concept:name``, ``time:timestamp``, the other event attributes by name).
A key whose values have several types is read as text. Nested attributes,
lists and globals are not read. A key given twice in one event: the last
value (rustxes keeps the first). Dates without a UTC offset are read as UTC
by :func:`read_xes`; ``read_events`` needs ``tz=`` for them (SmartRPA writes
local times) and never guesses.

Examples
--------
>>> import os, tempfile
>>> p = os.path.join(tempfile.mkdtemp(), "erp.xes")
>>> _ = open(p, "w").write('<log><trace><string key="concept:name" value="INV-1"/>'
...     '<event><string key="concept:name" value="Post"/>'
...     '<date key="time:timestamp" value="2026-01-05T09:00:00+01:00"/></event></trace></log>')
>>> read_xes(p, engine="pure").values.tolist()
[['INV-1', 'Post', Timestamp('2026-01-05 08:00:00+0000', tz='UTC')]]
"""

from __future__ import annotations

import json
import re
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from taskmining.errors import IngestError, ParameterError
from taskmining.io._times import check_tz
from taskmining.io._files import read_bytes
from taskmining.io._mapping import (
    COMMON_EVENT_ACTIONS,
    coalesce,
    column,
    normalise_app,
    per_value,
    ui_log_frame,
)
from taskmining.io._reader import check_options, run_reader
from taskmining.io.formats._stderr import RUSTXES_DTYPES, dropping
from taskmining.io.formats._xes_parse import Parsed, XesValueError, parse, typed
from taskmining.io.formats._xes_stream import parse_stream
from taskmining.io.quarantine import QuarantineLog, ReadResult
from taskmining.io.registry import ReaderSpec

__all__ = ["ENGINES", "SPEC", "read_xes"]

FORMAT = "xes"
ENGINES = ("auto", "pure", "rustxes")
_STR = pd.StringDtype("pyarrow", na_value=np.nan)
_FIRST = ("concept:name", "time:timestamp")


def _rustxes() -> Any:
    try:
        import rustxes
    except ImportError:
        return None
    return rustxes


def _engine(engine: str) -> str:
    if engine not in ENGINES:
        raise ParameterError(f"engine={engine!r}: use one of {', '.join(ENGINES)}")
    if engine == "auto":
        return "rustxes" if _rustxes() is not None else "pure"
    if engine == "rustxes" and _rustxes() is None:
        raise ParameterError('engine="rustxes" needs the rustxes package: pip install taskmining[fast]')
    return engine


def _order(names: list[str]) -> list[str]:
    """The column order both engines give (see the module docstring)."""
    case = sorted(n for n in names if n.startswith("case:"))
    if "case:concept:name" in case:
        case = ["case:concept:name", *[n for n in case if n != "case:concept:name"]]
    event = [n for n in _FIRST if n in names]
    event += sorted(n for n in names if not n.startswith("case:") and n not in _FIRST)
    return case + event


def _column(values: pa.Array, kind: str, key: str, naive: set[str]) -> pd.Series:
    """One typed pandas column from the attribute text (``naive``: date keys without an offset)."""
    arr = typed(kind, values, key)
    if kind == "date":
        if arr.type.tz is None:
            naive.add(key)
            return pd.Series(pd.array(arr.to_numpy(zero_copy_only=False), dtype="datetime64[ns]")).dt.tz_localize(
                "UTC")
        return pd.Series(arr.to_pandas(), dtype="datetime64[ns, UTC]")
    return _pandas(arr, kind)


def _pandas(arr: pa.Array, kind: str) -> pd.Series:
    """A typed Arrow column as the pandas dtype both engines use."""
    if kind == "int":
        return pd.Series(arr.to_numpy(zero_copy_only=False) if arr.null_count == 0
                         else pd.array(arr.to_pylist(), dtype="Int64"))
    if kind == "float":
        return pd.Series(arr.to_numpy(zero_copy_only=False), dtype="float64")
    if kind == "boolean":
        return pd.Series(arr.to_numpy(zero_copy_only=False) if arr.null_count == 0
                         else pd.array(arr.to_pylist(), dtype="boolean"))
    return pd.Series(pd.array(arr, dtype=_STR))


def _frame(parsed: Parsed, path: str) -> tuple[pd.DataFrame, set[str]]:
    """The pm4py-format frame of a parsed document, and the date columns that had no UTC offset."""
    naive: set[str] = set()
    cols: dict[str, pd.Series] = {}
    take = pa.array(parsed.event_of_trace)
    try:
        for key, values in parsed.trace.items():
            cols[f"case:{key}"] = _column(values.take(take), parsed.trace_types[key], f"case:{key}", naive)
        for key, values in parsed.event.items():
            cols[key] = _column(values, parsed.event_types[key], key, naive)
    except XesValueError as exc:
        raise IngestError(str(exc), path=path) from None
    frame = pd.DataFrame(cols, index=pd.RangeIndex(parsed.n_events))
    return frame[_order(list(frame.columns))], naive


def _read_rustxes(path: str) -> tuple[pd.DataFrame, set[str]]:
    """rustxes' frame in the same dtypes and column order (naive dates: those without an offset in the file)."""
    rx = _rustxes()
    try:
        with dropping(RUSTXES_DTYPES):  # a notice per attribute of several types: expected and handled below
            df, _ = rx.import_xes(path)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # noqa: BLE001 - the Rust reader raises its own types (a panic is a BaseException)
        raise IngestError(f"rustxes cannot read this file ({type(exc).__name__}: {exc})", path=path) from None
    table = df.to_arrow()
    cols: dict[str, pd.Series] = {}
    naive: set[str] = set()
    for name, arr in zip(table.column_names, table.columns, strict=True):
        arr = arr.combine_chunks()
        t = arr.type
        if pa.types.is_timestamp(t):
            cols[name] = pd.Series(arr.cast(pa.timestamp("ns")).to_numpy(zero_copy_only=False)).dt.tz_localize("UTC")
        elif pa.types.is_integer(t):
            cols[name] = _pandas(arr.cast(pa.int64()), "int")
        elif pa.types.is_floating(t):
            cols[name] = _pandas(arr.cast(pa.float64()), "float")
        elif pa.types.is_boolean(t):
            cols[name] = _pandas(arr, "boolean")
        else:
            text = arr.cast(pa.large_string())
            if _is_list(text):  # lists are not read (rustxes gives their debug text)
                continue
            cols[name] = _pandas(_json_text(text), "string")
    frame = pd.DataFrame(cols)
    for name in frame.columns:  # offsets are converted by rustxes: look at the file's first value of each date
        if isinstance(frame[name].dtype, pd.DatetimeTZDtype) and not _has_offset(path, name):
            naive.add(name)
    return frame[_order(list(frame.columns))], naive


_JSON_SCALAR = r'^(".*"|true|false|null|-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?)$'


def _json_text(arr: pa.Array) -> pa.Array:
    """rustxes writes a key with values of several types as JSON text (``""``, ``true``): back to the text."""
    quoted = pc.match_substring_regex(arr, r'^".*"$')
    if not pc.any(quoted).as_py() or not pc.all(pc.match_substring_regex(arr, _JSON_SCALAR)).as_py():
        return arr
    enc = pc.dictionary_encode(arr)
    plain = [json.loads(v) if v.startswith('"') else v for v in enc.dictionary.to_pylist()]
    return pa.array(plain, pa.large_string()).take(enc.indices)


def _is_list(arr: pa.Array) -> bool:
    """Whether rustxes' column holds the text of list attributes (``[Attribute { ... }]``)."""
    valid = arr.drop_null()
    return len(valid) > 0 and bool(pc.all(pc.match_substring_regex(valid, r"^\[(Attribute \{.*)?\]$")).as_py())


def _has_offset(path: str, column: str) -> bool:
    """Whether the first value of date attribute ``column`` in the file's head carries a UTC offset."""
    from taskmining.io._files import read_head

    key = column.removeprefix("case:")
    head = read_head(path, 1 << 20).decode("utf-8", "replace")
    m = re.search(r'<date\s+key="' + re.escape(key) + r'"\s+value="([^"]*)"', head)
    return m is None or re.search(r"(Z|[+-]\d\d:?\d\d)\s*$", m.group(1)) is not None


def _read(path: str | PathLike[str], engine: str) -> tuple[pd.DataFrame, set[str]]:
    spath = str(path)
    if _engine(engine) == "rustxes":
        try:
            return _read_rustxes(spath)
        except IngestError:
            if engine != "auto":
                raise  # auto: a file rustxes does not read (an empty <event/>, ...) goes to the pure path
    data = read_bytes(spath)
    parsed = parse(data)
    if parsed is None:  # outside what the vectorised parser reads: stream it (names the line of an error)
        parsed = parse_stream(data, spath)
    return _frame(parsed, spath)


def read_xes(path: str | PathLike[str], *, engine: str = "auto") -> pd.DataFrame:
    """Read an XES file into a DataFrame with pm4py's column names.

    Parameters
    ----------
    path : str or PathLike
        ``.xes``, or gzip-compressed ``.xes.gz``.
    engine : {"auto", "pure", "rustxes"}
        The reader (see the module docstring); the frame is the same.

    Returns
    -------
    pandas.DataFrame
        One row per event: ``case:concept:name`` and the other trace
        attributes (``case:`` prefix), then the event attributes; dates as
        ``datetime64[ns, UTC]`` (dates without an offset read as UTC).

    Raises
    ------
    IngestError
        Unreadable or malformed XML (names the file and line), or a value
        that is not valid for its type (names the attribute).
    ParameterError
        An unknown engine, or ``engine="rustxes"`` without rustxes installed.

    Examples
    --------
    >>> import os, tempfile
    >>> p = os.path.join(tempfile.mkdtemp(), "erp.xes")
    >>> _ = open(p, "w").write('<log><trace><string key="concept:name" value="INV-1"/>'
    ...     '<event><string key="concept:name" value="Post"/><int key="amount" value="12"/>'
    ...     '<date key="time:timestamp" value="2026-01-05T09:00:00Z"/></event></trace></log>')
    >>> read_xes(p, engine="pure").dtypes.astype(str).tolist()
    ['str', 'str', 'datetime64[ns, UTC]', 'int64']
    """
    return _read(path, engine)[0]


# --- the events frame -----------------------------------------------------------------

def _as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Every column as ``str`` (booleans lowercase, as XES writes them; empty values missing, as
    SmartRPA writes ``value=""`` for a field it has no value for)."""
    out = {}
    for name in frame.columns:
        s = frame[name]
        if pd.api.types.is_bool_dtype(s.dtype):
            s = s.map({True: "true", False: "false"})
        s = s.astype(_STR)
        out[name] = s.where(s != "")
    return pd.DataFrame(out, index=frame.index)


def _times(log: pd.DataFrame, naive: set[str], tz: str | None, path: Path) -> pd.Series:
    if "time:timestamp" not in log.columns:
        raise IngestError("the events have no time:timestamp attribute", path=str(path))
    ts = log["time:timestamp"]
    if not isinstance(ts.dtype, pd.DatetimeTZDtype):
        raise IngestError("time:timestamp is not a date attribute", path=str(path))
    if "time:timestamp" in naive:
        if tz is None:
            raise IngestError("the times have no UTC offset: pass tz= with the zone the log was recorded in "
                              "(SmartRPA writes local times)", path=str(path))
        ts = ts.dt.tz_localize(None).dt.tz_localize(tz, ambiguous="NaT", nonexistent="NaT").dt.tz_convert("UTC")
    return ts


def _read_one(path: Path, qlog: QuarantineLog, *, tz: str | None, engine: str) -> pd.DataFrame:
    log, naive = _read(path, engine)
    if len(log) == 0:
        return pd.DataFrame()
    times = _times(log, naive, tz, path)
    t = _as_text(log.drop(columns=["time:timestamp"]))
    ev = column(t, "concept:name")
    if {"category", "application"} <= set(t.columns):  # SmartRPA's UI log: its CSV columns as attributes
        from taskmining.io.formats import smartrpa

        raw_app = column(t, "application")
        app = normalise_app(raw_app)
        clip = (app == "clipboard").fillna(False).to_numpy()
        app = app.where(~clip).ffill().fillna(app)
        roles = smartrpa._roles(t, ev, app)
        action = per_value(ev, smartrpa._action)
        fields = {"user": column(t, "org:resource"), "app": app, "window": coalesce(t, ["title", "workbook"]),
                  "element_name": coalesce(t, ["tag_name", "tag_innerText", "tag_title", "cell_range",
                                               "event_src_path"]),
                  "element_id": column(t, "xpath"),
                  "value": coalesce(t, ["tag_value", "cell_content", "clipboard_content"]),
                  "url": column(t, "browser_url")}
        consumed = ["concept:name", "org:resource", "browser_url"]
    else:
        action = per_value(ev, lambda v: COMMON_EVENT_ACTIONS.get(str(v).strip().lower()))
        roles = np.full(len(t), "unknown", dtype=object)
        fields = {"user": column(t, "org:resource"), "app": normalise_app(coalesce(t, ["app", "application"]))}
        consumed = ["concept:name", "org:resource"]
    return ui_log_frame(t, times, path, FORMAT, raw_action=ev, action=action, roles=roles, fields=fields,
                        consumed=consumed)


def read(paths: Any, *, errors: str = "quarantine", tz: str | None = None, progress: bool = False,
         **options: Any) -> ReadResult:
    """Read XES files (``.xes``, ``.xes.gz``) into one events frame.

    Parameters
    ----------
    paths : path or list of paths
        Files (or folders of them). One file is one session (its file name).
    errors : {"quarantine", "raise"}
        A file that is not well-formed XES raises :class:`IngestError` (with
        the line) either way: XML has no record to quarantine.
    tz : str, optional
        The zone of times written without a UTC offset (required for them).
    progress : bool
        Progress bar over the files.
    engine : {"auto", "pure", "rustxes"}
        See :func:`read_xes`.

    Returns
    -------
    ReadResult
        The events and the quarantined records.

    Examples
    --------
    >>> from taskmining.io.registry import get_format
    >>> get_format("xes").read([]).events.shape[0]
    0
    """
    check_options(options, ("engine",), FORMAT)
    check_tz(tz)
    engine = options.get("engine", "auto")
    _engine(engine)
    return run_reader(paths, lambda p, q: _read_one(p, q, tz=tz, engine=engine), errors=errors,
                      progress=progress, fmt=FORMAT, patterns=("*.xes", "*.xes.gz"))


_ROOT = re.compile(rb"(?:\s|<\?.*?\?>|<!--.*?-->)*<log[\s>/]", re.DOTALL)


def sniff(path: Path, head: bytes) -> bool:
    """True for an XML document whose root element is ``<log>`` (XES).

    Examples
    --------
    >>> sniff(Path("a.xes"), b"<?xml version='1.0'?>\\n<log xes.version='1.0'>")
    True
    >>> sniff(Path("a.xml"), b"<rss><channel/></rss>")
    False
    """
    return _ROOT.match(head.removeprefix(b"\xef\xbb\xbf")) is not None


SPEC = ReaderSpec(
    name=FORMAT,
    description="XES event logs (SmartRPA's UI-log XES or any process-mining log); tz= for times without offset",
    extensions=(".xes", ".xes.gz"),
    sniff=sniff,
    read=read,
    priority=35,
)
