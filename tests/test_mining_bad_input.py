"""Bad input: clear MiningError messages that name what is missing."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import taskmining as tm
from taskmining.errors import MiningError, TaskminingError
from taskmining.mining.graphs import performance_dfg

FUNCTIONS = {
    "variants": tm.variants,
    "transition_graph": tm.transition_graph,
    "to_pm4py_dfg": tm.to_pm4py_dfg,
    "performance_dfg": performance_dfg,
    "task_metrics": lambda t: tm.task_metrics(t, min_group_size=1),
    "automation_candidates": lambda t: tm.automation_candidates(t, min_group_size=1),
}


def _frame(n: int = 4) -> pd.DataFrame:
    return pd.DataFrame({
        "case_id": ["a", "a", "b", "b"][:n], "step": ["x", "y", "x", "z"][:n], "user": ["u"] * n,
        "timestamp": pd.to_datetime([f"2026-01-05 09:00:0{i}" for i in range(n)], utc=True),
    })


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
@pytest.mark.parametrize("column", ["case_id", "step", "timestamp"])
def test_missing_column_is_named(name, column):
    with pytest.raises(MiningError, match=f"column '{column}' is missing"):
        FUNCTIONS[name](_frame().drop(columns=[column]))


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_empty_log(name):
    with pytest.raises(MiningError, match="empty"):
        FUNCTIONS[name](_frame().iloc[:0])


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_no_row_has_a_case(name):
    t = _frame()
    t["case_id"] = pd.Series([None] * 4, dtype="str")
    with pytest.raises(MiningError, match="no cases"):
        FUNCTIONS[name](t)


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_nat_timestamps_are_named_with_rows(name):
    t = _frame()
    t.loc[2, "timestamp"] = pd.NaT
    with pytest.raises(MiningError, match=r"missing times \(NaT\) in rows 2"):
        FUNCTIONS[name](t)


def test_missing_step_labels_in_cases():
    t = _frame()
    t["step"] = t["step"].astype(object)
    t.loc[1, "step"] = None
    with pytest.raises(MiningError, match="'step' is missing in rows 1"):
        tm.variants(t)


def test_string_timestamps_ask_for_validation():
    t = _frame().assign(timestamp=lambda d: d["timestamp"].astype(str))
    with pytest.raises(MiningError, match="validate_events"):
        tm.variants(t)


def test_not_a_dataframe():
    with pytest.raises(MiningError, match="DataFrame"):
        tm.variants([1, 2, 3])


def test_single_event_cases_work():
    t = pd.DataFrame({"case_id": ["a", "b", "c"], "step": ["x", "x", "y"], "user": ["u1", "u2", "u3"],
                      "timestamp": pd.to_datetime(["2026-01-05 09:00:00"] * 3, utc=True)})
    v = tm.variants(t)
    assert dict(zip(v["variant"], v["count"])) == {"x": 2, "y": 1}
    assert (v["duration_mean"] == 0).all()
    dfg, start, end = tm.to_pm4py_dfg(t)
    assert dfg == {} and start == {"x": 2, "y": 1} == end
    g = tm.transition_graph(t)
    assert np.isnan(tm.fragmentation(t, min_group_size=1).loc[0, "resumption_time_mean"])
    assert g.number_of_edges() == 4
    assert tm.task_metrics(t, min_group_size=1).loc[0, "handling_time_mean"] == 0
    assert tm.automation_candidates(t, min_group_size=1).loc[0, "determinism"] == pytest.approx(
        1 - (-(2 / 3 * np.log(2 / 3) + 1 / 3 * np.log(1 / 3))) / np.log(3))


def test_errors_are_taskmining_errors():
    assert issubclass(MiningError, TaskminingError)
    with pytest.raises(MiningError, match="level='app' needs column 'app'"):
        tm.transition_graph(_frame(), level="app")
