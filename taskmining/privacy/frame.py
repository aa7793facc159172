"""Privacy over whole events frames: one call for the analysis side.

The recorder applies the same rules record by record (see
:mod:`taskmining.recorder.filter`); these functions apply them to frames read
from any source, e.g. before a report leaves the analyst's machine.

Examples
--------
>>> import pandas as pd
>>> ev = pd.DataFrame({"user": ["alice"], "app": ["excel"], "action": ["click"],
...                    "window": ["Invoice for jo@corp.com"], "element_role": ["button"]})
>>> out = protect_frame(ev, b"team-salt", allow=Allowlist(apps=["excel"]))
>>> out.loc[0, "user"].startswith("u-"), "jo@corp.com" in out.loc[0, "window"]
(True, False)
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from taskmining._frames import NONE_ARRAY
from taskmining.privacy.allowlist import Allowlist, allowlist_mask
from taskmining.privacy.hashing import pseudonymize_series
from taskmining.privacy.password import password_mask
from taskmining.privacy.redact import KINDS, REDACT_COLUMNS, redact_frame

__all__ = ["pseudonymize_frame", "mask_outside_allowlist", "protect_frame"]

_CONTEXT_COLUMNS = ("app", "window", "element_role", "element_name", "element_id", "value", "url", "attrs")


def pseudonymize_frame(events: pd.DataFrame, salt: bytes | str, *, column: str = "user") -> pd.DataFrame:
    """A copy with ``column`` replaced by salted pseudonyms.

    Examples
    --------
    >>> import pandas as pd
    >>> pseudonymize_frame(pd.DataFrame({"user": ["bob"]}), b"team-salt")["user"].str.len().tolist()
    [10]
    """
    out = events.copy()
    if column in out.columns:
        out[column] = pseudonymize_series(out[column], salt)
    return out


def mask_outside_allowlist(events: pd.DataFrame, allow: Allowlist) -> pd.DataFrame:
    """A copy where rows outside the allowlist keep only their time.

    Such rows become ``action="idle"``, ``raw_action="outside_allowlist"``
    with every context column (application, window, element, value, url,
    attrs) missing, so row counts and time stay but nothing about the other
    application does.

    Examples
    --------
    >>> import pandas as pd
    >>> ev = pd.DataFrame({"app": ["excel", "bank"], "action": ["click", "click"],
    ...                    "window": ["a", "Account 1"]})
    >>> out = mask_outside_allowlist(ev, Allowlist(apps=["excel"]))
    >>> out["action"].tolist(), out["window"].isna().tolist()
    (['click', 'idle'], [False, True])
    """
    ok = allowlist_mask(events, allow).to_numpy()
    out = events.copy()
    if ok.all():
        return out
    bad = ~ok
    for col in _CONTEXT_COLUMNS:
        if col in out.columns:
            if isinstance(out[col].dtype, pd.CategoricalDtype):
                out[col] = out[col].astype(object)
            out.loc[bad, col] = np.nan
            if col in ("app", "element_role"):
                out[col] = out[col].astype("category")
    for col, val in (("action", "idle"), ("raw_action", "outside_allowlist")):
        if col in out.columns:
            was_cat = isinstance(out[col].dtype, pd.CategoricalDtype)
            cats = list(out[col].cat.categories) if was_cat else None
            s = out[col].astype(object)
            s[bad] = val
            out[col] = pd.Categorical(s, categories=cats if cats and val in cats else None) if was_cat else s
        else:
            s = pd.Series(np.where(bad, val, NONE_ARRAY), index=out.index, dtype=object)
            out[col] = s
    return out


def protect_frame(events: pd.DataFrame, salt: bytes | str, *, allow: Allowlist | None = None,
                  columns: Iterable[str] = REDACT_COLUMNS, kinds: Iterable[str] = KINDS,
                  pseudonymize: bool = True) -> pd.DataFrame:
    """Apply every privacy rule to a frame: the analysis side's one call.

    Password-field rows are removed (their count is kept in
    ``frame.attrs["password_rows_removed"]``), rows outside ``allow`` are
    masked (:func:`mask_outside_allowlist`), identifiers are redacted
    (:func:`~taskmining.privacy.redact.redact_frame`) and users pseudonymised.

    Examples
    --------
    >>> import pandas as pd
    >>> ev = pd.DataFrame({"user": ["a", "a"], "action": ["key", "click"],
    ...                    "element_role": ["password", "button"]})
    >>> out = protect_frame(ev, b"team-salt")
    >>> len(out), out.attrs["password_rows_removed"]
    (1, 1)
    """
    pw = password_mask(events).to_numpy()
    out = events.loc[~pw]
    if allow is not None:
        out = mask_outside_allowlist(out, allow)
    out = redact_frame(out, salt, columns=columns, kinds=kinds)
    if pseudonymize:
        out = pseudonymize_frame(out, salt)
    out.attrs["password_rows_removed"] = int(pw.sum())
    return out
