"""``write_events``: an events frame to Parquet (optionally partitioned) or native JSONL.

Examples
--------
>>> import os, tempfile
>>> import pandas as pd
>>> from taskmining.io.read import read_events
>>> ev = pd.DataFrame({"timestamp": ["2026-01-05T09:00:00Z"], "action": ["click"],
...                    "session": ["s1"], "attrs": ['{"x":4}']})
>>> p = write_events(ev, os.path.join(tempfile.mkdtemp(), "ev.jsonl.gz"))
>>> read_events(p, progress=False)["attrs"].tolist()
['{"x":4}']
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Sequence
from os import PathLike
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from taskmining.errors import ExportError, ParameterError
from taskmining.io._jsonl_write import join_records, series_members
from taskmining.io.formats.parquet import META_KEY
from taskmining.schema import COLUMNS, validate_events

__all__ = ["write_events"]

_FORMATS = ("parquet", "jsonl")
_PARTITIONS = ("user", "date")


def _format_of(path: Path, format: str | None) -> str:
    if format is not None:
        if format not in _FORMATS:
            raise ParameterError(f"format={format!r}: use one of {', '.join(_FORMATS)}")
        return format
    name = path.name.lower()
    if name.endswith((".jsonl", ".jsonl.gz")):
        return "jsonl"
    if name.endswith(".parquet") or path.suffix == "":
        return "parquet"
    raise ParameterError(f"path {str(path)!r}: cannot tell the format from the name; "
                         "use .parquet, .jsonl or .jsonl.gz, or pass format=")


def _jsonl_lines(ev: pd.DataFrame) -> pa.Array:
    """One native record per row (attrs as a nested object, missing contract values left out), vectorised."""
    ts = pc.strftime(pa.array(ev["timestamp"]), format="%Y-%m-%dT%H:%M:%S") if len(ev) else pa.array([], pa.string())
    parts = [pc.binary_join_element_wise('"timestamp":"', ts, 'Z"', "")]
    for c in ev.columns:
        if c not in ("timestamp", "attrs"):
            parts.append(series_members(ev[c], keep_null=c not in COLUMNS))  # extra columns survive when empty
    attrs = pa.array(ev["attrs"].astype(object).where(ev["attrs"].notna(), None), pa.string())
    parts.append(pc.binary_join_element_wise('"attrs":', attrs, ""))
    return join_records(parts, newline=False)


def _write_jsonl(ev: pd.DataFrame, path: Path, compression: str | None) -> None:
    gz = compression == "gzip" or (compression is None and path.name.lower().endswith(".gz"))
    opener = gzip.open if gz else open
    step = 200_000
    with opener(path, "wb") as f:
        for start in range(0, len(ev), step):
            lines = _jsonl_lines(ev.iloc[start:start + step])
            f.write(("\n".join(lines.to_pylist()) + "\n").encode("utf-8"))


def _write_parquet(ev: pd.DataFrame, path: Path, partition_by: Sequence[str], compression: str | None) -> None:
    import pyarrow.dataset as ds
    import pyarrow.parquet as pq

    derived = []
    if "date" in partition_by and "date" not in ev.columns:
        ev = ev.assign(date=ev["timestamp"].dt.strftime("%Y-%m-%d"))
        derived.append("date")
    table = pa.Table.from_pandas(ev, preserve_index=False)
    meta = dict(table.schema.metadata or {})
    meta[META_KEY] = json.dumps({"derived_partitions": derived}).encode()
    table = table.replace_schema_metadata(meta)
    if not partition_by:
        pq.write_table(table, path, compression=compression or "zstd")
        return
    part = ds.partitioning(pa.schema([table.schema.field(c) for c in partition_by]).remove_metadata(), flavor="hive")
    fmt = ds.ParquetFileFormat()
    ds.write_dataset(table, path, format="parquet", partitioning=part, existing_data_behavior="overwrite_or_ignore",
                     file_options=fmt.make_write_options(compression=compression or "zstd"),
                     basename_template="part-{i}.parquet")


def write_events(df: pd.DataFrame, path: str | PathLike[str], *, format: str | None = None,
                 partition_by: str | Sequence[str] | None = None, compression: str | None = None) -> Path:
    """Write an events frame to Parquet or native JSONL; returns the path written.

    Parameters
    ----------
    df : pandas.DataFrame
        An events frame (validated first; extra columns are written too).
    path : str or PathLike
        ``*.parquet`` (a file, or a folder with ``partition_by``), ``*.jsonl``
        or ``*.jsonl.gz``.
    format : {"parquet", "jsonl"}, optional
        Overrides the guess from the file name.
    partition_by : str or list of {"user", "date"}, optional
        Parquet only: a hive-partitioned dataset (``user=u1/date=2026-01-05/``);
        ``date`` is the UTC day of ``timestamp``.
    compression : str, optional
        Parquet codec (default ``"zstd"``); for JSONL ``"gzip"`` (default:
        by the ``.gz`` ending).

    Returns
    -------
    pathlib.Path

    Raises
    ------
    SchemaError
        When ``df`` does not meet the events-frame contract.
    ParameterError
        Unknown format, partition column or a partitioned JSONL.
    ExportError
        When the file cannot be written.

    Examples
    --------
    >>> write_events(pd.DataFrame({"timestamp": [], "action": []}), "x.csv")
    Traceback (most recent call last):
    ...
    taskmining.errors.ParameterError: path 'x.csv': cannot tell the format from the name; use .parquet, .jsonl or .jsonl.gz, or pass format=
    """
    p = Path(path)
    fmt = _format_of(p, format)
    parts = [partition_by] if isinstance(partition_by, str) else list(partition_by or [])
    parts = [x.strip() for x in parts if x.strip()]
    for c in parts:
        if c not in _PARTITIONS:
            raise ParameterError(f"partition_by={c!r}: use user and/or date")
    if parts and fmt != "parquet":
        raise ParameterError("partition_by works with Parquet output only")
    ev = validate_events(df)
    try:
        if p.parent and not p.parent.exists():
            p.parent.mkdir(parents=True, exist_ok=True)
        if fmt == "jsonl":
            _write_jsonl(ev, p, compression)
        else:
            _write_parquet(ev, p, parts, compression)
    except OSError as exc:
        raise ExportError(f"{p}: cannot write: {exc.strerror or exc}") from None
    return p
