"""Leno RPM logs: all nine published logs read with zero quarantined rows, mapped as documented."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import taskmining as tm
from taskmining.io.formats import leno
from taskmining.schema import ACTIONS


@pytest.fixture(scope="module")
def logs(request: pytest.FixtureRequest) -> tuple[list[Path], tm.io.quarantine.ReadResult]:
    from syspart import SHARED_DATA, require

    require((SHARED_DATA / "leno-synthetic").is_dir(), "Leno logs not found")
    files = sorted((SHARED_DATA / "leno-synthetic").glob("log*_segmented.csv"))
    return files, leno.SPEC.read(files, errors="quarantine", tz=None, progress=False)


def test_all_nine_logs_read_without_quarantine(logs: tuple) -> None:
    files, res = logs
    assert len(files) == 9
    assert len(res.quarantine) == 0
    sizes = {f.stem: len(pd.read_csv(f, usecols=["caseID"])) for f in files}
    assert res.events["session"].value_counts().to_dict() == sizes
    assert min(sizes.values()) == 1400 and max(sizes.values()) == 28358


def test_every_event_type_is_mapped(logs: tuple) -> None:
    ev = logs[1].events
    seen = set(ev["raw_action"])
    assert seen == {"openFile", "goToUrl", "insertValue", "copy", "paste", "clickButton", "waitResponse",
                    "findValue", "saveFile", "pressKey", "insertBoolValue"}
    assert {t.lower() for t in seen} <= set(leno.EVENT_ACTIONS)
    assert set(leno.EVENT_ACTIONS.values()) <= set(ACTIONS)
    assert ev.loc[ev["action"] == "other", "raw_action"].unique().tolist() == ["waitResponse"]


def test_mapping(logs: tuple) -> None:
    ev = logs[1].events
    assert set(ev["app"]) == {"excel", "chrome"}
    assert ev["caseID"].notna().all() and "case_id" not in ev.columns
    cells = ev[(ev["app"] == "excel") & (ev["raw_action"] == "copy")]
    assert (cells["element_role"] == "cell").all()
    assert cells["element_id"].str.match(r"^(Sheet\d+!)?[A-Z]+\d+$").all()
    web = ev[(ev["app"] == "chrome") & (ev["raw_action"] == "insertValue")]
    assert set(web["element_role"]) == {"edit", "password"} and web["element_name"].notna().all()
    assert (ev.loc[ev["raw_action"] == "goToUrl", "url"].str.startswith("www.")).all()
    opened = ev[ev["raw_action"] == "openFile"]
    assert opened["window"].notna().all()  # FileName, or NameFile.FileExtension in log6
    assert (ev.loc[ev["raw_action"] == "pressKey", "value"] == "enter").all()
    first = ev[ev["session"] == "log1_segmented"].iloc[0]
    assert (first["raw_action"], first["action"], first["window"]) == ("openFile", "open", "data.xls")
    assert json.loads(first["attrs"]) == {"source": "Excel", "lifecycle:transition": "complete",
                                          "Sheet": "Sheet1", "FileName": "data.xls"}


def test_detected_and_read_through_read_events(logs: tuple) -> None:
    files = logs[0]
    assert all(tm.detect_format(f) == "leno" for f in files)
    ev = tm.read_events(files[0], progress=False)
    assert ev.attrs["taskmining"]["format"] == "leno" and len(ev) == 1400


def test_password_fields_keep_no_value(logs: tuple) -> None:
    ev = logs[1].events
    pw = ev[ev["element_name"] == "password"]
    assert len(pw) > 0
    assert (pw["element_role"] == "password").all() and pw["value"].isna().all()
    assert not ev["attrs"].str.contains("LittleFrank", regex=False).any()
