"""start_end_discovery: routine starts and ends from back edges and dominators of the step graph."""

from __future__ import annotations

import networkx as nx
import pandas as pd
import pytest

from taskmining.datasets.routine_steps import routine_steps
from taskmining.errors import ParameterError
from taskmining.segmentation.evaluate import evaluate
from taskmining.segmentation.start_end import (
    StartEndDiscoverySegmenter,
    loop_headers,
    step_graph,
)


def _steps(labels: list[str], session: str = "s") -> pd.DataFrame:
    return pd.DataFrame({
        "session": session,
        "start": pd.date_range("2026-01-05 09:00", periods=len(labels), freq="5s", tz="UTC"),
        "step": labels,
    })


def test_graph_counts_transitions_within_sessions_only():
    g = step_graph(pd.Series(["a", "b", "a", "b"]), pd.Series(["s", "s", "t", "t"]), min_count=1)
    assert dict(g.edges.items()) == {("a", "b"): {"count": 2}}


def test_loop_headers_inner_and_outer_loops():
    # start -> login -> (login again)* -> work -> end -> start
    g = nx.DiGraph([("start", "login"), ("login", "wait"), ("wait", "login"), ("wait", "work"),
                    ("work", "end"), ("end", "start")])
    headers = loop_headers(g, "start")
    assert headers["start"] == (5, ["end"])
    assert headers["login"] == (2, ["wait"])


def test_repeated_routine_with_inner_loop_is_cut_at_its_start():
    routine = ["Open", "Login", "Wait", "Login", "Wait", "Work", "Save"]
    short = ["Open", "Login", "Wait", "Work", "Save"]
    labels = (routine + short) * 20
    truth = [i for i in range(40) for _ in (routine if i % 2 == 0 else short)]
    steps = _steps(labels)
    seg = StartEndDiscoverySegmenter().fit(steps)
    assert seg.start_classes_ == ["Open"]
    assert seg.end_classes_ == ["Save"]
    assert seg.root_ == "Open"
    s = evaluate(truth, seg.predict(steps)["case_id"], steps=labels)
    assert s["boundary_f1"] == 1.0 and s["edit_distance"] == 0.0


def test_record_numbers_do_not_split_classes():
    labels = [x for i in range(30) for x in (f"Open 'ID{1000 + i}.xls'", "Copy", "Paste", "Save")]
    seg = StartEndDiscoverySegmenter().fit(_steps(labels))
    assert seg.start_classes_ == ["Open 'ID#.xls'"]


def test_single_type_synthetic_log_and_leno(shared_data):
    steps = routine_steps(100, tasks=("invoice",), seed=0)
    out = StartEndDiscoverySegmenter().fit_predict(steps.drop(columns=["true_case", "true_task"]))
    assert evaluate(steps["true_case"], out["case_id"])["boundary_f1"] == 1.0
    tm = pytest.importorskip("taskmining")
    events = tm.read_events(shared_data / "leno-synthetic" / "log4_segmented.csv", format="leno")
    leno = tm.steps_table(tm.build_steps(events))
    truth = leno.pop("caseID")
    out = StartEndDiscoverySegmenter().fit_predict(leno)
    assert evaluate(truth, out["case_id"], steps=leno["step"])["boundary_f1"] == 1.0


def test_no_loop_gives_one_case_per_session_and_bad_params():
    steps = _steps(["a", "b", "c", "d"])
    seg = StartEndDiscoverySegmenter().fit(steps)
    assert seg.start_classes_ == []
    assert seg.predict(steps)["case_id"].nunique() == 1
    with pytest.raises(ParameterError, match="min_loop_share"):
        StartEndDiscoverySegmenter(min_loop_share=0).fit(steps)
    with pytest.raises(ParameterError, match="min_count"):
        StartEndDiscoverySegmenter(min_count=0).fit(steps)


def test_deterministic_and_ignores_ground_truth():
    steps = routine_steps(60, seed=3)
    a = StartEndDiscoverySegmenter().fit_predict(steps)
    shuffled = steps.assign(true_case=steps["true_case"].sample(frac=1, random_state=0).to_numpy())
    b = StartEndDiscoverySegmenter().fit_predict(shuffled)
    pd.testing.assert_frame_equal(a, b)
