"""Steps-level routines: what ``routine_steps`` and ``testing.make_steps`` render.

``STEP_ROUTINES`` (invoice, customer, expense; ``STEP_NOISE`` for steps of
no task) are compact office routines whose steps are already labelled as
``build_steps`` would label them ("Copy 'Invoice number' in Acrobat"), with
a business key (``{key}``) in window titles: a steps table without events,
for segmentation research. Only labels, applications and windows are
rendered at this level, so their steps have no slots.

``CONFORMANCE_ROUTINES`` (invoice, lookup, expense) have one event slot per
step (action, element name and role) in an application's window; copy and
paste slots carry the clipboard (the same value for the copy and its paste).
``make_steps`` renders them as events, typed text as runs of key presses,
and passes them through ``build_steps``: the table the conformance suite
checks every segmenter on.

Examples
--------
>>> [s.label for s in STEP_ROUTINES["expense"].model.steps()][:2]
["Open 'expenses.xlsx' in Excel", "Click 'New claim' in Chrome"]
>>> [sl.action for st in CONFORMANCE_ROUTINES["expense"].model.steps() for sl in st.slots]
['open', 'copy', 'paste', 'click']
"""

from __future__ import annotations

from taskmining.datasets._model import Loop, Node, Routine, S, Seq, Skip, Slot, Step, Xor

__all__ = ["STEP_ROUTINES", "STEP_NOISE", "CONFORMANCE_ROUTINES"]


# one step per line: label | app | window title ({key} = business key) [| skip]; "*name" = a loop over a block
_SPEC = {
    "invoice": """
        Click 'Inbox' in Outlook | outlook | Inbox - Outlook
        Open 'Invoice mail' in Outlook | outlook | INV-{key} - Message - Outlook
        Open 'invoice.pdf' in Acrobat | acrobat | invoice-{key}.pdf - Acrobat
        Copy 'Invoice number' in Acrobat | acrobat | invoice-{key}.pdf - Acrobat
        Click 'New invoice' in Chrome | chrome | ERP - Chrome
        Paste 'Invoice number' in Chrome | chrome | ERP invoice INV-{key} - Chrome
        Copy 'Amount' in Acrobat | acrobat | invoice-{key}.pdf - Acrobat
        Paste 'Amount' in Chrome | chrome | ERP invoice INV-{key} - Chrome
        Type in 'Comment' in Chrome | chrome | ERP invoice INV-{key} - Chrome | skip
        Click 'Submit' in Chrome | chrome | ERP invoice INV-{key} - Chrome""",
    "customer": """
        Click 'Search' in CRM | crm | CRM
        Type in 'Customer' in CRM | crm | CRM
        Open 'Customer' in CRM | crm | Customer {key} - CRM
        Copy 'Address' in CRM | crm | Customer {key} - CRM
        Select 'B' in Excel | excel | customers.xlsx - Excel
        Paste 'B' in Excel | excel | customers.xlsx - Excel
        Click 'Notes' in CRM | crm | Customer {key} - CRM | skip
        Click 'Close' in CRM | crm | Customer {key} - CRM""",
    "expense": """
        Open 'expenses.xlsx' in Excel | excel | expenses.xlsx - Excel
        Click 'New claim' in Chrome | chrome | Travel portal - Chrome
        Type in 'Claim title' in Chrome | chrome | Claim EXP-{key} - Chrome
        *line
        Click 'Save' in Chrome | chrome | Claim EXP-{key} - Chrome""",
    "line": """
        Copy 'C' in Excel | excel | expenses.xlsx - Excel
        Paste 'Amount' in Chrome | chrome | Claim EXP-{key} - Chrome
        Click 'Add line' in Chrome | chrome | Claim EXP-{key} - Chrome""",
    "noise": """
        Scroll in Chrome | chrome | News - Chrome
        Click 'Chat' in Teams | teams | Chat - Teams
        Click 'Calendar' in Outlook | outlook | Calendar - Outlook""",
}
_TITLES = {"invoice": "Invoice entry", "customer": "Customer look-up", "expense": "Expense claim"}


def _nodes(spec: str) -> list[Node]:
    """The steps of a spec: a step, a step skipped half of the time, or a loop of 1 to 3 blocks."""
    out: list[Node] = []
    for line in spec.strip().splitlines():
        if line.strip().startswith("*"):
            out.append(Loop(Seq(*_nodes(_SPEC[line.strip()[1:]])), 1, 3, p_more=None))
            continue
        label, app, window, *flag = (part.strip() for part in line.split("|"))
        node = S(Step(label, app, window, ()))
        out.append(Skip(node, 0.5) if flag == ["skip"] else node)
    return out


def _routine(name: str, title: str, *nodes: Node) -> Routine:
    return Routine(name, title, Seq(*nodes), completion=(nodes[-1].steps()[-1].label,))


#: routine type -> routine, the task types of ``routine_steps``
STEP_ROUTINES: dict[str, Routine] = {
    name: _routine(name, title, *_nodes(_SPEC[name])) for name, title in _TITLES.items()
}

#: a step of no task, one of three
STEP_NOISE = Routine("noise", "A step of no task", Xor(*_nodes(_SPEC["noise"])), case=False)


def _one(action: str, app: str, name: str, role: str) -> S:
    kind = action if action in ("copy", "paste") else "type" if action == "key" else "fixed"
    field = "clipboard" if kind in ("copy", "paste") else None
    slot = Slot(action, role, name, kind=kind, field=field)
    return S(Step(f"{action} {name} in {app}", app, f"{app} window", (slot,)))


#: routine type -> routine, the task types of ``testing.make_steps``
CONFORMANCE_ROUTINES: dict[str, Routine] = {r.name: r for r in (
    _routine("invoice", "Invoice entry",
             _one("click", "erp", "New invoice", "button"), _one("copy", "outlook", "Invoice number", "text"),
             _one("paste", "erp", "Number", "edit"), _one("key", "erp", "Amount", "edit"),
             _one("click", "erp", "Submit", "button")),
    _routine("lookup", "Customer look-up",
             _one("navigate", "crm", "Customers", "link"), _one("key", "crm", "Search", "edit"),
             _one("click", "crm", "Find", "button"), _one("copy", "crm", "Address", "text"),
             _one("paste", "excel", "C7", "cell")),
    _routine("expense", "Expense entry",
             _one("open", "excel", "Expenses.xlsx", "document"), _one("copy", "excel", "B4", "cell"),
             _one("paste", "chrome", "Amount", "edit"), _one("click", "chrome", "Save", "button")),
)}
