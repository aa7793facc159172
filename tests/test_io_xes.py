"""XES reading: the vectorised parser, the streaming fallback and the rustxes engine give one frame;
``read_events(format="xes")`` maps SmartRPA's UI-log XES and process-mining XES into the events frame."""

from __future__ import annotations

import gzip

import numpy as np
import pandas as pd
import pytest
from syspart import require

import taskmining as tm
from taskmining.errors import IngestError, ParameterError, SchemaError
# the converters themselves (no team-level threshold: these tests check the format on 4 people)
from taskmining.export.pm4py_frame import to_pm4py
from taskmining.export.xes import write_xes
from taskmining.io.detect import detect_format
from taskmining.io.formats import _xes_parse, _xes_stream
from taskmining.io.formats.xes import _frame, read_xes

DOC = b"""<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1849-2016" xmlns="http://www.xes-standard.org/">
  <extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>
  <global scope="event"><string key="concept:name" value="__INVALID__"/></global>
  <classifier name="Activity" keys="concept:name"/>
  <string key="concept:name" value="the log"/>
  <trace>
    <string key="concept:name" value="c1"/>
    <date key="opened" value="2026-01-05T08:00:00+01:00"/>
    <event>
      <string key="concept:name" value="Save &amp; close &lt;now&gt; &quot;x&quot; &#10;&#x41;"/>
      <date key="time:timestamp" value="2026-01-05T09:00:00.250+01:00"/>
      <int key="amount" value="12"/>
      <float key="share" value="0.5"/>
      <boolean key="ok" value="true"/>
      <string key="nested" value="top"><string key="child" value="inner"/></string>
      <list key="items"><values><string key="item" value="a"/></values></list>
      <string key="mixed" value=""/>
    </event>
    <event>
      <string key="concept:name" value="Post"/>
      <date key="time:timestamp" value="2026-01-05T09:01:00Z"/>
      <boolean key="mixed" value="false"/>
      <string key="concept:name" value="Post again"/>
    </event>
  </trace>
  <trace><string key="concept:name" value="c2"/></trace>
  <trace>
    <string key="concept:name" value="c3"/>
    <event><string key="concept:name" value="Open"/><date key="time:timestamp" value="2026-01-05T10:00:00Z"/></event>
    <event/>
  </trace>
</log>
"""


def _both(data: bytes) -> tuple[pd.DataFrame, pd.DataFrame]:
    fast = _xes_parse.parse(data)
    assert fast is not None, "the vectorised parser should read this document"
    return _frame(fast, "doc.xes")[0], _frame(_xes_stream.parse_stream(data, "doc.xes"), "doc.xes")[0]


def test_vectorised_parser_equals_streaming_parser():
    fast, stream = _both(DOC)
    pd.testing.assert_frame_equal(fast, stream)
    assert len(fast) == 4  # the self-closing <event/> is an event without attributes
    assert fast["case:concept:name"].tolist() == ["c1", "c1", "c3", "c3"]
    assert fast.loc[0, "concept:name"] == 'Save & close <now> "x" \nA'
    assert fast.loc[1, "concept:name"] == "Post again"  # the same key twice: the last value wins
    assert fast["amount"].dtype == "Int64" and fast.loc[0, "amount"] == 12
    assert fast["share"].dtype == "float64" and fast.loc[0, "share"] == 0.5
    assert fast["ok"].dtype == "boolean" and bool(fast.loc[0, "ok"])
    assert fast.loc[0, "nested"] == "top" and "child" not in fast.columns and "item" not in fast.columns
    assert fast["mixed"].tolist()[:2] == ["", "false"]  # a key of several types is text
    assert str(fast.loc[0, "time:timestamp"]) == "2026-01-05 08:00:00.250000+00:00"
    assert str(fast.loc[0, "case:opened"]) == "2026-01-05 07:00:00+00:00"
    assert list(fast.columns[:3]) == ["case:concept:name", "case:opened", "concept:name"]


@pytest.mark.parametrize("change", [
    (b"<trace>\n    <string key=\"concept:name\" value=\"c1\"/>", b"<!-- a comment --><trace><string key='concept:name' value='c1'/>"),
    (b'<int key="amount" value="12"/>', b'<int value="12" key="amount"/>'),
    (b'<float key="share" value="0.5"/>', b'<float  key="share"\n value="0.5" />'),
], ids=["comment and single quotes", "value before key", "other spacing"])
def test_documents_outside_the_vectorised_parser_are_streamed(tmp_path, change):
    data = DOC.replace(*change)
    assert _xes_parse.parse(data) is None
    path = tmp_path / "odd.xes"
    path.write_bytes(data)
    pd.testing.assert_frame_equal(read_xes(path, engine="pure"), read_xes(_write(tmp_path, DOC), engine="pure"))


def _write(tmp_path, data: bytes, name: str = "doc.xes"):
    path = tmp_path / name
    path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    return path


@pytest.mark.parametrize("bad, line", [
    (DOC.replace(b"</event>\n    <event>", b"</trace>\n    <event>", 1), 19),
    (DOC.replace(b'value="Post"/>', b'value="Post">'), None),
], ids=["mismatched tag", "unclosed attribute"])
def test_malformed_xml_is_an_ingest_error_with_the_line(tmp_path, bad, line):
    with pytest.raises(IngestError, match="not well-formed XES") as info:
        read_xes(_write(tmp_path, bad), engine="pure")
    assert "doc.xes" in str(info.value)
    if line is not None:
        assert f"line {line}" in str(info.value)


