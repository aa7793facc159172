"""examples/joint_analysis.py runs end to end and its outputs are right."""

from __future__ import annotations

import importlib.util
import json
import warnings

from syspart import REPO

from taskmining.export import UnassignedRowsWarning


def test_joint_analysis_example(tmp_path, capsys):
    spec = importlib.util.spec_from_file_location("joint_analysis", REPO / "examples" / "joint_analysis.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnassignedRowsWarning)
        out = module.main(tmp_path)
    printed = capsys.readouterr().out
    assert "linked" in printed and "combined log" in printed
    links = out["links"]
    assert out["linked"] >= 0.7 * len(links)  # expense reports carry no visible key
    assert out["correct"] == out["linked"]
    log = out["log"]
    assert set(log["source"]) == {"desktop", "system"}
    for path in out["files"]:
        assert path.exists() and path.stat().st_size > 0
    doc = json.loads((tmp_path / "joint.json").read_text())
    types = {t["name"] for t in doc["objectTypes"]}
    assert {"process_case", "task_instance", "application"} <= types  # task level: no window titles
    if out["dfg"] is not None:  # pm4py installed: discovery ran on the combined log
        assert sum(out["dfg"].values()) > 0
    else:
        assert "skipping process discovery" in printed
