"""Mining the tasks frame: variants, transition graphs, metrics, candidates, comparisons.

Every function takes the tasks frame of ``docs/schema.md`` (or any frame with
``case_id``, ``step`` and ``timestamp`` columns) and returns new frames, a
``networkx.DiGraph`` or a :class:`Comparison`; see ``docs/mining.md``. The
main functions are re-exported at the top level (``taskmining.variants`` ...).

Examples
--------
>>> from taskmining import mining
>>> callable(mining.variants) and callable(mining.transition_graph)
True
"""

from __future__ import annotations

from taskmining.mining._frame import Columns, Sequences, column_names, encode
from taskmining.mining.candidates import automation_candidates
from taskmining.mining.compare import compare
from taskmining.mining.fragmentation import fragmentation
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
from taskmining.mining.metrics import case_table, task_metrics, transfers
from taskmining.mining.results import Comparison
from taskmining.mining.variant_lookup import variant_cases
from taskmining.mining.variants import variants

__all__ = [
    "END", "START", "Columns", "Sequences", "column_names", "encode", "Comparison", "automation_candidates", "case_table", "compare", "filter_graph",
    "fragmentation", "graph_to_dot", "graph_to_json", "performance_dfg", "task_metrics", "to_pm4py_dfg",
    "transfers", "transition_graph", "variant_cases", "variants",
]
