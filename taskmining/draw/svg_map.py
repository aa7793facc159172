"""Draw a transition graph (process map) as inline SVG.

Graphviz ``dot`` lays the map out when it is installed; otherwise the pure
Python :func:`~taskmining.draw.layout.layered_layout` does. Either way every
node and edge gets an ``id`` and a ``data-count`` so that the report's
frequency control can hide rare paths, and the output is a self-contained
``<svg>`` element (no external references).

Examples
--------
>>> import networkx as nx
>>> g = nx.DiGraph()
>>> g.add_node("▶ start", kind="start", count=2)
>>> g.add_node("Open", kind="activity", count=2)
>>> g.add_node("■ end", kind="end", count=2)
>>> g.add_edge("▶ start", "Open", count=2)
>>> g.add_edge("Open", "■ end", count=2)
>>> svg = map_svg(g, engine="python")
>>> svg.startswith("<svg") and 'data-count="2"' in svg
True
"""

from __future__ import annotations

import math
import re
import shutil
import subprocess
from collections.abc import Hashable
from html import escape
from typing import Literal

import networkx as nx

from taskmining.draw.layout import MAX_LABEL, NodeBox, forward_edges, layered_layout
from taskmining.errors import ParameterError

Engine = Literal["auto", "dot", "python"]
_MARGIN = 24.0
_DOT_TIMEOUT = 60


def short(label: str, limit: int = MAX_LABEL) -> str:
    """``label`` cut to ``limit`` characters with an ellipsis."""
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _fmt_seconds(sec: float | None) -> str:
    if sec is None or not math.isfinite(sec):
        return ""
    if sec < 60:
        return f"{sec:.0f}s" if sec >= 10 else f"{sec:.1f}s"
    if sec < 3600:
        return f"{sec / 60:.1f}m"
    return f"{sec / 3600:.1f}h"


def _kind(graph: nx.DiGraph, node: Hashable) -> str:
    return str(graph.nodes[node].get("kind", "activity"))


def _ends(graph: nx.DiGraph) -> tuple[Hashable | None, Hashable | None]:
    start = next((n for n in graph if _kind(graph, n) == "start"), None)
    end = next((n for n in graph if _kind(graph, n) == "end"), None)
    return start, end


def _edge_width(count: float, max_count: float) -> float:
    if max_count <= 0:
        return 1.0
    return 1.0 + 7.0 * math.log1p(count) / math.log1p(max_count)


def _edge_label(data: dict, wait_attr: str) -> str:
    count = int(data.get("count", 0))
    wait = _fmt_seconds(data.get(wait_attr))
    return f"{count}" + (f" · {wait}" if wait else "")


def _ends_attrs(u: Hashable, v: Hashable) -> str:
    """``data-from``/``data-to`` attributes naming an edge's nodes (labels may hold ``→`` themselves)."""
    return f' data-from="{escape(str(u), quote=True)}" data-to="{escape(str(v), quote=True)}"'


def _ids(graph: nx.DiGraph) -> tuple[dict[Hashable, str], dict[tuple[Hashable, Hashable], str]]:
    nodes = {n: f"n{i}" for i, n in enumerate(graph)}
    edges = {e: f"e{i}" for i, e in enumerate(graph.edges)}
    return nodes, edges


