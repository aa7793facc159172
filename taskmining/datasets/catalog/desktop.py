"""Desktop routines: office work as small process trees, rendered as raw events by ``simulate``.

Six task types modelled on real back-office work, three interruptions (no
case) and the idle blocks. Every routine names its business object (the
invoice number, customer number...), which window titles show and the
ground-truth column ``true_object`` carries.

Examples
--------
>>> from taskmining.datasets.catalog.desktop import ROUTINES
>>> sorted(ROUTINES)[:3]
['address_change', 'customer_lookup', 'expense_reimbursement']
>>> ROUTINES["invoice_entry"].model.accepts(["Open invoice e-mail"])
False
"""

from __future__ import annotations

import random

from taskmining.datasets._model import (
    Loop,
    Opt,
    Routine,
    S,
    Seq,
    Shuffle,
    Step,
    Xor,
    click,
    copy_from,
    dclick,
    fill,
    idle,
    key,
    navigate,
    open_,
    paste_into,
    rclick,
    scroll,
    submit,
    typing,
)

__all__ = ["ROUTINES", "INTERRUPTIONS", "IDLE", "routine_names", "get_routine"]

# --- field contents ----------------------------------------------------------------

_VENDORS = ["Müller GmbH", "Schneider & Co. KG", "Fischer Logistik AG", "Weber Bürobedarf",
            "Nordwind Energie GmbH", "Hoffmann IT Services", "Becker Druck OHG", "Koch Catering"]
_ITEMS = ["Office chairs", "Printer toner", "Consulting hours", "Cloud storage", "Catering",
          "Travel expenses", "Cleaning service", "Software licence", "Shipping", "Maintenance"]
_CATEGORIES = ["Travel", "Hotel", "Meals", "Taxi", "Train", "Office supplies"]
_FIRST = ["Anna", "Ben", "Clara", "David", "Eva", "Felix", "Greta", "Jonas", "Lea", "Paul"]
_LAST = ["Schmidt", "Meyer", "Wagner", "Becker", "Schulz", "Koch", "Richter", "Klein"]
_STREETS = ["Hauptstraße", "Gartenweg", "Bahnhofstraße", "Lindenallee", "Schillerstraße"]
_CITIES = ["Berlin", "Hamburg", "München", "Köln", "Leipzig", "Dresden", "Potsdam"]


def _amount(r: random.Random) -> str:
    return f"{r.lognormvariate(5.5, 1.1):.2f}"


def _date(r: random.Random) -> str:
    return f"{r.randint(1, 28):02d}.{r.randint(1, 12):02d}.2026"


def _person(r: random.Random) -> str:
    return f"{r.choice(_FIRST)} {r.choice(_LAST)}"


def _words(r: random.Random, lo: int = 3, hi: int = 8) -> str:
    vocab = ["please", "check", "done", "thanks", "updated", "see", "attached", "invoice", "today",
             "call", "me", "later", "ok", "the", "report", "is", "ready", "for", "review"]
    return " ".join(r.choice(vocab) for _ in range(r.randint(lo, hi)))


def _customer(r: random.Random) -> str:
    return str(r.randint(10000, 99999))


# --- invoice entry: Outlook -> PDF viewer -> ERP web form ---------------------------

_INBOX = "Inbox - Outlook"
_MAIL = "{key} - Invoice - Outlook"
_PDF = "{key}.pdf - Adobe Acrobat Reader"
_ERP = "New Supplier Invoice - ERP - Google Chrome"
_ERP_URL = "https://erp.example.com/ap/invoices/new"


def _copy_paste_or_type(fld: str, label: str, src_app: str, src_win: str, src_name: str,
                        dst_app: str, dst_win: str, dst_name: str, dst_id: str, url: str | None,
                        what: str, where: str, p_copy: float = 0.8, src_role: str = "text",
                        src_id: str | None = None) -> Xor:
    """Either copy a value in one app and paste it in another, or type it."""
    cp = Step(f"Copy {label} from {what}", src_app, src_win, copy_from(fld, src_role, src_name, src_id))
    ps = Step(f"Paste {label} into {where}", dst_app, dst_win, paste_into(fld, dst_name, dst_id), url)
    ty = Step(f"Type {label} into {where}", dst_app, dst_win, fill(fld, dst_name, dst_id), url)
    return Xor(Seq(S(cp), S(ps)), S(ty), weights=[p_copy, 1 - p_copy])


def _reply(label: str, window: str) -> Step:
    """Answer the e-mail of a window: Reply, type the text (field ``reply_text``), Send."""
    slots = (click("button", "Reply", "reply"), *fill("reply_text", "Message body", "body"),
             click("button", "Send", "send"))
    return Step(label, "outlook", window, slots)


