"""Our DFG, start/end activities, performance DFG and variants equal pm4py's on the same logs."""

from __future__ import annotations

import importlib.util
import math
import warnings

import pandas as pd
import pytest
from syspart import require
from test_mining_data import make_tasks, to_pm4py_frame

import taskmining as tm
from taskmining.mining.graphs import performance_dfg
from taskmining.mining.levels import resolve_level

pytestmark = pytest.mark.pm4py


@pytest.fixture(scope="module")
def pm4py():
    require(importlib.util.find_spec("pm4py") is not None, "pm4py is not installed")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pm4py as module
    return module


def _hand_made() -> pd.DataFrame:
    t = pd.Timestamp("2026-01-05 09:00:00", tz="UTC")
    rows = [  # case, step, seconds
        ("A", "open", 0), ("A", "edit", 5), ("A", "edit", 9), ("A", "save", 30),
        ("B", "open", 2), ("B", "save", 4),
        ("C", "open", 100), ("C", "edit", 101.5), ("C", "save", 160), ("C", "open", 161), ("C", "save", 170),
        ("D", "save", 300),  # a single-event case
        ("E", "open", 50), ("E", "save", 52),
    ]
    return pd.DataFrame({"case_id": [r[0] for r in rows], "step": [r[1] for r in rows],
                         "timestamp": [t + pd.Timedelta(seconds=r[2]) for r in rows],
                         "user": ["u1"] * len(rows)}).astype({"case_id": "str", "step": "str", "user": "str"})


def _simulated(n_users: int, seed: int, *, one_row_per_step: bool = True) -> pd.DataFrame:
    """tm.simulate's ground truth as a tasks frame (true_case -> case_id, true_step -> step)."""
    ev = tm.simulate(n_users=n_users, n_days=1, seed=seed)
    ev = ev[ev["true_case"].notna() & ev["true_step"].notna()]
    t = ev.rename(columns={"true_case": "case_id", "true_step": "step"})
    t = t.sort_values(["case_id", "timestamp", "event_id"], kind="stable").reset_index(drop=True)
    new = (t["case_id"] != t["case_id"].shift()) | (t["step"] != t["step"].shift())
    t["step_id"] = new.cumsum()
    if one_row_per_step:
        t = t[new.to_numpy()].drop(columns=["step_id"]).reset_index(drop=True)
    return t


LOGS = {
    "hand-made": _hand_made,
    "simulate-3": lambda: _simulated(3, seed=1),
    "simulate-5": lambda: _simulated(5, seed=7),
    "sim-0": lambda: make_tasks(150, seed=0),
    "sim-1": lambda: make_tasks(400, seed=1, n_users=30),
    "sim-interleaved": lambda: make_tasks(300, seed=2, interleave=True),
}


@pytest.fixture(scope="module", params=sorted(LOGS))
def log(request) -> pd.DataFrame:
    return LOGS[request.param]()


def _plain(d: dict) -> dict:
    return {k: int(v) for k, v in d.items()}


def test_dfg_start_end_equal_pm4py(pm4py, log):
    # one row = one step: drop step_id so every row is a step, as in pm4py
    ours = tm.to_pm4py_dfg(log.drop(columns=["step_id"], errors="ignore"), level="step")
    theirs = pm4py.discover_dfg(to_pm4py_frame(log))
    assert _plain(ours[0]) == _plain(theirs[0])
    assert _plain(ours[1]) == _plain(theirs[1])
    assert _plain(ours[2]) == _plain(theirs[2])
    assert sum(ours[1].values()) == log["case_id"].nunique()


