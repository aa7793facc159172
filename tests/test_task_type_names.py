"""Task-type names from segment(): read by a manager, never glued from step labels, free of people's names.

Every segmenter's types are named by :func:`taskmining.abstraction.naming.task_names`
where ``segment`` assembles its result, so the names hold for built-in and custom
methods alike, and on the real recordings of shared/data.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

import taskmining as tm
from taskmining.abstraction.naming import rename_task_types, task_names
from taskmining.datasets import routines
from taskmining.segmentation.base import BaseSegmenter
from tests.syspart import SHARED_DATA

REAL = SHARED_DATA / "real-recordings"


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    return tm.simulate(n_users=4, n_days=1, seed=11, hours=2.0)


@pytest.fixture(scope="module")
def tasks(events: pd.DataFrame) -> pd.DataFrame:
    return tm.segment(events, progress=False)


def _glued(name: str, steps: set[str]) -> bool:
    return "…" in name or name in steps or any(s in name for s in steps if len(s) > 12)


def test_segment_names_types_readably_and_uniquely(events: pd.DataFrame, tasks: pd.DataFrame) -> None:
    steps = set(tasks["step"].dropna().astype(str).unique())
    names = set(tasks.loc[tasks["case_id"].notna(), "task"].dropna().astype(str).unique())
    assert len(names) >= 3
    for name in names:
        assert not _glued(name, steps), name
        assert re.fullmatch(r"[A-Z][\w ,'#-]* (entry|update|look-up|review)(, [\w ,'-]+)?( \d+)? \([\w →]+\)", name), name
    # one name per type (a categorical, as before), and the same names on a second run
    assert isinstance(tasks["task"].dtype, pd.CategoricalDtype)
    again = tm.segment(events, progress=False)
    assert again["task"].astype(object).equals(tasks["task"].astype(object))
    # the cases are the method's: names=False keeps its own (glued) names on the same cases
    raw = tm.segment(events, progress=False, names=False)
    assert raw["case_id"].astype(object).equals(tasks["case_id"].astype(object))
    pairs = pd.crosstab(raw["task"].astype(object), tasks["task"].astype(object))
    assert ((pairs > 0).sum(axis=1) == 1).all() and ((pairs > 0).sum(axis=0) == 1).all()
    assert any("…" in str(t) for t in raw["task"].dropna().unique())


def test_names_carry_no_person_from_the_data(tasks: pd.DataFrame) -> None:
    seen = " ".join(v for c in ("element_name", "window") for v in tasks[c].dropna().astype(str).unique())
    people = [f"{f} {last}" for f in routines._FIRST for last in routines._LAST if f"{f} {last}" in seen]
    assert people  # the simulator put people's names into the UI
    words = {w for p in people for w in p.split()}
    for name in tasks["task"].dropna().astype(str).unique():
        assert not set(re.findall(r"\w+", name)) & words, name


class _Halves(BaseSegmenter):
    """A custom method: cuts every session in two and names the halves by their first step."""

    def _predict(self, steps: pd.DataFrame) -> pd.DataFrame:
        half = np.arange(len(steps)) >= len(steps) // 2
        case = np.where(half, steps["session"].astype(str) + "-b", steps["session"].astype(str) + "-a")
        return pd.DataFrame({"case_id": case, "task": np.where(half, "Click 'Save' … Type", "Switch to SAP … x")})


def test_a_custom_segmenters_types_are_named_too(events: pd.DataFrame) -> None:
    out = tm.segment(events, _Halves(), progress=False)
    names = out["task"].dropna().astype(str).unique()
    assert len(names) == 2 and not any("…" in n or "'" in n for n in names)


def test_windows_with_people_names_and_a_log_without_screens() -> None:
    people = ["Anna Berg", "Jon Lee", "Ida Holm", "Max Roth", "Eva Lund", "Ole Sand", "Kim Rau"]
    n = len(people)
    t = pd.DataFrame({
        "case_id": [c for c in range(n) for _ in range(2)], "task": ["Open … Save"] * (2 * n),
        "app": ["excel", "outlook"] * n, "action": ["type", "click"] * n,
        "window": [w for p in people for w in (f"Expenses {p}.xlsx - Excel", f"Travel request {p} - Outlook")],
        "step": ["Type in cell", "Click 'Send'"] * n,
        "timestamp": pd.date_range("2026-01-05", periods=2 * n, freq="min", tz="UTC")})
    name = task_names(t)["Open … Save"]
    assert name == "Expenses entry (Excel → Outlook)"
    # no app, window or url: no screens to name from; types still get distinct, unglued names
    bare = t.drop(columns=["app", "window"]).assign(task=["a … b"] * n + ["c … d"] * n)
    names = task_names(bare)
    assert len(set(names.values())) == 2 and all(v.startswith("Desktop work") for v in names.values())
    # the caller's frame is not modified, and a frame without types is returned as it is
    before = t.copy()
    rename_task_types(t)
    pd.testing.assert_frame_equal(t, before)
    assert rename_task_types(t.assign(task=None))["task"].isna().all()


@pytest.mark.parametrize("name", ["actionlogger-browsing-noheader.csv", "smartrpa-windows-banking.csv",
                                  "tockler-windows-banking.csv", "smartrpa-rpachallenge.csv"])
def test_real_recordings_get_readable_names(name: str) -> None:
    path = REAL / name
    if not path.exists():
        pytest.skip(f"{path} not available")
    out = tm.segment(tm.read_events(path, tz="Europe/Berlin"), progress=False)
    steps = set(out["step"].dropna().astype(str).unique())
    names = [str(n) for n in out.loc[out["case_id"].notna(), "task"].dropna().unique()]
    assert names
    accounts = {m.lower() for w in out["window"].dropna().astype(str).unique()
                for m in re.findall(r"(?i)\\users\\([^\\]+)", w)}
    for n in names:
        if n.startswith("("):  # (untyped task): a method that does not type its cases
            continue
        assert not _glued(n, steps), n
        assert not {w.lower() for w in re.findall(r"\w+", n)} & accounts, n
        assert re.search(r"(entry|update|look-up|review|Desktop work)\b", n), n
