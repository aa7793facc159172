"""Segmentation on Action-Logger-style logs: loops inside instances, echoes, every row assigned, confidence."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import taskmining as tm
from taskmining.datasets.actionlogger import simulate_actionlogger, write_actionlogger
from taskmining.segmentation.apply import method_input
from taskmining.segmentation.auto import AutoSegmenter, fill_unassigned
from taskmining.segmentation.confidence import boundary_confidence
from taskmining.segmentation.cycles import best_cycle_rule
from taskmining.segmentation.evaluate import evaluate
from taskmining.segmentation.fold import echo_targets, fold_targets

REPO = Path(__file__).resolve().parents[1]
SINGLE = [("copy_paste", 50, 1), ("form_filling", 40, 2), ("erp_replay", 30, 3)]


def _events(tmp_path: Path, routine: str, n: int, seed: int, **kw: object) -> pd.DataFrame:
    path = write_actionlogger(simulate_actionlogger([routine], n_instances=n, seed=seed, **kw),
                              tmp_path / f"{routine}-{seed}.csv")
    return tm.read_events(path, format="actionlogger", tz="UTC")


def _scores(out: pd.DataFrame) -> pd.Series:
    truth = out["caseID"].astype(object).where(out["caseID"].notna(), None)
    return evaluate(truth.to_numpy(), out["case_id"].astype(object).to_numpy(), steps=out["step"].astype(str),
                    session=out["session"].astype(str))


@pytest.mark.parametrize("routine, n, seed", SINGLE)
def test_default_method_finds_each_single_task_instance(tmp_path: Path, routine: str, n: int, seed: int) -> None:
    out = tm.segment(_events(tmp_path, routine, n, seed))
    s = _scores(out)
    assert s["boundary_f1"] >= 0.95 and s["edit_distance"] <= 0.05, s
    assert out["case_id"].notna().all()
    assert out["case_id"].nunique() == n


def test_copy_paste_loop_is_one_instance_and_the_reason_says_why(tmp_path: Path) -> None:
    ev = _events(tmp_path, "copy_paste", 40, 7, duplicates=0.1)
    steps = method_input(tm.steps_table(tm.build_steps(ev)))
    seg = AutoSegmenter().fit(steps)
    assert seg.method_ == "routine_cycles"
    assert "Submit" in seg.reason_ and "loops" in seg.reason_
    out = seg.predict(steps)
    pastes = steps["action"].astype(str).eq("paste")
    # every instance holds several pastes (the loop), never one paste per instance
    assert out.loc[pastes.to_numpy(), "case_id"].value_counts().min() >= 2
    assert seg.unassigned_ == 0.0


def test_ground_truth_columns_are_never_read(tmp_path: Path) -> None:
    # caseID is a column of the events; Task lands in attrs (the reader keeps unknown columns there)
    log = simulate_actionlogger(["copy_paste", "form_filling"], n_instances=30, seed=3, duplicates=0.2,
                                interleave=0.2)
    rng = np.random.default_rng(1)
    shuffled = log.assign(caseID=rng.permutation(log["caseID"].to_numpy()), Task=rng.permutation(log["Task"].to_numpy()))
    outs = []
    for name, frame in (("a", log), ("b", shuffled)):
        (tmp_path / name).mkdir()
        path = write_actionlogger(frame, tmp_path / name / "log.csv")
        outs.append(tm.segment(tm.read_events(path, format="actionlogger", tz="UTC")))
    a, b = outs
    assert a["case_id"].tolist() == b["case_id"].tolist() and a["task"].tolist() == b["task"].tolist()
    assert a["step_id"].tolist() == b["step_id"].tolist()
    assert a["attrs"].str.contains('"Task"').any()  # the output keeps every input field


def test_echo_folding() -> None:
    t = pd.to_datetime(["2026-01-05 09:00:00", "2026-01-05 09:00:00", "2026-01-05 09:00:01",
                        "2026-01-05 09:00:01.5", "2026-01-05 09:00:09", "2026-01-05 09:00:10"], utc=True,
                       format="ISO8601")
    steps = pd.DataFrame({"session": "s", "start": t,
                          "step": ["Click 'New'", "Click 'New'", "Select 'A'", "Copy 'A'", "Select 'B'", "Paste"],
                          "action": ["click", "click", "select", "copy", "select", "paste"],
                          "element_name": ["New", "New", "A", "A", "B", "B"]})
    target = echo_targets(steps)
    assert target.tolist() == [-1, 0, 3, -1, -1, -1]  # a select followed by a paste is not an echo
    assert fold_targets(np.array([-1, 0, 1, 2])).tolist() == [0, 0, 0, 0]


def test_cycle_rule_prefers_the_submit_over_the_loop_body() -> None:
    rng = np.random.default_rng(3)
    codes: list[int] = []
    for _ in range(40):  # open, (copy, paste) x 1..5, submit
        codes += [0] + [1, 2] * int(rng.integers(1, 6)) + [3]
    arr = np.array(codes)
    first = np.zeros(len(arr), dtype=bool)
    first[0] = True
    rule = best_cycle_rule(arr, first, 4)
    assert rule is not None and rule.segments == 40
    assert (rule.kind, rule.cls) in {("before", 0), ("after", 3)}


def test_every_row_gets_a_case() -> None:
    filled = fill_unassigned(np.array(["a", "a", "a", "b"]), np.array([None, "a-1", None, None], dtype=object))
    assert filled.tolist() == ["a-1", "a-1", "a-1", "b-0"]


def test_boundary_confidence() -> None:
    steps = pd.DataFrame({"session": ["s"] * 6 + ["t"] * 2, "step": ["New", "Save"] * 4})
    case = ["s-1", "s-1", "s-2", "s-2", "s-2", "s-2", "t-1", "t-1"]
    conf = boundary_confidence(steps, case)
    # cut at one of the two Save -> New transitions of session s: 0.5; session starts: 1.0
    assert conf.tolist()[0] == 1.0 and conf.tolist()[2] == 0.5 and conf.tolist()[6] == 1.0
    assert conf.isna().sum() == 5


def test_cli_writes_the_confidence_column(tmp_path: Path) -> None:
    path = write_actionlogger(simulate_actionlogger(["form_filling"], n_instances=20, seed=5), tmp_path / "ff.csv")
    out = tmp_path / "out.csv"
    env = {"PYTHONPATH": str(REPO)}
    subprocess.run([sys.executable, "-m", "taskmining", "segment", str(path), "--format", "actionlogger", "--tz",
                    "UTC", "-o", str(out)], check=True, env={**__import__("os").environ, **env})
    got = pd.read_csv(out)
    assert got.columns[-6:].tolist() == ["row", "step_id", "step", "case_id", "task", "boundary_confidence"]
    starts = ~got["case_id"].duplicated()
    assert got.loc[starts, "boundary_confidence"].between(0, 1).all()
    assert got.loc[~starts, "boundary_confidence"].isna().all()
    assert evaluate(got["caseID"].astype(str), got["case_id"], steps=got["step"])["boundary_f1"] >= 0.95


@pytest.mark.parametrize("log", ["log3", "log8", "log9"])
def test_leno_logs_stay_exact_with_the_default(shared_data: Path, log: str) -> None:
    ev = tm.read_events(shared_data / "leno-synthetic" / f"{log}_segmented.csv", format="leno", tz="UTC")
    s = _scores(tm.segment(ev))
    assert s["boundary_f1"] >= 0.95 and s["edit_distance"] <= 0.05
