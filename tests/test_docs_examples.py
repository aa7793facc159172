"""The ``>>>`` examples in docs/ and the README run and print what they show."""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted(p for p in [*ROOT.glob("docs/*.md"), ROOT / "README.md"] if ">>> " in p.read_text(encoding="utf-8"))


def test_some_pages_have_examples() -> None:
    assert {p.name for p in PAGES} >= {"schema.md", "privacy.md"}


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_page_examples(page: Path) -> None:
    result = doctest.testfile(str(page), module_relative=False, verbose=False,
                              optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0, f"{page.name}: {result.failed} of {result.attempted} examples failed"
