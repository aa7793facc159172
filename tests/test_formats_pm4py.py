"""pm4py-style event logs (CSV, Parquet) as pm4py itself writes them, and screen-level UI logs."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest
from syspart import SHARED_DATA, require, require_pm4py

import taskmining as tm

XES = SHARED_DATA / "real-recordings" / "smartrpa-form.xes"


@pytest.fixture(scope="module")
def pm4py_frame() -> pd.DataFrame:
    """The real SmartRPA XES log as pm4py reads it (pm4py's own dataframe)."""
    pm4py = require_pm4py()
    require(XES.is_file(), f"real recording not found at {XES}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pm4py.read_xes(str(XES))


@pytest.mark.parametrize("kind", ["csv;", "csv,", "parquet"])
def test_logs_pm4py_wrote_are_detected_and_read(pm4py_frame: pd.DataFrame, tmp_path: Path, kind: str) -> None:
    # the XES standard columns pm4py gives every log, plus one attribute: a process-mining log, not SmartRPA's
    std = [c for c in pm4py_frame.columns if ":" in c] + ["browser_url"]
    frame = pm4py_frame[std]
    path = tmp_path / ("log.parquet" if kind == "parquet" else "log.csv")
    if kind == "parquet":
        frame.to_parquet(path)
    else:
        frame.to_csv(path, sep=kind[-1], index=False)
    assert tm.detect_format(path) == "pm4py"
    events, quarantine = tm.read_events(path, tz="Europe/Rome", return_quarantine=True)
    assert len(events) + len(quarantine) == len(frame) == 147
    assert len(events) == 147
    assert events["true_case"].nunique() == frame["case:concept:name"].nunique() == 2
    assert set(events["raw_action"]) == set(frame["concept:name"])
    assert {"click", "edit"} & set(events["action"])
    first = pd.Timestamp(frame["time:timestamp"].min())
    first = first.tz_localize("Europe/Rome") if first.tzinfo is None else first
    assert events["timestamp"].min() == first.tz_convert("UTC")
    assert events["attrs"].str.contains("browser_url").any()


def test_smartrpa_logs_through_pm4py_stay_smartrpa(pm4py_frame: pd.DataFrame, tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    pm4py_frame.to_csv(path, sep=";", index=False)
    assert tm.detect_format(path) == "smartrpa"
    events = tm.read_events(path, tz="Europe/Rome")
    assert len(events) == 147 and set(events["source"]) == {"smartrpa"}
    assert events["app"].notna().all()
    assert events["attrs"].str.contains('"case:concept:name"', regex=False).all()  # the case is kept


def test_screen_level_ui_log(tmp_path: Path) -> None:
    p = tmp_path / "screens.csv"
    p.write_text("Case;Activity;Timestamp;Screen\n1;Open invoice;2024-03-01 10:00:00;inbox\n"
                 "1;clickButton;2024-03-01 10:00:05;invoice\n2;Open invoice;01.03.2024 11:00:00;inbox\n")
    assert tm.detect_format(p) == "pm4py"
    ev = tm.read_events(p, tz="UTC")
    assert ev["true_case"].tolist() == ["1", "1", "2"]
    assert ev["action"].tolist() == ["other", "click", "other"]
    assert ev["attrs"].str.contains("Screen").all()
