"""The skip-or-fail rule for tests that need a system part.

Tests that need a system part (Xvfb, AT-SPI, Tesseract, Chromium, pm4py)
call :func:`require`. Where the part is missing they skip with the reason,
except when ``TASKMINING_REQUIRE_SYSTEM=1`` (CI sets it): then they fail.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REQUIRE_SYSTEM = os.environ.get("TASKMINING_REQUIRE_SYSTEM", "") not in ("", "0", "false", "no")
REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("TASKMINING_SHARED_DATA", REPO.parent / "shared" / "data"))


def require(available: bool, reason: str) -> None:
    """Skip (or fail under TASKMINING_REQUIRE_SYSTEM=1) unless ``available``."""
    if available:
        return
    if REQUIRE_SYSTEM:
        pytest.fail(f"required system part missing (TASKMINING_REQUIRE_SYSTEM=1): {reason}")
    pytest.skip(reason)


def require_pm4py():  # type: ignore[no-untyped-def]
    """Import and return pm4py, or skip (fail in CI) when it is not installed."""
    try:
        import pm4py
    except ImportError:
        pm4py = None
    require(pm4py is not None, "pm4py is not installed (pip install taskmining[pm4py])")
    return pm4py
