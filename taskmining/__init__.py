"""taskmining: record desktop work and analyse it like process mining.

The flat, verb-named public API. Names load lazily, so ``import taskmining``
stays fast and optional extras are imported only when used.

Examples
--------
>>> import taskmining as tm
>>> tm.ACTIONS[:3]
('click', 'double_click', 'right_click')
>>> callable(tm.read_events)
True
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from taskmining.errors import (
    DecryptionError,
    ExportError,
    FormatDetectionError,
    IngestError,
    MiningError,
    ParameterError,
    PrivacyError,
    RecorderError,
    SchemaError,
    SegmentationError,
    TaskminingError,
)
from taskmining.schema import ACTIONS, COLUMNS, validate_events

__version__ = "0.1.0"

# public name -> module that defines it
_LAZY: dict[str, str] = {
    # reading and writing
    "read_events": "taskmining.io.read",
    "write_events": "taskmining.io.write",
    "from_dataframe": "taskmining.io.generic",
    "list_formats": "taskmining.io.registry",
    "detect_format": "taskmining.io.detect",
    # synthetic data
    "simulate": "taskmining.datasets.simulate",
    # steps and segmentation
    "build_steps": "taskmining.steps.build",
    "steps_table": "taskmining.steps.build",
    "segmenter": "taskmining.segment.registry",
    "list_segmenters": "taskmining.segment.registry",
    "register_segmenter": "taskmining.segment.registry",
    "BaseSegmenter": "taskmining.segment.base",
    # mining
    "variants": "taskmining.mining.variants",
    "variant_cases": "taskmining.mining.variants",
    "transition_graph": "taskmining.mining.graphs",
    "to_pm4py_dfg": "taskmining.mining.graphs",
    "performance_dfg": "taskmining.mining.graphs",
    "TransitionGraph": "taskmining.mining.display",
    "task_metrics": "taskmining.mining.metrics",
    "fragmentation": "taskmining.mining.fragmentation",
    "automation_candidates": "taskmining.mining.candidates",
    "compare": "taskmining.mining.compare",
    # export and joint analysis
    "to_pm4py": "taskmining.export.pm4py_frame",
    "write_xes": "taskmining.export.xes",
    "write_ocel": "taskmining.export.ocel",
    "link_to_process": "taskmining.export.link",
    # batch processing, partition by partition
    "partitions": "taskmining.batch",
    "map_partitions": "taskmining.batch",
    "segment_partitions": "taskmining.batch",
    "merge_graphs": "taskmining.batch",
    "transition_graph_partitions": "taskmining.batch",
    # recorder
    "Recorder": "taskmining.recorder.session",
}

# subpackages reachable as attributes (``tm.segment`` and ``tm.report`` are
# also callable: see their modules)
_SUBMODULES = {"batch", "io", "datasets", "steps", "segment", "mining", "export", "recorder",
               "privacy", "report", "plot", "testing", "schema", "errors", "cli"}

__all__ = sorted(
    [*_LAZY, *_SUBMODULES, "ACTIONS", "COLUMNS", "validate_events", "__version__",
     "TaskminingError", "SchemaError", "IngestError", "FormatDetectionError",
     "ParameterError", "SegmentationError", "MiningError", "ExportError",
     "PrivacyError", "DecryptionError", "RecorderError"]
)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module = importlib.import_module(_LAZY[name])
        value = getattr(module, name)
        globals()[name] = value
        return value
    if name in _SUBMODULES:
        return importlib.import_module(f"taskmining.{name}")
    raise AttributeError(f"module 'taskmining' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__


if TYPE_CHECKING:  # pragma: no cover
    from taskmining.io.read import read_events as read_events
    from taskmining.io.write import write_events as write_events
