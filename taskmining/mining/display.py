"""``TransitionGraph``: a ``networkx.DiGraph`` that draws itself in notebooks.

It is a plain DiGraph in every other respect (networkx functions, pickling,
GraphML); only Jupyter's rich display is added, through the report's SVG
renderer.

Examples
--------
>>> g = TransitionGraph()
>>> g.add_node("a", kind="activity", count=1)
>>> isinstance(g, nx.DiGraph), g._repr_svg_().startswith("<svg")
(True, True)
"""

from __future__ import annotations

import networkx as nx

# larger maps than this are drawn with their most frequent activities only
_MAX_DISPLAY_NODES = 60


class TransitionGraph(nx.DiGraph):
    """A transition graph (see :func:`taskmining.transition_graph`) with an SVG display."""

    def _repr_svg_(self) -> str:
        from taskmining.draw.focus import top_nodes
        from taskmining.draw.svg_map import map_svg

        shown = top_nodes(self, _MAX_DISPLAY_NODES) if self.number_of_nodes() > _MAX_DISPLAY_NODES + 2 else self
        return map_svg(shown, engine="auto", wait_attr="mean", title="Transition graph")

    def __repr__(self) -> str:
        level = self.graph.get("level", "step")
        return (f"<TransitionGraph level={level!r}: {self.number_of_nodes()} nodes, "
                f"{self.number_of_edges()} edges, {self.graph.get('n_cases', '?')} cases>")
