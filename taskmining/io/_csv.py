"""Shared reading for the CSV UI-log formats: records with line numbers, quarantine, robust dialects.

:func:`read_table` reads one CSV file into a frame of strings and remembers the
1-based physical line of every row, so later checks (timestamps, required
values) can quarantine a row by file and line. On the way in it

- decodes the bytes (:mod:`taskmining.io._text`: byte-order marks, UTF-16,
  Windows-1252 with a note, mojibake repaired with ftfy, conflict-marker lines);
- sniffs the delimiter (``, ; TAB |``, :func:`taskmining.io._records.sniff_delimiter`);
- finds record boundaries, multi-line quoted cells included, without letting a
  stray quote swallow later rows (:func:`taskmining.io._records.split_records`);
- names empty header fields (``column_7``) or drops them when their column is
  empty too (trailing delimiters), and numbers repeated names (``name.1``);
- reads files without a header line when their width matches a known layout;
- quarantines rows with the wrong number of fields.

Parsing is pyarrow's, with Python's csv module as the fallback when the two
disagree on record boundaries.

Examples
--------
>>> import os, tempfile
>>> from taskmining.io.quarantine import QuarantineLog
>>> p = os.path.join(tempfile.mkdtemp(), "log.csv")
>>> with open(p, "w") as f:
...     _ = f.write('a;b\\n1;2\\n3;4;5\\n"x\\ny";6\\n')
>>> q = QuarantineLog()
>>> t = read_table(p, q)
>>> t.frame["a"].tolist(), t.lines.tolist()
(['1', 'x\\ny'], [2, 4])
>>> q.to_frame()[["line", "reason"]].values.tolist()
[[3, 'expected 2 fields, found 3']]
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from os import PathLike

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from taskmining.errors import IngestError
from taskmining.io._records import loose_fields, sniff_delimiter, split_records
from taskmining.io._text import decode_text
from taskmining.io._times import infer_missing_times, parse_times
from taskmining.io.quarantine import QuarantineLog
from taskmining.schema import STRING_DTYPE

#: The column (packed into ``attrs``) that marks a row whose time was inferred.
TIME_INFERRED = "time_inferred"

__all__ = ["TIME_INFERRED", "CsvTable", "flag_inferred", "header_fields", "headerless_layout", "read_table", "read_timed"]

_LOOKS_LIKE_TIME = re.compile(r"^\s*(?:[0-9]{9,19}(?:\.[0-9]+)?|[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9:.]+.*)\s*$")
_BLOCK = 1 << 20
_MAX_HEADER = 1 << 20  # a header line longer than this is not a CSV log (a zeroed or binary file)


@dataclass
class CsvTable:
    """One CSV file read into strings.

    Attributes
    ----------
    path : str
        The file.
    frame : pandas.DataFrame
        One ``str`` column per header field (missing values for empty fields).
    lines : numpy.ndarray
        The 1-based physical line where each row starts.
    raw : numpy.ndarray
        ``(start, end)`` byte offsets of each row in ``data``.
    data : bytes
        The decoded content as UTF-8.
    notes : list of str
        What was assumed or repaired while decoding (see :func:`taskmining.io._text.decode_text`).
    headerless : bool
        True when the file had no header line and a known layout named its columns.
    delimiter : str
        The field delimiter found by sniffing.
    """

    path: str
    frame: pd.DataFrame
    lines: np.ndarray
    raw: np.ndarray
    data: bytes
    notes: list[str] = field(default_factory=list)
    headerless: bool = False
    delimiter: str = ","

    def raw_text(self, i: int) -> str:
        """The original text of row ``i``."""
        s, e = self.raw[i]
        return self.data[s:e].decode("utf-8", errors="replace").rstrip("\r")

    def quarantine(self, bad: np.ndarray | pd.Series, reasons: pd.Series | str, qlog: QuarantineLog) -> np.ndarray:
        """Send the rows flagged in ``bad`` to ``qlog``; return the mask of rows kept."""
        bad = np.asarray(bad, dtype=bool)
        idx = np.flatnonzero(bad)
        if len(idx):
            texts = [reasons] * len(bad) if isinstance(reasons, str) else np.asarray(reasons, dtype=object)
            for i in idx:
                reason = str(texts[i])
                qlog.add(self.path, int(self.lines[i]) if self.lines[i] > 0 else None, reason, self.raw_text(int(i)))
        return ~bad

    def take(self, keep: np.ndarray) -> CsvTable:
        """The table restricted to the rows where ``keep`` is true."""
        keep = np.asarray(keep, dtype=bool)
        return CsvTable(self.path, self.frame.loc[keep].reset_index(drop=True), self.lines[keep],
                        self.raw[keep], self.data, self.notes, self.headerless, self.delimiter)


def _fields(text: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except (csv.Error, StopIteration):
        return []


def _clean_header(names: list[str]) -> list[str]:
    """Strip names, name empty ones ``column_<n>`` and number repeats ``name.1``, ``name.2``."""
    out: list[str] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(names):
        name = raw.strip().lstrip("\ufeff") or ("index" if i == 0 else f"column_{i + 1}")
        base = name
        while name in seen:
            seen[base] += 1
            name = f"{base}.{seen[base]}"
        seen.setdefault(name, 0)
        out.append(name)
    return out


def headerless_layout(fields: Sequence[str], layouts: Sequence[Sequence[str]]) -> Sequence[str] | None:
    """The layout among ``layouts`` that a first line without a header matches, if any.

    It matches when the line has as many fields as the layout, none of them is
    one of its column names, and the first is a time.

    Examples
    --------
    >>> headerless_layout(["1548300273232", "", "x"], [("a", "b"), ("time", "user", "url")])
    ('time', 'user', 'url')
    >>> headerless_layout(["time", "user", "url"], [("time", "user", "url")]) is None
    True
    """
    if not fields or not _LOOKS_LIKE_TIME.match(fields[0]):
        return None
    names = {f.strip() for f in fields}
    return next((lay for lay in layouts if len(lay) == len(fields) and not names & set(lay)), None)


def _drop_empty_named(frame: pd.DataFrame, header: list[str], raw_names: list[str]) -> pd.DataFrame:
    """Columns whose header field was empty and that hold nothing (trailing delimiters) are left out."""
    empty = [h for h, r in zip(header, raw_names) if not r.strip() and h != "index" and frame[h].isna().all()]
    return frame.drop(columns=empty) if empty else frame


def _parse_arrow(body: bytes, width: int, delimiter: str, multiline: bool,
                 longest: int) -> tuple[pa.Table, list[tuple[int, int, str]]]:
    invalid: list[tuple[int, int, str]] = []

    def handler(row: pacsv.InvalidRow) -> str:
        invalid.append((row.expected_columns, row.actual_columns, row.text or ""))
        return "skip"

    names = [f"c{i}" for i in range(width)]
    table = pacsv.read_csv(
        io.BytesIO(body),
        read_options=pacsv.ReadOptions(column_names=names, skip_rows=1, use_threads=False,
                                       block_size=max(_BLOCK, 2 * longest + 16)),
        parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=multiline,
                                          invalid_row_handler=handler),
        convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names},
                                             strings_can_be_null=True, null_values=[""]),
    )
    return table, invalid


def _parse_python(texts: list[str], width: int, delimiter: str) -> tuple[pd.DataFrame, list[int]]:
    """Rows by Python's csv module, one record at a time; indices of rows with the wrong width."""
    rows: list[list[str | None]] = []
    wrong: list[int] = []
    for i, text in enumerate(texts):
        try:
            got = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        except csv.Error:
            got = []
        fields = got[0] if len(got) == 1 else []
        if len(fields) != width:
            wrong.append(i)
            continue
        rows.append([f if f != "" else None for f in fields])
    frame = pd.DataFrame(rows, columns=[f"c{i}" for i in range(width)], dtype=object)
    return frame, wrong


