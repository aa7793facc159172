"""The Action-Logger-style simulator: phenomena of real recordings, ground truth, readable by the reader."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import taskmining as tm
from taskmining.datasets.actionlogger import AL_COLUMNS, simulate_actionlogger, write_actionlogger
from taskmining.errors import ParameterError


def test_columns_truth_and_determinism() -> None:
    log = simulate_actionlogger(["copy_paste", "form_filling", "erp_replay"], n_instances=30, seed=4,
                                interleave=0.3, noise=0.2)
    assert log.columns.tolist() == [*AL_COLUMNS, "caseID", "Task"]
    assert log["caseID"].dropna().nunique() == 30
    assert set(log["Task"].dropna()) == {"copy_paste", "form_filling", "erp_replay"}
    assert log["caseID"].isna().any()  # noise rows belong to no instance
    again = simulate_actionlogger(["copy_paste", "form_filling", "erp_replay"], n_instances=30, seed=4,
                                  interleave=0.3, noise=0.2)
    pd.testing.assert_frame_equal(log, again)
    assert not log.equals(simulate_actionlogger(["copy_paste"], n_instances=30, seed=5))


def test_phenomena_of_real_recordings() -> None:
    log = simulate_actionlogger(["copy_paste", "erp_replay"], n_instances=40, seed=1, duplicates=0.1)
    ev = log["eventType"].tolist()
    # echoes: getCell before copyCell, editField after paste
    assert any(a == "getCell" and b == "copyCell" for a, b in zip(ev, ev[1:], strict=False))
    assert any(a == "paste" and b == "editField" for a, b in zip(ev, ev[1:], strict=False))
    # exact duplicates at the same millisecond
    assert log.duplicated().any()
    # unnamed elements known only by an xpath
    erp = log[log["Task"] == "erp_replay"]
    assert erp["target.name"].isna().all() and erp["target.innerText"].isna().all()
    assert erp["target.id"].str.startswith("/*[name()='HTML']").all()
    # a copy -> paste loop inside one instance: several pastes per case
    pastes = log[log["eventType"] == "paste"].groupby("caseID").size()
    assert pastes.min() >= 2


def test_written_file_reads_back(tmp_path: Path) -> None:
    log = simulate_actionlogger(["form_filling"], n_instances=5, seed=2, duplicates=0.0)
    path = write_actionlogger(log, tmp_path / "al.csv")
    events = tm.read_events(path, format="actionlogger", tz="UTC")
    assert len(events) == len(log)
    assert events["caseID"].astype(str).tolist() == log["caseID"].astype(str).tolist()
    assert events["timestamp"].is_monotonic_increasing


@pytest.mark.parametrize("kwargs, match", [
    ({"routines": ["nope"]}, "unknown routine"),
    ({"routines": []}, "unknown routine"),
    ({"n_instances": 0}, "n_instances"),
    ({"interleave": 1.5}, "interleave"),
    ({"duplicates": -0.1}, "duplicates"),
    ({"noise": True}, "noise"),
])
def test_bad_parameters(kwargs: dict, match: str) -> None:
    with pytest.raises(ParameterError, match=match):
        simulate_actionlogger(**kwargs)
