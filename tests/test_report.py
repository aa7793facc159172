"""The HTML report: every number equals what the library's functions return."""

from __future__ import annotations

import math
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import taskmining as tm
from taskmining.datasets import routines
from taskmining.errors import MiningError, ParameterError
from taskmining.reporting.build import task_flow
from taskmining.reporting.frame import report_frame

lxml_html = pytest.importorskip("lxml.html")

from taskmining.mining.people import release_graph  # noqa: E402


@pytest.fixture(scope="module")
def tasks() -> pd.DataFrame:
    events = tm.simulate(n_users=6, n_days=1, seed=11)
    return events.assign(case_id=events["true_case"], task=events["true_task"], step=events["true_step"])


@pytest.fixture(scope="module")
def frame(tasks: pd.DataFrame) -> pd.DataFrame:
    return report_frame(tasks)


@pytest.fixture(scope="module")
def page(tasks: pd.DataFrame, tmp_path_factory: pytest.TempPathFactory) -> lxml_html.HtmlElement:
    out = tm.report(tasks, tmp_path_factory.mktemp("rep") / "report.html", engine="python")
    return lxml_html.fromstring(out.read_bytes())


def _cells(doc: lxml_html.HtmlElement, table_id: str, col: str) -> list[str]:
    return [td.get("data-value") for td in doc.xpath(f'//table[@id="{table_id}"]//td[@data-col="{col}"]')]


def _close(a: str, b: float) -> bool:
    if a == "":
        return b is None or (isinstance(b, float) and math.isnan(b))
    return math.isclose(float(a), float(b), rel_tol=1e-12, abs_tol=1e-12)


def test_report_is_self_contained(tasks: pd.DataFrame, tmp_path: Path) -> None:
    out = tm.report(tasks, tmp_path / "sub" / "r.html", engine="python")
    text = out.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    # no external references of any kind
    assert not re.search(r'(src|href)="(https?:)?//', text)
    assert "@import" not in text and "url(http" not in text
    for anchor in ("overview", "map", "tasks", "families", "variants", "candidates", "flow", "fragmentation"):
        assert f'id="{anchor}"' in text


def test_variants_table_matches_library(frame: pd.DataFrame, page: lxml_html.HtmlElement) -> None:
    # the report's call (cells of 3 people): the same table, so the same release noise
    v = tm.variants(frame, top_k=10, level="activity", min_group_size=3)
    chips = [[c.text_content().rstrip("↻") for c in row.xpath('.//span[contains(@class, "tm-chip")]')]
             for row in page.xpath('//table[@id="tm-variants"]//td[@data-col="variant"]')]
    expected = [[t[1:-3] if t.endswith(" ↻") and t.startswith("[") else t for t in s] for s in v["steps"]]
    assert chips == expected
    assert [int(c) for c in _cells(page, "tm-variants", "count")] == v["count"].tolist()
    for col in ("share", "coverage", "duration_median", "duration_p90"):
        got = _cells(page, "tm-variants", col)
        assert all(_close(a, b) for a, b in zip(got, v[col].tolist(), strict=True)), col


def test_candidates_table_matches_library(frame: pd.DataFrame, page: lxml_html.HtmlElement) -> None:
    c = tm.automation_candidates(frame, level="activity")
    assert _cells(page, "tm-candidates", "task") == c["task"].astype(str).tolist()
    for col in ("score", "frequency", "determinism", "structured_input", "rule_likeness", "hours_per_month",
                "cost_per_month", "happy_path_share", "savings_per_month"):
        got = _cells(page, "tm-candidates", col)
        assert all(_close(a, b) for a, b in zip(got, c[col].tolist(), strict=True)), col


def test_fragmentation_matches_library(frame: pd.DataFrame, page: lxml_html.HtmlElement) -> None:
    f = tm.fragmentation(frame)
    for col in ("switches_per_hour", "interruptions", "resumption_time_median"):
        got = _cells(page, "tm-fragmentation", col)
        assert all(_close(a, b) for a, b in zip(got, f[col].tolist(), strict=True)), col