_inv_fields = [
    _copy_paste_or_type(f, lab, "acrobat", _PDF, name, "chrome", _ERP, name, fid, _ERP_URL, "PDF", "ERP", p)
    for f, lab, name, fid, p in [
        ("invoice_no", "invoice number", "Invoice number", "invoiceNumber", 0.85),
        ("vendor", "vendor", "Vendor", "vendorName", 0.7),
        ("invoice_date", "invoice date", "Invoice date", "invoiceDate", 0.5),
    ]
]

INVOICE_ENTRY = Routine(
    "invoice_entry", "Invoice entry",
    Seq(
        S(Step("Open invoice e-mail", "outlook", _INBOX,
               (click("list_item", "Invoice {key} from {vendor}", "mailList"),
                dclick("list_item", "Invoice {key} from {vendor}", "mailList"),
                open_("window", "{key} - Invoice")), think=4.0)),
        S(Step("Open PDF attachment", "outlook", _MAIL,
               (scroll("document", "Message body"), dclick("link", "{key}.pdf", "attachment"),
                open_("document", "{key}.pdf")))),
        S(Step("Open new invoice form", "chrome", "Supplier Invoices - ERP - Google Chrome",
               (click("link", "Create supplier invoice", "nav-ap-new"), navigate("New Supplier Invoice")),
               "https://erp.example.com/ap/invoices")),
        Shuffle(*_inv_fields),
        _copy_paste_or_type("amount", "total amount", "acrobat", _PDF, "Total", "chrome", _ERP,
                            "Total amount", "totalAmount", _ERP_URL, "PDF", "ERP", 0.6),
        Loop(Seq(
            S(Step("Add invoice line", "chrome", _ERP, (click("button", "Add line", "addLine"),), _ERP_URL)),
            S(Step("Type line description", "chrome", _ERP,
                   fill("line_text", "Description", "lines[{n}].description"), _ERP_URL)),
            _copy_paste_or_type("line_amount", "line amount", "acrobat", _PDF, "Line {n} amount", "chrome",
                                _ERP, "Amount", "lines[{n}].amount", _ERP_URL, "PDF", "ERP", 0.5),
        ), 1, 4, 0.45),
        Opt(S(Step("Attach invoice PDF", "chrome", _ERP,
                   (click("button", "Attach file", "attach"), dclick("list_item", "{key}.pdf"),
                    click("button", "Open")), _ERP_URL)), 0.5),
        S(Step("Post invoice", "chrome", _ERP,
               (click("button", "Post", "btnPost"), submit("Post", "btnPost"), navigate("Invoice posted")),
               _ERP_URL, think=3.0)),
        Opt(S(Step("File invoice e-mail", "outlook", _INBOX,
                   (rclick("list_item", "Invoice {key} from {vendor}", "mailList"),
                    click("menu_item", "Move"), click("menu_item", "Processed")))), 0.6),
    ),
    key=lambda r: f"INV-2026-{r.randrange(1, 10**6):06d}",
    fields={"invoice_no": lambda r: f"R{r.randrange(10**5, 10**6)}", "vendor": lambda r: r.choice(_VENDORS),
            "invoice_date": _date, "amount": _amount, "line_text": lambda r: r.choice(_ITEMS),
            "line_amount": _amount},
    completion=("Post invoice",),
    process=(("Receive Invoice", "start", -30.0, "mailroom"), ("Scan Invoice", "start", -26.0, "scan-service"),
             ("Create Invoice", "end", 0.0, "user"), ("Check Invoice", "end", 5.0, "ap-clerk"),
             ("Approve Payment", "end", 30.0, "approver"), ("Pay Invoice", "end", 120.0, "payment-run")),
)

# --- customer look-up: CRM + spreadsheet --------------------------------------------

_CRM_LIST = "Customers - CRM - Google Chrome"
_CRM_REC = "Customer {key} - CRM - Google Chrome"
_CRM_URL = "https://crm.example.com/customers/{key}"
_XLS_CUST = "Customer overview.xlsx - Excel"

_search_crm = Step("Search customer in CRM", "chrome", _CRM_LIST,
                   (*fill("key", "Search customers", "search"), key("Enter", "navigation")),
                   "https://crm.example.com/customers")
_open_record = Step("Open customer record", "chrome", _CRM_LIST,
                    (click("link", "{customer_name}", "result-0"), navigate("Customer {key}")),
                    "https://crm.example.com/customers", think=2.0)

