"""Batch processing partition by partition: discovery, equality with the whole-frame result, failures, backends."""

from __future__ import annotations

import math
import shutil
import warnings
from pathlib import Path

import pandas as pd
import pytest
from syspart import require

import taskmining as tm
from taskmining.batch import (
    BatchWarning,
    batch_failures,
    count_rows,
    map_partitions,
    merge_graphs,
    partitions,
    segment_partitions,
    transition_graph_partitions,
)
from taskmining.cli import main
from taskmining.errors import (
    IngestError,
    MiningError,
    ParameterError,
    SegmentationError,
    TaskminingError,
)


@pytest.fixture(scope="module")
def rec(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("batch") / "rec"
    tm.simulate(n_users=3, n_days=1, hours=1, seed=2, path=path)
    return path


@pytest.fixture(scope="module")
def whole(rec: Path) -> pd.DataFrame:
    return tm.read_events(rec, progress=False)


@pytest.fixture(scope="module")
def dataset(whole: pd.DataFrame, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("batch") / "ds"
    return tm.write_events(whole, path, partition_by=["user", "date"])


def idle_gap(events: pd.DataFrame) -> pd.DataFrame:
    return tm.segment(events, method="idle_gap", gap="2min")


def fail_on_second(events: pd.DataFrame) -> pd.DataFrame:
    if events["session"].iloc[0].startswith("ws02"):
        raise SegmentationError("no steps to cut")
    return count_rows(events)


def key_error(events: pd.DataFrame) -> pd.DataFrame:
    raise KeyError("missing")


@pytest.fixture(scope="module")
def serial_tasks(rec: Path) -> pd.DataFrame:
    return segment_partitions(rec, method="idle_gap", gap="2min", progress=False)


def only(parts: list, prefix: str) -> list:
    return [p for p in parts if p.key.startswith(prefix)]


# discovery

def test_native_partitions_are_the_session_folders(rec: Path, whole: pd.DataFrame) -> None:
    parts = partitions(rec)
    assert [p.key for p in parts] == sorted(whole["session"].unique())
    assert all(p.by == "session" and p.format == "native" for p in parts)
    assert all(Path(f).parent.name == p.key for p in parts for f in p.paths)
    assert all(len(p.paths) == 2 for p in parts)  # an hour of recording: two rotated segments


def test_native_partitions_by_user_use_the_manifest(rec: Path, whole: pd.DataFrame, tmp_path: Path) -> None:
    parts = partitions(rec, by="user")
    assert [p.key for p in parts] == sorted(whole["user"].unique())
    assert set(parts[0].read()["user"]) == {parts[0].key}
    copy = tmp_path / "rec"
    shutil.copytree(rec, copy)
    (copy / "manifest.json").unlink()  # then the first record of each session tells its user
    assert partitions(copy, by="user") == [p.__class__(p.key, p.by, tuple(f.replace(str(rec), str(copy))
                                                                          for f in p.paths), p.format)
                                           for p in parts]


def test_parquet_dataset_partitions(dataset: Path, whole: pd.DataFrame) -> None:
    by_user = partitions(dataset, by="user")
    assert [p.key for p in by_user] == sorted(whole["user"].unique())
    first = by_user[0].read()
    expected = whole[whole["user"] == by_user[0].key].reset_index(drop=True)
    assert first["user"].eq(by_user[0].key).all()
    assert first["event_id"].tolist() == expected["event_id"].tolist()
    by_session = partitions(dataset)
    assert [p.key for p in by_session] == sorted(whole["session"].unique())
    assert sum(len(p.read()) for p in by_session) == len(whole)


def test_one_parquet_file_with_many_sessions_is_filtered(whole: pd.DataFrame, tmp_path: Path) -> None:
    path = tm.write_events(whole, tmp_path / "all.parquet")
    parts = partitions(path)
    assert [p.column for p in parts] == ["session"] * whole["session"].nunique()
    for p in parts:
        assert p.read()["session"].eq(p.key).all()
    assert sum(len(p.read()) for p in parts) == len(whole)


def test_other_formats_and_by_file(rec: Path, tmp_path: Path) -> None:
    csv = tmp_path / "log.csv"
    csv.write_text("timestamp,action,session\n2026-01-05T09:00:00Z,click,a\n")
    parts = partitions([csv], format="generic")
    assert [(p.by, p.paths) for p in parts] == [("file", (str(csv),))]
    files = partitions(rec, by="file")
    assert len(files) == len(list(rec.rglob("*.jsonl")))


def test_partition_errors(tmp_path: Path) -> None:
    with pytest.raises(ParameterError, match="by='day'"):
        partitions(tmp_path, by="day")
    with pytest.raises(IngestError, match="no such file"):
        partitions(tmp_path / "missing")


# map_partitions and segment_partitions

def test_segment_partitions_equals_the_whole_frame(serial_tasks: pd.DataFrame, whole: pd.DataFrame) -> None:
    single = idle_gap(whole)
    assert serial_tasks["event_id"].tolist() == single["event_id"].tolist()
    assert serial_tasks["case_id"].tolist() == single["case_id"].tolist()
    assert serial_tasks["step"].tolist() == single["step"].tolist()
    assert serial_tasks["step_id"].tolist() == single["step_id"].tolist()
    assert serial_tasks["app"].dtype == single["app"].dtype


def test_map_partitions_is_deterministic_and_counts(rec: Path, whole: pd.DataFrame) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warning when every partition succeeds
        out = map_partitions(rec, count_rows, progress=False)
    expected = whole.groupby("session", observed=True).size()
    assert out["session"].tolist() == expected.index.tolist()
    assert out["rows"].tolist() == expected.tolist()
    info = out.attrs["taskmining"]["batch"]
    assert (info["partitions"], info["failed"], info["quarantined"]) == (3, 0, 0)
    assert batch_failures(out).empty


def test_failures_are_collected_with_a_warning(rec: Path) -> None:
    with pytest.warns(BatchWarning, match="1 of 3 partitions failed"):
        out = map_partitions(rec, fail_on_second, progress=False)
    failures = batch_failures(out)
    assert len(failures) == 1
    row = failures.iloc[0]
    assert row["partition"].startswith("ws02") and row["error"] == "SegmentationError"
    assert row["message"] == "no steps to cut"
    assert len(out) == 2  # the other two partitions' results


def test_errors_raise_names_the_partition(rec: Path) -> None:
    with pytest.raises(SegmentationError, match=r"partition 'ws02-.*': no steps to cut"):
        map_partitions(rec, fail_on_second, progress=False, errors="raise")
    with pytest.raises(TaskminingError, match=r"partition 'ws01-.*': KeyError") as info:
        map_partitions(rec, key_error, progress=False, errors="raise")
    assert isinstance(info.value.__cause__, KeyError)  # the original, with its traceback


def test_quarantined_records_are_counted(rec: Path, tmp_path: Path) -> None:
    copy = tmp_path / "rec"
    shutil.copytree(rec, copy)
    seg = min(copy.glob("ws01-*/segment-000001.jsonl"))
    with open(seg, "a") as f:
        f.write("not json\n")
    out = map_partitions(only(partitions(copy), "ws01"), count_rows, progress=False)
    assert out.attrs["taskmining"]["batch"]["quarantined"] == 1


def test_bad_parameters(rec: Path) -> None:
    with pytest.raises(ParameterError, match="backend='spark'"):
        map_partitions(rec, count_rows, backend="spark")
    with pytest.raises(ParameterError, match="errors='ignore'"):
        map_partitions(rec, count_rows, errors="ignore")
    with pytest.raises(ParameterError, match="n_jobs=0"):
        map_partitions(rec, count_rows, n_jobs=0)
    with pytest.raises(ParameterError, match="unknown segmenter"):
        segment_partitions(rec, method="nope", progress=False)


def test_processes_backend(rec: Path, serial_tasks: pd.DataFrame) -> None:
    parallel = segment_partitions(rec, method="idle_gap", gap="2min", backend="processes", n_jobs=2,
                                  progress=False)
    pd.testing.assert_frame_equal(serial_tasks, parallel)


def test_processes_failures_and_lambdas(rec: Path) -> None:
    try:
        import cloudpickle  # noqa: F401
    except ImportError:
        with pytest.raises(ParameterError, match="cannot be pickled"):
            map_partitions(rec, lambda ev: count_rows(ev), backend="processes", progress=False)
        return
    with pytest.warns(BatchWarning):
        out = map_partitions(rec, lambda ev: fail_on_second(ev), backend="processes", n_jobs=2, progress=False)
    assert batch_failures(out)["error"].tolist() == ["SegmentationError"]
    assert len(out) == 2
    tasks = map_partitions(only(partitions(rec), "ws01"), tm.segment, backend="processes", progress=False)
    assert tasks["case_id"].notna().any()  # the callable package is sent as its function


def test_dask_backend(rec: Path, serial_tasks: pd.DataFrame) -> None:
    try:
        import dask
    except ImportError:
        dask = None
    require(dask is not None, "dask is not installed (pip install taskmining[dask])")
    on_dask = segment_partitions(rec, method="idle_gap", gap="2min", backend="dask", progress=False)
    pd.testing.assert_frame_equal(serial_tasks, on_dask)
    lam = map_partitions(only(partitions(rec), "ws01"), lambda ev: count_rows(ev), backend="dask",
                         scheduler="threads", n_jobs=2)
    assert lam["rows"].tolist() == [serial_tasks["session"].str.startswith("ws01").sum()]


def test_dask_missing_names_the_extra(rec: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "dask", None)
    with pytest.raises(ParameterError, match=r"taskmining\[dask\]"):
        map_partitions(rec, count_rows, backend="dask", progress=False)


# CLI

def test_cli_batch_segment_writes_a_dataset_and_reports_failures(
        rec: Path, serial_tasks: pd.DataFrame, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    copy = tmp_path / "rec"
    shutil.copytree(rec, copy)
    locked = copy / "ws99-locked"
    locked.mkdir()
    (locked / "segment-000001.jsonl.enc").write_bytes(b"\x00" * 64)  # encrypted, and no key given
    out = tmp_path / "out"
    code = main(["batch", "segment", str(copy), "-o", str(out), "--method", "idle_gap", "--param", "gap=2min",
                 "--quiet"])
    assert code == 2
    report = pd.read_csv(out / "report.csv")
    assert report["status"].tolist() == ["ok", "ok", "ok", "failed"]
    assert report["error"].iloc[3] == "IngestError"
    assert "partition 'ws99-locked' failed: IngestError" in capsys.readouterr().err
    back = pd.concat([pd.read_parquet(p) for p in sorted(out.glob("part-*.parquet"))], ignore_index=True)
    assert back["case_id"].tolist() == serial_tasks["case_id"].tolist()
    assert back["partition"].tolist() == serial_tasks["session"].astype(str).tolist()


def test_cli_exit_codes(rec: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["batch", "segment", str(tmp_path / "missing"), "-o", str(tmp_path / "o")]) == 2
    assert main(["batch", "segment", str(rec), "-o", str(tmp_path / "o"), "--jobs", "0"]) == 1
    assert main(["batch", "segment", str(rec), "-o", str(tmp_path / "o"), "--method", "nope"]) == 1
    assert main(["batch"]) == 1
    with pytest.raises(SystemExit) as exc:
        main(["batch", "segment", str(rec), "-o", str(tmp_path / "o"), "--backend", "spark"])
    assert exc.value.code == 1


# merging transition graphs

def _same_graph(merged, whole) -> None:  # type: ignore[no-untyped-def]
    assert dict(merged.nodes(data=True)) == dict(whole.nodes(data=True))
    assert sorted(merged.edges) == sorted(whole.edges)
    assert {k: merged.graph[k] for k in ("level", "n_cases", "n_unassigned")} == \
        {k: whole.graph[k] for k in ("level", "n_cases", "n_unassigned")}
    for u, v, d in whole.edges(data=True):
        m = merged.edges[u, v]
        assert m["count"] == d["count"]
        assert m["share"] == pytest.approx(d["share"])
        for stat in ("sum", "mean", "min", "max", "stdev"):
            if stat in d:
                assert m[stat] == pytest.approx(d[stat], rel=1e-9, nan_ok=True), (u, v, stat)
        if "median" in d:
            assert math.isnan(m["median"]) and math.isnan(m["p90"])


def test_merge_graphs_equals_the_whole_graph(serial_tasks: pd.DataFrame) -> None:
    whole = tm.transition_graph(serial_tasks, "step")  # exact at step and app level (activities: below)
    parts = [tm.transition_graph(t, "step") for _, t in serial_tasks.groupby("user", observed=True)]
    assert len(parts) == 3
    _same_graph(merge_graphs(parts), whole)
    apps = [tm.transition_graph(t, level="app") for _, t in serial_tasks.groupby("session", observed=True)]
    _same_graph(merge_graphs(apps), tm.transition_graph(serial_tasks, level="app"))
    with pytest.raises(MiningError, match="different levels"):
        merge_graphs([parts[0], apps[0]])


def test_transition_graph_partitions(rec: Path, serial_tasks: pd.DataFrame) -> None:
    merged = transition_graph_partitions(rec, method="idle_gap", gap="2min", by="user", level="step", progress=False)
    _same_graph(merged, tm.transition_graph(serial_tasks, "step"))
    assert merged.graph["batch"]["partitions"] == 3


def test_transition_graph_partitions_default_level_is_activities(rec: Path, serial_tasks: pd.DataFrame) -> None:
    merged = transition_graph_partitions(rec, method="idle_gap", gap="2min", by="user", progress=False)
    whole = tm.transition_graph(serial_tasks)
    assert merged.graph["level"] == whole.graph["level"] == "activity"
    assert merged.graph["n_cases"] == whole.graph["n_cases"]
    starts = sum(d["count"] for _, _, d in merged.out_edges("▶ start", data=True))
    assert starts == whole.graph["n_cases"]  # every case is in the merged map once
    # each partition finds and masks its own screens, so a label can differ from the whole log's
    from taskmining.mining.activities import VERBS

    assert all(str(n).startswith(VERBS) for n, d in merged.nodes(data=True) if d["kind"] == "activity")


def test_loose_jsonl_files_are_partitions_of_their_own(whole: pd.DataFrame, tmp_path: Path) -> None:
    path = tm.write_events(whole.head(100), tmp_path / "first.jsonl")
    parts = partitions([path])
    assert [(p.key, p.by) for p in parts] == [(str(path), "file")]
    assert len(parts[0].read()) == 100
