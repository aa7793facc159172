"""``level`` has one meaning everywhere: the unit one activity of a result stands for."""
from __future__ import annotations

import pytest

import taskmining as tm
from taskmining.errors import ParameterError
from taskmining.schema import LEVELS


@pytest.fixture(scope="module")
def tasks():
    return tm.segment(tm.simulate(n_users=2, n_days=1, seed=3, hours=1.0), method="idle_gap")


def test_levels_are_one_vocabulary() -> None:
    assert LEVELS == ("event", "step", "activity", "app")


@pytest.mark.parametrize("call", [
    lambda t: tm.transition_graph(t, level="role"),
    lambda t: tm.to_pm4py(t, level="role"),
])
def test_a_step_detail_passed_as_level_is_refused_with_a_pointer_to_detail(tasks, call) -> None:
    with pytest.raises(ParameterError, match=r"level='role' is not one of .*build_steps\(detail=\.\.\.\)"):
        call(tasks)


def test_each_function_refuses_the_levels_it_cannot_produce(tasks) -> None:
    with pytest.raises(ParameterError, match="transition_graph: level='event'"):
        tm.transition_graph(tasks, level="event")
    with pytest.raises(ParameterError, match="to_pm4py: level='app'"):
        tm.to_pm4py(tasks, level="app")


def test_level_and_detail_are_independent(tasks) -> None:
    fine = tm.segment(tm.simulate(n_users=2, n_days=1, seed=3, hours=1.0), method="idle_gap",
                      step_options={"detail": "role"})
    assert fine["case_id"].notna().mean() > 0.9
    app = tm.transition_graph(fine, level="app")
    step = tm.transition_graph(fine, level="step")
    assert app.graph["level"] == "app" and step.graph["level"] == "step"
    assert app.number_of_nodes() < step.number_of_nodes()