CUSTOMER_LOOKUP = Routine(
    "customer_lookup", "Customer look-up",
    Seq(
        S(_search_crm), S(_open_record),
        S(Step("Find customer row in spreadsheet", "excel", _XLS_CUST,
               (key("ctrl+f"), typing("key", "edit", "Find what"), key("Enter", "navigation"),
                click("button", "Close")))),
        Shuffle(
            _copy_paste_or_type("phone", "phone number", "chrome", _CRM_REC, "Phone", "excel", _XLS_CUST,
                                "Cell D{row}", "Sheet1!D{row}", None, "CRM", "spreadsheet", 0.8),
            _copy_paste_or_type("balance", "open balance", "chrome", _CRM_REC, "Open balance", "excel",
                                _XLS_CUST, "Cell E{row}", "Sheet1!E{row}", None, "CRM", "spreadsheet", 0.9),
        ),
        Opt(S(Step("Type note in spreadsheet", "excel", _XLS_CUST,
                   fill("note", "Cell F{row}", "Sheet1!F{row}", "cell"))), 0.4),
        S(Step("Save spreadsheet", "excel", _XLS_CUST, (key("ctrl+s"),), think=1.5)),
    ),
    key=_customer,
    fields={"customer_name": _person,
            "phone": lambda r: f"+49 30 {r.randrange(10**6, 10**7)}", "balance": _amount,
            "note": _words, "row": lambda r: str(r.randint(2, 400))},
    completion=("Save spreadsheet",),
    process=(("Create Service Request", "start", -3.0, "customer-portal"),
             ("View Customer Account", "end", 0.0, "user"), ("Close Service Request", "end", 2.0, "service-desk")),
)

# --- expense reimbursement: spreadsheet -> web form ----------------------------------

_XLS_EXP = "Expenses {employee}.xlsx - Excel"
_EXP = "New Expense Report - Expenses - Google Chrome"
_EXP_URL = "https://expenses.example.com/reports/new"

EXPENSE_REIMBURSEMENT = Routine(
    "expense_reimbursement", "Expense reimbursement",
    Seq(
        S(Step("Open expense spreadsheet", "excel", "Excel",
               (key("ctrl+o"), dclick("list_item", "Expenses {employee}.xlsx"), open_("document", "Expenses")),
               think=3.0)),
        S(Step("Open new expense report", "chrome", "Expenses - Google Chrome",
               (click("link", "New expense report", "newReport"), navigate("New Expense Report")),
               "https://expenses.example.com/reports")),
        S(Step("Type employee ID", "chrome", _EXP, fill("employee_id", "Employee ID", "employeeId"), _EXP_URL)),
        Loop(Seq(
            _copy_paste_or_type("exp_date", "expense date", "excel", _XLS_EXP, "Cell A{row}", "chrome", _EXP,
                                "Date", "items[{n}].date", _EXP_URL, "spreadsheet", "expense form", 0.7,
                                "cell", "Sheet1!A{row}"),
            _copy_paste_or_type("exp_amount", "expense amount", "excel", _XLS_EXP, "Cell C{row}", "chrome",
                                _EXP, "Amount", "items[{n}].amount", _EXP_URL, "spreadsheet", "expense form",
                                0.85, "cell", "Sheet1!C{row}"),
            S(Step("Select expense category", "chrome", _EXP,
                   (click("combobox", "Category", "items[{n}].category"), click("list_item", "{category}")),
                   _EXP_URL)),
            S(Step("Add expense line", "chrome", _EXP, (click("button", "Add expense", "addItem"),), _EXP_URL)),
        ), 1, 6, 0.55),
        Opt(S(Step("Attach receipts", "chrome", _EXP,
                   (click("button", "Upload receipts", "upload"), dclick("list_item", "Receipts {employee}.pdf"),
                    click("button", "Open")), _EXP_URL)), 0.4),
        S(Step("Submit expense report", "chrome", _EXP,
               (click("button", "Submit", "submit"), submit("Submit", "submit"),
                navigate("Expense report submitted")), _EXP_URL, think=3.0)),
    ),
    key=lambda r: f"EXP-2026-{r.randrange(1, 10**5):05d}",
    fields={"employee": _person, "employee_id": lambda r: f"E{r.randrange(1000, 9999)}", "exp_date": _date,
            "exp_amount": _amount, "category": lambda r: r.choice(_CATEGORIES)},
    completion=("Submit expense report",),
    process=(("Upload Receipts", "start", -50.0, "employee-app"), ("Submit Expense Report", "end", 0.0, "user"),
             ("Approve Expense Report", "end", 20.0, "manager"), ("Reimburse Expenses", "end", 100.0, "payroll")),
)

