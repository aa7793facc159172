"""to_pm4py: column mapping, step aggregation, unassigned rows, bad input, pm4py discovery."""

from __future__ import annotations

import warnings
from itertools import pairwise

import numpy as np
import pandas as pd
import pytest
from syspart import require_pm4py

from taskmining.errors import ExportError, ParameterError, SchemaError, TaskminingError
from taskmining.export import UnassignedRowsWarning
# the converter itself (no team-level threshold: these tests check the format on 4 people)
from taskmining.export.pm4py_frame import to_pm4py
from taskmining.schema import STRING_DTYPE

VARIANTS = {
    "invoice": [["Open mail", "Copy invoice number", "Open ERP", "Paste invoice number", "Save"],
                ["Open mail", "Copy invoice number", "Paste invoice number", "Save"]],
    "order": [["Open ERP", "Search order", "Edit order", "Save"]],
}
APPS = {"Open mail": "outlook", "Copy invoice number": "outlook", "Open ERP": "sap",
        "Paste invoice number": "sap", "Save": "sap", "Search order": "sap", "Edit order": "sap"}


def make_tasks(n_cases: int = 12, *, seed: int = 0, unassigned: int = 0) -> pd.DataFrame:
    """A small tasks frame with known cases: 1-3 events per step, business keys in titles."""
    rng = np.random.default_rng(seed)
    rows = []
    t0 = pd.Timestamp("2026-01-05 08:00", tz="UTC")
    step_id = 0
    for c in range(n_cases):
        task = "invoice" if c % 3 != 2 else "order"
        variant = VARIANTS[task][c % len(VARIANTS[task])]
        user = f"u{c % 4}"
        t = t0 + pd.Timedelta(minutes=10 * c)
        key = f"INV-{1000 + c}" if task == "invoice" else f"PO-{5000 + c}"
        for step in variant:
            for _ in range(int(rng.integers(1, 4))):
                t = t + pd.Timedelta(seconds=int(rng.integers(1, 5)))
                rows.append({"timestamp": t, "user": user, "session": f"s-{user}",
                             "app": APPS[step], "window": f"{key} - {APPS[step]}",
                             "action": "click", "element_name": step.split()[0],
                             "value": None, "step_id": step_id, "step": step,
                             "case_id": f"c{c:03d}", "task": task})
            step_id += 1
    for i in range(unassigned):
        rows.append({"timestamp": t0 + pd.Timedelta(minutes=10 * i, seconds=7), "user": "u0",
                     "session": "s-u0", "app": "chrome", "window": "News", "action": "idle",
                     "element_name": None, "value": None, "step_id": step_id + i,
                     "step": "Idle", "case_id": None, "task": None})
    frame = pd.DataFrame(rows)
    frame.insert(0, "event_id", np.arange(len(frame), dtype="int64"))
    for col in ("user", "session", "window", "element_name", "value", "step", "case_id", "task"):
        frame[col] = frame[col].astype(STRING_DTYPE)  # missing stays missing on pandas 2.3 too (astype("str") -> "None")
    frame["app"] = frame["app"].astype("category")
    frame["action"] = frame["action"].astype("category")
    return frame.sort_values(["session", "timestamp", "event_id"]).reset_index(drop=True)


def expected_dfg(log: pd.DataFrame) -> dict[tuple[str, str], int]:
    dfg: dict[tuple[str, str], int] = {}
    for _, g in log.groupby("case:concept:name", sort=False):
        acts = list(g.sort_values(["time:timestamp", "start_timestamp"])["concept:name"])
        for a, b in pairwise(acts):
            dfg[(a, b)] = dfg.get((a, b), 0) + 1
    return dfg


def test_step_level_mapping():
    tasks = make_tasks(6)
    log = to_pm4py(tasks)
    assert list(log.columns[:6]) == ["case:concept:name", "concept:name", "time:timestamp",
                                     "start_timestamp", "org:resource", "case:task"]
    assert len(log) == tasks["step_id"].nunique()
    assert str(log["time:timestamp"].dtype) == "datetime64[ns, UTC]"
    assert log["case:concept:name"].dtype == "str" and log["concept:name"].dtype == "str"
    assert (log["start_timestamp"] <= log["time:timestamp"]).all()
    assert int(log["n_events"].sum()) == len(tasks)
    # one step: first and last event times, first event's attributes
    step = tasks[tasks["step_id"] == 0]
    row = log[log["step_id"] == 0].iloc[0]
    assert row["start_timestamp"] == step["timestamp"].min()
    assert row["time:timestamp"] == step["timestamp"].max()
    assert row["duration"] == (step["timestamp"].max() - step["timestamp"].min()).total_seconds()
    assert row["org:resource"] == step["user"].iloc[0] and row["app"] == step["app"].iloc[0]
    assert set(log.loc[log["case:concept:name"] == "c002", "case:task"]) == {"order"}
    # sorted by case then time; the caller's frame is untouched
    assert log["case:concept:name"].is_monotonic_increasing
    for _, g in log.groupby("case:concept:name"):
        assert g["time:timestamp"].is_monotonic_increasing
    assert "value" not in log.columns
    pd.testing.assert_frame_equal(tasks, make_tasks(6))


