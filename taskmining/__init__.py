"""taskmining: record desktop work and analyse it like process mining.

The flat, verb-named public API. Every name below is an explicit import for
type checkers, IDEs and Jupyter (``tm.segment?`` shows the function's own
signature); at run time the names load on first use (:mod:`taskmining._lazy`),
so ``import taskmining`` stays fast and optional extras are imported only when
used.

Examples
--------
>>> import taskmining as tm
>>> tm.ACTIONS[:3]
('click', 'double_click', 'right_click')
>>> import inspect
>>> list(inspect.signature(tm.segment).parameters)[:2]
['events', 'method']
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from taskmining._lazy import attach
from taskmining._version import __version__

if TYPE_CHECKING:
    from taskmining import batch as batch
    from taskmining import cli as cli
    from taskmining import datasets as datasets
    from taskmining import draw as draw
    from taskmining import errors as errors
    from taskmining import export as export
    from taskmining import io as io
    from taskmining import mining as mining
    from taskmining import privacy as privacy
    from taskmining import recorder as recorder
    from taskmining import reporting as reporting
    from taskmining import schema as schema
    from taskmining import segmentation as segmentation
    from taskmining import steps as steps
    from taskmining import testing as testing

    from taskmining.batch.discover import partitions as partitions
    from taskmining.batch.graphs import (
        transition_graph_partitions as transition_graph_partitions,
    )
    from taskmining.batch.run import map_partitions as map_partitions
    from taskmining.batch.run import segment_partitions as segment_partitions

    from taskmining.datasets.simulate import simulate as simulate
    from taskmining.errors import DecryptionError as DecryptionError
    from taskmining.errors import ExportError as ExportError
    from taskmining.errors import FormatDetectionError as FormatDetectionError
    from taskmining.errors import IngestError as IngestError
    from taskmining.errors import MiningError as MiningError
    from taskmining.errors import ParameterError as ParameterError
    from taskmining.errors import PrivacyError as PrivacyError
    from taskmining.errors import RecorderError as RecorderError
    from taskmining.errors import SchemaError as SchemaError
    from taskmining.errors import SegmentationError as SegmentationError
    from taskmining.errors import TaskminingError as TaskminingError
    from taskmining.export.link import link_to_process as link_to_process
    from taskmining.export.release import write_ocel as write_ocel

    from taskmining.export.release import to_pm4py as to_pm4py
    from taskmining.export.release import write_xes as write_xes
    from taskmining.io.detect import detect_format as detect_format
    from taskmining.io.formats.generic import from_dataframe as from_dataframe

    from taskmining.io.read import read_events as read_events
    from taskmining.io.registry import list_formats as list_formats
    from taskmining.io.registry import register_format as register_format
    from taskmining.io.write import write_events as write_events
    from taskmining.mining.candidates import (
        automation_candidates as automation_candidates,
    )
    from taskmining.mining.compare import compare as compare
    from taskmining.mining.display import TransitionGraph as TransitionGraph
    from taskmining.mining.fragmentation import fragmentation as fragmentation
    from taskmining.mining.graphs import performance_dfg as performance_dfg
    from taskmining.mining.graphs import to_pm4py_dfg as to_pm4py_dfg
    from taskmining.mining.graphs import transition_graph as transition_graph
    from taskmining.mining.merge import merge_graphs as merge_graphs
    from taskmining.mining.metrics import task_metrics as task_metrics
    from taskmining.mining.variant_lookup import variant_cases as variant_cases

    from taskmining.mining.variants import variants as variants

    from taskmining.recorder.session import Recorder as Recorder
    from taskmining.reporting import plot as plot

    from taskmining.reporting.build import report as report
    from taskmining.schema import ACTIONS as ACTIONS
    from taskmining.schema import COLUMNS as COLUMNS
    from taskmining.schema import validate_events as validate_events
    from taskmining.segmentation.apply import segment as segment
    from taskmining.segmentation.base import BaseSegmenter as BaseSegmenter
    from taskmining.segmentation.registry import list_segmenters as list_segmenters
    from taskmining.segmentation.registry import (
        register_segmenter as register_segmenter,
    )
    from taskmining.segmentation.registry import segmenter as segmenter

    from taskmining.steps.build import build_steps as build_steps
    from taskmining.steps.build import steps_table as steps_table

__getattr__, __dir__, __all__ = attach(__name__, __file__, eager={"__version__": __version__})
