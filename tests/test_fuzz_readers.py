"""Hostile input for every reader: nothing but TaskminingError, never a hang, nothing lost.

Three parts:

- the hostile-input classes found by fuzzing, one test each (out-of-range
  years, 2**63, lone surrogates, deep nesting, a ground-truth column that
  changes type, negative durations, a non-UTF-8 byte before a stray quote,
  Parquet files with year-9999 times, wrong types or corrupt metadata);
- hypothesis-generated CSV logs of the CSV formats where each row is good or
  damaged in one of the known ways: read + quarantined == rows;
- a corpus of mutated real files (the real recordings when present, the
  samples in tests/data otherwise): byte flips, stray quotes, cut lines,
  conflict markers, foreign encodings; only TaskminingError may come out.

``benchmarks/bench_fuzz.py`` runs the corpus part much longer and prints counts.
"""

from __future__ import annotations

import json
import random
import warnings
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from syspart import SHARED_DATA

import taskmining as tm
from taskmining.errors import TaskminingError

DATA = Path(__file__).parent / "data"
GOOD = '{"timestamp": "2026-11-25T09:00:00Z", "session": "s1", "action": "click"%s}'


def _read(path: Path, **kw: Any) -> tuple[pd.DataFrame, pd.DataFrame]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return tm.read_events(path, return_quarantine=True, **kw)


def _lines(tmp_path: Path, name: str, lines: list[str]) -> Path:
    p = tmp_path / name
    p.write_bytes("\n".join(lines).encode("utf-8", errors="surrogatepass") + b"\n")
    return p


# --- the hostile classes, native JSON Lines ------------------------------------

NATIVE = {
    "years out of range": ['{"timestamp": "9999-01-01T00:00:00Z", "session": "s1", "action": "click"}',
                           '{"timestamp": "0001-01-01T00:00:00Z", "session": "s1", "action": "click"}',
                           '{"timestamp": "2262-12-31T00:00:00Z", "session": "s1", "action": "click"}',
                           '{"timestamp": "1677-01-01T00:00:00Z", "session": "s1", "action": "click"}'],
    "integers of 2**63": [GOOD % ', "attrs": {"n": 9223372036854775808}', GOOD % ', "seq": 9223372036854775808'],
    "lone surrogates": [GOOD % ', "attrs": {"s": "\\ud800"}', GOOD % ', "window": "\\udfff"'],
    "nesting depth 1000": [GOOD % (', "attrs": ' + '{"a":' * 1000 + "1" + "}" * 1000)],
    "nesting depth 100000": [GOOD % (', "attrs": ' + "[" * 100_000 + "]" * 100_000)],
    "ground truth changes type": [GOOD % ', "case_id": 1', GOOD % ', "case_id": "x"', GOOD % ', "case_id": [1]'],
    "negative duration": [GOOD % ', "duration": -5', GOOD % ', "duration": 3'],
    "a line Arrow's parser crashes on": ['null, "url": null, "attrs": {"x": 402}}', GOOD % "", "null}"],
    "deep line between good ones": [GOOD % "", "[" * 5000 + "]" * 5000, GOOD % ""],
    "wide attrs object": [GOOD % (', "attrs": {' + ",".join(f'"k{i}": {i}' for i in range(2000)) + "}")],
    "mixed-type lists": [GOOD % ', "attrs": {"l": [1, "a", 2.5, null, true]}'] * 300,
}


@pytest.mark.parametrize("case", sorted(NATIVE))
def test_native_hostile_class(tmp_path: Path, case: str) -> None:
    lines = [GOOD % ""] + NATIVE[case]
    events, quarantine = _read(_lines(tmp_path, "seg.jsonl", lines))
    assert len(events) + len(quarantine) == len(lines)
    assert len(events) >= 1  # the good record survives its neighbours
    if case in ("nesting depth 1000", "nesting depth 100000"):
        assert quarantine["reason"].str.startswith("nested deeper than").all()
    if case == "negative duration":
        assert quarantine["reason"].tolist() == ["negative duration"] and len(events) == 2
    if case == "years out of range":
        assert len(quarantine) == 4


# --- the hostile classes, CSV --------------------------------------------------

SMARTRPA_HEADER = "timestamp;user;category;application;event_type;browser_url"


def _srpa_row(i: int) -> str:
    return f"2020-04-15T13:09:{i % 60:02d}.000;anna;Browser;Chrome;clickLink;https://x.example/{i}"


