"""Readable step labels: verb + element + application, at three details (``detail=``).

=========  ======================================  ==================================
detail     form                                    example
=========  ======================================  ==================================
element    verb 'element' in App                   ``Copy 'Invoice number' in Outlook``
role       verb role in App                        ``Click button in Chrome``
app        verb in App                             ``Type in Chrome``
=========  ======================================  ==================================

Missing element names fall back to the role, then to the application, then
to the verb alone, so a label is never missing. Spreadsheet cells (role
``cell`` or an ``element_id`` such as ``Sheet1!B7``) are named by their
column (``column B``), not by the row, so labels repeat across instances.
Navigation without an element name uses the host of the URL. Names holding
an identifier (a run of three or more digits: invoice numbers, dates, ids)
have every digit run replaced by ``#`` (``Open 'INV-#-#.pdf' in Acrobat``),
while short numbers that tell elements apart (``Button1``, ``Line 2``) stay.

Labels are built once per distinct (verb, element, role, app) combination,
so the cost does not grow with the number of events.

Examples
--------
>>> import pandas as pd
>>> step_labels(pd.DataFrame({"verb": ["copy", "click", "edit"],
...                           "element_name": ["Invoice number", None, "B7"],
...                           "element_role": ["edit", "button", "cell"],
...                           "app": ["outlook", "chrome", "excel"]})).tolist()
["Copy 'Invoice number' in Outlook", 'Click button in Chrome', "Edit 'column B' in Excel"]
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa

from taskmining.errors import ParameterError
from taskmining.schema import (
    APP,
    ELEMENT_ID,
    ELEMENT_NAME,
    ELEMENT_ROLE,
    RAW_ACTION,
    STRING_DTYPE,
    URL,
)

__all__ = ["DETAILS", "VERB_TEXT", "step_labels", "label_codes", "as_strings", "check_detail"]

#: How much of the element a step label names (``detail=``): its name, its role, or only the application.
DETAILS: tuple[str, ...] = ("element", "role", "app")

#: verb -> (words, preposition before the element)
VERB_TEXT: dict[str, tuple[str, str]] = {
    "click": ("Click", ""), "double_click": ("Double-click", ""), "right_click": ("Right-click", ""),
    "scroll": ("Scroll", ""), "key": ("Press keys", "in"), "type": ("Type", "in"),
    "copy": ("Copy", ""), "cut": ("Cut", ""), "paste": ("Paste", "into"), "focus": ("Focus", ""),
    "app_switch": ("Switch to", ""), "open": ("Open", ""), "close": ("Close", ""),
    "navigate": ("Navigate", "to"), "select": ("Select", ""), "edit": ("Edit", ""),
    "submit": ("Submit", ""), "idle": ("Idle", ""), "other": ("Other", ""), "save": ("Save", ""),
    "undo": ("Undo", ""), "redo": ("Redo", ""), "select_all": ("Select all", "in"),
    "find": ("Find", "in"), "print": ("Print", ""), "press": ("Press keys", "in"),
}

_CELL = re.compile(r"^(?:(?P<sheet>.+)!)?\$?(?P<col>[A-Za-z]{1,3})\$?(?P<row>\d+)(?::\$?[A-Za-z]{1,3}\$?\d+)?$")
_ID_ROW = re.compile(r"\$?\d+(?::.*)?$")
_LONG_DIGITS = re.compile(r"\d{3,}")
_DIGITS = re.compile(r"\d+")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_MAX_NAME = 40
_NO_ROLE = {"", "unknown", "nan", "none"}


def check_detail(detail: str) -> str:
    """Return ``detail`` if it is a label detail, else raise ParameterError.

    Examples
    --------
    >>> check_detail("role")
    'role'
    """
    if detail not in DETAILS:
        raise ParameterError(f"detail={detail!r} is not a label detail; use one of {', '.join(DETAILS)}")
    return detail


def _text(value: object) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return None
    text = " ".join(str(value).split())
    return text or None


def _short(text: str) -> str:
    if _LONG_DIGITS.search(text):  # identifiers (invoice numbers, dates, ids): mask every digit run
        text = _DIGITS.sub("#", text)
    return text if len(text) <= _MAX_NAME else text[: _MAX_NAME - 1] + "…"


def _cell_name(name: str | None, element_id: str | None, role: str | None) -> str | None:
    """``column B`` (with the sheet when known) for cell references, else None.

    A name that is not a cell reference (a column header) wins over the id.
    """
    em = _CELL.match(element_id) if element_id is not None else None
    nm = _CELL.match(name) if name is not None else None
    if name is not None and nm is None:
        return None  # a real name (a column header) wins
    m = nm or em
    if m is None or not (role == "cell" or m.group("sheet") or (em is not None and em.group("sheet"))):
        return None
    sheet = m.group("sheet") or (em.group("sheet") if em is not None else None)
    col = m.group("col").upper()
    return f"{sheet.strip(chr(39))} column {col}" if sheet else f"column {col}"


def _host(url: str | None) -> str | None:
    if url is None:
        return None
    m = re.match(r"^(?:[a-z][a-z0-9+.-]*://)?([^/?#]+)", url, re.IGNORECASE)
    return m.group(1) if m else None


def _humanise(raw: str | None) -> str:
    if raw is None:
        return "Other"
    words = _CAMEL.sub(" ", raw).replace("_", " ").strip().lower()
    return words[:1].upper() + words[1:] if words else "Other"


def _label(verb: str, name: str | None, eid: str | None, role: str | None, app: str | None,
           url: str | None, raw: str | None, detail: str, key: str | None = None) -> str:
    base, prep = VERB_TEXT[verb] if verb in VERB_TEXT else (_humanise(verb), "")
    if verb == "press" and key:
        base = "Press " + key.replace("_", " ").title()
    if verb == "other":
        base = _humanise(raw)
    app_text = app.title() if app else None
    if verb == "app_switch":
        return f"Switch to {app_text}" if app_text else "Switch window"
    if verb == "idle":
        return "Idle"
    target = None
    role_text = None if role is None or role.lower() in _NO_ROLE else role
    if detail == "element":
        shown = _cell_name(name, eid, role) or name
        if shown is None and verb in ("navigate", "open"):
            shown = _host(url)
        target = f"'{_short(shown)}'" if shown else role_text
    elif detail == "role":
        target = role_text
    parts = [base]
    if target:
        if prep:
            parts.append(prep)
        parts.append(target)
    if app_text:
        parts.append(f"in {app_text}")
    return " ".join(parts)


def step_labels(steps: pd.DataFrame, detail: str = "element") -> pd.Series:
    """Label each row of ``steps`` (columns ``verb`` and any of the element columns).

    Parameters
    ----------
    steps : pandas.DataFrame
        ``verb`` (a step verb, see :data:`VERB_TEXT`) and optionally
        ``element_name``, ``element_id``, ``element_role``, ``app``, ``url``,
        ``raw_action`` (used for the verb of ``other`` steps), ``key_name``
        (a non-character key such as ``enter``: ``Press Enter``).
    detail : {"element", "role", "app"}
        The abstraction of the label.

    Returns
    -------
    pandas.Series
        ``str`` labels, never missing, same index as ``steps``.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"verb": ["type", "other"], "element_name": ["Amount", None],
    ...                    "element_role": ["edit", None], "app": ["chrome", "excel"],
    ...                    "raw_action": [None, "sortColumn"]})
    >>> step_labels(df, detail="element").tolist()
    ["Type in 'Amount' in Chrome", 'Sort column in Excel']
    >>> step_labels(df, detail="role").tolist()
    ['Type in edit in Chrome', 'Sort column in Excel']
    >>> step_labels(df, detail="app").tolist()
    ['Type in Chrome', 'Sort column in Excel']
    """
    group, texts = label_codes(steps, detail)
    return pd.Series(as_strings(texts, group), index=steps.index)


def as_strings(texts: np.ndarray, codes: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """``texts[codes]`` as a ``str`` array, built in Arrow (no Python string per row).

    Examples
    --------
    >>> import numpy as np
    >>> list(as_strings(np.array(["a", "b"], dtype=object), np.array([1, 1, 0])))
    ['b', 'b', 'a']
    """
    table = pa.array(list(texts), type=pa.large_string())
    return pd.array(table.take(pa.array(np.asarray(codes, dtype=np.int64))), dtype=STRING_DTYPE)


def label_codes(steps: pd.DataFrame, detail: str = "element") -> tuple[np.ndarray, np.ndarray]:
    """Distinct labels of ``steps`` and the index of each step's label among them.

    Labels are built once per distinct combination of the fields they use.

    Examples
    --------
    >>> import pandas as pd
    >>> codes, texts = label_codes(pd.DataFrame({"verb": ["click", "click"], "app": ["erp", "erp"]}))
    >>> codes.tolist(), texts.tolist()
    ([0, 0], ['Click in Erp'])
    """
    check_detail(detail)
    cols = [ELEMENT_NAME, ELEMENT_ID, ELEMENT_ROLE, APP, URL, RAW_ACTION]
    if detail != "element":
        cols = [ELEMENT_ROLE, APP, RAW_ACTION] if detail == "role" else [APP, RAW_ACTION]
    n = len(steps)
    if n == 0:
        return np.zeros(0, dtype=np.int64), np.array([], dtype=object)
    keys = {"verb": pd.factorize(steps["verb"])[0]}
    for c in cols:
        keys[c] = pd.factorize(steps[c])[0] if c in steps.columns else np.zeros(n, dtype=np.int64)
    if ELEMENT_ID in keys and ELEMENT_ID in steps.columns:
        # the id only matters for cell references, and only its sheet and column
        use = np.ones(n, dtype=bool)
        if ELEMENT_NAME in steps.columns:
            codes, uniques = pd.factorize(steps[ELEMENT_NAME])
            is_ref = np.array([_CELL.match(str(u)) is not None for u in uniques] + [True], dtype=bool)
            use = is_ref[codes]  # missing names (code -1) use the id too
        id_codes, id_uniques = pd.factorize(steps[ELEMENT_ID])
        cell_part = pd.factorize(np.array([_ID_ROW.sub("", str(u)) for u in id_uniques] + [""], dtype=object))[0]
        keys[ELEMENT_ID] = np.where(use, cell_part[id_codes], -2)
    if RAW_ACTION in steps.columns:  # the raw type only matters for 'other' steps
        keys[RAW_ACTION] = np.where(np.asarray(steps["verb"] == "other"), keys[RAW_ACTION], -2)
    if "key_name" in steps.columns:  # names of single non-character keys ("Press Enter")
        keys["key_name"] = pd.factorize(steps["key_name"])[0]
    if detail == "element" and URL in steps.columns:
        keys[URL] = np.where(np.asarray(steps["verb"].isin(["navigate", "open"])), keys[URL], -2)
    group = pd.DataFrame(keys).groupby(list(keys), sort=False, observed=True).ngroup().to_numpy()
    _, first = np.unique(group, return_index=True)
    reps = steps.iloc[first]

    def field(c: str) -> list[str | None]:
        return [_text(v) for v in reps[c]] if c in reps.columns else [None] * len(reps)

    names, eids, roles, apps = field(ELEMENT_NAME), field(ELEMENT_ID), field(ELEMENT_ROLE), field(APP)
    urls, raws, key_names = field(URL), field(RAW_ACTION), field("key_name")
    texts = np.array([
        _label(str(v), names[i], eids[i], roles[i], apps[i], urls[i], raws[i], detail, key_names[i])
        for i, v in enumerate(reps["verb"])
    ], dtype=object)
    return group.astype(np.int64), texts
