"""Drawing graphs: layered layout and SVG maps, used by mining's notebook displays and by the report.

Examples
--------
>>> import networkx as nx
>>> from taskmining.draw.svg_map import map_svg
>>> g = nx.DiGraph(); g.add_edge("a", "b", count=2)
>>> map_svg(g, engine="python").startswith("<svg")
True
"""