# --- purchase-order approval: Outlook -> SAP -------------------------------------------

_SAP = "Release Purchase Order {key} - SAP Easy Access"
_APPROVAL_MAIL = "Approval required: PO {key} - Outlook"

PO_APPROVAL = Routine(
    "po_approval", "Purchase-order approval",
    Seq(
        S(Step("Open approval request e-mail", "outlook", _INBOX,
               (click("list_item", "Approval required: PO {key}", "mailList"), scroll("document", "Message body")),
               think=3.0)),
        S(Step("Start release transaction", "sap", "SAP Easy Access",
               (*fill("tcode", "Command field", "okcd"), key("Enter", "navigation")))),
        _copy_paste_or_type("key", "PO number", "outlook", _APPROVAL_MAIL, "PO {key}", "sap",
                            "Release Purchase Order - SAP Easy Access", "Purchase order", "MEPO_TOPLINE-EBELN",
                            None, "e-mail", "SAP", 0.6),
        Loop(Seq(
            S(Step("Open item details", "sap", _SAP, (dclick("cell", "Item {n}0", "MEPO1211-EBELP[{n}]"),
                                                     scroll("table", "Item details")), think=3.5)),
            S(Step("Return to item overview", "sap", _SAP, (click("button", "Back", "btn[3]"),), think=1.0)),
        ), 1, 3, 0.4),
        Xor(
            S(Step("Release purchase order", "sap", _SAP,
                   (click("button", "Release", "btnRelease"), key("ctrl+s"), submit("Save", "btn[11]")))),
            Seq(S(Step("Reject purchase order", "sap", _SAP, (click("button", "Reject", "btnReject"),))),
                S(Step("Type rejection reason", "sap", _SAP,
                       (*fill("reason", "Reason", "REASON"), key("ctrl+s"), submit("Save", "btn[11]"))))),
            weights=[0.8, 0.2]),
        Opt(S(_reply("Reply to approval e-mail", _APPROVAL_MAIL)), 0.5),
    ),
    key=lambda r: f"45{r.randrange(10**7, 10**8)}",
    fields={"tcode": lambda r: "ME29N", "reason": _words, "reply_text": _words},
    completion=("Release purchase order", "Type rejection reason"),
    process=(("Create Purchase Requisition", "start", -72.0, "requester"),
             ("Create Purchase Order", "start", -20.0, "purchasing"), ("Release Purchase Order", "end", 0.0, "user"),
             ("Send Purchase Order", "end", 1.0, "system"), ("Receive Goods", "end", 120.0, "warehouse")),
)

# --- address change: Outlook -> CRM ----------------------------------------------------

_ADDR_MAIL = "Address change customer {key} - Outlook"

ADDRESS_CHANGE = Routine(
    "address_change", "Customer address change",
    Seq(
        S(Step("Open address change e-mail", "outlook", _INBOX,
               (click("list_item", "Address change customer {key}", "mailList"),), think=3.0)),
        _copy_paste_or_type("key", "customer number", "outlook", _ADDR_MAIL, "Customer number", "chrome",
                            _CRM_LIST, "Search customers", "search", "https://crm.example.com/customers",
                            "e-mail", "CRM", 0.7),
        S(_open_record),
        S(Step("Edit customer address", "chrome", _CRM_REC, (click("button", "Edit address", "editAddress"),),
               _CRM_URL)),
        Shuffle(*(S(Step(f"Type {lab}", "chrome", _CRM_REC, fill(f, name, fid), _CRM_URL))
                  for f, lab, name, fid in [("street", "street", "Street", "street"),
                                            ("zip", "postal code", "Postal code", "postalCode"),
                                            ("city", "city", "City", "city")])),
        S(Step("Save customer record", "chrome", _CRM_REC,
               (click("button", "Save", "save"), submit("Save", "save"), navigate("Customer {key}")), _CRM_URL)),
        Opt(S(_reply("Confirm change by e-mail", _ADDR_MAIL)), 0.7),
    ),
    key=_customer,
    fields={"customer_name": _person,
            "street": lambda r: f"{r.choice(_STREETS)} {r.randint(1, 120)}",
            "zip": lambda r: f"{r.randint(10000, 99999)}", "city": lambda r: r.choice(_CITIES),
            "reply_text": _words},
    completion=("Save customer record",),
    process=(("Receive Change Request", "start", -6.0, "customer-portal"),
             ("Change Customer Address", "end", 0.0, "user"), ("Send Confirmation Letter", "end", 20.0, "output")),
)

# --- report compilation: several workbooks -> report -> e-mail -------------------------

