"""Cut a transition graph down to what a map can show.

Examples
--------
>>> g = nx.DiGraph([("a", "b")])
>>> nx.set_node_attributes(g, {"a": 3, "b": 1}, "count")
>>> list(top_nodes(g, 5).nodes)
['a', 'b']
"""

from __future__ import annotations

import networkx as nx

__all__ = ["top_nodes"]


def top_nodes(graph: nx.DiGraph, limit: int) -> nx.DiGraph:
    """The subgraph of the ``limit`` most frequent activities plus start and end.

    Examples
    --------
    >>> g = nx.DiGraph()
    >>> g.add_node("a", kind="activity", count=5); g.add_node("b", kind="activity", count=1)
    >>> list(top_nodes(g, 1).nodes)
    ['a']
    """
    acts = [n for n, d in graph.nodes(data=True) if d.get("kind", "activity") == "activity"]
    keep = set(sorted(acts, key=lambda n: (-graph.nodes[n].get("count", 0), str(n)))[:limit])
    keep |= {n for n, d in graph.nodes(data=True) if d.get("kind") in ("start", "end")}
    return graph.subgraph([n for n in graph if n in keep]).copy()