def _parse_records(pieces: list[bytes], loose: np.ndarray, width: int,
                   delimiter: str) -> tuple[pd.DataFrame, np.ndarray]:
    """The rows of ``pieces`` (record texts) and the mask of records that had the right width.

    Regular records go to pyarrow in one body; records cut short (``loose``)
    are read leniently and padded; when pyarrow and the record boundaries
    disagree, every record is read with Python's csv module.
    """
    keep = np.ones(len(pieces), dtype=bool)
    regular = np.flatnonzero(~loose)
    body = [pieces[i] for i in regular]
    frame: pd.DataFrame | None = None
    head = delimiter.join(f"c{i}" for i in range(width)).encode() + b"\n"
    try:
        table, invalid = _parse_arrow(head + b"\n".join(body) + b"\n", width, delimiter,
                                      any(b"\n" in p for p in body), max((len(p) for p in body), default=0))
    except (pa.ArrowInvalid, pa.ArrowException):
        table, invalid = None, []
    if table is not None and table.num_rows + len(invalid) == len(body):
        by_text: dict[str, list[int]] = {}
        for i in regular if invalid else ():
            by_text.setdefault(pieces[i].decode("utf-8", errors="replace").rstrip("\r"), []).append(int(i))
        for _, _, text in invalid:
            hits = by_text.get(text.rstrip("\r"))
            if not hits:
                table = None  # cannot tell which row it was: read row by row
                break
            keep[hits.pop(0)] = False
        if table is not None:
            frame = table.to_pandas()
            frame.index = regular[keep[regular]]
    if frame is None:
        keep[:] = True
        frame, wrong = _parse_python([pieces[i].decode("utf-8", errors="replace") for i in regular], width,
                                     delimiter)
        keep[regular[wrong]] = False
        frame.index = regular[keep[regular]]
    if loose.any():
        rows = []
        for i in np.flatnonzero(loose):
            fields = loose_fields(pieces[i].decode("utf-8", errors="replace").rstrip("\r") + '"', delimiter)
            rows.append([f if f != "" else None for f in fields] + [None] * (width - len(fields)))
        extra = pd.DataFrame(rows, columns=frame.columns, index=np.flatnonzero(loose), dtype=object)
        frame = pd.concat([frame.astype(object), extra]).sort_index()
    return frame.reset_index(drop=True), keep


