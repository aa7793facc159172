"""SmartRPA CSV reader: the published generated logs (pm4py-style) and a raw-header sample."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import taskmining as tm
from taskmining.errors import IngestError
from taskmining.io.formats import smartrpa
from taskmining.schema import ACTIONS

RAW = Path(__file__).parent / "data" / "smartrpa" / "2020-08-29_16-42-30.csv"


def _read(paths: list[Path], tz: str | None = "Europe/Rome") -> tm.io.quarantine.ReadResult:
    return smartrpa.SPEC.read(paths, errors="raise", tz=tz, progress=False)


@pytest.fixture(scope="module")
def raw() -> pd.DataFrame:
    return _read([RAW]).events


def test_raw_logger_columns(raw: pd.DataFrame) -> None:
    assert len(raw) == 16
    assert set(raw["user"]) == {"marco"}
    assert set(raw["session"]) == {"2020-08-29_16-42-30"}
    # local Rome summer time -> UTC
    assert str(raw["timestamp"].iloc[0]) == "2020-08-29 14:42:30.690000+00:00"
    by = raw[raw["element_role"] != "password"].set_index("raw_action")
    assert by.loc["getCell", ["app", "action", "element_role", "element_id", "value", "window"]].tolist() == [
        "excel", "select", "cell", "Sheet1!$B$2", "120.50", "expenses.xlsx"]
    assert by.loc["clickTextField", ["app", "action", "element_role", "element_name", "element_id"]].tolist() == [
        "chrome", "click", "edit", "amount", 'id("amount")']
    assert by.loc["clickButton", ["element_role", "element_name"]].tolist() == ["button", "Submit claim"]
    assert by.loc["changeField", ["action", "value"]].tolist() == ["edit", "120.50"]
    assert by.loc["form_submit", "action"] == "submit"
    assert by.loc["saveWorkbook", "action"] == "submit"
    assert by.loc["openFile", ["app", "action"]].tolist() == ["explorer", "open"]
    assert by.loc["programOpen", ["app", "action"]].tolist() == ["notepad", "open"]
    assert by.loc["newDocument", ["app", "action", "element_role"]].tolist() == ["word", "open", "document"]
    assert by.loc["zoomTab", ["action", "element_role"]].tolist() == ["other", "tab"]
    assert by.loc["selectTab", ["action", "url", "window"]].tolist() == [
        "focus", "https://intranet.example.com/expenses/new", "Expense claim - Intranet"]


def test_clipboard_events_take_the_app_used_before(raw: pd.DataFrame) -> None:
    clip = raw[raw["raw_action"].isin(["copy", "paste"])]
    assert clip[["action", "app", "value"]].values.tolist() == [["copy", "excel", "120.50"],
                                                                  ["paste", "chrome", "120.50"]]
    assert json.loads(clip["attrs"].iloc[0])["application"] == "Clipboard"


def test_attrs_keep_the_other_fields(raw: pd.DataFrame) -> None:
    attrs = json.loads(raw.loc[raw["raw_action"] == "zoomTab", "attrs"].iloc[0])
    assert attrs == {"category": "Browser", "application": "Chrome", "newZoomFactor": "1.25", "oldZoomFactor": "1"}


def test_naive_times_need_tz() -> None:
    with pytest.raises(IngestError, match="pass tz="):
        _read([RAW], tz=None)
    with pytest.raises(IngestError, match="pass tz="):
        tm.read_events(RAW, progress=False)


def test_action_table_targets_the_vocabulary() -> None:
    assert set(smartrpa.EVENT_ACTIONS.values()) <= set(ACTIONS)


def test_generated_logs(shared_data: Path) -> None:
    files = sorted((shared_data / "smartrpa-generated").glob("*.csv"))
    assert len(files) == 2
    res = _read(files, tz="UTC")
    expected = sum(len(pd.read_csv(f, usecols=[1])) for f in files)
    assert len(res.events) == expected == 6250 + 12500
    ev = res.events
    assert set(ev["session"]) == {f.stem for f in files}
    assert ev["user"].notna().all() and ev["raw_action"].notna().all()
    # every browser event has its url; every Excel event with a range has a cell role
    assert ev.loc[ev["app"] == "chrome", "url"].notna().mean() > 0.99
    assert (ev.loc[ev["raw_action"] == "getCell", "element_role"] == "cell").all()
    other = ev["action"].eq("other").mean()
    assert other < 0.5  # most event types map to a real action
    first = json.loads(ev.loc[ev["event_id"] == 0, "attrs"].iloc[0])
    assert first["case:concept:name"] == "0415130900000000" and first["index"] == "0"


def test_generated_logs_in_a_zone_with_a_dst_gap_quarantine_the_gap(shared_data: Path) -> None:
    f = shared_data / "smartrpa-generated" / "2020-11-07_17-28-29__250_25_40_3.csv"
    res = smartrpa.SPEC.read([f], errors="quarantine", tz="Europe/Rome", progress=False)
    q = res.quarantine
    assert len(res.events) + len(q) == 6250
    assert len(q) and q["reason"].str.contains("does not exist").all()
    assert q["line"].iloc[0] == 3977 and q["raw"].iloc[0].startswith("3975,")
    with pytest.raises(IngestError, match="line 3977"):
        smartrpa.SPEC.read([f], errors="raise", tz="Europe/Rome", progress=False)


def test_detection(shared_data: Path) -> None:
    for f in (shared_data / "smartrpa-generated").glob("*.csv"):
        assert tm.detect_format(f) == "smartrpa"
    assert tm.detect_format(RAW) == "smartrpa"


def test_password_fields_keep_no_value(raw: pd.DataFrame) -> None:
    pw = raw[raw["element_role"] == "password"]
    assert pw[["raw_action", "element_name"]].values.tolist() == [["changeField", "pin"]]
    assert pw["value"].isna().all()
    assert not raw["attrs"].str.contains("s3cret", regex=False).any()
