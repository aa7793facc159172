"""The flat public API: every advertised name resolves; the core does not import optional extras."""

from __future__ import annotations

import subprocess
import sys

import taskmining as tm


def test_every_public_name_resolves() -> None:
    missing = [n for n in tm.__all__ if getattr(tm, n, None) is None]
    assert missing == []
    assert callable(tm.segment) and callable(tm.report)  # callable packages


def test_core_import_pulls_no_optional_dependency() -> None:
    code = ("import sys, taskmining as tm; tm.read_events; tm.build_steps; tm.variants; tm.to_pm4py; "
            "bad = [m for m in ('pm4py', 'matplotlib', 'lxml', 'dask', 'Xlib', 'gi', 'cryptography', 'playwright') "
            "if m in sys.modules]; print(bad)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"
