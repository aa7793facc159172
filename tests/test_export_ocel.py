"""write_ocel: OCEL 2.0 JSON and SQLite that pm4py reads; object types, relations, bad input."""

from __future__ import annotations

import functools

import json
import sqlite3

import pandas as pd
import pytest
from syspart import require_pm4py
from test_export_pm4py import make_tasks
from test_link import erp_log

from taskmining.errors import ExportError, ParameterError, SchemaError
from taskmining.export import link_to_process as _link_to_process
# the converters themselves (no team-level threshold: these tests check the format on 4 people)
from taskmining.export.ocel import write_ocel as _write_ocel
from taskmining.export.pm4py_frame import to_pm4py

from functools import partial as _partial

# these tests check the step-level export (one OCEL event per step); the default level is tested in
# tests/test_default_level.py
write_ocel = functools.partial(_write_ocel, level="step")
link_to_process = functools.partial(_link_to_process, level="step")

# linking mechanics on one to four people: explicitly opted out of the team-level threshold
# (tests/test_release_outputs.py and test_link_applies_the_team_threshold check the threshold)
link_to_process = _partial(link_to_process, min_group_size=None)


def _pm4py():
    return require_pm4py()


def expected_objects(tasks: pd.DataFrame) -> dict[str, int]:
    keys = tasks["window"].str.split(" - ").str[0]
    return {"task_instance": tasks["case_id"].nunique(), "application": tasks["app"].nunique(),
            "document": tasks["window"].nunique(), "invoice": keys.str.startswith("INV").pipe(
                lambda m: keys[m].nunique()), "purchase_order": keys[keys.str.startswith("PO")].nunique()}


@pytest.mark.parametrize("name", ["log.json", "log.sqlite"])
def test_pm4py_reads_both_forms_and_discovers_ocdfg(tmp_path, name):
    pm4py = _pm4py()
    tasks = make_tasks(9)
    path = write_ocel(tasks, tmp_path / name)
    ocel = pm4py.read_ocel2(str(path))
    steps = to_pm4py(tasks, level="step")  # OCEL events are steps
    assert len(ocel.events) == len(steps)
    assert ocel.objects["ocel:type"].value_counts().to_dict() == expected_objects(tasks)
    # every step relates to its task instance, application, document and business key
    assert len(ocel.relations) == 4 * len(steps)
    assert set(ocel.events["ocel:activity"]) == set(steps["concept:name"])
    times = pd.to_datetime(ocel.events["ocel:timestamp"], utc=True).sort_values().reset_index(drop=True)
    assert times.equals(steps["time:timestamp"].sort_values().reset_index(drop=True).astype(times.dtype))
    ocdfg = pm4py.discover_ocdfg(ocel)
    assert set(ocdfg["object_types"]) == set(expected_objects(tasks))
    assert set(ocdfg["activities"]) == set(steps["concept:name"])


def test_json_layout(tmp_path):
    tasks = make_tasks(3)
    doc = json.loads(write_ocel(tasks, tmp_path / "log.jsonocel").read_text())
    assert set(doc) == {"eventTypes", "objectTypes", "events", "objects"}
    assert {t["name"] for t in doc["objectTypes"]} == set(expected_objects(tasks))
    et = doc["eventTypes"][0]
    types = {a["name"]: a["type"] for a in et["attributes"]}
    assert types["n_events"] == "integer" and types["duration"] == "float" and types["start_timestamp"] == "time"
    ev = doc["events"][0]
    assert set(ev) == {"id", "type", "time", "attributes", "relationships"}
    assert ev["time"].endswith("+00:00")
    assert {r["qualifier"] for r in ev["relationships"]} == {"task instance", "application", "document",
                                                             "mentions"}
    obj = doc["objects"][0]
    assert obj["attributes"][0]["name"] == "name" and obj["relationships"] == []


