"""The HTML report and the notebook plots.

The verb is :func:`taskmining.report` (:func:`taskmining.reporting.build.report`);
:mod:`~taskmining.reporting.plot` (``taskmining.plot``) draws the same charts with
matplotlib in notebooks. Graph layout and SVG maps are in :mod:`taskmining.draw`.

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

from typing import TYPE_CHECKING

from taskmining._lazy import attach

if TYPE_CHECKING:
    from taskmining.reporting.build import report as report

__getattr__, __dir__, __all__ = attach(__name__, __file__)
