"""Property tests: variants and the DFG equal a plain-Python reference on random logs."""

from __future__ import annotations

from collections import Counter

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

import taskmining as tm
from taskmining.mining.graphs import performance_dfg

T0 = pd.Timestamp("2026-01-05 09:00:00", tz="UTC")

rows = st.lists(
    st.tuples(st.integers(0, 6), st.sampled_from("abcde"), st.integers(0, 50)),  # case, step, second
    min_size=1, max_size=60,
)


def _frame(data: list[tuple[int, str, int]]) -> pd.DataFrame:
    return pd.DataFrame({"case_id": [f"c{c}" for c, _, _ in data], "step": [s for _, s, _ in data],
                         "timestamp": [T0 + pd.Timedelta(seconds=t) for *_, t in data]})


def _reference(df: pd.DataFrame) -> dict[str, list[tuple[str, pd.Timestamp]]]:
    ordered = df.reset_index(drop=True).reset_index().sort_values(["case_id", "timestamp", "index"])
    return {c: list(zip(g["step"], g["timestamp"])) for c, g in ordered.groupby("case_id")}


@settings(max_examples=150, deadline=None)
@given(rows)
def test_variants_and_dfg_equal_plain_python(data):
    df = _frame(data)
    traces = _reference(df)
    v = tm.variants(df)
    assert dict(zip(v["steps"], v["count"])) == Counter(tuple(s for s, _ in tr) for tr in traces.values())
    dfg, start, end = tm.to_pm4py_dfg(df)
    pairs = Counter((tr[i][0], tr[i + 1][0]) for tr in traces.values() for i in range(len(tr) - 1))
    assert dfg == dict(pairs)
    assert start == dict(Counter(tr[0][0] for tr in traces.values()))
    assert end == dict(Counter(tr[-1][0] for tr in traces.values()))
    waits: dict[tuple[str, str], list[float]] = {}
    for tr in traces.values():
        for (a, ta), (b, tb) in zip(tr, tr[1:]):
            waits.setdefault((a, b), []).append((tb - ta).total_seconds())
    perf = performance_dfg(df)
    for edge, w in waits.items():
        s = pd.Series(w)
        assert abs(perf[edge]["mean"] - s.mean()) < 1e-9
        assert abs(perf[edge]["median"] - s.median()) < 1e-9
        assert perf[edge]["max"] == s.max() and perf[edge]["min"] == s.min()
    g = tm.transition_graph(df)
    for edge, w in waits.items():
        assert abs(g.edges[edge]["p90"] - pd.Series(w).quantile(0.9)) < 1e-9


@settings(max_examples=60, deadline=None)
@given(rows, st.randoms(use_true_random=False))
def test_row_order_does_not_matter(data, rnd):
    df = _frame(data)
    shuffled = df.sample(frac=1.0, random_state=rnd.randint(0, 10_000))
    # ties in time keep frame order, so only compare logs without ties inside a case
    if df.duplicated(["case_id", "timestamp"]).any():
        return
    a, b = tm.variants(df), tm.variants(shuffled)
    assert dict(zip(a["variant"], a["count"])) == dict(zip(b["variant"], b["count"]))
    assert tm.to_pm4py_dfg(df) == tm.to_pm4py_dfg(shuffled)
