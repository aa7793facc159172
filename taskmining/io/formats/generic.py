"""Any tabular log with a column mapping.

``from_dataframe`` maps the columns of an arbitrary frame onto the events
frame; ``format="generic"`` reads CSV or Parquet files the same way, given a
``mapping``. Detection never picks this format by itself (its ``sniff`` says
no): ask for it with ``format="generic"``. The file loop every reader is
built on is :mod:`taskmining.io._reader`; the column helpers are in
:mod:`taskmining.io._mapping`.

Examples
--------
>>> import pandas as pd
>>> df = pd.DataFrame({"when": ["2026-01-05T09:00:00Z", "2026-01-05T09:00:02Z"],
...                    "what": ["Klick", "Tippen"], "program": ["Excel", "excel"],
...                    "who": ["u1", "u1"], "cell": ["B2", "B3"]})
>>> ev = from_dataframe(df, timestamp="when", action="what", app="program", user="who",
...                     action_map={"Klick": "click", "Tippen": "type"})
>>> ev[["action", "app", "raw_action", "attrs"]].values.tolist()
[['click', 'excel', 'Klick', '{"cell":"B2"}'], ['type', 'excel', 'Tippen', '{"cell":"B3"}']]
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from taskmining._frames import NONE_ARRAY
from taskmining.errors import IngestError, ParameterError
from taskmining.io._csv import flag_inferred, read_table
from taskmining.io._mapping import finish_frame, map_values, normalise_app
from taskmining.io._reader import check_options, run_reader
from taskmining.io._times import check_tz, infer_missing_times, parse_times
from taskmining.io.quarantine import QuarantineLog, ReadResult
from taskmining.io.registry import ReaderSpec
from taskmining.schema import ACTIONS, STRING_DTYPE, as_utc, validate_events

# ---------------------------------------------------------------------------
# the generic format
# ---------------------------------------------------------------------------
_TEXT_FIELDS = ("user", "session", "window", "element_name", "element_id", "value", "url")
_FIELDS = ("timestamp", "app", "action", *_TEXT_FIELDS, "element_role")


def _contract_frame(df: pd.DataFrame, cols: Mapping[str, str | None], action_map: Mapping[str, str] | None,
                    source: str) -> pd.DataFrame:
    """Map the columns named in ``cols`` (contract field -> column) of ``df``; the rest go to attrs."""
    n = len(df)
    out: dict[str, pd.Series] = {}
    used: set[str] = set()
    for field in _TEXT_FIELDS:
        name = cols.get(field)
        if name is not None:
            out[field] = _as_text(df[name])
            used.add(name)
    app, role, action = cols.get("app"), cols.get("element_role"), cols.get("action")
    if app is not None:
        out["app"] = normalise_app(_as_text(df[app]))
        used.add(app)
    if role is not None:
        out["element_role"] = _as_text(df[role]).str.lower()
        used.add(role)
    if action is not None:
        raw = _as_text(df[action])
        table = {a: a for a in ACTIONS} | dict(action_map or {})
        out["action"] = map_values(raw, table, "other", lower=False).fillna("other")
        out["raw_action"] = raw
        used.add(action)
    else:
        out["action"] = pd.Series(["other"] * n, index=df.index, dtype=STRING_DTYPE)
    if "duration" in df.columns:
        out["duration"] = pd.to_numeric(df["duration"], errors="coerce").astype("float64")
        used.add("duration")
    out["source"] = pd.Series([source] * n, index=df.index, dtype=STRING_DTYPE)
    used.add(cols["timestamp"] or "")
    rest = df[[c for c in df.columns if c not in used]]
    frame = finish_frame(out, rest.astype(object).where(rest.notna(), None))
    return frame


def _as_text(s: pd.Series) -> pd.Series:
    if s.dtype == STRING_DTYPE:
        return s
    if pd.api.types.is_string_dtype(s.dtype) or isinstance(s.dtype, pd.CategoricalDtype):
        return s.astype(STRING_DTYPE)
    return s.astype(object).where(s.notna(), None).map(lambda v: v if v is None else str(v)).astype(STRING_DTYPE)


def _resolve(df: pd.DataFrame, given: Mapping[str, str | None], action_map: Mapping[str, str] | None) -> dict:
    cols: dict[str, str | None] = {}
    for field in _FIELDS:
        name = given.get(field)
        if name is None and field in df.columns:
            name = field  # a column with the contract's name maps to itself
        if name is not None and name not in df.columns:
            raise ParameterError(f"{field}={name!r}: no such column (columns: {', '.join(map(str, df.columns[:20]))})")
        cols[field] = name
    if cols["timestamp"] is None:
        raise ParameterError("timestamp=: name the column that holds the times")
    bad = sorted({str(v) for v in (action_map or {}).values()} - set(ACTIONS))
    if bad:
        raise ParameterError(f"action_map: {', '.join(bad)} not in the action vocabulary ({', '.join(ACTIONS)})")
    return cols


def from_dataframe(df: pd.DataFrame, *, timestamp: str = "timestamp", app: str | None = None,
                   action: str | None = None, user: str | None = None, session: str | None = None,
                   window: str | None = None, element_name: str | None = None,
                   element_role: str | None = None, element_id: str | None = None, value: str | None = None,
                   url: str | None = None, action_map: Mapping[str, str] | None = None, tz: str | None = None,
                   source: str = "generic") -> pd.DataFrame:
    """Map the columns of any frame onto the events frame.

    Parameters
    ----------
    df : pandas.DataFrame
        The log; it is not modified.
    timestamp : str
        Column with the times (datetimes or ISO 8601 text); naive ones need ``tz``.
    app, action, user, session, window, element_name, element_role, element_id, value, url : str, optional
        The column holding each contract field. When omitted, a column with the
        field's own name is used if there is one. ``app`` is normalised
        (lowercase, ``"Microsoft Excel"`` -> ``"excel"``); ``element_role`` is lowercased.
    action_map : mapping, optional
        The log's action values -> the action vocabulary. Values already in the
        vocabulary pass unchanged; any other value becomes ``other``. The
        original value is kept in ``raw_action``.
    tz : str, optional
        Zone of naive times.
    source : str
        The ``source`` column value.

    Returns
    -------
    pandas.DataFrame
        A validated events frame; columns not mapped are packed into ``attrs``
        (a ``duration`` column in seconds is kept as ``duration``).

    Raises
    ------
    ParameterError
        A named column does not exist, or ``action_map`` targets an unknown action.
    SchemaError
        Unparsable or naive timestamps (naming the rows).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"timestamp": pd.to_datetime(["2026-01-05 10:00"]), "evt": ["save"]})
    >>> ev = from_dataframe(df, action="evt", tz="Europe/Berlin")
    >>> str(ev.loc[0, "timestamp"]), ev.loc[0, "action"], ev.loc[0, "raw_action"]
    ('2026-01-05 09:00:00+00:00', 'other', 'save')
    """
    if not isinstance(df, pd.DataFrame):
        raise ParameterError(f"df: expected a pandas DataFrame, got {type(df).__name__}")
    check_tz(tz)
    given = {"timestamp": timestamp, "app": app, "action": action, "user": user, "session": session,
             "window": window, "element_name": element_name, "element_role": element_role,
             "element_id": element_id, "value": value, "url": url}
    cols = _resolve(df, given, action_map)
    frame = _contract_frame(df, cols, action_map, source)
    frame["timestamp"] = as_utc(df[cols["timestamp"]].reset_index(drop=True), tz=tz, column=str(cols["timestamp"]))
    return validate_events(frame, sort=True)


_READ_OPTIONS = ("mapping", "action_map", "source")


def _read_one(path: Path, qlog: QuarantineLog, *, tz: str | None, mapping: Mapping[str, str],
              action_map: Mapping[str, str] | None, source: str) -> pd.DataFrame:
    name = path.name.lower()
    if name.endswith(".parquet") or name.endswith(".pq"):
        try:
            df = pd.read_parquet(path)
        except Exception as exc:  # noqa: BLE001 - pyarrow raises many kinds
            raise IngestError(f"cannot read Parquet: {exc}", path=path) from None
        lines = np.arange(1, len(df) + 1)  # Parquet has no lines: the 1-based row number stands in
        table = None
    else:
        table = read_table(path, qlog, required=[v for v in mapping.values() if v])
        df, lines = table.frame, table.lines
    if df.shape[1] == 0:
        return pd.DataFrame()
    try:
        cols = _resolve(df, mapping, action_map)
    except ParameterError as exc:
        raise IngestError(str(exc), path=path) from None
    ts_col = str(cols["timestamp"])
    if pd.api.types.is_datetime64_any_dtype(df[ts_col].dtype):
        times = as_utc(df[ts_col], tz=tz, column=ts_col)
        why = pd.Series(np.where(times.isna(), "missing timestamp", NONE_ARRAY), dtype=STRING_DTYPE)
    else:
        times, why = parse_times(_as_text(df[ts_col]), tz=tz, path=str(path), column=ts_col)
    inferred = np.zeros(len(times), dtype=bool)
    if "duration" not in df.columns:  # point events: an empty time is taken from the row before (not intervals)
        times, why, inferred = infer_missing_times(times, why)
    if "duration" in df.columns:  # a negative duration is a bad record, not a bad file
        negative = pd.to_numeric(df["duration"], errors="coerce").lt(0).to_numpy()
        why = why.where(~negative | why.notna(), "negative duration")
    bad = why.notna().to_numpy()
    if bad.any():
        if table is not None:
            keep = table.quarantine(bad, why, qlog)
        else:
            for i in np.flatnonzero(bad):
                qlog.add(str(path), int(lines[i]), str(why.iloc[i]),
                         df.iloc[int(i)].to_json(date_format="iso", default_handler=str))
            keep = ~bad
        df, times = df.loc[keep].reset_index(drop=True), times[keep].reset_index(drop=True)
        inferred = inferred[keep]
    df = flag_inferred(df, inferred, qlog, path)
    frame = _contract_frame(df, cols, action_map, source)
    frame["timestamp"] = times.to_numpy()
    if "session" not in frame.columns or frame["session"].isna().all():
        frame["session"] = pd.Series([path.name.split(".")[0]] * len(frame), dtype=STRING_DTYPE)
    return frame


def read(paths: Any, *, errors: str = "quarantine", tz: str | None = None, progress: bool = False,
         **options: Any) -> ReadResult:
    """Read CSV or Parquet files with a column mapping (``format="generic"``).

    Parameters
    ----------
    paths : path or list of paths
        CSV (``.csv``, ``.csv.gz``) or Parquet (``.parquet``) files, or folders of them.
    errors : {"quarantine", "raise"}
        What to do with a bad row (unparsable time, wrong field count).
    tz : str, optional
        Zone of naive times.
    progress : bool
        Show a progress bar over the files.
    mapping : dict
        Contract field -> column, as the keyword arguments of :func:`from_dataframe`
        (``{"timestamp": "time", "action": "event"}``); ``timestamp`` defaults to ``"timestamp"``.
    action_map : dict, optional
        As in :func:`from_dataframe`.
    source : str
        ``source`` value, default ``"generic"``.

    Examples
    --------
    >>> import os, tempfile
    >>> p = os.path.join(tempfile.mkdtemp(), "log.csv")
    >>> _ = open(p, "w").write("time,event\\n2026-01-05T09:00:00Z,click\\nyesterday,click\\n")
    >>> res = read([p], mapping={"timestamp": "time", "action": "event"})
    >>> len(res.events), res.quarantine["line"].tolist()
    (1, [3])
    """
    check_options(options, _READ_OPTIONS, "generic")
    check_tz(tz)
    mapping = dict(options.get("mapping") or {})
    mapping.setdefault("timestamp", "timestamp")
    unknown = sorted(set(mapping) - set(_FIELDS))
    if unknown:
        raise ParameterError(f"mapping: unknown field(s) {', '.join(unknown)}; fields: {', '.join(_FIELDS)}")
    action_map = options.get("action_map")
    source = str(options.get("source", "generic"))

    def one(path: Path, qlog: QuarantineLog) -> pd.DataFrame:
        return _read_one(path, qlog, tz=tz, mapping=mapping, action_map=action_map, source=source)

    return run_reader(paths, one, errors=errors, progress=progress, fmt="generic",
                      patterns=("*.csv", "*.csv.gz", "*.parquet"))


def _sniff(path: Path, head: bytes) -> bool:
    return False  # never chosen by detection: ask for format="generic"


SPEC = ReaderSpec(
    name="generic",
    description="any CSV or Parquet log, with a column mapping (format='generic', mapping={...})",
    extensions=(".csv", ".csv.gz", ".parquet"),
    sniff=_sniff,
    read=read,
    priority=90,
)
