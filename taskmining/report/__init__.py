"""The HTML report: ``taskmining.report(tasks, path)``.

The package is callable, so ``taskmining.report(tasks, "report.html")``
writes the report while ``taskmining.report.svg_map`` and friends stay
importable as modules. See :func:`taskmining.report.build.report`.

Examples
--------
>>> import tempfile, pathlib, taskmining as tm
>>> events = tm.simulate(n_users=5, n_days=1, seed=2, hours=1)
>>> tasks = events.assign(case_id=events["true_case"], task=events["true_task"], step=events["true_step"])
>>> path = tm.report(tasks, pathlib.Path(tempfile.mkdtemp()) / "report.html", engine="python")
>>> path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
True
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
