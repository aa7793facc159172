"""Finding 13, differencing: two passing releases (with and without one person) no longer give that person away.

The attack of the issue: ``task_metrics`` over a team and over the same team
without one person, both above the threshold; the differences of ``cases``
and of ``cases * handling_time_mean`` per task type are that person's case
count and total handling time. The defaults (release noise, no ledger)
must defeat it; with the noise switched off it must work, so the test
attacks something real.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from test_privacy_release import _tasks

import taskmining as tm
from taskmining.cli import main
from taskmining.errors import ParameterError
from taskmining.mining.metrics import task_metrics
from taskmining.privacy.noise import EPSILON_ENV, perturb_release, release_epsilon


@pytest.fixture(autouse=True)
def _defaults(monkeypatch):
    monkeypatch.delenv(EPSILON_ENV, raising=False)
    monkeypatch.delenv("TASKMINING_RELEASE_LEDGER", raising=False)


def _attack(tasks: pd.DataFrame, victim: str) -> list[tuple[int, float, int, float]]:
    """(recovered cases, recovered mean handling time, true cases, true mean) per task type of the victim."""
    full = task_metrics(tasks).set_index("task")
    rest = task_metrics(tasks[tasks["user"] != victim]).set_index("task")
    mine = tasks[tasks["user"] == victim].groupby("case_id").agg(
        task=("task", "first"), t0=("timestamp", "min"), t1=("timestamp", "max"))
    mine["h"] = (mine["t1"] - mine["t0"]).dt.total_seconds()
    out = []
    for task, grp in mine.groupby("task"):
        cases = int(full.loc[task, "cases"] - rest.loc[task, "cases"])
        total = (full.loc[task, "cases"] * full.loc[task, "handling_time_mean"]
                 - rest.loc[task, "cases"] * rest.loc[task, "handling_time_mean"])
        out.append((cases, total / cases if cases else float("nan"), len(grp), float(grp["h"].mean())))
    return out


def _run_attacks(trials: int = 15) -> tuple[int, int, float, float]:
    """Over ``trials`` teams of 8: exact recoveries, attempts, median relative errors of count and mean."""
    exact = n = 0
    err_c, err_m = [], []
    for seed in range(trials):
        for cases, mean, true_cases, true_mean in _attack(_tasks(seed=seed), "u-00000007"):
            n += 1
            exact += cases == true_cases and abs(mean - true_mean) <= 0.01 * true_mean
            err_c.append(abs(cases - true_cases) / true_cases)
            err_m.append(abs(mean - true_mean) / true_mean if np.isfinite(mean) else np.inf)
    return exact, n, float(np.median(err_c)), float(np.median(err_m))


def test_the_attack_works_without_the_noise(monkeypatch):
    monkeypatch.setenv(EPSILON_ENV, "off")
    exact, n, err_c, err_m = _run_attacks(5)
    assert exact == n == 10 and err_c == 0 and err_m < 1e-9


def test_the_defaults_defeat_the_differencing_attack():
    exact, n, err_c, err_m = _run_attacks()
    assert n == 30
    assert exact == 0  # not one task type of 30 gives the victim's case count and mean away
    # and the subtraction is not even close: typically off by more than the victim's own values
    assert err_c > 0.5 and err_m > 0.5, (err_c, err_m)


def test_a_release_is_stable_and_its_neighbour_draws_fresh_noise():
    tasks = _tasks()
    a, b = task_metrics(tasks), task_metrics(tasks)
    pd.testing.assert_frame_equal(a, b)  # re-running a release does not average the noise away
    assert a.attrs["noise"] == "laplace, epsilon=1, per person's share"
    # one person of another task type removed: every cell of the table gets new noise,
    # so not even "unchanged" reveals whether that person did this task type
    fewer = task_metrics(tasks[tasks["user"] != "u-00000007"]).set_index("task")
    assert (fewer["handling_time_mean"] != a.set_index("task")["handling_time_mean"]).all()


def test_what_the_noise_costs(monkeypatch):
    """Median relative error of team numbers (8 people, 2 task types, 15 teams): about 10 % (docs/privacy.md)."""
    errors = {"cases": [], "handling_time_mean": []}
    for seed in range(15):
        tasks = _tasks(seed=seed)
        noisy = task_metrics(tasks).set_index("task")
        monkeypatch.setenv(EPSILON_ENV, "off")
        exact = task_metrics(tasks).set_index("task")
        monkeypatch.delenv(EPSILON_ENV)
        for col, errs in errors.items():
            errs.extend((abs(noisy[col] - exact[col]) / exact[col]).tolist())
    cost = {col: float(np.median(e)) for col, e in errors.items()}
    assert 0.02 < cost["cases"] < 0.2 and 0.02 < cost["handling_time_mean"] < 0.2, cost


def test_opting_out_gives_exact_numbers(monkeypatch):
    tasks = _tasks()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        one = task_metrics(tasks, min_group_size=1)
        per_user = task_metrics(tasks, per_user=True)
    assert one.attrs["noise"] == "off (min_group_size=1)" and per_user.attrs["noise"].startswith("off")
    monkeypatch.setenv(EPSILON_ENV, "off")
    pd.testing.assert_frame_equal(task_metrics(tasks), one, check_like=True)
    assert one["cases"].sum() == tasks["case_id"].nunique()


def test_epsilon_from_the_environment(monkeypatch):
    tasks = _tasks()
    monkeypatch.setenv(EPSILON_ENV, "4")
    assert task_metrics(tasks).attrs["noise"] == "laplace, epsilon=4, per person's share"
    monkeypatch.setenv(EPSILON_ENV, "lots")
    with pytest.raises(ParameterError, match="positive number or 'off'"):
        task_metrics(tasks)
    assert release_epsilon("off") is None


def test_counts_people_and_structure_stay_plausible():
    t = pd.DataFrame({"variant": [f"v{i}" for i in range(40)], "length": 3, "count": 2, "users": 3,
                      "share": 0.025, "coverage": np.cumsum(np.full(40, 0.025)), "duration_mean": 10.0})
    out = perturb_release(t.copy(), what="variants", min_people=3)
    assert (out["length"] == 3).all() and (out["count"] >= 0).all() and (out["users"] >= 3).all()
    assert out["count"].dtype == t["count"].dtype and (out["duration_mean"] >= 0).all()
    assert ((out["share"] >= 0) & (out["share"] <= 1)).all() and out["coverage"].is_monotonic_increasing


def test_mine_files_cannot_be_differenced(tmp_path):
    """The same attack on ``taskmining mine``'s metrics.csv (the CLI path of the issue)."""
    tasks = _tasks().assign(app="erp", action="click")
    a, b = tmp_path / "all.parquet", tmp_path / "rest.parquet"
    tm.write_events(tasks, a)
    tm.write_events(tasks[tasks["user"] != "u-00000007"], b)
    assert main(["mine", str(a), "-o", str(tmp_path / "a"), "--quiet"]) == 0
    assert main(["mine", str(b), "-o", str(tmp_path / "b"), "--quiet"]) == 0
    full = pd.read_csv(tmp_path / "a" / "metrics.csv").set_index("task")
    rest = pd.read_csv(tmp_path / "b" / "metrics.csv").set_index("task")
    truth = tasks[tasks["user"] == "u-00000007"].groupby("task")["case_id"].nunique()
    recovered = (full["cases"] - rest["cases"]).reindex(truth.index)
    assert (recovered != truth).any(), (recovered.tolist(), truth.tolist())


