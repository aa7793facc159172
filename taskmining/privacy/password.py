"""Password fields: recognised from role and states, never captured.

AT-SPI reports ``password text`` as the role; UI Automation sets
``IsPassword``; browsers use ``<input type=password>``. Every record whose
element is a password field is dropped before anything is written, in every
recording mode.

Examples
--------
>>> is_password_field("password text"), is_password_field("text", is_password=True)
(True, True)
>>> is_password_field("push button")
False
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

__all__ = ["PASSWORD_ROLES", "is_password_field", "password_mask"]

#: Role names (any toolkit) that mean a password field.
PASSWORD_ROLES = frozenset({"password text", "password_text", "password", "passwordtext",
                            "password_edit", "passwordbox"})


def is_password_field(role: str | None, *, is_password: bool = False, states: Iterable[str] = (),
                      input_type: str | None = None) -> bool:
    """True when an element is a password field.

    Parameters
    ----------
    role : str or None
        Role name as the accessibility API or the schema reports it.
    is_password : bool
        UI Automation's ``IsPassword`` property.
    states : iterable of str
        Accessibility states (a ``protected`` state also counts).
    input_type : str, optional
        HTML input type.

    Examples
    --------
    >>> is_password_field("edit", input_type="password")
    True
    """
    if is_password:
        return True
    if role is not None and str(role).strip().lower() in PASSWORD_ROLES:
        return True
    if input_type is not None and str(input_type).lower() == "password":
        return True
    return any(str(s).lower() == "protected" for s in states)


def password_mask(events: pd.DataFrame, *, role: str = "element_role") -> pd.Series:
    """Boolean Series: rows whose element is a password field (by role).

    Examples
    --------
    >>> import pandas as pd
    >>> password_mask(pd.DataFrame({"element_role": ["edit", "password"]})).tolist()
    [False, True]
    """
    if role not in events.columns:
        return pd.Series(np.zeros(len(events), dtype=bool), index=events.index, name="password")
    codes, uniques = pd.factorize(events[role].astype(object))
    table = np.array([str(u).strip().lower() in PASSWORD_ROLES for u in uniques] + [False], dtype=bool)
    return pd.Series(table[codes], index=events.index, name="password")
