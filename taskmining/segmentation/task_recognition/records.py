"""Record cuts: the next spreadsheet row is the next task instance.

A routine that copies a record from a spreadsheet into a form reads the
cells of one row (``Sheet1!A7``, ``Sheet1!B7`` ...); the first cell of a row
not seen before begins the next record. Where the boundaries found so far
put no cut between the last step of the previous row and the first step of
a new row, :func:`record_cuts` adds one before the new row's first step
(the steps in between, the paste of the previous row's last cell, stay
with it). A row seen before is a return to a suspended record, left to the
interleaving step (:mod:`.interleave`).

Examples
--------
>>> import numpy as np
>>> rows = np.array([0, 0, -1, 1, 1, -1, 0, 2])
>>> first = np.array([1, 0, 0, 0, 0, 0, 0, 0], bool)
>>> record_cuts(rows, first, first.copy()).astype(int).tolist()
[1, 0, 0, 1, 0, 0, 0, 1]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from taskmining.schema import ELEMENT_ID, SESSION
from taskmining.segmentation.task_recognition.classes import row_keys

__all__ = ["record_cuts", "row_codes"]


def row_codes(steps: pd.DataFrame) -> np.ndarray:
    """Integer code per step of the spreadsheet row its cell belongs to, per session (-1: no cell).

    Examples
    --------
    >>> import pandas as pd
    >>> row_codes(pd.DataFrame({"session": "s", "element_id": ["Sheet1!A2", None, "Sheet1!C2", "Sheet1!A3"]})).tolist()
    [0, -1, 0, 1]
    """
    n = len(steps)
    if ELEMENT_ID not in steps.columns or n == 0:
        return np.full(n, -1, dtype=np.int64)
    key = row_keys(steps[ELEMENT_ID])
    keyed = key.notna().to_numpy()
    out = np.full(n, -1, dtype=np.int64)
    if keyed.any():
        sess = steps[SESSION].astype(str).to_numpy(dtype=object) if SESSION in steps.columns else np.full(n, "")
        pair = pd.Series(sess[keyed], dtype=object) + "\x1f" + pd.Series(key.to_numpy(dtype=object)[keyed])
        out[keyed] = pd.factorize(pair)[0]
    return out


def record_cuts(rows: np.ndarray, first: np.ndarray, cuts: np.ndarray) -> np.ndarray:
    """``cuts`` plus a cut before the first step of each new row that no cut separates from the row before.

    Parameters
    ----------
    rows : numpy.ndarray
        Row code per step (:func:`row_codes`), -1 for steps without a cell.
    first : numpy.ndarray of bool
        Session starts.
    cuts : numpy.ndarray of bool
        The cuts found so far (segment starts).
    """
    out = cuts.copy()
    keyed = np.flatnonzero(rows >= 0)
    if len(keyed) < 2:
        return out
    r = rows[keyed]
    new = np.zeros(len(keyed), dtype=bool)
    new[np.unique(r, return_index=True)[1]] = True
    sess = np.cumsum(first)
    i, j = keyed[1:], keyed[:-1]
    cand = new[1:] & (r[1:] != r[:-1]) & (sess[i] == sess[j])
    seen = np.cumsum(cuts)
    ok = cand & (seen[i] - seen[j] == 0)
    out[i[ok]] = True
    return out
