"""Transition graphs of many recordings: segment and mine each partition, merge exactly.

Examples
--------
>>> import tempfile, taskmining as tm
>>> rec = tempfile.mkdtemp()
>>> _ = tm.simulate(n_users=2, hours=0.2, path=rec)
>>> transition_graph_partitions(rec, method="idle_gap", progress=False).graph["batch"]["partitions"]
2
"""

from __future__ import annotations

from functools import partial
from itertools import pairwise
from typing import Any

import networkx as nx
import pandas as pd

from taskmining.batch.run import map_partitions
from taskmining.errors import MiningError
from taskmining.mining.graphs import transition_graph
from taskmining.mining.merge import graph_from_rows, graph_rows, merge_graphs
from taskmining.segmentation.apply import resolve_method, segment, split_options

__all__ = ["transition_graph_partitions"]


def _segment_and_graph(events: pd.DataFrame, method: Any, level: str | None, params: dict[str, Any],
                       step_options: dict[str, Any]) -> pd.DataFrame:
    tasks = segment(events, method, params=params, step_options=step_options)
    return graph_rows(transition_graph(tasks, level=level))  # type: ignore[arg-type]


def transition_graph_partitions(source: Any, *, method: Any = "auto", level: str | None = None,
                                params: dict[str, Any] | None = None, step_options: dict[str, Any] | None = None,
                                **options: Any) -> nx.DiGraph:
    """Segment every partition, mine its transition graph there, and merge the graphs.

    Only the small per-partition graphs travel back, so the whole log is
    never in memory. At ``level="step"`` or ``"app"`` equal to
    :func:`~taskmining.transition_graph` of the whole tasks frame (as
    :func:`merge_graphs` describes: counts and moments exact, quantiles
    NaN) when the method cuts per session. At the default level,
    activities, each partition finds and masks its screens from its own
    records, so a label can differ from the whole log's (a partition with
    few instances masks more); every case is counted once either way.

    Parameters
    ----------
    source
        Anything :func:`~taskmining.batch.run.partitions` takes.
    method, params, step_options
        As in :func:`~taskmining.segment`.
    level : {"activity", "step", "app"}, optional
        As in :func:`~taskmining.transition_graph` (default ``"activity"``).
    **options
        ``by``, ``backend``, ``n_jobs``, ``errors``, ``progress``, ``format``,
        ``tz``, ``key`` as in :func:`~taskmining.batch.run.map_partitions`; any
        other keyword is a parameter of the segmenter.

    Returns
    -------
    networkx.DiGraph
        ``graph["batch"]`` holds the batch summary (partitions, failures).

    Examples
    --------
    >>> import tempfile, taskmining as tm
    >>> rec = tempfile.mkdtemp()
    >>> _ = tm.simulate(n_users=2, hours=0.2, path=rec)
    >>> g = transition_graph_partitions(rec, method="idle_gap", level="step", progress=False)
    >>> whole = tm.transition_graph(tm.segment(tm.read_events(rec, progress=False), method="idle_gap"), "step")
    >>> sorted(g.edges) == sorted(whole.edges), g.graph["n_cases"] == whole.graph["n_cases"]
    (True, True)
    """
    batch_keys = ("by", "backend", "n_jobs", "errors", "progress", "format", "tz", "key", "scheduler")
    batch = {k: options.pop(k) for k in list(options) if k in batch_keys}
    seg_params, steps = split_options(params, step_options, options)
    resolve_method(method, dict(seg_params))
    rows = map_partitions(source, partial(_segment_and_graph, method=method, level=level, params=seg_params,
                                          step_options=steps), **batch)
    info = rows.attrs["taskmining"]["batch"]
    bounds = [0]
    for size in info["sizes"]:
        bounds.append(bounds[-1] + size)
    graphs = [graph_from_rows(rows.iloc[a:b]) for a, b in pairwise(bounds) if b > a]
    if not graphs:
        raise MiningError("transition_graph_partitions: no partition could be mined "
                          f"({info['failed']} of {info['partitions']} failed)")
    merged = merge_graphs(graphs)
    merged.graph["batch"] = info
    return merged
