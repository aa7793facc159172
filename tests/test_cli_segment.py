"""``taskmining segment``: the stable one-row-per-input-row contract."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from taskmining.cli import main
from taskmining.cli.commands.segment import parse_params
from taskmining.errors import ParameterError

DATA = Path(__file__).parent / "data"
ADDED = ["row", "step_id", "step", "case_id", "task", "boundary_confidence"]


def raw(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def run(*argv: str) -> int:
    return main(["segment", *argv, "--quiet"])


def leno_copy(shared_data: Path, tmp_path: Path, name: str = "log1_segmented.csv") -> Path:
    target = tmp_path / name
    shutil.copy(shared_data / "leno-synthetic" / name, target)
    return target


def test_leno_csv_keeps_every_row_column_and_value(shared_data: Path, tmp_path: Path) -> None:
    src = leno_copy(shared_data, tmp_path)
    out = tmp_path / "out.csv"
    assert run(str(src), "--method", "delimiter", "--param", "start=^Open", "--param", "end=null", "-o", str(out)) == 0
    got = raw(out)
    original = raw(src)
    assert got.columns.tolist() == original.columns.tolist() + ADDED
    pd.testing.assert_frame_equal(got[original.columns], original)
    assert got["row"].astype(int).tolist() == list(range(len(original)))
    assert (got["step"] != "").all() and (got["case_id"] != "").all()
    # every true routine instance starts with openFile in log1: the delimiter finds them all
    pairs = got.groupby("caseID")["case_id"].nunique()
    assert (pairs == 1).all() and got["case_id"].nunique() == got["caseID"].nunique()


def test_ground_truth_column_never_reaches_the_method(shared_data: Path, tmp_path: Path) -> None:
    src = leno_copy(shared_data, tmp_path)
    shuffled = tmp_path / "shuffled" / src.name
    shuffled.parent.mkdir()
    frame = raw(src)
    frame["caseID"] = np.random.default_rng(0).permutation(frame["caseID"].to_numpy())
    frame.to_csv(shuffled, index=False, quoting=csv.QUOTE_ALL)
    outs = []
    for i, path in enumerate((src, shuffled)):
        out = tmp_path / f"o{i}.csv"
        assert run(str(path), "--method", "idle_gap", "--param", "gap=30", "-o", str(out)) == 0
        outs.append(raw(out))
    assert outs[0]["case_id"].tolist() == outs[1]["case_id"].tolist()
    assert outs[0]["caseID"].tolist() != outs[1]["caseID"].tolist()


def test_quarantined_rows_are_written_with_empty_step(tmp_path: Path) -> None:
    text = (DATA / "actionlogger" / "with_caseid.csv").read_text().splitlines()
    text[3] = re.sub(r"\d{4}-\d\d-\d\dT[^\"]*Z", "not a time", text[3], count=1)
    src = tmp_path / "log.csv"
    src.write_text("\n".join(text) + "\n")
    out = tmp_path / "out.parquet"
    assert run(str(src), "--format", "actionlogger", "--method", "idle_gap", "-o", str(out)) == 0
    got = pd.read_parquet(out)
    assert len(got) == len(text) - 1
    assert got["row"].tolist() == list(range(len(got)))
    assert pd.isna(got.loc[2, "step_id"]) and pd.isna(got.loc[2, "case_id"]) and pd.isna(got.loc[2, "step"])
    assert got.drop(index=2)["step"].notna().all()
    assert got.loc[2, "timeStamp"] == "not a time"


def test_index_column_and_extra_columns_survive(tmp_path: Path) -> None:
    src = DATA / "actionlogger" / "class_index_extras.csv"
    out = tmp_path / "out.csv"
    assert run(str(src), "--method", "idle_gap", "--detail", "app", "-o", str(out)) == 0
    with open(out, newline="") as f:
        header = next(csv.reader(f))
    with open(src, newline="") as f:
        original = next(csv.reader(f))
    assert header == original + ADDED  # the unnamed index column keeps its empty name
    assert all(" in " in s for s in raw(out)["step"])  # app-level labels: "<verb> in <App>"


def test_native_recording_input(tmp_path: Path) -> None:
    from taskmining.io.write import write_events
    from taskmining.schema import validate_events

    ev = pd.DataFrame({"timestamp": pd.date_range("2026-01-05 09:00", periods=6, freq="2min", tz="UTC"),
                       "session": "s1", "action": ["click", "key", "key", "click", "copy", "paste"],
                       "app": "erp", "element_name": ["A", "B", "B", "C", "D", "E"], "true_case": list("aaabbb")})
    path = tmp_path / "rec.jsonl"
    write_events(validate_events(ev), path)
    out = tmp_path / "out.csv"
    assert run(str(path), "--method", "idle_gap", "--param", "gap=3min", "-o", str(out)) == 0
    got = raw(out)
    assert len(got) == 6 and got.columns[-len(ADDED):].tolist() == ADDED
    assert got["row"].astype(int).tolist() == list(range(6))
    assert got["true_case"].tolist() == list("aaabbb")


@pytest.mark.parametrize("argv, code, message", [
    (["--method", "no_such"], 1, "unknown segmenter 'no_such'"),
    (["--method", "idle_gap", "--param", "size=3"], 1, "no parameter(s) ['size']"),
    (["--method", "idle_gap", "--param", "oops"], 1, "expected key=value"),
    (["--method", "idle_gap", "--param", "gap=-1"], 1, "gap=-1"),
])
def test_usage_errors_exit_1(argv: list[str], code: int, message: str, tmp_path: Path,
                             capsys: pytest.CaptureFixture[str]) -> None:
    src = DATA / "actionlogger" / "with_caseid.csv"
    assert run(str(src), *argv, "-o", str(tmp_path / "o.csv")) == code
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_bad_output_and_missing_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = DATA / "actionlogger" / "with_caseid.csv"
    assert run(str(src), "-o", str(tmp_path / "o.xlsx")) == 1
    assert ".csv or .parquet" in capsys.readouterr().err
    assert run(str(tmp_path / "missing.csv"), "-o", str(tmp_path / "o.csv")) == 2
    assert "no such file" in capsys.readouterr().err


def test_header_only_csv_gives_header_only_output(tmp_path: Path) -> None:
    src = tmp_path / "empty.csv"
    src.write_text((DATA / "actionlogger" / "with_caseid.csv").read_text().splitlines()[0] + "\n")
    out = tmp_path / "o.csv"
    assert run(str(src), "--format", "actionlogger", "--method", "idle_gap", "-o", str(out)) == 0
    got = raw(out)
    assert len(got) == 0 and got.columns[-len(ADDED):].tolist() == ADDED


def test_parse_params() -> None:
    assert parse_params(["a=1.5", "b=[1, 2]", "c=\"x y\"", "d=False", "e=5min"]) == {
        "a": 1.5, "b": [1, 2], "c": "x y", "d": False, "e": "5min"}
    with pytest.raises(ParameterError):
        parse_params(["=3"])
