"""`taskmining mine INPUT -o DIR`: the files it writes and its errors."""

from __future__ import annotations

import json

import networkx as nx
import pandas as pd
import pytest
from test_mining_data import make_tasks

import taskmining as tm
from taskmining.cli import main
from taskmining.cli.commands.mine import OUTPUTS
from taskmining.mining.people import graph_people
from taskmining.privacy.groups import SmallGroupWarning


@pytest.fixture(scope="module")
def tasks_csv(tmp_path_factory) -> tuple[pd.DataFrame, str]:
    tasks = make_tasks(200, seed=41)
    path = tmp_path_factory.mktemp("mine") / "tasks.csv"
    tasks.to_csv(path, index=False)
    return tasks, str(path)


def test_mine_writes_every_output(tasks_csv, tmp_path, capsys):
    tasks, path = tasks_csv
    assert main(["mine", path, "-o", str(tmp_path / "out")]) == 0
    out = tmp_path / "out"
    assert sorted(p.name for p in out.iterdir()) == sorted(OUTPUTS)
    assert "200 cases" in capsys.readouterr().out
    v = pd.read_csv(out / "variants.csv")
    with pytest.warns(SmallGroupWarning):
        expected = tm.variants(tasks, min_group_size=3)  # paths of fewer than 3 people are left out
    assert (v["users"] >= 3).all()
    assert dict(zip(v["variant"], v["count"])) == dict(zip(expected["variant"], expected["count"]))
    assert json.loads(v.loc[0, "steps"]) == list(expected.loc[0, "steps"])
    g = nx.read_graphml(out / "graph.graphml")
    full = tm.transition_graph(tasks)
    _, people = graph_people(tasks)
    assert set(g.edges) == {e for e in full.edges if people[e] >= 3}
    assert all(d["users"] >= 3 for _, _, d in g.edges(data=True))
    data = json.loads((out / "graph.json").read_text())
    assert len(data["edges"]) == g.number_of_edges()
    assert (out / "graph.dot").read_text().startswith("digraph")
    metrics = pd.read_csv(out / "metrics.csv")
    assert set(metrics["task"]) == {"invoice", "address", "report"}
    assert pd.read_csv(out / "candidates.csv")["rank"].tolist() == [1, 2, 3]
    assert pd.read_csv(out / "fragmentation.csv")["team"].tolist() == ["team-a", "team-b"]


def test_app_level_and_group_size(tasks_csv, tmp_path, capsys):
    _, path = tasks_csv
    assert main(["mine", path, "-o", str(tmp_path), "--level", "app", "--min-group-size", "12",
                 "--min-cell-people", "12", "--quiet"]) == 0
    g = nx.read_graphml(tmp_path / "graph.graphml")
    assert {"outlook", "sap", "excel", "word"} <= set(g.nodes)
    err = capsys.readouterr().err
    assert "fewer than 12 distinct users" in err
    assert (pd.read_csv(tmp_path / "metrics.csv")["users"] >= 12).all()
    # a log of 12 people is refused as a whole when a team output needs 13
    assert main(["mine", path, "-o", str(tmp_path / "o13"), "--min-group-size", "13", "--quiet"]) == 2
    assert "covers 12 distinct people, fewer than min_group_size=13" in capsys.readouterr().err


def test_events_without_cases_are_segmented(tmp_path):
    events = tm.simulate(n_users=2, n_days=1, seed=3)
    path = tmp_path / "events.parquet"
    events.to_parquet(path)
    assert main(["mine", str(path), "-o", str(tmp_path / "out"), "--method", "idle_gap",
                 "--min-group-size", "1", "--quiet"]) == 0
    assert pd.read_csv(tmp_path / "out" / "variants.csv")["count"].sum() > 10


def test_errors(tasks_csv, tmp_path, capsys):
    _, path = tasks_csv
    with pytest.raises(SystemExit) as exc:
        main(["mine", path, "-o", str(tmp_path), "--level", "window"])
    assert exc.value.code == 1
    assert main(["mine", path, "-o", str(tmp_path), "--min-group-size", "0"]) == 1
    assert "--min-group-size" in capsys.readouterr().err
    assert main(["mine", str(tmp_path / "missing.csv"), "-o", str(tmp_path)]) == 2
    bad = tmp_path / "empty.csv"
    pd.DataFrame({"case_id": [], "step": [], "timestamp": []}).to_csv(bad, index=False)
    assert main(["mine", str(bad), "-o", str(tmp_path / "o2")]) == 2
    assert "empty" in capsys.readouterr().err


def test_level_is_the_library_default_and_can_be_steps(tasks_csv, tmp_path):
    from taskmining.mining.activities import VERBS

    tasks, path = tasks_csv
    assert main(["mine", path, "-o", str(tmp_path / "a"), "--quiet"]) == 0
    assert main(["mine", path, "-o", str(tmp_path / "s"), "--level", "step", "--quiet"]) == 0
    act, step = (pd.read_csv(tmp_path / d / "variants.csv") for d in ("a", "s"))
    assert all(s.startswith(VERBS) or s.startswith("[") for v in act["steps"] for s in json.loads(v))
    with pytest.warns(SmallGroupWarning):
        expected = tm.variants(tasks, level="step", min_group_size=3)
    assert dict(zip(step["variant"], step["count"])) == dict(zip(expected["variant"], expected["count"]))
    assert len(act) < len(step)
    graph = nx.read_graphml(tmp_path / "a" / "graph.graphml")
    assert all(str(n).startswith(VERBS) for n, d in graph.nodes(data=True) if d["kind"] == "activity")
