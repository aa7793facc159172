"""compare(): two groups side by side, aligned to the reference group's dominant variant."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from test_mining_data import make_tasks

import taskmining as tm
from taskmining.errors import ParameterError, PrivacyError
from taskmining.mining.compare import align
from taskmining.mining.results import Comparison


@pytest.fixture(autouse=True)
def _exact_numbers(monkeypatch):
    """The alignment tests check the computation: without the release noise (tested at the end)."""
    monkeypatch.setenv("TASKMINING_RELEASE_EPSILON", "off")
    monkeypatch.delenv("TASKMINING_RELEASE_LEDGER", raising=False)


@pytest.fixture(scope="module")
def tasks() -> pd.DataFrame:
    return make_tasks(400, seed=31, slow_team="team-b")


@pytest.mark.parametrize(("seq", "ref", "inserted", "skipped"), [
    ("abc", "abc", "", ""),
    ("axbc", "abc", "x", ""),
    ("ac", "abc", "", "b"),
    ("aqc", "abc", "q", "b"),
    ("abbc", "abc", "b", ""),
    ("", "ab", "", "ab"),
    ("xy", "", "xy", ""),
])
def test_align(seq, ref, inserted, skipped):
    ins, skp = align(list(seq), list(ref))
    assert "".join(ins) == inserted and "".join(skp) == skipped


def test_slow_team_loses_time_everywhere(tasks):
    cmp = tm.compare(tasks, by="team", groups=("team-a", "team-b"))
    assert isinstance(cmp, Comparison)
    summary = cmp.summary.set_index("group")
    assert summary.loc["team-b", "duration_mean"] > 2 * summary.loc["team-a", "duration_mean"]
    assert summary["cases"].sum() == tasks["case_id"].nunique()
    lost = cmp.where_time_is_lost()
    assert len(lost) >= 5 and (lost["extra_time_per_case"] > 0).all()
    assert lost["extra_time_per_case"].is_monotonic_decreasing
    # time per case of a step = occurrences per case x mean time per step
    row = cmp.steps.iloc[0]
    assert row["time_per_case_team-b"] == pytest.approx(row["per_case_team-b"] * row["mean_time_team-b"])
    text = repr(cmp)
    assert "team-b" in text and "where time is lost" in text
    assert "<h4>" in cmp._repr_html_()


def test_detours_against_the_reference_variant(tasks):
    cmp = tm.compare(tasks, by="team", groups=("team-a", "team-b"))
    ref_cases = tasks[tasks["team"] == "team-a"]
    follows = 0
    for task, path in cmp.reference_variants.items():
        v = tm.variants(ref_cases[ref_cases["task"] == task])
        assert path == v.loc[0, "steps"]
        follows += v.loc[0, "count"]
    assert set(cmp.reference_variants) == {"invoice", "address", "report"}
    assert cmp.reference_variant in cmp.reference_variants.values()
    # the generator's detour is a 'search' step: inserted, never skipped
    det = cmp.detours.set_index("step")
    assert det.loc["search", "inserted_per_case_team-a"] > 0
    assert det.loc["search", "skipped_per_case_team-a"] == 0
    s = cmp.summary.set_index("group")
    assert s.loc["team-a", "follows_reference"] == pytest.approx(follows / s.loc["team-a", "cases"])
    # every case is in a variant of the comparison, but variants of fewer than 3 people are left out
    every = tm.compare(tasks, by="team", groups=("team-a", "team-b"), min_group_size=1).variants
    assert every["count_team-a"].sum() + every["count_team-b"].sum() == tasks["case_id"].nunique()
    kept = set(cmp.variants["variant"])
    assert kept < set(every["variant"]) and cmp.notes["suppressed_variants"] == len(every) - len(kept)
    assert cmp.variants["is_reference"].sum() == 3
    # one reference path for the whole log when task types are ignored
    single = tm.compare(tasks, by="team", groups=("team-a", "team-b"), task_col=None)
    assert list(single.reference_variants) == ["(all)"]
    assert single.summary["extra_steps_per_case"].min() > s["extra_steps_per_case"].max()


def test_reference_against_the_rest(tasks):
    t = tasks.assign(cohort=tasks["user"].map(lambda u: "new" if u in {"u00", "u01", "u02", "u03", "u04"}
                                               else ("mid" if u in {"u05", "u06"} else "old")))
    cmp = tm.compare(t, by="cohort", reference="new", min_group_size=5)
    assert cmp.groups == ("new", "(others)")
    with pytest.raises(ParameterError, match="3 values"):
        tm.compare(t, by="cohort")


def test_small_groups_are_refused(tasks):
    t = tasks.assign(cohort=(tasks["user"] == "u00").map({True: "new", False: "old"}))
    with pytest.raises(PrivacyError, match="cohort='new' has fewer than 5 distinct users"):
        tm.compare(t, by="cohort", groups=("old", "new"))
    assert tm.compare(t, by="cohort", groups=("old", "new"), min_group_size=1).summary["cases"].min() > 0


def test_bad_parameters(tasks):
    with pytest.raises(ParameterError, match="not a column"):
        tm.compare(tasks, by="department")
    with pytest.raises(ParameterError, match="has no cases"):
        tm.compare(tasks, by="team", groups=("team-a", "team-z"))
    with pytest.raises(ParameterError, match="not both"):
        tm.compare(tasks, by="team", groups=("team-a", "team-b"), reference="team-a")


def test_a_comparison_is_a_team_output(monkeypatch, tmp_path):
    """Issue 15, finding 13: compare goes through the release policy (cell threshold, noise, ledger)."""
    import sys

    sys.path.insert(0, str(__import__("pathlib").Path(__file__).parent))
    from test_release_outputs import ODD, team_log

    from taskmining.privacy.release import ReleaseLedger

    log = team_log([f"a{i}" for i in range(5)] + [f"b{i}" for i in range(5)], routine_users=10, odd_user="b4")
    log["cohort"] = log["user"].str[0]
    cmp = tm.compare(log, by="cohort", groups=("a", "b"))
    assert ODD not in set(cmp.steps["step"]) and ODD not in set(cmp.detours["step"])
    assert not cmp.variants["variant"].str.contains(ODD).any()
    assert cmp.notes["suppressed_steps"] == 1 and cmp.notes["suppressed_variants"] == 1
    exact = tm.compare(log, by="cohort", groups=("a", "b"), min_group_size=1)
    assert ODD in set(exact.steps["step"])  # the opt-out shows it
    monkeypatch.delenv("TASKMINING_RELEASE_EPSILON")
    noisy = tm.compare(log, by="cohort", groups=("a", "b"))
    assert noisy.summary.attrs["noise"].startswith("laplace")
    assert not np.allclose(noisy.summary["duration_mean"], cmp.summary["duration_mean"])
    pd.testing.assert_frame_equal(noisy.steps, tm.compare(log, by="cohort", groups=("a", "b")).steps)  # stable
    led = ReleaseLedger(tmp_path / "releases.json")
    tm.compare(log, by="cohort", groups=("a", "b"), ledger=led)
    bigger = team_log([f"a{i}" for i in range(6)] + [f"b{i}" for i in range(5)], routine_users=11, odd_user=None)
    bigger["cohort"] = bigger["user"].str[0]
    with pytest.raises(PrivacyError, match="differ from release 1"):
        tm.compare(bigger, by="cohort", groups=("a", "b"), ledger=led)