def test_sqlite_tables(tmp_path):
    tasks = make_tasks(3)
    path = write_ocel(tasks, tmp_path / "log.db")
    write_ocel(tasks, path, format="sqlite")  # overwriting works
    con = sqlite3.connect(path)
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"event", "object", "event_object", "object_object", "event_map_type", "object_map_type"} <= tables
    emap = dict(con.execute("SELECT ocel_type, ocel_type_map FROM event_map_type"))
    assert emap["Copy invoice number"] == "Copyinvoicenumber"
    assert all(f"event_{m}" in tables for m in emap.values())
    assert "object_taskinstance" in tables and "object_purchaseorder" in tables
    n_events = con.execute("SELECT COUNT(*) FROM event").fetchone()[0]
    assert n_events == len(to_pm4py(tasks, level="step"))
    n_typed = sum(con.execute(f'SELECT COUNT(*) FROM "event_{m}"').fetchone()[0] for m in emap.values())
    assert n_typed == n_events
    con.close()


def test_options_keys_objects_and_formats(tmp_path):
    tasks = make_tasks(3)
    doc = json.loads(write_ocel(tasks, tmp_path / "a.json", keys=False).read_text())
    assert {t["name"] for t in doc["objectTypes"]} == {"task_instance", "application", "document"}
    doc = json.loads(write_ocel(tasks, tmp_path / "b.json", objects={"user": "user"}, keys=False,
                                level="event").read_text())
    assert {t["name"] for t in doc["objectTypes"]} == {"user"} and len(doc["events"]) == len(tasks)
    with pytest.raises(ParameterError, match="cannot tell the OCEL form from 'c.xml'"):
        write_ocel(tasks, tmp_path / "c.xml")
    with pytest.raises(ParameterError, match="format='csv'"):
        write_ocel(tasks, tmp_path / "c.json", format="csv")  # type: ignore[arg-type]
    with pytest.raises(SchemaError, match="column 'nope' is missing"):
        write_ocel(tasks, tmp_path / "c.json", objects={"x": "nope"})
    with pytest.raises(ExportError, match="empty"):
        write_ocel(tasks.iloc[:0], tmp_path / "c.json")
    with pytest.raises(SchemaError, match="column 'case_id' is missing"):
        write_ocel(tasks.drop(columns="case_id"), tmp_path / "c.json")
    with pytest.raises(ExportError, match="cannot write"):
        write_ocel(tasks, tmp_path / "missing" / "c.json")


@pytest.mark.parametrize("name", ["joint.json", "joint.sqlite"])
def test_combined_log_as_ocel(tmp_path, name):
    pm4py = _pm4py()
    tasks = make_tasks(6)
    erp = erp_log(tasks)
    res = link_to_process(tasks, erp, process_key="case:concept:name")
    ocel = pm4py.read_ocel2(str(res.write_ocel(tmp_path / name)))
    counts = ocel.objects["ocel:type"].value_counts().to_dict()
    assert counts["process_case"] == erp["case:concept:name"].nunique()
    assert counts["task_instance"] == 6
    assert len(ocel.events) == len(res.log)
    o2o = ocel.o2o
    assert len(o2o) == 6 and set(o2o["ocel:qualifier"]) == {"works on"}
    pm4py.discover_ocdfg(ocel)


def test_documents_are_files_named_in_titles(tmp_path):
    tasks = make_tasks(3)
    tasks["window"] = tasks["window"].where(tasks["app"] != "outlook",
                                            "Scan " + tasks["window"].str.slice(0, 8) + ".pdf - Adobe Reader")
    tasks["window"] = tasks["window"].astype("str")
    doc = json.loads(write_ocel(tasks, tmp_path / "d.json", keys=False).read_text())
    names = {o["attributes"][0]["value"] for o in doc["objects"] if o["type"] == "document"}
    assert "Scan INV-1000.pdf" in names and "PO-5002 - sap" in names
    assert not any(n.endswith("Adobe Reader") for n in names)
    ev = doc["events"][0]
    assert {"name": "window", "value": "Scan INV-1000.pdf - Adobe Reader"} in ev["attributes"]
