"""Shared fixtures; the skip-or-fail rule for system parts lives in syspart.py.

Property tests (hypothesis) explore new random inputs on every local run.
In CI (``TASKMINING_REQUIRE_SYSTEM=1`` or ``CI`` set) they are derandomized,
so a run can be repeated exactly; counterexamples found locally are pinned
with ``@example``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings
from syspart import SHARED_DATA, require

settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("TASKMINING_REQUIRE_SYSTEM") == "1" or os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture
def shared_data() -> Path:
    """The development UI logs folder (../shared/data)."""
    require(SHARED_DATA.is_dir(), f"development data not found at {SHARED_DATA}")
    return SHARED_DATA
