"""tm.plot.variants draws one bar per variant with its own count, however alike the labels start."""

from __future__ import annotations

import importlib.util

import numpy as np
import pandas as pd
import pytest
from syspart import require

import taskmining as tm


@pytest.fixture(autouse=True)
def _agg() -> None:
    require(importlib.util.find_spec("matplotlib") is not None, "matplotlib is not installed (taskmining[report])")
    import matplotlib

    matplotlib.use("Agg")


def _bars(ax) -> tuple[list[float], list[str]]:  # type: ignore[no-untyped-def]
    widths = [p.get_width() for p in ax.patches]
    return widths, [t.get_text() for t in ax.get_yticklabels()]


def test_variants_with_a_long_common_start_get_a_bar_each() -> None:
    prefix = " → ".join(["Click 'Open invoice' in Outlook", "Type in Excel", "Switch to SAP"])  # 70 characters
    frame = pd.DataFrame({"variant": [f"{prefix} → Save {i}" for i in range(10)],
                          "count": np.arange(20, 10, -1)})
    ax = tm.plot.variants(frame)
    widths, labels = _bars(ax)
    assert len(widths) == 10 and ax.get_title() == "Top 10 variants"
    assert widths[::-1] == frame["count"].tolist()  # the most frequent at the top, each with its own count
    assert len(set(labels)) == 10 and all(lab.endswith(f"Save {9 - i}") for i, lab in enumerate(labels))


def test_variants_of_a_simulated_log() -> None:
    tasks = tm.segment(tm.simulate(n_users=3, n_days=1, seed=5, hours=2.0))
    top = tm.variants(tasks, top_k=10)
    ax = tm.plot.variants(top)
    widths, labels = _bars(ax)
    assert len(widths) == len(top) == len(set(labels))
    assert widths[::-1] == top["count"].tolist()
