"""ActivityWatch export reader: buckets merged into one timeline per host."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import taskmining as tm
from taskmining.errors import IngestError
from taskmining.io.formats import activitywatch

EXPORT = Path(__file__).parent / "data" / "activitywatch" / "aw-buckets-export.json"


def _read(path: Path, errors: str = "raise") -> tm.io.quarantine.ReadResult:
    return activitywatch.SPEC.read([path], errors=errors, tz=None, progress=False)


@pytest.fixture(scope="module")
def ev() -> pd.DataFrame:
    return _read(EXPORT).events


def test_one_session_per_host(ev: pd.DataFrame) -> None:
    # the web and stopwatch buckets say hostname "unknown": they join the only host
    assert set(ev["session"]) == {"ws17"} and set(ev["user"]) == {"ws17"}
    assert ev["timestamp"].is_monotonic_increasing
    assert set(ev["source"]) == {"activitywatch"}


def test_window_rows(ev: pd.DataFrame) -> None:
    win = ev[ev["raw_action"] == "currentwindow"]
    assert win[["app", "action"]].values.tolist() == [
        ["excel", "app_switch"], ["chrome", "app_switch"], ["chrome", "focus"], ["outlook", "app_switch"],
        ["outlook", "focus"], ["excel", "app_switch"]]
    assert win["duration"].tolist() == [30.005, 40.12, 15.0, 15.2, 320.0, 25.5]
    assert win["window"].iloc[1] == "ERP – Invoice entry - Google Chrome"
    assert (win["element_role"] == "window").all()


def test_web_tabs_fill_url_and_become_navigate_rows(ev: pd.DataFrame) -> None:
    win = ev[ev["raw_action"] == "currentwindow"]
    assert win["url"].tolist()[1:3] == ["https://erp.example.com/invoice/new",
                                        "https://erp.example.com/invoices?status=open"]
    assert win.loc[win["app"] != "chrome", "url"].isna().all()
    nav = ev[ev["action"] == "navigate"]
    assert nav[["app", "url", "window", "duration"]].values.tolist() == [
        ["chrome", "https://erp.example.com/invoice/new", "ERP – Invoice entry", 40.5],
        ["chrome", "https://erp.example.com/invoices?status=open", "ERP – Invoice list", 20.0]]
    assert json.loads(nav["attrs"].iloc[0]) == {"bucket": "aw-watcher-web-chrome", "id": 401, "audible": False,
                                                "incognito": False, "tabCount": 4}


def test_afk_periods_become_idle_rows(ev: pd.DataFrame) -> None:
    idle = ev[ev["action"] == "idle"]
    assert idle[["raw_action", "duration"]].values.tolist() == [["afk", 300.0]]
    assert str(idle["timestamp"].iloc[0]) == "2026-11-24 09:01:41.100000+00:00"


def test_input_counts_go_to_the_window_they_start_in(ev: pd.DataFrame) -> None:
    win = ev[ev["raw_action"] == "currentwindow"]
    attrs = [json.loads(a) for a in win["attrs"]]
    assert attrs[0]["input_events"] == 2 and attrs[0]["input_presses"] == 20 and attrs[0]["input_clicks"] == 2
    assert attrs[1]["input_scrollY"] == -240
    assert "input_events" not in attrs[3]
    merged = sum(a.get("input_events", 0) for a in attrs)
    alone = ev[ev["raw_action"] == "os.hid.input"]  # the one before the first window
    assert merged + len(alone) == 6
    assert alone["action"].tolist() == ["other"]


def test_every_event_is_accounted_for(ev: pd.DataFrame) -> None:
    doc = json.loads(EXPORT.read_text())
    total = sum(len(b["events"]) for b in doc["buckets"].values())
    not_afk = 2  # the time between idle rows: no row of its own
    merged_input = 5
    assert len(ev) + not_afk + merged_input == total
    assert ev.loc[ev["raw_action"] == "general.stopwatch", "action"].tolist() == ["other"]


def test_bad_events_are_quarantined(tmp_path: Path) -> None:
    doc = json.loads(EXPORT.read_text())
    events = doc["buckets"]["aw-watcher-window_ws17"]["events"]
    events[0]["timestamp"] = "not a time"
    events[1]["duration"] = -3
    events[2]["data"] = "Excel"
    events.append(42)
    p = tmp_path / "export.json"
    p.write_text(json.dumps(doc))
    res = _read(p, errors="quarantine")
    q = res.quarantine
    assert len(q) == 4
    assert q["reason"].str.contains("bucket 'aw-watcher-window_ws17'").all()
    assert {r.split(" (")[0].split(":")[0] for r in q["reason"]} == {
        "unparsable timestamp", "duration is not a number >= 0", "data is not a JSON object",
        "event is not a JSON object"}
    assert (res.events["raw_action"] == "currentwindow").sum() == 6 - 3
    with pytest.raises(IngestError, match="bucket 'aw-watcher-window_ws17'"):
        _read(p)


def test_not_json_and_not_an_export(tmp_path: Path) -> None:
    p = tmp_path / "broken.json"
    p.write_text('{"buckets": {"a": \n')
    res = _read(p, errors="quarantine")
    assert len(res.events) == 0 and len(res.quarantine) == 1
    assert res.quarantine["reason"].iloc[0].startswith("invalid JSON") and res.quarantine["line"].iloc[0] == 2
    q = tmp_path / "other.json"
    q.write_text('{"events": []}')
    with pytest.raises(IngestError, match="missing required field 'buckets'"):
        _read(q, errors="quarantine")
    empty = tmp_path / "empty.json"
    empty.write_text("")
    assert len(_read(empty).events) == 0


def test_detection_and_read_events() -> None:
    assert tm.detect_format(EXPORT) == "activitywatch"
    ev = tm.read_events(EXPORT, progress=False)
    assert ev.attrs["taskmining"]["format"] == "activitywatch" and len(ev) == 11


def test_two_hosts_make_two_sessions(tmp_path: Path) -> None:
    def bucket(host: str, typ: str, events: list) -> dict:
        return {"type": typ, "client": "aw-watcher", "hostname": host, "events": events}

    def ev(ts: str, dur: float, data: dict) -> dict:
        return {"timestamp": f"2026-11-24T{ts}+00:00", "duration": dur, "data": data}

    doc = {"buckets": {
        "w_b": bucket("b", "currentwindow", [ev("09:00:05", 5, {"app": "Excel", "title": "x"}),
                                             ev("09:00:00", 5, {"app": "Excel", "title": "y"})]),
        "w_a": bucket("a", "currentwindow", [ev("09:00:00", 10, {"app": "Excel", "title": "x"})]),
        "i_a": bucket("a", "os.hid.input", [ev("09:00:06", 1, {"presses": 4, "clicks": 0})]),
        "i_b": bucket("b", "os.hid.input", [ev("09:00:06", 1, {"presses": 1, "clicks": 2})]),
    }}
    p = tmp_path / "two.json"
    p.write_text(json.dumps(doc))
    ev_ = _read(p).events
    assert ev_["session"].tolist() == ["a", "b", "b"]
    assert ev_["action"].tolist() == ["app_switch", "app_switch", "focus"]  # per host, not across hosts
    presses = [json.loads(a).get("input_presses") for a in ev_["attrs"]]
    assert presses == [4, None, 1]
