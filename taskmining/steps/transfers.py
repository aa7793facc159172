"""Data transfers: pair each paste with the copy (or cut) it came from.

A paste is paired with the most recent ``copy``/``cut`` step of the same
session that carries the same clipboard hash (``value_hash``, the ``h:``
form of docs/formats.md). Pastes with no earlier matching copy in the
session (content copied before the recording started, or in another
session) stay unpaired.

Examples
--------
>>> import pandas as pd
>>> steps = pd.DataFrame({
...     "step_id": [0, 1, 2, 3], "session": ["s"] * 4,
...     "start": pd.to_datetime(["2026-01-05 09:00", "2026-01-05 09:01",
...                              "2026-01-05 09:02", "2026-01-05 09:03"], utc=True),
...     "action": ["copy", "click", "paste", "paste"],
...     "value_hash": ["h:01", None, "h:01", "h:02"],
...     "app": ["outlook", "erp", "erp", "erp"], "element_name": ["Invoice number", "Menu", "Number", "Amount"]})
>>> pair_transfers(steps)["transfer_from"].tolist()
[<NA>, <NA>, 0, <NA>]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from taskmining.schema import APP, ELEMENT_NAME, SESSION, STEP_ID, STRING_DTYPE

__all__ = ["TRANSFER_COLUMNS", "last_source_pairs", "pair_transfers"]

TRANSFER_FROM = "transfer_from"
TRANSFER_COLUMNS: tuple[str, ...] = (TRANSFER_FROM, "transfer_from_app", "transfer_from_element")


def last_source_pairs(session: np.ndarray, key: np.ndarray, time: np.ndarray, is_source: np.ndarray,
                      is_target: np.ndarray, tiebreak: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Pair each target with the most recent source of the same session and key.

    The one pairing rule of the library (a paste and its copy, by clipboard
    hash), on integer arrays: used for steps (:func:`pair_transfers`) and for
    rows of a tasks frame (``taskmining.transfers``).

    Parameters
    ----------
    session, key : int arrays
        Codes of the session and of the pairing key (the clipboard hash).
    time : int64 array
        Time of each entry; ``tiebreak`` (default: position) orders equal times.
    is_source, is_target : bool arrays
        Which entries can be a source (copy, cut) and which are paired (paste).

    Returns
    -------
    targets, sources : int64 arrays
        Positions of the paired targets and of their sources.

    Examples
    --------
    >>> import numpy as np
    >>> t, s = last_source_pairs(np.zeros(4, int), np.array([1, 1, 2, 1]), np.arange(4),
    ...                          np.array([True, False, False, True]), np.array([False, True, True, False]))
    >>> t.tolist(), s.tolist()
    ([1], [0])
    """
    n = len(session)
    if n == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    order = np.lexsort((np.arange(n) if tiebreak is None else tiebreak, time, key, session))
    sess, k = session[order], key[order]
    group_start = np.ones(n, dtype=bool)
    group_start[1:] = (sess[1:] != sess[:-1]) | (k[1:] != k[:-1])
    start_of = np.maximum.accumulate(np.where(group_start, np.arange(n), 0))
    last_source = np.maximum.accumulate(np.where(is_source[order], np.arange(n), -1))
    paired = is_target[order] & (last_source >= start_of)
    return order[paired].astype(np.int64), order[last_source[paired]].astype(np.int64)


def pair_transfers(steps: pd.DataFrame) -> pd.DataFrame:
    """Source of each paste step: step id, application and element of its copy.

    Parameters
    ----------
    steps : pandas.DataFrame
        ``step_id``, ``session``, ``start``, ``action`` (step verb),
        ``value_hash``; ``app`` and ``element_name`` when present.

    Returns
    -------
    pandas.DataFrame
        Same index as ``steps``; ``transfer_from`` (nullable Int64),
        ``transfer_from_app`` and ``transfer_from_element`` (str), missing
        except on paired pastes.

    Examples
    --------
    >>> import pandas as pd
    >>> steps = pd.DataFrame({"step_id": [5, 6], "session": ["s", "s"],
    ...     "start": pd.to_datetime(["2026-01-05 09:00", "2026-01-05 09:01"], utc=True),
    ...     "action": ["cut", "paste"], "value_hash": ["h:aa", "h:aa"],
    ...     "app": ["excel", "erp"], "element_name": ["B7", "Amount"]})
    >>> pairs = pair_transfers(steps)
    >>> int(pairs.iloc[1, 0]), pairs.iloc[1, 1], pairs.iloc[1, 2]
    (5, 'excel', 'B7')
    """
    n = len(steps)
    src = np.full(n, -1, dtype=np.int64)
    action = steps["action"].astype(object).to_numpy() if n else np.array([], dtype=object)
    hashes = steps["value_hash"] if "value_hash" in steps.columns else pd.Series(np.nan, index=steps.index)
    clip = np.isin(action, ["copy", "cut", "paste"]) & hashes.notna().to_numpy()
    if clip.any():
        rows = np.flatnonzero(clip)
        targets, sources = last_source_pairs(
            pd.factorize(steps[SESSION].to_numpy()[rows])[0], pd.factorize(hashes.to_numpy()[rows])[0],
            steps["start"].to_numpy(dtype="datetime64[ns]")[rows].view(np.int64),
            np.isin(action[rows], ["copy", "cut"]), action[rows] == "paste",
            tiebreak=steps[STEP_ID].to_numpy()[rows])
        src[rows[targets]] = rows[sources]
    paired = src >= 0
    take = np.where(paired, src, 0)

    def pick(col: str) -> pd.Series:
        if col not in steps.columns or n == 0:
            return pd.Series(np.full(n, np.nan), index=steps.index, dtype=STRING_DTYPE)
        values = steps[col].astype(object).to_numpy()[take]
        return pd.Series(np.where(paired, values, None), index=steps.index).astype(STRING_DTYPE)

    ids = steps[STEP_ID].to_numpy()[take] if n else np.array([], dtype=np.int64)
    out = pd.DataFrame(index=steps.index)
    out[TRANSFER_FROM] = pd.array(np.where(paired, ids, 0), dtype="Int64")
    out.loc[~paired, TRANSFER_FROM] = pd.NA
    out["transfer_from_app"] = pick(APP)
    out["transfer_from_element"] = pick(ELEMENT_NAME)
    return out
