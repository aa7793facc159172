"""Steps on the output of every reader: sample files and the shared UI logs."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest

import taskmining as tm
from taskmining.datasets import sample_recording_path
from taskmining.steps import build_steps, steps_table

DATA = Path(__file__).parent / "data"
SAMPLES = sorted(p for p in DATA.glob("*/*") if p.suffix in (".csv", ".json", ".jsonl") and p.is_file()) \
    if DATA.is_dir() else []


def read(path: Path, **kw: object) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return tm.read_events(path, progress=False, **kw)


def check(events: pd.DataFrame) -> pd.DataFrame:
    out = build_steps(events)
    assert len(out) == len(events) and out["step"].notna().all()
    assert (out["step"].str.len() > 0).all()
    table = steps_table(out)
    assert table["n_events"].sum() == len(events)
    assert table["step_id"].is_unique
    assert table["step"].notna().all() and (table["duration"] >= 0).all()
    return table


# samples that auto-detection must not claim: they need a column mapping
NEEDS_MAPPING = {"helpdesk_tool_export.csv"}


@pytest.mark.parametrize("path", [p for p in SAMPLES if p.name not in NEEDS_MAPPING],
                         ids=lambda p: f"{p.parent.name}/{p.name}")
def test_sample_files_of_every_reader(path: Path) -> None:
    check(read(path, tz="UTC"))


def test_generic_sample_through_its_mapping() -> None:
    path = DATA / "generic" / "helpdesk_tool_export.csv"
    df = pd.read_csv(path, sep=";", dtype=str)
    events = tm.from_dataframe(df, timestamp="Zeit", user="Benutzer", app="Programm", action="Aktion",
                               element_name="Feld", value="Wert", window="Fenster", tz="Europe/Berlin")
    check(events)


def test_bundled_sample_recording() -> None:
    rec = sample_recording_path()
    if not rec.is_dir():
        pytest.fail(f"the bundled sample recording is missing at {rec}")
    table = check(read(rec))
    assert table["transfer_from"].notna().any()  # copy -> paste pairs are found
    assert table["action"].astype(str).eq("type").any()


def test_leno_logs_one_step_per_action_and_column_labels(shared_data: Path) -> None:
    for path in sorted((shared_data / "leno-synthetic").glob("log*_segmented.csv")):
        events = read(path)
        table = check(events)
        # high-level rows: only exact duplicates merge, and never across true cases
        assert len(table) >= len(events) - 10, path.name
        with_steps = build_steps(events)
        assert (with_steps.groupby("step_id")["caseID"].nunique() == 1).all(), path.name
        cells = table["step"][table["step"].str.contains("column")]
        assert not cells.str.contains(r"column [A-Z]+\d").any(), path.name


def test_smartrpa_logs(shared_data: Path) -> None:
    for path in sorted((shared_data / "smartrpa-generated").glob("*.csv"))[:1]:
        table = check(read(path, tz="Europe/Rome"))
        assert table["step"].nunique() < len(table) / 5  # labels repeat across instances
