"""Bad input for the Action Logger, SmartRPA, Leno, ActivityWatch and generic readers, and fuzzing.

For every CSV format: malformed rows, bad and naive timestamps, bytes that are
not UTF-8, missing required columns and empty files; read + quarantined always
equals the records in the input. On garbage, the readers raise nothing but
TaskminingError subclasses.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from taskmining.errors import IngestError, TaskminingError
from taskmining.io.registry import get_format


def _al(ts: str, i: int | str) -> str:
    return f'{ts},u1,Chrome,clickButton,"btn, {i}",BUTTON'


def _srpa(ts: str, i: int | str) -> str:
    return f'{ts},u1,Browser,Chrome,clickLink,"https://x.example/{i}"'


def _leno(ts: str, i: int | str) -> str:
    return f'"{i}","insertValue","{ts}","Web","name","v{i}"'


def _gen(ts: str, i: int | str) -> str:
    return f'{ts},click,"u{i}"'


# format -> (header, row(ts, i), a good timestamp, options, the required column to drop)
FORMATS: dict[str, tuple[str, Callable[[str, int | str], str], str, dict[str, Any], str]] = {
    "actionlogger": ("timeStamp,userID,targetApp,eventType,target.name,target.tagName", _al,
                     "2019-03-03T19:02:18.239Z", {}, "eventType"),
    "smartrpa": ("timestamp,user,category,application,event_type,browser_url", _srpa,
                 "2020-04-15T13:09:35.000", {"tz": "UTC"}, "event_type"),
    "leno": ('"caseID","eventType","timeStamp","source","Label","Value"', _leno,
             "2019-02-19T03:38:31.823Z", {}, "eventType"),
    "generic": ("time,event,who", _gen, "2026-01-05T09:00:00Z",
                {"mapping": {"timestamp": "time", "action": "event", "user": "who"}}, "time"),
}


def _read(fmt: str, path: Path, errors: str = "quarantine") -> Any:
    opts = dict(FORMATS[fmt][3])
    tz = opts.pop("tz", None)
    return get_format(fmt).read([path], errors=errors, tz=tz, progress=False, **opts)


def _write(tmp_path: Path, fmt: str, lines: list[str | bytes], name: str = "log.csv") -> Path:
    p = tmp_path / name
    p.write_bytes(b"\n".join(x if isinstance(x, bytes) else x.encode() for x in lines) + b"\n")
    return p


def _drop(header: str, column: str) -> str:
    return ",".join(f for f in header.split(",") if f.strip('"') != column)


@pytest.mark.parametrize("fmt", FORMATS)
def test_malformed_rows_bad_times_and_bytes_are_quarantined(tmp_path: Path, fmt: str) -> None:
    header, row, ts, _, _ = FORMATS[fmt]
    bad_time = "yesterday noon"
    # row 5 has a UTF-8 'é': the file is UTF-8, so the bytes of line 6 are damage, not another encoding
    lines: list[str | bytes] = [header, row(ts, 1), row(ts, 2) + ",extra", row(bad_time, 3), "",
                                row(ts, 4).encode()[:-1] + b"\xe4\xff" + row(ts, 4).encode()[-1:],
                                row(ts, "é5")]
    p = _write(tmp_path, fmt, lines)
    res = _read(fmt, p)
    q = res.quarantine
    records = 5  # data rows (the blank line is no record)
    assert len(res.events) + len(q) == records
    assert len(res.events) == 2
    by_line = dict(zip(q["line"], q["reason"]))
    assert set(by_line) == {3, 4, 6}
    assert by_line[3].startswith("expected") and "fields" in by_line[3]
    assert by_line[4] == f"unparsable timestamp: {bad_time!r}"
    assert by_line[6] == "bytes that are not UTF-8"
    assert (q["file"] == str(p)).all()
    assert q.loc[q["line"] == 3, "raw"].iloc[0] == row(ts, 2) + ",extra"
    with pytest.raises(IngestError, match=r"log\.csv, line 3: expected"):  # the first bad line
        _read(fmt, p, errors="raise")


@pytest.mark.parametrize("fmt", ["actionlogger", "leno", "generic"])
def test_naive_times_among_aware_ones_are_quarantined(tmp_path: Path, fmt: str) -> None:
    header, row, ts, _, _ = FORMATS[fmt]
    naive = ts.rstrip("Z")
    p = _write(tmp_path, fmt, [header, row(ts, 1), row(naive, 2), row(ts, 3)])
    res = _read(fmt, p)
    assert len(res.events) == 2
    assert res.quarantine["line"].tolist() == [3]
    assert "pass tz=" in res.quarantine["reason"].iloc[0]


@pytest.mark.parametrize("fmt", FORMATS)
def test_all_naive_times_without_tz_is_an_error(tmp_path: Path, fmt: str) -> None:
    header, row, ts, opts, _ = FORMATS[fmt]
    p = _write(tmp_path, fmt, [header, row(ts.rstrip("Z"), 1), row(ts.rstrip("Z"), 2)])
    opts = {k: v for k, v in opts.items() if k != "tz"}
    with pytest.raises(IngestError, match="pass tz="):
        get_format(fmt).read([p], errors="quarantine", tz=None, progress=False, **opts)


@pytest.mark.parametrize("fmt", FORMATS)
def test_missing_required_column_names_file_and_column(tmp_path: Path, fmt: str) -> None:
    header, row, ts, _, missing = FORMATS[fmt]
    p = _write(tmp_path, fmt, [_drop(header, missing), "a,b"])
    with pytest.raises(IngestError, match=rf"log\.csv, column '{missing}': missing required column"):
        _read(fmt, p)


@pytest.mark.parametrize("fmt", FORMATS)
def test_empty_and_header_only_files(tmp_path: Path, fmt: str) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    header_only = _write(tmp_path, fmt, [FORMATS[fmt][0]], name="header.csv")
    for p in (empty, header_only):
        res = _read(fmt, p)
        assert len(res.events) == 0 and len(res.quarantine) == 0


@pytest.mark.parametrize("fmt", FORMATS)
def test_line_numbers_after_multiline_fields_and_crlf(tmp_path: Path, fmt: str) -> None:
    header, row, ts, _, _ = FORMATS[fmt]
    multi = row(ts, "1\nsecond line")
    p = tmp_path / "log.csv"
    p.write_bytes(("\r\n".join([header, multi, row(ts, 2), row("garbage", 3)]) + "\r\n").encode())
    res = _read(fmt, p)
    assert len(res.events) == 2
    # the multi-line record takes lines 2 to 2 + its newlines; then the good row; then the bad one
    assert res.quarantine["line"].tolist() == [2 + multi.count("\n") + 2]


def test_utf8_bom_and_gzip(tmp_path: Path) -> None:
    import gzip

    header, row, ts, _, _ = FORMATS["actionlogger"]
    body = ("\n".join([header, row(ts, 1)]) + "\n").encode("utf-8-sig")
    p = tmp_path / "log.csv.gz"
    p.write_bytes(gzip.compress(body))
    res = _read("actionlogger", p)
    assert len(res.events) == 1 and res.events["user"].tolist() == ["u1"]


# --- fuzzing -------------------------------------------------------------------

_FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _garbage_ok(fmt: str, path: Path) -> None:
    for errors in ("quarantine", "raise"):
        try:
            res = _read(fmt, path, errors=errors)
        except TaskminingError:
            continue
        assert len(res.events) >= 0


@pytest.mark.parametrize("fmt", FORMATS)
@_FUZZ
@given(data=st.binary(max_size=400))
def test_fuzz_bytes_after_a_valid_header(tmp_path: Path, fmt: str, data: bytes) -> None:
    p = tmp_path / "fuzz.csv"
    p.write_bytes(FORMATS[fmt][0].encode() + b"\n" + data)
    _garbage_ok(fmt, p)


@pytest.mark.parametrize("fmt", FORMATS)
@_FUZZ
@given(text=st.text(alphabet=st.sampled_from(list(',"\n\r ;xZ0123456789-:T\\\x00é')), max_size=300))
def test_fuzz_csv_like_text(tmp_path: Path, fmt: str, text: str) -> None:
    header, row, ts, _, _ = FORMATS[fmt]
    p = tmp_path / "fuzz.csv"
    p.write_text(header + "\n" + row(ts, 1) + "\n" + text, encoding="utf-8")
    _garbage_ok(fmt, p)


@pytest.mark.parametrize("fmt", FORMATS)
@_FUZZ
@given(data=st.binary(max_size=300))
def test_fuzz_raw_bytes(tmp_path: Path, fmt: str, data: bytes) -> None:
    p = tmp_path / "fuzz.csv"
    p.write_bytes(data)
    _garbage_ok(fmt, p)


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=20)
_event = st.fixed_dictionaries({}, optional={
    "timestamp": st.one_of(st.just("2026-11-24T09:00:00+00:00"), st.text(max_size=25), st.integers()),
    "duration": st.one_of(st.floats(allow_nan=True), st.integers(), st.text(max_size=5), st.none()),
    "data": st.one_of(st.dictionaries(st.sampled_from(["app", "title", "url", "status", "presses"]), _json,
                                      max_size=4), _json),
    "id": _json})
_bucket = st.fixed_dictionaries({
    "type": st.sampled_from(["currentwindow", "afkstatus", "os.hid.input", "web.tab.current", "x"]),
    "events": st.one_of(st.lists(_event, max_size=6), _json)}, optional={"hostname": _json, "client": _json})


@_FUZZ
@given(doc=st.one_of(_json, st.fixed_dictionaries({"buckets": st.one_of(
    st.dictionaries(st.text(max_size=12), _bucket, max_size=4), _json)})))
def test_fuzz_activitywatch_documents(tmp_path: Path, doc: Any) -> None:
    p = tmp_path / "fuzz.json"
    p.write_text(json.dumps(doc))
    for errors in ("quarantine", "raise"):
        try:
            res = get_format("activitywatch").read([p], errors=errors, tz=None, progress=False)
        except TaskminingError:
            continue
        assert len(res.events) >= 0


@_FUZZ
@given(data=st.binary(max_size=300))
def test_fuzz_activitywatch_bytes(tmp_path: Path, data: bytes) -> None:
    p = tmp_path / "fuzz.json"
    p.write_bytes(b'{"buckets": ' + data)
    try:
        get_format("activitywatch").read([p], errors="quarantine", tz=None, progress=False)
    except TaskminingError:
        pass


def test_quotes_inside_unquoted_fields_keep_line_numbers(tmp_path: Path) -> None:
    header, row, ts, _, _ = FORMATS["generic"]
    p = _write(tmp_path, "generic", [header, f'{ts},click,u"1', f"{ts},click,u2,extra", f'{ts},click,"u\n3"',
                                     "never,click,u4"])
    res = _read("generic", p)
    assert res.events["user"].tolist() == ['u"1', "u\n3"]
    assert dict(zip(res.quarantine["line"], res.quarantine["raw"])) == {3: f"{ts},click,u2,extra",
                                                                       6: "never,click,u4"}
