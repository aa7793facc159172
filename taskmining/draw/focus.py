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

__all__ = ["top_nodes", "strong_edges"]


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


def strong_edges(graph: nx.DiGraph, max_edges: int) -> nx.DiGraph:
    """The graph with its ``max_edges`` most frequent edges plus each node's most frequent in- and out-edge.

    The kept backbone leaves every node connected (start to end), while the
    rare edges that turn a map into spaghetti are dropped before layout; the
    graph's ``dropped_edges`` attribute says how many.

    Examples
    --------
    >>> g = nx.DiGraph()
    >>> g.add_edge("s", "a", count=9); g.add_edge("a", "e", count=9); g.add_edge("s", "e", count=1)
    >>> sorted(strong_edges(g, 1).edges)
    [('a', 'e'), ('s', 'a')]
    """
    def count(e: tuple[object, object]) -> int:
        return int(graph.edges[e].get("count", 0))

    ranked = sorted(graph.edges, key=lambda e: (-count(e), str(e)))
    keep = set(ranked[:max_edges])
    for n in graph:
        ins = sorted(graph.in_edges(n), key=lambda e: (-count(e), str(e)))
        outs = sorted(graph.out_edges(n), key=lambda e: (-count(e), str(e)))
        keep.update(ins[:1])
        keep.update(outs[:1])
    out = graph.edge_subgraph(keep).copy()
    out.add_nodes_from(graph.nodes(data=True))
    out.graph.update(graph.graph, dropped_edges=graph.number_of_edges() - out.number_of_edges())
    return out