def test_task_cards_match_library(frame: pd.DataFrame, page: lxml_html.HtmlElement) -> None:
    m = tm.task_metrics(frame, level="activity")
    names = [h.text for h in page.xpath('//div[@class="tm-task"]/h3')]
    assert names == m["task"].astype(str).tolist()
    for i, row in enumerate(m.itertuples(index=False)):
        assert int(_cells(page, f"tm-task-{i}", "cases")[0]) == row.cases
        assert _close(_cells(page, f"tm-task-{i}", "handling_time_mean")[0], row.handling_time_mean)


def test_task_flow_map_counts_match_transition_graph(frame: pd.DataFrame, page: lxml_html.HtmlElement) -> None:
    g = release_graph(tm.transition_graph(task_flow(frame), step_id_col=None), task_flow(frame), step_id_col=None)
    edges = page.xpath('//div[@id="tm-flow-map"]//g[@class="tm-edge"]')
    got = {}
    for e in edges:
        got[(e.get("data-from"), e.get("data-to"))] = int(e.get("data-count"))
    assert got and all(g.edges[u, v]["count"] == c for (u, v), c in got.items())
    strongest = sorted(g.edges(data=True), key=lambda e: (-e[2]["count"], str(e[:2])))[:18]
    assert all((u, v) in got for u, v, _ in strongest)  # the rare rest is left out of the layout
    nodes = {n.xpath("./title")[0].text.rsplit(" (", 1)[0]: int(n.get("data-count"))
             for n in page.xpath('//div[@id="tm-flow-map"]//g[@class="tm-node"][@data-kind="activity"]')}
    assert nodes == {n: d["count"] for n, d in g.nodes(data=True) if d["kind"] == "activity"}


def test_activity_map_counts_match_transition_graph(frame: pd.DataFrame, page: lxml_html.HtmlElement) -> None:
    g = release_graph(tm.transition_graph(frame, level="activity"), frame)  # the team release, noise included
    got = {}
    for e in page.xpath('//div[@id="tm-map"]//g[@class="tm-edge"]'):
        got[(e.get("data-from"), e.get("data-to"))] = int(e.get("data-count"))
    assert got and all(g.edges[u, v]["count"] == c for (u, v), c in got.items())
    # the strongest paths are all drawn, and start and end are connected to the map
    strongest = sorted(g.edges(data=True), key=lambda e: -e[2]["count"])[:10]
    assert all((u, v) in got for u, v, _ in strongest)
    assert any(u == "▶ start" for u, _ in got) and any(v == "■ end" for _, v in got)


def test_families_table_matches_library(frame: pd.DataFrame, page: lxml_html.HtmlElement) -> None:
    fam = tm.mining.families.variant_families(frame).head(12)
    assert _cells(page, "tm-families", "family") == fam["family"].tolist()
    assert [int(c) for c in _cells(page, "tm-families", "count")] == fam["count"].tolist()
    got = _cells(page, "tm-families", "duration_median")
    assert all(_close(a, b) for a, b in zip(got, fam["duration_median"].tolist(), strict=True))


def test_no_float_noise_and_no_names_from_the_records(tasks: pd.DataFrame, page: lxml_html.HtmlElement) -> None:
    text = page.text_content()
    assert not re.search(r"\de-\d\d", text), "a number in scientific notation"
    # every person's name the simulator put into element names and window titles stays out of the report
    seen = " ".join(v for c in ("element_name", "window") for v in tasks[c].dropna().astype(str).unique())
    people = {f"{f} {last}" for f in routines._FIRST for last in routines._LAST if f"{f} {last}" in seen}
    assert people, "the simulated records hold people's names"
    assert sorted(p for p in people if p in text) == []
    assert [w for w in routines._LAST if re.search(rf"\b{w}\b", text)] == []


def test_task_names_are_not_glued_step_labels(page: lxml_html.HtmlElement) -> None:
    names = [h.text for h in page.xpath('//div[@class="tm-task"]/h3')]
    assert names and all("…" not in n and " in " not in n for n in names)


