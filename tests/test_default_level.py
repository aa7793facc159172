"""One default level everywhere: activities on a frame with UI structure, steps on one without."""

from __future__ import annotations

import inspect
import warnings

import pandas as pd
import pytest
from test_mining_data import make_tasks

import taskmining as tm
from taskmining.batch.graphs import transition_graph_partitions
from taskmining.cli.commands.mine import mine_file
from taskmining.mining.families import variant_families
from taskmining.mining.graphs import performance_dfg
from taskmining.mining.levels import DEFAULT_LEVEL, resolve_level

ui = make_tasks(80, seed=3)
plain = ui[["case_id", "step", "step_id", "timestamp", "user", "task"]]


def _quiet(fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


TABLES = {
    "variants": lambda t, **kw: tm.variants(t, **kw)[["variant", "count"]],
    "variant_families": lambda t, **kw: variant_families(t, **kw)[["representative", "count"]],
    "task_metrics": lambda t, **kw: tm.task_metrics(t, min_group_size=1, **kw),
    "automation_candidates": lambda t, **kw: tm.automation_candidates(t, min_group_size=1, **kw),
    "to_pm4py": lambda t, **kw: tm.to_pm4py(t, min_group_size=None, **kw),
    "to_pm4py_dfg": lambda t, **kw: pd.Series(tm.to_pm4py_dfg(t, **kw)[0]),
    "performance_dfg": lambda t, **kw: pd.DataFrame(performance_dfg(t, **kw)),
}


def test_every_entry_point_defaults_to_none() -> None:
    for fn in (tm.variants, tm.variant_cases, variant_families, tm.transition_graph, tm.task_metrics,
               tm.automation_candidates, tm.report, performance_dfg, mine_file, transition_graph_partitions):
        assert inspect.signature(fn).parameters["level"].default is None, fn.__name__
    from taskmining.export.pm4py_frame import to_pm4py
    from taskmining.export.xes import write_xes

    assert inspect.signature(to_pm4py).parameters["level"].default is None  # the released ones pass level on
    assert inspect.signature(write_xes).parameters["level"].default is None
    assert DEFAULT_LEVEL == "activity"


@pytest.mark.parametrize("name", sorted(TABLES))
def test_default_is_activity_with_ui_structure_and_step_without(name: str) -> None:
    make = TABLES[name]
    pd.testing.assert_frame_equal(pd.DataFrame(_quiet(make, ui)), pd.DataFrame(_quiet(make, ui, level="activity")))
    pd.testing.assert_frame_equal(pd.DataFrame(_quiet(make, plain)), pd.DataFrame(_quiet(make, plain, level="step")))
    assert resolve_level(None, ui) == "activity" and resolve_level(None, plain) == "step"


def test_graph_and_xes_default(tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert tm.transition_graph(ui).graph["level"] == "activity"
    assert tm.transition_graph(plain).graph["level"] == "step"
    a = _quiet(tm.write_xes, ui, tmp_path / "a.xes", min_group_size=None, log_name="x").read_bytes()
    b = _quiet(tm.write_xes, ui, tmp_path / "b.xes", min_group_size=None, log_name="x", level="activity").read_bytes()
    assert a == b


def test_prebuilt_activities_are_used_as_they_are() -> None:
    built = tm.mining.activities.build_activities(ui)
    assert resolve_level(None, built.drop(columns=[c for c in ("app", "window", "url") if c in built])) == "activity"
    pd.testing.assert_frame_equal(tm.variants(built), tm.variants(ui))


def test_ocel_link_and_cli_export_take_the_one_default(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    from taskmining.cli.commands.export import register
    from taskmining.export.link import link_to_process
    from taskmining.export.ocel import write_ocel

    assert inspect.signature(write_ocel).parameters["level"].default is None
    assert inspect.signature(link_to_process).parameters["level"].default is None
    # OCEL: one event per activity by default on a frame with UI structure, per step without
    a = _quiet(tm.write_ocel, ui, tmp_path / "a.json", min_group_size=None)
    b = _quiet(tm.write_ocel, ui, tmp_path / "b.json", min_group_size=None, level="activity")
    s = _quiet(tm.write_ocel, ui, tmp_path / "s.json", min_group_size=None, level="step")
    assert a.read_text() == b.read_text() != s.read_text()
    from taskmining.abstraction.activities import build_activities

    acts = set(build_activities(ui)["activity"].dropna())
    assert {e["type"] for e in json.loads(a.read_text())["events"]} <= acts
    p = _quiet(tm.write_ocel, plain, tmp_path / "p.json", min_group_size=None)
    q = _quiet(tm.write_ocel, plain, tmp_path / "q.json", min_group_size=None, level="step")
    assert p.read_text() == q.read_text()
    # the joint log: desktop rows at the default level
    process = pd.DataFrame({"case:concept:name": ["x"], "concept:name": ["Create"],
                            "time:timestamp": pd.to_datetime(["2026-01-05"], utc=True)})
    joint = _quiet(link_to_process, ui, process, process_key="case:concept:name", min_group_size=None)
    stepped = _quiet(link_to_process, ui, process, process_key="case:concept:name", min_group_size=None,
                     level="step")
    pd.testing.assert_frame_equal(joint.links, stepped.links)
    with pytest.raises(tm.errors.ParameterError, match="level"):
        _quiet(link_to_process, ui, process, process_key="case:concept:name", min_group_size=None, level="app")
    # the CLI's --level: None by default, resolved like the library's
    import argparse

    parser = argparse.ArgumentParser()
    register(parser.add_subparsers())
    args = parser.parse_args(["export", "in.csv", "--to", "xes", "-o", "out.xes"])
    assert args.level is None
    assert parser.parse_args(["export", "in.csv", "--to", "xes", "-o", "o.xes", "--level", "activity"]).level == "activity"
