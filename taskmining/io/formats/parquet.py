"""Parquet events: one file or a hive-partitioned dataset (``user=.../date=...``).

Also home of :func:`arrow_to_events`, the Arrow table -> events frame step
that the native reader shares: it builds the contract dtypes straight from
Arrow (no Python objects), with the semantics of
:func:`taskmining.schema.validate_events`.

Examples
--------
>>> import os, tempfile
>>> import pandas as pd
>>> from taskmining.io.write import write_events
>>> d = tempfile.mkdtemp()
>>> ev = pd.DataFrame({"timestamp": ["2026-01-05T09:00:00Z"], "action": ["click"],
...                    "user": ["u1"], "session": ["s1"]})
>>> _ = write_events(ev, os.path.join(d, "ev.parquet"))
>>> read_parquet([os.path.join(d, "ev.parquet")], progress=False).events["user"].tolist()
['u1']
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from taskmining._unique import all_distinct
from taskmining.errors import IngestError, ParameterError, SchemaError
from taskmining.io.quarantine import QuarantineLog, ReadResult
from taskmining.io.registry import ReaderSpec
from taskmining.schema import (
    ACTIONS,
    CATEGORY_COLUMNS,
    COLUMNS,
    STRING_COLUMNS,
    STRING_DTYPE,
    TIMESTAMP_DTYPE,
    as_utc,
    categorical_from_codes,
    filled_category,
    sessions_from_users,
)

__all__ = ["SPEC", "arrow_to_events", "concat_tables", "read_parquet", "sniff"]

#: From this many rows on, the categoricals of a frame are built on two threads.
_PARALLEL_FROM = 500_000

#: Schema-metadata key listing partition columns derived on write (dropped on read).
META_KEY = b"taskmining"
_PAR_MAGIC = b"PAR1"
_TS = pa.timestamp("ns", tz="UTC")


def concat_tables(tables: list[pa.Table]) -> pa.Table:
    """Concatenate tables whose extra columns may differ (types promoted, else made strings).

    Examples
    --------
    >>> import pyarrow as pa
    >>> t = concat_tables([pa.table({"a": [1]}), pa.table({"a": ["x"], "b": [2]})])
    >>> t.column("a").to_pylist(), t.column("b").to_pylist()
    (['1', 'x'], [None, 2])
    """
    if len(tables) == 1:
        return tables[0]
    try:
        return pa.concat_tables(tables, promote_options="permissive")
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        types: dict[str, set[pa.DataType]] = {}
        for t in tables:
            for f in t.schema:
                types.setdefault(f.name, set()).add(f.type)
        clash = {n for n, ts in types.items() if len({x for x in ts if not pa.types.is_null(x)}) > 1}
        fixed = []
        for t in tables:
            for name in clash & set(t.column_names):
                i = t.schema.get_field_index(name)
                t = t.set_column(i, name, pc.cast(t.column(name), pa.string()))
            fixed.append(t)
        return pa.concat_tables(fixed, promote_options="permissive")


def _strings(col: pa.ChunkedArray | pa.Array) -> pd.Series:
    if pa.types.is_dictionary(col.type):
        col = pc.cast(col, pa.string())
    if not (pa.types.is_string(col.type) or pa.types.is_large_string(col.type)):
        col = pc.cast(col, pa.string())
    return pd.Series(pd.array(col, dtype=STRING_DTYPE) if len(col) else [], dtype=STRING_DTYPE)


def _category(col: pa.ChunkedArray | pa.Array, categories: list[str] | None = None) -> pd.Series:
    """A pandas categorical from Arrow strings or dictionaries (sorted ``str`` categories).

    Dictionary indices are used as they are when the dictionary is already
    sorted; entries that no row uses stay categories (as a categorical's
    unused categories do), so a frame written and read back is unchanged.
    With ``categories`` given, values outside them get code ``-1``.
    """
    if isinstance(col, pa.Array):
        col = pa.chunked_array([col])
    if not pa.types.is_dictionary(col.type):
        if not (pa.types.is_string(col.type) or pa.types.is_large_string(col.type)):
            col = pc.cast(col, pa.string())
        col = pc.dictionary_encode(col)
    if col.num_chunks == 0:
        return pd.Series(categorical_from_codes([], np.zeros(0, dtype=np.int8), categories=categories))
    if col.num_chunks > 1:
        col = col.unify_dictionaries()
    values = col.chunk(0).dictionary
    if not (pa.types.is_string(values.type) or pa.types.is_large_string(values.type)):
        values = pc.cast(values, pa.string())
    idx = col.chunk(0).indices if col.num_chunks == 1 else pa.concat_arrays([c.indices for c in col.chunks])
    codes = (idx.fill_null(-1) if idx.null_count else idx).to_numpy(zero_copy_only=False)
    if codes.dtype.kind != "i":
        codes = codes.astype(np.int64)
    return pd.Series(categorical_from_codes(values.to_pylist(), codes, categories=categories))


def _timestamps(col: pa.ChunkedArray, tz: str | None) -> pd.Series:
    t = col.type
    if pa.types.is_timestamp(t) and t.tz is not None:
        return pd.Series(pc.cast(col, _TS).to_pandas(), dtype=TIMESTAMP_DTYPE)
    return as_utc(pd.Series(col.to_pandas()), tz=tz)


def arrow_to_events(table: pa.Table, *, tz: str | None = None, sort: bool = True,
                    unique_ids: bool = False) -> pd.DataFrame:
    """Build the events frame (contract dtypes and order) from an Arrow table.

    Same result as ``validate_events(table.to_pandas(), tz=tz)`` for valid
    input, without the round trip through Python objects. ``unique_ids=True``
    says the caller has already checked that ``event_id`` has no duplicates.

    Raises
    ------
    SchemaError
        As :func:`~taskmining.schema.validate_events` would.

    Examples
    --------
    >>> import pyarrow as pa
    >>> t = pa.table({"timestamp": ["2026-01-05T09:00:01Z", "2026-01-05T09:00:00Z"],
    ...               "action": ["click", "type"], "session": ["s", "s"]})
    >>> arrow_to_events(t)["action"].tolist()
    ['type', 'click']
    """
    names = set(table.column_names)
    for required in ("timestamp", "action"):
        if required not in names:
            raise SchemaError(f"column {required!r} is missing (columns: {table.column_names[:20]})")
    n = table.num_rows
    out: dict[str, pd.Series] = {}
    if "event_id" in names and table.column("event_id").null_count == 0:
        out["event_id"] = pd.Series(table.column("event_id").to_numpy().astype(np.int64, copy=False))
        ids = out["event_id"].to_numpy()
        if not unique_ids and not all_distinct(ids):
            raise SchemaError("column 'event_id': duplicate ids")
    elif "event_id" in names:
        raise SchemaError("column 'event_id': missing ids")
    else:
        out["event_id"] = pd.Series(np.arange(n, dtype=np.int64))
    out["timestamp"] = _timestamps(table.column("timestamp"), tz)
    if out["timestamp"].isna().any():
        raise SchemaError("column 'timestamp': missing or nonexistent times")
    action = table.column("action")
    if action.null_count:
        raise SchemaError("column 'action': missing actions")
    # categoricals are built on two threads (Arrow and numpy release the GIL) while the strings are wrapped
    with ThreadPoolExecutor(2 if n >= _PARALLEL_FROM else 1) as pool:
        cats = {c: pool.submit(_category, table.column(c)) for c in CATEGORY_COLUMNS if c != "action" and c in names}
        cats["action"] = pool.submit(_category, action, list(ACTIONS))
        for c in STRING_COLUMNS:
            out[c] = _strings(table.column(c)) if c in names else pd.Series(np.full(n, np.nan), dtype=STRING_DTYPE)
        built = {c: f.result() for c, f in cats.items()}
    out["action"] = built["action"]
    if (out["action"].cat.codes < 0).any():
        first = action.to_pandas()[out["action"].cat.codes.to_numpy() < 0].iloc[0]
        raise SchemaError(f"column 'action': values outside the action vocabulary (first: {first!r})")
    for c in CATEGORY_COLUMNS:
        if c == "action":
            continue
        if c in names:
            out[c] = built[c]
        elif c == "session":
            out[c] = sessions_from_users(out["user"])
        else:
            out[c] = filled_category(n, "unknown" if c == "element_role" else None)
    if "duration" in names:
        out["duration"] = pd.Series(pc.cast(table.column("duration"), pa.float64()).to_numpy(zero_copy_only=False))
        if (out["duration"] < 0).any():
            raise SchemaError("column 'duration': negative durations")
    else:
        out["duration"] = pd.Series(np.full(n, np.nan))
    frame = pd.DataFrame({c: out[c] for c in COLUMNS}, copy=False)
    extras = [c for c in table.column_names if c not in COLUMNS]
    if extras:
        rest = table.select(extras).to_pandas(types_mapper={pa.string(): STRING_DTYPE,
                                                            pa.large_string(): STRING_DTYPE}.get)
        frame = pd.concat([frame, rest], axis=1)
    if sort and n:
        codes = frame["session"].cat.codes.to_numpy()  # categories in lexical order
        tsv = frame["timestamp"].to_numpy(dtype="datetime64[ns]").view(np.int64)
        ids = frame["event_id"].to_numpy()
        if not _is_sorted(codes, tsv, ids):
            order = np.lexsort((ids, tsv, codes))
            frame = frame.take(order).reset_index(drop=True)
    return frame


def _is_sorted(session: np.ndarray, ts: np.ndarray, ids: np.ndarray) -> bool:
    """Whether rows are in (session, timestamp, event_id) order, ties of all three not allowed."""
    if (session[1:] < session[:-1]).any():
        return False
    check = np.flatnonzero((session[1:] == session[:-1]) & (ts[1:] <= ts[:-1]))
    return bool(np.all((ts[check + 1] == ts[check]) & (ids[check + 1] > ids[check])))


def _dataset(path: Path) -> tuple[pa.Table, list[str]]:
    import pyarrow.dataset as ds

    try:
        if path.is_file():  # one file: read whole (one chunk per row group, not per scan batch)
            table = pq.read_table(path, memory_map=True)
            meta = table.schema.metadata or {}
        else:
            dataset = ds.dataset(path, format="parquet", partitioning="hive")
            table = dataset.to_table()
            meta = dataset.schema.metadata or {}
    except (pa.ArrowInvalid, OSError) as exc:
        raise IngestError(f"cannot read Parquet: {exc}", path=path) from None
    derived: list[str] = []
    if META_KEY in meta:
        derived = list(json.loads(meta[META_KEY]).get("derived_partitions", []))
    return table.drop_columns([c for c in derived if c in table.column_names]), derived


def read_parquet(paths: list[str | PathLike[str]], *, errors: str = "quarantine", tz: str | None = None,
                 progress: bool = True, **options: Any) -> ReadResult:
    """Read Parquet files or hive-partitioned dataset folders into an events frame.

    Parameters
    ----------
    paths : list of path
        Files or dataset folders.
    errors : {"quarantine", "raise"}
        Rows with a missing timestamp or action, or an action outside the
        vocabulary, are quarantined (``line`` is the 1-based row) or raise.
    tz : str, optional
        Zone of naive timestamps.
    progress : bool
        Unused (Parquet reads are fast); accepted for the reader interface.

    Returns
    -------
    ReadResult

    Examples
    --------
    >>> read_parquet(["missing.parquet"], progress=False)
    Traceback (most recent call last):
    ...
    taskmining.errors.IngestError: missing.parquet: no such file or folder
    """
    if options:
        raise ParameterError(f"parquet reader: unknown option(s) {sorted(options)}")
    qlog = QuarantineLog(errors=errors)
    tables = []
    for p in map(Path, paths):
        if not p.exists():
            raise IngestError("no such file or folder", path=p)
        table, _ = _dataset(p)
        tables.append(_check_rows(table, str(p), qlog))
    table = concat_tables(tables)
    try:
        events = arrow_to_events(table, tz=tz)
    except SchemaError as exc:
        raise IngestError(str(exc), path=str(paths[0]) if len(paths) == 1 else None) from None
    except (pa.ArrowException, TypeError, ValueError, OverflowError) as exc:  # a column of the wrong type
        raise IngestError(f"columns of unexpected types: {exc}", path=str(paths[0]) if len(paths) == 1 else None
                          ) from None
    return ReadResult(events=events, quarantine=qlog.to_frame(), format="parquet")


def _out_of_range(ts: pa.ChunkedArray) -> np.ndarray:
    """Rows whose timestamp (of a unit coarser than ns) lies outside what nanoseconds hold."""
    t = ts.type
    if not pa.types.is_timestamp(t) or t.unit == "ns":
        return np.zeros(len(ts), dtype=bool)
    raw = pc.cast(ts, pa.timestamp(t.unit)).cast(pa.int64())
    per_s = {"s": 1, "ms": 10**3, "us": 10**6}[t.unit]
    low, high = -9_223_285_636 * per_s, 9_223_285_636 * per_s  # 1677-09-22 .. 2262-04-11, with a margin
    bad = pc.or_(pc.less(raw, low), pc.greater(raw, high))
    return np.asarray(pc.fill_null(bad, False))


def negative_durations(table: pa.Table) -> np.ndarray:
    """Rows whose numeric ``duration`` is below zero (NaN and missing are not): bad records, not a bad file."""
    if "duration" not in table.column_names:
        return np.zeros(table.num_rows, dtype=bool)
    try:
        d = pc.cast(table.column("duration"), pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return np.zeros(table.num_rows, dtype=bool)
    return np.asarray(pc.fill_null(pc.less(d, 0.0), False))


def _check_rows(table: pa.Table, file: str, qlog: QuarantineLog) -> pa.Table:
    if "timestamp" not in table.column_names or "action" not in table.column_names:
        missing = "timestamp" if "timestamp" not in table.column_names else "action"
        raise IngestError(f"no {missing!r} column", path=file, column=missing)
    action = table.column("action")
    if not (pa.types.is_string(action.type) or pa.types.is_large_string(action.type)
            or pa.types.is_dictionary(action.type)):
        raise IngestError(f"column 'action' holds {action.type}, not text", path=file, column="action")
    if pa.types.is_dictionary(action.type):
        action = pc.cast(action, pa.string())
    out_of_range = _out_of_range(table.column("timestamp"))
    negative = negative_durations(table)
    bad = pc.or_(pc.or_(table.column("timestamp").is_null(), action.is_null()),
                 pc.invert(pc.is_in(action, value_set=pa.array(list(ACTIONS)))))
    bad_np = np.asarray(pc.fill_null(bad, True)) | out_of_range | negative
    if not bad_np.any():
        return table
    rows = table.filter(pa.array(bad_np)).to_pylist()
    for i, row in zip(np.flatnonzero(bad_np), rows, strict=True):
        reason = ("missing timestamp" if row["timestamp"] is None else "missing action" if row["action"] is None
                  else "timestamp out of range (years 1677 to 2262)" if out_of_range[i]
                  else "negative duration" if negative[i]
                  else "action outside the vocabulary")
        qlog.add(file, int(i) + 1, reason, json.dumps(row, default=str, ensure_ascii=False))
    return table.filter(pa.array(~bad_np))


def sniff(path: Path, head: bytes) -> bool:
    """True for a Parquet file (magic bytes) or a folder holding ``*.parquet`` files.

    Examples
    --------
    >>> from pathlib import Path
    >>> sniff(Path("x.parquet"), b"PAR1...")
    True
    """
    if path.is_dir():
        return any(path.rglob("*.parquet"))
    return head[:4] == _PAR_MAGIC


SPEC = ReaderSpec(
    name="parquet",
    description="Parquet events frame: one file or a hive-partitioned dataset (user=/date=)",
    extensions=(".parquet",),
    sniff=sniff,
    read=read_parquet,
    priority=20,
)
