"""group_stats against pandas' groupby: blocks, threads, composite and float paths."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from taskmining.mining._stats import _PARALLEL_FROM, BLOCK, group_stats


def _expected(keys: np.ndarray, values: np.ndarray, n_groups: int, scale: float) -> pd.DataFrame:
    g = pd.Series(values / scale).groupby(keys)
    out = pd.DataFrame({"count": g.count(), "sum": g.sum(), "mean": g.mean(), "stdev": g.std(ddof=1),
                        "min": g.min(), "max": g.max(), "q0.5": g.quantile(0.5), "q0.9": g.quantile(0.9)})
    return out.reindex(range(n_groups))


def _check(keys: np.ndarray, values: np.ndarray, n_groups: int, scale: float = 1.0) -> None:
    got = group_stats(keys, values, n_groups, scale=scale)
    want = _expected(keys, values, n_groups, scale)
    assert got["count"].tolist() == want["count"].fillna(0).astype(int).tolist()
    for name in ("sum", "mean", "stdev", "min", "max", "q0.5", "q0.9"):
        w = want[name].to_numpy(dtype=float)
        if name == "sum":
            w = np.where(np.isnan(w), 0.0, w)  # pandas' sum of an absent group is missing; ours is 0
            w[got["count"] == 0] = 0.0
        np.testing.assert_allclose(got[name], w, rtol=1e-9, atol=1e-12, equal_nan=True, err_msg=name)


@pytest.mark.parametrize("n_groups", [7, 3601, 50_000])  # blocks of few groups; one block for many
def test_large_integer_input_matches_pandas(n_groups: int) -> None:
    rng = np.random.default_rng(n_groups)
    n = max(_PARALLEL_FROM, 3 * BLOCK) + 17  # several blocks; the sort runs on its own thread
    keys = rng.integers(0, n_groups, n).astype(np.int32)
    values = rng.integers(0, 60 * 10**9, n)  # waits in ns: the composite sort
    _check(keys, values, n_groups, scale=1e9)


def test_large_float_input_matches_pandas() -> None:
    rng = np.random.default_rng(1)
    n = 3 * BLOCK + 5
    keys = rng.integers(0, 40, n)
    values = rng.normal(100.0, 5.0, n)  # floats: the lexsort path
    _check(keys, values, 41)  # group 40 stays empty


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.integers(-10**12, 10**12)), min_size=1, max_size=60))
def test_small_inputs_match_pandas(rows: list[tuple[int, int]]) -> None:
    keys = np.array([k for k, _ in rows])
    values = np.array([v for _, v in rows], dtype=np.int64)
    _check(keys, values, 6, scale=1e9)