def test_bytes_that_are_not_utf8_are_an_ingest_error(tmp_path):
    with pytest.raises(IngestError, match="not well-formed"):
        read_xes(_write(tmp_path, DOC.replace(b"Post again", b"Post \xff\xfe")), engine="pure")


def test_a_value_invalid_for_its_type_names_the_attribute(tmp_path):
    with pytest.raises(IngestError, match="'amount'"):
        read_xes(_write(tmp_path, DOC.replace(b'value="12"', b'value="twelve"')), engine="pure")


def test_unknown_engine_is_a_parameter_error(tmp_path):
    with pytest.raises(ParameterError, match="engine"):
        read_xes(_write(tmp_path, DOC), engine="fast")


def _tasks() -> pd.DataFrame:
    events = tm.simulate(n_users=2, n_days=1, seed=3, hours=1.0)
    return tm.segment(events.drop(columns=[c for c in events.columns if c.startswith("true_")]))


def test_written_log_reads_back_like_its_pm4py_frame(tmp_path):
    tasks = _tasks()
    path = write_xes(tasks, tmp_path / "log.xes.gz", level="event")
    back = read_xes(path, engine="pure")
    want = to_pm4py(tasks, level="event")
    assert len(back) == len(want)
    assert back["case:concept:name"].tolist() == want["case:concept:name"].tolist()
    assert back["concept:name"].tolist() == want["concept:name"].tolist()
    assert (back["time:timestamp"].to_numpy() == want["time:timestamp"].to_numpy()).all()
    assert back["event_id"].tolist() == want["event_id"].tolist()
    fast, stream = _both(gzip.decompress(path.read_bytes()))
    pd.testing.assert_frame_equal(fast, stream)


def _rustxes():
    try:
        import rustxes
    except ImportError:
        rustxes = None
    require(rustxes is not None, "rustxes is not installed (pip install taskmining[fast])")


# rustxes does not read an empty <event/>, and keeps the first of a key given twice
FULL = DOC.replace(b"    <event/>\n", b"").replace(b'      <string key="concept:name" value="Post again"/>\n', b"")


def test_rustxes_engine_gives_the_same_frame(tmp_path, shared_data):
    _rustxes()
    tasks = _tasks()
    for path in (shared_data / "real-recordings" / "smartrpa-form.xes",
                 write_xes(tasks, tmp_path / "log.xes", level="step"), _write(tmp_path, FULL)):
        pd.testing.assert_frame_equal(read_xes(path, engine="pure"), read_xes(path, engine="rustxes"))


def test_a_file_rustxes_cannot_read_goes_to_the_pure_path_with_auto(tmp_path):
    _rustxes()
    path = _write(tmp_path, DOC)
    with pytest.raises(IngestError, match="rustxes cannot read"):
        read_xes(path, engine="rustxes")
    pd.testing.assert_frame_equal(read_xes(path, engine="auto"), read_xes(path, engine="pure"))


def test_smartrpa_ui_log_xes_reads_into_the_events_frame(shared_data):
    path = shared_data / "real-recordings" / "smartrpa-form.xes"
    assert detect_format(path) == "xes"
    with pytest.raises(IngestError, match="tz="):
        tm.read_events(path)
    for engine in ("pure", "rustxes") if _has_rustxes() else ("pure",):
        ev = tm.read_events(path, tz="Europe/Rome", engine=engine)
        assert len(ev) == 147
        assert set(ev["app"].dropna()) >= {"chrome"}
        assert ev["user"].unique().tolist() == ["simon"]
        assert str(ev["timestamp"].iloc[0]) == "2021-06-23 10:54:52.993000+00:00"  # 12:54 in Rome
        assert "newTab" in set(ev["raw_action"]) and "open" in set(ev["action"])
        first = ev["attrs"].str.contains('"case:concept:name":"623125452993000"').sum()
        second = ev["attrs"].str.contains('"case:concept:name":"623125731289000"').sum()
        assert first > 0 and second > 0 and first + second == 147  # the two traces
        assert not ev["attrs"].str.contains('""').any()  # empty SmartRPA fields are left out


def _has_rustxes() -> bool:
    try:
        import rustxes  # noqa: F401
    except ImportError:
        return False
    return True


def test_process_mining_xes_reads_into_the_events_frame(tmp_path):
    path = _write(tmp_path, FULL, "erp.xes.gz")
    assert detect_format(path) == "xes"
    ev = tm.read_events(path, engine="pure")
    assert ev["raw_action"].tolist() == ['Save & close <now> "x" \nA', "Post", "Open"]
    assert (ev["session"] == "erp").all() and (ev["source"] == "xes").all()
    assert ev["attrs"].iloc[0].startswith('{"case:concept:name":"c1"')
    assert str(ev["timestamp"].iloc[0]) == "2026-01-05 08:00:00.250000+00:00"


def test_an_event_without_a_time_is_a_schema_error(tmp_path):
    with pytest.raises(SchemaError, match="timestamp"):
        tm.read_events(_write(tmp_path, DOC), engine="pure")
