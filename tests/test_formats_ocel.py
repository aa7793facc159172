"""OCEL 2.0 logs as pm4py writes them (JSON and SQLite), from the real SmartRPA XES log, and hostile OCEL JSON."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pandas as pd
import pytest
from syspart import SHARED_DATA, require, require_pm4py

import taskmining as tm

XES = SHARED_DATA / "real-recordings" / "smartrpa-form.xes"


def _read(path: Path, **kw: object) -> tuple[pd.DataFrame, pd.DataFrame]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return tm.read_events(path, return_quarantine=True, **kw)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def ocel_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    pm4py = require_pm4py()
    require(XES.is_file(), f"real recording not found at {XES}")
    out = tmp_path_factory.mktemp("ocel")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        df = pm4py.read_xes(str(XES))
        df["application"] = df["application"].astype(str)
        ocel = pm4py.convert_log_to_ocel(df, activity_column="concept:name", timestamp_column="time:timestamp",
                                         object_types=["application"])
        pm4py.write_ocel2_json(ocel, str(out / "log.jsonocel"))
        pm4py.write_ocel2_sqlite(ocel, str(out / "log.sqlite"))
    return {"json": out / "log.jsonocel", "sqlite": out / "log.sqlite"}


@pytest.mark.parametrize("kind", ["json", "sqlite"])
def test_ocel2_written_by_pm4py(ocel_files: dict[str, Path], kind: str) -> None:
    path = ocel_files[kind]
    assert tm.detect_format(path) == "ocel"
    events, quarantine = _read(path)
    assert len(events) == 147 and len(quarantine) == 0
    assert {"click", "copy", "paste", "edit"} <= set(events["action"])
    objects = [json.loads(a)["objects"] for a in events["attrs"]]
    assert all(len(o) == 1 and o[0]["type"] == "application" for o in objects)
    assert len({o[0]["id"] for o in objects}) == 2  # the log's two applications
    assert events["timestamp"].is_monotonic_increasing


def test_ocel_json_and_sqlite_agree(ocel_files: dict[str, Path]) -> None:
    a, _ = _read(ocel_files["json"])
    b, _ = _read(ocel_files["sqlite"])
    # pm4py's JSON writer keeps whole seconds, its SQLite writer milliseconds
    assert a["timestamp"].tolist() == b["timestamp"].dt.floor("s").tolist()
    assert sorted(a["raw_action"]) == sorted(b["raw_action"])


def test_malformed_ocel_events_are_quarantined(tmp_path: Path) -> None:
    doc = {"objectTypes": [], "eventTypes": [], "objects": [],
           "events": [{"id": "1", "type": "click", "time": "2024-01-05T09:00:00Z"}, 7, {"id": "2"},
                      {"id": "3", "type": "click", "time": "9999-01-01T00:00:00Z"},
                      {"id": "4", "type": "click", "time": "2024-01-05T09:00:01Z",
                       "attributes": [{"name": "n", "value": 2**70}]}]}
    p = tmp_path / "bad.jsonocel"
    p.write_text(json.dumps(doc))
    events, quarantine = _read(p)
    assert len(events) + len(quarantine) == 5 and len(events) == 2


def test_deep_ocel_json_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "deep.jsonocel"
    p.write_text('{"objectTypes": [], "eventTypes": [], "events": ' + "[" * 5000 + "]" * 5000 + "}")
    with pytest.raises(tm.errors.IngestError, match="nested deeper"):
        _read(p)
