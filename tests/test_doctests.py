"""Every docstring example in the package runs and gives the output it shows."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import taskmining

MODULES = sorted(m.name for m in pkgutil.walk_packages(taskmining.__path__, prefix="taskmining.")
                 if not m.name.endswith("__main__"))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False,
                             report=True)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"


def test_public_functions_have_examples() -> None:
    missing = []
    for name in taskmining.__all__:
        obj = getattr(taskmining, name)
        if callable(obj) and not isinstance(obj, type) and (obj.__doc__ or "").find(">>>") < 0:
            missing.append(name)
    assert missing == [], f"public functions without a runnable example: {missing}"