def test_non_utf8_byte_before_a_stray_quote_loses_one_row(tmp_path: Path) -> None:
    rows = [_srpa_row(i).encode() for i in range(10)]
    rows[3] = rows[3].replace(b"anna", b'an\xe9"na')  # a Latin-1 byte and a stray quote in one row
    rows[6] = rows[6].replace(b"anna", "änna".encode())  # the file is UTF-8 otherwise
    p = tmp_path / "log.csv"
    p.write_bytes(SMARTRPA_HEADER.encode() + b"\n" + b"\n".join(rows) + b"\n")
    events, quarantine = _read(p, tz="UTC")
    assert len(events) == 9 and quarantine["line"].tolist() == [5]


@pytest.mark.parametrize("value", ["9999-01-01T00:00:00", "0001-01-01T00:00:00", "2262-06-01T00:00:00",
                                   "1677-01-01T00:00:00", "9223372036854775808", "18446744073709551616"])
def test_csv_times_out_of_range_are_quarantined(tmp_path: Path, value: str) -> None:
    p = _lines(tmp_path, "log.csv", [SMARTRPA_HEADER, _srpa_row(1), _srpa_row(2).replace("2020-04-15T13:09:02.000",
                                                                                          value)])
    events, quarantine = _read(p, tz="UTC")
    assert len(events) == 1 and len(quarantine) == 1


# --- Parquet -------------------------------------------------------------------

def _parquet(tmp_path: Path, table: pa.Table, name: str = "ev.parquet") -> Path:
    p = tmp_path / name
    pq.write_table(table, p)
    return p


def _events_table(ts: pa.Array) -> pa.Table:
    n = len(ts)
    return pa.table({"timestamp": ts, "action": ["click"] * n, "session": ["s"] * n, "user": ["u"] * n})



def test_parquet_year_9999(tmp_path: Path) -> None:
    ts = pa.array([pd.Timestamp("2026-01-05T09:00:00").to_pydatetime(),
                   pd.Timestamp("9999-01-01").to_pydatetime()], pa.timestamp("us", tz="UTC"))
    try:
        events, quarantine = _read(_parquet(tmp_path, _events_table(ts)))
    except TaskminingError:
        return
    assert len(events) + len(quarantine) == 2


def test_parquet_wrongly_typed_columns(tmp_path: Path) -> None:
    t = pa.table({"timestamp": [1, 2], "action": [1.5, 2.5], "session": [[1], [2]], "user": [True, False]})
    try:
        events, quarantine = _read(_parquet(tmp_path, t))
    except TaskminingError:
        return
    assert len(events) + len(quarantine) == 2


def test_parquet_corrupt_pandas_metadata(tmp_path: Path) -> None:
    t = _events_table(pa.array([pd.Timestamp("2026-01-05T09:00:00Z").to_pydatetime()], pa.timestamp("us", "UTC")))
    t = t.replace_schema_metadata({b"pandas": b'{"columns": [{"name": 7, "pandas_type": "nonsense"'})
    try:
        events, quarantine = _read(_parquet(tmp_path, t))
    except TaskminingError:
        return
    assert len(events) + len(quarantine) == 1


# --- hypothesis: generated CSV logs, every row good or damaged -----------------

DAMAGE = st.sampled_from(["good", "bad time", "year 9999", "2**63", "stray quote", "latin1 byte",
                          "surrogate", "extra field", "missing field", "conflict marker", "nul"])


# format -> (header, row of record i with the token TOKEN and the time TIME, the time, tz)
GENERATED = {
    "smartrpa": (SMARTRPA_HEADER, "TIME;TOKEN;Browser;Chrome;clickLink;https://x.example/{i}",
                 "2020-04-15T13:09:00.000", "UTC"),
    "tockler": ("Session;App;Type;Title;Begin;End",
                "1;TOKEN.EXE;AppTrackItem;Book{i} - Excel;TIME;2024-06-05 09:00:00", "2024-06-05 08:22:21", "UTC"),
    "actionlogger": ("timeStamp;userID;targetApp;eventType;target.name", "TIME;TOKEN;Chrome;clickButton;b{i}",
                     "2019-03-03T19:02:18.239Z", None),
}


def _damaged(fmt: str, i: int, how: str) -> bytes:
    _, template, ts, _ = GENERATED[fmt]
    token, time = "anna", ts
    if how == "bad time":
        time = "yesterday noon"
    elif how == "year 9999":
        time = "9999" + ts[4:]
    elif how == "2**63":
        time = "9223372036854775808"
    elif how == "stray quote":
        token = 'an"na'
    elif how == "surrogate":
        token = "an\ud800na"
    elif how == "nul":
        token = "an\x00na"
    row = template.replace("TIME", time).replace("TOKEN", token).replace("{i}", str(i))
    if how == "latin1 byte":
        return row.replace("anna", "anna\xe9").encode("latin-1")
    if how == "extra field":
        row += ";extra"
    elif how == "missing field":
        row = row.rsplit(";", 1)[0]
    elif how == "conflict marker":
        row = "<<<<<<< HEAD"
    return row.encode("utf-8", errors="surrogatepass")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fmt=st.sampled_from(sorted(GENERATED)), damage=st.lists(DAMAGE, min_size=1, max_size=30),
       delimiter=st.sampled_from([";", ",", "\t"]))
