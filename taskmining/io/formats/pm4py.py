"""Process-mining event logs as tables (``format="pm4py"``): pm4py-style CSV or Parquet, screen-level UI logs.

pm4py and most process-mining tools write an event log as one row per
event with the XES standard names ``case:concept:name`` (the case),
``concept:name`` (the activity) and ``time:timestamp``, plus ``org:resource``,
``lifecycle:transition`` and any attributes. Screen-level UI logs use the
plain names ``Case``, ``Activity``, ``Timestamp``. Both are read, from CSV
(any delimiter, see :mod:`taskmining.io._csv`) or Parquet:

- ``timestamp`` from the time column (naive times need ``tz=``);
- ``raw_action`` is the activity; ``action`` is the activity when it is in
  the action vocabulary, the shared UI-log event table's action when it is a
  known UI event type (``clickButton`` -> ``click``), else ``other``;
- ``true_case`` (ground truth) is the case: the log's own grouping, kept to
  evaluate segmentation against;
- ``user`` from ``org:resource`` (or ``Resource``/``User``), ``app`` from an
  ``application``/``app`` column, ``window`` from ``title``/``window``;
- ``session`` is the file name; everything else goes to ``attrs``.

SmartRPA's pm4py-renamed logs are read by ``format="smartrpa"`` (detection
tells them apart by SmartRPA's own columns).

Examples
--------
>>> import os, tempfile
>>> p = os.path.join(tempfile.mkdtemp(), "log.csv")
>>> _ = open(p, "w").write("case:concept:name;concept:name;time:timestamp;org:resource\\n"
...                        "c1;clickButton;2024-01-05T09:00:00Z;anna\\nc1;Approve;2024-01-05T09:01:00Z;anna\\n")
>>> read([p]).events[["true_case", "action", "raw_action", "user"]].values.tolist()
[['c1', 'click', 'clickButton', 'anna'], ['c1', 'other', 'Approve', 'anna']]
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from taskmining.errors import IngestError
from taskmining.io._csv import header_fields, read_timed
from taskmining.io._mapping import (
    COMMON_EVENT_ACTIONS,
    column,
    constant,
    finish_frame,
    map_values,
    normalise_app,
)
from taskmining.io._reader import file_reader
from taskmining.io._times import parse_times
from taskmining.io.quarantine import QuarantineLog
from taskmining.io.registry import ReaderSpec
from taskmining.schema import ACTIONS, STRING_DTYPE

FORMAT = "pm4py"
_TIME = ("time:timestamp", "Timestamp", "timestamp", "Time")
_ACTIVITY = ("concept:name", "Activity", "activity")
_CASE = ("case:concept:name", "Case", "case", "Case ID", "CaseID", "case_id")
_USER = ("org:resource", "Resource", "User", "user")
_APP = ("application", "Application", "app", "App")
_WINDOW = ("title", "Title", "window", "Window")
_TABLE = {**COMMON_EVENT_ACTIONS, **{a: a for a in ACTIONS}}
_SMARTRPA = {"category", "application"}


def _first(names: list[str], options: tuple[str, ...]) -> str | None:
    return next((c for c in options if c in names), None)


def _frame(t: pd.DataFrame, times: pd.Series, path: Path) -> pd.DataFrame:
    names = list(t.columns)
    pick = {k: _first(names, v) for k, v in (("activity", _ACTIVITY), ("case", _CASE), ("user", _USER),
                                              ("app", _APP), ("window", _WINDOW), ("time", _TIME))}
    activity = t[pick["activity"]].astype(STRING_DTYPE) if pick["activity"] else column(t, "\0")
    n = len(t)
    cols: dict[str, pd.Series] = {
        "timestamp": times.reset_index(drop=True),
        "session": constant(path.name.split(".")[0], n),
        "user": column(t, pick["user"] or "\0"),
        "app": normalise_app(column(t, pick["app"] or "\0")),
        "window": column(t, pick["window"] or "\0"),
        "action": map_values(activity, _TABLE, "other").fillna("other"),
        "raw_action": activity,
        "source": constant(FORMAT, n),
    }
    used = {c for c in pick.values() if c}
    frame = finish_frame(cols, t[[c for c in names if c not in used]])
    if pick["case"]:
        frame["true_case"] = t[pick["case"]].astype(STRING_DTYPE).to_numpy()
    return frame


def _read_csv(path: Path, qlog: QuarantineLog, tz: str | None) -> pd.DataFrame:
    got = read_timed(path, qlog, tz=tz, time_columns=_TIME, one_of=(_ACTIVITY,))
    if got is None:
        return pd.DataFrame()
    return _frame(got[0].frame, got[1], path)


def _read_parquet(path: Path, qlog: QuarantineLog, tz: str | None) -> pd.DataFrame:
    try:
        table = pq.read_table(path)
    except (pa.ArrowException, OSError) as exc:
        raise IngestError(f"cannot read Parquet: {exc}", path=path) from None
    names = table.column_names
    time_col = _first(names, _TIME)
    if time_col is None or _first(names, _ACTIVITY) is None:
        raise IngestError(f"missing {'time:timestamp' if time_col is None else 'concept:name'!r} column",
                          path=path)
    t = pd.DataFrame({c: _text(table.column(c)) for c in names})
    times, why = parse_times(t[time_col], tz=tz, path=str(path), column=time_col)
    bad = why.notna().to_numpy()
    for i in bad.nonzero()[0]:
        qlog.add(str(path), int(i) + 1, str(why.iloc[i]), t.iloc[i].to_json())
    return _frame(t[~bad].reset_index(drop=True), times[~bad], path)


def _text(col: pa.ChunkedArray) -> pd.Series:
    """A Parquet column as text; times as ISO 8601 (with ``Z`` when the column has a zone)."""
    t = col.type
    try:
        if pa.types.is_timestamp(t):
            aware = t.tz is not None
            col = col.cast(pa.timestamp(t.unit, "UTC")) if aware else col
            text = pc.strftime(col, format="%Y-%m-%dT%H:%M:%S")
            if aware:
                text = pc.binary_join_element_wise(text, pa.scalar("Z"), "")
            return pd.Series(text.to_pandas(), dtype=STRING_DTYPE)
        return pd.Series(col.cast(pa.string()).to_pandas(), dtype=STRING_DTYPE)
    except (pa.ArrowException, TypeError, ValueError):
        return pd.Series([None if v is None else str(v) for v in col.to_pylist()], dtype=STRING_DTYPE)


def _read_one(path: Path, qlog: QuarantineLog, *, tz: str | None) -> pd.DataFrame:
    with open(path, "rb") as f:
        magic = f.read(4)
    return _read_parquet(path, qlog, tz) if magic == b"PAR1" else _read_csv(path, qlog, tz)


read = file_reader(
    FORMAT, _read_one, module=__name__, what="pm4py-style event logs (CSV or Parquet)",
    files="CSV or Parquet files; one file is one session.",
    bad="wrong field count, unparsable times (the row for Parquet)",
    tz="Zone of times written without one.", tz_optional=True,
    patterns=("*.csv", "*.csv.gz", "*.parquet"))


def sniff(path: Path, head: bytes) -> bool:
    """True for a table with a time and an activity column (and a case column), not SmartRPA's.

    Examples
    --------
    >>> sniff(Path("x.csv"), b"case:concept:name,concept:name,time:timestamp\\n")
    True
    >>> sniff(Path("x.csv"), b"Case;Activity;Timestamp;Screen\\n")
    True
    """
    if head[:4] == b"PAR1":
        try:
            names = pq.read_schema(path).names
        except (pa.ArrowException, OSError):
            return False
    else:
        names = header_fields(head)
    fields = set(names)
    return (_first(names, _TIME) is not None and _first(names, _ACTIVITY) is not None
            and _first(names, _CASE) is not None and not _SMARTRPA <= fields)


SPEC = ReaderSpec(
    name=FORMAT,
    description="pm4py-style event log (case:concept:name, concept:name, time:timestamp), CSV or Parquet",
    extensions=(".csv", ".parquet"),
    sniff=sniff,
    read=read,
    priority=15,
)