def test_event_level_and_custom_columns():
    tasks = make_tasks(4)
    log = to_pm4py(tasks, level="event", attributes=["app", "value"])
    assert len(log) == len(tasks)
    assert (log["start_timestamp"] == log["time:timestamp"]).all()
    assert "event_id" in log.columns and "value" in log.columns and "window" not in log.columns
    gt = tasks.rename(columns={"case_id": "true_case", "step": "true_step"}).drop(columns="step_id")
    log2 = to_pm4py(gt, case_col="true_case", activity_col="true_step", task_col=None)
    assert len(log2) == len(tasks) and "case:task" not in log2.columns
    assert sorted(log2["concept:name"]) == sorted(tasks["step"])


def test_unassigned_rows_warn_with_count_or_raise():
    tasks = make_tasks(3, unassigned=4)
    with pytest.warns(UnassignedRowsWarning, match="4 of .* rows have no case_id"):
        log = to_pm4py(tasks)
    assert "Idle" not in set(log["concept:name"])
    with pytest.raises(ExportError, match="4 of"):
        to_pm4py(tasks, unassigned="raise")
    with pytest.raises(ParameterError, match="unassigned='keep'"):
        to_pm4py(tasks, unassigned="keep")  # type: ignore[arg-type]


@pytest.mark.parametrize("drop,match", [("case_id", "column 'case_id' is missing.*segment"),
                                         ("step", "column 'step' is missing.*build_steps"),
                                         ("timestamp", "column 'timestamp' is missing")])
def test_missing_columns_are_named(drop, match):
    with pytest.raises(SchemaError, match=match):
        to_pm4py(make_tasks(2).drop(columns=drop))


def test_empty_nat_naive_and_missing_labels():
    tasks = make_tasks(2)
    with pytest.raises(ExportError, match="empty"):
        to_pm4py(tasks.iloc[:0])
    only_idle = make_tasks(0, unassigned=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnassignedRowsWarning)
        with pytest.raises(ExportError, match="empty .*with a case_id"):
            to_pm4py(only_idle)
    nat = tasks.copy()
    nat.loc[3, "timestamp"] = pd.NaT
    with pytest.raises(SchemaError, match=r"'timestamp': missing times \(NaT\) in rows 3"):
        to_pm4py(nat)
    naive = tasks.assign(timestamp=tasks["timestamp"].dt.tz_localize(None))
    with pytest.raises(SchemaError, match="tz="):
        to_pm4py(naive)
    assert len(to_pm4py(naive, tz="Europe/Berlin")) == len(to_pm4py(tasks))
    nolabel = tasks.copy()
    nolabel.loc[1, "step"] = None
    with pytest.raises(SchemaError, match="missing activity labels in rows 1"):
        to_pm4py(nolabel)
    with pytest.raises(TaskminingError, match="expected a pandas DataFrame"):
        to_pm4py([1, 2])  # type: ignore[arg-type]


def test_single_event_cases():
    tasks = make_tasks(3).groupby("case_id").head(1)
    log = to_pm4py(tasks)
    assert len(log) == 3 and (log["duration"] == 0).all()


def test_pm4py_discovers_expected_dfg():
    pm4py = _pm4py()
    log = to_pm4py(make_tasks(12))
    dfg, start, end = pm4py.discover_dfg(log)
    assert dict(dfg) == expected_dfg(log)
    assert set(start) == {"Open mail", "Open ERP"} and set(end) == {"Save"}
    net, _im, _fm = pm4py.discover_petri_net_inductive(log)
    assert {t.label for t in net.transitions if t.label} == set(log["concept:name"])
    variants = pm4py.get_variants(log)
    assert sum(variants.values()) == log["case:concept:name"].nunique()


def _pm4py():
    return require_pm4py()
