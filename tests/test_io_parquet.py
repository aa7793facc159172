"""The Parquet reader and the Arrow -> events frame step."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import taskmining as tm
from taskmining.errors import IngestError, SchemaError
from taskmining.io.formats.parquet import arrow_to_events
from taskmining.io.read import QuarantineWarning
from taskmining.schema import validate_events

DATA = Path(__file__).parent / "data" / "native"


def test_foreign_parquet_with_naive_times_needs_tz(tmp_path: Path) -> None:
    table = pa.table({"timestamp": pa.array([pd.Timestamp("2026-01-05 10:00")], pa.timestamp("us")),
                      "action": ["click"], "user": ["u1"]})
    pq.write_table(table, tmp_path / "f.parquet")
    with pytest.raises(IngestError, match="no timezone"):
        tm.read_events(tmp_path / "f.parquet", progress=False)
    ev = tm.read_events(tmp_path / "f.parquet", tz="Europe/Berlin", progress=False)
    assert ev["timestamp"].iloc[0] == pd.Timestamp("2026-01-05T09:00:00Z")
    assert ev["session"].iloc[0] == "u1"  # session defaults to user, as in validate_events


def test_bad_rows_are_quarantined_with_row_numbers(tmp_path: Path) -> None:
    table = pa.table({"timestamp": pa.array([pd.Timestamp("2026-01-05 10:00", tz="UTC")] * 3),
                      "action": ["click", "jump", None]})
    pq.write_table(table, tmp_path / "f.parquet")
    with pytest.warns(QuarantineWarning):
        ev, q = tm.read_events(tmp_path / "f.parquet", return_quarantine=True, progress=False)
    assert len(ev) == 1
    assert q["line"].tolist() == [2, 3]
    assert q["reason"].tolist() == ["action outside the vocabulary", "missing action"]
    with pytest.raises(IngestError, match="line 2: action outside"):
        tm.read_events(tmp_path / "f.parquet", errors="raise", progress=False)


def test_arrow_to_events_matches_validate_events() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", QuarantineWarning)
        ev = tm.read_events(DATA / "bad.jsonl", progress=False)
    raw = pd.concat([ev, ev.assign(session="a", event_id=ev["event_id"] + 10)], ignore_index=True)
    table = pa.Table.from_pandas(raw, preserve_index=False)
    pd.testing.assert_frame_equal(arrow_to_events(table), validate_events(raw))
    with pytest.raises(SchemaError, match="'action'"):
        arrow_to_events(pa.table({"timestamp": ["2026-01-05T09:00:00Z"]}))


def test_partitioned_dataset_by_user_only(tmp_path: Path) -> None:
    ev = tm.read_events(DATA / "recording", progress=False)
    out = tm.write_events(ev, tmp_path / "ds", partition_by="user")
    back = tm.read_events(out, progress=False)
    assert back.attrs["taskmining"]["format"] == "parquet"
    assert back["user"].dtype == ev["user"].dtype
    pd.testing.assert_frame_equal(back, ev)


def _dict_column(values: list[str | None], dictionary: list[str | None]) -> pa.DictionaryArray:
    idx = pa.array([None if v is None else dictionary.index(v) for v in values], pa.int8())
    return pa.DictionaryArray.from_arrays(idx, pa.array(dictionary, pa.string()))


@pytest.mark.parametrize("dictionary", [["u1", "u2", "u3"], ["u3", "u1", "u2", "u0"], ["u2", "u1", "u2b"]])
def test_dictionary_columns_become_sorted_categoricals(tmp_path: Path, dictionary: list[str | None]) -> None:
    """Category columns stored as Parquet dictionaries (sorted or not, with
    unused entries) read as categoricals with sorted categories, rows sorted by session."""
    users = ["u2", "u1", None, "u2"]
    table = pa.table({
        "timestamp": pa.array(pd.to_datetime(["2026-01-05T09:00:03Z", "2026-01-05T09:00:01Z",
                                              "2026-01-05T09:00:02Z", "2026-01-05T09:00:00Z"])),
        "action": _dict_column(["click", "type", "key", "click"], ["type", "click", "key"]),
        "user": _dict_column(users, dictionary),
        "session": _dict_column(["s2", "s1", "s1", "s2"], ["s2", "s1"]),
    })
    pq.write_table(table, tmp_path / "d.parquet")
    ev = tm.read_events(tmp_path / "d.parquet")
    for col in ("user", "session", "action"):
        assert isinstance(ev[col].dtype, pd.CategoricalDtype), col
    cats = list(ev["user"].cat.categories)
    assert cats == sorted(v for v in dictionary if v is not None)
    assert list(ev["action"].cat.categories) == list(tm.schema.ACTIONS)
    assert ev["session"].astype(str).tolist() == ["s1", "s1", "s2", "s2"]
    assert ev["action"].astype(str).tolist() == ["type", "key", "click", "click"]
    assert ev["user"].astype(object).where(ev["user"].notna(), None).tolist() == ["u1", None, "u2", "u2"]
    pd.testing.assert_frame_equal(validate_events(ev), ev)


def test_written_frame_keeps_its_categories(tmp_path: Path) -> None:
    ev = tm.simulate(n_users=2, hours=0.3, seed=1)
    part = ev[ev["user"] == ev["user"].iloc[0]].reset_index(drop=True)  # the other user is an unused category
    tm.write_events(part, tmp_path / "p.parquet")
    back = tm.read_events(tmp_path / "p.parquet")
    pd.testing.assert_frame_equal(back, part)
    assert len(back["user"].cat.categories) == 2
