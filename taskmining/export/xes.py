"""Streaming XES export (IEEE 1849-2016): ``write_xes``.

The log is written case chunk by case chunk, never as a whole tree: rows are
ordered by case (an index of about 16 bytes per event), then each chunk of
whole cases is turned into pm4py-format rows (:func:`~taskmining.export.to_pm4py`)
and written. Memory beyond the input frame is that index plus one chunk.

Two writers produce the same document:

- ``engine="text"`` (default): the XML text of a whole chunk is assembled
  with vectorised pyarrow string kernels, with XML escaping of every value
  (``& < > "``, tabs and line breaks as character references, characters
  XML 1.0 forbids removed). Measured about 10x faster than ``engine="lxml"``
  (benchmarks/RESULTS-export.md), hence the default.
- ``engine="lxml"``: lxml's incremental writer (``lxml.etree.xmlfile``), one
  element per event; needs the ``xes`` extra (``pip install taskmining[xes]``).

Attributes are typed from the pm4py frame's dtypes: ``date`` (with the UTC
offset), ``int``, ``float``, ``boolean``, ``string``; missing values are
left out. Columns named ``case:<key>`` become trace attributes ``<key>``.
The concept, time, organizational and lifecycle extensions are declared,
with global attributes (``concept:name``, ``time:timestamp``,
``lifecycle:transition``) and classifiers.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator, Sequence
from itertools import pairwise
from os import PathLike
from pathlib import Path
from typing import IO, Any, Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from taskmining._progress import progress as _progress
from taskmining.errors import ExportError, ParameterError
from taskmining.export._check import (
    STR,
    as_str,
    check_choice,
    is_pm4py_frame,
    join_text,
    require_columns,
    require_rows,
    unassigned_mask,
    utc_times,
    value_kind,
)
from taskmining.export._xes_text import INVALID_XML, escape, piece, text
from taskmining.export.pm4py_frame import ACTIVITY, CASE, DEFAULT_ATTRIBUTES, TIME, pm4py_log
from taskmining.mining.levels import activities_once

__all__ = ["EXTENSIONS", "write_xes"]

#: (name, prefix, uri) of the standard extensions the writer declares.
EXTENSIONS: tuple[tuple[str, str, str], ...] = (
    ("Concept", "concept", "http://www.xes-standard.org/concept.xesext"),
    ("Time", "time", "http://www.xes-standard.org/time.xesext"),
    ("Organizational", "org", "http://www.xes-standard.org/org.xesext"),
    ("Lifecycle", "lifecycle", "http://www.xes-standard.org/lifecycle.xesext"),
)
_CLASSIFIERS = (("Activity", "concept:name"), ("Activity and lifecycle", "concept:name lifecycle:transition"),
                ("Resource", "org:resource"))
_LIFECYCLE = "lifecycle:transition"


def _xes_type(series: pd.Series) -> str:
    return value_kind(series)


# --- the document -----------------------------------------------------------

def _header(log_name: str) -> str:
    ext = "".join(f'<extension name="{n}" prefix="{p}" uri="{u}"/>\n' for n, p, u in EXTENSIONS)
    cls = "".join(f'<classifier name="{n}" keys="{k}"/>\n' for n, k in _CLASSIFIERS)
    name = escape(pa.array([log_name], STR))[0].as_py()
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<log xes.version="1849-2016" xes.features="nested-attributes">\n' + ext +
            '<global scope="trace">\n<string key="concept:name" value="__INVALID__"/>\n</global>\n'
            '<global scope="event">\n<string key="concept:name" value="__INVALID__"/>\n'
            '<date key="time:timestamp" value="1970-01-01T00:00:00.000+00:00"/>\n'
            '<string key="lifecycle:transition" value="complete"/>\n</global>\n' + cls +
            f'<string key="concept:name" value="{name}"/>\n')


def _split_columns(log: pd.DataFrame) -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str]]]:
    """(column, key, type) of trace and event attributes."""
    trace, event = [], []
    for col in log.columns:
        if col.startswith("case:"):
            trace.append((col, col[5:], _xes_type(log[col])))
        else:
            event.append((col, col, _xes_type(log[col])))
    if not any(c == _LIFECYCLE for c, _, _ in event):
        event.insert(2, (_LIFECYCLE, _LIFECYCLE, "string"))
    return trace, event


def _chunk_text(log: pd.DataFrame) -> memoryview:
    """UTF-8 XML of the traces in ``log`` (rows of whole cases, sorted by case and time)."""
    log = log.reset_index(drop=True)
    if _LIFECYCLE not in log.columns:
        log = log.assign(**{_LIFECYCLE: pd.Series("complete", index=log.index, dtype="str")})
    trace_cols, event_cols = _split_columns(log)
    case = log[CASE].to_numpy()
    first = np.r_[True, case[1:] != case[:-1]]
    last = np.r_[first[1:], True]
    starts = np.flatnonzero(first)
    head = log.iloc[starts]
    traces = join_text("<trace>\n", *[piece(head[col], key, kind) for col, key, kind in trace_cols])
    if isinstance(traces, pa.ChunkedArray):
        traces = traces.combine_chunks()
    traces = pa.concat_arrays([traces, pa.array([""], STR)])
    opening = pc.take(traces, pa.array(np.where(first, np.cumsum(first) - 1, len(starts))))
    closing = pa.array(np.where(last, "</event>\n</trace>\n", "</event>\n").astype(object), STR)
    pieces = [piece(log[col], key, kind) for col, key, kind in event_cols]
    rows = join_text(opening, "<event>\n", *pieces, closing)
    return _utf8(rows)


def _utf8(rows: pa.Array) -> memoryview:
    """The UTF-8 bytes of all strings of ``rows``, concatenated (a view of Arrow's data buffer)."""
    rows = pc.cast(rows, STR)
    if rows.null_count:
        rows = pc.fill_null(rows, "")
    offsets = np.frombuffer(rows.buffers()[1], dtype=np.int64)[rows.offset:rows.offset + len(rows) + 1]
    data = rows.buffers()[2]
    if data is None or len(rows) == 0:
        return memoryview(b"")
    return memoryview(data)[int(offsets[0]):int(offsets[-1])]


def _write_lxml(out: IO[bytes], log_name: str, chunks: Iterator[pd.DataFrame]) -> None:
    try:
        from lxml import etree
    except ImportError:  # pragma: no cover - depends on the environment
        raise ExportError('write_xes(engine="lxml") needs lxml: pip install taskmining[xes]') from None
    with etree.xmlfile(out, encoding="utf-8") as xf:
        xf.write_declaration()
        with xf.element("log", {"xes.version": "1849-2016", "xes.features": "nested-attributes"}):
            for name, prefix, uri in EXTENSIONS:
                xf.write(etree.Element("extension", name=name, prefix=prefix, uri=uri))
            for scope, items in (("trace", [("string", "concept:name", "__INVALID__")]),
                                 ("event", [("string", "concept:name", "__INVALID__"),
                                            ("date", "time:timestamp", "1970-01-01T00:00:00.000+00:00"),
                                            ("string", _LIFECYCLE, "complete")])):
                g = etree.Element("global", scope=scope)
                for kind, key, value in items:
                    etree.SubElement(g, kind, key=key, value=value)
                xf.write(g)
            for name, keys in _CLASSIFIERS:
                xf.write(etree.Element("classifier", name=name, keys=keys))
            xf.write(etree.Element("string", key="concept:name", value=_clean(log_name)))
            for log in chunks:
                _lxml_chunk(xf, etree, log)


def _clean(value: str) -> str:
    return pc.replace_substring_regex(pa.array([value]), INVALID_XML, "")[0].as_py()


def _lxml_chunk(xf: Any, etree: Any, log: pd.DataFrame) -> None:
    log = log.reset_index(drop=True)
    if _LIFECYCLE not in log.columns:
        log = log.assign(**{_LIFECYCLE: "complete"})
    trace_cols, event_cols = _split_columns(log)
    texts = {col: pc.replace_substring_regex(_raw_text(log[col], kind), INVALID_XML, "").to_pylist()
             for col, _, kind in trace_cols + event_cols}
    case = log[CASE].to_numpy()
    bounds = np.flatnonzero(np.r_[True, case[1:] != case[:-1], True])
    for a, b in pairwise(bounds):
        trace = etree.Element("trace")
        for col, key, kind in trace_cols:
            if texts[col][a] is not None:
                etree.SubElement(trace, kind, key=key, value=texts[col][a])
        for i in range(a, b):
            ev = etree.SubElement(trace, "event")
            for col, key, kind in event_cols:
                v = texts[col][i]
                if v is not None:
                    etree.SubElement(ev, kind, key=key, value=v)
        xf.write(trace)


def _raw_text(series: pd.Series, kind: str) -> pa.Array:
    """Unescaped XES text of a column (lxml escapes on write)."""
    if kind == "string":
        return pa.array(as_str(series).to_numpy(dtype=object), type=STR, from_pandas=True)
    values = text(series, kind)
    return join_text(values, "+00:00") if kind == "date" else values


# --- chunking ---------------------------------------------------------------

def _case_chunks(frame: pd.DataFrame, case_col: str, time_col: str | None, missing: np.ndarray,
                 chunk_size: int) -> list[np.ndarray]:
    """Row positions of ``frame`` in chunks of whole cases, ordered by case (and time)."""
    codes = pd.factorize(frame[case_col], sort=True)[0]
    codes = codes.astype("int32") if len(codes) < 2**31 else codes
    keep = np.flatnonzero(~missing)
    if time_col is None:
        order = keep[np.argsort(codes[keep], kind="stable")]
    else:
        tint = frame[time_col].to_numpy(dtype="datetime64[ns]").view("int64")[keep]
        order = keep[np.lexsort((tint, codes[keep]))]
    sorted_codes = codes[order]
    starts = np.flatnonzero(np.r_[True, sorted_codes[1:] != sorted_codes[:-1]])
    targets = np.arange(0, len(order), max(int(chunk_size), 1))
    cuts = np.unique(np.r_[starts[np.minimum(np.searchsorted(starts, targets), len(starts) - 1)], len(order)])
    return [order[a:b] for a, b in pairwise(cuts) if b > a]


def _used_columns(tasks: pd.DataFrame, case_col: str, activity_col: str,
                  attributes: Sequence[str] | None) -> list[str]:
    """The columns :func:`~taskmining.export.to_pm4py` reads (the others are not copied chunk by chunk)."""
    wanted = {case_col, activity_col, "timestamp", "user", "task", "step_id", "event_id",
              *(DEFAULT_ATTRIBUTES if attributes is None else attributes)}
    return [c for c in tasks.columns if c in wanted]


def _remove_partial(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass


def write_xes(
    tasks: pd.DataFrame,
    path: str | PathLike[str],
    *,
    level: Literal["step", "event", "activity"] = "step",
    case_col: str = "case_id",
    activity_col: str = "step",
    attributes: Sequence[str] | None = None,
    unassigned: Literal["drop", "raise"] = "drop",
    tz: str | None = None,
    log_name: str | None = None,
    engine: Literal["text", "lxml"] = "text",
    chunk_size: int = 50_000,
    compresslevel: int = 6,
    progress: bool = False,
) -> Path:
    """Write the tasks frame (or a pm4py-format log) as an XES file, streaming.

    Parameters
    ----------
    tasks : pandas.DataFrame
        The tasks frame (converted with :func:`~taskmining.export.to_pm4py`
        chunk by chunk (at ``level="activity"`` activities are built once on
        the whole log first), with ``level``, ``case_col``, ``activity_col``,
        ``attributes``, ``unassigned`` and ``tz``), or a pm4py-format frame
        with ``case:concept:name``, ``concept:name`` and ``time:timestamp``
        (for example the combined log of :func:`~taskmining.export.link_to_process`),
        written as it is.
    path : str or PathLike
        ``.xes`` or ``.xes.gz`` (gzip-compressed).
    log_name : str, optional
        The log's ``concept:name``; default the file name without extension.
    engine : {"text", "lxml"}, default "text"
        Vectorised text writer or lxml's incremental writer (same document).
    chunk_size : int, default 50000
        Events per chunk (whole cases; a case larger than that is one chunk).
    compresslevel : int, default 6
        gzip level for ``.xes.gz``.
    progress : bool, default False
        Show a progress bar over chunks.

    Returns
    -------
    pathlib.Path
        The written file.

    Raises
    ------
    SchemaError
        Missing columns or times (see :func:`~taskmining.export.to_pm4py`).
    ExportError
        An empty log, or the file cannot be written (names it).

    Examples
    --------
    >>> import pandas as pd, tempfile, os
    >>> from taskmining.export.xes import write_xes
    >>> tasks = pd.DataFrame({
    ...     "timestamp": pd.to_datetime(["2026-01-05 09:00", "2026-01-05 09:01"], utc=True),
    ...     "user": "u1", "case_id": ["c1", "c1"], "step": ["Open", "Save & close"]})
    >>> path = write_xes(tasks, os.path.join(tempfile.mkdtemp(), "log.xes"))
    >>> text = path.read_text()
    >>> text.count("<trace>"), text.count("<event>"), 'value="Save &amp; close"' in text
    (1, 2, True)
    """
    what = "write_xes"
    check_choice(engine, "engine", ("text", "lxml"))
    if not isinstance(chunk_size, (int, np.integer)) or chunk_size < 1:
        raise ParameterError(f"chunk_size={chunk_size!r} must be a positive integer")
    path = Path(path)
    pm4py_input = is_pm4py_frame(tasks)
    if pm4py_input:
        require_columns(tasks, [CASE, ACTIVITY, TIME], what=what)
        require_rows(tasks, what=what)
        missing = unassigned_mask(tasks, CASE, unassigned=unassigned, what=what)
        utc_times(tasks, TIME, what=what, tz=tz)
        chunks_idx = _case_chunks(tasks, CASE, TIME, missing, chunk_size)
    else:
        require_columns(tasks, [case_col, activity_col, "timestamp"], what=what)
        if level == "activity":  # activities (and their masking) are found on the whole log, not per chunk
            tasks = activities_once(tasks, case_col=case_col)
        require_rows(tasks, what=what)
        missing = unassigned_mask(tasks, case_col, unassigned=unassigned, what=what)
        times = tasks[["timestamp"]]  # one column: checked before the file is created
        utc_times(times.loc[~missing] if missing.any() else times, "timestamp", what=what, tz=tz)
        chunks_idx = _case_chunks(tasks, case_col, None, missing, chunk_size)
    if not chunks_idx:
        require_rows(tasks.iloc[:0], what=what, after=f" with a {CASE if pm4py_input else case_col}")

    source = tasks if pm4py_input or level not in ("event", "step") else \
        tasks[_used_columns(tasks, case_col, activity_col, attributes)]

    def chunks() -> Iterator[pd.DataFrame]:
        for idx in _progress(chunks_idx, enabled=progress, desc="write_xes", unit="chunk"):
            part = source.iloc[idx]
            if pm4py_input:
                yield part.assign(**{TIME: utc_times(part, TIME, what=what, tz=tz)})
            else:
                yield pm4py_log(part, level=level, case_col=case_col, activity_col=activity_col,
                                attributes=attributes, unassigned="raise", tz=tz, what=what)

    name = log_name if log_name is not None else path.name.split(".")[0]
    try:
        with open(path, "wb") as raw:
            out: IO[bytes] = (gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=compresslevel)  # type: ignore[assignment]
                              if path.name.endswith(".gz") else raw)
            with out:
                if engine == "lxml":
                    _write_lxml(out, name, chunks())
                else:
                    out.write(_header(name).encode("utf-8"))
                    for log in chunks():
                        out.write(_chunk_text(log))
                    out.write(b"</log>\n")
    except OSError as exc:
        _remove_partial(path)
        raise ExportError(f"{path}: cannot write: {exc.strerror or exc}") from None
    except BaseException:
        _remove_partial(path)  # no half-written log is left behind
        raise
    return path
