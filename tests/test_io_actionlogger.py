"""Action Logger CSV reader: mapping of the hand-written sample logs."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import taskmining as tm
from taskmining.io.formats import actionlogger
from taskmining.schema import ACTIONS

DATA = Path(__file__).parent / "data" / "actionlogger"
SESSION = DATA / "web_excel_session.csv"


@pytest.fixture(scope="module")
def session() -> pd.DataFrame:
    res = actionlogger.SPEC.read([SESSION], errors="raise", tz=None, progress=False)
    assert len(res.quarantine) == 0
    return res.events


def test_every_row_is_read_with_source_and_session(session: pd.DataFrame) -> None:
    n_rows = len(pd.read_csv(SESSION))
    assert len(session) == n_rows == 32
    assert set(session["source"]) == {"actionlogger"}
    assert set(session["session"]) == {"web_excel_session"}
    assert set(session["user"]) == {"Richard"}
    assert session["timestamp"].is_monotonic_increasing


@pytest.mark.parametrize("event_type, action", [
    ("mouseClick", "click"), ("clickButton", "click"), ("clickTextField", "click"), ("clickCheckbox", "click"),
    ("clickLink", "click"), ("selectOptions", "select"), ("editField", "edit"), ("fieldInput", "type"),
    ("pressKey", "key"), ("paste", "paste"), ("copy", "copy"), ("copyCell", "copy"), ("createNewTab", "open"),
    ("selectTab", "focus"), ("closeTab", "close"), ("getCell", "select"), ("editCell", "edit"),
    ("getRange", "select"), ("editRange", "edit"), ("addWorksheet", "open"), ("selectWorksheet", "focus"),
    ("sortColumn", "other"), ("applyFilter", "other"), ("zoomPage", "other"),
])
def test_event_types_map_to_actions(session: pd.DataFrame, event_type: str, action: str) -> None:
    rows = session[session["raw_action"] == event_type]
    assert len(rows), event_type
    assert set(rows["action"]) == {action}


def test_action_table_targets_the_vocabulary() -> None:
    assert set(actionlogger.EVENT_ACTIONS.values()) <= set(ACTIONS)


def test_excel_cells(session: pd.DataFrame) -> None:
    get = session[(session["raw_action"] == "getCell")].iloc[0]
    assert (get["app"], get["element_role"], get["element_id"], get["element_name"], get["value"],
            get["window"]) == ("excel", "cell", "Sheet1!A2", "A2", "Albert", "StudentRecords.xlsx")
    assert session.loc[session["raw_action"] == "editRange", "element_id"].iloc[0] == "Sheet1!A3:C3"


def test_clipboard_events_take_the_app_used_before(session: pd.DataFrame) -> None:
    copies = session[(session["raw_action"] == "copy")]
    assert list(copies["app"]) == ["excel", "excel"]
    assert list(copies["value"]) == ["Albert", "Rauf"]
    assert all(json.loads(a)["targetApp"] == "OS-Clipboard" for a in copies["attrs"])
    paste = session[session["raw_action"] == "paste"].iloc[0]
    assert (paste["app"], paste["value"], paste["element_name"]) == ("chrome", "Albert", "first_name")


def test_web_elements(session: pd.DataFrame) -> None:
    by_type = session.drop_duplicates("raw_action").set_index("raw_action")
    assert by_type.loc["clickButton", "element_role"] == "button"
    assert by_type.loc["clickButton", "element_name"] == "Submit"  # innerText when there is no name
    assert by_type.loc["clickButton", "element_id"] == "submitBtn"
    assert by_type.loc["clickCheckbox", "element_role"] == "checkbox"
    assert by_type.loc["selectOptions", "element_role"] == "combobox"
    assert by_type.loc["clickLink", "element_role"] == "link"
    assert by_type.loc["clickLink", "element_name"] == "Help"
    assert by_type.loc["createNewTab", "element_role"] == "tab"
    assert by_type.loc["clickTextField", "url"] == "http://localhost:8080/students/new"
    assert by_type.loc["mouseClick", "element_role"] == "unknown"
    notes = by_type.loc["fieldInput", "value"]
    assert notes == 'Transfer, "fast track"\nsecond line'  # quoted comma, quotes and newline survive


def test_password_values_are_not_kept(session: pd.DataFrame) -> None:
    pw = session[session["element_role"] == "password"]
    assert len(pw) == 2
    assert pw["value"].isna().all()
    assert all("4711" not in a for a in pw["attrs"])


def test_attrs_keep_every_other_field(session: pd.DataFrame) -> None:
    attrs = json.loads(session.loc[session["raw_action"] == "clickButton", "attrs"].iloc[0])
    assert attrs["target.className"] == "btn btn-primary"
    assert attrs["target.innerHTML"] == '<span class="icon"></span> Submit'
    assert attrs["targetApp"] == "Chrome"
    assert "timeStamp" not in attrs and "eventType" not in attrs  # those are contract columns


def test_class_alias_index_column_and_extra_columns() -> None:
    ev = actionlogger.SPEC.read([DATA / "class_index_extras.csv"], errors="raise", tz=None, progress=False).events
    assert len(ev) == 5
    first = json.loads(ev["attrs"].iloc[0])
    assert first["target.className"] == "inp"
    assert (first["x"], first["y"], first["target.css"], first["index"]) == ("412", "230", "#amount", "0")
    save = ev[ev["raw_action"] == "clickButton"].iloc[0]
    assert (save["element_role"], save["element_name"]) == ("button", "Save")
    assert ev.loc[ev["raw_action"] == "copyCell", "element_id"].iloc[0] == "Q3!D14"


def test_case_id_is_kept_as_ground_truth_not_as_case_id() -> None:
    ev = actionlogger.SPEC.read([DATA / "with_caseid.csv"], errors="raise", tz=None, progress=False).events
    assert "caseID" in ev.columns and "case_id" not in ev.columns
    assert ev["caseID"].tolist() == ["1"] * 4 + ["2"] * 4
    assert all("caseID" not in a for a in ev["attrs"])


def test_read_events_detects_the_format() -> None:
    ev = tm.read_events(DATA, progress=False)
    assert ev.attrs["taskmining"]["format"] == "actionlogger"
    assert len(ev) == 32 + 5 + 8
    assert ev["caseID"].notna().sum() == 8
    assert tm.detect_format(SESSION) == "actionlogger"
