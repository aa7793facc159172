"""The team-level release policy on every output path (docs/privacy.md, "What team outputs suppress, and why").

A team of five: everyone does ``invoice`` (open, enter, save), four of the
five also do ``routine`` (look, copy, paste), and one person once did an
odd step ``one-off-step`` inside an invoice.
"""

from __future__ import annotations

import json
import warnings

import networkx as nx
import pandas as pd
import pytest

import taskmining as tm
from taskmining.cli import main
from taskmining.errors import PrivacyError
from taskmining.privacy.groups import SmallGroupWarning
from taskmining.privacy.release import ReleaseLedger

ODD = "one-off-step"


def team_log(users: list[str], routine_users: int = 4, odd_user: str | None = "u5", seed: int = 0) -> pd.DataFrame:
    rows = []
    t0 = pd.Timestamp("2026-03-02 09:00", tz="UTC")
    for ui, user in enumerate(users):
        clock = t0 + pd.Timedelta(minutes=ui)
        plan = [("invoice", ["open", "enter", "save"])] * 4
        if ui < routine_users:
            plan += [("routine", ["look", "copy", "paste"])] * 3
        if user == odd_user:
            plan.append(("invoice", ["open", ODD, "save"]))
        for ci, (task, steps) in enumerate(plan):
            case = f"{user}-{ci}"
            for si, step in enumerate(steps):
                clock += pd.Timedelta(seconds=5 + (ui * 7 + ci * 3 + si + seed) % 11)
                rows.append({"case_id": case, "task": task, "step": step, "user": user, "timestamp": clock,
                             "session": f"s-{user}"})
            clock += pd.Timedelta(minutes=2)
    return pd.DataFrame(rows)


TEAM = [f"u{i}" for i in range(1, 6)]


@pytest.fixture()
def team() -> pd.DataFrame:
    return team_log(TEAM)


@pytest.fixture(autouse=True)
def _no_env_ledger(monkeypatch):
    monkeypatch.delenv("TASKMINING_RELEASE_LEDGER", raising=False)


