"""``read_events``: any supported input (files, folders, globs, lists) into one events frame.

Examples
--------
>>> import os, tempfile
>>> p = os.path.join(tempfile.mkdtemp(), "segment-000001.jsonl")
>>> with open(p, "w") as f:
...     _ = f.write('{"timestamp": "2026-11-25T09:00:00Z", "session": "s1", "action": "click"}\\n')
>>> ev = read_events(p, progress=False)
>>> len(ev), ev.attrs["taskmining"]["format"]
(1, 'native')
"""

from __future__ import annotations

import glob
import warnings
from collections.abc import Iterable
from os import PathLike
from pathlib import Path
from typing import Any, Literal, overload

import numpy as np
import pandas as pd
from pandas.api.types import union_categoricals

from taskmining._unique import all_distinct
from taskmining.errors import FormatDetectionError, IngestError, ParameterError, warn_user
from taskmining.io._pool import reading_pool
from taskmining.io.detect import detect_format
from taskmining.io.formats.native import native_files
from taskmining.io.quarantine import ReadResult, empty_quarantine
from taskmining.io.recording import MANIFEST
from taskmining.io.registry import get_format
from taskmining.schema import CATEGORY_COLUMNS, validate_events

__all__ = ["LeftOutFilesWarning", "QuarantineWarning", "expand_sources", "read_events"]

Source = str | PathLike[str] | Iterable[str | PathLike[str]]
_ERRORS = ("quarantine", "raise")
#: Readers that build the contract frame themselves (same semantics as validate_events, tested).
_VALIDATED = {"native", "parquet"}


class QuarantineWarning(UserWarning):
    """Some input records were quarantined instead of read (counts by reason in the message)."""


class LeftOutFilesWarning(UserWarning):
    """A folder read as a native recording holds other files, which were not read (named in the message)."""


def _is_glob(s: str) -> bool:
    return any(ch in s for ch in "*?[")


def expand_sources(source: Source) -> list[tuple[Path, bool]]:
    """The input paths of ``source`` with a flag: True when found by expanding a folder.

    Folders expand to the native segments below them; a folder without
    segments but with Parquet files is one Parquet dataset; otherwise its
    files are read one by one.

    Raises
    ------
    IngestError
        When nothing matches (empty list, glob without matches, empty folder).

    Examples
    --------
    >>> expand_sources([])
    Traceback (most recent call last):
    ...
    taskmining.errors.IngestError: no input files given
    """
    if isinstance(source, (str, PathLike)):
        items: list[str | PathLike[str]] = [source]
    else:
        items = list(source)
    if not items:
        raise IngestError("no input files given")
    out: list[tuple[Path, bool]] = []
    for item in items:
        text = str(item)
        if not Path(text).exists() and _is_glob(text):
            matches = sorted(glob.glob(text, recursive=True))
            if not matches:
                raise IngestError("no files match this pattern", path=text)
            out.extend((Path(m), False) for m in matches if not Path(m).is_dir())
            out.extend(x for m in matches if Path(m).is_dir() for x in _folder(Path(m)))
            continue
        p = Path(text)
        if not p.exists():
            raise IngestError("no such file or folder", path=p)
        out.extend(_folder(p) if p.is_dir() else [(p, False)])
    return out


def _folder(p: Path) -> list[tuple[Path, bool]]:
    segments = native_files(p)
    if segments:
        _warn_left_out(p, segments)
        return [(s, True) for s in segments]
    if any(p.rglob("*.parquet")):
        return [(p, False)]
    files = sorted(f for f in p.rglob("*") if f.is_file() and not f.name.startswith("."))
    if not files:
        raise IngestError("folder holds no segments or other input files", path=p)
    return [(f, False) for f in files]


def _warn_left_out(folder: Path, segments: list[Path]) -> None:
    """A recording folder is read as its segments: say which other files were not read."""
    kept = set(segments)
    other = sorted(f for f in folder.rglob("*") if f.is_file() and f not in kept and f.name != MANIFEST
                   and not any(part.startswith(".") for part in f.relative_to(folder).parts))
    if other:
        names = ", ".join(str(f.relative_to(folder)) for f in other[:5]) + (", …" if len(other) > 5 else "")
        warn_user(f"{folder}: read as a native recording ({len(segments)} segment file(s)); "
                  f"{len(other)} other file(s) not read: {names}. Pass them to read_events "
                  "separately (a list of paths) to read them too.", LeftOutFilesWarning)


def _group(paths: list[tuple[Path, bool]], fmt: str) -> dict[str, list[Path]]:
    groups: dict[str, list[Path]] = {}
    for p, from_folder in paths:
        if fmt != "auto":
            name = fmt
        else:
            try:
                name = detect_format(p)
            except FormatDetectionError:
                if p.stat().st_size == 0 and (from_folder or p.name.endswith((".jsonl", ".jsonl.gz"))):
                    name = "native"  # an empty segment of a recording: zero events
                else:
                    raise
        groups.setdefault(name, []).append(p)
    return groups


