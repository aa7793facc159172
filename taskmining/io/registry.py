"""The registry of input formats used by ``read_events`` and format detection.

A format is a :class:`ReaderSpec`, usually the ``SPEC`` of one module in
:mod:`taskmining.io.formats`. Built-ins are imported on first use; a
third-party package adds one with :func:`register_format` or through the
entry-point group ``taskmining.formats`` (``name = "package.module:SPEC"``).

Detection asks the formats in order of ``priority`` (lower first), ties in
registration order; the first whose ``sniff`` says yes wins. The built-ins
are: native 10, pm4py 15, parquet 20, actionlogger 30, xes 35, smartrpa 40,
tockler 45, selfspy 46, leno 50, ocel 55, activitywatch 60, window_tracking 85,
generic 90 (the fallback for any table with a time and an action column). A plug-in's default priority, 50, puts it before the generic
fallback and after the formats with an unmistakable signature.

Examples
--------
>>> "native" in list_formats()["name"].tolist()
True
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from taskmining._registry import Registry
from taskmining.errors import IngestError, ParameterError
from taskmining.io.quarantine import ReadResult

ENTRY_POINT_GROUP = "taskmining.formats"


@dataclass(frozen=True)
class ReaderSpec:
    """How to detect and read one format.

    Attributes
    ----------
    name : str
        The ``format=`` name, e.g. ``"actionlogger"``.
    description : str
        One line for ``list_formats()`` and the README table.
    extensions : tuple of str
        Usual file endings (``".csv"``, ``".jsonl.gz"``), a hint only.
    sniff : callable
        ``sniff(path, head)`` with the first 64 KiB of the (decompressed) file
        (empty bytes for a folder); True when the file is in this format.
    read : callable
        ``read(paths, *, errors, tz, progress, **options) -> ReadResult`` for a
        list of files (or folders) of this format.
    priority : int, default 50
        Detection order: lower is asked first (see the module docstring).
    layouts : tuple of tuples of str, default ()
        Column names of the format's CSV files written without a header line
        (see :func:`taskmining.io._csv.headerless_layout`); tools that read the
        file as a table (``taskmining segment``) use them too.
    """

    name: str
    description: str
    extensions: tuple[str, ...]
    sniff: Callable[[Path, bytes], bool]
    read: Callable[..., ReadResult]
    priority: int = 50
    layouts: tuple[tuple[str, ...], ...] = ()


def _is_spec(obj: Any, name: str) -> ReaderSpec:
    if not isinstance(obj, ReaderSpec):
        raise ParameterError(f"format {name!r} must be a ReaderSpec, got {type(obj).__name__}")
    if obj.name != name:
        raise ParameterError(f"format registered as {name!r} is named {obj.name!r}")
    return obj


FORMATS: Registry[ReaderSpec] = Registry(
    "format", group=ENTRY_POINT_GROUP, check=_is_spec, load_error=IngestError, builtins={
        name: f"taskmining.io.formats.{name}:SPEC"
        for name in ("native", "pm4py", "parquet", "actionlogger", "xes", "smartrpa", "tockler", "selfspy", "leno",
                     "ocel", "activitywatch", "window_tracking", "generic")
    })


def register_format(spec: ReaderSpec, *, replace: bool = False) -> ReaderSpec:
    """Register a reader under ``spec.name``; ``replace=True`` to override an existing name.

    Examples
    --------
    >>> from taskmining.io.quarantine import ReadResult
    >>> spec = ReaderSpec("demo_lines", "one event per line", (".demo",),
    ...                   sniff=lambda path, head: path.suffix == ".demo",
    ...                   read=lambda paths, **options: ReadResult(pd.DataFrame(), pd.DataFrame()))
    >>> _ = register_format(spec, replace=True)
    >>> get_format("demo_lines").priority, "demo_lines" in list_formats()["name"].tolist()
    (50, True)
    >>> register_format(spec)
    Traceback (most recent call last):
    ...
    taskmining.errors.ParameterError: a format named 'demo_lines' is already registered
    >>> FORMATS.unregister("demo_lines")
    """
    return FORMATS.register(spec.name, spec, replace=replace)


def get_format(name: str) -> ReaderSpec:
    """The reader registered as ``name``; :class:`ParameterError` names the known ones.

    Examples
    --------
    >>> get_format("smartrpa").extensions
    ('.csv', '.csv.gz')
    """
    return FORMATS.get(name)


def formats() -> list[ReaderSpec]:
    """All registered readers in detection order (``priority``, then registration order).

    Examples
    --------
    >>> [s.name for s in formats()][-1]
    'generic'
    """
    specs = [FORMATS.get(name) for name in FORMATS.names()]
    order = sorted(range(len(specs)), key=lambda i: (specs[i].priority, i))
    return [specs[i] for i in order]


def list_formats() -> pd.DataFrame:
    """A table of the registered formats: name, description, extensions.

    Examples
    --------
    >>> list_formats()["name"].tolist()[:3]
    ['native', 'pm4py', 'parquet']
    """
    rows: list[dict[str, Any]] = [
        {"name": s.name, "description": s.description, "extensions": " ".join(s.extensions)}
        for s in formats()
    ]
    return pd.DataFrame(rows, columns=["name", "description", "extensions"])
