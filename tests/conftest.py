"""Shared fixtures; the skip-or-fail rule for system parts lives in syspart.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from syspart import SHARED_DATA, require


@pytest.fixture
def shared_data() -> Path:
    """The development UI logs folder (../shared/data)."""
    require(SHARED_DATA.is_dir(), f"development data not found at {SHARED_DATA}")
    return SHARED_DATA
