"""A layered layout for process maps, in pure Python (no Graphviz needed).

Process maps are mostly left-to-right flows with a few loops. The layout
follows the Sugiyama scheme in its simplest deliberate form:

1. **layers**: breadth-first depth from the start node decides which edges
   go forward; a node's layer is its longest forward path from the start
   (the end node sits alone in the last layer);
2. **order**: a few down and up sweeps of the barycentre heuristic reduce
   crossings;
3. **coordinates**: layers stack top to bottom, nodes are centred in their
   layer and sized by their label.

Edges that go back (loops, rework) are drawn as curves on the side by the
SVG renderer.

Examples
--------
>>> import networkx as nx
>>> g = nx.DiGraph([("start", "a"), ("a", "b"), ("b", "a"), ("b", "end")])
>>> pos = layered_layout(g, source="start", sink="end")
>>> [pos[n].layer for n in ["start", "a", "b", "end"]]
[0, 1, 2, 3]
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass

import networkx as nx

NODE_HEIGHT = 34.0
LAYER_GAP = 74.0
NODE_GAP = 26.0
CHAR_WIDTH = 7.0
MIN_WIDTH = 70.0
MAX_LABEL = 34


@dataclass(frozen=True)
class NodeBox:
    """Where a node is drawn: centre (x, y), size, layer and order in the layer."""

    x: float
    y: float
    width: float
    height: float
    layer: int
    order: int


def _bfs_depth(graph: nx.DiGraph, source: Hashable | None) -> dict[Hashable, int]:
    roots = [source] if source is not None and source in graph else []
    roots += [n for n in graph if graph.in_degree(n) == 0 and n not in roots]
    depth: dict[Hashable, int] = {}
    queue: deque[Hashable] = deque()
    for r in roots:
        depth[r] = 0
        queue.append(r)
    while True:
        while queue:
            u = queue.popleft()
            for v in graph.successors(u):
                if v not in depth:
                    depth[v] = depth[u] + 1
                    queue.append(v)
        rest = [n for n in graph if n not in depth]
        if not rest:
            return depth
        first = max(rest, key=lambda n: graph.nodes[n].get("count", 0))
        depth[first] = 0
        queue.append(first)


def forward_edges(graph: nx.DiGraph, source: Hashable | None = None) -> set[tuple[Hashable, Hashable]]:
    """Edges that go forward in breadth-first depth from ``source``: a DAG.

    Ties (same depth) are broken by the order of nodes in ``graph``, so the
    result is deterministic.
    """
    depth = _bfs_depth(graph, source)
    index = {n: i for i, n in enumerate(graph)}
    return {(u, v) for u, v in graph.edges
            if (depth[u], index[u]) < (depth[v], index[v])}


def _layers(graph: nx.DiGraph, source: Hashable | None, sink: Hashable | None) -> dict[Hashable, int]:
    dag = nx.DiGraph()
    dag.add_nodes_from(graph)
    dag.add_edges_from(e for e in forward_edges(graph, source) if sink not in e)
    layer: dict[Hashable, int] = {}
    for n in nx.topological_sort(dag):
        preds = [layer[p] + 1 for p in dag.predecessors(n)]
        layer[n] = max(preds, default=0)
    if source is not None and source in layer:
        layer[source] = 0
        for n in layer:
            if n != source:
                layer[n] = max(layer[n], 1)
    if sink is not None and sink in graph:
        others = [v for n, v in layer.items() if n != sink]
        layer[sink] = max(others, default=-1) + 1
    return layer


def _order(graph: nx.DiGraph, layer: dict[Hashable, int], sweeps: int = 4) -> list[list[Hashable]]:
    n_layers = max(layer.values(), default=-1) + 1
    rows: list[list[Hashable]] = [[] for _ in range(n_layers)]
    for n in graph:  # graph order: deterministic start
        rows[layer[n]].append(n)
    for r in rows:
        r.sort(key=lambda n: -graph.nodes[n].get("count", 0))

    def sweep(indices: range, neighbours: Callable[[Hashable], list[Hashable]]) -> None:
        for i in indices:
            place = {n: j for k in range(n_layers) if k != i for j, n in enumerate(rows[k])}

            def key(n: Hashable, cur: int) -> float:
                nb = [place[m] for m in neighbours(n) if m in place and layer[m] != i]
                return sum(nb) / len(nb) if nb else float(cur)

            rows[i] = [n for _, n in sorted(((key(n, j), j), n) for j, n in enumerate(rows[i]))]

    for _ in range(sweeps):
        sweep(range(1, n_layers), lambda n: list(graph.predecessors(n)))
        sweep(range(n_layers - 2, -1, -1), lambda n: list(graph.successors(n)))
    return rows


def node_width(label: str) -> float:
    """Box width for a label, shortened to :data:`MAX_LABEL` characters."""
    return max(MIN_WIDTH, min(len(label), MAX_LABEL) * CHAR_WIDTH + 24.0)


def layered_layout(
    graph: nx.DiGraph,
    *,
    source: Hashable | None = None,
    sink: Hashable | None = None,
    label: Callable[[Hashable], str] = str,
) -> dict[Hashable, NodeBox]:
    """Place the nodes of ``graph`` in layers, top to bottom.

    Parameters
    ----------
    graph : networkx.DiGraph
        The map; a node attribute ``count`` (when present) orders nodes.
    source, sink : node, optional
        The start and end nodes: first and last layer.
    label : callable
        Node -> the text drawn in it (sets the box width).

    Returns
    -------
    dict
        Node -> :class:`NodeBox` (centre coordinates in SVG units, y down).

    Examples
    --------
    >>> import networkx as nx
    >>> pos = layered_layout(nx.DiGraph([("s", "x"), ("s", "y")]), source="s")
    >>> pos["x"].y == pos["y"].y > pos["s"].y
    True
    """
    if graph.number_of_nodes() == 0:
        return {}
    layer = _layers(graph, source, sink)
    rows = _order(graph, layer)
    widths = {n: node_width(label(n)) for n in graph}
    row_width = [sum(widths[n] for n in r) + NODE_GAP * max(len(r) - 1, 0) for r in rows]
    total = max(row_width, default=0.0)
    boxes: dict[Hashable, NodeBox] = {}
    for k, r in enumerate(rows):
        x = (total - row_width[k]) / 2.0
        y = k * (NODE_HEIGHT + LAYER_GAP) + NODE_HEIGHT / 2.0
        for j, n in enumerate(r):
            w = widths[n]
            boxes[n] = NodeBox(x=x + w / 2.0, y=y, width=w, height=NODE_HEIGHT, layer=k, order=j)
            x += w + NODE_GAP
    return boxes