def read_table(
    path: str | PathLike[str],
    qlog: QuarantineLog,
    *,
    required: Sequence[str] = (),
    aliases: Mapping[str, str] | None = None,
    layouts: Sequence[Sequence[str]] = (),
) -> CsvTable:
    """Read one CSV file into strings, quarantining malformed, undecodable and garbage rows.

    Parameters
    ----------
    path : path-like
        The CSV file (gzip is decompressed transparently).
    qlog : QuarantineLog
        Receives bad rows (or raises with ``errors="raise"``).
    required : sequence of str
        Columns the format needs; a missing one is an :class:`IngestError`
        naming the file and the column, whatever ``errors`` says.
    aliases : mapping, optional
        Other spellings of a column (``{"target.class": "target.className"}``),
        applied when the canonical name is absent.
    layouts : sequence of sequences of str
        The column names of the format's files without a header line: a file
        whose first line has as many fields as one of them, none of them a
        column name, and a time first, is read with those names.

    Returns
    -------
    CsvTable
        Empty (no columns) for an empty file.

    Examples
    --------
    >>> import os, tempfile
    >>> p = os.path.join(tempfile.mkdtemp(), "x.csv")
    >>> _ = open(p, "w").write("a\\n1\\n")
    >>> read_table(p, QuarantineLog(), required=["b"])
    Traceback (most recent call last):
    ...
    taskmining.errors.IngestError: ...x.csv, column 'b': missing required column 'b' (columns: a)
    """
    from taskmining.io._files import read_bytes

    spath = str(path)
    raw_bytes = read_bytes(path)
    if len(raw_bytes) > _MAX_HEADER and raw_bytes.find(b"\n", 0, _MAX_HEADER) < 0:
        raise IngestError(f"no line break in the first {_MAX_HEADER >> 20} MiB: not a CSV log", path=spath)
    decoded = decode_text(raw_bytes)
    del raw_bytes
    lines = decoded.text.split("\n")
    for text in decoded.notes:
        qlog.note(spath, text)
    for k, reason in sorted(decoded.bad.items()):
        if k == 1 and lines[0].strip():
            raise IngestError(f"the header line is unreadable: {reason}", path=spath, line=1)
        qlog.add(spath, k, reason, lines[k - 1].rstrip("\r"))
        lines[k - 1] = ""
    data = "\n".join(lines).encode("utf-8", errors="replace")
    empty = CsvTable(spath, pd.DataFrame(), np.zeros(0, np.int64), np.zeros((0, 2), np.int64), data, decoded.notes)
    if not data.strip():
        return empty
    delimiter = sniff_delimiter(decoded.text if not decoded.bad else data.decode("utf-8"))
    first_line = next((x for x in data.split(b"\n") if x.strip()), b"")
    raw_names = _fields(first_line.decode("utf-8").rstrip("\r"), delimiter)
    layout = headerless_layout(raw_names, layouts)
    headerless = layout is not None
    if layout is not None:
        raw_names = list(layout)
    header = _clean_header(raw_names)
    if aliases:
        header = [aliases[n] if n in aliases and aliases[n] not in header else n for n in header]
    for col in required:
        if col not in header:
            raise IngestError(f"missing required column {col!r} (columns: {', '.join(header)})",
                              path=spath, column=col)
    width = len(header)
    rec = split_records(data, delimiter, width)
    for line in rec.bad:
        qlog.add(spath, line, "a stray quote that would swallow the following lines", lines[line - 1].rstrip("\r"))
    first = 0 if headerless else 1
    pieces = [data[int(s):int(e)] for s, e in zip(rec.starts[first:], rec.stops[first:])]
    starts, stops, row_lines = rec.starts[first:], rec.stops[first:], rec.lines[first:]
    frame, keep = _parse_records(pieces, rec.loose[first:], width, delimiter)
    for i in np.flatnonzero(~keep):
        text = pieces[i].decode("utf-8", errors="replace").rstrip("\r")
        found = len(_fields(text, delimiter)) if "\n" not in text else -1
        why = f"expected {width} fields, found {found}" if found >= 0 else f"expected {width} fields"
        qlog.add(spath, int(row_lines[i]), why, text)
    short = int(rec.loose[first:][keep].sum())
    if short:
        qlog.note(spath, f"{short} row(s) end in a quoted cell left open at the end of the line (the rest of "
                         "the record was never written): read with their missing trailing fields empty")
    frame.columns = header
    frame = _drop_empty_named(frame, header, raw_names)
    for col in frame.columns:
        if frame[col].dtype != STRING_DTYPE:
            frame[col] = frame[col].astype(STRING_DTYPE)
    raw = np.stack([starts[keep], stops[keep]], axis=1) if len(pieces) else np.zeros((0, 2), np.int64)
    return CsvTable(spath, frame.reset_index(drop=True), row_lines[keep], raw, data, decoded.notes, headerless,
                    delimiter)


