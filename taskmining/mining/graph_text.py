"""Transition graphs as text: Graphviz DOT and node-link JSON (no Graphviz needed).

Examples
--------
>>> import networkx as nx
>>> g = nx.DiGraph(); g.add_edge("a", "b", count=2)
>>> graph_to_dot(g).splitlines()[0]
'digraph transitions {'
"""

from __future__ import annotations

import json
from typing import Any

import networkx as nx
import numpy as np

__all__ = ["graph_to_dot", "graph_to_json"]


def _dot_id(text: object) -> str:
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def graph_to_dot(graph: nx.DiGraph, *, edge_label: str = "count") -> str:
    """The graph as a Graphviz DOT string (no Graphviz needed to produce it).

    Activity nodes show their count; edges show ``edge_label`` (``"count"``
    or a waiting statistic such as ``"mean"``, printed in seconds).

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.DiGraph()
    >>> g.add_node("a", kind="activity", count=2); g.add_node("b", kind="activity", count=1)
    >>> g.add_edge("a", "b", count=1)
    >>> print(graph_to_dot(g))  # doctest: +NORMALIZE_WHITESPACE
    digraph transitions {
      rankdir=LR; node [shape=box, style=rounded, fontname="Helvetica"];
      "a" [label="a\\n2"];
      "b" [label="b\\n1"];
      "a" -> "b" [label="1", penwidth=3.0];
    }
    """
    lines = ["digraph transitions {", '  rankdir=LR; node [shape=box, style=rounded, fontname="Helvetica"];']
    for n, d in graph.nodes(data=True):
        if d.get("kind") in ("start", "end"):
            lines.append(f"  {_dot_id(n)} [shape=circle, label={_dot_id(n[0])}];")
        else:
            label = _dot_id(n)[:-1] + "\\n" + str(d.get("count", "")) + '"'
            lines.append(f"  {_dot_id(n)} [label={label}];")
    counts = [d.get("count", 1) for *_, d in graph.edges(data=True)] or [1]
    top = max(counts)
    for u, v, d in graph.edges(data=True):
        value = d.get(edge_label, "")
        text = f"{value:.1f}s" if isinstance(value, float) and edge_label != "count" else str(value)
        width = 1.0 + 2.0 * d.get("count", 1) / top
        lines.append(f"  {_dot_id(u)} -> {_dot_id(v)} [label={_dot_id(text)}, penwidth={width:.1f}];")
    lines.append("}")
    return "\n".join(lines)


def graph_to_json(graph: nx.DiGraph) -> str:
    """The graph in networkx's node-link JSON form (NaN written as ``null``).

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.DiGraph(); g.add_edge("a", "b", count=1, mean=float("nan"))
    >>> '"mean": null' in graph_to_json(g)
    True
    """
    try:
        data = nx.node_link_data(graph, edges="edges")
    except TypeError:  # networkx < 3.4 names them "links"
        data = nx.node_link_data(graph)
        data["edges"] = data.pop("links")

    def clean(obj: Any) -> Any:
        if isinstance(obj, dict):
            return {k: clean(v) for k, v in obj.items()}
        if isinstance(obj, list):
            return [clean(v) for v in obj]
        if isinstance(obj, (float, np.floating)):
            return None if np.isnan(obj) else float(obj)
        if isinstance(obj, np.integer):
            return int(obj)
        return obj

    return json.dumps(clean(data), ensure_ascii=False, indent=1)
