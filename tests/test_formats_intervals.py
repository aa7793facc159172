"""Window intervals: Tockler's CSV export (also re-saved by a spreadsheet), its SQLite database, generic trackers."""

from __future__ import annotations

import re
import sqlite3
import warnings
from pathlib import Path

import pandas as pd
import pytest
from syspart import SHARED_DATA, require

import taskmining as tm

TOCKLER_CSV = SHARED_DATA / "real-recordings" / "tockler-windows-banking.csv"

# Tockler's database schema, as its migration creates it (MayGo/tockler, electron/src/drizzle/migrations)
TOCKLER_DDL = """
CREATE TABLE `TrackItems` (
    `id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
    `app` text,
    `taskName` text,
    `title` text,
    `url` text,
    `color` text,
    `beginDate` integer NOT NULL,
    `endDate` integer NOT NULL
);
CREATE TABLE `AppSettings` (`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL, `name` text, `color` text);
CREATE TABLE `Settings` (`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL, `name` text, `jsonData` text);
"""


def _read(path: Path, **kw: object) -> tuple[pd.DataFrame, pd.DataFrame]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return tm.read_events(path, return_quarantine=True, **kw)  # type: ignore[arg-type]


def _real_tockler() -> str:
    require(TOCKLER_CSV.is_file(), f"real recording not found at {TOCKLER_CSV}")
    return TOCKLER_CSV.read_text(encoding="utf-8")


def test_tockler_export_resaved_by_a_spreadsheet(tmp_path: Path) -> None:
    """The real export as Excel re-saves it on a German Windows: day-first dates, cp1252, a BOM-less ';' file."""
    text = _real_tockler()
    dayfirst = re.sub(r"(\d{4})-(\d{2})-(\d{2}) (\d{2}:\d{2}):\d{2}", r"\3.\2.\1 \4", text)
    p = tmp_path / "export.csv"
    p.write_bytes(dayfirst.encode("cp1252", errors="replace"))
    assert tm.detect_format(p) == "tockler"
    resaved, q = _read(p, tz="Europe/Berlin", idle_gap=None)
    original, _ = _read(TOCKLER_CSV, tz="Europe/Berlin", idle_gap=None)
    assert len(resaved) + len(q) == len(original) == 1336
    assert (resaved["timestamp"].dt.floor("min").to_numpy() == original["timestamp"].dt.floor("min").to_numpy()).all()
    assert resaved["app"].tolist() == original["app"].tolist()


