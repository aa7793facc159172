"""Exceptions raised by taskmining.

Every error the library raises on purpose is a :class:`TaskminingError`, so a
pipeline can catch one class. Messages name the file, line, column or
parameter at fault.

Examples
--------
>>> from taskmining.errors import IngestError, TaskminingError
>>> err = IngestError("bad JSON", path="rec/seg-0001.jsonl", line=12)
>>> str(err)
'rec/seg-0001.jsonl, line 12: bad JSON'
>>> isinstance(err, TaskminingError)
True
"""

from __future__ import annotations

import os
import sys
import warnings
from os import PathLike
from pathlib import Path
from types import FrameType

__all__ = [
    "TaskminingError",
    "SchemaError",
    "IngestError",
    "FormatDetectionError",
    "ParameterError",
    "SegmentationError",
    "MiningError",
    "ExportError",
    "PrivacyError",
    "DecryptionError",
    "RecorderError",
    "warn_user",
]


class TaskminingError(Exception):
    """Base class of every error taskmining raises on purpose."""


class ParameterError(TaskminingError, ValueError):
    """A function or CLI argument has an unusable value (names the parameter)."""


class SchemaError(TaskminingError, ValueError):
    """A frame does not meet the events-frame contract (names the column and rows)."""


class IngestError(TaskminingError):
    """A file could not be read; names the file and, where known, the line.

    Parameters
    ----------
    message : str
        What is wrong.
    path : str or PathLike, optional
        The file at fault.
    line : int, optional
        1-based line number in that file.
    column : str, optional
        The column or field at fault.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | PathLike[str] | None = None,
        line: int | None = None,
        column: str | None = None,
    ) -> None:
        self.path = None if path is None else str(path)
        self.line = line
        self.column = column
        self.reason = message
        where = []
        if self.path is not None:
            where.append(self.path)
        if line is not None:
            where.append(f"line {line}")
        if column is not None:
            where.append(f"column {column!r}")
        super().__init__(f"{', '.join(where)}: {message}" if where else message)


class FormatDetectionError(IngestError):
    """``format="auto"`` could not tell which format a file is in."""


class DecryptionError(IngestError):
    """An encrypted recording could not be decrypted: wrong key or tampered file."""


class SegmentationError(TaskminingError):
    """A segmenter could not run on the given steps."""


class MiningError(TaskminingError):
    """A mining function got a frame it cannot work on (names what is missing)."""


class ExportError(TaskminingError):
    """An export could not be written."""


class PrivacyError(TaskminingError):
    """A privacy setting is missing or inconsistent (e.g. an empty allowlist)."""


class RecorderError(TaskminingError):
    """The recorder could not start or a backend failed in a way it cannot absorb."""


_PACKAGE = str(Path(__file__).resolve().parent) + os.sep


def warn_user(message: str, category: type[Warning] = UserWarning) -> None:
    """Issue a warning located at the first line outside taskmining (the user's call).

    A fixed ``stacklevel`` is wrong as soon as the same check is reached
    through a different number of internal calls (it then points into the
    library, or past the top of the stack as ``sys:1``); this walks the stack
    instead.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warn_user("write_xes: 3 rows left out")
    >>> caught[0].filename.endswith(".py") or caught[0].filename.startswith("<doctest")
    True
    """
    frame: FrameType | None = sys._getframe(1)
    level = 2
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE):
        level, frame = level + 1, frame.f_back
    warnings.warn(message, category, stacklevel=level if frame is not None else 2)
