"""Write simulated events as native JSON Lines records (docs/formats.md), vectorised.

Each column stays dictionary-encoded: its distinct values are JSON-encoded
once in Python, every row takes its fragment by code (Arrow ``take``), and
Arrow joins the fragments of a row into one line, leaving out missing
values (no ``"key":null`` members, except for the ground truth). A recording folder holds
one directory per session with rotated ``segment-NNNNNN.jsonl`` files
(rotated every hour of recording and every ``max_lines`` lines) and a
``manifest.json``.

Examples
--------
>>> import json, tempfile, pathlib
>>> from taskmining.datasets.simulate import simulate_columns
>>> cols, info = simulate_columns(n_users=1, hours=0.2, seed=3)
>>> with tempfile.TemporaryDirectory() as d:
...     manifest = write_recording(cols, d, info)
...     first = next(pathlib.Path(d).glob("*/segment-000001.jsonl")).read_text().splitlines()[0]
>>> sorted(json.loads(first))[:4]
['action', 'app', 'attrs', 'element_id']
>>> "null" in first  # missing values are left out of a record, not written as null
False
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from taskmining.errors import ExportError
from taskmining.io._jsonl_write import fragments, join_records, members, number_members
from taskmining.io.recording import (
    FORMAT_NAME,
    MANIFEST,
    SCHEMA_VERSION,
    segment_name,
    write_manifest,
)
from taskmining.schema import is_ground_truth

__all__ = ["write_recording", "write_jsonl", "RECORD_KEYS"]

RECORD_KEYS = ("v", "seq", "event_id", "timestamp", "user", "session", "app", "window", "action",
               "element_role", "element_name", "element_id", "value", "url", "source", "raw_action",
               "duration", "attrs", "true_step", "true_case", "true_task", "true_object")
_BATCH = 250_000


def _lines(cols: Mapping[str, Any], a: int, b: int, seq: np.ndarray, frags: dict[str, pa.Array]) -> pa.Array:
    """Rows ``a:b`` as JSON lines, each ending in a newline (missing values are left out)."""
    parts: list[pa.Array] = [pa.array(np.full(b - a, f'"v":{SCHEMA_VERSION}'), type=pa.string())]
    parts.append(number_members("seq", pa.array(seq[a:b])))
    parts.append(number_members("event_id", pa.array(np.arange(a, b))))
    ts = pa.array(cols["timestamp_ns"][a:b], type=pa.timestamp("ns")).cast(pa.timestamp("us"))
    parts.append(pc.binary_join_element_wise("\"timestamp\":\"", pc.strftime(ts, format="%Y-%m-%dT%H:%M:%S"),
                                             "Z\"", ""))
    for key in RECORD_KEYS[4:]:
        if key == "duration":
            parts.append(number_members("duration", pa.array(cols["duration"][a:b])))
        else:
            parts.append(members(key, cols[key].codes[a:b], cols[key].values, frags=frags[key]))
    return join_records(parts)


def _all_fragments(cols: Mapping[str, Any]) -> dict[str, pa.Array]:
    # ground truth keeps "key":null members, so an empty truth column still comes back
    return {k: fragments(k, cols[k].values, raw=(k == "attrs"), keep_null=is_ground_truth(k))
            for k in RECORD_KEYS[4:] if k != "duration"}


def _write_rows(fh: BinaryIO, lines: pa.Array, a: int, b: int) -> None:
    """Write lines ``a:b`` of an Arrow string array straight from its data buffer."""
    if b <= a:
        return
    width = np.int64 if pa.types.is_large_string(lines.type) else np.int32
    offsets = np.frombuffer(lines.buffers()[1], dtype=width, count=len(lines) + 1, offset=lines.offset * width(0).itemsize)
    data = memoryview(lines.buffers()[2])
    fh.write(data[int(offsets[a]):int(offsets[b])])


def _seq(session: np.ndarray) -> np.ndarray:
    """The recorder's per-session counter (1, 2, ...)."""
    n = len(session)
    first = np.flatnonzero(np.r_[True, session[1:] != session[:-1]])
    counts = np.diff(np.r_[first, n])
    return np.arange(n) - np.repeat(first, counts) + 1


