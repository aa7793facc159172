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
        # four people: below the team-level threshold, so the format is checked with the explicit opt-out
        assert main(["export", str(tasks_file), "--to", target, "-o", str(out), "--min-group-size", "1",
                     "--level", "step"]) == 0
        assert out.exists()
        err = capsys.readouterr().err
        assert "without the team-level threshold" in err
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
                 "--case-col", "true_case", "--activity-col", "true_step", "--quiet", "--min-group-size", "1"]) == 0
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
                 "--param", "gap=2min", "--quiet", "--min-group-size", "1"]) == 0
    log = pd.read_csv(out)
    assert log["case:concept:name"].nunique() >= 1 and log["n_events"].sum() <= len(events)


def test_exit_codes(tmp_path, tasks_file, capsys):
    assert main(["export", str(tasks_file), "--to", "xes", "-o", str(tmp_path / "x.xes"),
                 "--case-col", "nope"]) == 1
    assert "--case-col nope" in capsys.readouterr().err
    assert main(["export", str(tasks_file), "--to", "xes", "-o", str(tmp_path / "no" / "x.xes"),
                 "--quiet", "--min-group-size", "1"]) == 2
    assert "cannot write" in capsys.readouterr().err
    assert main(["export", str(tasks_file), "--to", "xes", "-o", str(tmp_path / "x.xes"),
                 "--unassigned", "raise", "--quiet", "--min-group-size", "1"]) == 2
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
    ctx.simulated = tm.simulate(n_users=5, hours=1, seed=2)  # a team: the exports apply the team threshold
    ctx.say = lines.append  # type: ignore[method-assign]
    stage_export(ctx)
    res = ctx.results["export"]
    assert res["xes"].exists() and res["ocel"].exists() and res["joint_xes"].exists()
    assert 0 < res["linked"] <= res["task_instances"] <= ctx.simulated["true_case"].nunique()
    assert "linked" in lines[0]


def test_the_default_export_is_a_team_output(tmp_path, tasks_file, capsys):
    """Issue 15, finding 13: ``taskmining export`` applies the team-level threshold unless opted out."""
    from test_release_outputs import ODD, TEAM, team_log

    out = tmp_path / "x.csv"
    assert main(["export", str(tasks_file), "--to", "pm4py-csv", "-o", str(out), "--quiet"]) == 2
    assert "covers 4 distinct people, fewer than min_group_size=5" in capsys.readouterr().err
    assert not out.exists()
    src = tmp_path / "team.parquet"
    tm.write_events(team_log(TEAM).assign(app="erp", action="click"), src)  # five people; one of them once did ODD
    for target, name in [("pm4py-csv", "t.csv"), ("xes", "t.xes"), ("ocel-json", "t.json")]:
        assert main(["export", str(src), "--to", target, "-o", str(tmp_path / name), "--level", "step"]) == 0
        err = capsys.readouterr().err
        assert "1 case(s) holding a step or task type of fewer than 3" in err and "--min-group-size 1" in err
        assert "(1 left out by the team-level threshold)" in err
        assert ODD not in (tmp_path / name).read_text(encoding="utf-8")
    log = pd.read_csv(tmp_path / "t.csv")
    assert log["case:concept:name"].nunique() == team_log(TEAM)["case_id"].nunique() - 1
    assert main(["export", str(src), "--to", "pm4py-csv", "-o", str(out), "--quiet", "--min-group-size", "1",
                 "--level", "step"]) == 0
    assert ODD in out.read_text(encoding="utf-8") and "without the team-level threshold" in capsys.readouterr().err


def test_export_ledger_refuses_a_differencing_export(tmp_path, capsys):
    from test_release_outputs import TEAM, team_log

    six = team_log([*TEAM, "u6"], routine_users=6, odd_user=None).assign(app="erp", action="click")
    a, b = tmp_path / "six.parquet", tmp_path / "five.parquet"
    tm.write_events(six, a)
    tm.write_events(six.loc[six["user"] != "u6"], b)
    led = str(tmp_path / "led.json")
    assert main(["export", str(a), "--to", "xes", "-o", str(tmp_path / "a.xes"), "--ledger", led, "--quiet"]) == 0
    assert main(["export", str(b), "--to", "xes", "-o", str(tmp_path / "b.xes"), "--ledger", led, "--quiet"]) == 2
    assert "differ from release 1" in capsys.readouterr().err and not (tmp_path / "b.xes").exists()
