"""The fast paths of the case/step encoding give exactly what plain factorisation gives."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from taskmining.mining._codes import _factorize_runs, factorize
from taskmining.mining._frame import encode, times_ns

labels = st.lists(st.one_of(st.none(), st.sampled_from(["a", "b", "c", "ab", "é", ""])), min_size=1, max_size=40)


def _labels(x: object) -> list:
    return list(x.tolist()) if hasattr(x, "tolist") else list(x.to_pylist())


@settings(max_examples=200, deadline=None)
@given(labels, st.sampled_from(["str", "object"]))
def test_run_factorisation_equals_plain(values, dtype):
    s = pd.Series(values, dtype=dtype)
    codes, labs, ptr = _factorize_runs(s)
    want_codes, want_labels = factorize(s)
    assert codes.tolist() == want_codes.tolist()
    assert _labels(labs) == _labels(want_labels)
    if ptr is not None:  # every label is one run starting at ptr[code]
        assert ptr[0] == 0 and ptr[-1] == len(s) and len(ptr) == len(want_labels) + 1
        assert np.repeat(np.arange(len(ptr) - 1), np.diff(ptr)).tolist() == want_codes.tolist()


@pytest.mark.parametrize("values, grouped", [
    (["b"] * 3 + ["a"] * 2 + ["c"] * 3, True),  # grouped, not sorted
    (["a"] * 2 + ["b"] * 3 + ["c"] * 2, True),  # grouped and sorted
    (["a"] * 3 + ["b"] * 3 + ["a"] * 2, False),  # "a" in two runs
    (["a", "b", "c", "d"], False),            # short runs: every value hashed
])
def test_run_factorisation_reports_grouping(values, grouped):
    codes, _, ptr = _factorize_runs(pd.Series(values, dtype="str"))
    assert (ptr is not None) == grouped
    assert codes.tolist() == factorize(pd.Series(values, dtype="str"))[0].tolist()


def test_categorical_and_numeric_cases_keep_their_codes():
    cat = pd.Series(pd.Categorical(["y", "y", "x"], categories=["x", "y"]))
    assert _factorize_runs(cat)[0].tolist() == [1, 1, 0]
    assert _factorize_runs(pd.Series([7, 7, 3]))[0].tolist() == [0, 0, 1]


def test_encode_grouped_frame_with_time_going_back_between_cases():
    t = pd.DataFrame({"case_id": ["b", "b", "a", "a"], "step": ["x", "y", "x", "z"],
                      "timestamp": pd.to_datetime([10, 20, 1, 2], unit="s", utc=True)})
    seq = encode(t)
    assert seq.ptr.tolist() == [0, 2, 4]
    assert [seq.act_labels[a] for a in seq.act] == ["x", "y", "x", "z"]
    t.loc[1, "timestamp"] = pd.Timestamp(5, unit="s", tz="UTC")  # back in time inside case b
    seq = encode(t)
    assert [seq.act_labels[a] for a in seq.act] == ["y", "x", "x", "z"]
    assert seq.rows.tolist() == [1, 0, 2, 3]


def test_times_ns_of_other_units():
    s = pd.Series(pd.to_datetime(["1970-01-01 00:00:02"], utc=True)).dt.as_unit("s")
    assert times_ns(s).tolist() == [2_000_000_000]


def test_dfg_of_categorical_cases_with_unused_categories():
    import taskmining as tm
    cases = pd.Categorical(["b", "b", "d", "d"], categories=["a", "b", "c", "d", "e"])
    t = pd.DataFrame({"case_id": cases, "step": ["x", "y", "y", "x"],
                      "timestamp": pd.to_datetime([1, 2, 3, 4], unit="s", utc=True)})
    dfg, start, end = tm.to_pm4py_dfg(t)
    assert dfg == {("x", "y"): 1, ("y", "x"): 1}
    assert start == {"x": 1, "y": 1} and end == {"y": 1, "x": 1}
    v = tm.variants(t)
    assert sorted(v["variant"]) == ["x → y", "y → x"] and v.attrs["n_cases"] == 2


@pytest.mark.parametrize("seed", range(6))
def test_categorical_frames_mine_exactly_like_string_frames(seed):
    """Categorical case/step columns (any category order, unused categories,
    missing cases, unsorted rows) give the same DFGs and variants as strings."""
    import taskmining as tm
    from taskmining.mining.graphs import performance_dfg
    rng = np.random.default_rng(seed)
    n = 400
    case = rng.integers(0, 40, n).astype(str).astype(object)
    case[rng.random(n) < 0.05] = None
    if seed % 2:
        case = np.sort(case[case != None]).astype(object)  # noqa: E711  grouped by case
        n = len(case)
    t = pd.DataFrame({"case_id": pd.array(case, dtype="str"),
                      "step": pd.array(rng.choice(list("abcdef"), n), dtype="str"),
                      "timestamp": pd.to_datetime(rng.integers(0, 10_000, n), unit="s", utc=True),
                      "user": pd.array(rng.choice(["u1", "u2", "u3"], n), dtype="str")})
    cats = sorted(set(t["case_id"].dropna())) + ["unused-1", "unused-2"]
    if seed % 3 == 0:
        cats = cats[::-1]
    tc = t.assign(case_id=pd.Categorical(t["case_id"], categories=cats),
                  step=t["step"].astype("category"), user=t["user"].astype("category"))
    assert tm.to_pm4py_dfg(tc) == tm.to_pm4py_dfg(t)
    got, want = performance_dfg(tc), performance_dfg(t)
    assert got.keys() == want.keys()
    for edge, stats in want.items():
        assert got[edge] == pytest.approx(stats, nan_ok=True), edge
    pd.testing.assert_frame_equal(tm.variants(tc), tm.variants(t))


@pytest.mark.parametrize("n", [1, 5, 4095, 4096, 4097, 10_000])
def test_blockwise_powers_equal_the_running_product(n: int) -> None:
    import importlib

    variants_module = importlib.import_module("taskmining.mining.variants")
    with np.errstate(over="ignore"):
        want = np.cumprod(np.full(n, variants_module._P, dtype=np.uint64))
    assert (variants_module._powers(n) == want).all()
    odd = want | np.uint64(1)
    with np.errstate(over="ignore"):
        assert (odd * variants_module._inverse(odd) == 1).all()


def test_equal_sequences_hash_equal_wherever_they_start() -> None:
    import importlib

    variants_module = importlib.import_module("taskmining.mining.variants")
    steps = ["a", "b", "c", "a", "b", "c", "b", "a", "b", "c"]
    cases = ["x", "x", "x", "y", "y", "y", "z", "w", "w", "w"]
    t = pd.DataFrame({"case_id": cases, "step": steps,
                      "timestamp": pd.to_datetime(range(len(steps)), unit="s", utc=True)})
    h = variants_module._hash(encode(t))
    assert h[0] == h[1] == h[3] and h[2] != h[0]
