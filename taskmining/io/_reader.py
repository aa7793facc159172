"""The file loop every reader is built on: many files, one format's one-file reader, one frame.

:func:`run_reader` and :func:`file_reader` read a list of files with a
format's one-file reader, quarantine or raise, and validate the result; every
file format's ``read`` is built with them.

Examples
--------
>>> import os, tempfile
>>> d = tempfile.mkdtemp(); _ = open(os.path.join(d, "a.csv"), "w").close()
>>> [p.name for p in as_paths(d)]
['a.csv']
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from os import PathLike
from pathlib import Path
from typing import Any

import pandas as pd

from taskmining._progress import progress as _progress
from taskmining.errors import IngestError, ParameterError
from taskmining.io._times import check_tz
from taskmining.io.quarantine import QuarantineLog, ReadResult
from taskmining.schema import validate_events

__all__ = ["as_paths", "check_options", "file_reader", "run_reader"]


def check_options(options: Mapping[str, object], allowed: Iterable[str], fmt: str) -> None:
    """Raise :class:`ParameterError` for an option the reader does not know."""
    unknown = sorted(set(options) - set(allowed))
    if unknown:
        raise ParameterError(f"format {fmt!r} does not take the option(s) {', '.join(unknown)}; "
                             f"it takes: {', '.join(sorted(allowed)) or 'none'}")


def as_paths(paths: str | PathLike[str] | Iterable[str | PathLike[str]],
             patterns: Iterable[str] = ("*.csv", "*.csv.gz")) -> list[Path]:
    """A list of files from one path or many; a folder gives its files matching ``patterns``."""
    items = [Path(paths)] if isinstance(paths, (str, PathLike)) else [Path(p) for p in paths]
    out: list[Path] = []
    for p in items:
        if p.is_dir():
            out.extend(sorted({f for pat in patterns for f in p.rglob(pat) if f.is_file()}))
        else:
            out.append(p)
    return out


_READ_DOC = """Read {what} into one events frame.

    Parameters
    ----------
    paths : path or list of paths
        Files (or folders of them). {files}
    errors : {{"quarantine", "raise"}}
        Bad records ({bad}) are quarantined with file and line (or position),
        or raise :class:`IngestError`.
    tz : str{tz_opt}
        {tz}
    progress : bool
        Progress bar over the files.

    Returns
    -------
    ReadResult
        The events and the quarantined records.

    Examples
    --------
    >>> from taskmining.io.registry import get_format
    >>> get_format("{fmt}").read([]).events.shape[0]
    0
    """


def file_reader(fmt: str, read_one: Callable[..., pd.DataFrame], *, module: str, what: str, files: str,
                bad: str, tz: str, tz_optional: bool = True,
                patterns: Iterable[str] = ("*.csv", "*.csv.gz"),
                defaults: Mapping[str, Any] | None = None) -> Callable[..., ReadResult]:
    """Build a format's ``read(paths, *, errors, tz, progress, **options)`` from its one-file reader.

    ``defaults`` names the format's own options and their default values;
    they are passed to ``read_one`` as keyword arguments.
    """
    pats = tuple(patterns)
    known = dict(defaults or {})

    def read(paths: Any, *, errors: str = "quarantine", tz: str | None = None, progress: bool = False,
             **options: Any) -> ReadResult:
        check_options(options, known, fmt)
        check_tz(tz)
        opts = {**known, **options}
        return run_reader(paths, lambda p, q: read_one(p, q, tz=tz, **opts), errors=errors, progress=progress,
                          fmt=fmt, patterns=pats)

    read.__doc__ = _READ_DOC.format(what=what, files=files, bad=bad, tz=tz, fmt=fmt,
                                    tz_opt=", optional" if tz_optional else "")
    read.__module__ = module
    return read


def run_reader(paths: Any, read_one: Callable[[Path, QuarantineLog], pd.DataFrame], *, errors: str,
               progress: bool, fmt: str, patterns: Iterable[str] = ("*.csv", "*.csv.gz")) -> ReadResult:
    """Read every file with ``read_one`` and validate the concatenation into one events frame."""
    if errors not in ("quarantine", "raise"):
        raise ParameterError(f"errors={errors!r}: use 'quarantine' or 'raise'")
    qlog = QuarantineLog()  # with errors="raise", each file is read whole, then its first bad line raises
    files = as_paths(paths, patterns)
    frames = []
    for path in _progress(files, enabled=bool(progress), desc=f"reading {fmt}", total=len(files), unit="file"):
        frames.append(read_one(path, qlog))
        if errors == "raise" and len(qlog):
            bad = qlog.to_frame().sort_values("line", kind="stable", na_position="last").iloc[0]
            raise IngestError(str(bad["reason"]), path=str(bad["file"]),
                              line=None if pd.isna(bad["line"]) else int(bad["line"]))
    frames = [f for f in frames if len(f)]
    for f in frames:  # categories once per file here, not per value in validate_events
        for col in ("app", "action", "element_role", "source"):
            if col in f.columns and not isinstance(f[col].dtype, pd.CategoricalDtype):
                f[col] = f[col].astype("category")
    df = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        {"timestamp": pd.Series([], dtype="datetime64[ns, UTC]"), "action": pd.Series([], dtype=object)})
    return ReadResult(validate_events(df, sort=True), qlog.to_frame(), fmt, list(qlog.notes))
