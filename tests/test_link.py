"""Business keys and link_to_process: plain and hashed keys, combined log, link table, bad input."""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import pytest
from syspart import require
from test_export_pm4py import make_tasks

from taskmining.errors import ExportError, ParameterError, SchemaError
from taskmining.export import extract_keys
from taskmining.export import link_to_process as _link_to_process
# the converters themselves (no team-level threshold: these tests check linking on 4 people)
from taskmining.export.pm4py_frame import to_pm4py
from taskmining.export.xes import write_xes
from taskmining.export.link import _hash_value, hash_keys
from taskmining.io.formats.xes import read_xes

from functools import partial as _partial

# these tests check the step-level joint log (one desktop event per step); the default level is tested in
# tests/test_default_level.py
link_to_process = functools.partial(_link_to_process, level="step")

# linking mechanics on one to four people: explicitly opted out of the team-level threshold
# (tests/test_release_outputs.py and test_link_applies_the_team_threshold check the threshold)
link_to_process = _partial(link_to_process, min_group_size=None)

SALT = b"team-salt-0001"


def erp_log(tasks: pd.DataFrame, *, extra: int = 2) -> pd.DataFrame:
    """One process case per business key of the desktop cases: received before, posted after."""
    rows = []
    for case, g in tasks.groupby("case_id"):
        key = g["window"].iloc[0].split(" - ")[0]
        key = key.split("-")[1] if key.startswith("PO-") else key  # the ERP stores PO numbers bare
        start, end = g["timestamp"].min(), g["timestamp"].max()
        rows += [{"case:concept:name": key, "concept:name": "Receive", "time:timestamp": start - pd.Timedelta("1h")},
                 {"case:concept:name": key, "concept:name": "Post", "time:timestamp": end + pd.Timedelta("5s")}]
    for i in range(extra):  # cases no desktop work touched
        rows.append({"case:concept:name": f"INV-{9000 + i}", "concept:name": "Receive",
                     "time:timestamp": pd.Timestamp("2026-01-05 07:00", tz="UTC")})
    log = pd.DataFrame(rows)
    log["case:concept:name"] = log["case:concept:name"].astype("str")
    log["concept:name"] = log["concept:name"].astype("str")
    log["case:object_type"] = np.where(log["case:concept:name"].str.startswith("INV"), "invoice",
                                       "purchase_order")
    log["case:object_type"] = log["case:object_type"].astype("str")
    return log


def truth(tasks: pd.DataFrame) -> dict[str, str]:
    first = tasks.groupby("case_id")["window"].first().str.split(" - ").str[0]
    return {c: (k.split("-")[1] if k.startswith("PO-") else k) for c, k in first.items()}


def test_extract_keys_rows_and_cases():
    tasks = make_tasks(6)
    rows = extract_keys(tasks)
    assert set(rows["column"]) == {"window"} and set(rows["key_type"]) == {"invoice", "purchase_order"}
    assert len(rows) == len(tasks)  # one key per window title
    assert (tasks.loc[rows["row"], "case_id"].to_numpy() == rows["case_id"].to_numpy()).all()
    cases = extract_keys(tasks, by="case")
    assert len(cases) == 6 and cases.set_index("case_id")["key"].to_dict() == truth(tasks)
    assert cases["n"].sum() == len(tasks)
    custom = extract_keys(tasks, {"n": lambda text: [w for w in text.split() if w.isdigit()]},
                          columns=["window"])
    assert custom.empty  # no bare numbers in the titles
    fn = extract_keys(tasks, {"inv": lambda text: [text[:8]] if text.startswith("INV") else []}, by="case")
    assert set(fn["key"]) == {"INV-1000", "INV-1001", "INV-1003", "INV-1004"}
    with pytest.raises(ParameterError, match=r"keys\['bad'\]: invalid regular expression"):
        extract_keys(tasks, {"bad": "(unclosed"})
    with pytest.raises(SchemaError, match="column 'nothing' is missing"):
        extract_keys(tasks, columns=["nothing"])


