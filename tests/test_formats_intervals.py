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
    resaved, q = _read(p, tz="Europe/Berlin")
    original, _ = _read(TOCKLER_CSV, tz="Europe/Berlin")
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
