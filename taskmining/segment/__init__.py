"""Segmentation: cut the steps of a recording into task instances and task types.

This subpackage is also **callable**: ``taskmining.segment(events,
method="auto", **params)`` is :func:`taskmining.segment.apply.segment`. The
module object's class is replaced by a :class:`types.ModuleType` subclass
with ``__call__``, so ``import taskmining.segment`` keeps working as a
package (``taskmining.segment.evaluate``, ``taskmining.segment.base`` ...)
while the name itself is the verb.

Contents: :class:`~taskmining.segment.base.BaseSegmenter` (the contract),
the registry (:func:`segmenter`, :func:`list_segmenters`,
:func:`register_segmenter`, entry-point group ``taskmining.segmenters``),
one module per algorithm, and ``evaluate``.

Examples
--------
>>> import pandas as pd
>>> import taskmining as tm
>>> ev = pd.DataFrame({"session": ["s"] * 3, "app": ["erp"] * 3, "action": ["click"] * 3,
...                    "element_name": ["New", "Save", "New"],
...                    "timestamp": pd.to_datetime(["2026-01-05 09:00", "2026-01-05 09:01",
...                                                 "2026-01-05 10:00"], utc=True)})
>>> tm.segment(ev, method="idle_gap", gap="10min")["case_id"].tolist()
['s-1', 's-1', 's-2']
"""

from __future__ import annotations

import sys
import types
from typing import Any

import pandas as pd

from taskmining.segment.apply import segment
from taskmining.segment.base import BaseSegmenter, cases_from_boundaries
from taskmining.segment.registry import (
    ENTRY_POINT_GROUP, get_segmenter_class, list_segmenters, register_segmenter, reload_plugins, segmenter,
)

__all__ = ["segment", "BaseSegmenter", "cases_from_boundaries", "segmenter", "list_segmenters",
           "register_segmenter", "get_segmenter_class", "reload_plugins", "ENTRY_POINT_GROUP"]


class _CallableModule(types.ModuleType):
    """The ``taskmining.segment`` package, callable as :func:`segment`."""

    def __call__(self, events: pd.DataFrame, method: Any = "auto", **params: Any) -> pd.DataFrame:
        return segment(events, method, **params)


sys.modules[__name__].__class__ = _CallableModule