def test_performance_dfg_equal_pm4py(pm4py, log):
    ours = performance_dfg(log, level="step", step_id_col=None)
    theirs, start, end = pm4py.discover_performance_dfg(to_pm4py_frame(log))
    assert set(ours) == set(theirs)
    for edge, stats in theirs.items():
        for name in ("mean", "median", "max", "min", "sum", "stdev"):
            a, b = ours[edge][name], float(stats[name])
            if math.isnan(b):
                assert math.isnan(a), (edge, name)
            else:
                assert a == pytest.approx(b, rel=1e-9, abs=1e-9), (edge, name)
    graph = tm.transition_graph(log, "step", step_id_col=None)
    perf, gstart, gend = tm.to_pm4py_dfg(graph, measure="performance")
    assert set(perf) == set(theirs) and _plain(gstart) == _plain(start) and _plain(gend) == _plain(end)


def test_variants_equal_pm4py(pm4py, log):
    ours = tm.variants(log, level="step", step_id_col=None)
    theirs = pm4py.get_variants(to_pm4py_frame(log))
    assert dict(zip(ours["steps"], ours["count"].astype(int))) == {k: int(v) for k, v in theirs.items()}
    assert ours["count"].sum() == log["case_id"].nunique()


@pytest.mark.parametrize("make", [lambda: make_tasks(120, seed=5, events_per_step=3),
                                  lambda: _simulated(3, seed=2, one_row_per_step=False)],
                         ids=["synthetic", "simulate"])
def test_collapsed_steps_equal_pm4py_on_step_rows(pm4py, make):
    """With several events per step, our step rule equals pm4py on a one-row-per-step log."""
    log = make()
    firsts = log.drop_duplicates("step_id", keep="first").set_index("step_id")
    lasts = log.drop_duplicates("step_id", keep="last").set_index("step_id")
    step_rows = firsts.assign(start_timestamp=firsts["timestamp"], timestamp=lasts["timestamp"])
    pm = to_pm4py_frame(step_rows.reset_index())
    pm["start_timestamp"] = step_rows.sort_values(["case_id", "start_timestamp"])["start_timestamp"].to_numpy()
    dfg, start, end = pm4py.discover_dfg(pm)
    assert _plain(tm.to_pm4py_dfg(log, level="step")[0]) == _plain(dfg)
    perf, _, _ = pm4py.discover_performance_dfg(pm)
    ours = performance_dfg(log, level="step")
    for edge, stats in perf.items():
        assert ours[edge]["mean"] == pytest.approx(float(stats["mean"]), rel=1e-9)
        assert ours[edge]["median"] == pytest.approx(float(stats["median"]), rel=1e-9)
    variants = pm4py.get_variants(pm)
    ours_v = tm.variants(log, level="step")
    assert dict(zip(ours_v["steps"], ours_v["count"].astype(int))) == {k: int(v) for k, v in variants.items()}
    assert len(log) > len(pm)  # several events per step were collapsed


def test_default_level_equals_pm4py_on_the_default_export(pm4py):
    """One meaning of the default level: mining at it equals pm4py on the export at it (activities)."""
    log = _simulated(3, seed=2, one_row_per_step=False)
    assert resolve_level(None, log) == "activity"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        export = tm.to_pm4py(log, min_group_size=None)  # the released export, every case (opted out)
    dfg, start, end = pm4py.discover_dfg(export)
    ours = tm.to_pm4py_dfg(log)
    assert (_plain(ours[0]), _plain(ours[1]), _plain(ours[2])) == (_plain(dfg), _plain(start), _plain(end))
    perf, _, _ = pm4py.discover_performance_dfg(export)
    mine = performance_dfg(log)
    assert set(mine) == set(perf)
    for edge, stats in perf.items():
        assert mine[edge]["mean"] == pytest.approx(float(stats["mean"]), rel=1e-9)
    unfolded = tm.variants(log, fold=False)  # pm4py does not fold loops
    assert dict(zip(unfolded["steps"], unfolded["count"].astype(int))) == \
        {k: int(v) for k, v in pm4py.get_variants(export).items()}
    assert len(tm.variants(log)) <= len(unfolded) < len(tm.variants(log, level="step"))