def map_svg(graph: nx.DiGraph, *, engine: Engine = "auto", wait_attr: str = "mean_wait",
            title: str = "Process map", rankdir: str = "LR") -> str:
    """Render ``graph`` as an ``<svg>`` string.

    Parameters
    ----------
    graph : networkx.DiGraph
        A transition graph: node attributes ``kind`` (``start``, ``end``,
        ``activity``) and ``count``; edge attributes ``count`` and a waiting
        time in seconds named by ``wait_attr``.
    engine : {"auto", "dot", "python"}
        ``auto`` uses Graphviz when ``dot`` is on the PATH.
    wait_attr : str
        Edge attribute shown next to the count.
    title : str
        Accessible title of the picture.
    rankdir : {"LR", "TB"}, default "LR"
        Graphviz layout direction (left to right, or top to bottom); the
        pure Python layout is always top to bottom.

    Returns
    -------
    str
        An ``<svg>`` element (Graphviz: at its natural size in pixels, with
        ``data-width``/``data-height`` for zooming). Nodes are ``<g class="tm-node" id=…
        data-count=…>``, edges ``<g class="tm-edge" id=… data-count=…>``.
    """
    if engine not in ("auto", "dot", "python"):
        raise ParameterError(f"engine must be 'auto', 'dot' or 'python', got {engine!r}")
    if engine == "dot" and shutil.which("dot") is None:
        raise ParameterError("engine='dot' needs Graphviz: install the 'graphviz' package (dot on PATH)")
    if engine != "python" and shutil.which("dot") is not None and graph.number_of_nodes():
        return _dot_svg(graph, wait_attr=wait_attr, title=title, rankdir=rankdir)
    return _python_svg(graph, wait_attr=wait_attr, title=title)


# -- Graphviz ------------------------------------------------------------------
def _dot_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _wrap(text: str, width: int = 26, lines: int = 3) -> str:
    """``text`` broken into at most ``lines`` lines of about ``width`` characters (words kept whole)."""
    words, out, cur = text.split(), [], ""
    for w in words:
        if cur and len(cur) + 1 + len(w) > width:
            out.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}" if cur else w
    out.append(cur)
    if len(out) > lines:
        out = out[:lines]
        out[-1] = short(out[-1] + " …", width)
    return "\n".join(out)


def to_dot(graph: nx.DiGraph, *, wait_attr: str = "mean_wait", rankdir: str = "LR") -> str:
    """The DOT source used for the Graphviz layout (also handy on its own).

    Left to right by default, start first and end last (``rank=source`` and
    ``rank=sink``), edge width and darkness by frequency, activity labels
    wrapped on up to three lines in a 14 pt font with the count beneath.

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.DiGraph(); g.add_edge("a", "b", count=3)
    >>> "n0 -> n1" in to_dot(g) and "rankdir=LR" in to_dot(g)
    True
    """
    if rankdir not in ("LR", "TB"):
        raise ParameterError(f"rankdir must be 'LR' or 'TB', got {rankdir!r}")
    node_id, edge_id = _ids(graph)
    counts = [d.get("count", 0) for _, _, d in graph.edges(data=True)]
    max_count = max(counts, default=0)
    lines = [
        "digraph G {",
        f'  graph [rankdir={rankdir}, nodesep=0.3, ranksep=0.55, bgcolor="transparent", fontname="Helvetica", '
        'splines=true, outputorder=edgesfirst];',
        '  node [shape=box, style="rounded,filled", fillcolor="#eef3fb", color="#5b7db1", '
        'fontname="Helvetica", fontsize=14, margin="0.12,0.06"];',
        '  edge [color="#5f6b7a", fontname="Helvetica", fontsize=12, arrowsize=0.7];',
    ]
    ends = []
    for n, d in graph.nodes(data=True):
        kind = d.get("kind", "activity")
        count = int(d.get("count", 0))
        if kind == "activity":
            extra = ""
            text = f"{_wrap(str(n))}\n{count:,}"
        else:
            text = "start" if kind == "start" else "end"
            extra = (', shape=circle, width=0.6, fixedsize=true, fontsize=12, '
                     f'fillcolor="{"#d8e8d0" if kind == "start" else "#f3d9d3"}"')
            ends.append((kind, node_id[n]))
        lines.append(f"  {node_id[n]} [id={node_id[n]}, class=\"tm-node\", label={_dot_quote(text)},"
                     f" tooltip={_dot_quote(str(n))}{extra}];")
    for kind, nid in ends:
        lines.append(f"  {{rank={'source' if kind == 'start' else 'sink'}; {nid};}}")
    for (u, v), eid in edge_id.items():
        d = graph.edges[u, v]
        c = d.get("count", 0)
        w = _edge_width(c, max_count)
        shade = int(150 - 110 * (math.log1p(c) / math.log1p(max_count) if max_count > 0 else 1))
        color = f"#{shade:02x}{shade + 8:02x}{shade + 20:02x}"
        lines.append(f"  {node_id[u]} -> {node_id[v]} [id={eid}, class=\"tm-edge\", penwidth={w:.2f}, "
                     f"color=\"{color}\", weight={max(1, int(w))}, "
                     f"label={_dot_quote(_edge_label(d, wait_attr))}];")
    lines.append("}")
    return "\n".join(lines)


