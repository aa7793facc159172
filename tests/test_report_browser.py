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
    return tm.report(tasks, tmp_path_factory.mktemp("browser") / "report.html"), tasks


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
    expected = tm.variants(tasks, top_k=10)
    assert rows.count() == len(expected)
    first_count = page.locator('#tm-variants tbody tr:first-child td[data-col="count"]').inner_text()
    assert first_count.replace(",", "") == str(expected["count"].iloc[0])
    cand = tm.automation_candidates(tasks)
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
