"""Segmenters by name: built-ins, ``register_segmenter`` and the entry-point group.

Third-party packages register classes under the entry-point group
``taskmining.segmenters`` (``name = "package.module:Class"``); they appear in
:func:`list_segmenters` and :func:`segmenter` like the built-ins.

Examples
--------
>>> from taskmining.segment.registry import segmenter
>>> segmenter("idle_gap", gap="5min").get_params()["gap"]
'5min'
"""

from __future__ import annotations

import importlib
from importlib.metadata import entry_points
from typing import Any

import pandas as pd

from taskmining.errors import ParameterError, SegmentationError
from taskmining.segment.base import BaseSegmenter

ENTRY_POINT_GROUP = "taskmining.segmenters"

#: built-in name -> "module:Class", imported on first use
_BUILTIN: dict[str, str] = {
    "idle_gap": "taskmining.segment.idle_gap:IdleGapSegmenter",
    "delimiter": "taskmining.segment.delimiter:DelimiterSegmenter",
    "start_end_discovery": "taskmining.segment.start_end:StartEndDiscoverySegmenter",
    "task_recognition": "taskmining.segment.task_recognition:TaskRecognitionSegmenter",
    "supervised_boundaries": "taskmining.segment.supervised:SupervisedBoundarySegmenter",
    "auto": "taskmining.segment.auto:AutoSegmenter",
}

_REGISTERED: dict[str, type[BaseSegmenter] | str] = {}
_entry_points_loaded = False


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

    def decorate(klass: type[BaseSegmenter]) -> type[BaseSegmenter]:
        if not (isinstance(klass, type) and issubclass(klass, BaseSegmenter)):
            raise ParameterError(f"segmenter {name!r} must be a BaseSegmenter subclass, got {klass!r}")
        if not replace and (name in _BUILTIN or name in _REGISTERED):
            raise ParameterError(f"a segmenter named {name!r} is already registered")
        _REGISTERED[name] = klass
        return klass

    return decorate(cls) if cls is not None else decorate


def _load_entry_points() -> None:
    global _entry_points_loaded
    if _entry_points_loaded:
        return
    _entry_points_loaded = True
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.name not in _BUILTIN:
            _REGISTERED.setdefault(ep.name, ep.value)


def reload_plugins() -> list[str]:
    """Read the ``taskmining.segmenters`` entry points again; returns the plug-in names.

    Useful after installing a plug-in package into a running interpreter.
    Names registered with :func:`register_segmenter` are kept.

    Examples
    --------
    >>> isinstance(reload_plugins(), list)
    True
    """
    global _entry_points_loaded
    for name in [n for n, target in _REGISTERED.items() if isinstance(target, str)]:
        del _REGISTERED[name]
    _entry_points_loaded = False
    _load_entry_points()
    return sorted(n for n, target in _REGISTERED.items() if isinstance(target, str))


def _resolve(target: type[BaseSegmenter] | str, name: str) -> type[BaseSegmenter]:
    if isinstance(target, type):
        return target
    modname, _, attr = target.partition(":")
    try:
        module = importlib.import_module(modname)
        cls = getattr(module, attr)
    except Exception as exc:  # noqa: BLE001 - a broken plug-in must not break listing or the CLI
        raise SegmentationError(f"segmenter {name!r} ({target}) could not be loaded: "
                                f"{type(exc).__name__}: {exc}") from exc
    if not (isinstance(cls, type) and issubclass(cls, BaseSegmenter)):
        raise SegmentationError(f"segmenter {name!r} ({target}) is not a BaseSegmenter subclass")
    return cls


def _names() -> list[str]:
    _load_entry_points()
    return [*_BUILTIN, *sorted(n for n in _REGISTERED if n not in _BUILTIN)]


def get_segmenter_class(name: str) -> type[BaseSegmenter]:
    """The class registered as ``name``.

    Examples
    --------
    >>> get_segmenter_class("idle_gap").__name__
    'IdleGapSegmenter'
    """
    _load_entry_points()
    if name in _REGISTERED:
        return _resolve(_REGISTERED[name], name)
    if name in _BUILTIN:
        return _resolve(_BUILTIN[name], name)
    raise ParameterError(f"unknown segmenter {name!r}; known: {', '.join(_names())}")


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
    for name in _names():
        origin = "builtin" if name in _BUILTIN and name not in _REGISTERED else "registered"
        try:
            cls = get_segmenter_class(name)
            doc = (cls.__doc__ or "").strip().splitlines()[0] if cls.__doc__ else ""
            qual = f"{cls.__module__}.{cls.__qualname__}"
        except SegmentationError as exc:
            doc, qual = f"unavailable: {exc}", str(_REGISTERED.get(name, _BUILTIN.get(name)))
        rows.append({"name": name, "class": qual, "description": doc, "origin": origin})
    return pd.DataFrame(rows, columns=["name", "class", "description", "origin"])
