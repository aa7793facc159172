"""OCEL 2.0 (``format="ocel"``): object-centric event logs as JSON or SQLite, read as events with their objects.

OCEL 2.0 is process mining's standard for logs whose events touch several
objects (an order, an invoice, a customer). pm4py and taskmining's own
``export_ocel`` write it. Each OCEL event becomes one row:

- ``timestamp`` is the event's ``time`` (OCEL times carry a zone; naive ones need ``tz=``);
- ``raw_action`` is the event type; ``action`` is the type when it is in
  the action vocabulary, the UI-log event table's action when it is a known
  UI event type (``clickButton`` -> ``click``), else ``other``;
- ``user`` is the ``org:resource``/``resource``/``user`` attribute, ``app``
  the ``app``/``application`` attribute, when present;
- ``attrs`` holds ``ocel:id``, every other event attribute and ``objects``:
  the related objects as ``{"id", "type", "qualifier"}``;
- ``session`` is the file name.

Events that are not objects with an ``id``, a ``type`` and a ``time`` are
quarantined (named by their position or id). JSON nested deeper than 128
levels is refused before it is parsed.

Examples
--------
>>> import json, os, tempfile
>>> p = os.path.join(tempfile.mkdtemp(), "log.jsonocel")
>>> _ = open(p, "w").write(json.dumps({"objectTypes": [{"name": "invoice", "attributes": []}],
...     "eventTypes": [{"name": "clickButton", "attributes": []}],
...     "objects": [{"id": "i1", "type": "invoice"}],
...     "events": [{"id": "e1", "type": "clickButton", "time": "2024-01-05T09:00:00Z",
...                 "relationships": [{"objectId": "i1", "qualifier": "approves"}]}]}))
>>> ev = read([p]).events
>>> ev[["action", "raw_action"]].values.tolist(), json.loads(ev["attrs"][0])["objects"]
([['click', 'clickButton']], [{'id': 'i1', 'type': 'invoice', 'qualifier': 'approves'}])
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from taskmining.errors import IngestError
from taskmining.io._files import read_bytes
from taskmining.io._mapping import (
    COMMON_EVENT_ACTIONS,
    constant,
    map_values,
    normalise_app,
)
from taskmining.io._reader import file_reader
from taskmining.io._sqlite import is_sqlite, query, tables
from taskmining.io._text import json_text
from taskmining.io._times import parse_times
from taskmining.io.formats._depth import MAX_DEPTH, too_deep
from taskmining.io.quarantine import QuarantineLog
from taskmining.io.registry import ReaderSpec
from taskmining.schema import ACTIONS, STRING_DTYPE

FORMAT = "ocel"
_TABLE = {**COMMON_EVENT_ACTIONS, **{a: a for a in ACTIONS}}
_USER = ("org:resource", "resource", "user")
_APP = ("app", "application")
_SQLITE_TABLES = {"event", "event_object", "event_map_type"}


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _scalar(v: Any) -> Any:
    return v if v is None or isinstance(v, (str, bool, float)) or (isinstance(v, int) and abs(v) < 2**63) \
        else str(v)


def _json_events(path: Path, qlog: QuarantineLog) -> list[dict[str, Any]]:
    data = read_bytes(path)
    if too_deep(data.replace(b"\n", b" ").replace(b"\r", b" ")).any():
        raise IngestError(f"JSON nested deeper than {MAX_DEPTH} levels", path=path)
    try:
        doc = json.loads(json_text(data.decode("utf-8", errors="replace"), qlog, str(path)))
    except (ValueError, RecursionError) as exc:
        raise IngestError(f"not JSON: {exc}", path=path) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("events"), list):
        raise IngestError("not an OCEL 2.0 log: no 'events' list", path=path)
    types = {o.get("id"): o.get("type") for o in doc.get("objects") or [] if isinstance(o, dict)}
    out: list[dict[str, Any]] = []
    for i, e in enumerate(doc["events"]):
        ok = isinstance(e, dict) and isinstance(e.get("id"), (str, int)) and isinstance(e.get("type"), str) \
            and isinstance(e.get("time"), str)
        if not ok:
            qlog.add(str(path), None, f"event {i}: not an object with an id, a type and a time",
                     json.dumps(e, ensure_ascii=False, default=str)[:10_000])
            continue
        attrs = {str(a.get("name")): _scalar(a.get("value")) for a in e.get("attributes") or []
                 if isinstance(a, dict) and "name" in a}
        rels = [{"id": str(r.get("objectId")), "type": types.get(r.get("objectId")), "qualifier": r.get("qualifier")}
                for r in e.get("relationships") or [] if isinstance(r, dict)]
        out.append({"ocel:id": str(e["id"]), "ocel:type": e["type"], "ocel:time": e["time"], "attrs": attrs,
                    "objects": rels})
    return out


def _sqlite_events(path: Path) -> list[dict[str, Any]]:
    kinds = query(path, "select ocel_type, ocel_type_map from event_map_type")
    rels = query(path, "select eo.ocel_event_id, eo.ocel_object_id, o.ocel_type, eo.ocel_qualifier "
                       "from event_object eo left join object o on o.ocel_id = eo.ocel_object_id")
    by_event: dict[str, list[dict[str, Any]]] = {}
    for eid, oid, otype, qual in rels.itertuples(index=False, name=None):
        by_event.setdefault(str(eid), []).append({"id": str(oid), "type": otype, "qualifier": qual})
    out: list[dict[str, Any]] = []
    for etype, suffix in kinds.itertuples(index=False, name=None):
        t = query(path, f"select * from {_q('event_' + str(suffix))}")
        for row in t.to_dict("records"):
            eid = str(row.pop("ocel_id"))
            time = row.pop("ocel_time", None)
            attrs = {k: _scalar(v) for k, v in row.items() if k != "ocel:activity" and not pd.isna(v)}
            out.append({"ocel:id": eid, "ocel:type": str(etype), "ocel:time": None if time is None else str(time),
                        "attrs": attrs, "objects": by_event.get(eid, [])})
    return out


def _read_one(path: Path, qlog: QuarantineLog, *, tz: str | None) -> pd.DataFrame:
    with open(path, "rb") as f:
        head = f.read(16)
    events = _sqlite_events(path) if is_sqlite(head) else _json_events(path, qlog)
    if not events:
        return pd.DataFrame()
    times, why = parse_times(pd.Series([e["ocel:time"] for e in events], dtype=STRING_DTYPE), tz=tz,
                             path=str(path), column="time")
    bad = why.notna().to_numpy()
    for i in np.flatnonzero(bad):
        qlog.add(str(path), None, f"event {events[i]['ocel:id']}: {why.iloc[i]}",
                 json.dumps(events[i], ensure_ascii=False, default=str)[:10_000])
    events = [e for e, b in zip(events, bad) if not b]
    n = len(events)
    raw = pd.Series([e["ocel:type"] for e in events], dtype=STRING_DTYPE)

    def pick(names: tuple[str, ...]) -> pd.Series:
        return pd.Series([next((str(e["attrs"][k]) for k in names if e["attrs"].get(k) is not None), None)
                          for e in events], dtype=STRING_DTYPE)

    packed = [json.dumps({"ocel:id": e["ocel:id"], **{k: v for k, v in e["attrs"].items()
                                                      if k not in _USER + _APP and v is not None},
                          "objects": e["objects"]}, ensure_ascii=False, separators=(",", ":"), default=str)
              for e in events]
    return pd.DataFrame({
        "timestamp": times[~bad].reset_index(drop=True),
        "session": constant(path.name.split(".")[0], n),
        "user": pick(_USER),
        "app": normalise_app(pick(_APP)),
        "action": map_values(raw, _TABLE, "other").fillna("other"),
        "raw_action": raw,
        "source": constant(FORMAT, n),
        "attrs": pd.Series(packed, dtype=STRING_DTYPE),
    })


read = file_reader(
    FORMAT, _read_one, module=__name__, what="OCEL 2.0 logs (JSON or SQLite), each event with its objects in ``attrs``",
    files="``.jsonocel``/``.json`` or ``.sqlite`` OCEL 2.0 files; one file is one session.",
    bad="malformed events, unparsable times",
    tz="Zone of times written without one.", tz_optional=True,
    patterns=("*.jsonocel", "*.json", "*.sqlite"))


def sniff(path: Path, head: bytes) -> bool:
    """True for OCEL 2.0 JSON (``objectTypes`` and ``eventTypes`` keys) or an OCEL 2.0 SQLite database.

    Examples
    --------
    >>> sniff(Path("x.json"), b'{"objectTypes": [], "eventTypes": [], "objects": [], "events": []}')
    True
    """
    if is_sqlite(head):
        return _SQLITE_TABLES <= tables(path)
    start = head.lstrip()[:1]
    return start == b"{" and b'"objectTypes"' in head and b'"eventTypes"' in head


SPEC = ReaderSpec(
    name=FORMAT,
    description="OCEL 2.0 object-centric event log (JSON or SQLite): events with their objects",
    extensions=(".jsonocel", ".json", ".sqlite"),
    sniff=sniff,
    read=read,
    priority=55,
)
