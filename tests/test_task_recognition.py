"""task_recognition: recovers repeated routines, interleaved or not, without labels, deterministically."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from taskmining.datasets.routine_steps import routine_steps
from taskmining.errors import ParameterError
from taskmining.segmentation.evaluate import evaluate
from taskmining.segmentation.task_recognition.segmenter import TaskRecognitionSegmenter

TRUTH = ["true_case", "true_task"]


def _score(steps: pd.DataFrame, out: pd.DataFrame) -> pd.Series:
    return evaluate(
        steps["true_case"], out["case_id"], true_task=steps["true_task"], pred_task=out["task"],
        steps=steps["step"], session=steps["session"],
    )


def _run(steps: pd.DataFrame, **params: Any) -> tuple[TaskRecognitionSegmenter, pd.DataFrame]:
    seg = TaskRecognitionSegmenter(**params)
    out = seg.fit(steps.drop(columns=TRUTH)).predict(steps.drop(columns=TRUTH))
    return seg, out


def test_recovers_three_routine_types_exactly():
    steps = routine_steps(150, seed=1)
    seg, out = _run(steps)
    s = _score(steps, out)
    assert s["boundary_f1"] == 1.0
    assert s["edit_distance"] == 0.0
    assert s["event_f1"] == 1.0
    assert seg.n_tasks_ == 3
    assert sorted(seg.start_classes_) == ["Click 'Inbox' in Outlook", "Click 'Search' in CRM",
                                          "Open 'expenses.xlsx' in Excel"]
    # names are readable: they start with the routine's first step
    assert any(name.startswith("Click 'Inbox' in Outlook") for name in seg.task_names_)
    assert out["case_id"].str.match(r"^s0-\d+$").all()


def test_three_routines_without_business_keys():
    # no window titles: the stepwise search alone must find the three starts
    steps = routine_steps(150, seed=1).drop(columns=["window"])
    seg, out = _run(steps)
    s = _score(steps, out)
    assert s["boundary_f1"] == 1.0
    assert s["edit_distance"] == 0.0
    assert len(seg.start_classes_) == 3


def test_loop_tails_without_business_keys_are_merged_back():
    # without keys the search may cut at the expense routine's loop ("Add line"); the cuts after
    # the completion actions (Save, Submit) keep it whole, or its tails, which only ever follow an
    # expense claim, are merged back into it
    steps = routine_steps(300, interleave=0.3, noise=0.05, n_sessions=2, seed=5).drop(columns=["window"])
    seg, out = _run(steps)
    cut_in_loop = any("Add line" in c for c in seg.start_classes_)
    assert seg.cut_after_completion_ or (seg._fragments_ >= 0).any()
    assert not cut_in_loop or (seg._fragments_ >= 0).any()
    s = _score(steps, out)
    assert s["boundary_f1"] >= 0.98
    assert s["edit_distance"] <= 0.1
    assert not any("Add line" in name.split(" … ")[0] for name in seg.task_names_)


def test_fragment_types_need_more_than_chance():
    from taskmining.segmentation.task_recognition.fragments import (
        fragment_parents,
        merge_fragments,
    )

    session = np.zeros(13, dtype=np.int64)
    tails = np.array([2, 0, 1, 3, 0, 1, 4, 0, 1, 1, 2, 3, 4])  # 1 only ever follows 0
    parent = fragment_parents(tails, session, 5, min_count=3)
    assert parent.tolist() == [-1, 0, -1, -1, -1]
    assert merge_fragments(tails, session, parent).tolist() == [0, 1, 1, 3, 4, 4, 6, 7, 7, 7, 10, 11, 12]
    # a rare variant of a dominant routine follows it by chance: no fragment
    rng = np.random.default_rng(0)
    variants = np.where(rng.random(400) < 0.1, 1, 0)
    assert (fragment_parents(variants, np.zeros(400, dtype=np.int64), 2) == -1).all()
    # a new session has no earlier instance to merge into
    assert merge_fragments(np.array([1, 0]), np.array([0, 1]), np.array([-1, 0])).tolist() == [0, 1]


def test_interleaved_and_noisy_streams():
    steps = routine_steps(150, interleave=0.3, noise=0.05, n_sessions=2, seed=2)
    assert steps["true_case"].isna().any()
    _, out = _run(steps)
    s = _score(steps, out)
    assert s["boundary_f1"] >= 0.98
    assert s["edit_distance"] <= 0.02
    assert s["event_f1"] >= 0.98
    # noise steps get no case
    noise = steps["true_case"].isna().to_numpy()
    assert out["case_id"].isna().to_numpy()[noise].mean() > 0.9


def test_context_keys_separate_interleaved_instances():
    steps = routine_steps(150, interleave=0.4, seed=3)
    _, with_keys = _run(steps)
    _, without = _run(steps, use_context=False)
    assert _score(steps, with_keys)["edit_distance"] < _score(steps, without)["edit_distance"] - 0.05


def test_noise_can_be_absorbed():
    steps = routine_steps(80, noise=0.1, seed=4)
    _, out = _run(steps, noise_steps="absorb")
    assert out["case_id"].notna().all()


def test_deterministic_and_independent_of_ground_truth():
    steps = routine_steps(100, interleave=0.2, noise=0.05, seed=5)
    a = TaskRecognitionSegmenter(random_state=0).fit_predict(steps)
    b = TaskRecognitionSegmenter(random_state=0).fit_predict(steps)
    pd.testing.assert_frame_equal(a, b)
    shuffled = steps.copy()
    rng = np.random.default_rng(0)
    shuffled["true_case"] = rng.permutation(shuffled["true_case"].to_numpy())
    shuffled["true_task"] = "x"
    shuffled["caseID"] = rng.integers(0, 5, len(steps)).astype(str)
    c = TaskRecognitionSegmenter(random_state=0).fit_predict(shuffled)
    pd.testing.assert_frame_equal(a, c)
    # another seed changes only hash keys, not the result
    d = TaskRecognitionSegmenter(random_state=7).fit_predict(steps)
    pd.testing.assert_frame_equal(a, d)


def test_row_order_and_index_do_not_matter():
    steps = routine_steps(60, seed=6).drop(columns=TRUTH)
    out = TaskRecognitionSegmenter().fit_predict(steps)
    shuffled = steps.sample(frac=1.0, random_state=1)
    shuffled.index = shuffled.index + 1000
    out2 = TaskRecognitionSegmenter().fit_predict(shuffled)
    assert (out2["case_id"].to_numpy() == out.loc[shuffled.index - 1000, "case_id"].to_numpy()).all()


def test_predict_on_new_session_uses_fitted_model():
    train = routine_steps(100, seed=7)
    test = routine_steps(50, seed=8)
    seg = TaskRecognitionSegmenter().fit(train.drop(columns=TRUTH))
    out = seg.predict(test.drop(columns=TRUTH))
    s = _score(test, out)
    assert s["boundary_f1"] == 1.0
    assert set(out["task"]) <= set(seg.task_names_)


def test_pause_mode_learns_boundaries_from_idle_steps():
    # routines with no exact repetition (random optional steps everywhere), idle steps between a third of them
    rng = np.random.default_rng(0)
    rows, t = [], 0.0
    for i in range(300):
        kind = ["a", "b"][i % 2]
        body = [f"{kind} step {j}" for j in range(8) if j == 0 or rng.random() < 0.7]
        rng.shuffle(body[1:])
        if i % 3 == 0 and i:
            rows.append(("Idle", "idle", None))
            t += 120
        for label in body:
            t += rng.uniform(1, 5)
            rows.append((label, "click", f"c{i}"))
    steps = pd.DataFrame(rows, columns=["step", "action", "true_case"])
    steps["true_task"] = steps["true_case"].str[1:].astype(float) % 2
    steps["session"] = "s"
    steps["start"] = pd.Timestamp("2026-01-05", tz="UTC") + pd.to_timedelta(np.arange(len(steps)) * 3.0, unit="s")
    steps.loc[steps["action"] == "idle", "start"] += pd.Timedelta(0)
    gaps = np.where(steps["action"].to_numpy() == "idle", 120.0, 3.0)
    steps["start"] = pd.Timestamp("2026-01-05", tz="UTC") + pd.to_timedelta(np.cumsum(gaps), unit="s")
    seg, out = _run(steps)
    assert seg.mode_ == "pauses"
    s = _score(steps, out)
    assert s["boundary_f1"] >= 0.95
    assert out.loc[steps["action"] == "idle", "case_id"].isna().all()


def test_leno_logs_through_the_real_pipeline(shared_data):
    tm = pytest.importorskip("taskmining")
    for name in ("log1_segmented.csv", "log3_segmented.csv"):
        events = tm.read_events(shared_data / "leno-synthetic" / name, format="leno")
        steps = tm.steps_table(tm.build_steps(events))
        truth = steps.pop("caseID")
        out = TaskRecognitionSegmenter().fit_predict(steps)
        s = evaluate(truth, out["case_id"], steps=steps["step"], session=steps["session"])
        assert s["boundary_f1"] == 1.0, name
        assert s["edit_distance"] == 0.0, name


def test_simulated_recording_reaches_good_boundaries():
    tm = pytest.importorskip("taskmining")
    from taskmining.datasets import simulate

    events = simulate(n_users=2, seed=0)
    steps = tm.steps_table(tm.build_steps(events))
    truth = steps[["true_case", "true_task"]]
    out = TaskRecognitionSegmenter().fit_predict(steps.drop(columns=[c for c in steps if c.startswith("true_")]))
    s = evaluate(truth["true_case"], out["case_id"], true_task=truth["true_task"], pred_task=out["task"],
                 steps=steps["step"], session=steps["session"])
    assert s["boundary_f1"] >= 0.85
    assert s["event_f1"] >= 0.8


def test_empty_one_row_and_identical_timestamps():
    empty = routine_steps(5, seed=0).drop(columns=TRUTH).iloc[:0]
    out = TaskRecognitionSegmenter().fit_predict(empty)
    assert len(out) == 0 and list(out.columns) == ["case_id", "task"]
    one = routine_steps(5, seed=0).drop(columns=TRUTH).iloc[:1]
    out = TaskRecognitionSegmenter().fit_predict(one)
    assert out["case_id"].tolist() == ["s0-1"]
    same = routine_steps(20, seed=0).drop(columns=TRUTH)
    same["start"] = same["start"].iloc[0]
    out = TaskRecognitionSegmenter().fit_predict(same)
    assert len(out) == len(same) and out["case_id"].notna().all()


def test_missing_labels_are_one_class():
    steps = routine_steps(40, seed=0).drop(columns=TRUTH)
    steps.loc[steps.index[::7], "step"] = np.nan
    out = TaskRecognitionSegmenter().fit_predict(steps)
    assert len(out) == len(steps)


@pytest.mark.parametrize(
    "params, match",
    [({"noise_steps": "drop"}, "noise_steps"), ({"type_threshold": 0}, "type_threshold"),
     ({"pause": -1}, "pause"), ({"sample_size": 0}, "sample_size")],
)
def test_bad_parameters(params, match):
    steps = routine_steps(5, seed=0).drop(columns=TRUTH)
    with pytest.raises(ParameterError, match=match):
        TaskRecognitionSegmenter(**params).fit(steps)


def test_interruption_classes_are_rare_and_spread_like_the_task_types():
    from taskmining.segmentation.task_recognition.noise import interruption_classes

    sizes = np.array([100, 100, 100, 100])
    # columns: one class per type, a chat step in 5 % of every type, an optional step of
    # type 0 only, a shared lead-in found in most instances of every type
    profiles = np.array([
        [1.0, 0, 0, 0, 0.05, 0.08, 0.9],
        [0, 1.0, 0, 0, 0.05, 0.00, 0.8],
        [0, 0, 1.0, 0, 0.04, 0.00, 0.9],
        [0, 0, 0, 1.0, 0.06, 0.00, 0.7],
    ])
    assert interruption_classes(profiles, sizes).tolist() == [False] * 4 + [True, False, False]
    # too few task types to tell an interruption from an optional step
    assert not interruption_classes(profiles[:2], sizes[:2]).any()
    assert not interruption_classes(profiles, np.array([1000, 5, 5, 5])).any()


def test_chat_interruptions_of_simulated_work_are_noise():
    import taskmining as tm
    from taskmining.datasets import simulate

    steps = tm.steps_table(tm.build_steps(simulate(2, seed=4)))
    x = steps.drop(columns=[c for c in steps.columns if c.startswith("true_")])
    seg = TaskRecognitionSegmenter().fit(x)
    assert "Press Enter in Teams" in seg.noise_classes_
    out = seg.predict(x)
    chat = (x["step"] == "Press Enter in Teams").to_numpy()
    assert chat.any() and out["case_id"].isna().to_numpy()[chat].all()


def test_steps_foreign_to_their_type_go_back_to_a_suspended_instance():
    from taskmining.segmentation.task_recognition.foreign import foreign_targets

    # type 0 (classes 0, 1, 3) is suspended for type 1 (classes 2, 4); its tail (1, 3, then
    # 3 again) is glued to the type-1 instance: class 1 is foreign to type 1, the later
    # class-3 steps follow it while type 0 has them; class 4 is type 1's and ends the run
    profiles = np.array([[1.0, 1.0, 0.0, 0.5, 0.0], [0.0, 0.0, 1.0, 0.5, 1.0]])
    seg = np.array([0, 0, 1, 1, 1, 1, 1, 1])
    codes = np.array([0, 1, 2, 1, 3, 3, 4, 3])
    out = foreign_targets(profiles, np.array([0, 1]), np.array([0, 0]), seg, codes)
    assert out.tolist() == [-1, -1, -1, 0, 0, 0, -1, -1]
    # not across sessions
    out = foreign_targets(profiles, np.array([0, 1]), np.array([0, 1]), seg, codes)
    assert (out == -1).all()


def test_a_paste_joins_the_instance_of_its_copy():
    from taskmining.segmentation.task_recognition.dataflow import follow_transfers

    seg = np.array([0, 0, 1, 1, 1, 1, 1])
    step_id = np.array([10, 11, 12, 13, 14, 15, 16])
    # 15 pastes the copy 11 (instance 0); 14 switches to the window and leads up to it;
    # 16 pastes a copy that is not in the table: stays
    transfer = np.array([-1, -1, -1, -1, -1, 11, 99])
    lead = np.array([False, False, False, False, True, False, False])
    assert follow_transfers(seg, step_id, transfer, lead).tolist() == [0, 0, 1, 1, 0, 0, 1]


def test_segmenter_uses_data_flow_links_when_the_steps_table_has_them():
    steps = routine_steps(40, seed=6)
    x = steps.drop(columns=TRUTH)
    base = TaskRecognitionSegmenter().fit(x).predict(x)
    # link a paste to the first step of another instance: it must follow that copy
    paste = int(np.flatnonzero(x["step"].str.startswith("Paste").to_numpy())[-1])
    linked = x.assign(transfer_from=pd.array([pd.NA] * len(x), dtype="Int64"))
    linked.loc[linked.index[paste], "transfer_from"] = int(x["step_id"].iloc[0])
    out = TaskRecognitionSegmenter().fit(linked).predict(linked)
    assert out["case_id"].iloc[paste] == out["case_id"].iloc[0] != base["case_id"].iloc[paste]


def test_keyless_steps_before_the_switch_back_stay_with_their_instance():
    from taskmining.segmentation.task_recognition.interleave import reassign_interleaved

    seg = np.array([0, 0, 1, 1, 1, 1, 1])
    keys = np.array([7, -1, 8, -1, -1, -1, 7])  # instance 0 resumed at the end of segment 1
    lead = np.array([0, 0, 0, 0, 1, 0, 0], dtype=bool)  # ... after switching back at step 4
    assert reassign_interleaved(seg, keys).tolist() == [0, 0, 1, 0, 0, 0, 0]
    assert reassign_interleaved(seg, keys, lead=lead).tolist() == [0, 0, 1, 1, 0, 0, 0]
    # no switch between the keyed steps: as without lead-in steps
    assert reassign_interleaved(seg, keys, lead=np.zeros(7, dtype=bool)).tolist() == [0, 0, 1, 0, 0, 0, 0]


def test_few_interruption_steps_scatter_by_chance():
    from taskmining.segmentation.task_recognition.noise import interruption_classes

    sizes = np.array([200, 200, 200, 200, 200])
    # 14 instances with a calendar look: 6, 1, 3, 0, 4 per type (spread far from even, by chance)
    calendar = np.array([6, 1, 3, 0, 4]) / sizes
    # 14 instances with an optional field, all of one type: not an interruption
    optional = np.array([14, 0, 0, 0, 0]) / sizes
    profiles = np.column_stack([np.eye(5), calendar, optional])
    assert interruption_classes(profiles, sizes).tolist() == [False] * 5 + [True, False]
