"""The info, convert and quarantine commands: output, exit codes, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import taskmining as tm
from taskmining.cli import main

DATA = Path(__file__).parent / "data" / "native"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "taskmining.cli", *args], capture_output=True, text=True, check=False,
                          timeout=120)


def test_info_json_is_exactly_one_object(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["info", str(DATA / "bad.jsonl"), "--json", "--quiet"]) == 0
    out, err = capsys.readouterr()
    info = json.loads(out)
    assert info["events"] == 2 and info["users"] == 1 and info["sessions"] == 1
    assert info["apps"] == {"excel": 2} and info["format"] == "native"
    assert info["quarantined"] == 10 and sum(info["quarantined_by_reason"].values()) == 10
    assert info["start"] == "2026-11-25T09:00:00+00:00" and info["span_seconds"] == 1.0
    assert err == ""


def test_info_text_and_notice(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["info", str(DATA / "recording")]) == 0
    out, _ = capsys.readouterr()
    assert "events:      6" in out and "native (3 file(s))" in out
    assert main(["info", str(DATA / "bad.jsonl")]) == 0
    _, err = capsys.readouterr()
    assert "10 record(s) quarantined" in err


def test_exit_codes_and_one_line_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = run("info", str(tmp_path / "nope.jsonl"))  # a real process: no traceback, exit 2
    assert missing.returncode == 2
    assert missing.stderr.strip().splitlines() == [f"taskmining info: error: {tmp_path / 'nope.jsonl'}: no such file or folder"]
    assert main(["info", str(DATA / "good.jsonl"), "--format", "xml"]) == 1
    assert "unknown format 'xml'" in capsys.readouterr().err
    with pytest.raises(SystemExit) as usage:
        main(["info"])
    assert usage.value.code == 1
    assert "required: INPUT" in capsys.readouterr().err
    assert main(["convert", str(DATA / "good.jsonl"), "-o", str(tmp_path / "x.txt")]) == 1
    err = capsys.readouterr().err
    assert "x.txt" in err and len(err.strip().splitlines()) == 1


def test_convert_to_parquet_jsonl_and_partitioned_folder(tmp_path: Path) -> None:
    want = tm.read_events(DATA / "recording", progress=False)
    for target, extra in [("out.parquet", []), ("out.jsonl.gz", []), ("ds", ["--partition-by", "user,date"]),
                          ("plain", [])]:
        assert main(["convert", str(DATA / "recording"), "-o", str(tmp_path / target), "--quiet", *extra]) == 0
        got = tm.read_events(tmp_path / target, progress=False)
        pd.testing.assert_frame_equal(got, want)
    assert (tmp_path / "plain" / "events.parquet").is_file()
    assert any((tmp_path / "ds").glob("user=*/date=*/*.parquet"))


def test_quarantine_lists_and_writes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["quarantine", str(DATA / "bad.jsonl"), "--quiet"]) == 0
    out, _ = capsys.readouterr()
    assert len(out.strip().splitlines()) == 10 and "bad.jsonl:2: invalid JSON" in out
    assert main(["quarantine", str(DATA / "bad.jsonl"), "--quiet", "-o", str(tmp_path / "q.jsonl")]) == 0
    rows = [json.loads(x) for x in (tmp_path / "q.jsonl").read_text().splitlines()]
    assert {r["line"] for r in rows} == {2, 3, 4, 5, 6, 7, 10, 11, 12, 13}
    assert main(["quarantine", str(DATA / "bad.jsonl"), "--quiet", "-o", str(tmp_path / "q.csv")]) == 0
    assert len(pd.read_csv(tmp_path / "q.csv")) == 10
