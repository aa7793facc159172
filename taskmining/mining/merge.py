"""Merge transition graphs mined partition by partition: ``merge_graphs``.

Counts add up, so the merge of the graphs of disjoint sets of cases (one
graph per session or user) is exact for node and edge counts, ``cases``,
``share``, the waiting-time ``sum``, ``min``, ``max``, ``mean`` and ``stdev``
(pooled from each part's count, mean and stdev). Quantiles (``median``,
``p90``) cannot be merged from summaries: they are NaN in the result.

Examples
--------
>>> import pandas as pd, taskmining as tm
>>> t = pd.DataFrame({"case_id": ["a", "a", "b", "b"], "step": ["x", "y", "x", "y"],
...                   "timestamp": pd.to_datetime(["2026-01-05 09:00:00", "2026-01-05 09:00:02",
...                                                "2026-01-05 10:00:00", "2026-01-05 10:00:04"], utc=True)})
>>> g = merge_graphs([tm.transition_graph(t.iloc[:2]), tm.transition_graph(t.iloc[2:])])
>>> g.edges["x", "y"]["count"], g.edges["x", "y"]["mean"], g.graph["n_cases"]
(2, 3.0, 2)
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import networkx as nx
import pandas as pd

from taskmining.errors import MiningError

__all__ = ["graph_from_rows", "graph_rows", "merge_graphs"]

_STATS = ("mean", "median", "p90", "min", "max", "sum", "stdev")


def _pooled(parts: list[dict[str, float]]) -> dict[str, float]:
    """count, sum, min, max, mean and stdev of the union of the parts' observations."""
    n = sum(int(p["count"]) for p in parts)
    total = sum(float(p["sum"]) for p in parts)
    mean = total / n
    m2 = 0.0
    for p in parts:
        k = int(p["count"])
        sd = float(p["stdev"])
        m2 += (sd * sd * (k - 1) if k > 1 and not math.isnan(sd) else 0.0) + k * (float(p["mean"]) - mean) ** 2
    return {"count": n, "sum": total, "mean": mean, "min": min(float(p["min"]) for p in parts),
            "max": max(float(p["max"]) for p in parts), "stdev": math.sqrt(m2 / (n - 1)) if n > 1 else math.nan,
            "median": math.nan, "p90": math.nan}


def merge_graphs(graphs: Iterable[nx.DiGraph]) -> nx.DiGraph:
    """One transition graph from the graphs of disjoint sets of cases (e.g. one per partition).

    Parameters
    ----------
    graphs : iterable of networkx.DiGraph
        Results of :func:`~taskmining.transition_graph` with the same
        ``level``, each over its own cases (cases must not span graphs:
        segmenting per session guarantees that).

    Returns
    -------
    networkx.DiGraph
        The same attributes as :func:`~taskmining.transition_graph`; counts,
        ``cases``, ``share``, ``sum``, ``min``, ``max``, ``mean`` and
        ``stdev`` exact; ``median`` and ``p90`` NaN (quantiles do not merge).

    Raises
    ------
    MiningError
        No graphs, or graphs of different levels.

    Examples
    --------
    >>> merge_graphs([])
    Traceback (most recent call last):
    ...
    taskmining.errors.MiningError: merge_graphs: no graphs to merge
    """
    graphs = list(graphs)
    if not graphs:
        raise MiningError("merge_graphs: no graphs to merge")
    levels = {g.graph.get("level") for g in graphs}
    if len(levels) > 1:
        raise MiningError(f"merge_graphs: graphs of different levels {sorted(map(str, levels))}")
    out = nx.DiGraph(level=levels.pop(), n_cases=sum(int(g.graph.get("n_cases", 0)) for g in graphs),
                     n_unassigned=sum(int(g.graph.get("n_unassigned", 0)) for g in graphs))
    for g in graphs:
        for node, d in g.nodes(data=True):
            if node in out:
                out.nodes[node]["count"] += int(d.get("count", 0))
                out.nodes[node]["cases"] += int(d.get("cases", 0))
            else:
                out.add_node(node, kind=d.get("kind"), count=int(d.get("count", 0)), cases=int(d.get("cases", 0)))
    edges: dict[tuple[str, str], list[dict[str, float]]] = {}
    for g in graphs:
        for u, v, d in g.edges(data=True):
            edges.setdefault((u, v), []).append(d)
    total = float(sum(int(d["count"]) for parts in edges.values() for d in parts))
    for (u, v), parts in edges.items():
        if all(s in parts[0] for s in ("sum", "mean", "stdev", "min", "max")):
            attrs = _pooled(parts)
        else:
            attrs = {"count": sum(int(p["count"]) for p in parts)}
        attrs["share"] = attrs["count"] / total if total else 0.0
        out.add_edge(u, v, **{k: attrs[k] for k in ("count", "share", *_STATS) if k in attrs})
    order = {"start": 0, "activity": 1, "end": 2}
    ordered = nx.DiGraph(**out.graph)
    ordered.add_nodes_from(sorted(out.nodes(data=True), key=lambda nd: order.get(nd[1].get("kind"), 1)))
    ordered.add_edges_from(out.edges(data=True))
    return ordered


def graph_rows(graph: nx.DiGraph) -> pd.DataFrame:
    """A transition graph as one frame (``row`` = graph, node or edge), for batch results.

    Examples
    --------
    >>> import pandas as pd, taskmining as tm
    >>> t = pd.DataFrame({"case_id": ["c", "c"], "step": ["a", "b"],
    ...                   "timestamp": pd.to_datetime(["2026-01-05 09:00", "2026-01-05 09:01"], utc=True)})
    >>> g = tm.transition_graph(t)
    >>> back = graph_from_rows(graph_rows(g))
    >>> list(back.edges(data="count")) == list(g.edges(data="count")), back.edges["a", "b"]["mean"]
    (True, 60.0)
    """
    rows: list[dict[str, Any]] = [{"row": "graph", **graph.graph}]
    rows += [{"row": "node", "u": n, **d} for n, d in graph.nodes(data=True)]
    rows += [{"row": "edge", "u": u, "v": v, **d} for u, v, d in graph.edges(data=True)]
    return pd.DataFrame(rows)


def graph_from_rows(rows: pd.DataFrame) -> nx.DiGraph:
    """The graph :func:`graph_rows` wrote (the attributes of :func:`~taskmining.transition_graph`)."""
    kinds = rows["row"].to_numpy()
    head = rows[kinds == "graph"].iloc[0]
    g = nx.DiGraph(**{k: (int(head[k]) if k != "level" else head[k])
                      for k in ("level", "n_cases", "n_unassigned") if k in rows.columns})
    ends = set()
    for r in rows[kinds == "node"].to_dict("records"):
        g.add_node(r["u"], kind=r.get("kind"), count=int(r.get("count", 0)), cases=int(r.get("cases", 0)))
        if r.get("kind") in ("start", "end"):
            ends.add(r["u"])
    for r in rows[kinds == "edge"].to_dict("records"):
        stats = () if r["u"] in ends or r["v"] in ends else tuple(k for k in _STATS if k in r)
        g.add_edge(r["u"], r["v"], count=int(r["count"]), share=float(r["share"]) if "share" in r else 0.0,
                   **{k: float(r[k]) for k in stats})
    return g
