"""``taskmining export``: every target, segmentation of inputs without cases, exit codes."""

from __future__ import annotations

import json
import sqlite3

import pandas as pd
import pytest
from syspart import require
from test_export_pm4py import make_tasks

import taskmining as tm
from taskmining.cli import main


@pytest.fixture
def tasks_file(tmp_path):
    path = tmp_path / "tasks.parquet"
    tm.write_events(make_tasks(6, unassigned=2), path)
    return path


def test_every_target(tmp_path, tasks_file, capsys):
    n_steps = make_tasks(6)["step_id"].nunique()
    for target, name in [("xes", "log.xes.gz"), ("ocel-json", "log.json"), ("ocel-sqlite", "log.sqlite"),
                         ("pm4py-csv", "log.csv"), ("parquet", "log.parquet")]:
        out = tmp_path / name
        assert main(["export", str(tasks_file), "--to", target, "-o", str(out)]) == 0, target
        assert out.exists()
        err = capsys.readouterr().err
        assert "2 of" in err and "no case_id" in err  # the left-out rows are reported
        assert "wrote 6 cases" in err
    csv = pd.read_csv(tmp_path / "log.csv")
    assert len(csv) == n_steps and csv.columns[:3].tolist() == ["case:concept:name", "concept:name",
                                                                 "time:timestamp"]
    pq = pd.read_parquet(tmp_path / "log.parquet")
    assert len(pq) == n_steps and str(pq["time:timestamp"].dtype).endswith("UTC]")
    doc = json.loads((tmp_path / "log.json").read_text())
    assert len(doc["events"]) == n_steps
    con = sqlite3.connect(tmp_path / "log.sqlite")
    assert con.execute("SELECT COUNT(*) FROM event").fetchone()[0] == n_steps
    con.close()


def test_event_level_ground_truth_columns(tmp_path, tasks_file):
    frame = make_tasks(4).rename(columns={"case_id": "true_case", "step": "true_step"})
    src = tmp_path / "gt.parquet"
    tm.write_events(frame, src)
    out = tmp_path / "gt.csv"
    assert main(["export", str(src), "--to", "pm4py-csv", "-o", str(out), "--level", "event",
                 "--case-col", "true_case", "--activity-col", "true_step", "--quiet"]) == 0
    assert len(pd.read_csv(out)) == len(frame)


def test_input_without_cases_is_segmented(tmp_path):
    try:
        from taskmining.segmentation import list_segmenters
        table = list_segmenters()
        row = table[table["name"] == "idle_gap"]
        available = len(row) == 1 and not str(row["description"].iloc[0]).startswith("unavailable")
    except ImportError:
        available = False
    require(available, "the idle_gap segmenter is not available")
    events = make_tasks(6).drop(columns=["case_id", "task", "step", "step_id"])
    src = tmp_path / "events.parquet"
    tm.write_events(events, src)
    out = tmp_path / "seg.csv"
    assert main(["export", str(src), "--to", "pm4py-csv", "-o", str(out), "--method", "idle_gap",
                 "--param", "gap=2min", "--quiet"]) == 0
    log = pd.read_csv(out)
    assert log["case:concept:name"].nunique() >= 1 and log["n_events"].sum() <= len(events)


def test_exit_codes(tmp_path, tasks_file, capsys):
    assert main(["export", str(tasks_file), "--to", "xes", "-o", str(tmp_path / "x.xes"),
                 "--case-col", "nope"]) == 1
    assert "--case-col nope" in capsys.readouterr().err
    assert main(["export", str(tasks_file), "--to", "xes", "-o", str(tmp_path / "no" / "x.xes"),
                 "--quiet"]) == 2
    assert "cannot write" in capsys.readouterr().err
    assert main(["export", str(tasks_file), "--to", "xes", "-o", str(tmp_path / "x.xes"),
                 "--unassigned", "raise", "--quiet"]) == 2
    assert "2 of" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main(["export", str(tasks_file), "--to", "csv", "-o", "x"])
    assert exc.value.code == 1


def test_demo_stage(tmp_path):
    import argparse

    from taskmining.cli.commands.demo import DemoContext
    from taskmining.cli.commands.export import stage_export

    lines: list[str] = []
    ctx = DemoContext(args=argparse.Namespace(quiet=True), out=tmp_path)
    ctx.simulated = tm.simulate(n_users=1, hours=1, seed=2)
    ctx.say = lines.append  # type: ignore[method-assign]
    stage_export(ctx)
    res = ctx.results["export"]
    assert res["xes"].exists() and res["ocel"].exists() and res["joint_xes"].exists()
    assert 0 < res["linked"] <= res["task_instances"] == ctx.simulated["true_case"].nunique()
    assert "linked" in lines[0]
