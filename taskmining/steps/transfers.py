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

__all__ = ["TRANSFER_COLUMNS", "pair_transfers"]

TRANSFER_FROM = "transfer_from"
TRANSFER_COLUMNS: tuple[str, ...] = (TRANSFER_FROM, "transfer_from_app", "transfer_from_element")


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
        sub = pd.DataFrame({
            "s": pd.factorize(steps[SESSION].to_numpy()[rows])[0],
            "h": pd.factorize(hashes.to_numpy()[rows])[0],
            "t": steps["start"].to_numpy(dtype="datetime64[ns]")[rows].view(np.int64),
            "i": steps[STEP_ID].to_numpy()[rows],
            "pos": rows,
        })
        sub = sub.sort_values(["s", "h", "t", "i"], kind="stable")
        is_source = np.isin(action[sub["pos"].to_numpy()], ["copy", "cut"])
        sub["src"] = np.where(is_source, sub["pos"].to_numpy(), np.nan)
        sub["src"] = sub.groupby(["s", "h"], sort=False, observed=True)["src"].ffill()
        pastes = ~is_source & sub["src"].notna().to_numpy()
        src[sub["pos"].to_numpy()[pastes]] = sub["src"].to_numpy()[pastes].astype(np.int64)
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
