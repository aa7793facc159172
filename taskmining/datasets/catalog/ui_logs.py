"""UI-log routines: what ``simulate_actionlogger`` renders as Action Logger records.

The phenomena are those of real recordings (docs/segmentation.md,
"Action-Logger-style logs"):

* ``copy_paste``: copy the cells of spreadsheet row ``k + 2`` one by one
  into a web form, then submit (a copy -> paste loop inside one instance;
  the rpachallenge recording ``smartrpa-rpachallenge.csv`` does this 8
  times). A cell is sometimes empty (its copy and paste left out) and two
  fields sometimes swap places;
* ``form_filling``: type a record into a web form and submit (Leno's logs,
  the banking form of ``smartrpa-banking-tagged.csv``);
* ``erp_replay``: one ERP routine in a web UI whose elements have no name,
  only an xpath (SAP Fiori), replayed with variations: optional steps and
  a loop over item lines.

Field generators take the numpy generator and the instance number ``k``.

Examples
--------
>>> ROUTINES_AL["copy_paste"].completion
('Submit the form',)
>>> xpath(("DIV", 3), ("BUTTON", 1))
"/*[name()='HTML']/*[name()='BODY'][1]/*[name()='DIV'][3]/*[name()='BUTTON'][1]"
"""

from __future__ import annotations

import numpy as np

from collections.abc import Callable

from taskmining.datasets._model import Loop, Opt, Routine, S, Seq, Skip, Slot, Step, Swap, Web, Xor

__all__ = ["ROUTINES_AL", "NOISE_AL", "FIELDS", "xpath"]

#: the form fields of the web-form routines: (name attribute, visible label)
FIELDS: tuple[tuple[str, str], ...] = (
    ("firstName", "First Name"), ("lastName", "Last Name"), ("companyName", "Company Name"),
    ("role", "Role in Company"), ("address", "Address"), ("email", "Email"), ("phone", "Phone Number"),
)
_FORM_URL = "https://www.rpachallenge.com/"
_NEW_CUSTOMER_URL = "https://forms.example.com/new-customer"
_ERP_URL = "https://erp.example.com/sap/bc/ui5_ui5/ui2/ushell/shells/abap/FioriLaunchpad.html"
_WORDS = ("Anna", "Ben", "Chen", "Dara", "Eli", "Fox", "Gul", "Hana", "Ivo", "Jin", "Kai", "Lee")
_SHEET = Web(workbook="challenge.xlsx", sheet="Sheet1")


def xpath(*parts: tuple[str, int | str]) -> str:
    """An Action-Logger xpath of an unnamed element: ``/*[name()='HTML']/*[name()='BODY'][1]/...``."""
    return "/*[name()='HTML']/*[name()='BODY'][1]" + "".join(f"/*[name()='{t}'][{i}]" for t, i in parts)


def _person_value(field: str) -> Callable[[np.random.Generator, int], str]:
    def gen(rng: np.random.Generator, k: int) -> str:
        if field == "email":
            return f"{_WORDS[int(rng.integers(len(_WORDS)))].lower()}{k}@example.com"
        if field == "phone":
            return str(int(rng.integers(10**8, 10**9)))
        return f"{_WORDS[int(rng.integers(len(_WORDS)))]} {k}"
    return gen


def _input(raw: str, action: str, name: str, label: str | None, field: str | None = None) -> Slot:
    kind = {"paste": "paste", "edit": "edit"}.get(action, "fixed")
    return Slot(action, "edit", label, None, raw, kind, field, web=Web(tag="INPUT", type="text", html_name=name))


def _cell(raw: str, action: str, col: int, field: str) -> Slot:
    return Slot(action, "cell", None, f"{chr(ord('A') + col)}{{sheet_row}}", raw,
                "copy" if action == "copy" else "fixed", field, web=_SHEET)


def _copy_field(col: int) -> Skip:
    name, label = FIELDS[col]
    copy = Step(f"Copy {label} from the sheet", "Excel", None,
                (_cell("getCell", "select", col, name), _cell("copyCell", "copy", col, name)))
    paste = Step(f"Paste {label} into the form", "Chrome", None,
                 (_input("clickTextField", "click", name, label), _input("paste", "paste", name, label, name),
                  _input("editField", "edit", name, label, name)), _FORM_URL)  # editField: the paste's echo
    return Skip(Seq(S(copy), S(paste)), 0.1)


COPY_PASTE = Routine(
    "copy_paste", "Copy a sheet row into a web form",
    Seq(Swap(*(_copy_field(c) for c in range(len(FIELDS))), p=0.3),
        S(Step("Submit the form", "Chrome", None,
               (Slot("click", "button", "Submit", None, "clickButton", web=Web(tag="INPUT", type="submit")),),
               _FORM_URL))),
    fields={"sheet_row": lambda rng, k: str(k + 2), **{f: _person_value(f) for f, _ in FIELDS}},
    completion=("Submit the form",),
)


