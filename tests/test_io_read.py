"""read_events: sources (files, folders, globs, lists), detection, grouping, metadata, parameters."""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import pandas as pd
import pytest

import taskmining as tm
from taskmining.errors import FormatDetectionError, IngestError, ParameterError
from taskmining.io.read import QuarantineWarning, expand_sources

DATA = Path(__file__).parent / "data" / "native"


def test_detect_format_native_parquet_and_errors(tmp_path: Path) -> None:
    assert tm.detect_format(DATA / "good.jsonl") == "native"
    assert tm.detect_format(DATA / "recording") == "native"
    out = tm.write_events(tm.read_events(DATA / "good.jsonl", progress=False), tmp_path / "x.bin", format="parquet")
    assert tm.detect_format(out) == "parquet"  # by content, not by name
    (tmp_path / "empty.jsonl").write_bytes(b"")
    with pytest.raises(FormatDetectionError, match="empty.jsonl: empty file"):
        tm.detect_format(tmp_path / "empty.jsonl")
    (tmp_path / "odd.txt").write_bytes(b"\x00\x01hello binary")
    with pytest.raises(FormatDetectionError, match=r"odd\.txt: cannot tell the format \(it is binary data \(unknown kind; "
                                                  r"first bytes 00 01 68 65"):
        tm.detect_format(tmp_path / "odd.txt")
    with pytest.raises(IngestError, match="no such file"):
        tm.detect_format(tmp_path / "missing.jsonl")


def test_sources_glob_list_and_folder_give_the_same_events(tmp_path: Path) -> None:
    rec = tmp_path / "rec"
    shutil.copytree(DATA / "recording", rec)
    by_folder = tm.read_events(rec, progress=False)
    by_glob = tm.read_events(str(rec / "**" / "segment-*.jsonl*"), progress=False)
    by_list = tm.read_events(sorted((rec / "ws17-a").glob("segment-*")), progress=False)
    pd.testing.assert_frame_equal(by_folder, by_glob)
    pd.testing.assert_frame_equal(by_folder, by_list)
    assert by_folder.attrs["taskmining"] == {"format": "native", "files": 3, "quarantined": 0}
    with pytest.raises(IngestError, match="no files match"):
        tm.read_events(str(tmp_path / "nothing-*.jsonl"), progress=False)


def test_expand_sources_marks_folder_members() -> None:
    paths = expand_sources([DATA / "recording", DATA / "good.jsonl"])
    assert [p.name for p, _ in paths] == ["segment-000001.jsonl", "segment-000002.jsonl.gz",
                                          "segment-000003.jsonl", "good.jsonl"]
    assert [flag for _, flag in paths] == [True, True, True, False]


def test_mixed_formats_are_grouped_and_ids_made_unique(tmp_path: Path) -> None:
    ev = tm.read_events(DATA / "good.jsonl", progress=False)
    pq = tm.write_events(ev.assign(session="other"), tmp_path / "other.parquet")
    both = tm.read_events([DATA / "good.jsonl", pq], progress=False)
    assert len(both) == 2 * len(ev)
    assert both["event_id"].is_unique
    assert both.attrs["taskmining"]["format"] == "native,parquet"
    assert isinstance(both["app"].dtype, pd.CategoricalDtype)
    assert list(both["action"].cat.categories) == list(tm.ACTIONS)


def test_parameters_are_checked() -> None:
    with pytest.raises(ParameterError, match="unknown format 'xml'"):
        tm.read_events(DATA / "good.jsonl", "xml")
    with pytest.raises(ParameterError, match="errors="):
        tm.read_events(DATA / "good.jsonl", errors="skip")


def test_return_quarantine_and_invariant_over_a_folder(tmp_path: Path) -> None:
    shutil.copy(DATA / "bad.jsonl", tmp_path / "segment-1.jsonl")
    shutil.copy(DATA / "good.jsonl", tmp_path / "segment-2.jsonl")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ev, q = tm.read_events(tmp_path, return_quarantine=True, progress=False)
    assert any(issubclass(w.category, QuarantineWarning) for w in caught)
    assert list(q.columns) == ["file", "line", "reason", "raw"]
    assert len(ev) + len(q) == 12 + 6
    # seq 1 of session ws17-a is in both segments: the second copy is a duplicate
    assert ev.attrs["taskmining"]["quarantined"] == len(q) == 11
    assert q["reason"].str.startswith("duplicate").sum() == 2


def test_reading_does_not_warn_on_clean_input() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tm.read_events(DATA / "good.jsonl", progress=False)