_REPORT = "Weekly report {key}.xlsx - Excel"
_SOURCE = "Sales region {n}.xlsx - Excel"

REPORT_COMPILATION = Routine(
    "report_compilation", "Report compilation",
    Seq(
        S(Step("Open report workbook", "excel", "Excel",
               (key("ctrl+o"), dclick("list_item", "Weekly report {key}.xlsx"), open_("document", "Weekly report")),
               think=3.0)),
        Loop(Seq(
            S(Step("Open source workbook", "excel", _REPORT,
                   (key("ctrl+o"), dclick("list_item", "Sales region {n}.xlsx"), open_("document", "Sales region")))),
            S(Step("Copy source range", "excel", _SOURCE,
                   (click("cell", "A1", "Sheet1!A1"), key("ctrl+shift+end"), key("ctrl+c"),
                    copy_from("range", "cell", "A1", "Sheet1!A1")[2]))),
            S(Step("Paste range into report", "excel", _REPORT,
                   (click("tab", "Region {n}", "sheetTab{n}"), click("cell", "A1", "Region{n}!A1"), key("ctrl+v"),
                    paste_into("range", "A1", "Region{n}!A1", "cell")[3]))),
        ), 2, 4, 0.5),
        S(Step("Refresh pivot table", "excel", _REPORT,
               (click("tab", "Data", "ribbonData"), click("button", "Refresh All", "refreshAll")), think=2.0)),
        Opt(S(Step("Export report as PDF", "excel", _REPORT,
                   (click("menu_item", "File"), click("menu_item", "Export"), click("button", "Create PDF")))), 0.5),
        S(Step("Send report by e-mail", "outlook", "Untitled - Message (HTML)",
               (click("button", "New Email", "newMail"), *fill("recipient", "To", "to"),
                *fill("subject", "Subject", "subject"), click("button", "Attach File"),
                click("button", "Send", "send")), think=3.0)),
    ),
    key=lambda r: f"RPT-2026-{r.randrange(1, 53):02d}{r.randrange(100, 999)}",
    fields={"range": lambda r: f"table-{r.randrange(10**9)}", "recipient": lambda r: "controlling@example.com",
            "subject": lambda r: "Weekly sales report"},
    completion=("Send report by e-mail",),
    process=(("Request Report", "start", -24.0, "controlling"), ("Publish Report", "end", 1.0, "sharepoint")),
)

# --- interruptions (no case) and idle blocks --------------------------------------------

INTERRUPTIONS: dict[str, Routine] = {
    "read_mail": Routine("read_mail", "Read e-mail", S(Step(
        "Read new e-mail", "outlook", _INBOX,
        (click("list_item", "{subject}", "mailList"), scroll("document", "Message body")), think=1.5)),
        key=lambda r: "", fields={"subject": _words}, case=False),
    "chat": Routine("chat", "Reply to chat", S(Step(
        "Reply to chat message", "teams", "Chat | Microsoft Teams",
        (click("list_item", "{contact}", "chatList"), *fill("message", "Type a message", "compose"),
         key("Enter", "navigation")), think=1.0)),
        key=lambda r: "", fields={"contact": _person, "message": _words}, case=False),
    "calendar": Routine("calendar", "Check calendar", S(Step(
        "Check calendar", "outlook", "Calendar - Outlook",
        (click("tab", "Calendar", "navCalendar"), scroll("table", "Week view"), click("tab", "Mail", "navMail")),
        think=1.0)), key=lambda r: "", case=False),
}

IDLE: dict[str, Routine] = {
    name: Routine(name, label, S(Step(label, None, None, (idle(raw),), think=0.5)), key=lambda r: "", case=False)
    for name, label, raw in [("afk", "Idle", "afk"), ("outside", "Outside allowlist", "outside_allowlist")]
}

ROUTINES: dict[str, Routine] = {r.name: r for r in (
    INVOICE_ENTRY, CUSTOMER_LOOKUP, EXPENSE_REIMBURSEMENT, PO_APPROVAL, ADDRESS_CHANGE, REPORT_COMPILATION)}


def routine_names() -> list[str]:
    """Names of the task routines, in their default order.

    Examples
    --------
    >>> routine_names()[0]
    'invoice_entry'
    """
    return list(ROUTINES)


def get_routine(name: str) -> Routine:
    """The routine (task type, interruption or idle block) of a name.

    Examples
    --------
    >>> get_routine("chat").case
    False
    """
    for table in (ROUTINES, INTERRUPTIONS, IDLE):
        if name in table:
            return table[name]
    from taskmining.errors import ParameterError
    raise ParameterError(f"routines: unknown routine {name!r}; known: {', '.join(ROUTINES)}")

