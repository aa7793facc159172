"""The native JSONL reader: fast path, bad input and quarantine, segments, fuzzing."""

from __future__ import annotations

import gzip
import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import taskmining as tm
from taskmining.errors import IngestError, TaskminingError
from taskmining.io.formats.native import json_text, read_native
from taskmining.io.read import QuarantineWarning
from taskmining.schema import validate_events

DATA = Path(__file__).parent / "data" / "native"


def records_in(data: bytes) -> int:
    """Records in a JSONL buffer: its non-blank lines."""
    return sum(1 for line in data.split(b"\n") if line.strip())


def rec(seq: int, second: int = 0, **kw: object) -> str:
    r = {"seq": seq, "timestamp": f"2026-11-25T09:{second // 60:02d}:{second % 60:02d}Z", "session": "s1",
         "user": "u1", "app": "excel", "action": "click", "attrs": {"x": seq}}
    r.update(kw)
    return json.dumps(r)


def read(path: Path | str, **kw: object) -> tuple[pd.DataFrame, pd.DataFrame]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", QuarantineWarning)
        return tm.read_events(path, "native", return_quarantine=True, progress=False, **kw)


def test_bad_file_quarantines_each_bad_record_with_line_and_reason() -> None:
    ev, q = read(DATA / "bad.jsonl")
    reasons = dict(zip(q["line"].tolist(), q["reason"].tolist(), strict=True))
    assert sorted(reasons) == [2, 3, 4, 5, 6, 7, 10, 11, 12, 13]
    assert reasons[2].startswith("invalid JSON")
    assert reasons[3] == "naive timestamp (no UTC offset)"
    assert reasons[4] == "unparsable timestamp"
    assert reasons[5] == "missing required field 'timestamp'"
    assert reasons[6] == "action outside the vocabulary"
    assert reasons[7].startswith("duplicate record")
    assert "field 'user'" in reasons[10]
    assert reasons[11].startswith("not a JSON object")
    assert reasons[12].startswith("not valid UTF-8")
    assert "truncated" in reasons[13]
    assert q["raw"].str.len().gt(0).all()
    assert q.loc[q["line"] == 11, "raw"].item() == "[1, 2, 3]"
    # read + quarantined == records in the input (the blank line 8 is not a record)
    assert len(ev) + len(q) == records_in((DATA / "bad.jsonl").read_bytes()) == 12
    # line 9 is out of order and carries an unknown key: sorted first, key kept in attrs
    assert ev["timestamp"].is_monotonic_increasing
    assert json.loads(ev["attrs"].iloc[0]) == {"x": 1, "extra_key": "kept"}


def test_quarantine_warning_gives_counts() -> None:
    with pytest.warns(QuarantineWarning, match=r"10 record\(s\) quarantined.*naive timestamp"):
        ev = tm.read_events(DATA / "bad.jsonl", "native", progress=False)
    assert ev.attrs["taskmining"] == {"format": "native", "files": 1, "quarantined": 10}


def test_errors_raise_names_file_and_first_bad_line() -> None:
    with pytest.raises(IngestError, match=r"bad\.jsonl, line 2: invalid JSON") as info:
        tm.read_events(DATA / "bad.jsonl", "native", errors="raise", progress=False)
    assert info.value.line == 2


def test_good_file_types_and_values() -> None:
    ev, q = read(DATA / "good.jsonl")
    assert len(q) == 0 and len(ev) == 6
    pd.testing.assert_frame_equal(ev, validate_events(ev))
    last = ev.iloc[-1]
    assert last["value"] == "Grüße ✓"
    assert last["timestamp"] == pd.Timestamp("2026-11-25T09:14:06Z")  # +01:00 converted to UTC
    assert json.loads(last["attrs"]) == {"key_class": "shortcut", "keys": "ctrl+s"}
    assert ev["timestamp"].iloc[0] == pd.Timestamp("2026-11-25T09:14:01.123456Z")


def test_recording_folder_reads_plain_gzip_and_empty_segments() -> None:
    ev, q = read(DATA / "recording")
    assert len(ev) == 6 and len(q) == 0
    assert ev["element_name"].tolist() == [f"B{i}" for i in range(1, 7)]
    assert ev.attrs["taskmining"]["files"] == 3


def test_empty_file_is_zero_events_but_empty_inputs_are_errors(tmp_path: Path) -> None:
    (tmp_path / "segment-1.jsonl").write_bytes(b"")
    ev, q = read(tmp_path / "segment-1.jsonl")
    assert len(ev) == 0 and len(q) == 0 and list(ev.columns)[:2] == ["event_id", "timestamp"]
    with pytest.raises(IngestError, match="no input files"):
        tm.read_events([], progress=False)
    (tmp_path / "empty").mkdir()
    with pytest.raises(IngestError, match="no segments"):
        tm.read_events(tmp_path / "empty", progress=False)


