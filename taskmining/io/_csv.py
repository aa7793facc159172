"""Shared reading for the CSV UI-log formats: records with line numbers, quarantine, mapping helpers.

:func:`read_table` reads one CSV file into a frame of strings and remembers the
1-based physical line of every row, so later checks (timestamps, required
values) can quarantine a row by file and line. Rows with the wrong number of
fields and rows with bytes that are not UTF-8 are quarantined on the way in.
Parsing is pyarrow's; record boundaries are found with numpy (a newline ends a
record when an even number of quote characters precedes it), so nothing loops
per row in Python.

Examples
--------
>>> import os, tempfile
>>> from taskmining.io.quarantine import QuarantineLog
>>> p = os.path.join(tempfile.mkdtemp(), "log.csv")
>>> with open(p, "w") as f:
...     _ = f.write('a,b\\n1,2\\n3,4,5\\n"x\\ny",6\\n')
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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from os import PathLike

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from taskmining.errors import IngestError, ParameterError
from taskmining.io.quarantine import QuarantineLog
from taskmining.schema import STRING_DTYPE, TIMESTAMP_DTYPE

_BOM = b"\xef\xbb\xbf"
_NL = 10
_QUOTE = 34
# a zone at the end of a stripped time; written so that pandas runs it with Arrow's regex engine
_OFFSET = r"(?:[zZ]|[+-][0-9][0-9](?::?[0-9][0-9])?)$"


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
        The file content (without a UTF-8 byte-order mark).
    """

    path: str
    frame: pd.DataFrame
    lines: np.ndarray
    raw: np.ndarray
    data: bytes

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
                        self.raw[keep], self.data)


def _records(data: bytes) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Start, end (exclusive, without the newline) and 1-based line of every record."""
    arr = np.frombuffer(data, dtype=np.uint8)
    nl = np.flatnonzero(arr == _NL)
    quotes = np.flatnonzero(arr == _QUOTE)
    ends = nl[(np.searchsorted(quotes, nl) % 2) == 0] if len(quotes) else nl
    starts = np.concatenate(([0], ends + 1))
    stops = np.concatenate((ends, [len(arr)]))
    if starts[-1] >= len(arr):  # file ends with a newline: no record after it
        starts, stops = starts[:-1], stops[:-1]
    lines = np.searchsorted(nl, starts, side="left") + 1
    return starts.astype(np.int64), stops.astype(np.int64), lines.astype(np.int64)


def _records_by_csv(data: bytes, *, known: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray, bytes]:
    """Non-empty records as Python's csv module splits them (slow path); lines -1 unless ``known``."""
    text = data.decode("utf-8")
    phys = io.StringIO(text, newline="").readlines()  # the lines csv counts (\n, \r\n and \r)
    size = np.array([len(x.encode()) for x in phys], dtype=np.int64)
    offset = np.concatenate(([0], np.cumsum(size)))
    spans, prev = [], 0
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for row in reader:
            if row:
                spans.append((prev + 1, reader.line_num))
            prev = reader.line_num
    except csv.Error:
        spans = []
    first = np.array([a for a, _ in spans], dtype=np.int64)
    starts = offset[first - 1] if len(spans) else first
    stops = np.array([offset[b - 1] + len(phys[b - 1].rstrip("\r\n").encode()) for _, b in spans], dtype=np.int64)
    lines = first if known else np.full(len(first), -1, dtype=np.int64)
    return starts.astype(np.int64), stops, lines, data


def _bad_utf8(data: bytes, starts: np.ndarray, stops: np.ndarray) -> list[int]:
    """Indices of records that contain bytes that are not UTF-8."""
    bad: list[int] = []
    view = memoryview(data)
    pos = 0
    while pos < len(data):
        try:
            str(view[pos:], "utf-8")
            break
        except UnicodeDecodeError as exc:
            k = int(np.searchsorted(starts, pos + exc.start, side="right") - 1)
            bad.append(k)
            pos = int(stops[k]) + 1
    return bad


def _header(text: str, path: str) -> list[str]:
    try:
        names = next(csv.reader(io.StringIO(text)))
    except (csv.Error, StopIteration) as exc:
        raise IngestError(f"unreadable header: {exc}", path=path, line=1) from None
    names = [n.strip() for n in names]
    if names and names[0] == "":
        names[0] = "index"  # the unnamed leading column pandas writes
    seen: set[str] = set()
    for n in names:
        if n in seen:
            raise IngestError(f"column {n!r} appears more than once in the header", path=path, line=1, column=n)
        seen.add(n)
    return names


