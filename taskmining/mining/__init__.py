"""Mining the tasks frame: variants, transition graphs, metrics, candidates, comparisons.

Every function takes the tasks frame of ``docs/schema.md`` (or any frame with
``case_id``, ``step`` and ``timestamp`` columns) and returns new frames or a
``networkx.DiGraph``; see ``docs/mining.md``. The same functions are
re-exported at the top level (``taskmining.variants`` ...).

Examples
--------
>>> from taskmining import mining
>>> callable(mining.variants) and callable(mining.transition_graph)
True
"""

from __future__ import annotations

from taskmining.mining.graphs import (
    END,
    START,
    filter_graph,
    graph_to_dot,
    graph_to_json,
    performance_dfg,
    to_pm4py_dfg,
    transition_graph,
)
from taskmining.mining.variants import variant_cases, variants

__all__ = [
    "END", "START", "filter_graph", "graph_to_dot", "graph_to_json", "performance_dfg",
    "to_pm4py_dfg", "transition_graph", "variant_cases", "variants",
]