def _type_field(name: str, label: str) -> S:
    return S(Step(f"Type {label}", "Chrome", None,
                  (_input("clickTextField", "click", name, label), _input("editField", "edit", name, label, name)),
                  _NEW_CUSTOMER_URL))


FORM_FILLING = Routine(
    "form_filling", "Type a record into a web form",
    Seq(S(Step("Open the new-customer form", "Chrome", None,
               (Slot("click", "link", "New customer", None, "clickLink", web=Web(tag="A", type="")),),
               _NEW_CUSTOMER_URL)),
        _type_field(*FIELDS[0]),
        *(Skip(_type_field(name, label), 0.15) for name, label in FIELDS[1:5]),
        Opt(S(Step("Tick the newsletter box", "Chrome", None,
                   (Slot("click", "checkbox", None, None, "clickCheckbox",
                         web=Web(tag="INPUT", type="checkbox", html_name="newsletter")),), _NEW_CUSTOMER_URL)), 0.5),
        S(Step("Save the customer", "Chrome", None,
               (Slot("click", "button", "Save", None, "clickButton", web=Web(tag="BUTTON", type="submit")),),
               _NEW_CUSTOMER_URL))),
    fields={name: _person_value(name) for name, _ in FIELDS[:5]},
    completion=("Save the customer",),
)

_SHELL: tuple[tuple[str, int | str], ...] = (("DIV", 1), ("DIV", 2))


def _el(raw: str, action: str, role: str, parts: tuple[tuple[str, int | str], ...], *, tag: str = "DIV",
        typ: str = "", field: str | None = None) -> Slot:
    """An unnamed Fiori element, known only by its xpath."""
    css = "sapMInputBaseInner" if tag == "INPUT" else "sapMBtnInner"
    return Slot(action, role, None, xpath(*parts), raw, "edit" if field else "fixed", field,
                web=Web(tag=tag, type=typ, css=css))


def _erp_field(step: str, parts: tuple[tuple[str, int | str], ...], field: str) -> Step:
    return Step(step, "Chrome", None,
                (_el("clickTextField", "click", "edit", parts, tag="INPUT", typ="text"),
                 _el("editField", "edit", "edit", parts, tag="INPUT", typ="text", field=field)), _ERP_URL)


_ERP_FORM = (*_SHELL, ("FORM", 1))
_ERP_LINE = (*_SHELL, ("TABLE", 1))
ERP_REPLAY = Routine(
    "erp_replay", "Create a purchase order in a Fiori app",
    Seq(S(Step("Open the purchase-order app", "Chrome", None,
               (_el("clickButton", "click", "button", (*_SHELL, ("DIV", 4), ("SPAN", 1)), tag="SPAN"),), _ERP_URL)),
        S(_erp_field("Type the vendor", (*_ERP_FORM, ("INPUT", 1)), "vendor")),
        Opt(S(_erp_field("Type the reference", (*_ERP_FORM, ("INPUT", 2)), "reference")), 0.4),
        Loop(Seq(S(Step("Add an item line", "Chrome", None,
                        (_el("clickButton", "click", "button", (*_ERP_LINE, ("BUTTON", 1)), tag="BUTTON",
                             typ="button"),), _ERP_URL)),
                 S(_erp_field("Type the item quantity", (*_ERP_LINE, ("TR", "{n}"), ("INPUT", 1)), "quantity"))),
             1, 4, p_more=None),
        S(Step("Save the purchase order", "Chrome", None,
               (_el("clickButton", "click", "button", (*_SHELL, ("FOOTER", 1), ("BUTTON", 2)), tag="BUTTON",
                    typ="button"),), _ERP_URL)),
        Opt(S(Step("Confirm the dialog", "Chrome", None,
                   (_el("clickButton", "click", "button", (("DIV", 9), ("BUTTON", 1)), tag="BUTTON", typ="button"),),
                   _ERP_URL)), 0.7)),
    fields={"vendor": lambda rng, k: f"V{1000 + k}", "reference": lambda rng, k: f"R{k}",
            "quantity": lambda rng, k: str(int(rng.integers(1, 99)))},
    completion=("Save the purchase order",),
)

#: a record unrelated to any task, one of three, inside an instance
NOISE_AL = Routine(
    "noise", "A record of no task",
    Xor(S(Step("Read the news", "Chrome", None,
               (Slot("click", "link", "Top stories", None, "clickLink", web=Web(tag="A")),),
               "https://news.example.com/")),
        S(Step("Scroll the inbox", "Chrome", None, (Slot("scroll", None, None, None, "scroll"),),
               "https://mail.example.com/inbox")),
        S(Step("Look at a note", "Excel", None,
               (Slot("select", "cell", None, "H40", "getCell", web=Web(workbook="notes.xlsx", sheet="Sheet1")),)))),
    case=False,
)

#: routine name -> routine, in the order ``simulate_actionlogger`` documents
ROUTINES_AL: dict[str, Routine] = {r.name: r for r in (COPY_PASTE, FORM_FILLING, ERP_REPLAY)}
