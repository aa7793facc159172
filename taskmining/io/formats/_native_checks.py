"""Record-level checks of the native reader, vectorised over parsed Arrow rows.

A record that parses as JSON can still be bad: a required field
(``timestamp``, ``session``, ``action``) missing, a timestamp that is
naive (no UTC offset) or unparsable, an action outside the vocabulary, or a
``(session, seq)`` pair already seen. :func:`check_records` and
:func:`drop_duplicates` find them with Arrow/numpy masks and hand them to
the :class:`~taskmining.io.quarantine.QuarantineLog` with their raw line
(or raise with ``errors="raise"``). Rows carry their 1-based line number in
``_line`` (and their file's index in ``_file``); the raw text is fetched
through a callable only for the rows quarantined.

Examples
--------
>>> import pyarrow as pa
>>> from taskmining.io.quarantine import QuarantineLog
>>> t = pa.table({"timestamp": ["2026-11-25T09:00:00Z", "2026-11-25T09:00:01"],
...               "session": ["s1", "s1"], "action": ["click", "click"], "_line": [1, 2]})
>>> qlog = QuarantineLog()
>>> check_records([t], "a.jsonl", lambda lines: [f"line {i}" for i in lines], qlog).num_rows
1
>>> qlog.to_frame()[["line", "reason"]].values.tolist()
[[2, 'naive timestamp (no UTC offset)']]
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from taskmining._unique import all_distinct
from taskmining.errors import IngestError
from taskmining.io.formats.parquet import concat_tables, negative_durations
from taskmining.io.quarantine import QuarantineLog
from taskmining.schema import ACTIONS

__all__ = ["TS", "check_records", "drop_duplicates", "ids_unique", "line_reason", "number_events"]

#: Arrow type of the ``timestamp`` column once checked.
TS = pa.timestamp("ns", tz="UTC")
_ACTION_SET = pa.array(list(ACTIONS), pa.large_string())
#: The range nanosecond timestamps hold.
_NS_LOW = pa.scalar(-(2**63) // 1000 + 1, pa.timestamp("us", tz="UTC"))
_NS_HIGH = pa.scalar((2**63 - 1) // 1000, pa.timestamp("us", tz="UTC"))


def _timestamps(ts: pa.Array) -> tuple[pa.Array, np.ndarray, np.ndarray]:
    """UTC times, and masks of unparsable and naive values (missing ones are neither)."""
    try:
        # through microseconds (years 1-9999 fit): a direct cast to nanoseconds wraps around
        # silently on some pyarrow versions (16: 9999-01-01 became 1678-06-11)
        us = pc.cast(ts, pa.timestamp("us", tz="UTC"))
        outside = pc.or_(pc.less(us, _NS_LOW), pc.greater(us, _NS_HIGH))
        if not pc.any(outside).as_py():
            return pc.cast(us, TS), np.zeros(len(ts), bool), np.zeros(len(ts), bool)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    import pandas as pd

    text = pd.Series(ts.to_pandas(), dtype="str")
    offset = np.asarray(pc.fill_null(pc.match_substring_regex(ts, r"(?:Z|[+-]\d\d(?::?\d\d)?)\s*$"), False))
    parsed = pd.to_datetime(text.where(offset), utc=True, format="ISO8601", errors="coerce")
    low, high = pd.Timestamp("1677-09-23", tz="UTC"), pd.Timestamp("2262-04-10", tz="UTC")
    parsed = parsed.where((parsed >= low) & (parsed <= high))  # outside nanoseconds: unparsable, not a crash
    missing = text.isna().to_numpy()
    naive = ~offset & ~missing
    if naive.any():
        local = pd.to_datetime(text.where(naive), format="ISO8601", errors="coerce")
        naive &= local.notna().to_numpy()
    unparsable = parsed.isna().to_numpy() & ~missing & ~naive
    return pa.array(parsed.astype("datetime64[ns, UTC]"), TS), unparsable, naive


def check_records(parts: list[pa.Table], file: str, raw: Callable[[np.ndarray], list[str]],
                  qlog: QuarantineLog) -> pa.Table | None:
    """Quarantine records with missing required fields, bad timestamps or unknown actions.

    Parameters
    ----------
    parts : list of pyarrow.Table
        Parsed rows of one file (or piece of it), with ``timestamp``,
        ``session``, ``action`` and ``_line`` columns.
    file : str
        The file the rows come from (named in the quarantine and errors).
    raw : callable
        Raw text of the given 1-based line numbers.
    qlog : QuarantineLog
        Where bad records go; with ``errors="raise"`` the first bad record
        (lowest line) raises :class:`~taskmining.errors.IngestError`.

    Returns
    -------
    pyarrow.Table or None
        The good rows, ``timestamp`` cast to UTC; None when ``parts`` is empty.

    Examples
    --------
    >>> import pyarrow as pa
    >>> t = pa.table({"timestamp": ["2026-11-25T09:00:00Z", None], "session": ["s1", "s1"],
    ...               "action": ["click", "hover"], "_line": [3, 4]})
    >>> check_records([t], "a.jsonl", lambda lines: [""] * len(lines), QuarantineLog(errors="raise"))
    Traceback (most recent call last):
    ...
    taskmining.errors.IngestError: a.jsonl, line 4: missing required field 'timestamp'
    """
    if not parts:
        return None
    table = concat_tables(parts)
    n = table.num_rows
    ts, unparsable, naive = _timestamps(table.column("timestamp"))
    reasons = np.full(n, "", dtype=object)
    action = table.column("action")
    unknown = np.asarray(pc.fill_null(pc.invert(pc.is_in(action, value_set=_ACTION_SET)), False))
    checks = [
        (unknown, "action outside the vocabulary"),
        (np.asarray(naive), "naive timestamp (no UTC offset)"),
        (np.asarray(unparsable), "unparsable timestamp"),
        (negative_durations(table), "negative duration"),
        (np.asarray(table.column("session").is_null()), "missing required field 'session'"),
        (np.asarray(action.is_null()), "missing required field 'action'"),
        (np.asarray(table.column("timestamp").is_null()), "missing required field 'timestamp'"),
    ]
    bad = np.zeros(n, dtype=bool)
    for mask, reason in checks:  # the last listed reason wins
        if mask.any():
            reasons[mask] = reason
            bad |= mask
    table = table.set_column(table.schema.get_field_index("timestamp"), "timestamp", ts)
    if bad.any():
        if qlog.errors == "raise":
            first = int(np.flatnonzero(bad)[np.argmin(table.column("_line").to_numpy()[bad])])
            raise IngestError(str(reasons[first]), path=file, line=int(table.column("_line")[first].as_py()))
        idx = np.flatnonzero(bad)
        lines = table.column("_line").to_numpy()[idx]
        for line, reason, text in zip(lines, reasons[idx], raw(lines), strict=True):
            qlog.add(file, int(line), str(reason), text)
        table = table.filter(pa.array(~bad))
    return table


def _no_duplicates_sorted(session: pa.ChunkedArray, seq: pa.ChunkedArray) -> bool:
    """Cheap proof of no repeated (session, seq): sessions in contiguous runs, seq rising within each."""
    if seq.null_count or len(seq) < 2:
        return False
    same = np.asarray(pc.fill_null(pc.equal(session.slice(1), session.slice(0, len(session) - 1)), False))
    q = seq.to_numpy()
    if not (q[1:][same] > q[:-1][same]).all():
        return False
    starts = np.concatenate(([0], np.flatnonzero(~same) + 1))
    firsts = pc.take(session, pa.array(starts)).to_pylist()
    return len(set(firsts)) == len(firsts)


def drop_duplicates(table: pa.Table, files: list[str], raw: Callable[[int, np.ndarray], list[str]],
                    qlog: QuarantineLog) -> pa.Table:
    """Quarantine repeated ``(session, seq)`` records, keeping the first read.

    Parameters
    ----------
    table : pyarrow.Table
        Rows of all files in read order, with ``session``, ``seq``, ``_file``
        (index into ``files``) and ``_line`` columns.
    files : list of str
        The files read.
    raw : callable
        ``raw(file_index, lines)``: raw text of those 1-based lines of that file.
    qlog : QuarantineLog
        Where the duplicates go.

    Examples
    --------
    >>> import pyarrow as pa
    >>> t = pa.table({"session": ["s1", "s1", "s1"], "seq": [1, 2, 1], "_file": [0, 0, 1], "_line": [1, 2, 1]})
    >>> qlog = QuarantineLog()
    >>> drop_duplicates(t, ["a.jsonl", "b.jsonl"], lambda f, lines: ["{}"] * len(lines), qlog).num_rows
    2
    >>> qlog.to_frame()[["file", "line"]].values.tolist()
    [['b.jsonl', 1]]
    """
    seq = table.column("seq")
    if seq.null_count == len(seq):
        return table
    if _no_duplicates_sorted(table.column("session"), seq):
        return table
    import pandas as pd

    frame = pd.DataFrame({"s": pd.factorize(table.column("session").to_pandas())[0],
                          "q": seq.to_pandas()})
    dup = (frame.duplicated(keep="first") & frame["q"].notna()).to_numpy()
    if not dup.any():
        return table
    file_no = table.column("_file").to_numpy()
    lines = table.column("_line").to_numpy()
    for f in np.unique(file_no[dup]):
        sel = dup & (file_no == f)
        for line, text in zip(lines[sel], raw(int(f), lines[sel]), strict=True):
            qlog.add(files[f], int(line), "duplicate record: (session, seq) seen before", text)
    return table.filter(pa.array(~dup))


def number_events(table: pa.Table) -> pa.Table:
    """Keep the records' ``event_id`` when every record has one and they are unique, else number them 0..n-1.

    Examples
    --------
    >>> import pyarrow as pa
    >>> number_events(pa.table({"event_id": [7, 3]})).column("event_id").to_pylist()
    [7, 3]
    >>> number_events(pa.table({"event_id": [7, 7, None]})).column("event_id").to_pylist()
    [0, 1, 2]
    """
    keep_ids = ids_unique(table.column("event_id"))
    if not keep_ids:
        table = table.set_column(table.schema.get_field_index("event_id"), "event_id",
                                 pa.array(np.arange(table.num_rows, dtype=np.int64)))
    return table


def ids_unique(ids: pa.ChunkedArray | pa.Array) -> bool:
    """True when every record has an ``event_id`` and no two share one (numpy's sort releases the GIL).

    Examples
    --------
    >>> import pyarrow as pa
    >>> ids_unique(pa.array([3, 1, 2])), ids_unique(pa.array([3, 3])), ids_unique(pa.array([1, None]))
    (True, False, False)
    """
    return ids.null_count == 0 and len(ids) > 0 and all_distinct(ids.to_numpy())


def line_reason(line: bytes, exc: Exception) -> str:
    """Why a line Arrow rejected is a bad record, in words for the quarantine.

    Parameters
    ----------
    line : bytes
        The raw line (with its ``\\n`` unless it ends the file).
    exc : Exception
        What Arrow raised when parsing it.

    Examples
    --------
    >>> line_reason(b'{"timestamp": "2026-', ValueError())
    'invalid JSON (truncated record?): Unterminated string starting at'
    >>> line_reason(b'[1]\\n', ValueError())
    'not a JSON object: list'
    >>> line_reason(b'{"seq": "x"}\\n', ValueError("JSON parse error: Column(/seq) changed from number to string"))
    "wrong value type: field 'seq' is string, expected number"
    """
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as err:
        return f"not valid UTF-8: bad byte at offset {err.start}"
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as err:
        if not line.endswith(b"\n") and text.lstrip().startswith("{"):
            return f"invalid JSON (truncated record?): {err.msg}"
        return f"invalid JSON: {err.msg}"
    except ValueError as err:  # e.g. numbers too long to convert
        return f"invalid JSON: {err}"
    if not isinstance(obj, dict):
        return f"not a JSON object: {type(obj).__name__}"
    msg = str(exc).replace("JSON parse error: ", "")
    m = re.search(r"Column\(/([^)]*)\) changed from (\w+) to (\w+)", msg)
    if m:
        return f"wrong value type: field {m.group(1)!r} is {m.group(3)}, expected {m.group(2)}"
    return f"wrong value type: {msg}"
