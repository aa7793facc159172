"""write_xes: pm4py reads it back; both engines, chunking, gzip, typing, escaping, bad input."""

from __future__ import annotations

import gzip
import re
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from syspart import require, require_pm4py
from test_export_pm4py import make_tasks

from taskmining.errors import ExportError, ParameterError, SchemaError
from taskmining.export import UnassignedRowsWarning
# the converters themselves (no team-level threshold: these tests check the format on 4 people)
from taskmining.export.pm4py_frame import to_pm4py
from taskmining.export.xes import write_xes


def _pm4py():
    return require_pm4py()


def _lxml():
    try:
        from lxml import etree
    except ImportError:
        etree = None
    require(etree is not None, "lxml is not installed (pip install taskmining[xes])")
    return etree


def _canonical(frame: pd.DataFrame) -> list[tuple[str, str, pd.Timestamp]]:
    times = pd.to_datetime(frame["time:timestamp"], utc=True)
    return sorted(zip(frame["case:concept:name"].astype(str), frame["concept:name"].astype(str), times))


@pytest.mark.parametrize("suffix,engine", [(".xes", "text"), (".xes.gz", "text"), (".xes", "lxml"),
                                           (".xes.gz", "lxml")])
def test_pm4py_reads_back_cases_activities_timestamps(tmp_path, suffix, engine):
    pm4py = _pm4py()
    if engine == "lxml":
        _lxml()
    tasks = make_tasks(9)
    expected = to_pm4py(tasks)
    path = write_xes(tasks, tmp_path / f"log{suffix}", engine=engine, chunk_size=7)
    if suffix.endswith(".gz"):
        with gzip.open(path, "rb") as f:
            assert f.read(5) == b"<?xml"
    back = pm4py.read_xes(str(path))
    assert len(back) == len(expected)
    assert _canonical(back) == _canonical(expected)
    # typed attributes survive: ints, floats, dates, trace attributes
    assert pd.api.types.is_integer_dtype(back["n_events"]) and pd.api.types.is_float_dtype(back["duration"])
    assert sorted(back["n_events"]) == sorted(expected["n_events"])
    starts = pd.to_datetime(back["start_timestamp"], utc=True)
    assert sorted(starts) == sorted(expected["start_timestamp"])
    assert set(back["case:task"]) == {"invoice", "order"}
    assert set(back["org:resource"]) == set(expected["org:resource"])


def test_document_structure_extensions_globals_classifiers(tmp_path):
    etree = _lxml()
    path = write_xes(make_tasks(3), tmp_path / "log.xes", log_name="desk & co")
    root = etree.parse(str(path)).getroot()
    assert root.tag == "log" and root.get("xes.version") == "1849-2016"
    assert {e.get("prefix") for e in root.findall("extension")} == {"concept", "time", "org", "lifecycle"}
    assert {g.get("scope") for g in root.findall("global")} == {"trace", "event"}
    assert {c.get("name") for c in root.findall("classifier")} >= {"Activity"}
    assert root.find("string[@key='concept:name']").get("value") == "desk & co"
    traces = root.findall("trace")
    assert len(traces) == 3
    ev = traces[0].find("event")
    kinds = {child.get("key"): child.tag for child in ev}
    assert kinds["time:timestamp"] == "date" and kinds["n_events"] == "int"
    assert kinds["duration"] == "float" and kinds["concept:name"] == "string"
    assert ev.find("date[@key='time:timestamp']").get("value").endswith("+00:00")
    assert ev.find("string[@key='lifecycle:transition']").get("value") == "complete"


def test_engines_write_the_same_document(tmp_path):
    etree = _lxml()
    tasks = make_tasks(5)
    docs = []
    for engine in ("text", "lxml"):
        path = write_xes(tasks, tmp_path / f"{engine}.xes", engine=engine, log_name="x")
        root = etree.parse(str(path), etree.XMLParser(remove_blank_text=True)).getroot()
        docs.append(etree.tostring(root, method="c14n"))
    assert docs[0] == docs[1]


def test_chunking_does_not_change_the_output(tmp_path):
    tasks = make_tasks(10)
    a = write_xes(tasks, tmp_path / "a.xes", chunk_size=1, log_name="x").read_bytes()
    b = write_xes(tasks, tmp_path / "b.xes", chunk_size=10**6, log_name="x").read_bytes()
    assert a == b and a.count(b"<trace>") == 10


