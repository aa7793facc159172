"""Partitions of a large input, found without loading it: ``partitions`` and ``Partition``.

A partition is the unit of batch work (:func:`taskmining.batch.run.map_partitions`):
the input paths of one session (or one user), plus a row filter when a file
holds several. Discovery reads at most the manifest, the first line of a
segment, or one column of each Parquet file.

Examples
--------
>>> import tempfile, taskmining as tm
>>> d = tempfile.mkdtemp()
>>> _ = tm.simulate(n_users=2, hours=0.2, path=d)
>>> parts = partitions(d)
>>> [p.by for p in parts], len(parts[0].read(tz=None))  # doctest: +ELLIPSIS
(['session', 'session'], ...)
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pandas as pd

from taskmining.errors import FormatDetectionError, IngestError, ParameterError
from taskmining.io._files import read_head
from taskmining.io.detect import detect_format
from taskmining.io.read import expand_sources, read_events
from taskmining.io.recording import MANIFEST, SEGMENT_PREFIX
from taskmining.schema import STRING_DTYPE, USER

__all__ = ["BY", "Partition", "partitions"]

#: Partition kinds: one session, one user (all their sessions), one input file.
BY = ("session", "user", "file")
_NATIVE_SUFFIXES = (".jsonl", ".jsonl.gz", ".jsonl.enc")


@dataclass(frozen=True)
class Partition:
    """One unit of batch work: where its events are and how to pick them out.

    Attributes
    ----------
    key : str
        The session id, the user id, or the file name (``by="file"``).
    by : {"session", "user", "file"}
        What the key is.
    paths : tuple of str
        The files read for this partition.
    format : str
        Input format passed to :func:`~taskmining.read_events`.
    column, value : str, optional
        Keep only rows whose ``column`` equals ``value`` (files that hold
        several sessions or users).
    fill : tuple of (column, value)
        Columns restored from hive folder names (``user=u1``) when the files
        do not hold them.

    Examples
    --------
    >>> Partition("s1", "session", ("a.jsonl",)).key
    's1'
    """

    key: str
    by: str
    paths: tuple[str, ...]
    format: str = "auto"
    column: str | None = None
    value: str | None = None
    fill: tuple[tuple[str, str], ...] = ()

    def read(self, *, tz: str | None = None, key: bytes | None = None, errors: str = "quarantine",
             return_quarantine: bool = False) -> pd.DataFrame | tuple[pd.DataFrame, pd.DataFrame]:
        """Read this partition's events with :func:`~taskmining.read_events` (no warnings, no bars).

        Quarantined records are returned with ``return_quarantine=True``
        (and counted in ``attrs["taskmining"]["quarantined"]``).

        Examples
        --------
        >>> Partition("s1", "session", ("missing.jsonl",)).read()
        Traceback (most recent call last):
        ...
        taskmining.errors.IngestError: missing.jsonl: no such file or folder
        """
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ev, quarantine = read_events(list(self.paths), self.format, errors=errors, tz=tz, key=key,
                                         progress=False, return_quarantine=True)
        meta = dict(ev.attrs.get("taskmining", {}))
        for col, value in self.fill:
            if col not in ev.columns or ev[col].isna().all():
                ev[col] = pd.array([value] * len(ev), dtype=STRING_DTYPE)
        if self.column is not None:
            keep = (ev[self.column] == self.value).fillna(False).to_numpy(dtype=bool)
            if not keep.all():
                ev = ev.loc[keep].reset_index(drop=True)
        ev.attrs = {**ev.attrs, "taskmining": {**meta, "partition": self.key}}
        return (ev, quarantine) if return_quarantine else ev


def _native_groups(paths: list[Path]) -> dict[Path, list[Path]]:
    """Segments grouped by the folder holding them (a session folder of a recording)."""
    groups: dict[Path, list[Path]] = {}
    for p in paths:
        groups.setdefault(p.parent, []).append(p)
    return {k: sorted(v) for k, v in sorted(groups.items())}


def _manifest_users(folder: Path) -> dict[str, str]:
    """session -> user from the ``manifest.json`` above a session folder (empty when none)."""
    for parent in (folder.parent, folder):
        m = parent / MANIFEST
        if m.is_file():
            try:
                manifest = json.loads(m.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise IngestError(f"unreadable manifest ({exc})", path=m) from None
            default = manifest.get("user")
            return {str(s.get("session")): str(s.get("user") or default) for s in manifest.get("sessions", [])
                    if s.get("user") or default}
    return {}


def _first_record_user(files: list[Path]) -> str | None:
    for f in files:
        if f.name.endswith(".enc"):
            continue
        line = read_head(f, 1 << 16).split(b"\n", 1)[0]
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict) and isinstance(record.get(USER), str):
            return str(record[USER])
    return None


def _native_partitions(paths: list[Path], by: str) -> list[Partition]:
    loose = [p for p in paths if not p.name.startswith(SEGMENT_PREFIX)]
    out = [Partition(str(f), "file", (str(f),), "native") for f in loose]  # e.g. write_events(df, "x.jsonl")
    return out + _segment_partitions([p for p in paths if p.name.startswith(SEGMENT_PREFIX)], by)


def _segment_partitions(paths: list[Path], by: str) -> list[Partition]:
    groups = _native_groups(paths)
    if by == "session":
        return [Partition(folder.name, "session", tuple(map(str, files)), "native")
                for folder, files in groups.items()]
    users: dict[str, list[str]] = {}
    for folder, files in groups.items():
        user = _manifest_users(folder).get(folder.name) or _first_record_user(files)
        if user is None:
            raise IngestError("cannot tell the user of this session from the manifest or its first record; "
                              "use by='session'", path=folder)
        users.setdefault(user, []).extend(map(str, files))
    return [Partition(u, "user", tuple(fs), "native") for u, fs in sorted(users.items())]


def _hive_fields(file: Path, root: Path) -> dict[str, str]:
    rel = file.relative_to(root).parts[:-1] if file != root else ()
    return {k: unquote(v) for k, _, v in (part.partition("=") for part in rel if "=" in part)}


def _column_values(file: Path, column: str) -> list[str | None]:
    import pyarrow.parquet as pq

    try:
        if column not in pq.read_schema(file).names:
            return []
        col = pq.read_table(file, columns=[column]).column(column)
    except (OSError, ValueError) as exc:
        raise IngestError(f"cannot read Parquet: {exc}", path=file) from None
    return [None if v is None else str(v) for v in col.unique().to_pylist()]


def _parquet_partitions(roots: list[Path], by: str) -> list[Partition]:
    found: dict[str, tuple[list[str], dict[str, str]]] = {}
    for root in roots:
        files = sorted(root.rglob("*.parquet")) if root.is_dir() else [root]
        for f in files:
            hive = _hive_fields(f, root)
            if by in hive:
                keys: list[str | None] = [hive[by]]
            else:
                keys = _column_values(f, by)
                if not keys:
                    raise IngestError(f"no {by!r} column to partition by; use by='file'", path=f, column=by)
            for k in keys:
                if k is None:
                    raise IngestError(f"rows without {by!r}: partition by='file' instead", path=f, column=by)
                paths, fill = found.setdefault(k, ([], dict(hive)))
                paths.append(str(f))
                for name in list(fill):
                    if hive.get(name) != fill[name]:
                        del fill[name]  # not the same for every file: not restorable from folder names
    out = []
    for k, (paths, fill) in sorted(found.items()):
        fill.pop("date", None)
        filtered = by not in fill
        out.append(Partition(k, by, tuple(paths), "parquet", column=by if filtered else None,
                             value=k if filtered else None, fill=tuple(sorted(fill.items()))))
    return out


def _kind(path: Path, from_folder: bool, format: str) -> str:
    if format != "auto":
        return format
    if path.is_dir() or path.name.lower().endswith(".parquet"):
        return "parquet"
    if from_folder or path.name.lower().endswith(_NATIVE_SUFFIXES):
        return "native"
    try:
        return detect_format(path)
    except FormatDetectionError:
        if path.stat().st_size == 0:
            return "native"
        raise


def partitions(source: str | PathLike[str] | Iterable[str | PathLike[str]], *, by: str = "session",
               format: str = "auto") -> list[Partition]:
    """The partitions of a large input, found without reading all of it.

    Parameters
    ----------
    source : path, glob, folder, or list of them
        A native recording folder (one folder of segments per session), a
        Parquet file or hive-partitioned dataset (``user=.../date=...``, as
        :func:`~taskmining.write_events` writes with ``partition_by``), or a
        list or glob of files of any readable format.
    by : {"session", "user", "file"}
        One partition per session, per user (all of a user's sessions), or
        per input file. Native recordings: a session is a folder of
        ``segment-*`` files; its user comes from ``manifest.json`` or the
        first record (other JSONL files are one partition each). Parquet:
        from hive folder names (``user=u1``) or the file's column (only that
        column is read). Other formats are partitioned by file.
    format : str, default "auto"
        As in :func:`~taskmining.read_events`.

    Returns
    -------
    list of Partition
        Sorted by key (the order of the whole frame of ``read_events``).

    Raises
    ------
    ParameterError
        Unknown ``by``.
    IngestError
        Missing inputs, or a partition key that cannot be told.

    Examples
    --------
    >>> import os, tempfile, pandas as pd, taskmining as tm
    >>> ev = pd.DataFrame({"timestamp": pd.date_range("2026-01-05", periods=4, freq="1h", tz="UTC"),
    ...                    "action": "click", "user": ["u1", "u1", "u2", "u2"],
    ...                    "session": ["a", "b", "c", "c"]})
    >>> ds = tm.write_events(ev, os.path.join(tempfile.mkdtemp(), "ds"), partition_by=["user", "date"])
    >>> [(p.key, len(p.read())) for p in partitions(ds, by="user")]
    [('u1', 2), ('u2', 2)]
    >>> [p.key for p in partitions(ds)]
    ['a', 'b', 'c']
    >>> partitions(ds, by="day")
    Traceback (most recent call last):
    ...
    taskmining.errors.ParameterError: by='day': use one of 'session', 'user', 'file'
    """
    if by not in BY:
        raise ParameterError(f"by={by!r}: use one of " + ", ".join(repr(b) for b in BY))
    kinds: dict[str, list[Path]] = {}
    for path, from_folder in expand_sources(source):
        kinds.setdefault(_kind(path, from_folder, format), []).append(path)
    out: list[Partition] = []
    for kind, paths in kinds.items():
        if by == "file" or kind not in ("native", "parquet"):
            files = [f for p in paths for f in (sorted(p.rglob("*.parquet")) if p.is_dir() else [p])]
            out.extend(Partition(str(f), "file", (str(f),), kind) for f in files)
        elif kind == "native":
            out.extend(_native_partitions(paths, by))
        else:
            out.extend(_parquet_partitions(paths, by))
    return _check_unique(sorted(out, key=lambda p: p.key))


def _check_unique(parts: list[Partition]) -> list[Partition]:
    seen: dict[str, Any] = {}
    for p in parts:
        if p.key in seen:
            raise IngestError(f"{p.by} {p.key!r} is in two places ({seen[p.key]} and {p.paths[0]}); "
                              "pass them as one input or use by='file'", path=p.paths[0])
        seen[p.key] = p.paths[0]
    return parts