def test_true_columns_kept_and_event_ids_respected(tmp_path: Path) -> None:
    lines = [rec(i, i, event_id=100 - i, true_case=f"c{i % 2}", true_step=i) for i in range(5)]
    (tmp_path / "a.jsonl").write_text("\n".join(lines) + "\n")
    ev, _ = read(tmp_path / "a.jsonl")
    assert ev["event_id"].tolist() == [100, 99, 98, 97, 96]
    assert ev["true_case"].tolist() == ["c0", "c1", "c0", "c1", "c0"]
    assert ev["true_step"].tolist() == [0, 1, 2, 3, 4]


def test_duplicates_across_segments(tmp_path: Path) -> None:
    (tmp_path / "segment-1.jsonl").write_text(rec(1, 1) + "\n" + rec(2, 2) + "\n")
    with gzip.open(tmp_path / "segment-2.jsonl.gz", "wt") as f:
        f.write(rec(2, 2) + "\n" + rec(3, 3) + "\n")
    ev, q = read(tmp_path)
    assert len(ev) == 3
    assert q["file"].str.endswith("segment-2.jsonl.gz").all() and q["line"].tolist() == [1]
    assert json.loads(q["raw"].iloc[0])["seq"] == 2


def test_one_bad_line_in_a_large_file_is_isolated(tmp_path: Path) -> None:
    lines = [rec(i, i % 3600) for i in range(20_000)]
    lines[12_345] = lines[12_345][:-9]
    (tmp_path / "big.jsonl").write_text("\n".join(lines) + "\n")
    ev, q = read(tmp_path / "big.jsonl")
    assert len(ev) == 19_999 and q["line"].tolist() == [12_346]


def test_large_files_are_read_in_pieces_with_the_same_result(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from taskmining.io.formats import native

    lines = [rec(i, i % 3600) for i in range(300)]
    lines[5], lines[150] = lines[5][:-9], lines[7]  # a broken line and a duplicate far from its original
    lines.insert(100, "")
    data = ("\n".join(lines)).encode()  # no final newline
    (tmp_path / "a.jsonl.gz").write_bytes(gzip.compress(data))
    whole, q_whole = read(tmp_path / "a.jsonl.gz")
    monkeypatch.setattr(native, "CHUNK_BYTES", 1000)
    pieces, q_pieces = read(tmp_path / "a.jsonl.gz")
    pd.testing.assert_frame_equal(pieces, whole)
    pd.testing.assert_frame_equal(q_pieces, q_whole)
    assert q_whole["line"].tolist() == [6, 152] and len(whole) + len(q_whole) == 300


def test_conflicting_attrs_types_and_timestamp_like_strings(tmp_path: Path) -> None:
    attrs = [{"k": 1}, {"k": "text"}, {"k": [1, "a", None]}, {"when": "2026-01-01T10:00:00", "n": 2.5},
             {"deep": {"a": {"b": True}}}, {}]
    lines = [rec(i, i, attrs=a) for i, a in enumerate(attrs)] + [rec(9, 9, attrs=None)]
    (tmp_path / "a.jsonl").write_text("\n".join(lines) + "\n")
    ev, q = read(tmp_path / "a.jsonl")
    assert len(q) == 0
    got = [None if pd.isna(a) else json.loads(a) for a in ev["attrs"]]
    assert got == [*attrs, None]


def test_blank_lines_of_any_length_are_not_records(tmp_path: Path) -> None:
    data = (rec(1, 1) + "\n" + " " * 40 + "\n\r\n\t\n" + rec(2, 2) + "\n{bad\n").encode()
    (tmp_path / "a.jsonl").write_bytes(data)
    ev, q = read(tmp_path / "a.jsonl")
    assert len(ev) == 2 and q["line"].tolist() == [6]


def test_attrs_not_an_object_is_quarantined(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text(rec(1, 1) + "\n" + rec(2, 2, attrs="oops") + "\n")
    ev, q = read(tmp_path / "a.jsonl")
    assert len(ev) == 1 and q["reason"].tolist() == ["attrs is not a JSON object"]


def test_encrypted_segment_needs_a_key(tmp_path: Path) -> None:
    enc = pytest.importorskip("taskmining.io.encrypted")
    pytest.importorskip("cryptography")
    key = bytes(range(32))
    path = tmp_path / "segment-000001.jsonl.enc"
    with enc.EncryptedWriter(path, key) as w:
        w.write((rec(1, 1) + "\n").encode())
    with pytest.raises(IngestError, match="pass key="):
        tm.read_events(path, progress=False)
    ev = tm.read_events(path, key=key, progress=False)
    assert ev["session"].tolist() == ["s1"]


def test_json_text_escapes_and_nesting() -> None:
    import pyarrow as pa

    arr = pa.array([{"s": 'a"b\\c\nd\x01', "l": [True, None]}, None])
    out = json_text(arr).to_pylist()
    assert json.loads(out[0]) == {"s": 'a"b\\c\nd\x01', "l": [True, None]} and out[1] is None


_LINE = rec(1, 1, window="Inbox – Outlook", attrs={"x": 1, "k": ["a"]})


def _read_fuzzed(path: Path, data: bytes) -> pd.DataFrame | None:
    """Read ``data`` from ``path``: only TaskminingError may come out, and nothing is lost."""
    path.write_bytes(data)
    try:
        ev, q = read(path)
    except TaskminingError:
        return None
    assert len(ev) + len(q) == records_in(data)
    return ev


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=300))
def test_fuzz_garbage_bytes(tmp_path: Path, data: bytes) -> None:
    _read_fuzzed(tmp_path / "fuzz.jsonl", data)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, len(_LINE)), st.integers(0, len(_LINE)), st.binary(max_size=4)),
                max_size=4), st.integers(1, 4))
