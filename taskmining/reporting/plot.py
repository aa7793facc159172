"""Plots with matplotlib: transition graphs, variant bars, session timelines, durations.

matplotlib is an optional extra (``pip install taskmining[report]``); every
function returns the matplotlib ``Axes`` it drew on, so plots compose in
notebooks.

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import pandas as pd
>>> tasks = pd.DataFrame({
...     "timestamp": pd.to_datetime(["2026-01-05 09:00", "2026-01-05 09:05",
...                                  "2026-01-05 09:06", "2026-01-05 09:20"], utc=True),
...     "session": ["s1"] * 4, "app": ["outlook", "erp", "excel", "excel"],
...     "case_id": ["c1", "c1", "c2", "c2"], "task": ["Invoice", "Invoice", "Lookup", "Lookup"]})
>>> ax = timeline(tasks, session="s1")
>>> ax.get_title()
'Session s1'
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import TYPE_CHECKING, Any

import networkx as nx
import numpy as np
import pandas as pd

from taskmining.draw.layout import layered_layout
from taskmining.draw.svg_map import short
from taskmining.errors import ParameterError
from taskmining.reporting.charts import color_for

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = ["transition_graph", "variants", "timeline", "durations"]


def _plt() -> Any:
    try:
        import matplotlib.pyplot as plt
    except ImportError:  # pragma: no cover - depends on the environment
        raise ParameterError("plotting needs matplotlib: pip install 'taskmining[report]'") from None
    return plt


def _axes(ax: Axes | None, size: tuple[float, float]) -> Axes:
    if ax is not None:
        return ax
    _, new = _plt().subplots(figsize=size)
    return new


def transition_graph(graph: nx.DiGraph, *, ax: Axes | None = None, min_count: int = 0) -> Axes:
    """Draw a transition graph (from :func:`taskmining.transition_graph`) top to bottom.

    Edge width follows frequency; edges rarer than ``min_count`` are left out.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import networkx as nx
    >>> g = nx.DiGraph(); g.add_edge("a", "b", count=3)
    >>> transition_graph(g).get_title()
    'Transition graph'
    """
    g = nx.DiGraph()
    g.add_nodes_from(graph.nodes(data=True))
    g.add_edges_from((u, v, d) for u, v, d in graph.edges(data=True) if d.get("count", 0) >= min_count)
    start = next((n for n, d in g.nodes(data=True) if d.get("kind") == "start"), None)
    end = next((n for n, d in g.nodes(data=True) if d.get("kind") == "end"), None)
    boxes = layered_layout(g, source=start, sink=end, label=lambda n: short(str(n)))
    pos: dict[Hashable, tuple[float, float]] = {n: (b.x, -b.y) for n, b in boxes.items()}
    ax = _axes(ax, (8, max(3.0, 0.9 * (max((b.layer for b in boxes.values()), default=0) + 1))))
    counts = np.array([d.get("count", 0) for _, _, d in g.edges(data=True)], dtype=float)
    top = counts.max() if len(counts) else 1.0
    widths = 0.5 + 4.5 * np.log1p(counts) / np.log1p(max(top, 1.0))
    nx.draw_networkx_edges(g, pos, ax=ax, width=list(widths), edge_color="#5f6b7a", arrowsize=10,
                           connectionstyle="arc3,rad=0.12", node_size=1200)
    labels = {n: ("start" if d.get("kind") == "start" else "end" if d.get("kind") == "end" else short(str(n), 24))
              for n, d in g.nodes(data=True)}
    nx.draw_networkx_labels(g, pos, labels=labels, ax=ax, font_size=8,
                            bbox={"boxstyle": "round,pad=0.3", "fc": "#eef3fb", "ec": "#5b7db1"})
    ax.set_title("Transition graph")
    ax.set_axis_off()
    return ax


def variants(variants_frame: pd.DataFrame, *, ax: Axes | None = None, top: int = 10,
             label_col: str | None = None, count_col: str = "count") -> Axes:
    """Horizontal bars of the most frequent variants (from :func:`taskmining.variants`).

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import pandas as pd
    >>> v = pd.DataFrame({"variant": ["A → B", "A → C"], "count": [5, 2]})
    >>> len(variants(v, label_col="variant").patches)
    2
    >>> alike = pd.DataFrame({"variant": ["Open invoice → " * 6 + end for end in ("Save", "Print")],
    ...                       "count": [4, 3]})
    >>> [t.get_text()[-7:] for t in variants(alike).get_yticklabels()]
    ['→ Print', ' → Save']
    """
    if count_col not in variants_frame.columns:
        raise ParameterError(f"variants frame has no column {count_col!r}")
    col = label_col or next((c for c in ("label", "variant") if c in variants_frame.columns), None)
    if col is None:
        raise ParameterError("pass label_col=: the variants frame has no 'label' or 'variant' column")
    head = variants_frame.head(top).iloc[::-1]
    ax = _axes(ax, (8, 0.4 * len(head) + 1))
    # one bar per row at its own position: labels are only tick text, so variants that
    # start alike never share a bar; ranks and a middle cut keep the labels apart too
    ranks = range(len(head), 0, -1)
    labels = [f"{rank}. {_middle_cut(str(s), 60)}" for rank, s in zip(ranks, head[col])]
    positions = np.arange(len(head))
    ax.barh(positions, head[count_col].to_numpy(), color=[color_for(str(s)) for s in head[col]])
    ax.set_yticks(positions, labels)
    ax.set_xlabel("cases")
    ax.set_title(f"Top {len(head)} variants")
    return ax


def _middle_cut(label: str, limit: int) -> str:
    """``label`` cut in the middle to ``limit`` characters: its start and its end stay readable."""
    if len(label) <= limit:
        return label
    keep = limit - 3
    return f"{label[: keep - keep // 2]} … {label[len(label) - keep // 2:]}"


def timeline(tasks: pd.DataFrame, *, session: str | None = None, ax: Axes | None = None,
             by: str = "task") -> Axes:
    """A Gantt chart of one session: task instances (or apps) over the day.

    Parameters
    ----------
    tasks : pandas.DataFrame
        The tasks frame (``timestamp``, ``session``, ``case_id``, ``task``, ``app``).
    session : str, optional
        Which session (default: the first).
    by : {"task", "app"}
        Bars per task instance, coloured by task type, or per application run.
    """
    for col in ("timestamp", "session"):
        if col not in tasks.columns:
            raise ParameterError(f"timeline needs column {col!r}")
    if by not in ("task", "app"):
        raise ParameterError(f"by must be 'task' or 'app', got {by!r}")
    if session is None:
        if len(tasks) == 0:
            raise ParameterError("timeline of an empty frame")
        session = str(tasks["session"].iloc[0])
    df = tasks.loc[tasks["session"] == session]
    if df.empty:
        raise ParameterError(f"no events of session {session!r}")
    df = df.sort_values("timestamp")
    if by == "task":
        if "case_id" not in df.columns:
            raise ParameterError("timeline by task needs 'case_id' (segment the events first)")
        df = df.loc[df["case_id"].notna()]
        key = df["case_id"].astype(str)
        colour_key = df["task"].astype(str) if "task" in df.columns else key
    else:
        run = (df["app"].astype(str) != df["app"].astype(str).shift()).cumsum()
        key = run.astype(str)
        colour_key = df["app"].astype(str)
    grouped = pd.DataFrame({"k": key, "c": colour_key, "t": df["timestamp"]}).groupby("k", sort=False, observed=True)
    spans = grouped.agg(start=("t", "min"), end=("t", "max"), colour=("c", "first")).sort_values("start")
    ax = _axes(ax, (10, 3))
    lanes: dict[str, int] = {}
    mdates = _plt().matplotlib.dates
    for row in spans.itertuples():
        lane = lanes.setdefault(row.colour, len(lanes))
        width = max((row.end - row.start).total_seconds() / 86400.0, 1e-5)
        ax.barh(lane, width, left=mdates.date2num(row.start.tz_convert(None)),
                color=color_for(row.colour), edgecolor="white", height=0.8)
    ax.set_yticks(range(len(lanes)), [short(k, 28) for k in lanes])
    ax.xaxis_date()
    ax.set_title(f"Session {session}")
    return ax


def durations(tasks: pd.DataFrame, *, ax: Axes | None = None, by: str = "task", bins: int = 30) -> Axes:
    """Histograms of case handling time (seconds, first to last event) per task type.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import pandas as pd
    >>> t = pd.DataFrame({"timestamp": pd.to_datetime(["2026-01-05 09:00", "2026-01-05 09:02"], utc=True),
    ...                   "case_id": ["c1", "c1"], "task": ["A", "A"]})
    >>> durations(t).get_xlabel()
    'handling time (s)'
    """
    for col in ("timestamp", "case_id"):
        if col not in tasks.columns:
            raise ParameterError(f"durations needs column {col!r}")
    df = tasks.loc[tasks["case_id"].notna()]
    g = df.groupby("case_id", sort=False, observed=True)["timestamp"]
    span = (g.max() - g.min()).dt.total_seconds()
    types = (df.groupby("case_id", sort=False, observed=True)[by].first() if by in df.columns
             else pd.Series("all", index=span.index))
    ax = _axes(ax, (8, 4))
    for name, values in span.groupby(types.reindex(span.index).astype(str), observed=True):
        ax.hist(values, bins=bins, alpha=0.6, label=short(str(name), 30), color=color_for(str(name)))
    ax.set_xlabel("handling time (s)")
    ax.set_ylabel("cases")
    ax.legend(fontsize=8)
    return ax