def test_tockler_database(tmp_path: Path) -> None:
    db = tmp_path / "tracker.db"
    con = sqlite3.connect(db)
    con.executescript(TOCKLER_DDL)
    t0 = int(pd.Timestamp("2024-06-05T08:00:00Z").value // 10**6)
    rows = [
        ("EXCEL.EXE", "AppTrackItem", "Book1 - Excel", None, "#fff", t0, t0 + 10_000),
        ("EXCEL.EXE", "AppTrackItem", "Book2 - Excel", None, "#fff", t0 + 10_000, t0 + 15_000),
        ("msedge.exe", "AppTrackItem", "Inbox - Outlook - Microsoft Edge", "https://x.example", "#000",
         t0 + 15_000, t0 + 60_000),
        ("ONLINE", "StatusTrackItem", "", None, None, t0, t0 + 60_000),
        ("IDLE", "StatusTrackItem", "", None, None, t0 + 60_000, t0 + 360_000),
        ("Invoices", "LogTrackItem", "checked the invoices", None, None, t0, t0 + 360_000),
        ("EXCEL.EXE", "AppTrackItem", "Book1 - Excel", None, None, t0 + 400_000, t0 + 390_000),
    ]
    con.executemany("insert into TrackItems (app, taskName, title, url, color, beginDate, endDate) "
                    "values (?, ?, ?, ?, ?, ?, ?)", rows)
    con.commit()
    con.close()
    assert tm.detect_format(db) == "tockler"
    events, quarantine = _read(db)
    notes = events.attrs["taskmining"]["notes"]
    assert len(events) + len(quarantine) + 1 == len(rows) and "ONLINE" in notes[0]  # the ONLINE record: a note
    assert quarantine["reason"].str.contains("end before begin").tolist() == [True]
    assert events["action"].tolist() == ["app_switch", "other", "focus", "app_switch", "idle"]
    assert events["app"].astype(object).fillna("-").tolist()[:4] == ["excel", "-", "excel", "edge"]
    assert events.loc[events["action"] == "other", "element_name"].tolist() == ["Invoices"]
    assert events.loc[events["action"] == "idle", "duration"].tolist() == [300.0]


def test_damaged_database_is_an_ingest_error(tmp_path: Path) -> None:
    db = tmp_path / "tracker.db"
    con = sqlite3.connect(db)
    con.executescript(TOCKLER_DDL)
    con.close()
    data = bytearray(db.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)
    db.write_bytes(bytes(data))
    with pytest.raises(tm.errors.TaskminingError):
        _read(db, format="tockler")


def test_generic_window_tracking(tmp_path: Path) -> None:
    p = tmp_path / "activity.csv"
    p.write_text("Start;End;Process;WindowTitle;User\n"
                 "2024-06-05 08:00:00;2024-06-05 08:00:30;EXCEL.EXE;Book1 - Excel;anna\n"
                 "2024-06-05 08:00:30;2024-06-05 08:01:00;POWERPNT.EXE;Deck - PowerPoint;anna\n"
                 "2024-06-05 08:01:00;2024-06-05 08:00:50;POWERPNT.EXE;Deck - PowerPoint;anna\n"
                 "2024-06-05 08:01:00;2024-06-05 08:02:00;POWERPNT.EXE;Other - PowerPoint;anna\n")
    assert tm.detect_format(p) == "window_tracking"
    events, quarantine = _read(p, tz="Europe/Berlin")
    assert len(events) + len(quarantine) == 4 and quarantine["line"].tolist() == [4]
    assert events["action"].tolist() == ["app_switch", "app_switch", "focus"]
    assert events["app"].tolist() == ["excel", "powerpoint", "powerpoint"]
    assert events["user"].tolist() == ["anna"] * 3 and events["duration"].tolist() == [30.0, 30.0, 60.0]


# one migration of Tockler's drizzle schema (0000_rainy_colleen_wing.sql) declares the dates as text
TOCKLER_TEXT_DATES_DDL = TOCKLER_DDL.replace("`beginDate` integer NOT NULL", "`beginDate` text NOT NULL").replace(
    "`endDate` integer NOT NULL", "`endDate` text NOT NULL")


@pytest.mark.parametrize("as_text", [lambda ms: str(ms), lambda ms: pd.Timestamp(ms, unit="ms", tz="UTC").isoformat()])
def test_tockler_database_with_text_dates(tmp_path: Path, as_text: object) -> None:
    db = tmp_path / "tracker.db"
    con = sqlite3.connect(db)
    con.executescript(TOCKLER_TEXT_DATES_DDL)
    t0 = int(pd.Timestamp("2024-06-05T08:00:00Z").value // 10**6)
    rows = [("EXCEL.EXE", "AppTrackItem", "Book1 - Excel", t0, t0 + 10_000),
            ("msedge.exe", "AppTrackItem", "x - Microsoft Edge", t0 + 10_000, t0 + 25_000)]
    con.executemany("insert into TrackItems (app, taskName, title, beginDate, endDate) values (?, ?, ?, ?, ?)",
                    [(a, k, t, as_text(b), as_text(e)) for a, k, t, b, e in rows])  # type: ignore[operator]
    con.commit()
    con.close()
    events, quarantine = _read(db)
    assert len(quarantine) == 0 and events["app"].astype(str).tolist() == ["excel", "edge"]
    assert events["duration"].tolist() == [10.0, 15.0]
    assert str(events["timestamp"].iloc[0]) == "2024-06-05 08:00:00+00:00"


def _intervals_csv(tmp_path: Path) -> Path:
    p = tmp_path / "tracker.csv"
    p.write_text("start,end,process,title\n"
                 "2024-06-05T08:00:00Z,2024-06-05T08:00:30Z,EXCEL.EXE,Book1 - Excel\n"
                 "2024-06-05T08:00:31Z,2024-06-05T08:02:00Z,EXCEL.EXE,Book2 - Excel\n"
                 "2024-06-05T08:01:00Z,2024-06-05T08:01:30Z,msedge.exe,x - Microsoft Edge\n"  # inside the one before
                 "2024-06-05T08:12:00Z,2024-06-05T08:13:00Z,msedge.exe,y - Microsoft Edge\n", encoding="utf-8")
    return p


def test_gaps_between_intervals_become_idle_rows_when_asked(tmp_path: Path) -> None:
    p = _intervals_csv(tmp_path)
    plain, _ = _read(p, idle_gap=None)
    assert "idle" not in set(plain["action"]) and len(plain) == 4  # idle_gap=None: no gap rows
    events, quarantine = _read(p)  # the default: IDLE_GAP, 180 s
    assert events.equals(_read(p, idle_gap=180)[0])
    gaps = events[events["raw_action"] == "gap"]
    assert len(events) == 5 and len(quarantine) == 0 and len(gaps) == 1
    assert gaps["action"].tolist() == ["idle"] and gaps["duration"].tolist() == [600.0]  # 08:02 (latest end) -> 08:12
    assert str(gaps["timestamp"].iloc[0]) == "2024-06-05 08:02:00+00:00"
    assert gaps["attrs"].tolist() == ['{"idle_gap":true}'] and gaps["app"].isna().all()
    assert len(_read(p, idle_gap=601)[0]) == 4  # the threshold is inclusive: a shorter gap makes no row


def test_tockler_idle_records_are_not_doubled_by_gap_rows(tmp_path: Path) -> None:
    p = tmp_path / "export.csv"
    p.write_text("App;Type;Title;Begin;End\n"
                 "EXCEL.EXE;AppTrackItem;Book1 - Excel;2024-06-05 08:00:00;2024-06-05 08:01:00\n"
                 "IDLE;StatusTrackItem;;2024-06-05 08:01:00;2024-06-05 08:20:00\n"
                 "EXCEL.EXE;AppTrackItem;Book1 - Excel;2024-06-05 08:20:00;2024-06-05 08:21:00\n"
                 "EXCEL.EXE;AppTrackItem;Book1 - Excel;2024-06-05 09:00:00;2024-06-05 09:01:00\n", encoding="utf-8")
    events, _ = _read(p, tz="Europe/Berlin", idle_gap=180)
    assert events["action"].tolist().count("idle") == 2  # the IDLE record, and the unrecorded 08:21-09:00
    assert sorted(events.loc[events["action"] == "idle", "duration"]) == [1140.0, 2340.0]


def test_real_tockler_export_gap_rows_add_to_the_records() -> None:
    require(TOCKLER_CSV.is_file(), f"real recording not found at {TOCKLER_CSV}")
    events, quarantine = _read(TOCKLER_CSV, tz="Europe/Berlin", idle_gap=180)
    gaps = events["raw_action"] == "gap"
    assert (~gaps).sum() + len(quarantine) == 1336 and gaps.sum() > 0
    assert (events.loc[gaps, "duration"] >= 180).all()


def test_activitywatch_gaps_use_the_same_rule(tmp_path: Path) -> None:
    import json

    def ev(i: int, ts: str, dur: float, data: dict[str, str]) -> dict[str, object]:
        return {"id": i, "timestamp": ts, "duration": dur, "data": data}

    doc = {"buckets": {
        "aw-watcher-window_h": {"id": "aw-watcher-window_h", "type": "currentwindow", "hostname": "h", "events": [
            ev(1, "2026-01-05T09:00:00+00:00", 60, {"app": "Excel", "title": "Book1 - Excel"}),
            ev(2, "2026-01-05T09:30:00+00:00", 60, {"app": "Excel", "title": "Book1 - Excel"})]},
        "aw-watcher-afk_h": {"id": "aw-watcher-afk_h", "type": "afkstatus", "hostname": "h", "events": [
            ev(3, "2026-01-05T09:01:00+00:00", 600, {"status": "afk"})]}}}
    p = tmp_path / "aw-buckets-export.json"
    p.write_text(json.dumps(doc), encoding="utf-8")
    events, _ = _read(p, idle_gap=180)
    idle = events[events["action"] == "idle"].sort_values("timestamp")
    assert idle["raw_action"].tolist() == ["afk", "gap"] and idle["duration"].tolist() == [600.0, 1140.0]
    assert len(_read(p, idle_gap=None)[0]) == 3
    assert len(_read(p)[0]) == 4  # gap rows by default
