"""auto: the default method picks task_recognition for repetitive data and idle_gap for tiny data."""

from __future__ import annotations

import pandas as pd
import pytest

from taskmining.datasets.routine_steps import routine_steps
from taskmining.errors import ParameterError
from taskmining.segmentation.auto import AutoSegmenter, choose_method
from taskmining.segmentation.evaluate import evaluate
from taskmining.segmentation.registry import segmenter


def test_repetitive_data_uses_task_recognition():
    steps = routine_steps(100, interleave=0.2, seed=0)
    seg = segmenter("auto").fit(steps.drop(columns=["true_case", "true_task"]))
    assert isinstance(seg, AutoSegmenter)
    assert seg.method_ == "task_recognition"
    assert "repeat" in seg.reason_
    out = seg.predict(steps.drop(columns=["true_case", "true_task"]))
    s = evaluate(steps["true_case"], out["case_id"], steps=steps["step"])
    assert s["boundary_f1"] >= 0.98
    assert out["task"].notna().all()


def test_tiny_or_unrepeated_data_uses_idle_gap():
    steps = routine_steps(3, seed=0).drop(columns=["true_case", "true_task"])
    assert AutoSegmenter().fit(steps).method_ == "idle_gap"
    unique = pd.DataFrame({
        "session": "s", "step": [f"step {i}" for i in range(80)],
        "start": pd.date_range("2026-01-05", periods=80, freq="1min", tz="UTC"),
    })
    seg = AutoSegmenter().fit(unique)
    assert seg.method_ == "idle_gap" and "repeats" in seg.reason_
    out = seg.predict(unique)
    assert len(out) == 80
    assert (out["task"] == "(untyped task)").all()


def test_choose_method_thresholds():
    frame = pd.DataFrame({"step": ["a", "b"] * 30})
    assert choose_method(frame)[0] == "task_recognition"
    assert choose_method(frame, min_steps=100)[0] == "idle_gap"
    assert choose_method(frame, min_repeats=31)[0] == "idle_gap"


def test_random_state_reaches_the_inner_segmenter_and_bad_params():
    steps = routine_steps(60, seed=1).drop(columns=["true_case", "true_task"])
    seg = AutoSegmenter(random_state=5).fit(steps)
    assert seg.segmenter_.get_params()["random_state"] == 5
    with pytest.raises(ParameterError, match="min_steps"):
        AutoSegmenter(min_steps=0).fit(steps)
