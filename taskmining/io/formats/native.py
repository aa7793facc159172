"""The native recorder stream: JSON Lines segments (``.jsonl``, ``.jsonl.gz``, ``.jsonl.enc``).

Fast path: files are read in pieces of about :data:`CHUNK_BYTES`, and each
(decompressed) piece goes through ``pyarrow.json`` with an explicit schema,
on two worker threads (one with ``errors="raise"``). When Arrow rejects a piece, it is
bisected by lines until every bad line is isolated and quarantined; the good
blocks are parsed as usual. ``attrs`` and unknown top-level keys are turned
back into JSON text by a vectorised encoder (:mod:`taskmining.io.formats._jsontext`);
record-level checks (missing fields, naive or unparsable timestamps, unknown
actions, duplicate ``(session, seq)``) are vectorised over the parsed rows
(:mod:`taskmining.io.formats._native_checks`). See docs/formats.md.

Examples
--------
>>> import os, tempfile
>>> p = os.path.join(tempfile.mkdtemp(), "segment-000001.jsonl")
>>> with open(p, "w") as f:
...     _ = f.write('{"timestamp": "2026-11-25T09:00:00Z", "session": "s1", '
...                 '"action": "click", "attrs": {"x": 4}}\\n{"broken\\n')
>>> res = read_native([p], errors="quarantine", progress=False)
>>> res.events[["action", "attrs"]].values.tolist()
[['click', '{"x":4}']]
>>> res.quarantine["line"].tolist()
[2]
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pj

from taskmining._progress import progress as _progress
from taskmining.errors import IngestError, ParameterError
from taskmining.io._files import check_not_zeroed, is_gzip, open_binary, read_bytes
from taskmining.io.formats import _native_checks as checks
from taskmining.io.formats._depth import MAX_DEPTH, not_objects, too_deep
from taskmining.io.formats._jsontext import attrs_text, json_text
from taskmining.io.formats._native_python import PYTHON_BLOCK, many_lines, one_line
from taskmining.io.formats._pieces import (
    BufferRing,
    count_newlines,
    is_blank,
    line_bounds,
    map_pieces,
    read_pieces,
)
from taskmining.io.formats.parquet import arrow_to_events, concat_tables
from taskmining.io.quarantine import QuarantineLog, ReadResult
from taskmining.io.registry import ReaderSpec
from taskmining.schema import (
    CATEGORY_COLUMNS,
    STRING_COLUMNS,
    ground_truth_last,
    is_ground_truth,
)

__all__ = ["SPEC", "json_text", "native_files", "read_native", "sniff"]

_S = pa.string()
NATIVE_STRINGS = tuple(c for c in STRING_COLUMNS if c != "attrs") + CATEGORY_COLUMNS
SCHEMA = pa.schema(
    [("v", pa.int64()), ("seq", pa.int64()), ("event_id", pa.int64()), ("timestamp", _S),
     # plain (32-bit offset) strings: Arrow's JSON parser fills them faster than large strings
     *[(c, _S) for c in NATIVE_STRINGS], ("duration", pa.float64())]
)
_KNOWN = set(SCHEMA.names) | {"attrs"}
_PARSE = pj.ParseOptions(explicit_schema=SCHEMA, unexpected_field_behavior="infer")
_SUFFIXES = (".jsonl", ".jsonl.gz", ".jsonl.enc")
#: Large files are parsed in pieces of about this size (bounds peak memory).
CHUNK_BYTES = 64 << 20
HUGE_LINE = 1 << 20  # a line Arrow refused that is longer than this is quarantined by its first bytes


# --- one buffer -> Arrow tables ------------------------------------------------

def _check_utf8(block: bytes) -> None:
    """Raise ArrowInvalid when ``block`` is not valid UTF-8 (zero-copy, vectorised)."""
    offsets = pa.array([0, len(block)], pa.int64()).buffers()[1]
    pa.Array.from_buffers(pa.large_binary(), 1, [None, offsets, pa.py_buffer(block)]).cast(pa.large_string())


def _arrow(block: bytes) -> pa.Table:
    return pj.read_json(pa.BufferReader(pa.py_buffer(block)), parse_options=_PARSE,
                        read_options=pj.ReadOptions(block_size=max(1 << 16, min(len(block) + 1, 1 << 24))))


class _Blocks:
    """Parse a buffer, bisecting around bad lines; collects (table, line numbers)."""

    def __init__(self, buf: bytes, file: str, qlog: QuarantineLog, first: int = 0,
                 newlines: int | None = None) -> None:
        self.buf, self.file, self.qlog, self.first = buf, file, qlog, first  # first: lines before buf
        self.newlines = count_newlines(buf) if newlines is None else newlines
        self.parts: list[tuple[pa.Table, np.ndarray]] = []

    def run(self) -> None:
        buf = self.buf
        if is_blank(buf):
            return
        n_lines = self.newlines + (0 if buf[-1:] == b"\n" else 1)
        deep, odd = too_deep(buf), not_objects(buf)
        if deep.any() or odd.any():  # never hand such lines to Arrow (it recurses, or crashes) or to json
            self.starts, self.ends, filled = line_bounds(buf)
            self.good = np.flatnonzero(filled & ~deep & ~odd)
            done = 0
            for i in np.flatnonzero((deep | odd) & filled):  # in line order, so errors="raise" names the first
                k = int(np.searchsorted(self.good, i))
                if k > done:  # the good lines before it: their blocks never span a refused line
                    self._bisect(done, k)
                done = k
                line = bytes(buf[self.starts[i]:self.ends[i]][:HUGE_LINE])
                reason = f"nested deeper than {MAX_DEPTH} levels" if deep[i] else checks.line_reason(line, ValueError())
                self.qlog.add(self.file, int(i) + self.first + 1, reason, line[:10_000].decode("utf-8", "replace"))
            if done < len(self.good):
                self._bisect(done, len(self.good))
            return
        try:
            _check_utf8(buf)
            table = _arrow(buf)
            if table.num_rows == n_lines:
                self.parts.append((table, np.arange(self.first + 1, self.first + n_lines + 1, dtype=np.int64)))
                return
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
            pass
        self.starts, self.ends, filled = line_bounds(buf)
        self.good = np.flatnonzero(filled)
        self._bisect(0, len(self.good))

    def _bisect(self, lo: int, hi: int) -> None:
        """Parse non-blank lines ``good[lo:hi]``; on failure split into 16 parts (fewer re-parses than halves)."""
        idx = self.good[lo:hi]
        block = self.buf[self.starts[idx[0]]: self.ends[idx[-1]] + 1]
        try:
            _check_utf8(block)
            table = _arrow(block)
            if table.num_rows == len(idx):
                self.parts.append((table, idx + self.first + 1))
                return
            err: Exception = IngestError("more than one JSON value on a line")
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError) as exc:
            err = exc
        if 1 < hi - lo <= PYTHON_BLOCK:  # few lines left: records Arrow cannot type, parsed in Python at once
            table, rest = many_lines([bytes(self.buf[self.starts[i]: self.ends[i] + 1]) for i in idx], SCHEMA, _KNOWN)
            if table is not None:
                self.parts.append((table, np.delete(idx, rest) + self.first + 1))
            for k in rest:
                self._bisect(lo + k, lo + k + 1)
            return
        if hi - lo > 1:
            step = -(-(hi - lo) // 16)
            for a in range(lo, hi, step):
                self._bisect(a, min(a + step, hi))
            return
        view = self.buf[self.starts[idx[0]]: self.ends[idx[0]] + 1]
        if len(view) > HUGE_LINE:  # Arrow refused it: name it without copying or decoding all of it
            head = bytes(view[:HUGE_LINE])
            what = "NUL bytes" if not head.strip(b"\x00") else "invalid JSON"
            if not head.isspace():
                self.qlog.add(self.file, int(idx[0]) + self.first + 1,
                              f"not a record: a line of {len(view)} bytes ({what})", head[:200].decode("utf-8", "replace"))
            return
        line = bytes(view)
        if line.isspace():  # a long blank line: not a record
            return
        reason = str(err) if isinstance(err, IngestError) else checks.line_reason(line, err)
        single = one_line(line, SCHEMA, _KNOWN) if reason.startswith("wrong value type") else None
        if single is not None:
            self.parts.append((single, idx + self.first + 1))
            return
        self.qlog.add(self.file, int(idx[0]) + self.first + 1, reason, line.decode("utf-8", "replace").rstrip("\r\n"))

    def raw(self, lines: np.ndarray) -> list[str]:
        """Raw text of 1-based ``lines`` (for quarantine)."""
        if not hasattr(self, "starts"):
            self.starts, self.ends, _ = line_bounds(self.buf)
        return [bytes(self.buf[self.starts[i - 1 - self.first]: self.ends[i - 1 - self.first]]).decode(
            "utf-8", "replace") for i in lines]


def _normalise(table: pa.Table, lines: np.ndarray, blocks: _Blocks, file_no: int) -> pa.Table:
    attrs, bad_attrs = attrs_text(table, _KNOWN, lambda: blocks.raw(lines))
    cols: dict[str, pa.Array] = {}
    for name in SCHEMA.names:
        cols[name] = table.column(name) if name in table.column_names else \
            pa.nulls(table.num_rows, SCHEMA.field(name).type)
    cols["attrs"] = attrs
    for c in CATEGORY_COLUMNS:  # dictionary-encoded here, on the worker threads
        cols[c] = pc.dictionary_encode(cols[c])
    for c in STRING_COLUMNS:  # large strings (what pandas' str holds), also here on the workers
        cols[c] = pc.cast(cols[c], pa.large_string())
    for c in table.column_names:
        if is_ground_truth(c):
            cols[c] = table.column(c)
    cols["_line"] = pa.array(lines, pa.int64())
    cols["_file"] = pa.repeat(pa.scalar(file_no, pa.int32()), table.num_rows) if table.num_rows else \
        pa.array([], pa.int32())
    out = pa.table(cols)
    if bad_attrs.any():
        idx = np.flatnonzero(bad_attrs)
        for line, raw in zip(lines[idx], blocks.raw(lines[idx]), strict=True):
            blocks.qlog.add(blocks.file, int(line), "attrs is not a JSON object", raw)
        out = out.filter(pa.array(~bad_attrs))
    return out


def finish(tables: list[pa.Table], files: list[Path], key: bytes | None, qlog: QuarantineLog) -> Any:
    """Concatenate per-file tables, drop duplicates, number events and build the frame."""
    table = concat_tables(tables) if tables else pa.table({c: pa.array([], SCHEMA.field(c).type) for c in SCHEMA.names}
                                                         | {"attrs": pa.array([], _S)})
    if "timestamp" in table.column_names and table.schema.field("timestamp").type != checks.TS:
        table = table.set_column(table.schema.get_field_index("timestamp"), "timestamp",
                                 pc.cast(table.column("timestamp"), checks.TS))
    if "_file" in table.column_names:  # files are re-read only for the raw text of duplicates
        names = [str(f) for f in files]
        table = checks.drop_duplicates(table, names, lambda f, ls: _Blocks(_load(files[f], key), names[f], qlog).raw(ls),
                                       qlog)
    drop = [c for c in ("v", "seq", "_line", "_file") if c in table.column_names]
    table = table.select(ground_truth_last(table.column_names))
    ids = table.column("event_id")
    if ids.null_count or not len(ids):
        table = checks.number_events(table)
        return arrow_to_events(table.drop_columns(drop), unique_ids=True)  # numbered 0..n-1
    # the records' ids are checked for duplicates while the frame is built; rebuilt only if they repeat
    with ThreadPoolExecutor(1) as pool:
        unique = pool.submit(checks.ids_unique, ids)
        events = arrow_to_events(table.drop_columns(drop), unique_ids=True)
        if unique.result():
            return events
    return arrow_to_events(checks.number_events(table).drop_columns(drop), unique_ids=True)


# --- files ----------------------------------------------------------------

def native_files(path: str | PathLike[str]) -> list[Path]:
    """The segment files of a folder (recursively, in path order), or ``[path]`` for a file.

    Examples
    --------
    >>> native_files("no-such-dir/segment-000001.jsonl")
    [PosixPath('no-such-dir/segment-000001.jsonl')]
    """
    p = Path(path)
    if not p.is_dir():
        return [p]
    return sorted(f for f in p.rglob("*") if f.is_file() and f.name.endswith(_SUFFIXES))


def _encrypted(path: Path) -> bool:
    """True when the file starts like an encrypted segment (whatever its name)."""
    try:
        from taskmining.io.encrypted import is_encrypted
    except ImportError:
        return False
    try:
        with open(path, "rb") as f:
            return is_encrypted(f.read(256))
    except OSError:
        return False


def _load(path: Path, key: bytes | None, *, encrypted: bool = False) -> bytes:
    if encrypted or path.name.endswith(".enc") or _encrypted(path):
        if key is None:
            raise IngestError("encrypted segment: pass key= (the recording key) to read it", path=path)
        try:
            from taskmining.io.encrypted import decrypt_file
            from taskmining.io.encrypted_manifest import for_file
        except ImportError as exc:
            raise IngestError(f"encrypted segment: decryption is not available ({exc}); "
                              "pip install taskmining[recorder]", path=path) from None
        return decrypt_file(path, *for_file(key, path))  # each segment of a recording as the manifest says
    return read_bytes(path)


def _chunks(path: Path, key: bytes | None, size: int | None = None,
            ring: BufferRing | None = None) -> Iterator[tuple[Any, int, int]]:
    """The file's (decompressed) content in pieces of about ``size`` bytes cut at line ends,
    each with the number of lines before it and of newlines in it.

    Each piece is read straight into a buffer (a new one, or the next of
    ``ring``) and handed on as a zero-copy view; the partial line at its
    end starts the next piece.
    """
    if path.name.endswith(".enc") or _encrypted(path):
        buf = _load(path, key, encrypted=True)
        yield buf, 0, buf.count(b"\n")
        return
    try:
        plain = not is_gzip(path)
    except OSError:  # missing or unreadable: open_binary below says which
        plain = False
    if plain:  # uncompressed: pieces are views of the memory-mapped file, nothing is copied
        check_not_zeroed(path)
        mapped = map_pieces(path, size or CHUNK_BYTES)
        if mapped is not None:
            yield from mapped
            return
    with open_binary(path) as f:
        yield from read_pieces(f, path, size or CHUNK_BYTES, ring)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def read_native(paths: list[str | PathLike[str]], *, errors: str = "quarantine", tz: str | None = None,
                progress: bool = True, key: bytes | None = None, **options: Any) -> ReadResult:
    """Read native JSONL segments (files or folders) into a validated events frame.

    Parameters
    ----------
    paths : list of path
        Segment files or folders of segments.
    errors : {"quarantine", "raise"}
        Bad records are quarantined (default) or raise :class:`IngestError`.
    tz : str, optional
        Accepted for symmetry with other readers; native timestamps carry
        their offset and naive ones are bad records.
    progress : bool
        Show a progress bar over files.
    key : bytes, optional
        The recording key for ``.jsonl.enc`` segments.

    Returns
    -------
    ReadResult
        Events, quarantined records and ``format="native"``.

    Examples
    --------
    >>> read_native([], progress=False)
    Traceback (most recent call last):
    ...
    taskmining.errors.IngestError: no native segments to read
    """
    if options:
        raise ParameterError(f"native reader: unknown option(s) {sorted(options)}")
    files = [f for p in paths for f in native_files(p)]
    if not files:
        raise IngestError("no native segments to read")
    qlog = QuarantineLog(errors=errors)
    from taskmining.io.encrypted_manifest import check_recording  # refuses tampered encrypted recordings
    files, key = check_recording(files, key, qlog)  # type: ignore[assignment]
    tables: list[pa.Table] = []
    # pieces are parsed and checked on two threads (Arrow and numpy release the GIL), kept in read order;
    # with errors="raise" one at a time, so the first bad record raises
    workers = 1 if errors == "raise" else 2
    with ThreadPoolExecutor(max_workers=workers) as pool:
        pending: deque[Future[pa.Table | None]] = deque()
        for no, path, buf, first, newlines in _pieces(files, key, progress):
            pending.append(pool.submit(_read_piece_checked, buf, str(path), no, first, newlines, qlog))
            del buf
            while len(pending) >= workers:
                _collect(pending.popleft(), tables)
        while pending:
            _collect(pending.popleft(), tables)
    events = finish(tables, files, key, qlog)
    quarantine = qlog.to_frame()
    if len(quarantine):
        rank = quarantine["file"].map({str(f): i for i, f in enumerate(files)})
        quarantine = quarantine.assign(_rank=rank).sort_values(["_rank", "line"], kind="stable")
        quarantine = quarantine.drop(columns="_rank").reset_index(drop=True)
    return ReadResult(events=events, quarantine=quarantine, format="native")


def _pieces(files: list[Path], key: bytes | None, progress: bool) -> Iterator[tuple[int, Path, Any, int, int]]:
    ring = BufferRing(3)  # read_native has at most two pieces in flight when it asks for the next
    for no, path in enumerate(_progress(files, enabled=progress and len(files) > 1, desc="reading", unit="file")):
        big = progress and _size(path) > 2 * CHUNK_BYTES
        pieces = _chunks(path, key, ring=ring)
        for buf, first, newlines in _progress(pieces, enabled=big, desc=path.name, unit="piece",
                                               total=-(-_size(path) // CHUNK_BYTES) if big else None):
            yield no, path, buf, first, newlines


def _read_piece_checked(buf: Any, file: str, no: int, first: int, newlines: int,
                        qlog: QuarantineLog) -> pa.Table | None:
    blocks = _Blocks(buf, file, qlog, first, newlines)
    blocks.run()
    parts = [_normalise(t, lines, blocks, no) for t, lines in blocks.parts]
    return checks.check_records(parts, file, blocks.raw, qlog)


def _collect(future: Future[pa.Table | None], tables: list[pa.Table]) -> None:
    table = future.result()
    if table is not None:
        tables.append(table)


def sniff(path: Path, head: bytes) -> bool:
    """True for a JSONL file whose first record has native keys, an encrypted segment, or a folder of segments.

    Examples
    --------
    >>> from pathlib import Path
    >>> sniff(Path("a.jsonl"), b'{"timestamp": "2026-01-01T00:00:00Z", "action": "click"}\\n')
    True
    >>> sniff(Path("a.json"), b'{"buckets": {}}')
    False
    """
    if path.is_dir():
        return bool(native_files(path))
    if path.name.endswith(".enc"):
        return True
    try:
        from taskmining.io.encrypted import is_encrypted

        if is_encrypted(head):
            return True
    except ImportError:
        pass
    first = head.lstrip().split(b"\n", 1)[0]
    if not first.startswith(b"{"):
        return False
    if too_deep(first).any():
        return b'"timestamp"' in first and b'"action"' in first
    try:
        obj = json.loads(first)
    except ValueError:
        return b'"timestamp"' in first and b'"action"' in first  # truncated head
    return isinstance(obj, dict) and "timestamp" in obj and ("action" in obj or "session" in obj)


SPEC = ReaderSpec(
    name="native",
    description="taskmining recorder stream: JSON Lines segments (.jsonl, .jsonl.gz, .jsonl.enc) or folders of them",
    extensions=_SUFFIXES,
    sniff=sniff,
    read=read_native,
    priority=10,
)
