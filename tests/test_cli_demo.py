"""``taskmining simulate`` and ``taskmining demo``: exit codes, files, summary."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import taskmining as tm
from taskmining.cli import main
from taskmining.cli.commands import demo


def test_demo_writes_reads_and_summarises(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "demo"
    assert main(["demo", "-o", str(out), "--users", "3", "--hours", "1.5", "--quiet"]) == 0
    text = capsys.readouterr().out
    manifest = json.loads((out / "recording" / "manifest.json").read_text())
    assert len(manifest["sessions"]) == 3
    assert f"read {manifest['events']:,} events back" in text
    for word in ("events", "users       3", "apps", "span", "instances", "top actions", "segmented",
                 "boundary F1", "mined", "exported XES", "wrote the report"):
        assert word in text, word
    for name in ("report.html", "tasks.xes.gz", "tasks.ocel.json", "joint.xes.gz", "mined/variants.csv",
                 "mined/candidates.csv", "mined/metrics.csv"):
        assert (out / name).is_file(), name
    assert text.rstrip().endswith(str((out / "report.html").resolve()))


def test_demo_stages_can_be_appended(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    seen = []

    def stage_extra(ctx: demo.DemoContext) -> None:
        seen.append(len(ctx.events))
        ctx.say("extra stage ran")

    monkeypatch.setattr(demo, "STAGES", [*demo.STAGES, stage_extra])
    assert main(["demo", "-o", str(tmp_path / "d"), "--users", "1", "--hours", "0.5", "--quiet"]) == 0
    assert seen and seen[0] > 0
    assert capsys.readouterr().out.rstrip().endswith("extra stage ran")


@pytest.mark.parametrize("fmt", ["native", "parquet", "jsonl"])
def test_simulate_writes_each_format(tmp_path: Path, fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "sim"
    code = main(["simulate", "-o", str(out), "--users", "2", "--days", "1", "--routines", "3", "--seed", "4",
                 "--hours", "1", "--format", fmt, "--quiet"])
    assert code == 0
    expected = tm.simulate(n_users=2, routines=3, seed=4, hours=1.0)
    assert f"wrote {len(expected)} events" in capsys.readouterr().out
    if fmt == "native":
        assert len(list(out.glob("*/segment-*.jsonl"))) >= 2
        back = tm.read_events(out)
    elif fmt == "parquet":
        back = pd.read_parquet(out / "events.parquet")
    else:
        lines = (out / "events.jsonl").read_text(encoding="utf-8").splitlines()
        assert len(lines) == len(expected)
        assert json.loads(lines[-1])["true_case"] == (None if pd.isna(expected["true_case"].iloc[-1])
                                                      else expected["true_case"].iloc[-1])
        back = tm.read_events(out / "events.jsonl")
    assert len(back) == len(expected)
    assert back["true_step"].tolist() == expected["true_step"].tolist()


def test_simulate_usage_errors_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", "-o", str(tmp_path / "x"), "--users", "0", "--quiet"]) == 1
    assert "n_users" in capsys.readouterr().err
    assert main(["simulate", "-o", str(tmp_path / "x"), "--routines", "99", "--quiet"]) == 1
    with pytest.raises(SystemExit) as exc:
        main(["simulate", "-o", str(tmp_path / "x"), "--format", "xml"])
    assert exc.value.code == 1


def test_demo_runs_as_a_command(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "taskmining", "demo", "--users", "2", "--hours", "1", "--quiet"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "taskmining-demo" / "recording" / "manifest.json").is_file()
    assert (tmp_path / "taskmining-demo" / "report.html").is_file()
    assert "Traceback" not in proc.stderr
