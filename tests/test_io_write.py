"""write_events: Parquet (plain and partitioned) and native JSONL; read(write(df)) == df."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import taskmining as tm
from taskmining.errors import ParameterError, SchemaError
from taskmining.schema import ACTIONS, CATEGORY_COLUMNS, validate_events

_text = st.one_of(st.none(), st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12))
_json_scalar = st.one_of(st.integers(-10**6, 10**6), st.booleans(),
                         st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=8))
_attrs = st.one_of(st.none(), st.dictionaries(st.text(alphabet="abcxyz_", min_size=1, max_size=5),
                                              st.one_of(_json_scalar, st.lists(_json_scalar, max_size=3)),
                                              max_size=4))


@st.composite
def frames(draw: st.DrawFn) -> pd.DataFrame:
    n = draw(st.integers(1, 12))
    col = lambda strat: draw(st.lists(strat, min_size=n, max_size=n))
    base = np.datetime64("2026-01-05T09:00:00", "ns")
    offsets = col(st.integers(0, 10**15))
    df = pd.DataFrame({
        "timestamp": pd.to_datetime([base + np.timedelta64(o, "ns") for o in offsets]).tz_localize("UTC"),
        "user": col(st.sampled_from(["u1", "ü2", None])),
        "session": col(st.sampled_from(["s1", "s2"])),
        "app": col(st.sampled_from(["excel", "chrome", None])),
        "window": col(_text),
        "action": col(st.sampled_from(ACTIONS)),
        "element_name": col(_text),
        "value": col(_text),
        "duration": col(st.one_of(st.just(math.nan), st.floats(0, 1e6, allow_nan=False))),
        "attrs": [None if a is None else json.dumps(a, ensure_ascii=False, separators=(",", ":"))
                  for a in col(_attrs)],
        "true_step": col(st.sampled_from(["open mail", "copy number", None])),
        "true_case": col(st.sampled_from(["c1", "c2"])),
    })
    return validate_events(df)


def _same(got: pd.DataFrame, want: pd.DataFrame) -> None:
    parse = lambda s: [None if pd.isna(a) else json.loads(a) for a in s]
    assert parse(got["attrs"]) == parse(want["attrs"])
    got, want = got.copy(), want.copy()
    for c in CATEGORY_COLUMNS:  # an all-missing categorical has no defined categories dtype
        if len(want[c].cat.categories) == 0:
            assert got[c].isna().all()
            got[c] = want[c]
    pd.testing.assert_frame_equal(got.drop(columns="attrs"), want.drop(columns="attrs"), check_exact=False,
                                  rtol=1e-12)


@pytest.mark.parametrize("name", ["ev.parquet", "ev.jsonl", "ev.jsonl.gz"])
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(df=frames())
def test_round_trip(tmp_path: Path, name: str, df: pd.DataFrame) -> None:
    path = tm.write_events(df, tmp_path / name)
    _same(tm.read_events(path, progress=False), df)


def test_round_trip_partitioned_by_user_and_date(tmp_path: Path) -> None:
    df = validate_events(pd.DataFrame({
        "timestamp": ["2026-01-05T09:00:00Z", "2026-01-06T09:00:00Z", "2026-01-05T10:00:00Z"],
        "action": ["click", "type", "copy"], "user": ["u1", "u1", "u2"], "session": ["a", "a", "b"],
    }))
    out = tm.write_events(df, tmp_path / "ds", partition_by=["user", "date"])
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.parquet"))
    assert files == ["user=u1/date=2026-01-05/part-0.parquet", "user=u1/date=2026-01-06/part-0.parquet",
                     "user=u2/date=2026-01-05/part-0.parquet"]
    back = tm.read_events(out, progress=False)
    assert "date" not in back.columns
    _same(back, df)


def test_jsonl_is_the_native_record_form(tmp_path: Path) -> None:
    df = validate_events(pd.DataFrame({"timestamp": ["2026-01-05T09:00:00.5Z"], "action": ["click"],
                                       "session": ["s"], "attrs": ['{"x":1,"k":["a"]}']}))
    path = tm.write_events(df, tmp_path / "a.jsonl")
    rec = json.loads(path.read_text())
    assert rec["attrs"] == {"x": 1, "k": ["a"]} and rec["event_id"] == 0
    assert rec["timestamp"].startswith("2026-01-05T09:00:00.5") and rec["timestamp"].endswith("Z")


def test_write_validates_and_checks_parameters(tmp_path: Path) -> None:
    with pytest.raises(SchemaError, match="action"):
        tm.write_events(pd.DataFrame({"timestamp": ["2026-01-05T09:00:00Z"], "action": ["jump"]}),
                        tmp_path / "a.parquet")
    ok = pd.DataFrame({"timestamp": ["2026-01-05T09:00:00Z"], "action": ["click"]})
    with pytest.raises(ParameterError, match="partition_by"):
        tm.write_events(ok, tmp_path / "a.parquet", partition_by="app")
    with pytest.raises(ParameterError, match="Parquet output only"):
        tm.write_events(ok, tmp_path / "a.jsonl", partition_by="user")
    with pytest.raises(ParameterError, match="format="):
        tm.write_events(ok, tmp_path / "a.txt", format="xml")
    assert not any(tmp_path.iterdir())


def test_write_does_not_mutate_input(tmp_path: Path) -> None:
    df = pd.DataFrame({"timestamp": ["2026-01-05T09:00:00Z"], "action": ["click"]})
    before = df.copy()
    tm.write_events(df, tmp_path / "a.jsonl.gz")
    pd.testing.assert_frame_equal(df, before)