def _combine(frames: list[pd.DataFrame]) -> pd.DataFrame:
    frames = [f for f in frames if f is not None]
    if len(frames) == 1:
        return frames[0]
    ids = np.concatenate([f["event_id"].to_numpy() for f in frames])
    if not all_distinct(ids):
        offset, renumbered = 0, []
        for f in frames:
            f = f.copy()
            f["event_id"] = np.arange(offset, offset + len(f), dtype=np.int64)
            offset += len(f)
            renumbered.append(f)
        frames = renumbered
    cats = {c: union_categoricals([f[c] for f in frames], sort_categories=c != "action")
            for c in CATEGORY_COLUMNS}
    out = pd.concat(frames, ignore_index=True)
    for c, values in cats.items():
        out[c] = pd.Series(values, index=out.index)
    return out


@overload
def read_events(source: Source, format: str = ..., *, errors: str = ..., tz: str | None = ...,
                return_quarantine: Literal[False] = ..., progress: bool = ..., key: bytes | None = ...,
                **options: Any) -> pd.DataFrame: ...


@overload
def read_events(source: Source, format: str = ..., *, errors: str = ..., tz: str | None = ...,
                return_quarantine: Literal[True], progress: bool = ..., key: bytes | None = ...,
                **options: Any) -> tuple[pd.DataFrame, pd.DataFrame]: ...


def read_events(
    source: Source,
    format: str = "auto",
    *,
    errors: str = "quarantine",
    tz: str | None = None,
    return_quarantine: bool = False,
    progress: bool = True,
    key: bytes | None = None,
    **options: Any,
) -> pd.DataFrame | tuple[pd.DataFrame, pd.DataFrame]:
    """Read UI logs of any supported format into one validated events frame.

    Parameters
    ----------
    source : path, glob, folder, or list of them
        Files, folders (their native segments; a Parquet dataset folder) or
        glob patterns such as ``"rec/**/*.jsonl.gz"``.
    format : str, default "auto"
        A registered format name (see ``taskmining.list_formats()``), or
        ``"auto"`` to detect it from each file's content.
    errors : {"quarantine", "raise"}
        Bad records are kept aside (default) with file, line, reason and raw
        text, and a :class:`QuarantineWarning` gives their counts; with
        ``"raise"`` the first one raises :class:`~taskmining.errors.IngestError`.
    tz : str, optional
        Zone of naive timestamps, for formats that have them (SmartRPA).
    return_quarantine : bool
        Also return the quarantined records (``file``, ``line``, ``reason``, ``raw``).
    progress : bool
        Progress bars on long reads.
    key : bytes, optional
        Recording key for encrypted native segments (``.jsonl.enc``).
    **options
        Passed to the format's reader.

    Returns
    -------
    pandas.DataFrame or (pandas.DataFrame, pandas.DataFrame)
        The events frame (``events.attrs["taskmining"]`` holds ``format``,
        ``files`` and ``quarantined``), and the quarantine frame when asked.

    Raises
    ------
    ParameterError
        Unknown ``format`` or ``errors`` value.
    IngestError
        Missing files, undetectable formats, or bad records with ``errors="raise"``.

    Examples
    --------
    >>> read_events("x.jsonl", errors="ignore")
    Traceback (most recent call last):
    ...
    taskmining.errors.ParameterError: errors='ignore': use one of 'quarantine', 'raise'
    """
    if errors not in _ERRORS:
        raise ParameterError(f"errors={errors!r}: use one of 'quarantine', 'raise'")
    if format != "auto":
        get_format(format)  # ParameterError for unknown names
    paths = expand_sources(source)
    groups = _group(paths, format)
    results: list[ReadResult] = []
    with reading_pool():
        for name, group in groups.items():
            spec = get_format(name)
            extra = dict(options)
            if key is not None and name == "native":
                extra["key"] = key
            results.append(spec.read(group, errors=errors, tz=tz, progress=progress, **extra))
        events = _combine([r.events for r in results])
        if len(results) > 1 or not set(groups) <= _VALIDATED:
            events = validate_events(events, tz=tz)
    quarantine = pd.concat([r.quarantine for r in results], ignore_index=True) if results else empty_quarantine()
    fmt = ",".join(groups) if len(groups) > 1 else next(iter(groups))
    events.attrs["taskmining"] = {"format": fmt, "files": len(paths), "quarantined": len(quarantine)}
    notes = [n for r in results for n in getattr(r, "notes", [])]
    if notes:  # what readers assumed or repaired (an encoding, mojibake), per file
        events.attrs["taskmining"]["notes"] = notes
    if len(quarantine):
        counts = quarantine["reason"].str.replace(r":.*$", "", regex=True).value_counts()
        detail = ", ".join(f"{r}: {c}" for r, c in counts.items())
        hint = "" if return_quarantine else "; pass return_quarantine=True to get them"
        warnings.warn(f"{len(quarantine)} record(s) quarantined ({detail}){hint}", QuarantineWarning,
                      stacklevel=2)
    if return_quarantine:
        return events, quarantine
    return events