def _dot_svg(graph: nx.DiGraph, *, wait_attr: str, title: str, rankdir: str = "LR") -> str:
    dot = shutil.which("dot")
    assert dot is not None
    try:
        run = subprocess.run([dot, "-Tsvg"], input=to_dot(graph, wait_attr=wait_attr, rankdir=rankdir).encode(),
                             capture_output=True, timeout=_DOT_TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return _python_svg(graph, wait_attr=wait_attr, title=title)
    if run.returncode != 0:
        return _python_svg(graph, wait_attr=wait_attr, title=title)
    svg = run.stdout.decode("utf-8", "replace")
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r"<!--.*?-->", "", svg, flags=re.S)
    node_id, edge_id = _ids(graph)
    counts = {node_id[n]: int(d.get("count", 0)) for n, d in graph.nodes(data=True)}
    kinds = {node_id[n]: d.get("kind", "activity") for n, d in graph.nodes(data=True)}
    counts.update({eid: int(graph.edges[e].get("count", 0)) for e, eid in edge_id.items()})
    ends = {eid: _ends_attrs(u, v) for (u, v), eid in edge_id.items()}

    def annotate(m: re.Match[str]) -> str:
        gid = m.group(1)
        extra = f' data-count="{counts.get(gid, 0)}"' + ends.get(gid, "")
        if gid in kinds:
            extra += f' data-kind="{kinds[gid]}"'
        return f'<g id="{gid}"{extra} class='

    svg = re.sub(r'<g id="([ne]\d+)" class=', annotate, svg)
    size = re.search(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"', svg)
    # natural size in CSS pixels (1 pt = 4/3 px): labels keep their 14 pt; the report pans and zooms
    w, h = (float(size.group(1)) * 4 / 3, float(size.group(2)) * 4 / 3) if size else (800.0, 600.0)
    svg = re.sub(r'<svg width="[^"]*" height="[^"]*"',
                 f'<svg class="tm-map" role="img" width="{w:.0f}" height="{h:.0f}" '
                 f'data-width="{w:.0f}" data-height="{h:.0f}"', svg, count=1)
    return svg.replace("<title>G</title>", f"<title>{escape(title)}</title>", 1)


# -- pure Python ---------------------------------------------------------------
def _python_svg(graph: nx.DiGraph, *, wait_attr: str, title: str) -> str:
    start, end = _ends(graph)
    boxes = layered_layout(graph, source=start, sink=end, label=lambda n: short(str(n)))
    node_id, edge_id = _ids(graph)
    forward = forward_edges(graph, start)
    counts = [d.get("count", 0) for _, _, d in graph.edges(data=True)]
    max_count = max(counts, default=0)
    width = max((b.x + b.width / 2 for b in boxes.values()), default=0) + 2 * _MARGIN + 120
    height = max((b.y + b.height / 2 for b in boxes.values()), default=0) + 2 * _MARGIN
    out = [f'<svg class="tm-map" role="img" xmlns="http://www.w3.org/2000/svg" width="100%" '
           f'viewBox="0 0 {width:.0f} {height:.0f}" preserveAspectRatio="xMidYMin meet" '
           f'style="max-width:{width:.0f}px">',
           f"<title>{escape(title)}</title>",
           '<defs><marker id="tm-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="9" markerUnits="userSpaceOnUse" '
           'markerHeight="9" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#5f6b7a"/></marker></defs>',
           f'<g transform="translate({_MARGIN},{_MARGIN})">']
    for (u, v), eid in edge_id.items():
        d = graph.edges[u, v]
        a, b = boxes[u], boxes[v]
        path, lx, ly = _edge_path(a, b, back=(u, v) not in forward, self_loop=u == v)
        w = _edge_width(d.get("count", 0), max_count)
        out.append(f'<g class="tm-edge" id="{eid}" data-count="{int(d.get("count", 0))}"{_ends_attrs(u, v)}>'
                   f"<title>{escape(str(u))} → {escape(str(v))}</title>"
                   f'<path d="{path}" fill="none" stroke="#5f6b7a" stroke-opacity="0.8" '
                   f'stroke-width="{w:.2f}" marker-end="url(#tm-arrow)"/>'
                   f'<text x="{lx:.1f}" y="{ly:.1f}" font-size="9" fill="#3b4654">{escape(_edge_label(d, wait_attr))}</text></g>')
    for n, box in boxes.items():
        d = graph.nodes[n]
        kind = d.get("kind", "activity")
        count = int(d.get("count", 0))
        common = f'class="tm-node" id="{node_id[n]}" data-count="{count}" data-kind="{kind}"'
        if kind in ("start", "end"):
            out.append(f"<g {common}><title>{escape(str(n))}</title>"
                       f'<circle cx="{box.x:.1f}" cy="{box.y:.1f}" r="15" fill="#d8e8d0" stroke="#5b8a4a"/>'
                       f'<text x="{box.x:.1f}" y="{box.y + 3:.1f}" font-size="8" text-anchor="middle">{kind}</text></g>')
            continue
        x0, y0 = box.x - box.width / 2, box.y - box.height / 2
        out.append(f"<g {common}><title>{escape(str(n))} ({count})</title>"
                   f'<rect x="{x0:.1f}" y="{y0:.1f}" width="{box.width:.1f}" height="{box.height:.1f}" rx="7" '
                   f'fill="#eef3fb" stroke="#5b7db1"/>'
                   f'<text x="{box.x:.1f}" y="{box.y - 2:.1f}" font-size="11" text-anchor="middle">{escape(short(str(n)))}</text>'
                   f'<text x="{box.x:.1f}" y="{box.y + 11:.1f}" font-size="9" text-anchor="middle" fill="#55606e">{count}</text></g>')
    out.append("</g></svg>")
    return "".join(out)


def _edge_path(a: NodeBox, b: NodeBox, *, back: bool, self_loop: bool) -> tuple[str, float, float]:
    """A cubic Bézier between two boxes; back edges bow out to the right."""
    if self_loop:
        x, y = a.x + a.width / 2, a.y
        return (f"M{x:.1f},{y - 8:.1f} C{x + 40:.1f},{y - 30:.1f} {x + 40:.1f},{y + 30:.1f} {x:.1f},{y + 8:.1f}",
                x + 34, y)
    if not back and b.y > a.y:
        x1, y1 = a.x, a.y + a.height / 2
        x2, y2 = b.x, b.y - b.height / 2
        my = (y1 + y2) / 2
        return (f"M{x1:.1f},{y1:.1f} C{x1:.1f},{my:.1f} {x2:.1f},{my:.1f} {x2:.1f},{y2:.1f}",
                (x1 + x2) / 2 + 4, my - 3)
    x1, y1 = a.x + a.width / 2, a.y
    x2, y2 = b.x + b.width / 2, b.y
    bow = max(x1, x2) + 40 + 0.15 * abs(y1 - y2)
    return (f"M{x1:.1f},{y1:.1f} C{bow:.1f},{y1:.1f} {bow:.1f},{y2:.1f} {x2:.1f},{y2:.1f}",
            bow - 10, (y1 + y2) / 2)
