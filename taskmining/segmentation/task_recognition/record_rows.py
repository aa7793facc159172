"""One spreadsheet row, one task instance: repair cuts by the rows the copied cells come from.

A user who copies a record field by field from a sheet into a form touches
the cells of one row per instance (``Sheet1!B7``, ``Sheet1!C7``, ...). When
an instance begins with a field out of the usual order its start class is
missing and no cut is made: its cells (row 8) are glued to the instance
before (row 7). Unlike a business key in a window title, which an instance
may show several of (a customer and an invoice), a row is the record
itself, so the rows decide with
:func:`~taskmining.segmentation.task_recognition.interleave.reassign_interleaved`
and ``forward=True``: cells of a row that a later instance owns go to it,
and a row no instance owns makes an instance of its own. The pastes follow
their copies afterwards (:mod:`.dataflow`). This holds only where rows are
records: when fewer than :data:`RECORD_SHARE` of the instances that touch
cells touch one row before the move (a routine that reads a table, as in
the simulated teams: 0.47 to 0.60; the interleaved Action-Logger-style
copy/paste streams: 0.89 to 0.98), nothing is moved. (Joining an instance to an earlier one that began with
the same row, a record suspended after its first cell, was tried: it helps
on some simulated streams and hurts on others, so it is not done.)

Examples
--------
>>> import numpy as np, pandas as pd
>>> ids = [f"Sheet1!{c}{r}" for r in range(1, 10) for c in "AB"]          # nine records, one instance each
>>> ids += ["Sheet1!A20", "Sheet1!A21", "Sheet1!B21", "Sheet1!C21", "Sheet1!B20"]  # row 21 inside row 20's
>>> seg = np.repeat(np.arange(10), [2] * 9 + [5])
>>> split_by_rows(pd.DataFrame({"session": "s", "element_id": ids}), seg)[-5:].tolist()
[9, 10, 10, 10, 9]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from taskmining.schema import ELEMENT_ID, SESSION
from taskmining.segmentation.task_recognition.classes import row_keys
from taskmining.segmentation.task_recognition.interleave import reassign_interleaved

__all__ = ["RECORD_SHARE", "one_row_share", "split_by_rows"]

#: rows are records when at least this share of the instances that touch cells touch one row
RECORD_SHARE = 0.8


def one_row_share(seg: np.ndarray, keys: np.ndarray) -> float:
    """Share of the instances with a keyed step whose keyed steps all show one key (1.0 when none has one).

    Examples
    --------
    >>> import numpy as np
    >>> one_row_share(np.array([0, 0, 1, 1, 2]), np.array([5, 5, 6, 7, -1]))
    0.5
    """
    keyed = keys >= 0
    if not keyed.any():
        return 1.0
    pairs = np.unique(np.stack([seg[keyed], keys[keyed]]), axis=1)
    per_instance = np.bincount(pairs[0])
    per_instance = per_instance[per_instance > 0]
    return float((per_instance == 1).mean())


def split_by_rows(steps: pd.DataFrame, seg: np.ndarray) -> np.ndarray:
    """Instance per step after the cells of each spreadsheet row joined one instance.

    Parameters
    ----------
    steps : pandas.DataFrame
        Steps in time order; ``element_id`` holds cell references.
    seg : numpy.ndarray of int
        Instance per step (``-1``: none), dense in order of first step.

    Returns
    -------
    numpy.ndarray of int64
        Instance ids, dense in order of first step.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> split_by_rows(pd.DataFrame({"session": ["s"]}), np.array([0])).tolist()
    [0]
    """
    seg = np.asarray(seg, dtype=np.int64)
    valid = seg >= 0
    if ELEMENT_ID not in steps.columns or not valid.any():
        return seg
    rows = row_keys(steps[ELEMENT_ID].reset_index(drop=True))
    if rows.isna().all():
        return seg
    session = steps[SESSION].astype(str).to_numpy() if SESSION in steps.columns else np.zeros(len(steps), dtype=object)
    code, _ = pd.factorize(pd.Series(session, dtype=object) + "\x1f" + rows.astype(object).fillna(""))
    keys = np.where(rows.notna().to_numpy(), code, -1).astype(np.int64)
    if one_row_share(seg[valid], keys[valid]) < RECORD_SHARE:
        return seg  # the instances read several rows: a row is no record here
    moved = reassign_interleaved(seg[valid], keys[valid], forward=True)
    out = seg.copy()
    out[valid], _ = pd.factorize(moved)
    return out
