"""OCEL 2.0 export (JSON and SQLite): ``write_ocel``.

An object-centric event log has events (one per step, typed by the step
label), objects of several types, event-to-object relations (E2O) with a
qualifier, and object-to-object relations (O2O). From a tasks frame the
object types are:

================ ===================================== ======================
object type      from                                  E2O qualifier
================ ===================================== ======================
task_instance    ``case_id``                           ``task instance``
application      ``app``                               ``application``
document         the file name in the window title     ``document``
                 (else the title, after redaction)
<key type>       business keys (:mod:`.keys`), e.g.    ``mentions``
                 ``invoice``, ``customer``
================ ===================================== ======================

Object ids are ``<type>:<value>`` (unique across types); each object has the
attribute ``name`` (the value). The JSON form follows the OCEL 2.0 JSON
schema (``eventTypes``, ``objectTypes``, ``events``, ``objects``, with
``relationships`` and qualifiers); the SQLite form has the tables ``event``,
``object``, ``event_object``, ``object_object``, ``event_map_type``,
``object_map_type``, ``event_<type>`` and ``object_<type>``.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Mapping, Sequence
from itertools import pairwise
from os import PathLike
from pathlib import Path
from typing import Any, Literal, cast

import numpy as np
import pandas as pd
import pyarrow as pa

from taskmining.errors import ExportError, ParameterError
from taskmining.export._check import (
    as_str,
    check_choice,
    is_pm4py_frame,
    iso_times,
    require_columns,
    require_rows,
    utc_times,
    value_kind,
)
from taskmining.export.keys import Extractor, documents, extract_keys
from taskmining.mining.levels import at_level, resolve_level
from taskmining.schema import check_level
from taskmining.export.pm4py_frame import (
    ACTIVITY,
    CASE,
    DEFAULT_ATTRIBUTES,
    RESOURCE,
    TIME,
    pm4py_log,
)

__all__ = ["OcelTables", "ocel_tables", "write_ocel"]

_FORMATS = {".json": "json", ".jsonocel": "json", ".sqlite": "sqlite", ".sqlite3": "sqlite", ".db": "sqlite"}
_TASK_OBJECTS = {"task_instance": CASE, "application": "app", "document": "document"}
_QUALIFIERS = {"task_instance": "task instance", "process_case": "process case"}
_EPOCH = "1970-01-01T00:00:00+00:00"
_JSON_CHUNK = 10_000


class OcelTables:
    """The object-centric log as frames: events, attributes, E2O, objects, O2O."""

    def __init__(self, events: pd.DataFrame, attributes: dict[str, str], e2o: pd.DataFrame,
                 objects: pd.DataFrame, o2o: pd.DataFrame) -> None:
        self.events = events          # ocel_id, ocel_type, ocel_time (ISO text), attribute columns
        self.attributes = attributes  # event attribute -> OCEL type
        self.e2o = e2o                # ocel_event_id, ocel_object_id, ocel_qualifier
        self.objects = objects        # ocel_id, ocel_type, name
        self.o2o = o2o                # ocel_source_id, ocel_target_id, ocel_qualifier


_OCEL_TYPES = {"date": "time", "boolean": "boolean", "int": "integer", "float": "float", "string": "string"}


def _ocel_type(series: pd.Series) -> str:
    return _OCEL_TYPES[value_kind(series)]


def _iso(series: pd.Series) -> np.ndarray:
    text = iso_times(series).to_numpy(zero_copy_only=False).astype(object)
    ok = pd.notna(text)
    text[ok] = text[ok] + "+00:00"
    return text


def ocel_tables(
    log: pd.DataFrame,
    objects: Mapping[str, str],
    *,
    keys: pd.DataFrame | None = None,
    o2o: pd.DataFrame | None = None,
) -> OcelTables:
    """Build the OCEL tables from a pm4py-format log.

    Parameters
    ----------
    log : pandas.DataFrame
        pm4py-format rows, one per OCEL event.
    objects : mapping of str to str
        Object type -> column of ``log`` holding the object (missing = none).
    keys : pandas.DataFrame, optional
        Business objects per row: ``pos`` (row position in ``log``),
        ``key_type``, ``key``.
    o2o : pandas.DataFrame, optional
        ``source_type``, ``source``, ``target_type``, ``target``, ``qualifier``.

    Examples
    --------
    >>> import pandas as pd
    >>> log = pd.DataFrame({"case:concept:name": ["c1", "c1"], "concept:name": ["a", "b"],
    ...     "time:timestamp": pd.to_datetime(["2026-01-05 09:00", "2026-01-05 09:01"], utc=True),
    ...     "app": ["excel", "sap"]})
    >>> t = ocel_tables(log, {"task_instance": "case:concept:name", "application": "app"})
    >>> sorted(t.objects["ocel_id"])
    ['application:excel', 'application:sap', 'task_instance:c1']
    >>> len(t.e2o)
    4
    """
    n = len(log)
    ev_ids = pd.Series([f"e{i}" for i in range(n)], dtype="str")
    object_cols = set(objects.values())
    attr_cols = [c for c in log.columns if c not in object_cols and c not in (CASE, ACTIVITY, TIME)]
    events = pd.DataFrame({"ocel_id": ev_ids, "ocel_type": as_str(log[ACTIVITY]).to_numpy(),
                           "ocel_time": _iso(log[TIME])})
    attributes = {}
    for col in attr_cols:
        kind = _ocel_type(log[col])
        attributes[col] = kind
        values = log[col].reset_index(drop=True)
        if kind == "time":
            events[col] = _iso(values)
        elif kind == "string":
            events[col] = as_str(values).to_numpy(dtype=object)
        else:
            events[col] = values.astype(object).where(values.notna(), None).to_numpy()
    rel, objs = [], []
    for obj_type, col in objects.items():
        values = as_str(log[col]).reset_index(drop=True)
        keep = values.notna().to_numpy()
        ids = (obj_type + ":" + values[keep]).to_numpy(dtype=object)
        rel.append(pd.DataFrame({"ocel_event_id": ev_ids[keep].to_numpy(), "ocel_object_id": ids,
                                 "ocel_qualifier": _QUALIFIERS.get(obj_type, obj_type.replace("_", " "))}))
        objs.append(pd.DataFrame({"ocel_id": ids, "ocel_type": obj_type, "name": values[keep].to_numpy()}))
    if keys is not None and len(keys):
        ids = (keys["key_type"].astype(str) + ":" + keys["key"].astype(str)).to_numpy(dtype=object)
        rel.append(pd.DataFrame({"ocel_event_id": ev_ids.to_numpy()[keys["pos"].to_numpy()],
                                 "ocel_object_id": ids, "ocel_qualifier": "mentions"}))
        objs.append(pd.DataFrame({"ocel_id": ids, "ocel_type": keys["key_type"].to_numpy(),
                                  "name": keys["key"].to_numpy()}))
    e2o = pd.concat(rel, ignore_index=True).drop_duplicates(["ocel_event_id", "ocel_object_id"])
    obj = pd.concat(objs, ignore_index=True).drop_duplicates("ocel_id").sort_values(["ocel_type", "ocel_id"])
    o2o_rows = pd.DataFrame(columns=["ocel_source_id", "ocel_target_id", "ocel_qualifier"])
    if o2o is not None and len(o2o):
        o2o_rows = pd.DataFrame({
            "ocel_source_id": (o2o["source_type"].astype(str) + ":" + o2o["source"].astype(str)).to_numpy(),
            "ocel_target_id": (o2o["target_type"].astype(str) + ":" + o2o["target"].astype(str)).to_numpy(),
            "ocel_qualifier": o2o["qualifier"].astype(str).to_numpy()})
        known = set(obj["ocel_id"])
        o2o_rows = o2o_rows[o2o_rows["ocel_source_id"].isin(known) & o2o_rows["ocel_target_id"].isin(known)]
        o2o_rows = o2o_rows.drop_duplicates()
    return OcelTables(events, attributes, e2o.reset_index(drop=True), obj.reset_index(drop=True),
                      o2o_rows.reset_index(drop=True))


def _pylist(values: pd.Series | np.ndarray) -> list[Any]:
    """Python values (None where missing): what ``json`` and ``sqlite3`` take, built column-wise."""
    if isinstance(values, pd.Series) and isinstance(values.dtype, pd.StringDtype):
        return pa.array(values.array).to_pylist()
    s = pd.Series(values) if not isinstance(values, pd.Series) else values
    return s.astype(object).where(s.notna(), None).tolist()


def _write_json(t: OcelTables, path: Path) -> None:
    types = sorted(t.events["ocel_type"].unique())
    attr_decl = [{"name": a, "type": k} for a, k in t.attributes.items()]
    doc_head = {
        "objectTypes": [{"name": ot, "attributes": [{"name": "name", "type": "string"}]}
                        for ot in sorted(t.objects["ocel_type"].unique())],
        "eventTypes": [{"name": et, "attributes": attr_decl} for et in types],
    }
    e2o = t.e2o.assign(_e=t.e2o["ocel_event_id"].str.slice(1).astype("int64")).sort_values("_e", kind="stable")
    e_idx = e2o["_e"].to_numpy()
    bounds = np.searchsorted(e_idx, np.arange(len(t.events) + 1))
    oid, qual = _pylist(e2o["ocel_object_id"]), _pylist(e2o["ocel_qualifier"])
    o2o_by = t.o2o.groupby("ocel_source_id", sort=False, observed=True)
    o2o_map = {k: [{"objectId": r, "qualifier": q} for r, q in zip(g["ocel_target_id"], g["ocel_qualifier"])]
               for k, g in o2o_by}
    attrs = list(t.attributes)
    cols = [_pylist(t.events[c]) for c in ("ocel_id", "ocel_type", "ocel_time", *attrs)]
    names = list(enumerate(attrs, start=3))
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    objects = [{"id": o, "type": ot, "attributes": [{"name": "name", "time": _EPOCH, "value": name}],
                "relationships": o2o_map.get(o, [])}
               for o, ot, name in zip(*(_pylist(t.objects[c]) for c in ("ocel_id", "ocel_type", "name")))]
    with open(path, "w", encoding="utf-8") as f:
        f.write(encode(doc_head)[:-1] + ',"objects":' + encode(objects) + ',"events":[')
        for start in range(0, len(t.events), _JSON_CHUNK):  # one encoder call per chunk of events
            chunk = [{"id": cols[0][i], "type": cols[1][i], "time": cols[2][i],
                      "attributes": [{"name": n, "value": cols[j][i]} for j, n in names if cols[j][i] is not None],
                      "relationships": [{"objectId": oid[k], "qualifier": qual[k]}
                                        for k in range(bounds[i], bounds[i + 1])]}
                     for i in range(start, min(start + _JSON_CHUNK, len(t.events)))]
            f.write(("," if start else "") + encode(chunk)[1:-1])
        f.write("]}\n")


_SQL_TYPES = {"string": "TEXT", "integer": "INTEGER", "float": "REAL", "boolean": "BOOLEAN", "time": "TIMESTAMP"}


def _map_names(types: Sequence[str]) -> dict[str, str]:
    """Table-name suffixes for type names: letters and digits only, unique."""
    out: dict[str, str] = {}
    used: set[str] = set()
    for name in types:
        base = re.sub(r"[^0-9A-Za-z]", "", name) or "type"
        cand, i = base, 1
        while cand.lower() in used:
            i += 1
            cand = f"{base}{i}"
        used.add(cand.lower())
        out[name] = cand
    return out


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _rows(frame: pd.DataFrame, columns: list[str]) -> Any:
    """Rows of ``frame[columns]`` as tuples of Python values, built column by column."""
    return zip(*(_pylist(frame[c]) for c in columns))


def _write_sqlite(t: OcelTables, path: Path) -> None:
    if path.exists():
        path.unlink()
    con = sqlite3.connect(path)
    try:
        cur = con.cursor()
        cur.executescript("""
            CREATE TABLE event (ocel_id TEXT PRIMARY KEY, ocel_type TEXT);
            CREATE TABLE object (ocel_id TEXT PRIMARY KEY, ocel_type TEXT);
            CREATE TABLE event_map_type (ocel_type TEXT PRIMARY KEY, ocel_type_map TEXT);
            CREATE TABLE object_map_type (ocel_type TEXT PRIMARY KEY, ocel_type_map TEXT);
            CREATE TABLE event_object (ocel_event_id TEXT, ocel_object_id TEXT, ocel_qualifier TEXT,
                PRIMARY KEY (ocel_event_id, ocel_object_id, ocel_qualifier),
                FOREIGN KEY (ocel_event_id) REFERENCES event (ocel_id),
                FOREIGN KEY (ocel_object_id) REFERENCES object (ocel_id));
            CREATE TABLE object_object (ocel_source_id TEXT, ocel_target_id TEXT, ocel_qualifier TEXT,
                PRIMARY KEY (ocel_source_id, ocel_target_id, ocel_qualifier),
                FOREIGN KEY (ocel_source_id) REFERENCES object (ocel_id),
                FOREIGN KEY (ocel_target_id) REFERENCES object (ocel_id));
        """)
        ev = t.events
        cur.executemany("INSERT INTO event VALUES (?, ?)", _rows(ev, ["ocel_id", "ocel_type"]))
        cur.executemany("INSERT INTO object VALUES (?, ?)", _rows(t.objects, ["ocel_id", "ocel_type"]))
        emap = _map_names(sorted(ev["ocel_type"].unique()))
        omap = _map_names(sorted(t.objects["ocel_type"].unique()))
        cur.executemany("INSERT INTO event_map_type VALUES (?, ?)", emap.items())
        cur.executemany("INSERT INTO object_map_type VALUES (?, ?)", omap.items())
        cur.executemany("INSERT INTO event_object VALUES (?, ?, ?)", _rows(t.e2o, list(t.e2o.columns)))
        cur.executemany("INSERT INTO object_object VALUES (?, ?, ?)", _rows(t.o2o, list(t.o2o.columns)))
        attrs = list(t.attributes)
        cols = ", ".join(f"{_q(a)} {_SQL_TYPES[k]}" for a, k in t.attributes.items())
        order = np.argsort(ev["ocel_type"].to_numpy(dtype=object), kind="stable")
        sorted_types = ev["ocel_type"].to_numpy(dtype=object)[order]
        cuts = np.flatnonzero(np.r_[True, sorted_types[1:] != sorted_types[:-1], True])
        for a, b in pairwise(cuts):
            etype = sorted_types[a]
            table = _q("event_" + emap[etype])
            cur.execute(f"CREATE TABLE {table} (ocel_id TEXT PRIMARY KEY, ocel_time TIMESTAMP"
                        + (f", {cols}" if cols else "") + ", FOREIGN KEY (ocel_id) REFERENCES event (ocel_id))")
            marks = ", ".join("?" * (2 + len(attrs)))
            cur.executemany(f"INSERT INTO {table} VALUES ({marks})",
                            _rows(ev.iloc[order[a:b]], ["ocel_id", "ocel_time", *attrs]))
        for otype, g in t.objects.groupby("ocel_type", sort=True, observed=True):
            table = _q("object_" + omap[str(otype)])
            cur.execute(f"CREATE TABLE {table} (ocel_id TEXT, ocel_time TIMESTAMP, ocel_changed_field TEXT, "
                        "name TEXT, FOREIGN KEY (ocel_id) REFERENCES object (ocel_id))")
            cur.executemany(f"INSERT INTO {table} VALUES (?, ?, NULL, ?)",
                            zip(_pylist(g["ocel_id"]), [_EPOCH] * len(g), _pylist(g["name"])))
        con.commit()
    finally:
        con.close()


def write_ocel(
    data: pd.DataFrame,
    path: str | PathLike[str],
    *,
    format: Literal["json", "sqlite"] | None = None,
    objects: Mapping[str, str] | None = None,
    keys: Mapping[str, Extractor] | None | Literal[False] = None,
    o2o: pd.DataFrame | None = None,
    level: Literal["step", "event", "activity"] | None = None,
    case_col: str = "case_id",
    activity_col: str = "step",
    unassigned: Literal["drop", "raise"] = "drop",
    tz: str | None = None,
) -> Path:
    """Write the tasks frame (or a pm4py-format log) as an OCEL 2.0 file.

    Parameters
    ----------
    data : pandas.DataFrame
        The tasks frame (converted with :func:`~taskmining.export.to_pm4py`
        using ``level``, ``case_col``, ``activity_col``, ``unassigned``,
        ``tz``), or a pm4py-format log such as ``link_to_process(...).log``.
    path : str or PathLike
        ``.json``/``.jsonocel`` or ``.sqlite``/``.sqlite3``/``.db``.
    format : {"json", "sqlite"}, optional
        Overrides the extension.
    objects : mapping of str to str, optional
        Object type -> column (of the tasks frame or of the pm4py frame
        given); the column ``document`` is derived from ``window`` (see
        :func:`~taskmining.export.keys.documents`) when missing. Default for a tasks frame:
        ``task_instance``, ``application``, ``document``; for a pm4py frame:
        ``case`` (``case:concept:name``), ``application``, ``document``.
    keys : mapping, False or None
        Business-key extractors (default :data:`~taskmining.export.keys.DEFAULT_KEYS`);
        ``False`` for no business objects.
    o2o : pandas.DataFrame, optional
        Object-to-object relations: ``source_type``, ``source``,
        ``target_type``, ``target``, ``qualifier``.
    level : {"step", "event", "activity"}, optional
        What one OCEL event stands for, as everywhere in the library
        (:func:`~taskmining.mining.levels.resolve_level`): by default an
        activity for a tasks frame with UI structure, else a step. Ignored
        for a pm4py-format log (its rows are the events).

    Returns
    -------
    pathlib.Path

    Raises
    ------
    ParameterError
        Unknown format or extension.
    SchemaError, ExportError
        Missing columns or times, an empty log, an unwritable file.

    Examples
    --------
    >>> import json, os, tempfile
    >>> import pandas as pd
    >>> from taskmining.export.ocel import write_ocel  # the converter (one person: no team threshold)
    >>> tasks = pd.DataFrame({
    ...     "timestamp": pd.to_datetime(["2026-01-05 09:00", "2026-01-05 09:01"], utc=True),
    ...     "case_id": "c1", "step": ["Open invoice", "Post"], "app": ["outlook", "sap"],
    ...     "window": ["INV-2026-7 - Outlook", "Post invoice - SAP"]})
    >>> p = write_ocel(tasks, os.path.join(tempfile.mkdtemp(), "log.json"))
    >>> doc = json.loads(p.read_text())
    >>> sorted(o["id"] for o in doc["objects"])[:3]
    ['application:outlook', 'application:sap', 'document:INV-2026-7 - Outlook']
    >>> [r["objectId"] for r in doc["events"][0]["relationships"]]
    ['task_instance:c1', 'application:outlook', 'document:INV-2026-7 - Outlook', 'invoice:INV-2026-7']
    """
    what = "write_ocel"
    path = Path(path)
    if format is None:
        suffix = path.suffix.lower()
        if suffix not in _FORMATS:
            raise ParameterError(f"format: cannot tell the OCEL form from {path.name!r}; use a .json or .sqlite "
                                 "name or pass format='json' or 'sqlite'")
        format = _FORMATS[suffix]  # type: ignore[assignment]
    check_choice(format, "format", ("json", "sqlite"))
    extractors = None if keys is False else keys
    key_rows = None
    if is_pm4py_frame(data):
        require_columns(data, [CASE, ACTIVITY, TIME], what=what)
        require_rows(data, what=what)
        log = data.reset_index(drop=True)
        log = log.assign(**{TIME: utc_times(log, TIME, what=what, tz=tz)})
        default = {"case": CASE, "application": "app", "document": "document"}
        if keys is not False:
            found = extract_keys(log, extractors, case_col=None)
            key_rows = pd.DataFrame({"pos": found["row"].to_numpy(), "key_type": found["key_type"],
                                     "key": found["key"]})
    else:
        attrs = [c for c in DEFAULT_ATTRIBUTES if isinstance(data, pd.DataFrame) and c in data.columns]
        if objects is not None:  # object columns name tasks-frame columns: map them to the log's
            renamed = {case_col: CASE, "user": RESOURCE, "task": "case:task", activity_col: ACTIVITY}
            attrs += [c for c in objects.values() if c not in renamed and c not in attrs]
            objects = {t: renamed.get(c, c) for t, c in objects.items()}
        unit = check_level(resolve_level(level, data), ("event", "step", "activity"), what=what)
        if unit == "activity":  # one event per activity: activities are the steps of the export
            require_columns(data, [case_col, activity_col, "timestamp"], what=what)
            require_rows(data, what=what)
            data, _, activity_col = at_level(data, unit, ("activity",), what=what, case_col=case_col,
                                             activity_col=activity_col)
            unit = "step"
        log = pm4py_log(data, level=cast(Literal["step", "event"], unit), case_col=case_col,
                        activity_col=activity_col, attributes=attrs, unassigned=unassigned, tz=tz, what=what)
        default = dict(_TASK_OBJECTS)
        if keys is not False:
            key_rows = _task_keys(data, log, extractors, unit, case_col)
    wants_documents = objects is None or "document" in objects.values()
    if wants_documents and "window" in log.columns and "document" not in log.columns:
        log = log.assign(document=documents(log["window"]))
    if objects is None:
        objects = {t: c for t, c in default.items() if c in log.columns}
    else:
        require_columns(log, list(objects.values()), what=what)
    tables = ocel_tables(log, objects, keys=key_rows, o2o=o2o)
    try:
        (_write_json if format == "json" else _write_sqlite)(tables, path)
    except (OSError, sqlite3.Error) as exc:
        raise ExportError(f"{path}: cannot write: {getattr(exc, 'strerror', None) or exc}") from None
    return path


def _task_keys(tasks: pd.DataFrame, log: pd.DataFrame, keys: Mapping[str, Extractor] | None,
               level: str, case_col: str) -> pd.DataFrame:
    """Business keys of the tasks frame, as (pos in ``log``, key_type, key)."""
    by = "step_id" if level == "step" and "step_id" in log.columns else \
        "event_id" if level == "event" and "event_id" in log.columns else None
    if by is None:  # every row is one log row: search the log's own text columns
        found = extract_keys(log, keys, case_col=None)
        return pd.DataFrame({"pos": found["row"].to_numpy(), "key_type": found["key_type"], "key": found["key"]})
    found = extract_keys(tasks, keys, case_col=case_col)
    ref = tasks.loc[found["row"], by].to_numpy()
    pos = pd.Series(np.arange(len(log)), index=log[by].to_numpy())
    keep = pd.Index(pos.index).get_indexer(ref)
    ok = keep >= 0
    return pd.DataFrame({"pos": pos.to_numpy()[keep[ok]], "key_type": found["key_type"].to_numpy()[ok],
                         "key": found["key"].to_numpy()[ok]}).drop_duplicates()
