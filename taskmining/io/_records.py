"""Where the records of a CSV text begin and end, and which delimiter separates their fields.

:func:`split_records` finds record boundaries with numpy: a newline ends a
record when an even number of quote characters precedes it since the record
began. A stray quote (a damaged line, a byte that was not text) would make
every later line part of one endless record; so every record spanning lines
is checked with Python's ``csv`` module, and when it does not hold the
header's number of fields, only its first line is set apart (as a record of
its own, or as bad when it is not one) and the search starts again on the
next line. :func:`sniff_delimiter` picks the delimiter among ``, ; TAB |``
that gives the most consistent field counts.

Examples
--------
>>> data = b'a,b,c\\n1,"x\\ny",z\\n2,"oops\\n3,4,5\\n4,x"y\\nz"q,1\\n'
>>> r = split_records(data, ",", 3)
>>> [data[s:e] for s, e in zip(r.starts, r.stops)], r.lines.tolist(), r.loose.tolist(), r.bad
([b'a,b,c', b'1,"x\\ny",z', b'2,"oops', b'3,4,5'], [1, 2, 4, 5], [False, False, True, False], [6, 7])
>>> sniff_delimiter("a;b;c\\n1;2,5;3\\n")
';'
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

import numpy as np

__all__ = ["Records", "count_fields", "loose_fields", "sniff_delimiter", "split_records"]

csv.field_size_limit(2**31 - 1)  # long cells (clipboard contents, HTML) are data, not errors
_NL, _QUOTE = 10, 34
_CANDIDATES = (",", ";", "\t", "|")
_CHUNK = 4096
_SAMPLE_ROWS = 60


@dataclass
class Records:
    """Record spans of a CSV text.

    Attributes
    ----------
    starts, stops : numpy.ndarray
        Byte offsets of each non-empty record (``stop`` exclusive, before the newline).
    lines : numpy.ndarray
        1-based physical line where each record starts.
    loose : numpy.ndarray
        True for a record cut short by a quoted cell left open at the end of
        its line (the recorder never wrote the rest): read it with
        :func:`loose_fields`, its missing trailing fields are empty.
    bad : list of int
        Lines set apart because a stray quote there would have swallowed the following lines.
    """

    starts: np.ndarray
    stops: np.ndarray
    lines: np.ndarray
    loose: np.ndarray
    bad: list[int] = field(default_factory=list)


def count_fields(text: str, delimiter: str) -> int:
    """The number of fields Python's csv module reads in ``text`` (one record), -1 when it is more than one.

    Examples
    --------
    >>> count_fields('a,"b,c"', ","), count_fields('a\\nb', ",")
    (2, -1)
    """
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
    except csv.Error:
        return -1
    return len(rows[0]) if len(rows) == 1 else -1


def loose_fields(text: str, delimiter: str) -> list[str]:
    """The fields of one line read leniently: a quoted cell left open ends at the end of the line.

    Examples
    --------
    >>> loose_fields('1,paste,"John', ",")
    ['1', 'paste', 'John']
    """
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error:
        return []
    return rows[0] if len(rows) == 1 else []


def _cut_short(line: str, delimiter: str, width: int) -> bool:
    """True when ``line`` ends inside a quoted last cell that was never closed, with at most ``width`` fields."""
    opened = 0 if line.startswith('"') else line.rfind(delimiter + '"') + 1
    if opened == 0 and not line.startswith('"'):
        return False
    if '"' in line[opened + 1:].replace('""', ""):
        return False
    return 0 < count_fields(line + '"', delimiter) <= width


def sniff_delimiter(text: str) -> str:
    """The delimiter among ``, ; TAB |`` that splits the first lines of ``text`` most consistently.

    Examples
    --------
    >>> sniff_delimiter("Session;App;Type\\n1;Tockler;AppTrackItem\\n"), sniff_delimiter("a\\n1\\n")
    (';', ',')
    """
    sample = text[:65536]
    if len(text) > len(sample):
        sample = sample[: sample.rfind("\n") + 1] or sample
    best, best_score = ",", (0.0, 0)
    for d in _CANDIDATES:
        try:
            rows = [r for _, r in zip(range(_SAMPLE_ROWS), csv.reader(io.StringIO(sample, newline=""), delimiter=d))
                    if r]
        except csv.Error:
            continue
        if not rows or len(rows[0]) < 2:
            continue
        width = len(rows[0])
        body = rows[1:]
        consistent = sum(len(r) == width for r in body) / len(body) if body else 1.0
        score = (consistent, width)
        if score > best_score:
            best, best_score = d, score
    return best


def _line_of(nl: np.ndarray, pos: np.ndarray | int) -> np.ndarray:
    return np.searchsorted(nl, pos, side="left") + 1


def split_records(data: bytes, delimiter: str, width: int) -> Records:
    """Record spans of ``data`` (UTF-8 CSV text) whose header has ``width`` fields.

    Parameters
    ----------
    data : bytes
        The text.
    delimiter : str
        The field delimiter (for checking records that span lines).
    width : int
        Fields per record; ``0`` skips the check (every quote counts).

    Returns
    -------
    Records
        Empty records (blank lines) are left out.
    """
    arr = np.frombuffer(data, dtype=np.uint8)
    n = len(arr)
    nl = np.flatnonzero(arr == _NL)
    quotes = np.flatnonzero(arr == _QUOTE)
    cq = np.searchsorted(quotes, nl) % 2 if len(quotes) else np.zeros(len(nl), dtype=np.int64)
    ends_by_parity = (nl[cq == 0], nl[cq == 1])
    starts: list[np.ndarray] = []
    stops: list[np.ndarray] = []
    loose: list[np.ndarray] = []
    bad: list[int] = []
    pos = 0
    while pos < n:
        parity = int(np.searchsorted(quotes, pos) % 2) if len(quotes) else 0
        ends = ends_by_parity[parity]
        k = int(np.searchsorted(ends, pos))
        chunk = ends[k:k + _CHUNK]
        last = len(chunk) < _CHUNK or k + _CHUNK >= len(ends)
        e = np.concatenate((chunk, [n])) if last else chunk
        s = np.concatenate(([pos], e[:-1] + 1))
        multi = np.flatnonzero(np.searchsorted(nl, e) > np.searchsorted(nl, s)) if width else np.zeros(0, int)
        broken = -1
        for i in multi:
            text = data[int(s[i]):int(e[i])].decode("utf-8", errors="replace")
            if count_fields(text, delimiter) != width:
                broken = int(i)
                break
        if broken < 0:
            starts.append(s)
            stops.append(e)
            loose.append(np.zeros(len(s), dtype=bool))
            if last:
                break
            pos = int(e[-1]) + 1
            continue
        starts.append(s[:broken])
        stops.append(e[:broken])
        loose.append(np.zeros(broken, dtype=bool))
        line_start = int(s[broken])
        j = int(np.searchsorted(nl, line_start))
        line_end = int(nl[j]) if j < len(nl) else n
        first = data[line_start:line_end].decode("utf-8", errors="replace").rstrip("\r")
        strict = count_fields(first, delimiter) == width
        if strict or _cut_short(first, delimiter, width):
            starts.append(np.array([line_start]))  # a literal quote inside a field, or a record cut short
            stops.append(np.array([line_end]))
            loose.append(np.array([not strict]))
        else:
            bad.append(int(_line_of(nl, line_start)))
        pos = line_end + 1
    st = np.concatenate(starts).astype(np.int64) if starts else np.zeros(0, np.int64)
    sp = np.concatenate(stops).astype(np.int64) if stops else np.zeros(0, np.int64)
    sp = np.minimum(sp, n)
    length = sp - st
    cr_only = (length == 1) & (arr[np.minimum(st, max(n - 1, 0))] == 13) if n else length > 0
    keep = (length > 0) & ~cr_only
    lo = np.concatenate(loose) if loose else np.zeros(0, dtype=bool)
    st, sp, lo = st[keep], sp[keep], lo[keep]
    return Records(st, sp, _line_of(nl, st).astype(np.int64), lo, bad)
