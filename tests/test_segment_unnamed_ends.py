"""Sparse keys, submitted work cut apart, routines ending on an unnamed button (interleaved ERP + forms)."""

from __future__ import annotations

import numpy as np

from taskmining.segmentation.task_recognition.completion_cuts import learned_ends, split_share
from taskmining.segmentation.task_recognition.search import MIN_KEYED_SHARE, _continues_instance


def test_sparse_keys_flag_no_class_as_inside() -> None:
    codes = np.array([0, 1, 2, 3] * 50)
    first = np.zeros(len(codes), dtype=bool)
    first[0] = True
    context = np.full(len(codes), -1, dtype=np.int64)
    context[0] = 0  # one key on one step: the same stale key surrounds every step
    assert (context >= 0).mean() < MIN_KEYED_SHARE
    assert not _continues_instance(codes, first, context, 4).any()
    dense = np.repeat(np.arange(50), 4)  # a key per instance, on every step
    assert _continues_instance(codes, first, dense, 4).tolist() == [False, True, True, True]


def test_split_share_counts_cuts_inside_submitted_work() -> None:
    codes = np.array([0, 1, 2, 3] * 10)  # open, field, field, submit
    first = np.zeros(len(codes), dtype=bool)
    first[0] = True
    inside = np.array([False, True, True, False])
    assert split_share(codes, first, np.array([True, False, False, False]), inside) == 0.0
    assert split_share(codes, first, np.array([True, True, False, False]), inside) == 10 / 19  # 9 opens, 10 fields


def test_learned_ends_is_the_last_step_of_most_segments() -> None:
    codes = np.array([0, 1, 2, 3] * 10)
    cuts = codes == 0
    ends = learned_ends(codes, cuts, 4, np.array([True, False, False, False]))
    assert ends.tolist() == [False, False, False, True]
    # the class also inside the segments (a loop of row buttons): not an end
    codes2 = np.array([0, 3, 1, 3, 2, 3] * 10)
    assert not learned_ends(codes2, codes2 == 0, 4, np.array([True, False, False, False]))[3]


def test_interleaved_erp_and_forms_find_both_starts() -> None:
    import tempfile
    from pathlib import Path

    import taskmining as tm
    from taskmining.datasets.actionlogger import simulate_actionlogger, write_actionlogger
    from taskmining.segmentation.apply import hide_truth_attrs
    from taskmining.segmentation.evaluate import evaluate
    from taskmining.segmentation.registry import segmenter

    log = simulate_actionlogger(["erp_replay", "form_filling"], n_instances=60, seed=15, interleave=0.3, noise=0.1)
    with tempfile.TemporaryDirectory() as tmp:
        path = write_actionlogger(log, Path(tmp) / "log.csv")
        events = hide_truth_attrs(tm.read_events(path, format="actionlogger", tz="UTC"))
    steps = tm.steps_table(tm.build_steps(events))
    truth = steps["caseID"].astype(object).where(steps["caseID"].notna(), None)
    x = steps.drop(columns=["caseID"])
    out = segmenter("auto").fit(x).predict(x)
    s = evaluate(truth, out["case_id"], steps=x["step"], session=x["session"])
    assert s["boundary_recall"] >= 0.95
    assert s["event_f1"] >= 0.95
