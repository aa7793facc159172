"""Event classes and instance context for task recognition.

An **event class** is what a step *is*, independent of the instance it belongs
to: its label (``Click 'Submit' in Chrome``), never its value. The
**context key** of a step is what it works *on*: a business key (invoice,
customer, order number ...) visible in the window title or URL. Steps of two
interleaved task instances share classes but not keys, which is how the
recogniser separates them.

Examples
--------
>>> import pandas as pd
>>> steps = pd.DataFrame({"session": ["s"] * 3, "step": ["Open", "Save", "Open"],
...                       "window": ["INV-2026-0042 - Outlook", None, "Inbox - Outlook"]})
>>> codes, labels = event_classes(steps)
>>> codes.tolist(), list(labels)
([0, 1, 0], ['Open', 'Save'])
>>> context_keys(steps).tolist()
[0, -1, -1]
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from taskmining.schema import ELEMENT_ID, ELEMENT_NAME, SESSION, STEP, URL, WINDOW
from taskmining.segmentation._common import DIGITS, UNLABELLED, class_labels

__all__ = ["UNLABELLED", "class_labels", "coarse_classes", "context_keys", "event_classes", "row_keys", "session_codes"]

def coarse_classes(labels: pd.Index) -> np.ndarray:
    """A coarser class per class label: the quoted element name left out.

    Examples
    --------
    >>> import pandas as pd
    >>> coarse_classes(pd.Index(["Click 'Invoice 1 from A' in Outlook", "Click 'Invoice 2 from B' in Outlook",
    ...                          "Save in Excel"])).tolist()
    [0, 0, 1]
    """
    stripped = pd.Series(labels, dtype=object).astype(str).str.replace(r"'[^']*'", "'…'", regex=True)
    codes, _ = pd.factorize(stripped)
    return np.asarray(codes, dtype=np.int64)


def event_classes(steps: pd.DataFrame) -> tuple[np.ndarray, pd.Index]:
    """Integer event class per step (codes of :func:`class_labels`) and the class labels.

    Examples
    --------
    >>> import pandas as pd
    >>> event_classes(pd.DataFrame({"step": ["a", None, "a"]}))[0].tolist()
    [0, 1, 0]
    """
    codes, uniques = pd.factorize(class_labels(steps[STEP]))
    return np.asarray(codes, dtype=np.int64), pd.Index(uniques, dtype=object)


def session_codes(steps: pd.DataFrame) -> np.ndarray:
    """Integer code per session, in order of appearance.

    Examples
    --------
    >>> import pandas as pd
    >>> session_codes(pd.DataFrame({"session": ["b", "b", "a"]})).tolist()
    [0, 0, 1]
    """
    codes, _ = pd.factorize(steps[SESSION])
    return np.asarray(codes, dtype=np.int64)


def _key_of(text: str) -> str | None:
    runs = DIGITS.findall(text)
    if not runs:
        return None
    return max(reversed(runs), key=len)


def _key_tokens(values: pd.Series) -> pd.Series:
    """Business key of each string: its longest run of at least three digits (missing when none).

    ``INV-12173 - Message - Outlook`` and ``invoice-12173.pdf - Acrobat`` share
    the key ``12173``. Distinct strings are parsed once.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    keys = np.array([_key_of(str(u)) for u in uniques] + [None], dtype=object)
    return pd.Series(keys[np.asarray(codes)], index=values.index, dtype=object)


_CELL_ROW = re.compile(r"^(?P<sheet>.+)!\$?[A-Za-z]{1,3}\$?(?P<row>\d+)$")


def row_keys(values: pd.Series) -> pd.Series:
    """The spreadsheet record of a cell reference (``Sheet1!B7`` -> ``Sheet1 row 7``; missing otherwise)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    matches = [_CELL_ROW.match(str(u)) for u in uniques]
    keys = np.array([f"{m.group('sheet')} row {m.group('row')}" if m else None for m in matches] + [None],
                    dtype=object)
    return pd.Series(keys[np.asarray(codes)], index=values.index, dtype=object)


def context_keys(steps: pd.DataFrame) -> np.ndarray:
    """Integer context key per step (-1 when the step shows none).

    The key is the longest run of at least three digits in the window title,
    else in the URL, else in the element name (``INV-12173`` and
    ``invoice-12173.pdf`` share ``12173``; clicking the mail ``Address change
    customer 84003`` shows ``84003`` before any window does); steps without
    one that touch a spreadsheet cell (``element_id`` ``Sheet1!B7``) have the
    cell's row as key (``Sheet1 row 7``: the record copied into a form). Keys are coded per session (the same number in two
    sessions gives two keys). Keys seen on more than half of a session's keyed
    steps (of at least 20) are dropped: they identify the session's common document, not one
    task instance.

    Examples
    --------
    >>> import pandas as pd
    >>> steps = pd.DataFrame({"session": ["s", "s", "s"],
    ...     "window": ["Customer 10432 - CRM", "Customer 20001 - CRM", "Customer 10432 - CRM"]})
    >>> context_keys(steps).tolist()
    [0, 1, 0]
    """
    n = len(steps)
    key = pd.Series(np.nan, index=steps.index, dtype=object)
    for col in (WINDOW, URL, ELEMENT_NAME):
        if col in steps.columns:
            key = key.where(key.notna(), _key_tokens(steps[col]))
    if ELEMENT_ID in steps.columns:  # the spreadsheet row a cell belongs to: the record being worked on
        key = key.where(key.notna(), row_keys(steps[ELEMENT_ID]))
    if key.notna().sum() == 0:
        return np.full(n, -1, dtype=np.int64)
    sess = session_codes(steps) if SESSION in steps.columns else np.zeros(n, dtype=np.int64)
    frame = pd.DataFrame({"s": sess, "k": key.to_numpy(dtype=object)})
    codes, _ = pd.factorize(pd.MultiIndex.from_frame(frame.fillna({"k": ""})))
    codes = np.asarray(codes, dtype=np.int64)
    keyed = key.notna().to_numpy()
    codes[~keyed] = -1
    if keyed.any():
        per_key = np.bincount(codes[keyed])
        per_session = np.bincount(sess[keyed], minlength=int(sess.max()) + 1)
        key_session = np.zeros(len(per_key), dtype=np.int64)
        key_session[codes[keyed]] = sess[keyed]
        common = (per_key > 0.5 * per_session[key_session]) & (per_session[key_session] >= 20)
        drop = keyed.copy()
        drop[keyed] = common[codes[keyed]]
        codes[drop] = -1
    # renumber densely in order of appearance
    valid = codes >= 0
    if valid.any():
        dense, _ = pd.factorize(codes[valid])
        codes[valid] = dense
    return codes
