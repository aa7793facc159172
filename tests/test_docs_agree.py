"""Numbers the docs state about the code are the code's numbers."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import taskmining as tm

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_segmentation_type_threshold_is_the_default() -> None:
    text = (DOCS / "segmentation.md").read_text(encoding="utf-8")
    stated = [float(x) for x in re.findall(r"cut at ([0-9.]+) \(`type_threshold`\)", text)]
    cls = type(tm.segmenter("task_recognition"))
    default = inspect.signature(cls.__init__).parameters["type_threshold"].default
    assert stated == [default]


def test_segmentation_examples_read_only_shipped_files() -> None:
    text = (DOCS / "segmentation.md").read_text(encoding="utf-8")
    for line in text.splitlines():
        if line.startswith(">>> ") and "read_events(" in line:
            assert "sample_recording_path()" in line, line
