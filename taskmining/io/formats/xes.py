"""Reading an XES event log (``.xes`` or ``.xes.gz``) into a pm4py-format DataFrame.

Used by :func:`taskmining.export.link_to_process` to read the system event
log it joins desktop work to. Streaming (``xml.etree.ElementTree.iterparse``,
one trace at a time), typed (``date`` -> UTC datetimes, ``int``, ``float``,
``boolean``, ``string``/``id``), trace attributes as ``case:<key>``. Nested
attributes and lists are not read (their values are skipped). This reader
is not an events-frame reader: it returns the process-mining columns as
they are in the file.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from os import PathLike
from typing import Any

import pandas as pd

from taskmining.errors import IngestError
from taskmining.io._files import open_binary

__all__ = ["read_xes"]

_SCALARS = {"string", "date", "int", "float", "boolean", "id"}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _value(kind: str, text: str | None, path: str, key: str) -> Any:
    if text is None:
        return None
    try:
        if kind == "int":
            return int(text)
        if kind == "float":
            return float(text)
        if kind == "boolean":
            return text.strip().lower() == "true"
    except ValueError:
        raise IngestError(f"attribute {key!r}: {text!r} is not a valid {kind}", path=path) from None
    return text


def read_xes(path: str | PathLike[str]) -> pd.DataFrame:
    """Read an XES file into a DataFrame with pm4py's column names.

    Parameters
    ----------
    path : str or PathLike
        ``.xes``, or gzip-compressed ``.xes.gz``.

    Returns
    -------
    pandas.DataFrame
        One row per event: ``case:concept:name`` and other trace attributes
        (``case:`` prefix), then the event attributes; ``date`` attributes
        as ``datetime64[ns, UTC]``.

    Raises
    ------
    IngestError
        Unreadable or malformed XML, or an event without ``time:timestamp``
        in a file where others have one (names the file).

    Examples
    --------
    >>> import os, tempfile
    >>> p = os.path.join(tempfile.mkdtemp(), "erp.xes")
    >>> _ = open(p, "w").write('<log><trace><string key="concept:name" value="INV-1"/>'
    ...     '<event><string key="concept:name" value="Post"/>'
    ...     '<date key="time:timestamp" value="2026-01-05T09:00:00+01:00"/></event></trace></log>')
    >>> read_xes(p).values.tolist()
    [['INV-1', 'Post', Timestamp('2026-01-05 08:00:00+0000', tz='UTC')]]
    """
    spath = str(path)
    rows: list[dict[str, Any]] = []
    dates: set[str] = set()
    try:
        with open_binary(path) as f:
            for _, elem in ET.iterparse(f, events=("end",)):
                if _local(elem.tag) != "trace":
                    continue
                case: dict[str, Any] = {}
                for child in elem:
                    kind = _local(child.tag)
                    if kind in _SCALARS:
                        key = child.get("key", "")
                        case[f"case:{key}"] = _value(kind, child.get("value"), spath, key)
                        if kind == "date":
                            dates.add(f"case:{key}")
                for ev in elem:
                    if _local(ev.tag) != "event":
                        continue
                    row = dict(case)
                    for attr in ev:
                        kind = _local(attr.tag)
                        if kind in _SCALARS:
                            key = attr.get("key", "")
                            row[key] = _value(kind, attr.get("value"), spath, key)
                            if kind == "date":
                                dates.add(key)
                    rows.append(row)
                elem.clear()
    except ET.ParseError as exc:
        raise IngestError(f"not well-formed XES: {exc}", path=spath, line=exc.position[0]) from None
    frame = pd.DataFrame(rows)
    for col in dates:
        try:
            frame[col] = pd.to_datetime(frame[col], utc=True, format="ISO8601")
        except (ValueError, TypeError) as exc:
            raise IngestError(f"unparsable dates: {exc}", path=spath, column=col) from None
    for col in frame.columns:
        if frame[col].dtype == object and col not in dates:
            values = frame[col].dropna()
            if len(values) and all(isinstance(v, str) for v in values.head(1000)):
                frame[col] = frame[col].astype("str")
    return frame
