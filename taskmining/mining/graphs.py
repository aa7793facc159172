"""Transition graphs (directly-follows graphs) of steps or applications.

``transition_graph`` returns a :class:`networkx.DiGraph`. Its nodes are the
activities (``kind="activity"``) plus two artificial nodes, :data:`START`
(``"▶ start"``, ``kind="start"``) and :data:`END` (``"■ end"``,
``kind="end"``). An edge ``a → b`` counts how often step ``b`` directly
follows step ``a`` within a case; ``START → a`` counts the cases starting
with ``a`` and ``a → END`` those ending with it.

Waiting time of an edge: seconds from the **end** of the source step (its
last event) to the **start** of the target step (its first event). With one
row per step this is the timestamp difference, which is what pm4py's
performance DFG measures (and with a ``start_timestamp`` column pm4py
measures the same end-to-start gap).

At ``level="app"`` consecutive steps of a case in the same application are
merged into one visit, so an edge is an application switch, counted once
per switch.

Examples
--------
>>> import pandas as pd
>>> import taskmining as tm
>>> tasks = pd.DataFrame({
...     "case_id": ["c1", "c1", "c1", "c2", "c2"],
...     "step": ["open", "edit", "save", "open", "save"],
...     "timestamp": pd.to_datetime(["2026-01-05 09:00:00", "2026-01-05 09:00:10",
...                                  "2026-01-05 09:00:40", "2026-01-05 10:00:00",
...                                  "2026-01-05 10:00:05"], utc=True),
... })
>>> g = tm.transition_graph(tasks)
>>> g.edges["open", "edit"]["count"], g.edges["edit", "save"]["mean"]
(1, 30.0)
>>> dfg, start, end = tm.to_pm4py_dfg(g)
>>> sorted(dfg.items()), start, end
([(('edit', 'save'), 1), (('open', 'edit'), 1), (('open', 'save'), 1)], {'open': 2}, {'save': 2})
"""

from __future__ import annotations

from typing import Any, Literal

import networkx as nx
import numpy as np
import pandas as pd

from taskmining.errors import MiningError, ParameterError
from taskmining.mining._codes import factorize
from taskmining.mining._frame import NS, Sequences, distinct_activities, encode
from taskmining.mining._pyobjects import paused_gc
from taskmining.mining._stats import BLOCK, group_stats
from taskmining.mining.display import TransitionGraph
from taskmining.mining.graph_text import graph_to_dot, graph_to_json
from taskmining.mining.levels import at_level
from taskmining.schema import APP, CASE_ID, STEP, TIMESTAMP

__all__ = ["transition_graph", "to_pm4py_dfg", "performance_dfg", "filter_graph", "graph_to_dot",
           "graph_to_json", "START", "END", "PERF_STATS"]

START = "▶ start"
END = "■ end"
#: Waiting-time statistics on activity edges (seconds), as pm4py names them.
PERF_STATS = ("mean", "median", "max", "min", "sum", "stdev")


def _sequences(tasks: pd.DataFrame, level: str, case_col: str, activity_col: str, timestamp_col: str,
               app_col: str, step_id_col: str | None, what: str) -> Sequences:
    tasks, step_id_col, activity_col = at_level(tasks, level, ("step", "activity", "app"), what=what,
                                                case_col=case_col, activity_col=activity_col,
                                                timestamp_col=timestamp_col, step_id_col=step_id_col)
    seq = encode(tasks, case_col=case_col, activity_col=activity_col, timestamp_col=timestamp_col,
                 step_id_col=step_id_col, what=what)
    if level == "app":
        if app_col not in tasks.columns:
            raise MiningError(f"{what}: level='app' needs column {app_col!r}, which is missing")
        codes, labels = factorize(tasks[app_col])
        app = codes[seq.row]
        if (app < 0).any():
            app = np.where(app < 0, len(labels), app)
            labels = np.append(labels, "(unknown)")
        seq = seq.collapse(app, labels)
    return seq


def _pair_keys(seq: Sequences) -> tuple[np.ndarray, np.ndarray]:
    """Step index ``i`` of each directly-follows pair (``i`` -> ``i + 1``) and its pair key."""
    k = len(seq.act_labels)
    i = seq.same_case_pairs()
    src = seq.act[i] if k * k < 2**31 else seq.act[i].astype(np.int64)
    return i, src * k + seq.act[i + 1]


_BLOCK = BLOCK  # steps per block in the pair passes


def _case_starts(seq: Sequences) -> np.ndarray:
    """Each step that starts a case, except the first step (cases without steps skipped)."""
    ptr = seq.ptr[1:-1]
    ptr = ptr[(ptr > 0) & (ptr < seq.n_steps)]
    return ptr[np.r_[True, ptr[1:] != ptr[:-1]]] if len(ptr) else ptr


