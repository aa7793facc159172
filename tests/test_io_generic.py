"""Generic reader: from_dataframe and format="generic" files with a column mapping."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import taskmining as tm
from taskmining.errors import (
    FormatDetectionError,
    IngestError,
    ParameterError,
    SchemaError,
)
from taskmining.io.formats import generic

SAMPLE = Path(__file__).parent / "data" / "generic" / "helpdesk_tool_export.csv"
ACTION_MAP = {"Öffnen": "open", "Klick": "click", "Eingabe": "type", "Kopieren": "copy"}


def _frame() -> pd.DataFrame:
    return pd.DataFrame({
        "when": pd.to_datetime(["2026-03-02 08:15:04", "2026-03-02 08:15:11", "2026-03-02 08:15:00"]),
        "who": ["a", "a", "b"], "prog": ["Microsoft Excel", "Chrome", "chrome.exe"],
        "verb": ["Klick", "Frobnicate", "click"], "cell": ["B2", None, "C1"], "n": [1, 2, 3],
    })


def test_from_dataframe_maps_columns_and_keeps_the_rest_in_attrs() -> None:
    df = _frame()
    before = df.copy()
    ev = tm.from_dataframe(df, timestamp="when", user="who", app="prog", action="verb", element_id="cell",
                           action_map={"Klick": "click"}, tz="Europe/Berlin")
    pd.testing.assert_frame_equal(df, before)  # the caller's frame is not touched
    assert ev[["user", "app", "action", "raw_action", "element_id"]].values.tolist() == [
        ["a", "excel", "click", "Klick", "B2"], ["a", "chrome", "other", "Frobnicate", np.nan],
        ["b", "chrome", "click", "click", "C1"]]
    assert str(ev["timestamp"].iloc[0]) == "2026-03-02 07:15:04+00:00"
    assert [json.loads(a) for a in ev["attrs"]] == [{"n": 1}, {"n": 2}, {"n": 3}]
    assert set(ev["source"]) == {"generic"}
    assert list(ev["session"]) == ["a", "a", "b"]  # no session column: the user stands in


def test_from_dataframe_uses_columns_named_like_the_contract() -> None:
    df = pd.DataFrame({"timestamp": ["2026-01-05T09:00:00Z"], "action": ["type"], "window": ["W"],
                       "duration": [2.5]})
    ev = tm.from_dataframe(df, source="mytool")
    assert ev.loc[0, ["action", "window", "source", "duration"]].tolist() == ["type", "W", "mytool", 2.5]


def test_from_dataframe_errors() -> None:
    df = _frame()
    with pytest.raises(ParameterError, match="app='nope'"):
        tm.from_dataframe(df, timestamp="when", app="nope", tz="UTC")
    with pytest.raises(ParameterError, match="action_map"):
        tm.from_dataframe(df, timestamp="when", action="verb", action_map={"Klick": "poke"}, tz="UTC")
    with pytest.raises(SchemaError, match="no timezone"):
        tm.from_dataframe(df, timestamp="when")
    with pytest.raises(ParameterError, match="tz="):
        tm.from_dataframe(df, timestamp="when", tz="Mars/Olympus")


def test_semicolon_export_through_from_dataframe() -> None:
    # the generic file reader reads comma-separated files; other dialects go through pandas first
    df = pd.read_csv(SAMPLE, sep=";", dtype=str)
    ev = tm.from_dataframe(df, timestamp="Zeit", user="Benutzer", app="Programm", action="Aktion",
                           element_name="Feld", value="Wert", window="Fenster", action_map=ACTION_MAP,
                           tz="Europe/Berlin")
    assert ev["app"].tolist() == ["outlook", "chrome", "chrome", "chrome", "excel"]
    assert ev["action"].tolist() == ["open", "click", "type", "other", "copy"]
    assert json.loads(ev["attrs"].iloc[0]) == {"Ticket": "T-1001"}


def test_read_files_with_mapping_and_quarantine(tmp_path: Path) -> None:
    p = tmp_path / "log.csv"
    p.write_text("time,event,who,extra\n2026-01-05T09:00:00Z,click,u1,x\nnever,click,u1,y\n"
                 "2026-01-05T09:00:05Z,Tippen,u1\n2026-01-05T09:00:09Z,Tippen,u1,z\n")
    res = generic.SPEC.read([p], errors="quarantine", tz=None, progress=False,
                            mapping={"timestamp": "time", "action": "event", "user": "who"},
                            action_map={"Tippen": "type"})
    assert res.events["action"].tolist() == ["click", "type"]
    assert sorted(zip(res.quarantine["line"], res.quarantine["reason"])) == [
        (3, "unparsable timestamp: 'never'"), (4, "expected 4 fields, found 3")]
    assert len(res.events) + len(res.quarantine) == 4
    assert set(res.events["session"]) == {"log"}
    with pytest.raises(IngestError, match="line"):
        generic.SPEC.read([p], errors="raise", tz=None, progress=False,
                          mapping={"timestamp": "time", "action": "event"})


def test_read_parquet_with_mapping(tmp_path: Path) -> None:
    p = tmp_path / "log.parquet"
    _frame().to_parquet(p)
    res = generic.SPEC.read([p], errors="raise", tz="UTC", progress=False,
                            mapping={"timestamp": "when", "action": "verb", "app": "prog"})
    assert len(res.events) == 3 and res.events["app"].tolist() == ["chrome", "excel", "chrome"]


def test_missing_mapped_column_and_options(tmp_path: Path) -> None:
    p = tmp_path / "log.csv"
    p.write_text("time,event\n2026-01-05T09:00:00Z,click\n")
    with pytest.raises(IngestError, match="'nope'"):
        generic.SPEC.read([p], errors="quarantine", tz=None, progress=False, mapping={"timestamp": "nope"})
    with pytest.raises(ParameterError, match="unknown field"):
        generic.SPEC.read([p], errors="quarantine", tz=None, progress=False, mapping={"colour": "time"})
    with pytest.raises(ParameterError, match="does not take"):
        generic.SPEC.read([p], errors="quarantine", tz=None, progress=False, colour="red")


def test_never_detected_automatically(tmp_path: Path) -> None:
    p = tmp_path / "log.csv"
    p.write_text("time,event\n2026-01-05T09:00:00Z,click\n")
    with pytest.raises(FormatDetectionError):
        tm.detect_format(p)
    ev = tm.read_events(p, format="generic", mapping={"timestamp": "time", "action": "event"}, progress=False)
    assert ev["action"].tolist() == ["click"]