def test_overview_counts(tasks: pd.DataFrame, page: lxml_html.HtmlElement) -> None:
    cards = {c.xpath("./span")[0].text: c.xpath("./b")[0].text for c in page.xpath('//div[@class="tm-card"]')}
    assert cards["events"] == f"{len(tasks):,}"
    assert cards["task instances"] == f"{tasks['case_id'].nunique():,}"
    assert cards["task types"] == f"{tasks['task'].nunique():,}"


def test_task_flow_orders_instances_per_session() -> None:
    t = pd.DataFrame({"session": ["s", "s", "s", "s"], "case_id": ["2", "1", "1", "2"],
                      "task": ["B", "A", "A", "B"],
                      "timestamp": pd.to_datetime(["2026-01-05 09:03", "2026-01-05 09:00",
                                                   "2026-01-05 09:01", "2026-01-05 09:04"], utc=True)})
    flow = task_flow(t)
    assert flow["step"].tolist() == ["A", "B"]
    assert str(flow["timestamp"].dt.tz) == "UTC"


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz not installed")
def test_graphviz_map_keeps_counts(tasks: pd.DataFrame, tmp_path: Path) -> None:
    doc = lxml_html.fromstring(tm.report(tasks, tmp_path / "r.html", engine="dot").read_bytes())
    edges = doc.xpath('//div[@id="tm-map"]//g[contains(@class, "tm-edge")]')
    g = release_graph(tm.transition_graph(report_frame(tasks), level="activity"), report_frame(tasks))
    assert edges and all(int(e.get("data-count")) == g.edges[e.get("data-from"), e.get("data-to")]["count"]
                         for e in edges)
    svg = doc.xpath('//div[@id="tm-map"]//svg')[0]
    assert int(svg.get("data-width")) > 0  # natural size, for the zoom buttons


def test_bad_input(tmp_path: Path, tasks: pd.DataFrame) -> None:
    with pytest.raises(MiningError, match="case_id"):
        tm.report(tasks.drop(columns=["case_id"]), tmp_path / "x.html")
    with pytest.raises(MiningError, match="at least one event"):
        tm.report(tasks.assign(case_id=np.nan), tmp_path / "x.html")
    with pytest.raises(ParameterError, match="compare_by"):
        tm.report(tasks, tmp_path / "x.html", compare_by="nope")
    with pytest.raises(ParameterError):
        tm.report([1, 2], tmp_path / "x.html")  # type: ignore[arg-type]


def test_report_does_not_mutate_input(tasks: pd.DataFrame, tmp_path: Path) -> None:
    before = tasks.copy(deep=True)
    tm.report(tasks, tmp_path / "r.html", engine="python")
    pd.testing.assert_frame_equal(tasks, before)


def test_a_log_without_ui_structure_is_reported_at_step_level(tmp_path: Path) -> None:
    t = pd.DataFrame({"case_id": ["a", "a", "b", "b"] * 3, "step": ["x", "y", "x", "z"] * 3,
                      "user": ["u1", "u1", "u2", "u2"] * 3,
                      "timestamp": pd.date_range("2026-01-05", periods=12, freq="min", tz="UTC")})
    doc = lxml_html.fromstring(tm.report(t, tmp_path / "r.html", min_group_size=1).read_bytes())
    assert "no UI structure" in doc.text_content()
    v = tm.variants(t, top_k=10)
    assert [int(c) for c in _cells(doc, "tm-variants", "count")] == v["count"].tolist()
    with pytest.raises(MiningError, match="UI structure"):
        tm.variants(t, level="activity")


def test_opted_out_report_of_a_log_without_user_ids_is_shown(tasks: pd.DataFrame, tmp_path: Path) -> None:
    # window trackers and browser loggers often record no user: with the threshold opted out, nothing is withheld
    anonymous = tasks.assign(user=pd.Series(pd.NA, index=tasks.index, dtype="string"))
    doc = lxml_html.fromstring(tm.report(anonymous, tmp_path / "r.html", min_group_size=1, engine="python").read_bytes())
    assert not doc.xpath('//section[@id="withheld"]') and doc.xpath('//*[@id="tm-map"]')
    withheld = lxml_html.fromstring(tm.report(anonymous, tmp_path / "w.html", engine="python").read_bytes())
    assert withheld.xpath('//section[@id="withheld"]')  # with the default threshold it still is