def test_link_plain_keys_combined_log():
    tasks = make_tasks(9)
    erp = erp_log(tasks)
    res = link_to_process(tasks, erp, process_key="case:concept:name")
    links = res.links.set_index("case_id")
    assert links["process_case"].to_dict() == truth(tasks)
    assert (links["n_candidates"] == 1).all() and (links["evidence"] == "window").all()
    log = res.log
    assert set(log["source"]) == {"desktop", "system"}
    assert (log["source"] == "system").sum() == len(erp)
    desk = log[log["source"] == "desktop"]
    assert len(desk) == len(to_pm4py(tasks, level="step"))  # the joint log holds steps
    # desktop steps sit inside their process case, between Receive and Post
    for case, g in log.groupby("case:concept:name"):
        if (g["source"] == "desktop").any():
            names = list(g["concept:name"])
            assert names[0] == "Receive" and names[-1] == "Post"
            assert g["time:timestamp"].is_monotonic_increasing
            assert g["desktop_case"].dropna().nunique() == 1
    # case attributes of the process case reach the desktop rows
    assert desk["case:object_type"].notna().all()
    assert log["start_timestamp"].notna().all()
    assert log["case:concept:name"].dtype == "str"


def test_link_task_granularity_and_unlinked_cases():
    tasks = make_tasks(6)
    erp = erp_log(tasks.loc[tasks["case_id"] != "c003"])
    res = link_to_process(tasks, erp, process_key="case:concept:name", granularity="task")
    links = res.links.set_index("case_id")
    assert pd.isna(links.loc["c003", "process_case"]) and links.loc["c003", "n_evidence"] == 0
    assert links["process_case"].notna().sum() == 5  # the unlinked case is listed, not dropped
    desk = res.log[res.log["source"] == "desktop"]
    assert len(desk) == 5 and set(desk["concept:name"]) == {"invoice", "order"}
    row = desk[desk["desktop_case"] == "c000"].iloc[0]
    c0 = tasks[tasks["case_id"] == "c000"]
    assert row["start_timestamp"] == c0["timestamp"].min() and row["time:timestamp"] == c0["timestamp"].max()
    assert row["n_steps"] == c0["step_id"].nunique()


def test_link_prefers_more_evidence():
    tasks = make_tasks(3)
    # case c000 also mentions another invoice once
    tasks.loc[tasks.index[tasks["case_id"] == "c000"][-1], "value"] = "see INV-1001"
    res = link_to_process(tasks, erp_log(tasks), process_key="case:concept:name")
    row = res.links.set_index("case_id").loc["c000"]
    assert row["process_case"] == "INV-1000" and row["n_candidates"] == 2
    assert set(res.evidence.loc[res.evidence["case_id"] == "c000", "process_case"]) == {"INV-1000", "INV-1001"}


def test_hashed_keys_join_with_the_recording_salt():
    tasks = make_tasks(6)
    keys = tasks["window"].str.split(" - ").str[0]
    bare = keys.where(~keys.str.startswith("PO-"), keys.str.slice(3))
    tasks["window"] = "[key:" + hash_keys(bare, SALT) + "] - app"  # privacy mode: titles hashed
    tasks["window"] = tasks["window"].astype("str")
    erp = erp_log(make_tasks(6))
    res = link_to_process(tasks, erp, process_key="case:concept:name", salt=SALT)
    links = res.links.set_index("case_id")
    assert links["process_case"].to_dict() == truth(make_tasks(6))
    assert links["evidence"].str.endswith("(hashed)").all()
    unsalted = link_to_process(tasks, erp, process_key="case:concept:name")
    assert unsalted.links["process_case"].isna().all()


def test_hash_matches_privacy_module_and_fallback():
    assert _hash_value("INV-2024-001", b"team-salt") == "h:fd89c2ee8757d853"
    assert hash_keys(pd.Series(["INV-2024-001", None]), b"team-salt").iloc[0] == "h:fd89c2ee8757d853"
    try:
        from taskmining.privacy import hash_value
    except ImportError:
        return
    assert hash_value("4711", SALT) == _hash_value("4711", SALT)


def test_process_log_from_xes_path(tmp_path):
    tasks = make_tasks(4)
    erp = erp_log(tasks)
    path = write_xes(erp, tmp_path / "erp.xes.gz")
    back = read_xes(path)
    assert len(back) == len(erp) and set(back["case:object_type"]) == set(erp["case:object_type"])
    res = link_to_process(tasks, path, process_key="case:concept:name")
    assert res.links["process_case"].notna().all()