def header_fields(head: bytes) -> list[str]:
    """The header fields of a CSV head (for ``sniff``), any delimiter and encoding; empty when not CSV text.

    Examples
    --------
    >>> header_fields(b'\\xef\\xbb\\xbf"a";"b"\\r\\n1;2\\n')
    ['a', 'b']
    """
    try:
        text = decode_text(head).text
    except (UnicodeError, ValueError):
        return []
    first = text.lstrip("\r\n").split("\n", 1)[0].rstrip("\r")
    if not first or "\x00" in first:
        return []
    return [f.strip() for f in _fields(first, sniff_delimiter(text))]


def flag_inferred(frame: pd.DataFrame, inferred: np.ndarray, qlog: QuarantineLog,
                  path: str | PathLike[str]) -> pd.DataFrame:
    """``frame`` with a :data:`TIME_INFERRED` column (true where ``inferred``) and a note, when any is.

    Examples
    --------
    >>> q = QuarantineLog()
    >>> flag_inferred(pd.DataFrame({"a": ["x", "y"]}), np.array([False, True]), q, "f.csv")[TIME_INFERRED].tolist()
    [<NA>, True]
    >>> q.notes
    ["f.csv: 1 row(s) without a timestamp read at their place in file order with the time of the timed row before them, flagged 'time_inferred'"]
    """
    if not inferred.any():
        return frame
    qlog.note(str(path), f"{int(inferred.sum())} row(s) without a timestamp read at their place in file "
                         f"order with the time of the timed row before them, flagged {TIME_INFERRED!r}")
    flag = pd.Series([True if x else None for x in inferred], dtype="boolean", index=frame.index)
    return frame.assign(**{TIME_INFERRED: flag})


