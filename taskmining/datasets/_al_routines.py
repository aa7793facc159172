"""The routines of the Action-Logger-style simulator: one list of records per task instance.

Each routine turns an instance number and a random generator into the
Action Logger records (dicts keyed by Action Logger column names) a person
produces doing it once. The phenomena are those of real recordings (see
docs/segmentation.md, "Action-Logger-style logs"):

* ``copy_paste``: copy the cells of spreadsheet row ``k`` one by one into a
  web form, then submit (a copy -> paste loop inside one instance; the
  rpachallenge recording ``smartrpa-rpachallenge.csv`` does this 8 times);
* ``form_filling``: type a record into a web form and submit (Leno's logs,
  the banking form of ``smartrpa-banking-tagged.csv``);
* ``erp_replay``: one ERP routine in a web UI whose elements have no name,
  only an xpath (SAP Fiori), replayed with variations: optional steps and
  a loop over item lines.

Examples
--------
>>> import numpy as np
>>> recs = ROUTINES_AL["copy_paste"](3, np.random.default_rng(0))
>>> recs[0]["eventType"], recs[-1]["eventType"]
('getCell', 'clickButton')
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = ["ROUTINES_AL", "FIELDS", "xpath"]

Record = dict[str, Any]

#: the form fields of the web-form routines: (name attribute, visible label)
FIELDS: tuple[tuple[str, str], ...] = (
    ("firstName", "First Name"), ("lastName", "Last Name"), ("companyName", "Company Name"),
    ("role", "Role in Company"), ("address", "Address"), ("email", "Email"), ("phone", "Phone Number"),
)
_FORM_URL = "https://www.rpachallenge.com/"
_ERP_URL = "https://erp.example.com/sap/bc/ui5_ui5/ui2/ushell/shells/abap/FioriLaunchpad.html"
_WORDS = ("Anna", "Ben", "Chen", "Dara", "Eli", "Fox", "Gul", "Hana", "Ivo", "Jin", "Kai", "Lee")


def xpath(*parts: tuple[str, int]) -> str:
    """An Action-Logger xpath of an unnamed element: ``/*[name()='HTML']/*[name()='BODY'][1]/...``.

    Examples
    --------
    >>> xpath(("DIV", 3), ("BUTTON", 1))
    "/*[name()='HTML']/*[name()='BODY'][1]/*[name()='DIV'][3]/*[name()='BUTTON'][1]"
    """
    return "/*[name()='HTML']/*[name()='BODY'][1]" + "".join(f"/*[name()='{t}'][{i}]" for t, i in parts)


def _value(rng: np.random.Generator, k: int, field: str) -> str:
    if field == "email":
        return f"{_WORDS[int(rng.integers(len(_WORDS)))].lower()}{k}@example.com"
    if field == "phone":
        return str(int(rng.integers(10**8, 10**9)))
    return f"{_WORDS[int(rng.integers(len(_WORDS)))]} {k}"


def _web(event: str, name: str | None, *, tag: str = "INPUT", typ: str = "text", value: str | None = None,
         text: str | None = None, eid: str | None = None, url: str = _FORM_URL) -> Record:
    return {"targetApp": "Chrome", "eventType": event, "url": url, "target.name": name, "target.tagName": tag,
            "target.type": typ, "target.value": value, "target.innerText": text, "target.id": eid}


def _cell(event: str, row: int, col: int, value: str | None) -> Record:
    ref = f"{chr(ord('A') + col)}{row}"
    return {"targetApp": "Excel", "eventType": event, "target.workbookName": "challenge.xlsx",
            "target.sheetName": "Sheet1", "target.id": ref, "content": value, "target.value": value}


def copy_paste(k: int, rng: np.random.Generator) -> list[Record]:
    """Row ``k + 2`` of the sheet copied field by field into the form, then Submit."""
    row = k + 2
    order = list(range(len(FIELDS)))
    if rng.random() < 0.3:  # the person sometimes fills the form in another order
        i, j = rng.choice(len(order), size=2, replace=False)
        order[i], order[j] = order[j], order[i]
    recs: list[Record] = []
    for col in order:
        if rng.random() < 0.1:  # an empty cell: nothing to copy
            continue
        name, label = FIELDS[col]
        value = _value(rng, k, name)
        recs.append(_cell("getCell", row, col, value))
        recs.append(_cell("copyCell", row, col, value))
        recs.append(_web("clickTextField", name, text=label))
        recs.append({**_web("paste", name, value=value, text=label), "content": value})
        recs.append(_web("editField", name, value=value, text=label))  # the echo of the paste
    recs.append(_web("clickButton", None, typ="submit", text="Submit", tag="INPUT"))
    return recs


def form_filling(k: int, rng: np.random.Generator) -> list[Record]:
    """A record typed into a web form (fields sometimes skipped), a checkbox, then Submit."""
    url = "https://forms.example.com/new-customer"
    recs: list[Record] = [_web("clickLink", None, tag="A", typ="", text="New customer", url=url)]
    for name, label in FIELDS[:5]:
        if name != "firstName" and rng.random() < 0.15:
            continue
        recs.append(_web("clickTextField", name, text=label, url=url))
        recs.append(_web("editField", name, value=_value(rng, k, name), text=label, url=url))
    if rng.random() < 0.5:
        recs.append(_web("clickCheckbox", "newsletter", typ="checkbox", url=url))
    recs.append(_web("clickButton", None, typ="submit", text="Save", tag="BUTTON", url=url))
    return recs


def erp_replay(k: int, rng: np.random.Generator) -> list[Record]:
    """A purchase order in an ERP web UI: unnamed elements (xpath only), optional steps, item-line loop."""
    def el(event: str, parts: tuple[tuple[str, int], ...], *, tag: str = "DIV", typ: str = "",
           value: str | None = None) -> Record:
        rec = _web(event, None, tag=tag, typ=typ, value=value, eid=xpath(*parts), url=_ERP_URL)
        rec["target.className"] = "sapMInputBaseInner" if tag == "INPUT" else "sapMBtnInner"
        return rec

    shell = (("DIV", 1), ("DIV", 2))
    recs = [el("clickButton", (*shell, ("DIV", 4), ("SPAN", 1)), tag="SPAN")]  # the app tile
    recs.append(el("clickTextField", (*shell, ("FORM", 1), ("INPUT", 1)), tag="INPUT", typ="text"))
    recs.append(el("editField", (*shell, ("FORM", 1), ("INPUT", 1)), tag="INPUT", typ="text",
                   value=f"V{1000 + k}"))
    if rng.random() < 0.4:  # an optional reference field
        recs.append(el("clickTextField", (*shell, ("FORM", 1), ("INPUT", 2)), tag="INPUT", typ="text"))
        recs.append(el("editField", (*shell, ("FORM", 1), ("INPUT", 2)), tag="INPUT", typ="text",
                       value=f"R{k}"))
    for line in range(1, int(rng.integers(1, 5)) + 1):  # item lines: a loop inside the instance
        recs.append(el("clickButton", (*shell, ("TABLE", 1), ("BUTTON", 1)), tag="BUTTON", typ="button"))
        cell = (*shell, ("TABLE", 1), ("TR", line), ("INPUT", 1))
        recs.append(el("clickTextField", cell, tag="INPUT", typ="text"))
        recs.append(el("editField", cell, tag="INPUT", typ="text", value=str(int(rng.integers(1, 99)))))
    recs.append(el("clickButton", (*shell, ("FOOTER", 1), ("BUTTON", 2)), tag="BUTTON", typ="button"))
    if rng.random() < 0.7:  # the confirmation dialog
        recs.append(el("clickButton", (("DIV", 9), ("BUTTON", 1)), tag="BUTTON", typ="button"))
    return recs


#: routine name -> function (instance number, generator) -> records
ROUTINES_AL: dict[str, Callable[[int, np.random.Generator], list[Record]]] = {
    "copy_paste": copy_paste, "form_filling": form_filling, "erp_replay": erp_replay,
}
