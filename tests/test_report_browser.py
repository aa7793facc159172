"""The report in a real headless Chromium: no console errors, no network, working controls."""

from __future__ import annotations

import importlib.util
import shutil
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from syspart import require

import taskmining as tm
from taskmining.reporting.frame import report_frame

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-quic"]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    require(importlib.util.find_spec("playwright") is not None, "the playwright Python package is not installed")
    require(CHROMIUM is not None, "Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        # launch() uses a fresh temporary profile (user data dir) every time
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture(scope="module")
def report_file(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pd.DataFrame]:
    events = tm.simulate(n_users=6, n_days=1, seed=5)
    tasks = events.assign(case_id=events["true_case"], task=events["true_task"], step=events["true_step"])
    return tm.report(tasks, tmp_path_factory.mktemp("browser") / "report.html"), report_frame(tasks)


def _open(browser: object, path: Path) -> tuple[object, list[str], list[str]]:
    page = browser.new_page(viewport={"width": 1366, "height": 900})  # type: ignore[attr-defined]
    requests: list[str] = []
    problems: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: problems.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
    page.goto(path.resolve().as_uri())
    page.wait_for_load_state("load")
    return page, requests, problems


def test_no_console_errors_and_no_network(browser: object, report_file: tuple[Path, pd.DataFrame]) -> None:
    path, _ = report_file
    page, requests, problems = _open(browser, path)
    assert problems == []
    assert requests == [path.resolve().as_uri()], f"network requests besides the file itself: {requests}"
    page.close()


def test_sections_present_and_match_data(browser: object, report_file: tuple[Path, pd.DataFrame],
                                         tmp_path: Path) -> None:
    path, tasks = report_file
    page, _, _ = _open(browser, path)
    assert page.locator("#tm-map svg").count() == 1
    assert page.locator("#tm-map .tm-edge").count() > 0
    rows = page.locator("#tm-variants tbody tr")
    # the report's call (cells of 3 people; tasks is the report frame): the same table, the same noise
    expected = tm.variants(tasks, top_k=10, level="activity", min_group_size=3)
    assert rows.count() == len(expected)
    first_count = page.locator('#tm-variants tbody tr:first-child td[data-col="count"]').inner_text()
    assert first_count.replace(",", "") == str(expected["count"].iloc[0])
    cand = tm.automation_candidates(tasks, level="activity")
    shown = page.locator('#tm-candidates td[data-col="task"]').all_inner_texts()
    assert shown == cand["task"].astype(str).tolist()
    assert page.locator("#tm-map svg").is_visible()
    shot = tmp_path / "report.png"
    page.screenshot(path=str(shot), full_page=False)
    assert shot.stat().st_size > 10_000
    page.close()


def test_frequency_control_changes_the_map(browser: object, report_file: tuple[Path, pd.DataFrame]) -> None:
    path, _ = report_file
    page, _, _ = _open(browser, path)
    visible = "els => els.filter(e => getComputedStyle(e).display !== 'none').length"
    slider = page.locator("#tm-map-freq")
    slider.fill("1")
    slider.dispatch_event("input")
    all_edges = page.locator("#tm-map .tm-edge").evaluate_all(visible)
    top = int(slider.get_attribute("max"))
    slider.fill(str(top))
    slider.dispatch_event("input")
    few_edges = page.locator("#tm-map .tm-edge").evaluate_all(visible)
    assert 0 < few_edges < all_edges
    assert f"at least {top}" in page.locator("#tm-map-out").inner_text()
    page.close()


def _ink_height(png: bytes) -> int:
    """Rows of a label's screenshot that hold dark (text) pixels: the height of its glyphs in pixels."""
    import io

    import numpy as np
    from PIL import Image

    gray = np.asarray(Image.open(io.BytesIO(png)).convert("L"), dtype=np.int32)
    rows = np.flatnonzero((gray < 110).any(axis=1))
    return int(rows[-1] - rows[0] + 1) if len(rows) else 0


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz not installed")
def test_map_labels_are_readable_at_the_default_zoom(browser: object, report_file: tuple[Path, pd.DataFrame],
                                                     tmp_path: Path) -> None:
    require(importlib.util.find_spec("PIL") is not None, "Pillow is not installed")
    path, _ = report_file
    page, _, problems = _open(browser, path)
    page.locator("#tm-map").scroll_into_view_if_needed()
    boxes = page.locator("#tm-map g.tm-node[data-kind=activity] text").evaluate_all(
        "els => els.map(e => { const r = e.getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; })")
    assert len(boxes) >= 5
    assert min(h for _, _, _, h in boxes) >= 11, "a map label is less than 11 px high"
    # and in pixels on the screen: the glyphs of the first labels in view, measured in a screenshot
    view = page.viewport_size
    measured = []
    for x, y, w, h in boxes:
        if 0 <= x and x + w <= view["width"] and 0 <= y and y + h <= view["height"] and w > 40:
            shot = page.screenshot(clip={"x": x, "y": y - 2, "width": w, "height": h + 4})
            measured.append(_ink_height(shot))
        if len(measured) == 5:
            break
    print("label boxes (px):", sorted({round(b[3], 1) for b in boxes})[:3], "glyphs (px):", measured)
    assert measured and min(measured) >= 11, f"label glyphs {measured} px high"
    page.locator("#tm-map").screenshot(path=str(tmp_path / "map.png"))
    # the zoom buttons change the drawn size, the map starts at start and ends at end
    width = page.locator("#tm-map svg").evaluate("s => s.getBoundingClientRect().width")
    page.locator('.tm-zoom[data-target="tm-map"] button[data-zoom="in"]').click()
    assert page.locator("#tm-map svg").evaluate("s => s.getBoundingClientRect().width") > width * 1.2
    assert page.locator("#tm-map g.tm-edge[data-from='▶ start']").count() > 0
    assert page.locator("#tm-map g.tm-edge[data-to='■ end']").count() > 0
    assert problems == []
    page.close()
