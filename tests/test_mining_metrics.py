"""Task metrics, transfers, fragmentation and automation candidates."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from test_mining_data import TASKS, make_tasks

import taskmining as tm
from taskmining.errors import ParameterError, PrivacyError
from taskmining.mining.metrics import case_table, transfers
from taskmining.privacy.groups import SmallGroupWarning


@pytest.fixture(autouse=True)
def _exact_numbers(monkeypatch):
    """These tests check the computation: without the release noise (tests/test_privacy_noise.py tests it)."""
    monkeypatch.setenv("TASKMINING_RELEASE_EPSILON", "off")


@pytest.fixture(scope="module")
def tasks() -> pd.DataFrame:
    return make_tasks(300, seed=21)


def _ts(*seconds: float) -> list[pd.Timestamp]:
    t0 = pd.Timestamp("2026-01-05 09:00:00", tz="UTC")
    return [t0 + pd.Timedelta(seconds=s) for s in seconds]


def test_case_table_by_hand():
    t = pd.DataFrame({
        "case_id": ["a"] * 6, "step": ["open", "copy", "paste", "type", "open", "save"],
        "app": ["mail", "mail", "erp", "erp", "mail", "erp"],
        "action": ["click", "copy", "paste", "type", "idle", "click"],
        "value": [None, "h:7", "h:7", "[masked]", None, None],
        "timestamp": _ts(0, 5, 10, 100, 110, 130),
    })
    row = case_table(t, idle_threshold=60).iloc[0]
    assert row["duration"] == 130
    assert row["idle_time"] == 90 + 20  # the 90 s gap and the gap after the idle event
    assert row["active_time"] == 20
    assert row["apps"] == 2 and row["app_switches"] == 3
    assert row["typing_events"] == 1
    assert row["transfers"] == 1 and row["cross_app_transfers"] == 1
    assert row["repeated_steps"] == 1
    assert row["task"] == "(all)"


def test_task_metrics_matches_ground_truth(tasks):
    m = tm.task_metrics(tasks)
    assert set(m["task"]) == set(TASKS)
    assert m["cases"].sum() == tasks["case_id"].nunique()
    by_task = m.set_index("task")
    # the address task has no copy/paste, the others one transfer per case (unless the step was skipped)
    assert by_task.loc["address", "transfers_per_case"] == 0
    assert 0.8 < by_task.loc["report", "transfers_per_case"] <= 1.0
    assert by_task.loc["report", "typing_share"] == 0
    assert by_task.loc["address", "typing_share"] > 0.3
    assert by_task.loc["invoice", "top_transfer"] == "outlook:copy number field → sap:paste number field"
    assert by_task.loc["report", "applications"].split(" | ")[0] in ("excel", "word")
    # the simulated "rework" repeats a step right after itself: a loop of one step, not a return to
    # finished work, so it shows in repeated_steps but not in rework (see taskmining.mining.rework)
    assert ((m["repeated_steps_per_case"] > 0) & (m["repeated_steps_per_case"] < 0.4)).all()
    assert (m["rework_share"] == 0).all()
    # handling time by hand
    inv = tasks[tasks["task"] == "invoice"].groupby("case_id")["timestamp"]
    assert by_task.loc["invoice", "handling_time_mean"] == pytest.approx(
        (inv.max() - inv.min()).dt.total_seconds().mean())
    assert m.attrs["suppressed"] == []


def test_task_metrics_suppresses_small_task_types(tasks):
    t = tasks.copy()
    rare = t["case_id"].isin(t.loc[t["user"] == "u00", "case_id"].unique()[:3])
    t.loc[rare, "task"] = "rare"
    with pytest.warns(SmallGroupWarning, match="fewer than 3 distinct users"):
        m = tm.task_metrics(t)
    assert "rare" not in set(m["task"])
    assert m.attrs["suppressed"] == [{"task": "rare"}]
    assert "u00" not in m.attrs["suppressed_note"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert "rare" in set(tm.task_metrics(t, min_group_size=1)["task"])


def test_per_user_is_opt_in(tasks):
    m = tm.task_metrics(tasks, per_user=True)
    assert {"task", "user"} <= set(m.columns)
    assert len(m) == tasks.groupby(["task", "user"]).ngroups
    assert "user" not in tm.task_metrics(tasks).columns


def test_transfers_table(tasks):
    t = transfers(tasks)
    assert set(zip(t["source_app"], t["target_app"])) == {("outlook", "sap"), ("excel", "word")}
    with_copy = tasks.loc[tasks["action"] == "copy", "case_id"].unique()
    assert t["count"].sum() == ((tasks["action"] == "paste") & tasks["case_id"].isin(with_copy)).sum()
    with pytest.warns(SmallGroupWarning):
        assert transfers(tasks, min_group_size=50).empty


def test_transfers_from_the_steps_stage_columns():
    t = pd.DataFrame({"case_id": ["a", "a"], "step": ["copy", "paste"], "app": ["excel", "sap"],
                      "element_name": ["B2", "Amount"], "timestamp": _ts(0, 1), "user": ["u", "u"],
                      "transfer_from": [pd.NA, 0], "transfer_from_app": [None, "excel"],
                      "transfer_from_element": [None, "B2"]})
    out = transfers(t, min_group_size=1)
    assert out.loc[0, ["source_app", "source_field", "target_app", "target_field"]].tolist() == [
        "excel", "B2", "sap", "Amount"]


def test_paste_without_a_copy_in_the_session_stays_unpaired():
    t = pd.DataFrame({"session": ["s1", "s2"], "user": ["u", "u"], "action": ["copy", "paste"],
                      "value": ["h:1", "h:1"], "app": ["a", "b"], "timestamp": _ts(0, 1)})
    assert transfers(t, min_group_size=1).empty


def test_fragmentation_by_hand():
    t = pd.DataFrame({
        "session": ["s"] * 6, "user": ["u"] * 6,
        "case_id": ["a", "a", "b", None, "a", "b"], "step": list("pqrstu"),
        "app": ["mail", "erp", "erp", "chat", "mail", "erp"],
        "timestamp": _ts(0, 10, 20, 30, 50, 1000),
    })
    f = tm.fragmentation(t, min_group_size=1).iloc[0]
    assert f["app_switches"] == 4
    assert f["hours"] == pytest.approx(50 / 3600)  # the 950 s gap is a break
    assert f["interruptions"] == 2  # a (by b, resumed at 50) and b (by a, resumed at 1000)
    assert f["resumption_time_mean"] == pytest.approx(((50 - 10) + (1000 - 20)) / 2)
    assert f["interrupted_share"] == 1.0


def test_fragmentation_groups(tasks):
    f = tm.fragmentation(tasks)
    assert list(f["team"]) == ["team-a", "team-b"]
    assert f["users"].sum() == tasks["user"].nunique()
    mapping = {u: "all-one" for u in tasks["user"].unique()}
    assert list(tm.fragmentation(tasks, team=mapping)["team"]) == ["all-one"]
    assert list(tm.fragmentation(tasks, by=None)["team"]) == ["(all)"]
    per_user = tm.fragmentation(tasks, per_user=True, min_group_size=50)  # opt-in: no suppression
    assert len(per_user) == tasks["user"].nunique() and (per_user["users"] == 1).all()
    assert per_user["app_switches"].sum() == f["app_switches"].sum()
    with pytest.warns(SmallGroupWarning):
        small = tm.fragmentation(tasks, min_group_size=7, min_cell_people=7)  # teams of 6: below the cell
    assert small.empty and len(small.attrs["suppressed"]) == 2
    with pytest.raises(ParameterError, match="by="):
        tm.fragmentation(tasks, by="department")
    with pytest.raises(PrivacyError, match="user"):
        tm.fragmentation(tasks.drop(columns=["user"]))


def test_interleaved_work_has_more_interruptions():
    calm = tm.fragmentation(make_tasks(200, seed=8), by=None)
    busy = tm.fragmentation(make_tasks(200, seed=8, interleave=True), by=None)
    assert calm.loc[0, "interruptions"] == 0
    assert busy.loc[0, "interruptions"] > 10


def test_automation_candidates_rank_and_explain(tasks):
    c = tm.automation_candidates(tasks)
    assert list(c["rank"]) == [1, 2, 3]
    assert c["score"].is_monotonic_decreasing
    comps = ["frequency", "time", "determinism", "structured_input", "applications", "rule_likeness"]
    assert ((c[comps] >= 0) & (c[comps] <= 1)).all().all()
    weights = c.attrs["weights"]
    recomputed = 100 * sum(weights[k] * c[k] for k in comps) / sum(weights.values())
    np.testing.assert_allclose(c["score"], recomputed)
    by_task = c.set_index("task")
    assert by_task.loc["address", "structured_input"] == 0  # all typing, no transfers
    assert by_task.loc["report", "structured_input"] == 1
    # only structured input counts: report (all transfers) ranks first
    only = tm.automation_candidates(tasks, weights={k: 0 for k in comps} | {"structured_input": 1})
    assert only.loc[0, "task"] == "report"
    with pytest.raises(ParameterError, match="unknown component"):
        tm.automation_candidates(tasks, weights={"speed": 1})


def test_a_deterministic_task_scores_full_determinism():
    t = make_tasks(100, seed=9)
    t = t[t["task"] == "report"]
    v = tm.variants(t)
    c = tm.automation_candidates(t)
    n = v["count"].to_numpy()
    p = n / n.sum()
    assert c.loc[0, "determinism"] == pytest.approx(1 + (p * np.log(p)).sum() / np.log(n.sum()))


def _transfer_team(n_users: int, path_users: int) -> pd.DataFrame:
    """``n_users`` people each copy Excel -> SAP once; ``path_users`` of them also copy Outlook -> Word."""
    rows = []
    for u in range(n_users):
        paths = [("excel", "B2", "sap", "Amount")] + ([("outlook", "Subject", "word", "Title")] if u < path_users else [])
        for k, (sa, sf, ta, tf) in enumerate(paths):
            h = f"h:{u}-{k}"
            rows += [{"session": f"s{u}", "user": f"u{u}", "action": "copy", "value": h, "app": sa,
                      "element_name": sf, "timestamp": pd.Timestamp("2026-01-05 09:00", tz="UTC") + pd.Timedelta(
                          minutes=10 * u + 2 * k)},
                     {"session": f"s{u}", "user": f"u{u}", "action": "paste", "value": h, "app": ta,
                      "element_name": tf, "timestamp": pd.Timestamp("2026-01-05 09:01", tz="UTC") + pd.Timedelta(
                          minutes=10 * u + 2 * k)}]
    return pd.DataFrame(rows)


def test_transfers_follow_the_team_release_policy(monkeypatch):
    monkeypatch.setenv("TASKMINING_RELEASE_EPSILON", "off")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        team = transfers(_transfer_team(6, 3))  # a path of 3 of 6 people is a team cell: released
        assert set(team["source_app"]) == {"excel", "outlook"}
        assert team.set_index("source_app").loc["outlook", "users"] == 3
        assert set(transfers(_transfer_team(6, 2))["source_app"]) == {"excel"}  # 2 people: left out
        assert transfers(_transfer_team(4, 4)).empty  # fewer people than a team: no path at all
    assert len(transfers(_transfer_team(4, 4), min_group_size=1)) == 2  # the explicit opt-out


def test_transfers_counts_carry_the_release_noise(monkeypatch):
    monkeypatch.delenv("TASKMINING_RELEASE_EPSILON", raising=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = transfers(_transfer_team(20, 20))
    assert "laplace" in str(a.attrs.get("noise", "")) and len(a) == 2