def read_table(
    path: str | PathLike[str],
    qlog: QuarantineLog,
    *,
    required: Sequence[str] = (),
    aliases: Mapping[str, str] | None = None,
) -> CsvTable:
    """Read one CSV file into strings, quarantining malformed and non-UTF-8 rows.

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
    data = read_bytes(path)
    if data.startswith(_BOM):
        data = data[len(_BOM):]
    empty = CsvTable(spath, pd.DataFrame(), np.zeros(0, np.int64), np.zeros((0, 2), np.int64), data)
    if not data.strip():
        return empty
    starts, stops, lines = _records(data)
    bad = _bad_utf8(data, starts, stops)
    if bad and bad[0] == 0:
        raise IngestError("the header has bytes that are not UTF-8", path=spath, line=1)
    header = _header(data[starts[0]:stops[0]].decode("utf-8").rstrip("\r"), spath)
    if aliases:
        header = [aliases[n] if n in aliases and aliases[n] not in header else n for n in header]
    for col in required:
        if col not in header:
            raise IngestError(f"missing required column {col!r} (columns: {', '.join(header)})",
                              path=spath, column=col)
    keep = np.ones(len(starts), dtype=bool)
    for k in bad:
        keep[k] = False
        qlog.add(spath, int(lines[k]), "bytes that are not UTF-8",
                 data[starts[k]:stops[k]].decode("utf-8", errors="replace").rstrip("\r"))
    if bad:  # cut the bad records out before parsing
        pieces = [data[int(s):int(e)] for s, e, k in zip(starts, stops, keep) if k]
        body = b"\n".join(pieces) + b"\n"
        starts, stops, lines = starts[keep], stops[keep], lines[keep]
    else:
        body = data
    invalid: list[tuple[int, int, int]] = []

    def handler(row: pacsv.InvalidRow) -> str:
        invalid.append((-1 if row.number is None else row.number, row.expected_columns, row.actual_columns))
        return "skip"

    names = [f"c{i}" for i in range(len(header))]
    try:
        table = pacsv.read_csv(
            io.BytesIO(body),
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1, use_threads=False),
            parse_options=pacsv.ParseOptions(newlines_in_values=True, invalid_row_handler=handler),
            convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names},
                                                 strings_can_be_null=True, null_values=[""]),
        )
    except (pa.ArrowInvalid, pa.ArrowException) as exc:
        raise IngestError(f"cannot parse CSV: {exc}", path=spath) from None
    nonempty = (stops - starts) > 0
    nonempty &= ~((stops - starts == 1) & (np.frombuffer(data, np.uint8)[np.minimum(starts, len(data) - 1)] == 13))
    nonempty[0] = True  # the header
    if int(nonempty.sum()) != table.num_rows + len(invalid) + 1:
        # a quote inside an unquoted field fooled the quote count: ask Python's csv module
        starts, stops, lines, data = _records_by_csv(body, known=not bad)
        nonempty = np.ones(len(starts), dtype=bool)
    # pyarrow numbers rows 1-based over the non-empty records, the header being 1
    record_of = np.flatnonzero(nonempty)
    nonempty[0] = False
    dropped = np.zeros(len(starts), dtype=bool)
    for number, expected, actual in invalid:
        if 1 < number <= len(record_of):
            k = record_of[number - 1]
            dropped[k] = True
            qlog.add(spath, int(lines[k]) if lines[k] > 0 else None, f"expected {expected} fields, found {actual}",
                     data[starts[k]:stops[k]].decode("utf-8", errors="replace").rstrip("\r"))
        else:
            qlog.add(spath, None, f"expected {expected} fields, found {actual}", None)
    rows = nonempty & ~dropped
    frame = table.to_pandas()
    frame.columns = header
    if int(rows.sum()) != len(frame):  # record boundaries disagree with the parser: lines unknown
        row_lines = np.full(len(frame), -1, dtype=np.int64)
        raw = np.zeros((len(frame), 2), dtype=np.int64)
    else:
        row_lines = lines[rows]
        raw = np.stack([starts[rows], stops[rows]], axis=1)
    for col in frame.columns:
        if frame[col].dtype != STRING_DTYPE:
            frame[col] = frame[col].astype(STRING_DTYPE)
    return CsvTable(spath, frame, row_lines, raw, data)


def header_fields(head: bytes) -> list[str]:
    """The header fields of a CSV head (for ``sniff``); empty when it is not CSV text.

    Examples
    --------
    >>> header_fields(b'\\xef\\xbb\\xbf"a","b"\\r\\n1,2\\n')
    ['a', 'b']
    """
    if head.startswith(_BOM):
        head = head[len(_BOM):]
    first = head.split(b"\n", 1)[0].rstrip(b"\r")
    try:
        text = first.decode("utf-8")
        return [f.strip() for f in next(csv.reader([text]))]
    except (UnicodeDecodeError, csv.Error, StopIteration):
        return []


# --- timestamps ----------------------------------------------------------------

def check_tz(tz: str | None) -> None:
    """Raise :class:`ParameterError` when ``tz`` is not a known time zone."""
    if tz is None:
        return
    try:
        pd.Timestamp("2020-01-01").tz_localize(tz)
    except Exception:  # noqa: BLE001 - pytz/zoneinfo raise various errors
        raise ParameterError(f"tz={tz!r} is not a known time zone (use an IANA name like 'Europe/Berlin')") from None


_LOW, _HIGH = pd.Timestamp.min + pd.Timedelta(days=2), pd.Timestamp.max - pd.Timedelta(days=2)


def _in_range(t: pd.Series) -> pd.Series:
    """Times outside what nanoseconds can hold (years 1677 to 2262) become NaT."""
    tz = getattr(t.dt, "tz", None)
    low, high = (_LOW.tz_localize(tz), _HIGH.tz_localize(tz)) if tz is not None else (_LOW, _HIGH)
    return t.where(t.isna() | ((t >= low) & (t <= high)))


def parse_times(text: pd.Series, *, tz: str | None, path: str, column: str) -> tuple[pd.Series, pd.Series]:
    """Parse ISO 8601 times to UTC; return the times and a reason for every bad one.

    Aware times are converted to UTC; naive ones are localised in ``tz``. When
    every time is naive and no ``tz`` is given, the whole file is an error (an
    :class:`IngestError` telling to pass ``tz=``): it never guesses.

    Returns
    -------
    (pandas.Series, pandas.Series)
        ``datetime64[ns, UTC]`` (NaT where bad) and ``str`` reasons (missing where good).

    Examples
    --------
    >>> t, why = parse_times(pd.Series(["2020-01-01T10:00:00Z", "noon", None]), tz=None,
    ...                      path="f.csv", column="ts")
    >>> t.iloc[0], why.tolist()
    (Timestamp('2020-01-01 10:00:00+0000', tz='UTC'), [nan, "unparsable timestamp: 'noon'", 'missing timestamp'])
    """
    s = text.astype(STRING_DTYPE).str.strip()
    present = s.notna().to_numpy()
    try:
        parsed = pd.to_datetime(s, utc=True, format="ISO8601", errors="coerce")
    except (ValueError, TypeError, OverflowError):
        parsed = pd.to_datetime(s, utc=True, format="mixed", errors="coerce")
    parsed = _in_range(parsed).astype(TIMESTAMP_DTYPE)
    aware = s.str.contains(_OFFSET, na=False).to_numpy()
    naive = present & ~aware & parsed.notna().to_numpy()
    if naive.any():
        if tz is None:
            if naive.sum() == (present & parsed.notna().to_numpy()).sum():
                raise IngestError(f"timestamps have no time zone (first: {s[naive].iloc[0]!r}); pass tz= "
                                  "(e.g. tz='UTC' or tz='Europe/Berlin') to say where they were recorded",
                                  path=path, column=column)
        else:
            local = pd.to_datetime(s[naive], format="ISO8601", errors="coerce")
            if getattr(local.dt, "tz", None) is not None:
                local = local.dt.tz_localize(None)
            local = _in_range(local)
            parsed = parsed.copy()
            parsed[naive] = local.dt.tz_localize(tz, ambiguous="NaT", nonexistent="NaT").dt.tz_convert("UTC")
    reason = np.full(len(s), None, dtype=object)
    reason[~present] = "missing timestamp"
    unparsable = present & parsed.isna().to_numpy() & ~(naive & (tz is not None))
    if unparsable.any():
        reason[unparsable] = [f"unparsable timestamp: {v!r}" for v in s[unparsable]]
    if tz is None and naive.any():
        reason[naive] = [f"timestamp without time zone (pass tz=): {v!r}" for v in s[naive]]
        parsed = parsed.copy()
        parsed[naive] = pd.NaT
    elif tz is not None:
        gap = naive & parsed.isna().to_numpy()
        reason[gap] = [f"local time does not exist or is ambiguous in {tz}: {v!r}" for v in s[gap]]
    return parsed, pd.Series(reason, index=s.index, dtype=STRING_DTYPE)


def read_timed(path: str | PathLike[str], qlog: QuarantineLog, *, tz: str | None, time_columns: Sequence[str],
               required: Sequence[str] = (), aliases: Mapping[str, str] | None = None,
               one_of: Sequence[Sequence[str]] = ()) -> tuple[CsvTable, pd.Series] | None:
    """:func:`read_table`, then the times of the first of ``time_columns`` present; bad ones quarantined.

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
    """
    table = read_table(path, qlog, required=required, aliases=aliases)
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
    keep = table.quarantine(why.notna().to_numpy(), why, qlog)
    return table.take(keep), times[keep].reset_index(drop=True)
