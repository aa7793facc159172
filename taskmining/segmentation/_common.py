"""What several segmenters share: class labels of steps, the step graph and its loops.

Kept below every segmenter so that none imports another's internals:
``start_end_discovery`` and ``auto`` use the class labels, and task
recognition's search uses the loop headers of the step graph.

Examples
--------
>>> import pandas as pd
>>> labels = class_labels(pd.Series(["Open 'INV-20260042'", "Save", "Open 'INV-20260043'", "Save"]))
>>> g = step_graph(labels, pd.Series(["s"] * 4), min_count=1)
>>> sorted(loop_headers(g, "Open 'INV-#'"))
["Open 'INV-#'"]
"""

from __future__ import annotations

import re
from collections.abc import Hashable
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from taskmining.segmentation.generated_names import mask_generated

__all__ = ["DIGITS", "UNLABELLED", "class_labels", "loop_headers", "step_graph"]

UNLABELLED = "(unlabelled step)"

#: Runs of three or more digits: record numbers, dates, ids (masked in class labels).
#: Runs of three or more digits (record numbers, dates, ids), masked in class labels.
DIGITS = re.compile(r"\d{3,}")


def class_labels(step: pd.Series) -> pd.Series:
    """The class label of each step label: runs of three or more digits and generated names become ``#``.

    Labels that name the instance's own record (``Open 'ID1113.xls' in Excel``,
    ``Open 'INV-2026-004211'``) would otherwise make a class per instance.
    A quoted name that looks generated (``'QzJDigvyAENHpxjA'``, see
    :mod:`~taskmining.segmentation.generated_names`) names no element a person
    sees and counts as unnamed. Missing labels become :data:`UNLABELLED`.
    Distinct labels are rewritten once.

    Examples
    --------
    >>> import pandas as pd
    >>> class_labels(pd.Series(["Open 'ID1113.xls'", "Click 'B2'", None, "Click 'QzJDigvyAENHpxjA'"])).tolist()
    ["Open 'ID#.xls'", "Click 'B2'", '(unlabelled step)', "Click '#'"]
    """
    codes, uniques = pd.factorize(step, use_na_sentinel=True)
    masked = pd.Series(uniques, dtype=object).astype(str).str.replace(DIGITS, "#", regex=True).map(mask_generated)
    table = np.append(masked.to_numpy(dtype=object), UNLABELLED)
    return pd.Series(table[np.asarray(codes)], index=step.index, dtype=object)


def step_graph(labels: pd.Series, session: pd.Series, *, min_count: int = 2) -> nx.DiGraph:
    """Directly-follows graph of class labels within sessions; edge attribute ``count``.

    Examples
    --------
    >>> import pandas as pd
    >>> g = step_graph(pd.Series(["a", "b", "a", "b"]), pd.Series(["s"] * 4), min_count=1)
    >>> sorted(g.edges(data="count"))
    [('a', 'b', 2), ('b', 'a', 1)]
    """
    frame = pd.DataFrame({"u": labels.to_numpy(dtype=object), "s": session.to_numpy(dtype=object)})
    frame["v"] = frame["u"].shift(-1)
    frame = frame[frame["s"].eq(frame["s"].shift(-1))]
    counts = frame.groupby(["u", "v"], sort=True, observed=True).size()
    graph = nx.DiGraph()
    graph.add_nodes_from(pd.unique(labels.to_numpy(dtype=object)).tolist())
    keep = counts[counts >= min_count]
    us = keep.index.get_level_values(0).tolist()
    vs = keep.index.get_level_values(1).tolist()
    graph.add_edges_from((u, v, {"count": int(n)}) for u, v, n in zip(us, vs, keep.tolist(), strict=True))
    return graph


def _natural_loop(graph: nx.DiGraph, source: Hashable, header: Hashable) -> set[Hashable]:
    loop, stack = {header, source}, [source]
    while stack:
        node = stack.pop()
        for pred in graph.predecessors(node):
            if pred not in loop:
                loop.add(pred)
                stack.append(pred)
    return loop


def loop_headers(graph: nx.DiGraph, root: Hashable) -> dict[Any, tuple[int, list[Any]]]:
    """Natural-loop headers reachable from ``root``: header -> (loop size, back-edge sources).

    Examples
    --------
    >>> g = nx.DiGraph([("a", "b"), ("b", "c"), ("c", "a"), ("c", "b")])
    >>> sorted(loop_headers(g, "a").items())
    [('a', (3, ['c'])), ('b', (2, ['c']))]
    """
    reachable = graph.subgraph(nx.descendants(graph, root) | {root})
    idom = nx.immediate_dominators(reachable, root)

    def dominates(v: Hashable, u: Hashable) -> bool:
        while True:
            if u == v:
                return True
            parent = idom.get(u, u)
            if parent == u:
                return False
            u = parent

    headers: dict[Any, tuple[int, list[Any]]] = {}
    for u, v in sorted(reachable.edges()):
        if u != v and dominates(v, u):
            size = len(_natural_loop(reachable, u, v))
            old_size, sources = headers.get(v, (0, []))
            headers[v] = (max(old_size, size), sorted({*sources, u}))
    return headers