def test_released_graphs_cannot_be_differenced(monkeypatch):
    """The attack on a released map: the start edges of a task type count its cases, with and without a person."""
    from taskmining.mining.people import release_graph

    def start_counts(t: pd.DataFrame) -> dict[str, int]:
        g = release_graph(tm.transition_graph(t, level="step"), t)
        return {str(b): int(d["count"]) for a, b, d in g.edges(data=True) if str(a).startswith("▶")}

    exact = n = 0
    for seed in range(10):
        tasks = _tasks(seed=seed)
        rest = tasks[tasks["user"] != "u-00000007"]
        mine = tasks[tasks["user"] == "u-00000007"].sort_values("timestamp").groupby("case_id")["step"].first()
        full, without = start_counts(tasks), start_counts(rest)
        for step, true in mine.value_counts().items():
            if step in full and step in without:
                n += 1
                exact += full[step] - without[step] == true
    assert n >= 10 and exact <= 0.2 * n, (exact, n)
    monkeypatch.setenv(EPSILON_ENV, "off")  # the same attack with the noise off recovers every count
    tasks = _tasks(seed=0)
    mine = tasks[tasks["user"] == "u-00000007"].sort_values("timestamp").groupby("case_id")["step"].first()
    full, without = start_counts(tasks), start_counts(tasks[tasks["user"] != "u-00000007"])
    assert all(full[s] - without.get(s, 0) == c for s, c in mine.value_counts().items() if s in full)


def test_a_maps_start_edges_cannot_be_differenced_once_perturbed():
    """A per-task map's start edges count its cases: the graph helper noises them as the tables are."""
    import networkx as nx

    from taskmining.privacy.noise import perturb_graph

    def graph(n_cases: int, users: int) -> nx.DiGraph:
        g = nx.DiGraph()
        g.add_edge("▶ start", "open", count=n_cases, users=users, share=0.5)
        g.add_edge("open", "save", count=n_cases, users=users, share=0.5)
        return g

    diffs = []
    for seed in range(20):
        n = 30 + seed
        a = perturb_graph(graph(n, 8), what="map", min_people=3)
        b = perturb_graph(graph(n - 4, 7), what="map", min_people=3)  # the team without a person of 4 cases
        diffs.append(a.edges["▶ start", "open"]["count"] - b.edges["▶ start", "open"]["count"])
    assert sum(d == 4 for d in diffs) <= 4 and np.std(diffs) > 2
    same = perturb_graph(graph(30, 8), what="map", min_people=3)
    assert same.edges["▶ start", "open"] == perturb_graph(graph(30, 8), what="map", min_people=3).edges["▶ start", "open"]


def test_the_counts_in_a_suppression_note_carry_noise_too(monkeypatch):
    from taskmining.privacy.groups import note_suppressed

    gone = pd.DataFrame({"variants": [12], "cases": [40]})
    out = note_suppressed(pd.DataFrame({"variant": ["a"], "count": [50], "users": [6]}), gone, what="variants",
                          min_group_size=3, warn=False)
    assert out.attrs["suppressed"] != [{"variants": 12, "cases": 40}]
    monkeypatch.setenv(EPSILON_ENV, "off")
    out = note_suppressed(pd.DataFrame({"variant": ["a"], "count": [50], "users": [6]}), gone, what="variants",
                          min_group_size=3, warn=False)
    assert out.attrs["suppressed"] == [{"variants": 12, "cases": 40}]