def test_escaping_and_types(tmp_path):
    etree = _lxml()
    log = pd.DataFrame({
        "case:concept:name": ["c<1>", "c<1>"],
        "concept:name": ['say "hi" & go', "tab\there\nnewline\x01ctrl"],
        "time:timestamp": pd.to_datetime(["2026-01-05 09:00:00.123456", "2026-01-05 10:00"], utc=True, format="ISO8601"),
        "flag": [True, False], "count": pd.array([3, None], dtype="Int64"),
        "ratio": [0.25, np.nan], "note": ["ünïcødé ✓", None], 'odd "key" & <name>': ["x", "y"],
    })
    path = write_xes(log, tmp_path / "e.xes")
    root = etree.parse(str(path)).getroot()
    trace = root.find("trace")
    assert trace.find("string").get("value") == "c<1>"
    events = trace.findall("event")
    assert events[0].find("string[@key='concept:name']").get("value") == 'say "hi" & go'
    assert events[1].find("string[@key='concept:name']").get("value") == "tab\there\nnewlinectrl"
    assert events[0].find("date").get("value") == "2026-01-05T09:00:00.123456+00:00"
    assert events[0].find("boolean").get("value") == "true"
    assert events[0].find("int[@key='count']").get("value") == "3"
    assert events[1].find("int[@key='count']") is None  # missing values are left out
    assert events[1].find("float[@key='ratio']") is None
    assert events[0].find("string[@key='note']").get("value") == "ünïcødé ✓"
    assert [e.get("value") for e in events[1] if e.get("key") == 'odd "key" & <name>'] == ["y"]


def test_pm4py_frame_input_with_start_and_process_columns(tmp_path):
    pm4py = _pm4py()
    log = to_pm4py(make_tasks(4)).assign(source="desktop")
    path = write_xes(log, tmp_path / "p.xes")
    back = pm4py.read_xes(str(path))
    assert _canonical(back) == _canonical(log) and set(back["source"]) == {"desktop"}


def test_bad_input(tmp_path):
    tasks = make_tasks(2)
    with pytest.raises(SchemaError, match="column 'case_id' is missing"):
        write_xes(tasks.drop(columns="case_id"), tmp_path / "x.xes")
    with pytest.raises(SchemaError, match="column 'step' is missing"):
        write_xes(tasks.drop(columns="step"), tmp_path / "x.xes")
    with pytest.raises(ExportError, match="empty"):
        write_xes(tasks.iloc[:0], tmp_path / "x.xes")
    nat = tasks.copy()
    nat.loc[2, "timestamp"] = pd.NaT
    with pytest.raises(SchemaError, match="NaT"):
        write_xes(nat, tmp_path / "x.xes")
    assert not (tmp_path / "x.xes").exists()
    nolabel = tasks.copy()
    nolabel.loc[len(tasks) - 1, "step"] = None
    with pytest.raises(SchemaError, match="missing activity labels"):  # found while writing the last chunk
        write_xes(nolabel, tmp_path / "y.xes", chunk_size=1)
    assert not (tmp_path / "y.xes").exists()  # no half-written file is left
    with pytest.raises(ParameterError, match="engine="):
        write_xes(tasks, tmp_path / "x.xes", engine="fast")  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="chunk_size"):
        write_xes(tasks, tmp_path / "x.xes", chunk_size=0)
    with pytest.raises(ExportError, match="cannot write"):
        write_xes(tasks, tmp_path / "no" / "such" / "dir.xes")
    with pytest.warns(UnassignedRowsWarning, match="2 of"):
        text = write_xes(make_tasks(2, unassigned=2), tmp_path / "u.xes").read_text()
    assert "Idle" not in text and text.count("<trace>") == 2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnassignedRowsWarning)
        with pytest.raises(ExportError, match="empty"):
            write_xes(make_tasks(0, unassigned=2), tmp_path / "x.xes")


def test_pm4py_on_our_xes_agrees_with_our_mining(tmp_path):
    pm4py = _pm4py()
    import taskmining as tm

    tasks = make_tasks(15, seed=3)
    back = pm4py.read_xes(str(write_xes(tasks, tmp_path / "m.xes")))
    dfg, start, end = pm4py.discover_dfg(back)
    assert (dict(dfg), dict(start), dict(end)) == tm.to_pm4py_dfg(tasks)
    ours = tm.variants(tasks)
    assert {tuple(s): int(c) for s, c in zip(ours["steps"], ours["count"])} == dict(pm4py.get_variants(back))


FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.lists(st.text(st.characters(blacklist_categories=("Cs",)), max_size=30), min_size=1, max_size=5))
def test_any_text_survives_the_round_trip(tmp_path, values):
    etree = _lxml()
    log = pd.DataFrame({"case:concept:name": "c1", "concept:name": pd.Series(values, dtype="str"),
                        "time:timestamp": pd.Timestamp("2026-01-05", tz="UTC")})
    path = write_xes(log, tmp_path / "h.xes")
    root = etree.parse(str(path)).getroot()
    got = [e.find("string[@key='concept:name']").get("value") for e in root.iter("event")]
    assert got == [FORBIDDEN.sub("", v) for v in values]
