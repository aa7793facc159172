"""DFG and performance DFG over many distinct steps (more possible pairs than one block of counts),
and the garbage-collector pause the large results are built under, against a plain pandas reference."""

from __future__ import annotations

import gc

import numpy as np
import pandas as pd
import pytest

import taskmining as tm
from taskmining.mining._pyobjects import paused_gc
from taskmining.mining.graphs import performance_dfg


def _log(n_steps: int, n_cases: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = 20_000
    case = np.sort(rng.integers(0, n_cases, n))
    t = pd.Timestamp("2026-01-05", tz="UTC") + pd.to_timedelta(np.cumsum(rng.integers(0, 5_000, n)), unit="ms")
    return pd.DataFrame({"case_id": [f"c{c:04d}" for c in case], "step": [f"s{a}" for a in rng.integers(0, n_steps, n)],
                         "timestamp": t})


def _reference(log: pd.DataFrame) -> pd.DataFrame:
    nxt = log.groupby("case_id", sort=False).shift(-1)
    pairs = pd.DataFrame({"a": log["step"], "b": nxt["step"],
                          "wait": (nxt["timestamp"] - log["timestamp"]).dt.total_seconds()}).dropna(subset=["b"])
    return pairs.groupby(["a", "b"])["wait"].agg(["count", "mean", "median", "min", "max", "sum", "std"])


@pytest.mark.parametrize("n_steps", [300, 2_000])
def test_dfgs_over_many_steps_match_a_pandas_reference(n_steps: int) -> None:
    log = _log(n_steps, 800, seed=n_steps)
    ref = _reference(log)
    dfg, start, end = tm.to_pm4py_dfg(log, step_id_col=None)
    assert dfg == {k: int(v) for k, v in ref["count"].items()}
    assert start == log.groupby("case_id")["step"].first().value_counts().to_dict()
    assert end == log.groupby("case_id")["step"].last().value_counts().to_dict()
    perf = performance_dfg(log, step_id_col=None)
    assert set(perf) == set(ref.index)
    got = pd.DataFrame.from_dict(perf, orient="index").loc[ref.index]
    for ours, theirs in [("mean", "mean"), ("median", "median"), ("min", "min"), ("max", "max"), ("sum", "sum"),
                         ("stdev", "std")]:
        np.testing.assert_allclose(got[ours].to_numpy(), ref[theirs].to_numpy(), rtol=1e-9, atol=1e-9)


def test_paused_gc_restores_the_collector_after_an_error() -> None:
    assert gc.isenabled()
    with pytest.raises(ZeroDivisionError), paused_gc():
        assert not gc.isenabled()
        _ = 1 / 0
    assert gc.isenabled()
    gc.disable()
    try:
        with paused_gc():
            pass
        assert not gc.isenabled()  # a collector that was off stays off
    finally:
        gc.enable()
