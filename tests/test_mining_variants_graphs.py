"""Variants and transition graphs: filters, the step rule, app level, exports of the graph."""

from __future__ import annotations

import importlib
import json

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from test_mining_data import make_tasks

import taskmining as tm
from taskmining.errors import ParameterError
from taskmining.mining._frame import encode
from taskmining.mining.graphs import (
    END,
    START,
    filter_graph,
    graph_to_dot,
    graph_to_json,
)

variants_module = importlib.import_module("taskmining.mining.variants")


@pytest.fixture(autouse=True)
def _exact_numbers(monkeypatch):
    """These tests check the computation: without the release noise (tests/test_privacy_noise.py tests it)."""
    monkeypatch.setenv("TASKMINING_RELEASE_EPSILON", "off")


@pytest.fixture(scope="module")
def tasks() -> pd.DataFrame:
    return make_tasks(300, seed=11)


def test_variants_table_is_consistent(tasks):
    v = tm.variants(tasks)
    assert v["count"].sum() == tasks["case_id"].nunique() == v.attrs["n_cases"]
    assert list(v["count"]) == sorted(v["count"], reverse=True)
    assert v["coverage"].iloc[-1] == pytest.approx(1.0)
    assert (v["variant"] == [" → ".join(s) for s in v["steps"]]).all()
    assert (v["length"] == [len(s) for s in v["steps"]]).all()
    assert (v["users"] >= 1).all() and (v["users"] <= 12).all()
    assert (v["duration_median"] <= v["duration_p90"] + 1e-9).all()
    # durations by hand for the top variant
    cases = tm.variant_cases(tasks, v.loc[0, "steps"])
    assert len(cases) == v.loc[0, "count"]
    sub = tasks[tasks["case_id"].isin(cases)].groupby("case_id")["timestamp"]
    by_hand = ((sub.max() - sub.min()).dt.total_seconds())
    assert v.loc[0, "duration_mean"] == pytest.approx(by_hand.mean())
    assert v.loc[0, "duration_median"] == pytest.approx(by_hand.median())
    assert v.loc[0, "duration_p90"] == pytest.approx(by_hand.quantile(0.9))


def test_variants_filters(tasks):
    full = tm.variants(tasks)
    assert len(tm.variants(tasks, top_k=3)) == 3
    cov = tm.variants(tasks, coverage=0.5)
    assert cov["coverage"].iloc[-1] >= 0.5 and (len(cov) == 1 or cov["coverage"].iloc[-2] < 0.5)
    assert len(cov) < len(full)
    with pytest.raises(ParameterError, match="top_k"):
        tm.variants(tasks, top_k=0)
    with pytest.raises(ParameterError, match="coverage"):
        tm.variants(tasks, coverage=1.5)


def test_variants_min_group_size(tasks):
    from taskmining.privacy.groups import SmallGroupWarning

    full = tm.variants(tasks)
    with pytest.warns(SmallGroupWarning, match="variants"):
        safe = tm.variants(tasks, min_group_size=3)
    assert (safe["users"] >= 3).all()
    gone = full[full["users"] < 3]
    assert safe.attrs["suppressed"] == [{"variants": len(gone), "cases": int(gone["count"].sum())}]
    assert safe["share"].tolist() == full.loc[full["users"] >= 3, "share"].tolist()


def test_variant_cases_string_and_unknown(tasks):
    v = tm.variants(tasks)
    assert list(tm.variant_cases(tasks, v.loc[1, "variant"])) == list(tm.variant_cases(tasks, v.loc[1, "steps"]))
    assert len(tm.variant_cases(tasks, ("no such step",))) == 0


def test_step_rule_collapses_consecutive_rows_of_a_step():
    multi = make_tasks(50, seed=4, events_per_step=3)
    single = multi.drop_duplicates("step_id")
    a = tm.variants(multi)
    b = tm.variants(single)
    assert dict(zip(a["variant"], a["count"])) == dict(zip(b["variant"], b["count"]))
    # without the step rule every event is a step
    c = tm.variants(multi, step_id_col=None)
    assert c["length"].min() == 3 * b["length"].min()


def test_nullable_step_ids():
    t = pd.DataFrame({"case_id": ["a"] * 4, "step": ["x", "x", "y", "y"],
                      "step_id": pd.array([1, 1, None, None], dtype="Int64"),
                      "timestamp": pd.to_datetime([f"2026-01-05 09:00:0{i}" for i in range(4)], utc=True)})
    assert tm.variants(t)["variant"].tolist() == ["x → y → y"]  # rows without a step id are steps of their own


def test_hash_collisions_are_split_exactly(monkeypatch):
    t = make_tasks(80, seed=6)
    expected = dict(zip(*[tm.variants(t)[c] for c in ("variant", "count")]))
    monkeypatch.setattr(variants_module, "_hash", lambda seq: np.zeros(seq.n_cases, dtype=np.uint64))
    collided = tm.variants(t)
    assert dict(zip(collided["variant"], collided["count"])) == expected


def test_rows_in_any_order_give_the_same_result(tasks):
    shuffled = tasks.sample(frac=1.0, random_state=3)
    a, b = tm.variants(tasks), tm.variants(shuffled)
    assert dict(zip(a["variant"], a["count"])) == dict(zip(b["variant"], b["count"]))
    assert tm.to_pm4py_dfg(tasks) == tm.to_pm4py_dfg(shuffled)


def test_input_frame_is_not_modified(tasks):
    before = tasks.copy()
    tm.variants(tasks), tm.transition_graph(tasks), tm.task_metrics(tasks), tm.fragmentation(tasks)
    pd.testing.assert_frame_equal(tasks, before)


