"""Completion actions: loops of unnamed fields, mixed routines, suspended instances, misleading words."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import taskmining as tm
from taskmining.datasets.actionlogger import simulate_actionlogger, write_actionlogger
from taskmining.segmentation.completion import completion_mask
from taskmining.segmentation.cycles import best_cycle_rule
from taskmining.segmentation.evaluate import evaluate
from taskmining.segmentation.task_recognition.completion_cuts import ending_classes
from taskmining.segmentation.task_recognition.resume import resume_suspended

WEB_ATTRS = ("target.name", "target.innerText", "target.title", "target.id", "target.className", "target.innerHTML")


def _segment(tmp_path: Path, log: pd.DataFrame) -> pd.Series:
    out = tm.segment(tm.read_events(write_actionlogger(log, tmp_path / "log.csv"), format="actionlogger", tz="UTC"))
    truth = out["caseID"].astype(object).where(out["caseID"].notna(), None)
    return evaluate(truth.to_numpy(), out["case_id"].astype(object).to_numpy(), steps=out["step"].astype(str),
                    session=out["session"].astype(str))


def _unnamed(log: pd.DataFrame, *, keep_type: bool) -> pd.DataFrame:
    out = log.copy()
    web = out["targetApp"].eq("Chrome")
    for col in WEB_ATTRS + (() if keep_type else ("target.type",)):
        out.loc[web, col] = None
    return out


@pytest.mark.parametrize("keep_type", [True, False])
def test_loop_of_unnamed_fields_is_not_cut_at_every_paste(tmp_path: Path, keep_type: bool) -> None:
    # every paste is "Paste into edit in Chrome": the loop repeats one pair of classes 5-7 times
    log = _unnamed(simulate_actionlogger(["copy_paste"], n_instances=50, seed=1), keep_type=keep_type)
    s = _segment(tmp_path, log)
    assert s["n_pred_cases"] == 50
    assert s["boundary_f1"] >= 0.95 and s["edit_distance"] <= 0.05, s


def test_two_routines_that_end_in_a_submit_or_a_save(tmp_path: Path) -> None:
    log = simulate_actionlogger(["copy_paste", "form_filling"], n_instances=100, seed=4)
    s = _segment(tmp_path, log)
    assert s["boundary_f1"] >= 0.95 and s["edit_distance"] <= 0.05, s


def test_interleaved_routines_are_resumed(tmp_path: Path) -> None:
    log = simulate_actionlogger(["copy_paste", "form_filling"], n_instances=100, seed=4, interleave=0.3, noise=0.1)
    s = _segment(tmp_path, log)
    assert 90 <= s["n_pred_cases"] <= 110
    assert s["boundary_f1"] >= 0.9 and s["edit_distance"] <= 0.1, s


def test_cycle_rule_is_bounded_by_the_completions() -> None:
    # open, (copy, paste) x 3..5, submit: the loop body is the most frequent rule but cuts inside instances
    rng = np.random.default_rng(0)
    inst = [[0] + [1, 2] * int(rng.integers(3, 6)) + [3] for _ in range(30)]
    codes = np.array([c for i in inst for c in i])
    first = np.zeros(len(codes), dtype=bool)
    first[0] = True
    rule = best_cycle_rule(codes, first, 4, completion=np.array([False, False, False, True]))
    assert rule is not None and rule.segments == 30


def test_completion_classes_from_words_and_actions() -> None:
    labels = np.array(["Click 'Submit' in Chrome", "Paste in Chrome", "Other", "Click 'Posting list'"], dtype=object)
    mask = completion_mask(labels, np.array([0, 1, 2, 2, 3]), np.array(["click", "paste", "save", "save", "click"]))
    assert mask.tolist() == [True, False, True, False]


def test_a_save_inside_the_routine_disables_the_completion_cuts() -> None:
    # open, save, edit, confirm: "save" never ends a segment of the first solution, so no class does
    codes = np.array([0, 1, 3, 2] * 20)
    first = np.zeros(80, dtype=bool)
    first[0] = True
    cuts = codes == 0
    assert not ending_classes(codes, first, np.array([False, True, True, False]), cuts).any()
    assert ending_classes(codes, first, np.array([False, False, True, False]), cuts).tolist() == [
        False, False, True, False]


def test_resume_joins_a_headless_tail_to_the_latest_open_instance_only() -> None:
    seg = np.array([0, 0, 1, 1, 2, 2, 3, 3])
    done = np.array([0, 1, 0, 0, 0, 1, 0, 1], bool)  # 0 closed, 1 open, 2 closed, 3 headless and closed
    out = resume_suspended(seg, np.array([3]), done, np.zeros(8, dtype=np.int64))
    assert out.tolist() == [0, 0, 1, 1, 2, 2, 1, 1]
    # another session: nothing to resume
    out = resume_suspended(seg, np.array([3]), done, np.array([0, 0, 0, 0, 0, 0, 1, 1]))
    assert out.tolist() == seg.tolist()
