"""Segmentation: cut the steps of a recording into task instances and task types.

The verb is :func:`taskmining.segment` (:func:`taskmining.segmentation.apply.segment`).
This package holds the contract (:class:`~taskmining.segmentation.base.BaseSegmenter`),
the registry (:func:`segmenter`, :func:`list_segmenters`, :func:`register_segmenter`,
entry-point group ``taskmining.segmenters``), one module per simple algorithm
(``idle_gap``, ``delimiter``, ``start_end``, ``supervised``, ``auto``), the
default algorithm's parts in :mod:`~taskmining.segmentation.task_recognition`,
and :mod:`~taskmining.segmentation.evaluate`.

Examples
--------
>>> import pandas as pd
>>> import taskmining as tm
>>> ev = pd.DataFrame({"session": ["s"] * 3, "app": ["erp"] * 3, "action": ["click"] * 3,
...                    "element_name": ["New", "Save", "New"],
...                    "timestamp": pd.to_datetime(["2026-01-05 09:00", "2026-01-05 09:01",
...                                                 "2026-01-05 10:00"], utc=True)})
>>> tm.segment(ev, method="idle_gap", params={"gap": "10min"})["case_id"].tolist()
['s-1', 's-1', 's-2']
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from taskmining._lazy import attach

if TYPE_CHECKING:
    from taskmining.segmentation.apply import segment as segment
    from taskmining.segmentation.base import BaseSegmenter as BaseSegmenter
    from taskmining.segmentation.base import (
        cases_from_boundaries as cases_from_boundaries,
    )
    from taskmining.segmentation.registry import ENTRY_POINT_GROUP as ENTRY_POINT_GROUP
    from taskmining.segmentation.registry import (
        get_segmenter_class as get_segmenter_class,
    )
    from taskmining.segmentation.registry import list_segmenters as list_segmenters
    from taskmining.segmentation.registry import (
        register_segmenter as register_segmenter,
    )
    from taskmining.segmentation.registry import reload_plugins as reload_plugins
    from taskmining.segmentation.registry import segmenter as segmenter

__getattr__, __dir__, __all__ = attach(__name__, __file__)