def test_unassigned_rows_are_left_out_and_counted(tasks):
    t = tasks.copy()
    t.loc[t.index[:7], "case_id"] = np.nan
    v = tm.variants(t)
    assert v.attrs["n_unassigned"] == 7
    g = tm.transition_graph(t)
    assert g.graph["n_unassigned"] == 7


def test_transition_graph_structure(tasks):
    g = tm.transition_graph(tasks)
    assert g.nodes[START]["kind"] == "start" and g.nodes[END]["kind"] == "end"
    n_cases = tasks["case_id"].nunique()
    assert sum(d["count"] for _, _, d in g.out_edges(START, data=True)) == n_cases
    assert sum(d["count"] for _, _, d in g.in_edges(END, data=True)) == n_cases
    # flow conservation: what enters an activity leaves it
    for node, d in g.nodes(data=True):
        if d["kind"] == "activity":
            inflow = sum(e["count"] for *_, e in g.in_edges(node, data=True))
            outflow = sum(e["count"] for *_, e in g.out_edges(node, data=True))
            assert inflow == outflow == d["count"]
            assert d["cases"] <= d["count"]
    assert sum(d["share"] for *_, d in g.edges(data=True)) == pytest.approx(1.0)
    edge = g.edges["open mail", "copy number"]
    assert edge["min"] <= edge["median"] <= edge["p90"] <= edge["max"]
    assert edge["mean"] == pytest.approx(edge["sum"] / edge["count"])


def test_frequency_filter(tasks):
    g = tm.transition_graph(tasks)
    f = tm.transition_graph(tasks, min_count=20)
    assert all(d["count"] >= 20 for *_, d in f.edges(data=True))
    assert set(f.edges) < set(g.edges)
    assert START in f and END in f
    s = filter_graph(g, min_share=0.05)
    assert all(d["share"] >= 0.05 for *_, d in s.edges(data=True))
    with pytest.raises(ParameterError):
        filter_graph(g, min_share=2)


def test_app_level_counts_switches():
    t = pd.DataFrame({
        "case_id": ["a"] * 5 + ["b"] * 2, "step": list("pqrstuv"),
        "app": ["mail", "mail", "erp", "erp", "mail", "erp", "erp"],
        "timestamp": pd.to_datetime([f"2026-01-05 09:00:0{i}" for i in range(7)], utc=True),
    })
    g = tm.transition_graph(t, level="app")
    assert g.edges["mail", "erp"]["count"] == 1 and g.edges["erp", "mail"]["count"] == 1
    assert g.edges[START, "mail"]["count"] == 1 and g.edges[START, "erp"]["count"] == 1
    assert g.nodes["erp"]["count"] == 2  # two visits: in a, in b
    assert g.edges["mail", "erp"]["mean"] == 1.0  # last mail step at :01, first erp step at :02
    assert tm.to_pm4py_dfg(t, level="app")[0] == {("mail", "erp"): 1, ("erp", "mail"): 1}
    with pytest.raises(ParameterError, match="level"):
        tm.transition_graph(t, level="window")


def test_dot_and_json(tasks):
    g = tm.transition_graph(tasks, min_count=10)
    dot = graph_to_dot(g)
    assert dot.startswith("digraph") and dot.rstrip().endswith("}")
    assert dot.count("->") == g.number_of_edges()
    data = json.loads(graph_to_json(g))
    back = nx.node_link_graph(data, directed=True, edges="edges")
    assert set(back.edges) == set(g.edges)
    assert graph_to_dot(g, edge_label="mean").count("s\"") >= 1


def test_encode_orders_by_case_then_time_then_position():
    t = pd.DataFrame({"case_id": ["x", "y", "x", "x"], "step": ["b", "q", "a", "c"],
                      "timestamp": pd.to_datetime(["2026-01-05 09:00:05", "2026-01-05 09:00:00",
                                                   "2026-01-05 09:00:01", "2026-01-05 09:00:05"], utc=True)})
    seq = encode(t)
    assert [seq.act_labels[a] for a in seq.act] == ["a", "b", "c", "q"]


def _reference_hash(seq) -> list[int]:
    """The documented hash, one case at a time with Python integers."""
    p, q = int(variants_module._P), int(variants_module._Q)
    out = []
    for c in range(seq.n_cases):
        acts = seq.act[seq.ptr[c]:seq.ptr[c + 1]].tolist()
        h = sum((a + 1) * pow(p, pos + 1, 2**64) for pos, a in enumerate(acts))
        out.append((h + len(acts) * q) % 2**64)
    return out


@pytest.mark.parametrize("block", [1, 7, 64, 1 << 16])  # blocks of whole cases, down to one case per block
def test_blockwise_hash_and_check_match_the_definition(monkeypatch, block):
    from taskmining.mining._frame import encode

    t = make_tasks(120, seed=11)
    seq = encode(t)
    monkeypatch.setattr(variants_module, "_BLOCK", block)
    blocks = variants_module._case_blocks(seq.ptr)
    assert len(blocks) == 1 if block > seq.n_steps else len(blocks) > 1
    assert [c for a, b in blocks for c in range(a, b)] == list(range(seq.n_cases))  # every case once, in order
    assert variants_module._hash(seq).tolist() == _reference_hash(seq)
    expected = dict(zip(*[tm.variants(t)[c] for c in ("variant", "count")]))
    monkeypatch.setattr(variants_module, "_hash", lambda s: np.zeros(s.n_cases, dtype=np.uint64))
    collided = tm.variants(t)  # every case checked step by step against the first case, block by block
    assert dict(zip(collided["variant"], collided["count"])) == expected
