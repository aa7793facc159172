"""Built-in simple segmenters: idle_gap, delimiter, supervised_boundaries."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from taskmining.errors import ParameterError
from taskmining.segmentation.delimiter import DelimiterSegmenter
from taskmining.segmentation.idle_gap import IdleGapSegmenter
from taskmining.segmentation.supervised import (
    SupervisedBoundarySegmenter,
    boundary_labels,
)
from taskmining.testing import make_steps

T0 = pd.Timestamp("2026-01-05 09:00", tz="UTC")


def table(labels: list[str], minutes: list[float], sessions: list[str] | None = None,
          actions: list[str] | None = None) -> pd.DataFrame:
    start = T0 + pd.to_timedelta(minutes, unit="min")
    return pd.DataFrame({"session": sessions or ["s"] * len(labels), "step": labels, "start": start, "end": start,
                         "action": actions or ["click"] * len(labels), "step_id": range(len(labels))})


def boundary_f1(true: np.ndarray, pred: np.ndarray, session: pd.Series) -> float:
    t = boundary_labels(session, pd.Series(true)).astype(bool)
    p = boundary_labels(session, pd.Series(pred)).astype(bool)
    tp = (t & p).sum()
    return 2 * tp / (t.sum() + p.sum())


# -- idle_gap ------------------------------------------------------------------
def test_idle_gap_cuts_at_long_pauses_and_sessions() -> None:
    steps = table(list("ABCDE"), [0, 1, 10, 11, 12], sessions=["s", "s", "s", "s", "t"])
    assert IdleGapSegmenter(gap="5min").fit_predict(steps)["case_id"].tolist() == ["s-1", "s-1", "s-2", "s-2", "t-1"]
    assert IdleGapSegmenter(gap=60 * 20).fit_predict(steps)["case_id"].tolist() == ["s-1"] * 4 + ["t-1"]


def test_idle_gap_measures_from_step_end_and_skips_idle_steps() -> None:
    steps = table(list("ABCD"), [0, 10, 11, 12], actions=["click", "click", "idle", "click"])
    steps.loc[0, "end"] = T0 + pd.Timedelta(minutes=8)  # a long step: the pause before B is 2 min
    out = IdleGapSegmenter(gap="5min").fit_predict(steps)["case_id"]
    assert out.iloc[:2].tolist() == ["s-1", "s-1"]
    assert pd.isna(out.iloc[2]) and out.iloc[3] == "s-2"


@pytest.mark.parametrize("gap", ["soon", -5, 0, True, None])
def test_idle_gap_bad_gap(gap: object) -> None:
    with pytest.raises(ParameterError, match="gap="):
        IdleGapSegmenter(gap=gap).fit_predict(table(["A"], [0]))


# -- delimiter -----------------------------------------------------------------
LABELS = ["Log in", "New", "Type", "Submit", "Scroll", "New", "Type", "Submit"]


def test_delimiter_start_only() -> None:
    out = DelimiterSegmenter(start="^New", end=None).fit_predict(table(LABELS, list(range(8))))["case_id"]
    assert pd.isna(out.iloc[0])
    assert out.iloc[1:].tolist() == ["s-1"] * 4 + ["s-2"] * 3


def test_delimiter_end_only_keeps_every_step_in_a_case() -> None:
    out = DelimiterSegmenter(end="^Submit").fit_predict(table(LABELS, list(range(8))))["case_id"]
    assert out.tolist() == ["s-1"] * 4 + ["s-2"] * 4


def test_delimiter_default_cuts_after_completion_steps() -> None:
    out = DelimiterSegmenter().fit_predict(table(LABELS, list(range(8))))["case_id"]
    assert out.tolist() == ["s-1"] * 4 + ["s-2"] * 4


def test_delimiter_start_and_end_leave_gaps_outside() -> None:
    out = DelimiterSegmenter(start="^New", end="^Submit").fit_predict(table(LABELS, list(range(8))))["case_id"]
    assert out.isna().tolist() == [True, False, False, False, True, False, False, False]
    assert out.dropna().unique().tolist() == ["s-1", "s-2"]


def test_delimiter_on_element_names_ignoring_case_and_sessions() -> None:
    steps = table(LABELS, list(range(8)), sessions=["a"] * 6 + ["b"] * 2)
    steps["element_name"] = [x.upper() for x in LABELS]
    out = DelimiterSegmenter(start="new", end=None, field="element_name", ignore_case=True).fit_predict(steps)["case_id"]
    assert out.tolist()[1:6] == ["a-1"] * 4 + ["a-2"]
    # session b has no start step: its steps belong to no case
    assert out.isna().tolist() == [True] + [False] * 5 + [True] * 2


# -- supervised_boundaries -----------------------------------------------------
def hard(seed: int, n_sessions: int = 3, n_cases: int = 25) -> tuple[pd.DataFrame, pd.Series]:
    """Steps of repeated routines whose pauses say nothing about boundaries."""
    steps, y = make_steps(n_sessions=n_sessions, n_cases=n_cases, seed=seed)
    rng = np.random.default_rng(seed)
    out = steps.drop(columns=["true_case", "true_task"]).copy()
    for s, idx in out.groupby("session").groups.items():
        t = T0 + pd.to_timedelta(np.cumsum(rng.uniform(1, 10, len(idx))), unit="s")
        out.loc[idx, "start"] = t
        out.loc[idx, "end"] = t
    return out, y


def test_supervised_learns_boundaries_from_one_recording_and_applies_to_another() -> None:
    train, y_train = hard(seed=1)
    test, y_test = hard(seed=2)
    seg = SupervisedBoundarySegmenter(random_state=0).fit(train, y_train)
    pred = seg.predict(test)["case_id"].to_numpy(dtype=object)
    f1 = boundary_f1(y_test.to_numpy(dtype=object), pred, test["session"])
    assert f1 >= 0.95, f"boundary F1 {f1:.3f}"
    # the idle-gap baseline cannot do this: the pauses carry no signal
    base = IdleGapSegmenter(gap="9s").fit_predict(test)["case_id"].to_numpy(dtype=object)
    assert boundary_f1(y_test.to_numpy(dtype=object), base, test["session"]) < 0.6


def test_supervised_is_deterministic_and_accepts_another_classifier() -> None:
    from sklearn.linear_model import LogisticRegression

    train, y = hard(seed=3, n_sessions=2, n_cases=10)
    a = SupervisedBoundarySegmenter(random_state=4).fit(train, y).predict(train)
    b = SupervisedBoundarySegmenter(random_state=4).fit(train, y).predict(train)
    pd.testing.assert_frame_equal(a, b)
    lr = SupervisedBoundarySegmenter(classifier=LogisticRegression(max_iter=500)).fit(train, y)
    assert lr.predict(train)["case_id"].nunique() > 1
    assert lr.classifier is not lr.classifier_  # cloned, the parameter is untouched


def test_supervised_bad_parameters_and_single_class() -> None:
    train, y = hard(seed=5, n_sessions=1, n_cases=4)
    with pytest.raises(ParameterError, match="threshold"):
        SupervisedBoundarySegmenter(threshold=3).fit(train, y)
    with pytest.raises(ParameterError, match="predict_proba"):
        SupervisedBoundarySegmenter(classifier=object()).fit(train, y)
    one_case = SupervisedBoundarySegmenter().fit(train.iloc[:1], y.iloc[:1])
    assert one_case.predict(train)["case_id"].notna().all()


def test_supervised_on_simulated_recordings() -> None:
    import taskmining as tm
    from taskmining.segmentation.apply import method_input
    from taskmining.steps import build_steps, steps_table

    def recording(seed: int) -> tuple[pd.DataFrame, pd.Series]:
        table = steps_table(build_steps(tm.simulate(n_users=1, n_days=1, seed=seed)))
        return method_input(table), table["true_case"]

    train, y_train = recording(1)
    test, y_test = recording(2)
    assert "true_case" not in test.columns
    pred = SupervisedBoundarySegmenter(random_state=0).fit(train, y_train).predict(test)["case_id"]
    f1 = boundary_f1(y_test.to_numpy(dtype=object), pred.to_numpy(dtype=object), test["session"])
    assert f1 >= 0.95, f"boundary F1 {f1:.3f} on a held-out simulated recording"
