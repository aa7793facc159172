"""Tockler (``format="tockler"``): the window intervals of the Tockler time tracker, as CSV export or database.

Tockler records which window was in front and when, as intervals
(``TrackItems``: ``app, taskName, title, url, color, beginDate, endDate``).
Two forms are read:

- its CSV export, ``Session;App;Type;Title;Begin;End`` (any delimiter, also
  as re-saved by a spreadsheet with day-first dates); the times are local
  without a zone, so ``tz=`` is required;
- its SQLite database (``tracker.db``, table ``TrackItems``; ``beginDate`` and
  ``endDate`` in epoch milliseconds, or text in older versions).

``AppTrackItem`` records become ``app_switch``/``focus`` rows with their
duration, ``StatusTrackItem`` records of the ``IDLE`` and ``OFFLINE`` states
``idle`` rows (``ONLINE`` time is the time between them and makes no row: a
note counts them), ``LogTrackItem`` records (the user's own log entries)
``other`` rows. See :mod:`taskmining.io._intervals` and ``docs/formats-readers.md``.

Examples
--------
>>> import os, tempfile
>>> p = os.path.join(tempfile.mkdtemp(), "tockler.csv")
>>> _ = open(p, "w").write("Session;App;Type;Title;Begin;End\\n"
...                        "1;EXCEL.EXE;AppTrackItem;Book1 - Excel;2024-06-05 08:22:21;2024-06-05 08:22:36\\n"
...                        "1;Microsoft Edge;AppTrackItem;Inbox;05.06.2024 08:22:36;05.06.2024 08:23:00\\n")
>>> read([p], tz="Europe/Berlin").events[["action", "app", "window", "duration"]].values.tolist()
[['app_switch', 'excel', 'Book1 - Excel', 15.0], ['app_switch', 'edge', 'Inbox', 24.0]]
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from taskmining.io._csv import header_fields
from taskmining.io._intervals import (
    IDLE_GAP,
    gap_rows,
    interval_events,
    interval_reasons,
    read_interval_csv,
    with_gaps,
)
from taskmining.io._mapping import column, constant
from taskmining.io._reader import file_reader
from taskmining.io._sqlite import is_sqlite, query, tables
from taskmining.io._times import parse_times
from taskmining.io.quarantine import QuarantineLog
from taskmining.io.registry import ReaderSpec

FORMAT = "tockler"
_CSV_COLUMNS = {"App", "Type", "Title", "Begin", "End"}
_IDLE_STATES = {"IDLE", "OFFLINE"}


def _kinds(t: pd.DataFrame, type_col: str = "Type", app_col: str = "App") -> tuple[pd.Series, pd.Series]:
    """Record kind (window, idle, other; missing for ONLINE time) and raw action of each record."""
    typ = column(t, type_col).fillna("AppTrackItem")
    state = column(t, app_col).str.upper()
    status = (typ == "StatusTrackItem").to_numpy()
    idle = status & state.isin(_IDLE_STATES).to_numpy()
    kinds = np.select([idle, status, (typ == "LogTrackItem").to_numpy()], ["idle", "", "other"], default="window")
    raw = typ.where(~status, typ + ":" + state.fillna(""))
    return pd.Series(kinds, dtype="str").replace("", None), raw


def _read_csv(path: Path, qlog: QuarantineLog, tz: str | None, idle_gap: float | None) -> pd.DataFrame:
    return read_interval_csv(path, qlog, tz=tz, begin=("Begin",), end=("End",), app=("App",), title=("Title",),
                             source=FORMAT, kind=_kinds, session=("Session",), idle_gap=idle_gap)


def _read_db(path: Path, qlog: QuarantineLog, tz: str | None, idle_gap: float | None) -> pd.DataFrame:
    t = query(path, "select * from TrackItems order by id").astype(object)
    t = t.where(t.notna(), None).astype("str").where(t.notna())
    if not len(t):
        return pd.DataFrame()
    start, why = parse_times(t["beginDate"], tz=tz, path=str(path), column="beginDate")
    stop, why_end = parse_times(t["endDate"], tz=tz, path=str(path), column="endDate")
    why = why.fillna(why_end).fillna(interval_reasons(start, stop))
    for i in np.flatnonzero(why.notna().to_numpy()):
        qlog.add(str(path), None, f"TrackItems id {t['id'].iloc[i]}: {why.iloc[i]}", t.iloc[i].to_json())
    ok = why.isna().to_numpy()
    t, start, stop = t[ok].reset_index(drop=True), start[ok].reset_index(drop=True), stop[ok].reset_index(drop=True)
    kinds, raw = _kinds(t, "taskName", "app")
    rows = kinds.notna().to_numpy()
    if not rows.all():
        qlog.note(str(path), f"{int((~rows).sum())} ONLINE state record(s) (the time between idle periods) "
                             "make no row")
    sel = pd.Series(rows)
    extra = t.loc[rows, [c for c in t.columns if c not in ("app", "taskName", "title", "beginDate", "endDate")]]
    events = interval_events(start[sel], stop[sel], app=t.loc[rows, "app"], title=t.loc[rows, "title"],
                             kind=kinds[sel], session=constant(path.name.split(".")[0], int(rows.sum())),
                             source=FORMAT, raw_action=raw[sel], extra=extra)
    gaps = gap_rows(constant(path.name.split(".")[0], len(t)), start, stop, min_gap=idle_gap, source=FORMAT)
    return with_gaps(events, gaps)


def _read_one(path: Path, qlog: QuarantineLog, *, tz: str | None, idle_gap: float | None = None) -> pd.DataFrame:
    with open(path, "rb") as f:
        head = f.read(16)
    return _read_db(path, qlog, tz, idle_gap) if is_sqlite(head) else _read_csv(path, qlog, tz, idle_gap)


read = file_reader(
    FORMAT, _read_one, module=__name__, what="Tockler CSV exports or Tockler databases",
    files="CSV exports (``Session;App;Type;Title;Begin;End``) or ``tracker.db`` files.",
    bad="unparsable times, end before begin, wrong field count",
    tz="The zone of the CSV export's local times (required for it; the database's epoch times need none).",
    tz_optional=True,
    patterns=("*.csv", "*.csv.gz", "*.db", "*.sqlite"), defaults={"idle_gap": IDLE_GAP})


def sniff(path: Path, head: bytes) -> bool:
    """True for a CSV with Tockler's export columns, or a database with a ``TrackItems`` table.

    Examples
    --------
    >>> sniff(Path("x.csv"), b"Session;App;Type;Title;Begin;End\\n")
    True
    """
    if is_sqlite(head):
        return "TrackItems" in tables(path)
    return _CSV_COLUMNS <= set(header_fields(head))


SPEC = ReaderSpec(
    name=FORMAT,
    description="Tockler window intervals: CSV export (needs tz=) or its SQLite database",
    extensions=(".csv", ".db"),
    sniff=sniff,
    read=read,
    priority=45,
)
