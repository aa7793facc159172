"""The HTML report: ``taskmining.report(tasks, path)``.

The package is callable, so ``taskmining.report(tasks, "report.html")``
writes the report while ``taskmining.report.svg_map`` and friends stay
importable as modules. See :func:`taskmining.report.build.report`.
"""

from __future__ import annotations

import sys
import types
from typing import Any

from taskmining.report.build import report

__all__ = ["report"]


class _CallableModule(types.ModuleType):
    """Module type whose call runs :func:`report`."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return report(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
