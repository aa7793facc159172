"""selfspy databases, built with the schema selfspy's own models create (selfspy/selfspy, selfspy/models.py)."""

from __future__ import annotations

import json
import sqlite3
import warnings
import zlib
from pathlib import Path

import pandas as pd
import pytest

import taskmining as tm

# The tables SQLAlchemy creates from selfspy's models (SpookMixin: id, created_at; Unicode -> VARCHAR,
# Binary -> BLOB, Boolean -> BOOLEAN), with their indexes.
SELFSPY_DDL = """
CREATE TABLE process (id INTEGER NOT NULL, created_at DATETIME, name VARCHAR, PRIMARY KEY (id), UNIQUE (name));
CREATE INDEX ix_process_created_at ON process (created_at);
CREATE TABLE window (id INTEGER NOT NULL, created_at DATETIME, title VARCHAR, process_id INTEGER NOT NULL,
    PRIMARY KEY (id), FOREIGN KEY(process_id) REFERENCES process (id));
CREATE INDEX ix_window_title ON window (title);
CREATE TABLE geometry (id INTEGER NOT NULL, created_at DATETIME, xpos INTEGER NOT NULL, ypos INTEGER NOT NULL,
    width INTEGER NOT NULL, height INTEGER NOT NULL, PRIMARY KEY (id));
CREATE TABLE click (id INTEGER NOT NULL, created_at DATETIME, button INTEGER NOT NULL, press BOOLEAN NOT NULL,
    x INTEGER NOT NULL, y INTEGER NOT NULL, nrmoves INTEGER NOT NULL, process_id INTEGER NOT NULL,
    window_id INTEGER NOT NULL, geometry_id INTEGER NOT NULL, PRIMARY KEY (id), CHECK (press IN (0, 1)),
    FOREIGN KEY(process_id) REFERENCES process (id), FOREIGN KEY(window_id) REFERENCES window (id),
    FOREIGN KEY(geometry_id) REFERENCES geometry (id));
CREATE TABLE keys (id INTEGER NOT NULL, created_at DATETIME, text BLOB NOT NULL, started DATETIME NOT NULL,
    process_id INTEGER NOT NULL, window_id INTEGER NOT NULL, geometry_id INTEGER NOT NULL, nrkeys INTEGER,
    keys BLOB, timings BLOB, PRIMARY KEY (id), FOREIGN KEY(process_id) REFERENCES process (id),
    FOREIGN KEY(window_id) REFERENCES window (id), FOREIGN KEY(geometry_id) REFERENCES geometry (id));
CREATE INDEX ix_keys_nrkeys ON keys (nrkeys);
"""


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "selfspy.sqlite"
    con = sqlite3.connect(path)
    con.executescript(SELFSPY_DDL)
    con.executemany("insert into process values (?, ?, ?)",
                    [(1, "2024-06-05 08:00:00.000000", "EXCEL.EXE"), (2, "2024-06-05 08:00:00.000000", "firefox")])
    con.executemany("insert into window values (?, ?, ?, ?)",
                    [(1, "2024-06-05 08:00:00.000000", "Book1 - Excel", 1),
                     (2, "2024-06-05 08:01:00.000000", "Inbox - Mozilla Firefox", 2)])
    con.execute("insert into geometry values (1, '2024-06-05 08:00:00.000000', 0, 0, 1920, 1080)")
    clicks = [(1, "2024-06-05 08:00:05.250000", 1, 1, 100, 200, 12, 1, 1, 1),
              (2, "2024-06-05 08:00:06.000000", 3, 1, 110, 210, 2, 1, 1, 1),
              (3, "2024-06-05 08:01:02.000000", 4, 1, 500, 500, 0, 2, 2, 1),
              (4, "not a time", 1, 1, 0, 0, 0, 2, 2, 1)]
    con.executemany("insert into click values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", clicks)
    secret = zlib.compress(json.dumps(["h", "e", "l", "l", "o"]).encode())
    con.execute("insert into keys values (1, '2024-06-05 08:00:12.000000', ?, '2024-06-05 08:00:10.000000', "
                "1, 1, 1, 5, ?, ?)", (b"hello", secret, zlib.compress(b"[0.1, 0.2]")))
    con.commit()
    con.close()
    return path


def test_selfspy_database_is_detected_and_read(db: Path) -> None:
    assert tm.detect_format(db) == "selfspy"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        events, quarantine = tm.read_events(db, tz="Europe/Berlin", return_quarantine=True)
    assert len(events) + len(quarantine) == 5
    assert quarantine["reason"].str.startswith("click id 4: unparsable timestamp").tolist() == [True]
    assert events["action"].tolist() == ["click", "right_click", "type", "scroll"]
    assert events["app"].tolist() == ["excel", "excel", "excel", "firefox"]
    assert events["window"].tolist()[0] == "Book1 - Excel"
    typed = events[events["action"] == "type"].iloc[0]
    assert typed["duration"] == 2.0 and pd.isna(typed["value"])
    assert "hello" not in " ".join(events["attrs"].dropna())  # typed text is never read
    assert json.loads(events["attrs"].iloc[0])["nrmoves"] == "12"
    assert str(events["timestamp"].iloc[0]) == "2024-06-05 06:00:05.250000+00:00"


def test_selfspy_needs_tz(db: Path) -> None:
    with pytest.raises(tm.errors.IngestError, match="pass tz="):
        tm.read_events(db)
