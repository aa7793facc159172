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


def test_segmentation_examples_read_only_files_that_exist() -> None:
    # a literal file name in an example must be a file of the project (the Leno log once was not)
    root = DOCS.parent
    text = (DOCS / "segmentation.md").read_text(encoding="utf-8")
    named = re.findall(r"""^>>> .*read_events\(\s*["']([^"']+)["']""", text, flags=re.M)
    assert [n for n in named if not (root / n).exists()] == []
    assert "sample_recording_path()" in text
