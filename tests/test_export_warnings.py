"""Export warnings: located at the caller's line, named after the function called, and a
link_to_process join that links (almost) nothing says so and why."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest
from test_export_pm4py import make_tasks
from test_link import erp_log

import taskmining as tm
from taskmining.export import LinkWarning, UnassignedRowsWarning, link_to_process

from functools import partial as _partial

# linking mechanics on one to four people: explicitly opted out of the team-level threshold
# (tests/test_release_outputs.py and test_link_applies_the_team_threshold check the threshold)
link_to_process = _partial(link_to_process, min_group_size=None)


def _with_unassigned() -> pd.DataFrame:
    tasks = make_tasks(4)
    return tasks.assign(case_id=tasks["case_id"].astype(object).where(tasks.index != tasks.index[0], None))


@pytest.mark.parametrize("call", ["write_xes", "write_ocel", "to_pm4py"])
def test_unassigned_warning_names_the_function_and_points_here(tmp_path: Path, call: str) -> None:
    tasks = _with_unassigned()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if call == "to_pm4py":  # 4 people: below a team, so the export opts out of the threshold explicitly
            tm.to_pm4py(tasks, min_group_size=None)
        else:
            getattr(tm, call)(tasks, tmp_path / ("log.xes" if call == "write_xes" else "log.json"),
                              min_group_size=None)
    found = [w for w in caught if issubclass(w.category, UnassignedRowsWarning)]
    assert len(found) == 1
    assert str(found[0].message).startswith(f"{call}: 1 of {len(tasks)} rows have no case_id")
    assert found[0].filename == __file__  # the user's line, not sys:1 or a library file


def test_link_that_links_nothing_warns_with_the_keys_tried() -> None:
    # a helpdesk-like process log keyed by customer: its numbers never appear on the desktop
    tasks = make_tasks(6)
    process = erp_log(tasks).assign(**{"case:customer": lambda d: "cust-" + d["case:concept:name"].str[-2:]})
    process = process.assign(**{"case:concept:name": "T" + process["case:concept:name"]})
    with pytest.warns(LinkWarning) as record:
        result = link_to_process(tasks, process)
    assert result.links["process_case"].notna().sum() == 0
    ours = [w for w in record if w.category is LinkWarning]
    assert len(ours) == 1
    message = str(ours[0].message)
    assert message.startswith("link_to_process: linked 0 of 6 task instances (0%)")
    assert "customer (process column 'case:customer'" in message and "matched in 0" in message
    assert "Desktop columns searched: window" in message
    assert ours[0].filename == __file__
    report = result.key_report.set_index("key_type")
    assert report.loc["customer", "process_column"] == "case:customer"
    assert report.loc["customer", "process_values"] == process["case:customer"].nunique()
    assert report.loc["customer", "matched_in"] == 0


def test_link_that_links_most_does_not_warn() -> None:
    tasks = make_tasks(6)
    with warnings.catch_warnings():
        warnings.simplefilter("error", LinkWarning)
        result = link_to_process(tasks, erp_log(tasks), process_key="case:concept:name")
    assert result.links["process_case"].notna().sum() == 6
    assert result.key_report["matched_in"].sum() >= 6


def test_link_that_links_few_warns() -> None:
    tasks = make_tasks(8)
    process = erp_log(tasks)
    linked_key = process["case:concept:name"].iloc[0]
    process = process[process["case:concept:name"] == linked_key]  # only one desktop case can link
    with pytest.warns(LinkWarning, match=r"linked 1 of 8 task instances \(12%\)"):
        link_to_process(tasks, process, process_key="case:concept:name")