def test_missing_join_key_and_bad_process_logs():
    tasks = make_tasks(3)
    erp = erp_log(tasks)
    with pytest.raises(ExportError, match="no join key column for key type 'invoice'.*'invoice', 'case:invoice'"):
        link_to_process(tasks, erp)
    with pytest.raises(ExportError, match="no join key column for key type 'invoice'"):
        link_to_process(tasks, erp, {"invoice": r"INV-\d+", "purchase_order": r"PO-(\d+)"},
                        process_key={"purchase_order": "case:concept:name"})
    # default keys: types without a column are skipped, the others join
    only_invoices = erp.assign(**{"case:invoice": erp["case:concept:name"]})
    res = link_to_process(tasks, only_invoices)
    assert set(res.key_columns) == {"invoice"}
    assert set(res.links.dropna(subset=["process_case"])["key_type"]) == {"invoice"}
    with pytest.raises(ExportError, match="looked for 'invoice_no'"):
        link_to_process(tasks, erp, process_key={"invoice": "invoice_no", "purchase_order": "case:concept:name"})
    with pytest.raises(SchemaError, match="process_log: column 'time:timestamp' is missing"):
        link_to_process(tasks, erp.drop(columns="time:timestamp"), process_key="case:concept:name")
    with pytest.raises(ExportError, match="process_log: the log is empty"):
        link_to_process(tasks, erp.iloc[:0], process_key="case:concept:name")
    with pytest.raises(SchemaError, match="column 'case_id' is missing"):
        link_to_process(tasks.drop(columns="case_id"), erp, process_key="case:concept:name")


def test_pm4py_discovers_on_the_combined_log(tmp_path):
    try:
        import pm4py
    except ImportError:
        pm4py = None
    require(pm4py is not None, "pm4py is not installed")
    tasks = make_tasks(6)
    res = link_to_process(tasks, erp_log(tasks), process_key="case:concept:name")
    dfg, start, end = pm4py.discover_dfg(res.log)
    assert set(start) == {"Receive"} and "Post" in set(end)
    assert dfg[("Receive", "Open mail")] + dfg[("Receive", "Open ERP")] == 6
    back = pm4py.read_xes(str(res.write_xes(tmp_path / "combined.xes")))
    assert len(back) == len(res.log) and set(back["source"]) == {"desktop", "system"}


def test_a_key_shared_by_several_process_cases_links_to_the_one_at_that_time() -> None:
    """A customer number found on the desktop belongs to three orders; the
    order whose events surround the desktop work wins, not the first name."""
    t0 = pd.Timestamp("2026-01-05 09:00", tz="UTC")
    desk = pd.DataFrame({
        "timestamp": [t0 + pd.Timedelta(hours=26), t0 + pd.Timedelta(hours=26, minutes=5),
                      t0 + pd.Timedelta(hours=80)],
        "case_id": ["d1", "d1", "d2"], "user": "u1",
        "step": ["Open customer", "Edit address", "Open customer"],
        "window": ["Customer 55555 - CRM", "Customer 55555 - CRM", "Customer 55555 - CRM"],
    })
    rows = []
    for order, start_h in (("A-1", 0), ("A-2", 25), ("A-3", 70)):
        rows += [{"case:concept:name": order, "concept:name": "Create order", "customer": "55555",
                  "time:timestamp": t0 + pd.Timedelta(hours=start_h)},
                 {"case:concept:name": order, "concept:name": "Ship order", "customer": "55555",
                  "time:timestamp": t0 + pd.Timedelta(hours=start_h + 4)}]
    erp = pd.DataFrame(rows)
    res = link_to_process(desk, erp, {"customer": r"\b\d{5}\b"}, process_key="customer")
    links = res.links.set_index("case_id")
    assert links.loc["d1", "process_case"] == "A-2" and links.loc["d1", "time_gap_s"] == 0.0
    assert links.loc["d2", "process_case"] == "A-3"
    assert links.loc["d2", "time_gap_s"] == pytest.approx(6 * 3600)
    assert (links["n_candidates"] == 3).all()
