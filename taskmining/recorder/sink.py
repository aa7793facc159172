"""The crash-safe segment writer: append-only JSONL, rotated, flushed every second.

A writer thread takes records from the :class:`BoundedQueue`, numbers them
(``seq``), and appends one self-contained JSON line per record to
``<out>/<session>/segment-NNNNNN.jsonl`` (``.jsonl.enc`` when encrypted,
see :mod:`taskmining.io.encrypted`).

Durability policy:

- every batch is written and flushed to the operating system at most
  ``flush_interval`` (default 0.25 s) after it was captured, so a crash of
  the recorder process (``kill -9``) loses nothing already captured more than
  ``flush_interval`` ago;
- ``os.fsync`` runs at most once per ``fsync_interval`` (default 1 s) while
  data arrives, and at every rotation and close, so a power loss loses at
  most about the last second;
- a segment is rotated when it exceeds ``segment_bytes`` or is older than
  ``segment_seconds``; a segment is never reopened.

Faults (full disk, folder made read-only): the fault is logged once with
its cause, records are kept in memory (bounded by the queue size) and
written as soon as writing works again (into the same segment when the
failed one holds nothing, so retries create no empty segments); records
lost meanwhile are counted in an ``other``/``write_failed`` record. A line
cut short by the failure is the last line of its segment, which the reader
quarantines. Records still unwritten when recording stops are counted in
:attr:`SegmentWriter.records_dropped`: the counts never claim a record that
is not on disk.

A session folder that vanishes or is replaced (another device or inode than
the one created at start: deleted, renamed, a symlink swapped in) is
detected before every write: nothing more is written there (records are
counted as dropped, never written into an unlinked file or someone else's
folder), and the records of segments that vanished with it are counted in
:attr:`SegmentWriter.records_lost`.

Examples
--------
>>> import tempfile, json, os
>>> out = tempfile.mkdtemp()
>>> w = SegmentWriter(out, "s1"); w.start()
>>> w.put({"timestamp": "2026-01-05T09:00:00Z", "session": "s1", "action": "click"})
True
>>> w.stop()
>>> lines = open(os.path.join(out, "s1", "segment-000001.jsonl")).read().splitlines()
>>> json.loads(lines[0])["seq"]
1
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from taskmining.io.recording import SCHEMA_VERSION, segment_name
from taskmining.recorder.bounded_queue import BoundedQueue

__all__ = ["SegmentWriter", "iso_utc"]

log = logging.getLogger("taskmining.recorder")


def iso_utc(t: float) -> str:
    """Unix seconds as ISO 8601 UTC with microseconds and ``Z``.

    Examples
    --------
    >>> iso_utc(0.5)
    '1970-01-01T00:00:00.500000Z'
    """
    return datetime.fromtimestamp(t, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class SegmentWriter:
    """Writer thread + segment files of one session.

    Parameters
    ----------
    out : path
        The recording folder; segments go to ``out/session/``.
    session : str
        Session id (folder name and ``session`` of overflow records).
    encrypt_key : bytes, optional
        32-byte AES key: segments are written encrypted.
    segment_bytes, segment_seconds : int, float
        Rotation thresholds.
    queue_size : int
        Records held between capture and disk at most.
    flush_interval, fsync_interval : float
        See the module docstring.
    fault : callable, optional
        ``fault(key, message)`` reports a fault once (the recorder's fault log).
    recording_id : str, optional
        Bound into every encrypted chunk (with the session and segment index).
    on_segment : callable, optional
        ``on_segment(segments, closed)`` is called before a segment file is
        created (the manifest lists it first) with the segment list and the
        chunk counts of the segments closed cleanly.
    """

    def __init__(self, out: str | os.PathLike[str], session: str, *, encrypt_key: bytes | None = None,
                 segment_bytes: int = 16 * 1024 * 1024, segment_seconds: float = 3600.0,
                 queue_size: int = 10_000, flush_interval: float = 0.25, fsync_interval: float = 1.0,
                 fault: Any = None, recording_id: str | None = None, on_segment: Any = None) -> None:
        self.folder = Path(out) / session
        self.session = session
        self.encrypt_key = encrypt_key
        self.segment_bytes = segment_bytes
        self.segment_seconds = segment_seconds
        self.flush_interval = flush_interval
        self.fsync_interval = fsync_interval
        self.queue = BoundedQueue(queue_size)
        self._fault = fault or (lambda key, msg: log.warning("%s", msg))
        self._thread: threading.Thread | None = None
        self._file: Any = None
        self._index = 0
        self._opened_at = 0.0
        self._size = 0
        self._last_fsync = 0.0
        self._dirty = False
        self._pending: list[dict[str, Any]] = []
        self._failed_since: float | None = None
        self._lost_on_failure = 0
        self._last_retry = 0.0
        self.recording_id = recording_id
        self._on_segment = on_segment
        self._folder_id: tuple[int, int] | None = None
        self._path: Path | None = None
        self._seg_records: dict[str, tuple[tuple[int, int], int]] = {}  # segment -> (dev, inode), records
        self._gone = False
        self.seq = 0
        self.records_written = 0
        self.records_dropped = 0
        self.records_lost = 0
        self.segments: list[str] = []
        self.closed: dict[str, int] = {}  # encrypted segments closed cleanly -> data chunks
        self.last_write_time: float | None = None

    # -- capture side -------------------------------------------------------
    def put(self, record: dict[str, Any]) -> bool:
        """Queue a record for writing; never blocks (False when dropped)."""
        return self.queue.put(record)

    # -- lifecycle ----------------------------------------------------------
    def start(self) -> None:
        """Create the session folder and start the writer thread."""
        self.folder.mkdir(parents=True, exist_ok=True)
        st = os.stat(self.folder)
        self._folder_id = (st.st_dev, st.st_ino)
        self._thread = threading.Thread(target=self._run, name="taskmining-writer", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Write everything queued, fsync and close the segment; count what could not be written."""
        self.queue.close()
        if self._thread is not None:
            self._thread.join(timeout)
        self._close_segment()
        unwritten = len(self._pending) + len(self.queue)
        if unwritten:
            self.records_dropped += unwritten
            self._fault("unwritten_at_stop", f"recorder stopped with {unwritten} records it could not write "
                        f"to {self.folder}")
            self._pending, self._lost_on_failure = [], 0

    # -- writer thread ------------------------------------------------------
    def _run(self) -> None:
        while True:
            items = self.queue.get_all(self.flush_interval)
            dropped, first = self.queue.take_dropped()
            if dropped:
                self.records_dropped += dropped
                self._fault("queue_overflow", f"recorder queue full: {dropped} records dropped "
                            "(the disk is slower than capture)")
                items.append(self._note("queue_overflow", first or time.time(), {"dropped": dropped}))
            if items or self._pending:
                self._write(items)
            elif self._dirty and time.monotonic() - self._last_fsync >= self.fsync_interval:
                self._fsync()
            if self.queue.closed and not len(self.queue):
                for _ in range(3):  # at stop, a few more tries for records held after a failure
                    if not self._pending or self._gone:
                        break
                    self._write([])
                    if self._pending:
                        time.sleep(0.2)
                return

    def _note(self, kind: str, t: float, attrs: dict[str, Any]) -> dict[str, Any]:
        return {"timestamp": iso_utc(t), "session": self.session, "action": "other", "source": "recorder",
                "raw_action": kind, "attrs": attrs}

    def _write(self, items: list[dict[str, Any]]) -> None:
        now = time.monotonic()
        if self._failed_since is not None and now - self._last_retry < 1.0 and not self.queue.closed:
            self._buffer(items)
            return
        if self._gone or not self._folder_intact():
            self._buffer(items)
            return
        batch = self._pending + items
        self._pending = []
        if self._failed_since is not None and self._lost_on_failure:
            batch.insert(0, self._note("write_failed", self._failed_since, {"dropped": self._lost_on_failure}))
        lines = []
        for rec in batch:
            self.seq += 1
            # a missing value, or an empty attrs object, says nothing: the key is left out (docs/formats.md)
            rec = {k: v for k, v in rec.items() if v is not None and not (k == "attrs" and v == {})}
            lines.append(json.dumps({"v": SCHEMA_VERSION, "seq": self.seq, **rec}, ensure_ascii=False,
                                    separators=(",", ":"), default=str) + "\n")
        data = "".join(lines).encode("utf-8")
        done = 0
        try:
            self._ensure_segment(len(data))
            assert self._file is not None
            done = self._append(data)
        except OSError as exc:
            # plaintext: the complete lines before the failure are on disk (the torn one is quarantined
            # by the reader); encrypted: a chunk is on disk whole or not at all
            whole = data[:getattr(exc, "bytes_written", 0)].count(b"\n") if not self.encrypt_key else 0
            self._count_written(batch[:whole])
            self.seq -= len(batch) - whole
            self._on_failure(exc, batch[whole:])
            return
        if self._failed_since is not None:
            log.warning("recorder: writing works again (%s)", self.folder)
        self._failed_since, self._lost_on_failure = None, 0
        self._size += done
        self._count_written(batch)
        self.last_write_time = time.time()
        self._dirty = True
        if time.monotonic() - self._last_fsync >= self.fsync_interval:
            self._fsync()

    def _append(self, data: bytes) -> int:
        """Write ``data`` whole (short writes continued); an OSError carries ``bytes_written``."""
        assert self._file is not None
        if self.encrypt_key:
            return int(self._file.write(data))
        view, total = memoryview(data), 0
        try:
            while total < len(data):
                n = self._file.write(view[total:])
                if not n:
                    raise OSError(28, "No space left on device (short write)")
                total += n
        except OSError as exc:
            exc.bytes_written = total  # type: ignore[attr-defined]
            raise
        return total

    def _count_written(self, batch: list[dict[str, Any]]) -> None:
        if not batch:
            return
        self.records_written += len(batch)
        ident, n = self._seg_records[self.segments[-1]]
        self._seg_records[self.segments[-1]] = (ident, n + len(batch))

    def _buffer(self, items: list[dict[str, Any]]) -> None:
        room = max(self.queue.maxsize - len(self._pending), 0)
        self._pending.extend(items[:room])
        lost = max(len(items) - room, 0)
        self._lost_on_failure += lost  # said in the next write_failed record
        self.records_dropped += lost

    def _on_failure(self, exc: OSError, batch: list[dict[str, Any]]) -> None:
        batch = [r for r in batch if r.get("raw_action") != "write_failed" or r.get("source") != "recorder"]
        if self._failed_since is None:
            self._failed_since = time.time()
        self._fault("write_failed", f"recorder cannot write to {self.folder}: {exc.strerror or exc}; "
                    "keeping records in memory and retrying")
        self._last_retry = time.monotonic()
        empty = self._size == 0
        self._close_segment(clean=False)
        if empty:
            self._discard_empty()
        self._buffer(batch)

    def _discard_empty(self) -> None:
        """Remove a segment that failed before holding a record (no empty segment per retry)."""
        path, self._path = self._path, None
        if path is None:
            return
        try:
            if path.stat().st_size <= 1024:  # nothing, or at most the encrypted header
                path.unlink()
        except OSError:
            pass
        if path.exists():
            return
        rel = path.relative_to(self.folder.parent).as_posix()
        if self.segments and self.segments[-1] == rel:
            self.segments.pop()
            self._seg_records.pop(rel, None)
        self._index -= 1  # the next try reuses the name

    def _folder_intact(self) -> bool:
        """False (and nothing is written any more) when the session folder vanished or was replaced."""
        try:
            st = os.lstat(self.folder)
            same = (st.st_dev, st.st_ino) == self._folder_id
        except OSError:
            same = False
        if same:
            return True
        self._gone = True
        lost = 0
        for name, (ident, n) in self._seg_records.items():
            try:
                st = os.lstat(self.folder.parent / name)
                if (st.st_dev, st.st_ino) == ident:
                    continue
            except OSError:
                pass
            lost += n
        self.records_lost += lost
        self.records_written -= lost
        self._fault("folder_gone", f"recorder output folder {self.folder} vanished or was replaced: nothing more "
                    f"is written there; {lost} records written before were lost with it")
        if self._file is not None:
            f, self._file = self._file, None
            try:
                f.close(final=False) if self.encrypt_key else f.close()
            except (OSError, ValueError):
                pass
        return False

    def _ensure_segment(self, incoming: int) -> None:
        too_big = self._size + incoming > self.segment_bytes and self._size > 0
        too_old = time.monotonic() - self._opened_at > self.segment_seconds
        if self._file is not None and not too_big and not too_old:
            return
        self._close_segment()
        while True:
            self._index += 1
            name = segment_name(self._index, encrypted=bool(self.encrypt_key))
            path = self.folder / name
            if not path.exists():
                break
        rel = path.relative_to(self.folder.parent).as_posix()
        if self._on_segment is not None:  # the manifest lists the segment before its file exists
            self._on_segment([*self.segments, rel], dict(self.closed))
        if self.encrypt_key:
            from taskmining.io.encrypted import EncryptedWriter, SegmentId
            self._path = path
            self._file = EncryptedWriter(path, self.encrypt_key, SegmentId(self.recording_id, self.session,
                                                                           self._index))
        else:
            self._path = path
            self._file = open(path, "xb", buffering=0)  # unbuffered: what write() reports is on disk
        st = os.fstat(self._file.fileno())
        self._opened_at = time.monotonic()
        self._size = 0
        self.segments.append(rel)
        self._seg_records[rel] = ((st.st_dev, st.st_ino), 0)

    def _fsync(self) -> None:
        if self._file is not None:
            try:
                os.fsync(self._file.fileno())
            except OSError as exc:
                self._fault("fsync_failed", f"recorder cannot fsync in {self.folder}: {exc.strerror or exc}")
        self._last_fsync = time.monotonic()
        self._dirty = False

    def _close_segment(self, clean: bool = True) -> None:
        if self._file is None:
            return
        f, self._file = self._file, None
        try:
            os.fsync(f.fileno())
        except (OSError, ValueError):
            clean = False
        try:
            if self.encrypt_key:
                f.close(final=clean)
                if clean:
                    self.closed[self.segments[-1]] = f.chunks
            else:
                f.close()
        except (OSError, ValueError):
            if self.encrypt_key:
                self.closed.pop(self.segments[-1], None)