def test_generated_csv_logs_lose_nothing(tmp_path: Path, fmt: str, damage: list[str], delimiter: str) -> None:
    header, _, _, tz = GENERATED[fmt]
    rows = [_damaged(fmt, i, how) for i, how in enumerate(damage)]
    rows.append(_damaged(fmt, len(rows), "good").replace(b"anna", "änna".encode()))  # valid UTF-8: a UTF-8 file
    data = (header.encode() + b"\n" + b"\n".join(rows) + b"\n").replace(b";", delimiter.encode())
    p = tmp_path / "log.csv"
    p.write_bytes(data)
    try:
        events, quarantine = _read(p, tz=tz, format=fmt)
    except TaskminingError:
        return
    assert len(events) + len(quarantine) == len(rows)
    assert len(events) >= 1 + damage.count("good") - damage.count("stray quote")


FRAGMENTS = st.sampled_from(['{', '}', '[', ']', 'null', ',', ':', '"timestamp":', '"2026-11-25T09:00:00Z"',
                             '"9999-01-01T00:00:00Z"', '"action":', '"click"', '"session":', '"s"', '"attrs":',
                             '"\\ud800"', '9223372036854775808', '1e999', 'NaN', '"x"', '1', 'true', ' '])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(st.lists(FRAGMENTS, max_size=25).map("".join), min_size=1, max_size=12))
def test_generated_json_lines_lose_nothing(tmp_path: Path, lines: list[str]) -> None:
    lines = [GOOD % ""] + [x for x in lines if x.strip()]
    try:
        events, quarantine = _read(_lines(tmp_path, "seg.jsonl", lines), format="native")
    except TaskminingError:
        return
    assert len(events) + len(quarantine) == len(lines)


# --- a corpus of mutated real files ----------------------------------------------

def corpus() -> list[Path]:
    """The real recordings when present, else the CSV and JSON samples of tests/data."""
    real = SHARED_DATA / "real-recordings"
    files = sorted(real.glob("*.csv")) if real.is_dir() else []
    return files + sorted(DATA.glob("*/*.csv")) + sorted(DATA.glob("*/*.json")) + sorted(DATA.glob("*/*.jsonl"))


def mutate(data: bytes, rng: random.Random) -> bytes:
    """One random damage of the kinds real files show."""
    buf = bytearray(data)
    kind = rng.randrange(12)
    at = rng.randrange(len(buf) + 1)
    if kind == 0 and buf:
        for _ in range(rng.randint(1, 8)):
            buf[rng.randrange(len(buf))] = rng.randrange(256)
    elif kind == 1:
        buf[at:at] = b'"'
    elif kind == 2:
        buf = buf[: at] + buf[at + rng.randint(1, 200):]
    elif kind == 3:
        buf[at:at] = b"\n<<<<<<< HEAD\n=======\n>>>>>>> branch\n"
    elif kind == 4:
        buf = bytearray(bytes(buf).decode("utf-8", "replace").encode("utf-16"))
    elif kind == 5:
        buf = bytearray(bytes(buf).decode("utf-8", "replace").encode("utf-8").decode("latin-1").encode("utf-8"))
    elif kind == 6:
        buf[at:at] = b"\xef\xbb\xbf" * rng.randint(1, 3) + b"\x00\xff\xfe"
    elif kind == 7:
        buf[at:at] = rng.choice([b"9999-12-31T23:59:59", b"9223372036854775808", b"\\ud800", b"[" * 2000])
    elif kind == 8:  # a stretch of lines written twice, or lines swapped
        lines = bytes(buf).split(b"\n")
        i, j = sorted(rng.randrange(len(lines)) for _ in range(2))
        lines[i:i] = lines[i:j + 1] if rng.random() < 0.5 else lines[j:j + 1]
        buf = bytearray(b"\n".join(lines))
    elif kind == 9:  # cut off mid-write
        buf = buf[:at]
    elif kind == 10 and buf:  # a delimiter turned into another one
        seps = [i for i, b in enumerate(buf) if b in b",;\t|"]
        for i in rng.sample(seps, min(len(seps), rng.randint(1, 5))):
            buf[i] = rng.choice(b",;\t|")
    else:  # a field emptied (times, names): between two delimiters
        text = bytes(buf)
        starts = [m for m in range(len(text)) if text[m:m + 1] in (b",", b";")][:5000]
        if len(starts) > 1:
            k = rng.randrange(len(starts) - 1)
            buf = bytearray(text[:starts[k] + 1] + text[starts[k + 1]:])
    return bytes(buf)


