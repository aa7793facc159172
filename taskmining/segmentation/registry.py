"""Segmenters by name: built-ins, ``register_segmenter`` and the entry-point group.

Third-party packages register classes under the entry-point group
``taskmining.segmenters`` (``name = "package.module:Class"``); they appear in
:func:`list_segmenters` and :func:`segmenter` like the built-ins.

Examples
--------
>>> from taskmining.segmentation.registry import segmenter
>>> segmenter("idle_gap", gap="5min").get_params()["gap"]
'5min'
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from taskmining._registry import Registry
from taskmining.errors import ParameterError, SegmentationError
from taskmining.segmentation.base import BaseSegmenter

ENTRY_POINT_GROUP = "taskmining.segmenters"


def _is_segmenter(obj: Any, name: str) -> type[BaseSegmenter]:
    if not (isinstance(obj, type) and issubclass(obj, BaseSegmenter)):
        raise ParameterError(f"segmenter {name!r} must be a BaseSegmenter subclass, got {obj!r}")
    return obj


#: built-in name -> "module:Class", imported on first use
SEGMENTERS: Registry[type[BaseSegmenter]] = Registry(
    "segmenter", group=ENTRY_POINT_GROUP, check=_is_segmenter, load_error=SegmentationError, builtins={
        "idle_gap": "taskmining.segmentation.idle_gap:IdleGapSegmenter",
        "delimiter": "taskmining.segmentation.delimiter:DelimiterSegmenter",
        "start_end_discovery": "taskmining.segmentation.start_end:StartEndDiscoverySegmenter",
        "routine_cycles": "taskmining.segmentation.routine_cycles:RoutineCyclesSegmenter",
        "task_recognition": "taskmining.segmentation.task_recognition.segmenter:TaskRecognitionSegmenter",
        "supervised_boundaries": "taskmining.segmentation.supervised:SupervisedBoundarySegmenter",
        "auto": "taskmining.segmentation.auto:AutoSegmenter",
    })


def register_segmenter(name: str, cls: type[BaseSegmenter] | None = None, *, replace: bool = False) -> Any:
    """Register ``cls`` under ``name``; usable as a decorator.

    Examples
    --------
    >>> import pandas as pd
    >>> @register_segmenter("one_case_demo", replace=True)
    ... class OneCase(BaseSegmenter):
    ...     def _predict(self, steps):
    ...         return pd.DataFrame({"case_id": ["0"] * len(steps)})
    >>> "one_case_demo" in list_segmenters()["name"].tolist()
    True
    """
    return SEGMENTERS.register(name, cls, replace=replace)


def reload_plugins() -> list[str]:
    """Read the ``taskmining.segmenters`` entry points again; returns the plug-in names.

    Useful after installing a plug-in package into a running interpreter.
    Names registered with :func:`register_segmenter` are kept.

    Examples
    --------
    >>> isinstance(reload_plugins(), list)
    True
    """
    return SEGMENTERS.reload()


def get_segmenter_class(name: str) -> type[BaseSegmenter]:
    """The class registered as ``name``.

    Examples
    --------
    >>> get_segmenter_class("idle_gap").__name__
    'IdleGapSegmenter'
    """
    return SEGMENTERS.get(name)


def segmenter(name: str = "auto", **params: Any) -> BaseSegmenter:
    """Create the segmenter registered as ``name`` with ``params``.

    Raises
    ------
    ParameterError
        For an unknown name or a parameter the segmenter does not take.

    Examples
    --------
    >>> segmenter("delimiter", start="^Open").start
    '^Open'
    """
    cls = get_segmenter_class(name)
    try:
        return cls(**params)
    except TypeError:
        valid = sorted(cls().get_params())
        unknown = sorted(set(params) - set(valid))
        raise ParameterError(
            f"segmenter {name!r} has no parameter(s) {unknown}; its parameters are {valid}"
        ) from None


def list_segmenters() -> pd.DataFrame:
    """Name, class, first docstring line and origin of every segmenter.

    Examples
    --------
    >>> table = list_segmenters()
    >>> list(table.columns), "idle_gap" in table["name"].tolist()
    (['name', 'class', 'description', 'origin'], True)
    """
    rows = []
    for name in SEGMENTERS.names():
        origin = SEGMENTERS.origin(name)
        try:
            cls = get_segmenter_class(name)
            doc = (cls.__doc__ or "").strip().splitlines()[0] if cls.__doc__ else ""
            qual = f"{cls.__module__}.{cls.__qualname__}"
        except SegmentationError as exc:
            doc, qual = f"unavailable: {exc}", SEGMENTERS.target(name)
        rows.append({"name": name, "class": qual, "description": doc, "origin": origin})
    return pd.DataFrame(rows, columns=["name", "class", "description", "origin"])