def _segments(cols: Mapping[str, Any], max_lines: int) -> Iterator[tuple[int, int, int, int]]:
    """(session code, segment number, first row, end row) of every segment file."""
    session = cols["session"].codes
    n = len(session)
    if n == 0:
        return
    first = np.r_[True, session[1:] != session[:-1]]
    starts = np.flatnonzero(first)
    start_ns = np.repeat(cols["timestamp_ns"][starts], np.diff(np.r_[starts, n]))
    hour = (cols["timestamp_ns"] - start_ns) // (3600 * 10**9)
    new_hour = first | np.r_[True, hour[1:] != hour[:-1]]
    cuts = np.flatnonzero(new_hour)
    bounds: list[int] = []
    for a, b in zip(cuts.tolist(), np.r_[cuts[1:], n].tolist()):
        bounds.extend(range(a, b, max_lines))
    bounds.append(n)
    seg = 0
    for a, b in zip(bounds[:-1], bounds[1:]):
        seg = 1 if first[a] else seg + 1
        yield int(session[a]), seg, a, b


def write_recording(cols: Mapping[str, Any], path: str | Path, info: Mapping[str, Any] | None = None, *,
                    max_lines: int = 100_000) -> dict[str, Any]:
    """Write a native recording folder; returns the manifest it wrote.

    Parameters
    ----------
    cols : mapping
        Encoded columns from :func:`taskmining.datasets.simulate.simulate_columns`.
    path : str or Path
        The recording folder (created; existing segment files are overwritten).
    info : mapping, optional
        Extra manifest entries (the simulation parameters).
    max_lines : int
        Lines per segment file at most (segments also rotate every hour).
    """
    root = Path(path)
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"{root}: cannot create the recording folder ({exc.strerror})") from None
    names = cols["session"].values
    users = cols["user"].values
    seq = _seq(cols["session"].codes)
    frags = _all_fragments(cols)
    sessions: dict[int, dict[str, Any]] = {}
    batch_a, batch_b, lines = 0, 0, None
    for s, seg, a, b in _segments(cols, max_lines):
        if lines is None or b > batch_b:
            batch_a, batch_b = a, min(len(seq), max(b, a + _BATCH))
            lines = _lines(cols, batch_a, batch_b, seq, frags)
        folder = root / names[s]
        entry = sessions.setdefault(s, {"session": names[s], "user": users[s], "events": 0, "segments": [],
                                        "start": _iso(cols["timestamp_ns"][a])})
        fname = segment_name(seg)
        try:
            folder.mkdir(exist_ok=True)
            with open(folder / fname, "wb") as fh:
                _write_rows(fh, lines, a - batch_a, b - batch_a)
        except OSError as exc:
            raise ExportError(f"{folder / fname}: cannot write ({exc.strerror})") from None
        entry["segments"].append(fname)
        entry["events"] += b - a
        entry["end"] = _iso(cols["timestamp_ns"][b - 1])
    manifest = {"format": FORMAT_NAME, "v": SCHEMA_VERSION, "source": "simulator",
                "events": int(len(seq)), "sessions": list(sessions.values()), **dict(info or {})}
    try:
        write_manifest(root, manifest)
    except OSError as exc:
        raise ExportError(f"{root / MANIFEST}: cannot write ({exc.strerror})") from None
    return manifest


def write_jsonl(cols: Mapping[str, Any], path: str | Path) -> int:
    """Write every event as native records into one ``.jsonl`` file; returns the line count."""
    n = len(cols["timestamp_ns"])
    seq = _seq(cols["session"].codes)
    frags = _all_fragments(cols)
    try:
        with open(path, "wb") as fh:
            for a in range(0, n, _BATCH):
                b = min(n, a + _BATCH)
                _write_rows(fh, _lines(cols, a, b, seq, frags), 0, b - a)
    except OSError as exc:
        raise ExportError(f"{path}: cannot write ({exc.strerror})") from None
    return n


def _iso(ns: int) -> str:
    return str(np.datetime64(int(ns), "ns").astype("datetime64[us]")) + "Z"
