"""Finding 13: the k-threshold on every cell and the differencing attack on two passing releases."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from taskmining.errors import PrivacyError
from taskmining.mining.metrics import task_metrics
from taskmining.privacy.groups import group_sizes
from taskmining.privacy.release import ReleaseLedger, threshold_cells, transition_people


def _tasks(n_users: int = 8, seed: int = 3) -> pd.DataFrame:
    """Tasks of ``n_users`` people: several cases of two task types each, with random handling times."""
    rng = np.random.default_rng(seed)
    rows = []
    t0 = pd.Timestamp("2026-01-05 09:00", tz="UTC")
    for u in range(n_users):
        for c in range(int(rng.integers(3, 7))):
            task = "invoice" if c % 2 == 0 else "refund"
            start = t0 + pd.Timedelta(hours=u * 10 + c)
            length = float(rng.integers(30, 600))
            for s, frac in enumerate((0.0, 0.5, 1.0)):
                rows.append({"case_id": f"u{u}-c{c}", "task": task, "step": f"{task}-{s}", "user": f"u-{u:08x}",
                             "timestamp": start + pd.Timedelta(seconds=length * frac)})
    return pd.DataFrame(rows)


def test_differencing_two_passing_releases_recovers_one_person_without_the_ledger(monkeypatch):
    """Why the release noise exists: without it (and without a ledger) the subtraction is exact.

    tests/test_privacy_noise.py runs the same attack on the defaults, where it fails.
    """
    monkeypatch.setenv("TASKMINING_RELEASE_EPSILON", "off")
    tasks = _tasks()
    victim = "u-00000007"
    full = task_metrics(tasks, min_group_size=5).set_index("task")
    rest = task_metrics(tasks[tasks["user"] != victim], min_group_size=5).set_index("task")
    mine = tasks[tasks["user"] == victim].groupby("case_id").agg(task=("task", "first"),
                                                                  t0=("timestamp", "min"), t1=("timestamp", "max"))
    mine["h"] = (mine["t1"] - mine["t0"]).dt.total_seconds()
    for task, grp in mine.groupby("task"):
        cases = full.loc[task, "cases"] - rest.loc[task, "cases"]
        total = full.loc[task, "cases"] * full.loc[task, "handling_time_mean"] \
            - rest.loc[task, "cases"] * rest.loc[task, "handling_time_mean"]
        assert cases == len(grp)  # the attack works on threshold-passing outputs alone ...
        assert total / cases == pytest.approx(grp["h"].mean())


def test_the_ledger_refuses_the_second_release(tmp_path):
    tasks = _tasks()
    ledger = ReleaseLedger(tmp_path / "releases.json", min_group_size=5)
    full = task_metrics(tasks, min_group_size=5)
    ledger.check_and_record(tasks["user"], what="task metrics, team A")
    without = tasks[tasks["user"] != "u-00000007"]
    with pytest.raises(PrivacyError, match="differ from release 1 .* by 1"):
        ledger.check_and_record(without["user"], what="task metrics, team A minus one")
    # ... so the second table is never released: the same cohort again is fine
    ledger.check_and_record(tasks["user"], what="task metrics, team A again")
    assert len(full) == 2
    # a cohort differing by min_group_size people or more may be released
    other = _tasks(n_users=14, seed=4)
    ledger.check_and_record(other["user"], what="task metrics, teams A+B")
    # a new ledger instance reads the same file
    with pytest.raises(PrivacyError):
        ReleaseLedger(tmp_path / "releases.json", min_group_size=5).check(without["user"])


def test_ledger_fails_closed_on_a_damaged_file_and_small_cohorts(tmp_path):
    p = tmp_path / "releases.json"
    p.write_text("{not json")
    with pytest.raises(PrivacyError, match="unreadable"):
        ReleaseLedger(p).check([f"u-{i}" for i in range(9)])
    with pytest.raises(PrivacyError, match="fewer than min_group_size"):
        ReleaseLedger(tmp_path / "new.json").check(["u-1", "u-2"])


def test_every_cell_needs_k_people_and_totals_are_withheld():
    tasks = _tasks()
    # one person's one-off step: a cell of a map or a variant with one person behind it
    extra = tasks.iloc[:1].assign(step="one-off", case_id="u0-c0")
    rows = pd.concat([tasks, extra], ignore_index=True)
    counts = rows.groupby("step").agg(events=("case_id", "size")).reset_index()
    counts["events_total"] = counts["events"].sum()
    out = threshold_cells(counts, "step", users=group_sizes(rows, "step"), min_group_size=5,
                          totals=["events_total"], warn=False)
    assert "one-off" not in out["step"].tolist()
    assert out.attrs["suppressed"] == [{"step": "one-off"}]
    assert out["events_total"].isna().all()  # total minus the others would give the one-off count
    kept = threshold_cells(counts[counts["step"] != "one-off"], "step", users=group_sizes(rows, "step"),
                           min_group_size=5, totals=["events_total"], warn=False)
    assert kept["events_total"].notna().all()
    with pytest.raises(PrivacyError, match="cannot apply"):
        threshold_cells(counts, "step")


def test_graph_edges_of_one_person_are_suppressed():
    tasks = _tasks()
    # one person takes a detour once: an edge of the map that only they produced
    one = tasks[tasks["case_id"] == "u3-c0"].copy()
    detour = one.iloc[[1]].assign(step="detour", timestamp=one["timestamp"].iloc[1] + pd.Timedelta(seconds=1))
    rows = pd.concat([tasks, detour], ignore_index=True)
    people = transition_people(rows, by="task")
    edges = people.drop(columns="users").assign(count=1)
    out = threshold_cells(edges, ["task", "source", "target"], users=people, min_group_size=5, warn=False)
    assert "detour" not in set(out["source"]) | set(out["target"])
    assert len(out.attrs["suppressed"]) == 2  # the edge into the detour and the one out of it
    assert len(out) == len(people) - 2
