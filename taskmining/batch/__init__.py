"""Batch work over many recordings, partition by partition (serially, in processes, on Dask).

- :func:`partitions` finds the partitions (sessions or users) of a source without reading it;
- :func:`map_partitions` applies a function to each, :func:`segment_partitions` segments each;
- :func:`transition_graph_partitions` mines each partition's graph and merges them exactly
  (:func:`taskmining.mining.merge.merge_graphs`).

See ``docs/batch.md``.

Examples
--------
>>> from taskmining import batch
>>> callable(batch.map_partitions) and callable(batch.segment_partitions)
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from taskmining._lazy import attach

if TYPE_CHECKING:
    from taskmining.batch.discover import BY as BY
    from taskmining.batch.discover import Partition as Partition
    from taskmining.batch.discover import partitions as partitions
    from taskmining.batch.graphs import (
        transition_graph_partitions as transition_graph_partitions,
    )
    from taskmining.batch.run import BatchWarning as BatchWarning
    from taskmining.batch.run import batch_failures as batch_failures
    from taskmining.batch.run import count_rows as count_rows
    from taskmining.batch.run import map_partitions as map_partitions
    from taskmining.batch.run import segment_partitions as segment_partitions
    from taskmining.mining.merge import merge_graphs as merge_graphs

__getattr__, __dir__, __all__ = attach(__name__, __file__)
