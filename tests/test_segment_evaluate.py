"""The evaluation formulas of taskmining.segmentation.evaluate on hand-made cases with known answers."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from taskmining.errors import ParameterError, TaskminingError
from taskmining.segmentation.evaluate import (
    adjusted_rand,
    boundaries,
    boundary_scores,
    edit_distance,
    evaluate,
    event_scores,
    jaccard,
    levenshtein,
)


def test_boundaries_are_first_steps_of_cases_and_handle_interleaving():
    # case a is interrupted by b and resumed: a has one boundary only
    assert boundaries(["a", "a", "b", "a", "b", "c"]).tolist() == [0, 2, 5]
    # the same case id in two sessions starts once in each
    assert boundaries(["a", "a", "a", "a"], session=["s", "s", "t", "t"]).tolist() == [0, 2]
    # missing labels start nothing
    assert boundaries([None, "a", None, "b"]).tolist() == [1, 3]


def test_boundary_scores_exact_and_tolerance():
    true = [1, 1, 2, 2, 3, 3]
    pred = [1, 1, 1, 2, 2, 3]  # boundaries {0,3,5} vs true {0,2,4}
    exact = boundary_scores(true, pred)
    assert exact["precision"] == pytest.approx(1 / 3)
    assert exact["recall"] == pytest.approx(1 / 3)
    assert exact["f1"] == pytest.approx(1 / 3)
    assert boundary_scores(true, pred, tolerance=1)["f1"] == 1.0
    # over-segmentation: recall perfect, precision halved
    over = boundary_scores([1, 1, 1, 1], [1, 2, 3, 4])
    assert (over["precision"], over["recall"]) == (0.25, 1.0)
    assert over["f1"] == pytest.approx(0.4)


def test_boundary_tolerance_matches_one_to_one():
    # two predicted boundaries next to one true boundary: only one may match
    s = boundary_scores([1, 1, 1, 2, 2, 2], [1, 1, 2, 3, 3, 3], tolerance=1)
    assert s["precision"] == pytest.approx(2 / 3)
    assert s["recall"] == 1.0


def test_boundary_scores_ignore_noise_steps_and_sort_by_time():
    true = ["a", None, "a", "b", "b"]
    pred = ["x", "x", "x", "y", "y"]
    assert boundary_scores(true, pred)["f1"] == 1.0
    # rows given out of time order are sorted first when time is passed
    time = pd.to_datetime(["2026-01-05 09:00:03", "2026-01-05 09:00:00", "2026-01-05 09:00:01", "2026-01-05 09:00:02"])
    # in time order: true a a b b, pred x y y y -> boundaries {0, 2} vs {0, 1}
    assert boundary_scores(["b", "a", "a", "b"], ["y", "x", "y", "y"], time=time)["f1"] == 0.5
    # taken in row order the same labels would (wrongly) look perfect
    assert boundary_scores(["b", "a", "a", "b"], ["y", "x", "y", "y"])["f1"] == 1.0


def test_levenshtein_known_values():
    assert levenshtein(tuple("kitten"), tuple("sitting")) == 3
    assert levenshtein((), ("a", "b")) == 2
    assert levenshtein(("a", "b", "c"), ("a", "b", "c")) == 0
    assert levenshtein(("a", "b"), ("b", "a")) == 2


def test_edit_distance_formula():
    steps = ["open", "type", "save"] * 2
    # perfect
    assert edit_distance(["a"] * 3 + ["b"] * 3, ["x"] * 3 + ["y"] * 3, steps) == 0.0
    # pred x = [open, type] vs a = [open, type, save]: 1/3; pred y = [save, open, type, save] vs b: 1/4
    d = edit_distance(["a"] * 3 + ["b"] * 3, ["x", "x", "y", "y", "y", "y"], steps)
    assert d == pytest.approx((1 / 3 + 1 / 4) / 2)


def test_edit_distance_interleaved_cases_use_their_own_steps():
    # a: open type save (interrupted by b: open save); perfect prediction is 0 even though non-contiguous
    true = ["a", "a", "b", "b", "a"]
    steps = ["open", "type", "open", "save", "save"]
    assert edit_distance(true, ["x", "x", "y", "y", "x"], steps) == 0.0
    # x = [open type open save] ties a and b (2 steps each), a wins: 1/4; y = [save] vs a: 2/3
    d = edit_distance(true, ["x", "x", "x", "x", "y"], steps)
    assert d == pytest.approx((1 / 4 + 2 / 3) / 2)


def test_edit_distance_predicted_noise_segment_scores_one():
    assert edit_distance([None, None, "a"], ["x", "x", "y"], ["s", "s", "t"]) == pytest.approx(0.5)


def test_event_scores_majority_mapping_weighted():
    # t1 -> A (2 of 3), t2 -> B; predictions A A B A vs true A A B B
    s = event_scores(["A", "A", "B", "B"], ["t1", "t1", "t2", "t1"])
    # per class: A p=2/3 r=1 f=0.8; B p=1 r=0.5 f=2/3; weighted by support 2,2
    assert s["precision"] == pytest.approx((2 / 3 + 1) / 2)
    assert s["recall"] == pytest.approx(0.75)
    assert s["f1"] == pytest.approx((0.8 + 2 / 3) / 2)
    # two predicted types mapping to one true type is not penalised
    assert event_scores(["A"] * 4, ["t1", "t1", "t2", "t2"])["f1"] == 1.0


def test_event_scores_noise_is_its_own_label():
    s = event_scores(["A", None, "A"], ["t", None, "t"])
    assert s["f1"] == 1.0
    assert event_scores(["A", None, "A"], ["t", "t", "t"])["f1"] < 1.0


def test_ari_and_jaccard_known_values():
    assert adjusted_rand(["a", "a", "b", "b"], ["x", "x", "y", "y"]) == 1.0
    # one cluster for everything: 2 of 6 pairs together in truth, 6 in prediction -> 2/6
    assert jaccard(["a", "a", "b", "b"], ["x"] * 4) == pytest.approx(1 / 3)
    # hand count: true {0,1,2},{3}: pairs 01 02 12; pred {0,1},{2,3}: pairs 01 23; both: 01 -> 1/4
    assert jaccard(["a", "a", "a", "b"], ["x", "x", "y", "y"]) == pytest.approx(1 / 4)
    assert adjusted_rand(["a", "a", "a", "b"], ["x", "x", "y", "y"]) < 0.5


def test_evaluate_returns_all_scores():
    s = evaluate(
        ["a", "a", "b", "b"], ["x", "x", "y", "y"], steps=["o", "s", "o", "s"],
        true_task=["T", "T", "T", "T"], pred_task=["P", "P", "Q", "Q"],
    )
    assert isinstance(s, pd.Series)
    assert s["boundary_f1"] == 1.0 and s["edit_distance"] == 0.0 and s["event_f1"] == 1.0
    assert s["ari"] == 1.0 and s["jaccard"] == 1.0
    assert s["n_true_cases"] == 2 and s["n_pred_cases"] == 2
    assert math.isnan(evaluate(["a"], ["x"])["edit_distance"])


def test_evaluate_qualifies_case_ids_by_session():
    # ground truth reuses ids per file: "0" in two sessions are two cases
    s = evaluate(["0", "0", "0", "0"], ["p", "p", "q", "q"], session=["f1", "f1", "f2", "f2"], steps=list("abab"))
    assert s["ari"] == 1.0 and s["n_true_cases"] == 2 and s["edit_distance"] == 0.0


def test_bad_input_raises_taskmining_errors():
    with pytest.raises(ParameterError, match="pred has 1 values"):
        evaluate(["a", "b"], ["x"])
    with pytest.raises(ParameterError, match="tolerance"):
        boundary_scores(["a"], ["x"], tolerance=-1)
    with pytest.raises(ParameterError, match="true_task"):
        evaluate(["a"], ["x"], true_task=["T"])
    with pytest.raises(TaskminingError, match="single string"):
        evaluate("ab", "xy")


def test_large_input_is_fast_enough():
    rng = np.random.default_rng(0)
    true = np.repeat(np.arange(5_000), 10)
    pred = true.copy()
    flip = rng.random(len(pred)) < 0.01
    pred[flip] += 1
    steps = np.tile(np.array(list("abcdefghij"), dtype=object), 5_000)
    s = evaluate(true, pred, steps=steps)
    assert 0.9 < s["boundary_f1"] < 1.0
    assert 0.0 < s["edit_distance"] < 0.05