def _counts(seq: Sequences) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct pairs (src, dst codes) and their counts: bincount, no sorting.

    Every adjacent pair of steps is counted, then the pairs that cross from
    one case to the next (one per case start) are taken off again.
    """
    k = len(seq.act_labels)
    if _BLOCK < k * k <= 10_000_000:  # many possible pairs: count the present ones only
        key = seq.act[:-1] * k
        key += seq.act[1:]
        key[_case_starts(seq) - 1] = k * k  # pairs across cases: the extra key, dropped
        present, edge = _present(key, k * k)
        return present // k, present % k, np.bincount(edge, minlength=len(present) + 1)[:-1]
    if k * k <= 10_000_000:
        act, n = seq.act, seq.n_steps
        block = _BLOCK
        counts = np.zeros(k * k, dtype=np.int64)
        for lo in range(0, n - 1, block):
            a = act[lo:min(lo + block, n - 1) + 1]
            counts += np.bincount(a[:-1] * k + a[1:], minlength=k * k)
        cross = _case_starts(seq)  # pair ``p - 1 -> p`` crosses cases
        counts -= np.bincount(act[cross - 1] * k + act[cross], minlength=k * k)
        present = np.flatnonzero(counts)
        counts = counts[present]
    else:
        _, key = _pair_keys(seq)
        present, counts = np.unique(key, return_counts=True)
    return present // k, present % k, counts


def _present(key: np.ndarray, n_keys: int) -> tuple[np.ndarray, np.ndarray]:
    """The keys below ``n_keys`` that occur (sorted) and each key's rank among them (``len(present)`` for
    ``n_keys`` itself): a byte per possible key marks the present ones, no count per possible key is
    allocated and no key is sorted."""
    seen = np.zeros(n_keys + 1, dtype=bool)
    seen[key] = True
    present = np.flatnonzero(seen[:-1])
    rank = np.empty(n_keys + 1, dtype=np.int32 if len(present) < 2**31 else np.int64)  # touched where present
    rank[present] = np.arange(len(present), dtype=rank.dtype)
    rank[n_keys] = len(present)
    return present, rank[key]


def _edges(seq: Sequences, quantiles: tuple[float, ...] = (0.5, 0.9)
           ) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """Distinct directly-follows pairs (src, dst codes) and their waiting-time stats."""
    k = len(seq.act_labels)
    if k * k <= 10_000_000:  # every adjacent pair; the case-crossing ones go to an extra group, dropped
        act = seq.act
        key = act[:-1] * k
        key += act[1:]  # in place: one log-length temporary fewer
        key[_case_starts(seq) - 1] = k * k
        wait = seq.start[1:] - seq.end[:-1]
        if k * k <= 1_000_000:  # statistics over every possible pair, then the present ones
            stats = group_stats(key, wait, k * k + 1, quantiles=quantiles, scale=NS)
            present = np.flatnonzero(stats["count"][:-1])
            return present // k, present % k, {name: v[present] for name, v in stats.items()}
        present, edge = _present(key, k * k)
        stats = group_stats(edge, wait, len(present) + 1, quantiles=quantiles, scale=NS)
        return present // k, present % k, {name: v[:-1] for name, v in stats.items()}
    i, key = _pair_keys(seq)
    wait = seq.start[i + 1] - seq.end[i]
    present, edge = np.unique(key, return_inverse=True)
    stats = group_stats(edge, wait, len(present), quantiles=quantiles, scale=NS)
    return present // k, present % k, stats


def _endpoints(seq: Sequences) -> tuple[np.ndarray, np.ndarray]:
    k = len(seq.act_labels)
    return (np.bincount(seq.act[seq.first()], minlength=k), np.bincount(seq.act[seq.last()], minlength=k))


def transition_graph(
    tasks: pd.DataFrame,
    level: Literal["step", "activity", "app"] = "step",
    *,
    min_count: int | None = None,
    min_share: float | None = None,
    case_col: str = CASE_ID,
    activity_col: str = STEP,
    timestamp_col: str = TIMESTAMP,
    app_col: str = APP,
    step_id_col: str | None = "step_id",
) -> nx.DiGraph:
    """The transition graph of steps (or applications) with counts and waiting times.

    Parameters
    ----------
    tasks : pandas.DataFrame
        The tasks frame.
    level : {"step", "activity", "app"}
        Steps, activities (:mod:`taskmining.mining.activities`), or
        application visits (an edge per application switch).
    min_count, min_share : optional
        Frequency filter, see :func:`filter_graph`.
    case_col, activity_col, timestamp_col, app_col : str
        Column names.
    step_id_col : str or None
        Collapse consecutive rows of one step; ``None``: one row = one step.

    Returns
    -------
    networkx.DiGraph
        Nodes: ``kind`` (start/end/activity), ``count`` (occurrences),
        ``cases`` (cases containing it). Edges: ``count``, ``share`` (of all
        edge counts) and, between activities, waiting-time ``mean``,
        ``median``, ``p90``, ``min``, ``max``, ``sum``, ``stdev`` in seconds.
        ``graph.graph`` holds ``level``, ``n_cases``, ``n_unassigned``.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"case_id": ["c", "c", "c"], "step": ["a", "b", "c"],
    ...                   "app": ["excel", "excel", "sap"],
    ...                   "timestamp": pd.to_datetime(["2026-01-05 09:00:00", "2026-01-05 09:00:01",
    ...                                                "2026-01-05 09:00:05"], utc=True)})
    >>> g = transition_graph(t, level="app")
    >>> sorted(g.edges)
    [('excel', 'sap'), ('sap', '■ end'), ('▶ start', 'excel')]
    >>> g.edges["excel", "sap"]["mean"]
    4.0
    """
    seq = _sequences(tasks, level, case_col, activity_col, timestamp_col, app_col, step_id_col,
                     "transition_graph")
    labels = seq.act_labels
    k = len(labels)
    src, dst, stats = _edges(seq)
    starts, ends = _endpoints(seq)
    occ = np.bincount(seq.act, minlength=k)
    cases = distinct_activities(seq)[1]
    total = float(stats["count"].sum() + starts.sum() + ends.sum())
    g = TransitionGraph(level=level, n_cases=seq.n_cases, n_unassigned=seq.n_unassigned)
    g.add_node(START, kind="start", count=seq.n_cases, cases=seq.n_cases)
    for a in np.flatnonzero(occ):
        g.add_node(str(labels[a]), kind="activity", count=int(occ[a]), cases=int(cases[a]))
    g.add_node(END, kind="end", count=seq.n_cases, cases=seq.n_cases)
    for a in np.flatnonzero(starts):
        g.add_edge(START, str(labels[a]), count=int(starts[a]), share=starts[a] / total)
    cols = {"mean": stats["mean"], "median": stats["q0.5"], "p90": stats["q0.9"], "min": stats["min"],
            "max": stats["max"], "sum": stats["sum"], "stdev": stats["stdev"]}
    for e in range(len(src)):
        attrs = {name: float(v[e]) for name, v in cols.items()}
        g.add_edge(str(labels[src[e]]), str(labels[dst[e]]), count=int(stats["count"][e]),
                   share=stats["count"][e] / total, **attrs)
    for a in np.flatnonzero(ends):
        g.add_edge(str(labels[a]), END, count=int(ends[a]), share=ends[a] / total)
    if min_count is not None or min_share is not None:
        g = filter_graph(g, min_count=min_count, min_share=min_share)
    return g


def filter_graph(graph: nx.DiGraph, *, min_count: int | None = None,
                 min_share: float | None = None) -> nx.DiGraph:
    """A copy of ``graph`` without edges below ``min_count`` or ``min_share``.

    Activity nodes left without any edge are dropped too; the start and end
    nodes stay. Node and edge attributes are unchanged (counts still refer
    to the whole log).

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.DiGraph()
    >>> g.add_node("a", kind="activity"); g.add_node("b", kind="activity")
    >>> g.add_edge("a", "b", count=1, share=0.1)
    >>> len(filter_graph(g, min_count=2).nodes)
    0
    """
    if min_count is not None and min_count < 0:
        raise ParameterError(f"min_count must be >= 0, got {min_count}")
    if min_share is not None and not 0 <= min_share <= 1:
        raise ParameterError(f"min_share must be in [0, 1], got {min_share}")
    out = graph.copy()
    drop = [(u, v) for u, v, d in out.edges(data=True)
            if (min_count is not None and d.get("count", 0) < min_count)
            or (min_share is not None and d.get("share", 0.0) < min_share)]
    out.remove_edges_from(drop)
    out.remove_nodes_from([n for n, d in list(out.nodes(data=True))
                           if d.get("kind") == "activity" and out.degree(n) == 0])
    return out


def performance_dfg(
    tasks: pd.DataFrame,
    *,
    case_col: str = CASE_ID,
    activity_col: str = STEP,
    timestamp_col: str = TIMESTAMP,
    step_id_col: str | None = "step_id",
) -> dict[tuple[str, str], dict[str, float]]:
    """Waiting-time statistics per directly-follows pair, shaped like pm4py's performance DFG.

    Equal to the first element of ``pm4py.discover_performance_dfg`` on the
    same log (one row per step): ``{(a, b): {"mean", "median", "max", "min",
    "sum", "stdev"}}`` in seconds (``stdev`` with ``ddof=1``, NaN for a
    single observation).

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"case_id": ["c", "c"], "step": ["a", "b"],
    ...                   "timestamp": pd.to_datetime(["2026-01-05 09:00:00", "2026-01-05 09:00:03"], utc=True)})
    >>> performance_dfg(t)[("a", "b")]["mean"]
    3.0
    """
    return _dfg_from_tasks(tasks, "performance", case_col=case_col, activity_col=activity_col,
                           timestamp_col=timestamp_col, step_id_col=step_id_col)[0]


def to_pm4py_dfg(
    graph_or_tasks: nx.DiGraph | pd.DataFrame,
    *,
    measure: Literal["frequency", "performance"] = "frequency",
    **columns: Any,
) -> tuple[dict[tuple[str, str], Any], dict[str, int], dict[str, int]]:
    """pm4py's ``(dfg, start_activities, end_activities)`` triple, without importing pm4py.

    Parameters
    ----------
    graph_or_tasks : networkx.DiGraph or pandas.DataFrame
        A graph from :func:`transition_graph`, or a tasks frame (then the
        graph is built first with ``**columns`` passed on).
    measure : {"frequency", "performance"}
        ``dfg`` values: edge counts (like ``pm4py.discover_dfg``) or the
        waiting-time dicts of ``pm4py.discover_performance_dfg``.

    Returns
    -------
    tuple of dict
        ``dfg`` keyed by ``(source, target)``, start and end activity counts.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"case_id": ["c", "c"], "step": ["a", "b"],
    ...                   "timestamp": pd.to_datetime(["2026-01-05 09:00:00", "2026-01-05 09:00:03"], utc=True)})
    >>> to_pm4py_dfg(t)
    ({('a', 'b'): 1}, {'a': 1}, {'b': 1})
    """
    if measure not in ("frequency", "performance"):
        raise ParameterError(f"measure must be 'frequency' or 'performance', got {measure!r}")
    if isinstance(graph_or_tasks, pd.DataFrame):
        return _dfg_from_tasks(graph_or_tasks, measure, **columns)
    if not isinstance(graph_or_tasks, nx.DiGraph):
        raise ParameterError(f"graph_or_tasks must be a networkx.DiGraph or a DataFrame, "
                             f"got {type(graph_or_tasks).__name__}")
    graph = graph_or_tasks
    kind = nx.get_node_attributes(graph, "kind")
    dfg: dict[tuple[str, str], Any] = {}
    start: dict[str, int] = {}
    end: dict[str, int] = {}
    for u, v, d in graph.edges(data=True):
        if kind.get(u) == "start":
            start[v] = d["count"]
        elif kind.get(v) == "end":
            end[u] = d["count"]
        elif measure == "frequency":
            dfg[(u, v)] = d["count"]
        else:
            dfg[(u, v)] = {name: d[name] for name in PERF_STATS}
    return dfg, start, end


def _dfg_from_tasks(tasks: pd.DataFrame, measure: str, level: str = "step", case_col: str = CASE_ID,
                    activity_col: str = STEP, timestamp_col: str = TIMESTAMP, app_col: str = APP,
                    step_id_col: str | None = "step_id") -> tuple[dict, dict[str, int], dict[str, int]]:
    """The pm4py triple straight from the encoded log (no graph, no stats for frequency)."""
    seq = _sequences(tasks, level, case_col, activity_col, timestamp_col, app_col, step_id_col, "to_pm4py_dfg")
    labels = seq.act_labels.tolist()
    dfg: dict[tuple[str, str], Any]
    if measure == "frequency":
        src, dst, counts = _counts(seq)
        dfg = {(labels[a], labels[b]): int(c) for a, b, c in zip(src.tolist(), dst.tolist(), counts.tolist())}
    else:
        src, dst, stats = _edges(seq, quantiles=(0.5,))
        cols = {"mean": stats["mean"], "median": stats["q0.5"], "max": stats["max"], "min": stats["min"],
                "sum": stats["sum"], "stdev": stats["stdev"]}
        names = list(cols)
        rows = zip(*(cols[name].tolist() for name in names), strict=True)  # Python floats in one pass per stat
        with paused_gc():  # thousands of dicts
            dfg = {(labels[a], labels[b]): dict(zip(names, row, strict=True))
                   for a, b, row in zip(src.tolist(), dst.tolist(), rows, strict=True)}
    starts, ends = _endpoints(seq)
    return (dfg, {labels[a]: int(starts[a]) for a in np.flatnonzero(starts)},
            {labels[a]: int(ends[a]) for a in np.flatnonzero(ends)})
