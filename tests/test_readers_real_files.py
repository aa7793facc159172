"""The readers on the real files of real recorders in ../shared/data/real-recordings.

Each file is read with format detection (as ``taskmining info FILE`` does):
its format is recognised, every record is either an event or quarantined
with a reason, and at least 95 % of the records are events, except where the
file holds records that cannot be events (pomp's annotation rows for missing
events have no time). The record counts are those of SOURCE.md, checked
against the files by counting the lines that start a record.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from syspart import REPO, SHARED_DATA, require

import taskmining as tm

REAL = SHARED_DATA / "real-recordings"

# file -> (format, records, tz, quarantine reasons allowed, how a line that starts a record begins)
FILES = {
    "smartrpa-windows-banking.csv": ("smartrpa", 3001, "Europe/Berlin", set(), r"[0-9]{15};SmartRPA"),
    "tockler-windows-banking.csv": ("tockler", 1336, "Europe/Berlin", set(), r"[0-9]*;[^;]*;AppTrackItem;"),
    "smartrpa-rpachallenge.csv": ("smartrpa", 500, "Europe/Berlin", {"expected 49 fields, found 97"},
                                  r"2026-01-21T[0-9:.]+,n9556494,"),
    "smartrpa-banking-tagged.csv": ("smartrpa", 38, "Europe/Berlin", set(), r"[0-9]+;-?[0-9.]*;"),
    "smartrpa-banking-short.csv": ("smartrpa", 9, "Europe/Berlin", set(), r"[0-9]+;-?[0-9.]*;"),
    "smartrpa-sparkasse-garbled-bom.csv": ("smartrpa", 14, "Europe/Berlin", set(), r"[0-9]+;-?[0-9.]*;"),
    "actionlogger-browsing-noheader.csv": ("actionlogger", 1289, None, set(), r"[0-9]{13},"),
}


def _path(name: str) -> Path:
    require(REAL.is_dir(), f"real recordings not found at {REAL}")
    return REAL / name


def _record_starts(path: Path) -> int:
    """Lines that start a record, by the pattern every record of the file begins with."""
    start = re.compile(FILES[path.name][4])
    return sum(1 for line in path.read_text(encoding="utf-8", errors="replace").split("\n") if start.match(line))


@pytest.mark.parametrize("name", sorted(FILES))
def test_record_counts_match_the_files(name: str) -> None:
    assert _record_starts(_path(name)) == FILES[name][1]


@pytest.mark.parametrize("name", sorted(FILES))
def test_real_file_is_detected_and_read(name: str) -> None:
    fmt, records, tz, allowed, _ = FILES[name]
    path = _path(name)
    assert tm.detect_format(path) == fmt
    events, quarantine = tm.read_events(path, tz=tz, return_quarantine=True)
    gaps = events["attrs"].astype(object).fillna("").str.contains('"idle_gap":true', regex=False)
    assert (events.loc[gaps, "action"] == "idle").all() and (events.loc[gaps, "raw_action"] == "gap").all()
    events = events[~gaps]  # idle rows for unrecorded time come on top of the file's records
    assert len(events) + len(quarantine) == records
    reasons = set(quarantine["reason"])
    assert reasons <= allowed, reasons
    assert len(events) >= 0.95 * records
    assert events["timestamp"].notna().all()
    assert not events["app"].astype(str).str.contains(" - ").any()  # a title is never the app
    window = events["window"].fillna("").str.casefold().str.strip()
    assert not (events["app"].astype(str) == window).to_numpy()[window.str.contains(" ").to_numpy()].any()


def test_smartrpa_titles_in_the_application_column_become_windows() -> None:
    events = tm.read_events(_path("smartrpa-windows-banking.csv"), tz="Europe/Berlin")
    ppt = events[events["window"].fillna("").str.endswith("- PowerPoint")]
    assert len(ppt) > 50 and set(ppt["app"]) == {"powerpoint"}
    assert "edge" in set(events["app"]) and "microsoft\u200b edge" not in set(events["app"])


@pytest.mark.parametrize("name", ["smartrpa-banking-tagged.csv", "smartrpa-sparkasse-garbled-bom.csv"])
def test_tagged_rows_without_time_are_read_in_place_and_flagged(name: str) -> None:
    path = _path(name)
    events = tm.read_events(path, tz="Europe/Berlin")
    flagged = events["attrs"].fillna("").str.contains('"time_inferred":true', regex=False).to_numpy()
    rows = [line.split(";") for line in path.read_text(encoding="utf-8-sig").splitlines()[1:]]
    untimed = [r for r in rows if len(r) > 6 and r[2] == ""]
    assert len(untimed) == flagged.sum() == 2 and {r[6] for r in untimed} == {"missing"}
    assert set(events.loc[flagged, "raw_action"]) == {"missing"} and set(events.loc[flagged, "action"]) == {"other"}
    assert any("without a timestamp" in n for n in events.attrs["taskmining"]["notes"])
    for i in flagged.nonzero()[0]:  # the time of the timed row before it, in file order
        before = events.iloc[:i][~flagged[:i]]
        assert events["timestamp"].iloc[i] == before["timestamp"].iloc[-1]
        assert events["event_id"].iloc[i] > before["event_id"].iloc[-1]


def test_garbled_file_is_repaired_with_a_note() -> None:
    pytest.importorskip("ftfy", reason="ftfy repairs mojibake (pip install 'taskmining[repair]')")
    events = tm.read_events(_path("smartrpa-sparkasse-garbled-bom.csv"), tz="Europe/Berlin")
    assert events.attrs["taskmining"]["notes"] and "mojibake" in events.attrs["taskmining"]["notes"][0]
    text = " ".join(events["attrs"].dropna())
    assert "Ã" not in text and "â€" not in text


def test_headerless_action_logger_times_are_epoch_milliseconds() -> None:
    events = tm.read_events(_path("actionlogger-browsing-noheader.csv"))
    assert str(events["timestamp"].min()) == "2019-01-24 03:24:33.232000+00:00"
    assert {"focus", "click", "edit", "navigate"} <= set(events["action"])


def test_tockler_intervals_become_switch_and_focus_rows_with_durations() -> None:
    events = tm.read_events(_path("tockler-windows-banking.csv"), tz="Europe/Berlin")
    gaps = events["raw_action"] == "gap"
    assert set(events.loc[~gaps, "action"]) <= {"app_switch", "focus"}
    assert 0 < gaps.sum() < 0.02 * len(events) and (events.loc[gaps, "action"] == "idle").all()
    assert (events.loc[gaps, "duration"] >= 180).all()
    assert (events["duration"] >= 0).all() and events["duration"].sum() > 3600
    assert events["window"].notna().mean() > 0.9


def test_naive_times_need_tz_and_the_cli_says_how() -> None:
    path = _path("smartrpa-rpachallenge.csv")
    with pytest.raises(tm.errors.IngestError, match="pass tz="):
        tm.read_events(path)
    env_path = str(REPO)
    run = subprocess.run([sys.executable, "-m", "taskmining", "info", str(path), "--json", "--quiet"],
                         check=False, capture_output=True, text=True, env={"PYTHONPATH": env_path, "PATH": ""})
    assert run.returncode != 0 and "--tz" in run.stderr
    run = subprocess.run([sys.executable, "-m", "taskmining", "info", str(path), "--json", "--quiet",
                          "--tz", "Europe/Berlin"], check=False, capture_output=True, text=True,
                         env={"PYTHONPATH": env_path, "PATH": ""})
    summary = json.loads(run.stdout)
    assert summary["events"] + summary["quarantined"] == 500


def test_without_ftfy_garbled_text_fails_clearly_or_is_quarantined(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ftfy", None)  # as if the repair extra were not installed
    monkeypatch.setitem(sys.modules, "ftfy.badness", None)
    with pytest.raises(tm.errors.IngestError, match=r"line 1: .*mojibake.*taskmining\[repair\]"):
        tm.read_events(_path("smartrpa-sparkasse-garbled-bom.csv"), tz="Europe/Berlin")
    events, quarantine = tm.read_events(_path("smartrpa-banking-tagged.csv"), tz="Europe/Berlin",
                                        return_quarantine=True)
    assert len(events) + len(quarantine) == 38
    assert quarantine["reason"].str.startswith("garbled text (mojibake)").sum() == 2


@pytest.mark.parametrize("name", sorted(FILES))
def test_segment_cli_gives_one_row_per_record_of_the_real_file(name: str, tmp_path: Path) -> None:
    from taskmining.cli import main

    fmt, records, tz, _, _ = FILES[name]
    out = tmp_path / "out.csv"
    argv = ["segment", str(_path(name)), "-o", str(out), "--quiet", *(["--tz", tz] if tz else [])]
    assert main(argv) == 0
    got = pd.read_csv(out, dtype=str, keep_default_na=False)
    events, quarantine = tm.read_events(_path(name), tz=tz, return_quarantine=True)
    events = events[events["raw_action"] != "gap"]  # idle rows for unrecorded time have no input row
    assert len(got) == records
    assert got["row"].astype(int).tolist() == list(range(records))
    read = got["step"] != ""
    assert read.sum() == len(events) and ((got["step_id"] != "") == read).all()
    assert ((got["case_id"] != "") | (got["task"] == "(noise)"))[read].all()  # a case, or noise said so
    assert (got["case_id"] == "")[~read].all()
