"""Echo folding: steps that only repeat a neighbour join it before segmentation.

Real recorders write the same action more than once: the same click twice at
the same millisecond (``smartrpa-windows-banking.csv``), a ``getCell``
selecting the cell a ``copyCell`` copies a moment later, an ``editField``
committing what a ``paste`` just put into the field
(``smartrpa-rpachallenge.csv``). Such steps carry no information about
where a task ends, and they make instances of one routine look different.
:func:`echo_targets` finds them on the steps table; segmenters fold them
(they are left out of learning and take the case of the step they echo), so
every row still gets a case.

Rules, within a session and 2 seconds:

* **duplicate**: the same label at the same time as the step before;
* **select before copy**: a ``select``/``focus`` on the element the next
  step copies or cuts;
* **commit after paste**: an ``edit``/``type`` into the element the step
  before pasted into.

Examples
--------
>>> import pandas as pd
>>> t = pd.to_datetime(["2026-01-05 09:00:00", "2026-01-05 09:00:00", "2026-01-05 09:00:01",
...                     "2026-01-05 09:00:02", "2026-01-05 09:00:05", "2026-01-05 09:00:06"], utc=True)
>>> steps = pd.DataFrame({"session": "s", "start": t,
...     "step": ["Click 'New'", "Click 'New'", "Select 'A'", "Copy 'A'", "Paste into 'Name'", "Edit 'Name'"],
...     "action": ["click", "click", "select", "copy", "paste", "edit"],
...     "element_name": ["New", "New", "A", "A", "Name", "Name"]})
>>> echo_targets(steps).tolist()
[-1, 0, 3, -1, -1, 4]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from taskmining.schema import ACTION, APP, ELEMENT_ID, ELEMENT_NAME, SESSION, STEP

__all__ = ["ECHO_SECONDS", "echo_targets", "fold_targets"]

#: Largest pause between a step and its echo.
ECHO_SECONDS = 2.0


def _codes(steps: pd.DataFrame, col: str) -> np.ndarray:
    if col not in steps.columns:
        return np.full(len(steps), -1, dtype=np.int64)
    return np.asarray(pd.factorize(steps[col], use_na_sentinel=True)[0], dtype=np.int64)


def echo_targets(steps: pd.DataFrame) -> np.ndarray:
    """Per step of a sorted steps table: the position of the step it echoes, or -1.

    Parameters
    ----------
    steps : pandas.DataFrame
        Sorted by (``session``, ``start``); ``session``, ``start``, ``step``
        and, when present, ``action``, ``app``, ``element_name``,
        ``element_id``.

    Returns
    -------
    numpy.ndarray
        int64 positions (the previous or the next step) or -1.
    """
    n = len(steps)
    target = np.full(n, -1, dtype=np.int64)
    if n < 2:
        return target
    sess = _codes(steps, SESSION)
    ts = steps["start"].to_numpy(dtype="datetime64[ns]").view(np.int64)
    label = _codes(steps, STEP)
    def verb(*names: str) -> np.ndarray:
        if ACTION not in steps.columns:
            return np.zeros(n, dtype=bool)
        return np.asarray(steps[ACTION].isin(names).to_numpy(), dtype=bool)

    name_code, id_code = _codes(steps, ELEMENT_NAME), _codes(steps, ELEMENT_ID)
    element = (name_code * (int(id_code.max(initial=0)) + 2) + id_code) * (int(_codes(steps, APP).max(initial=0)) + 2) \
        + _codes(steps, APP)
    named = (name_code >= 0) | (id_code >= 0)
    same = (sess[1:] == sess[:-1]) & (ts[1:] - ts[:-1] <= int(ECHO_SECONDS * 1e9))
    same_el = same & (element[1:] == element[:-1]) & named[1:]
    dup = same & (ts[1:] == ts[:-1]) & (label[1:] == label[:-1])
    selects, copies, pastes, commits = verb("select", "focus"), verb("copy", "cut"), verb("paste"), verb("edit", "type")
    select_copy = same_el & selects[:-1] & copies[1:]
    commit = same_el & pastes[:-1] & commits[1:]
    idx = np.arange(n - 1)
    target[1:][dup | commit] = idx[dup | commit]
    back = select_copy & (target[:-1] < 0)
    target[:-1][back] = idx[back] + 1
    return target


def fold_targets(target: np.ndarray) -> np.ndarray:
    """The non-echo step each step finally joins (chains of echoes followed to their end).

    Examples
    --------
    >>> import numpy as np
    >>> fold_targets(np.array([-1, 0, 1, -1])).tolist()
    [0, 0, 0, 3]
    """
    root = np.where(target >= 0, target, np.arange(len(target)))
    for _ in range(64):  # chains are short (a duplicate of an echo ...)
        nxt = root[root]
        if np.array_equal(nxt, root):
            break
        root = nxt
    return root