def mutate_many(data: bytes, rng: random.Random, depth: int) -> bytes:
    """1 to ``depth`` damages of :func:`mutate` on top of each other."""
    for _ in range(rng.randint(1, depth)):
        data = mutate(data, rng)
    return data


def check_mutant(path: Path, data: bytes, tz: str = "UTC") -> str:
    """Read a mutant; the outcome ('read', 'error') or raise what is not a TaskminingError."""
    path.write_bytes(data)
    try:
        _read(path, tz=tz)
    except TaskminingError:
        return "error"
    return "read"


def test_mutated_real_files_raise_only_taskmining_errors(tmp_path: Path) -> None:
    rng = random.Random(12)
    files = corpus()
    assert files
    outcomes: dict[str, int] = {}
    for i in range(90):
        src = files[i % len(files)]
        data = src.read_bytes()[:60_000]
        out = check_mutant(tmp_path / (f"m{i}" + "".join(src.suffixes)), mutate_many(data, rng, 2))
        outcomes[out] = outcomes.get(out, 0) + 1
    assert sum(outcomes.values()) == 90 and outcomes.get("read", 0) > 0


def test_json_values_of_every_type_in_attrs(tmp_path: Path) -> None:
    values = [None, True, 1, -(2**63), 2**64, 1.5, float("1e308"), "x", [1, "a", None], {"k": [1.5, "b"]}]
    lines = [json.dumps({"timestamp": "2026-11-25T09:00:00Z", "session": "s", "action": "click",
                         "attrs": {"v": v}}) for v in values]
    events, quarantine = _read(_lines(tmp_path, "seg.jsonl", lines))
    assert len(events) + len(quarantine) == len(values)


def test_negative_durations_quarantine_their_rows_in_parquet_and_generic(tmp_path: Path) -> None:
    ts = pa.array([pd.Timestamp("2026-01-05T09:00:00Z").to_pydatetime()] * 3, pa.timestamp("us", "UTC"))
    t = _events_table(ts).append_column("duration", pa.array([1.0, -2.0, None]))
    events, quarantine = _read(_parquet(tmp_path, t))
    assert len(events) == 2 and quarantine["reason"].tolist() == ["negative duration"]
    p = _lines(tmp_path, "g.csv", ["time,event,duration", "2026-01-05T09:00:00Z,click,1",
                                   "2026-01-05T09:00:01Z,click,-1"])
    events, quarantine = _read(p, format="generic", mapping={"timestamp": "time", "action": "event"})
    assert len(events) == 1 and quarantine["line"].tolist() == [3]


@pytest.mark.parametrize("name", ["zeros.jsonl", "zeros.csv"])
def test_a_large_zeroed_file_is_a_clear_early_error(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    with open(path, "wb") as f:
        f.truncate(1 << 25)  # 32 MiB, sparse on disk: reading it whole used to cost twice its size in memory
    with pytest.raises(tm.errors.IngestError, match="only NUL bytes"):
        tm.read_events(path, format="native" if name.endswith(".jsonl") else "generic", tz="UTC")


@pytest.mark.parametrize("kind", ["activitywatch", "ocel"])
def test_lone_surrogate_escapes_in_json_formats_are_read_as_replacement_characters(tmp_path: Path,
                                                                                   kind: str) -> None:
    if kind == "ocel":
        text = ('{"objectTypes": [], "eventTypes": [], "objects": [], "events": ['
                '{"id": "1", "type": "cl\\ud800ick", "time": "2024-01-05T09:00:00Z"},'
                '{"id": "2", "type": "save \\ud83d\\ude00", "time": "2024-01-05T09:00:01Z"}]}')
        path, records = tmp_path / "log.json", 2
    else:
        text = ('{"buckets": {"aw-watcher-window_h": {"id": "aw-watcher-window_h", "type": "currentwindow", '
                '"hostname": "h", "events": [{"id": 1, "timestamp": "2026-01-05T09:00:00\\ud800+00:00", '
                '"duration": 5, "data": {"app": "Excel\\udc00", "title": "Book1"}}, {"id": 2, "timestamp": '
                '"2026-01-05T09:00:05+00:00", "duration": 5, "data": {"app": "Excel", "title": "x\\ud83d\\ude00"}}]}}}')
        path, records = tmp_path / "aw-buckets-export.json", 2
    path.write_text(text, encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        events, quarantine = tm.read_events(path, return_quarantine=True)
    assert len(events) + len(quarantine) == records and len(events) >= 1
    assert any("lone surrogate" in n for n in events.attrs["taskmining"]["notes"])
    assert "\U0001f600" in " ".join(str(v) for v in events.to_numpy().ravel())  # a paired escape stays the emoji