def read_timed(path: str | PathLike[str], qlog: QuarantineLog, *, tz: str | None, time_columns: Sequence[str],
               required: Sequence[str] = (), aliases: Mapping[str, str] | None = None,
               one_of: Sequence[Sequence[str]] = (),
               layouts: Sequence[Sequence[str]] = (),
               infer_missing: bool = True) -> tuple[CsvTable, pd.Series] | None:
    """:func:`read_table`, then the times of the first of ``time_columns`` present; bad ones quarantined.

    With ``infer_missing``, a row whose time field is empty, in a file where
    other rows have times, is kept with the time of its neighbouring timed row
    (:func:`taskmining.io._times.infer_missing_times`) and a ``time_inferred``
    column that is true for it (readers pack it into ``attrs``); a note gives
    the count. Interval formats pass ``False``: a begin time defines a duration.

    Returns ``None`` for a file without rows. A file with none of
    ``time_columns`` (or of a group in ``one_of``) is an :class:`IngestError`
    naming the first.

    Examples
    --------
    >>> import os, tempfile
    >>> p = os.path.join(tempfile.mkdtemp(), "x.csv")
    >>> _ = open(p, "w").write("time,a\\n2020-01-01T00:00:00Z,1\\nnever,2\\n")
    >>> table, times = read_timed(p, QuarantineLog(), tz=None, time_columns=["ts", "time"])
    >>> table.frame["a"].tolist(), table.lines.tolist()
    (['1'], [2])
    >>> _ = open(p, "w").write("time,a\\n2020-01-01T00:00:00Z,1\\n,2\\n")
    >>> table, times = read_timed(p, QuarantineLog(), tz=None, time_columns=["time"])
    >>> table.frame["time_inferred"].tolist(), times.tolist() == [times[0]] * 2
    ([<NA>, True], True)
    """
    table = read_table(path, qlog, required=required, aliases=aliases, layouts=layouts)
    if table.frame.shape[1] == 0:
        return None
    names = list(table.frame.columns)
    for group in (time_columns, *one_of):
        if not any(c in names for c in group):
            alt = f" or {', '.join(repr(c) for c in group[1:])}" if len(group) > 1 else ""
            raise IngestError(f"missing required column {group[0]!r}{alt} (columns: {', '.join(names)})",
                              path=str(path), column=group[0])
    ts_col = next(c for c in time_columns if c in names)
    if len(table.frame) == 0:
        return None
    times, why = parse_times(table.frame[ts_col], tz=tz, path=str(path), column=ts_col)
    inferred = np.zeros(len(times), dtype=bool)
    if infer_missing:
        times, why, inferred = infer_missing_times(times, why)
    keep = table.quarantine(why.notna().to_numpy(), why, qlog)
    table = table.take(keep)
    table.frame = flag_inferred(table.frame, inferred[keep], qlog, path)
    return table, times[keep].reset_index(drop=True)
