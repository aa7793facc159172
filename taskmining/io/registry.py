"""The registry of input formats used by ``read_events`` and format detection.

A format is one module in :mod:`taskmining.io` that defines ``SPEC``, a
:class:`ReaderSpec`. Built-in modules are listed in ``_BUILTIN`` and imported
on first use; :func:`register_format` adds a third-party one.

Examples
--------
>>> "native" in list_formats()["name"].tolist()
True
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from taskmining.errors import ParameterError
from taskmining.io.quarantine import ReadResult

# order matters for detection: the first whose sniff() says yes wins
_BUILTIN: tuple[str, ...] = (
    "taskmining.io.native",
    "taskmining.io.parquet",
    "taskmining.io.actionlogger",
    "taskmining.io.smartrpa",
    "taskmining.io.leno",
    "taskmining.io.activitywatch",
    "taskmining.io.generic",
)


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
    """

    name: str
    description: str
    extensions: tuple[str, ...]
    sniff: Callable[[Path, bytes], bool]
    read: Callable[..., ReadResult]


_FORMATS: dict[str, ReaderSpec] = {}
_loaded = False


def _load_builtins() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    for modname in _BUILTIN:
        module = importlib.import_module(modname)  # a broken built-in reader is a bug: fail loudly
        spec = getattr(module, "SPEC", None)
        if spec is not None:
            _FORMATS.setdefault(spec.name, spec)


def register_format(spec: ReaderSpec, *, replace: bool = False) -> None:
    """Register a reader; ``replace=True`` to override an existing name."""
    _load_builtins()
    if spec.name in _FORMATS and not replace:
        raise ParameterError(f"format {spec.name!r} is already registered")
    _FORMATS[spec.name] = spec


def get_format(name: str) -> ReaderSpec:
    """The reader registered as ``name``; :class:`ParameterError` names the known ones."""
    _load_builtins()
    try:
        return _FORMATS[name]
    except KeyError:
        known = ", ".join(sorted(_FORMATS))
        raise ParameterError(f"unknown format {name!r}; known formats: {known}") from None


def formats() -> list[ReaderSpec]:
    """All registered readers in detection order."""
    _load_builtins()
    return list(_FORMATS.values())


def list_formats() -> pd.DataFrame:
    """A table of the registered formats: name, description, extensions.

    Examples
    --------
    >>> list_formats()["name"].tolist()[:3]
    ['native', 'parquet', 'actionlogger']
    """
    rows: list[dict[str, Any]] = [
        {"name": s.name, "description": s.description, "extensions": " ".join(s.extensions)}
        for s in formats()
    ]
    return pd.DataFrame(rows, columns=["name", "description", "extensions"])
