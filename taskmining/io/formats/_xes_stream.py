"""The streaming XES parser (``xml.etree.ElementTree.iterparse``, one trace at a time).

The reference the vectorised parser falls back to for documents it does not
handle (comments, CDATA, other attribute layouts), and the one that names
the line of a syntax error. It gives the same :class:`Parsed` result.

Examples
--------
>>> p = parse_stream(b'<log><trace><event><int key="n" value="1"/></event></trace></log>', "x.xes")
>>> p.n_events, p.event["n"].to_pylist(), p.event_types
(1, ['1'], {'n': 'int'})
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import numpy as np
import pyarrow as pa

from taskmining.errors import IngestError
from taskmining.io.formats._xes_parse import SCALARS, Parsed

__all__ = ["parse_stream"]


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


class _Columns:
    """Attribute text by key for a growing number of elements (gaps are null)."""

    def __init__(self) -> None:
        self.values: dict[str, list[str | None]] = {}
        self.kinds: dict[str, set[str]] = {}
        self.n = 0

    def add(self, element: ET.Element) -> None:
        for child in element:
            kind = _local(child.tag)
            if kind not in SCALARS:
                continue
            key = child.get("key", "")
            col = self.values.get(key)
            if col is None:
                col = self.values[key] = []
                self.kinds[key] = set()
            col.extend([None] * (self.n + 1 - len(col)))
            col[self.n] = child.get("value")
            self.kinds[key].add(kind)
        self.n += 1

    def arrays(self) -> tuple[dict[str, pa.Array], dict[str, str]]:
        out = {k: pa.array(v + [None] * (self.n - len(v)), pa.large_string()) for k, v in self.values.items()}
        return out, {k: (next(iter(s)) if len(s) == 1 else "string") for k, s in self.kinds.items()}


def parse_stream(data: bytes, path: str) -> Parsed:
    """Parse an XES document with ``xml.etree`` (syntax errors raise :class:`IngestError` with the line)."""
    events, traces = _Columns(), _Columns()
    owner: list[int] = []
    try:
        for _, elem in ET.iterparse(io.BytesIO(data), events=("end",)):
            if _local(elem.tag) != "trace":
                continue
            traces.add(elem)
            for ev in elem:
                if _local(ev.tag) == "event":
                    events.add(ev)
                    owner.append(traces.n - 1)
            elem.clear()
    except ET.ParseError as exc:
        raise IngestError(f"not well-formed XES: {exc}", path=path, line=exc.position[0]) from None
    event, event_types = events.arrays()
    trace, trace_types = traces.arrays()
    return Parsed(n_events=events.n, event=event, event_types=event_types, trace=trace, trace_types=trace_types,
                  event_of_trace=np.asarray(owner, dtype=np.int64))
