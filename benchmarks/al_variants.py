"""Harder variants of the Action-Logger-style logs, composed from ``simulate_actionlogger``.

Real recordings often know a web element only by its tag: the form's
fields carry no ``name``, no label text and no id that survives a reload.
:func:`unnamed_web` blanks those attributes on every browser record of a
simulated log (the ``target.type`` stays: a submit button is still a
submit button), so that every paste is ``Paste in Chrome`` and the copy/paste
loop of an instance repeats one pair of classes.

Examples
--------
>>> from taskmining.datasets.actionlogger import simulate_actionlogger
>>> log = unnamed_web(simulate_actionlogger(["copy_paste"], n_instances=2, seed=1))
>>> bool(log.loc[log["targetApp"] == "Chrome", "target.name"].isna().all())
True
"""

from __future__ import annotations

import pandas as pd

__all__ = ["UNNAMED_COLUMNS", "unnamed_web"]

#: the element attributes an unnamed web element lacks
UNNAMED_COLUMNS = ("target.name", "target.innerText", "target.title", "target.id", "target.className",
                   "target.innerHTML")


def unnamed_web(log: pd.DataFrame, *, keep_type: bool = True) -> pd.DataFrame:
    """A copy of ``log`` with the element attributes of its browser records blanked.

    ``keep_type=False`` blanks ``target.type`` too: a submit button is then
    just a button.
    """
    out = log.copy()
    web = out["targetApp"].astype(str).str.lower().isin(["chrome", "firefox", "edge", "browser"])
    for col in UNNAMED_COLUMNS + (() if keep_type else ("target.type",)):
        if col in out.columns:
            out.loc[web, col] = None
    return out