def _quiet(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


# (a) a one-person one-off step is absent from every output path

def test_one_off_step_absent_from_the_report(team, tmp_path):
    html = _quiet(tm.report, team, tmp_path / "r.html", engine="python").read_text(encoding="utf-8")
    assert "Process map" in html and "Variants" in html
    assert ODD not in html
    assert "left out (team-level safeguard)" in html  # said so in the notes


def test_one_off_step_absent_from_mine_files(team, tmp_path):
    path = tmp_path / "team.csv"
    team.to_csv(path, index=False)
    assert main(["mine", str(path), "-o", str(tmp_path / "out"), "--quiet"]) == 0
    for name in ("variants.csv", "graph.graphml", "graph.dot", "graph.json", "metrics.csv", "candidates.csv"):
        assert ODD not in (tmp_path / "out" / name).read_text(encoding="utf-8"), name
    g = nx.read_graphml(tmp_path / "out" / "graph.graphml")
    assert ("open", "enter") in g.edges and g.edges["open", "enter"]["users"] >= 3  # noisy, never below the cell
    assert str(g.graph["noise"]).startswith("laplace")  # the release noise against differencing


def test_one_off_step_absent_from_graphs_and_exports(team, tmp_path):
    from taskmining.mining.people import release_graph

    g = release_graph(tm.transition_graph(team), team)
    assert ODD not in g.nodes and g.graph["suppressed_nodes"] == 1 and g.graph["suppressed_edges"] == 2
    assert abs(sum(d["share"] for *_, d in g.edges(data=True)) - 1.0) < 1e-9  # no share of a hidden total
    with pytest.warns(SmallGroupWarning, match="1 case"):
        log = tm.to_pm4py(team)
    assert ODD not in set(log["concept:name"])
    assert log["case:concept:name"].nunique() == team["case_id"].nunique() - 1
    assert log.attrs["release"]["suppressed_cases"] == 1
    xes = _quiet(tm.write_xes, team, tmp_path / "t.xes")
    ocel = _quiet(tm.write_ocel, team, tmp_path / "t.json")
    assert ODD not in xes.read_text(encoding="utf-8") and ODD not in ocel.read_text(encoding="utf-8")
    assert "open" in xes.read_text(encoding="utf-8")


# (b) a routine done by 4 of 5 people is present in metrics, candidates and the report

def test_routine_of_four_of_five_is_shown(team, tmp_path):
    m = tm.task_metrics(team)
    assert dict(zip(m["task"], m["users"])) == {"invoice": 5, "routine": 4}
    c = tm.automation_candidates(team)
    assert set(c["task"]) == {"invoice", "routine"}
    v = tm.variants(team, min_group_size=3)
    assert ("look", "copy", "paste") in set(v["steps"])
    html = _quiet(tm.report, team, tmp_path / "r.html", engine="python", rename_tasks=False).read_text(
        encoding="utf-8")
    assert "routine" in html and "copy" in html


def test_a_two_person_task_type_is_suppressed(tmp_path):
    log = team_log(TEAM, routine_users=2)
    with pytest.warns(SmallGroupWarning, match="fewer than 3 distinct users"):
        m = tm.task_metrics(log)
    assert set(m["task"]) == {"invoice"} and m.attrs["suppressed"] == [{"task": "routine"}]


def test_a_team_below_min_group_size_is_refused(tmp_path):
    four = team_log(TEAM[:4], odd_user=None)
    with pytest.raises(PrivacyError, match="covers 4 distinct people, fewer than min_group_size=5"):
        tm.to_pm4py(four)
    for fn in (tm.task_metrics, tm.automation_candidates):  # tables: every task type withheld, and noted
        with pytest.warns(SmallGroupWarning, match="fewer than 5 distinct users"):
            table = fn(four)
        assert table.empty and {r["task"] for r in table.attrs["suppressed"]} == {"invoice", "routine"}
    html = tm.report(four, tmp_path / "r.html", engine="python").read_text(encoding="utf-8")
    assert "covers 4 distinct people" in html and "every section is withheld" in html
    assert "routine" not in html and "Process map" not in html
    with pytest.raises(PrivacyError, match="column 'user' is missing"):
        tm.to_pm4py(four.drop(columns="user"))


# (c) the differencing attack of the issue fails

def test_differencing_attack_on_task_metrics_is_refused(tmp_path, monkeypatch):
    six = team_log([*TEAM, "u6"], routine_users=6, odd_user=None)
    five = six.loc[six["user"] != "u6"]
    led = ReleaseLedger(tmp_path / "releases.json")
    tm.task_metrics(six, ledger=led)
    with pytest.raises(PrivacyError, match="differ from release 1 .* by 1"):
        tm.task_metrics(five, ledger=led)
    # without a ledger and without the release noise (tests/test_privacy_noise.py) the two tables would
    # difference to u6's exact numbers
    monkeypatch.setenv("TASKMINING_RELEASE_EPSILON", "off")
    a, b = tm.task_metrics(six).set_index("task"), tm.task_metrics(five).set_index("task")
    u6 = six.loc[six["user"] == "u6"].groupby(["task", "case_id"])["timestamp"].agg(lambda s: (s.max() - s.min())
                                                                                    .total_seconds())
    assert (a["cases"] - b["cases"])["invoice"] == u6["invoice"].size
    sums = a["cases"] * a["handling_time_mean"] - b["cases"] * b["handling_time_mean"]
    assert sums["invoice"] == pytest.approx(u6["invoice"].sum())


def test_differencing_attack_on_the_report_is_refused(tmp_path, monkeypatch):
    six = team_log([*TEAM, "u6"], routine_users=6, odd_user=None)
    monkeypatch.setenv("TASKMINING_RELEASE_LEDGER", str(tmp_path / "releases.json"))  # the default ledger
    _quiet(tm.report, six, tmp_path / "a.html", engine="python")
    with pytest.raises(PrivacyError, match="by 1 .*fewer than min_group_size=5"):
        tm.report(six.loc[six["user"] != "u6"], tmp_path / "b.html", engine="python")
    assert not (tmp_path / "b.html").exists()
    _quiet(tm.report, six, tmp_path / "again.html", engine="python")  # the same cohort again: allowed
    other = team_log([f"v{i}" for i in range(5)], odd_user=None)  # differs by 11 people: allowed
    _quiet(tm.report, other, tmp_path / "other.html", engine="python")


def test_mine_cli_ledger(tmp_path, capsys):
    six = team_log([*TEAM, "u6"], routine_users=6, odd_user=None)
    a, b = tmp_path / "six.csv", tmp_path / "five.csv"
    six.to_csv(a, index=False)
    six.loc[six["user"] != "u6"].to_csv(b, index=False)
    led = str(tmp_path / "led.json")
    assert main(["mine", str(a), "-o", str(tmp_path / "oa"), "--ledger", led, "--quiet"]) == 0
    assert main(["mine", str(b), "-o", str(tmp_path / "ob"), "--ledger", led, "--quiet"]) == 2
    assert "differ from release 1" in capsys.readouterr().err


# (d) opting out works and says so

def test_opting_out_releases_everything_and_says_so(team, tmp_path, capsys):
    html = tm.report(team, tmp_path / "r.html", engine="python", min_group_size=1).read_text(encoding="utf-8")
    assert ODD in html and "threshold is OFF" in html
    log = tm.to_pm4py(team, min_group_size=None)
    assert ODD in set(log["concept:name"]) and log.attrs["release"]["threshold"].startswith("none (opted out")
    path = tmp_path / "team.csv"
    team.to_csv(path, index=False)
    assert main(["mine", str(path), "-o", str(tmp_path / "out"), "--min-group-size", "1", "--quiet"]) == 0
    assert "without the team-level threshold" in capsys.readouterr().err
    assert ODD in (tmp_path / "out" / "graph.dot").read_text(encoding="utf-8")
    assert ODD in json.dumps(pd.read_csv(tmp_path / "out" / "variants.csv")["steps"].tolist())
    four = team_log(TEAM[:4], odd_user=None)
    assert len(tm.task_metrics(four, min_group_size=1)) == 2
    assert "Process map" in tm.report(four, tmp_path / "r4.html", engine="python", min_group_size=1).read_text(
        encoding="utf-8")


# (d) every export path: the package namespace, the CLI (tests/test_cli_export.py) and link_to_process

def _with_keys(log: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The team log with an invoice number in every window title, and the ERP log of those invoices."""
    keys = {c: f"INV-2026-{i:04d}" for i, c in enumerate(sorted(log["case_id"].unique()))}
    desk = log.assign(window=log["case_id"].map(keys) + " - Invoice - ERP")
    first = log.groupby("case_id")["timestamp"].min()
    erp = pd.DataFrame({"case:concept:name": [keys[c] for c in first.index],
                        "concept:name": "Post Invoice", "time:timestamp": first.to_numpy()})
    return desk, erp


def test_export_namespace_applies_the_threshold(team):
    from taskmining import export

    assert export.to_pm4py is tm.to_pm4py and export.write_xes is tm.write_xes and export.write_ocel is tm.write_ocel
    with pytest.raises(PrivacyError, match="covers 4 distinct people"):
        export.to_pm4py(team.loc[team["user"] != "u5"])
    assert ODD not in set(_quiet(export.to_pm4py, team)["concept:name"])


def test_link_applies_the_team_threshold(team, tmp_path):
    desk, erp = _with_keys(team)
    keys = {"invoice": r"INV-\d{4}-\d{4}"}
    with pytest.warns(SmallGroupWarning, match="1 case"):  # a step of one person: the step-level joint log
        res = tm.link_to_process(desk, erp, keys, process_key="case:concept:name", level="step")
    odd_case = team.loc[team["step"] == ODD, "case_id"].iloc[0]
    assert odd_case not in set(res.links["case_id"]) and ODD not in set(res.log["concept:name"])
    assert len(res.links) == team["case_id"].nunique() - 1 and res.links["process_case"].notna().all()
    assert ODD not in res.write_xes(tmp_path / "joint.xes").read_text(encoding="utf-8")
    four = desk.loc[desk["user"] != "u5"]
    with pytest.raises(PrivacyError, match="link_to_process: covers 4 distinct people"):
        tm.link_to_process(four, erp, keys, process_key="case:concept:name")
    opted = tm.link_to_process(four, erp, keys, process_key="case:concept:name", min_group_size=None)
    assert len(opted.links) == four["case_id"].nunique()
    led = ReleaseLedger(tmp_path / "releases.json")
    six, _ = _with_keys(team_log([*TEAM, "u6"], routine_users=6, odd_user=None))
    _quiet(tm.link_to_process, six, erp, keys, process_key="case:concept:name", ledger=led)
    with pytest.raises(PrivacyError, match="differ from release 1 .* by 1"):
        tm.link_to_process(six.loc[six["user"] != "u6"], erp, keys, process_key="case:concept:name", ledger=led)