def test_fuzz_mutated_lines(tmp_path: Path, edits: list[tuple[int, int, bytes]], copies: int) -> None:
    line = _LINE.encode()
    for a, b, ins in edits:
        a, b = min(a, b), max(a, b)
        line = line[:a] + ins + line[b:]
    data = b"\n".join([_LINE.encode(), line] * copies)
    ev = _read_fuzzed(tmp_path / "fuzz.jsonl", data)
    if ev is not None:
        assert np.all(ev["event_id"].to_numpy() >= 0)


def test_read_native_rejects_unknown_options() -> None:
    with pytest.raises(TaskminingError, match="unknown option"):
        read_native([DATA / "good.jsonl"], progress=False, colour="red")


@pytest.mark.parametrize("seed", range(4))
def test_attrs_text_once_per_distinct_value_equals_row_by_row(seed: int) -> None:
    """The deduplicated attrs encoding gives exactly the row-by-row text (nulls, extras, nested values)."""
    import numpy as np
    import pyarrow as pa

    from taskmining.io.formats._jsontext import attrs_text, attrs_text_rows

    rng = np.random.default_rng(seed)
    n = 5000
    pool = [{"button": "left"}, {"key_class": "digit"}, {"keys": "ctrl+c", "n": 2}, None,
            {"button": None, "x": 1.5}, {"flag": True}, {"s": 'q"uote\\'}]
    if seed % 2:
        pool.append({"nested": {"a": 1}})  # nested: falls back to the row-by-row path
    attrs = [pool[i] for i in rng.integers(0, len(pool), n)]
    zone = [None if rng.random() < 0.7 else f"z{int(rng.integers(0, 3))}" for _ in range(n)]
    table = pa.table({"action": ["click"] * n, "attrs": attrs, "zone": zone})
    known = {"action", "attrs"}
    got, bad = attrs_text(table, known, raw=lambda: [])
    want, bad_want = attrs_text_rows(table, known, raw=lambda: [])
    assert got.to_pylist() == want.to_pylist()
    assert bad.tolist() == bad_want.tolist()


@pytest.mark.parametrize("chunk", [64, 257, 1000, 4096])
@pytest.mark.parametrize("gz", [False, True])
def test_piece_boundaries_anywhere_give_the_same_frame(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       chunk: int, gz: bool) -> None:
    """Pieces cut at any size (lines longer than a piece, blank runs, a truncated last line) read alike."""
    from taskmining.io.formats import native

    lines = [rec(i, i, attrs={"pad": "x" * (i % 7) * 300}) for i in range(60)]
    lines[20] = " " * 700  # a long blank line
    lines[33] = lines[33][:-5]  # broken record
    data = ("\n".join(lines) + "\n" + rec(99, 99)[:-3]).encode()  # truncated last line
    name = "a.jsonl.gz" if gz else "a.jsonl"
    (tmp_path / name).write_bytes(gzip.compress(data) if gz else data)
    whole, q_whole = read(tmp_path / name)
    monkeypatch.setattr(native, "CHUNK_BYTES", chunk)
    pieces, q_pieces = read(tmp_path / name)
    pd.testing.assert_frame_equal(pieces, whole)
    pd.testing.assert_frame_equal(q_pieces, q_whole)
    assert q_whole["line"].tolist() == [34, 61] and len(whole) == 58


@pytest.mark.parametrize("ids", [[5, 5, 7], [1, None, 3], [3, 2, 1]])
def test_event_ids_kept_only_when_all_present_and_distinct(tmp_path: Path, ids: list[int | None]) -> None:
    lines = [rec(i, i, **({} if e is None else {"event_id": e})) for i, e in enumerate(ids)]
    (tmp_path / "a.jsonl").write_text("\n".join(lines) + "\n")
    ev, q = read(tmp_path / "a.jsonl")
    assert len(q) == 0 and len(ev) == 3
    want = ids if ids == [3, 2, 1] else [0, 1, 2]
    assert ev["event_id"].tolist() == want
    pd.testing.assert_frame_equal(tm.validate_events(ev), ev)
