"""A corpus of realistic desktop texts for the redaction benchmark: identifiers and innocuous text.

``identifiers()`` yields ``(kind, text, secret)``: a window title, element
name or field value holding one identifier (``secret``, as it appears in the
text) of a kind the redaction claims to cover. Values are drawn at random
(seeded) in the printed forms people type: separators of every sort
(spaces, no-break spaces, dashes, `` - ``, dots), national formats and
international ones, with valid check digits where the kind has them.

``innocuous()`` yields texts that must come out unchanged: dates, times,
timestamps, amounts, versions, quantities, page counts, ordinary titles.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

NBSP = "\u00a0"
_FIRST = ["John", "Maria", "Pieter", "Anna", "Lukas", "Sophie", "Jean", "Katarzyna", "Thomas", "Elena",
          "Jan", "Claire", "Michael", "Fatima", "Sven", "Julia", "Marc", "Ewa", "Daniel", "Ines"]
_LAST = ["Smith", "Janssens", "de Vries", "Müller", "Dubois", "Nowak", "Peeters", "Schmidt", "Martin",
         "Kowalski", "Bakker", "O'Brien", "García", "Rossi", "Weber", "Lefebvre", "van Dijk", "Fischer"]
_DOMAINS = ["example.com", "müller-gmbh.de", "firma.co.uk", "пример.рф", "例子.中国", "corp.example.org",
            "bücher.example", "société.fr", "mail.example.be", "ünïcode.example.net"]


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def _luhn_complete(body: str) -> str:
    from taskmining.privacy.checksums import luhn_valid
    for d in "0123456789":
        if luhn_valid(body + d):
            return body + d
    raise AssertionError("unreachable")


def _iban(rng: random.Random) -> str:
    country, length = rng.choice([("DE", 18), ("BE", 12), ("NL", 14), ("FR", 23), ("GB", 18), ("PL", 24),
                                  ("IE", 18), ("ES", 20)])
    if country in ("NL", "GB", "IE"):
        bban = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(4)) + _digits(rng, length - 4)
    else:
        bban = _digits(rng, length)
    num = int("".join(str(int(c, 36)) for c in bban + country + "00"))
    return f"{country}{98 - num % 97:02d}{bban}"


def _group(s: str, size: int, sep: str) -> str:
    return sep.join(s[i:i + size] for i in range(0, len(s), size))


def _be_nrn(rng: random.Random) -> str:
    y, m, d, seq = rng.randint(40, 99), rng.randint(1, 12), rng.randint(1, 28), rng.randint(1, 997)
    base = f"{y:02d}{m:02d}{d:02d}{seq:03d}"
    check = 97 - int(base) % 97
    return rng.choice([f"{y:02d}.{m:02d}.{d:02d}-{seq:03d}.{check:02d}", f"{y:02d}{m:02d}{d:02d} {seq:03d} {check:02d}",
                       f"{y:02d}.{m:02d}.{d:02d} {seq:03d}-{check:02d}"])


def _nl_bsn(rng: random.Random) -> str:
    from taskmining.privacy.checksums import nl_bsn_valid
    while True:
        s = str(rng.randint(1, 9)) + _digits(rng, 8)
        if nl_bsn_valid(s):
            return rng.choice([s, f"{s[:4]}.{s[4:6]}.{s[6:]}", f"{s[:3]} {s[3:6]} {s[6:]}"])


def _de_taxid(rng: random.Random) -> str:
    from taskmining.privacy.checksums import de_taxid_valid
    while True:
        s = str(rng.randint(1, 9)) + _digits(rng, 10)
        if de_taxid_valid(s):
            return rng.choice([s, f"{s[:2]} {s[2:5]} {s[5:8]} {s[8:]}"])


def _fr_nir(rng: random.Random) -> str:
    body = f"{rng.randint(1, 2)}{rng.randint(40, 99):02d}{rng.randint(1, 12):02d}{rng.randint(1, 95):02d}" \
           f"{_digits(rng, 3)}{_digits(rng, 3)}"
    key = 97 - int(body) % 97
    return rng.choice([body + f"{key:02d}", f"{body[0]} {body[1:3]} {body[3:5]} {body[5:7]} {body[7:10]} "
                                            f"{body[10:13]} {key:02d}"])


def _us_ssn(rng: random.Random) -> str:
    a, g, s = rng.randint(1, 665), rng.randint(1, 99), rng.randint(1, 9999)
    return rng.choice([f"{a:03d}-{g:02d}-{s:04d}", f"{a:03d} {g:02d} {s:04d}"])


def _phone(rng: random.Random) -> str:
    return rng.choice([
        f"+32 2 {rng.randint(200, 999)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
        f"+353 1 {rng.randint(200, 999)} {rng.randint(1000, 9999)}",
        f"+49 30 {rng.randint(1000000, 9999999)}", f"+49{NBSP}89{NBSP}{rng.randint(100000, 999999)}",
        f"0{rng.randint(30, 89)} {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
        f"+31 6 {rng.randint(10000000, 99999999)}", f"06-{rng.randint(10000000, 99999999)}",
        f"+33 1 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
        f"01 {rng.randint(40, 49)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
        f"(212) 555-{rng.randint(1000, 9999)}", f"+1 415 {rng.randint(200, 999)} {rng.randint(1000, 9999)}",
        f"+44 20 {rng.randint(7000, 8999)} {rng.randint(1000, 9999)}", f"0044 20 {rng.randint(7000, 8999)} "
                                                                        f"{rng.randint(1000, 9999)}",
        f"+48 {rng.randint(500, 899)} {rng.randint(100, 999)} {rng.randint(100, 999)}",
        f"02/{rng.randint(200, 999)}.{rng.randint(10, 99)}.{rng.randint(10, 99)}",
        f"0{rng.randint(470, 499)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
    ])


def _email(rng: random.Random) -> str:
    first, last = rng.choice(_FIRST), rng.choice(_LAST).replace(" ", "").replace("'", "")
    local = rng.choice([f"{first}.{last}", f"{first[0]}{last}".lower(), f'"{first} {last}"', "info", "jörg.o'neil",
                        f"{first.lower()}+invoices", "владимир", "用户"])
    return f"{local}@{rng.choice(_DOMAINS)}"


def _card(rng: random.Random) -> str:
    prefix = rng.choice(["4", "51", "55", "37", "6011", "2223"])
    n = 15 if prefix == "37" else 16
    num = _luhn_complete(prefix + _digits(rng, n - len(prefix) - 1))
    sep = rng.choice([" ", "-", NBSP, " - ", ""])
    return _group(num, 4, sep)


def _name(rng: random.Random) -> str:
    return f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"


def _address(rng: random.Random) -> str:
    n = rng.randint(1, 250)
    return rng.choice([f"{n} Main Street", f"Hauptstraße {n}, 10115 Berlin", f"Rue de la Loi {n}, 1040 Bruxelles",
                       f"Kerkstraat {n}, 1017 GC Amsterdam", f"{n} Oak Avenue", f"Avenue Louise {n}",
                       f"ul. Marszałkowska {n}", f"Bahnhofstr. {n}", f"{n} Elm Road", f"Dorpsweg {n}"])


def _url(rng: random.Random) -> str:
    tok = "".join(rng.choice("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") for _ in range(24))
    return rng.choice([(f"https://portal.example.com/reset?token={tok}", tok),
                       (f"https://crm.example.com/view?id=42&sessionid={tok}", tok),
                       (f"https://app.example.com/callback#access_token={tok}", tok),
                       (f"https://mail.example.com/u/0/?email=jane%40example.com&sig={tok}", tok)])


def _jwt(rng: random.Random) -> str:
    import base64
    import json

    def b64(obj: object) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")
    sig = base64.urlsafe_b64encode(bytes(rng.getrandbits(8) for _ in range(32))).decode().rstrip("=")
    return f"{b64({'alg': 'HS256', 'typ': 'JWT'})}.{b64({'sub': _digits(rng, 8), 'name': _name(rng)})}.{sig}"


def _api_key(rng: random.Random) -> str:
    alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    r = "".join(rng.choice(alnum) for _ in range(32))
    return rng.choice([f"sk_live_{r[:24]}", f"AKIA{''.join(rng.choice('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567') for _ in range(16))}",
                       f"ghp_{r}{r[:4]}", f"xoxb-{_digits(rng, 12)}-{r[:24]}", f"AIza{r}{r[:3]}",
                       "".join(rng.choice("0123456789abcdef") for _ in range(40))])


_TEMPLATES: dict[str, tuple[str, ...]] = {
    "email": ("Re: Invoice from {s}", "Inbox - {s} - Outlook", "To: {s}", "{s}", "Mail an {s} senden",
              "Contact {s} for details", "Compose - {s} - Thunderbird"),
    "iban": ("IBAN {s}", "Payment to {s} confirmed", "{s}", "Beneficiary account: {s} (EUR)", "Rekening {s}"),
    "card": ("Card number {s}", "{s}", "Pay with card {s} - Checkout", "CC: {s} exp 12/27"),
    "phone": ("Call {s}", "Tel.: {s}", "{s}", "Mobile {s} (private)", "Rückruf unter {s}", "Phone: {s} ext. 12"),
    "national_id": ("Rijksregisternummer {s}", "National number: {s}", "{s}", "BSN {s} - Klantdossier",
                    "Steuer-ID: {s}", "N° sécurité sociale {s}", "SSN {s}"),
    "name": ("Inbox - {s} - Outlook", "Chat with {s} | Microsoft Teams", "From: {s}", "Dear {s},",
             "{s} - Contact card", "Assignee: {s}", "Meeting with {s} - Calendar"),
    "address": ("Ship to {s}", "Delivery address: {s}", "{s}", "Kunde wohnt {s}"),
    "url_value": ("{s}", "Open {s} - Firefox", "Link: {s}"),
    "secret": ("Authorization: Bearer {s}", "token={s}", "{s}", "API key {s} - Settings", "export KEY={s}"),
}
_GEN = {"email": _email, "iban": lambda r: _group(_iban(r), 4, r.choice([" ", NBSP, "", " - ", "-"])),
        "card": _card, "phone": _phone, "name": _name, "address": _address}
_NATIONAL = {"Rijksregisternummer": _be_nrn, "National number": _be_nrn, "BSN": _nl_bsn, "Steuer-ID": _de_taxid,
             "sécurité": _fr_nir, "SSN": _us_ssn, "{s}": _be_nrn}


def identifiers(seed: int = 15, per_kind: int = 36) -> Iterator[tuple[str, str, str]]:
    """``(kind, text, secret)`` triples: ``per_kind`` per kind of :data:`_TEMPLATES`.

    Examples
    --------
    >>> kinds = {k for k, _, _ in identifiers(per_kind=2)}
    >>> sorted(kinds)[:3]
    ['address', 'card', 'email']
    """
    rng = random.Random(seed)
    for kind, templates in _TEMPLATES.items():
        for i in range(per_kind):
            template = templates[i % len(templates)]
            if kind == "national_id":
                gen = next(g for k, g in _NATIONAL.items() if k in template)
                secret = gen(rng)
            elif kind == "url_value":
                text_url, secret = _url(rng)
                yield kind, template.format(s=text_url), secret
                continue
            elif kind == "secret":
                secret = _jwt(rng) if i % 3 == 0 else _api_key(rng)
            else:
                secret = _GEN[kind](rng)
            yield kind, template.format(s=secret), secret


def innocuous(seed: int = 15) -> list[str]:
    """Texts redaction must leave unchanged (dates, amounts, versions, ordinary titles)."""
    rng = random.Random(seed + 1)
    out = ["Budget 2026 - Excel", "Quarterly report Q3 2025.xlsx - LibreOffice Calc", "Page 12 of 300",
           "Untitled 1 - LibreOffice Writer", "Save As", "Monthly Report - Excel", "Inbox (12) - Outlook",
           "Settings", "Document1 - Word", "Meeting notes 2026-03-01.docx", "Python 3.11.4", "Version 2.14.3",
           "v1.2.0-beta.1", "Release 10.0.19045", "Chrome 126.0.6478.127", "Resolution 1920x1080",
           "Zoom 125%", "Total: 1,250.00 EUR", "€ 1.234,56", "$12,345.67", "EUR 980", "12.5 kg", "250 pcs",
           "3 items in cart", "Due (12/03/2026)", "Delivered (2026-03-01)", "Call at 14:30", "09:15 AM standup",
           "2026-12-03T08:43:31.123456Z", "2026-12-03 08:43:31", "Updated 03.12.2026 09:12",
           "Sheet 3 of 12", "Row 1048576", "Chapter 4.2", "Table 3.1 Results", "Step 2/5",
           "Order status: shipped", "Customer overview - CRM", "New message - Thunderbird", "Calendar - Outlook",
           "General | Microsoft Teams", "Budget review | Microsoft Teams", "Drafts - Outlook",
           "Invoice INV-2024-001 - SAP", "PO 4500 approved", "Q1 2026 sales", "Top 10 products",
           "Windows 11 Pro", "Build 22631", "Port 8080", "HTTP 404 Not Found", "ISO 9001 audit",
           "Temperature 21.5 °C", "Battery 87%", "Tab 3", "Week 48", "Dec 3, 2026", "3 December 2026",
           "from 2026-01-01 to 2026-03-31", "Report (2025-2026)", "Offer valid 30 days", "Discount 15%",
           "1.5x speed", "Price per unit: 4.99", "Shipping 12,50 €", "Stock level 4,200", "Sum 1 250,00 €",
           "Period 01/2026", "Fiscal year 2025/26", "Meeting room 3.14", "Floor 2, Room 214",
           "Ticket PROJ-1234 - Jira", "Sprint 42 board - Jira", "Pull request #318 - GitHub",
           "README.md - Visual Studio Code", "main.py - project - Visual Studio Code", "localhost:3000",
           "https://example.com/docs/getting-started", "https://intranet.example.com/wiki/Onboarding",
           "Downloads", "Trash", "Terminal", "Calculator", "Task Manager", "Control Panel"]
    for _ in range(70):
        y, m, d = rng.randint(2020, 2027), rng.randint(1, 12), rng.randint(1, 28)
        h, mi, s = rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59)
        amount = rng.randint(1, 99999) + rng.randint(0, 99) / 100
        out.append(rng.choice([
            f"Invoice dated ({y}-{m:02d}-{d:02d})", f"Due ({d:02d}.{m:02d}.{y})", f"Posted {d:02d}/{m:02d}/{y}",
            f"{y}-{m:02d}-{d:02d}T{h:02d}:{mi:02d}:{s:02d}.{rng.randint(0, 999999):06d}Z",
            f"Total {amount:,.2f} EUR", f"€ {amount:,.2f}".replace(",", "X").replace(".", ",").replace("X", "."),
            f"Qty {rng.randint(1, 999)} pcs", f"Version {rng.randint(1, 20)}.{rng.randint(0, 30)}.{rng.randint(0, 99)}",
            f"Page {rng.randint(1, 50)} of {rng.randint(50, 999)}", f"{rng.randint(2, 40)} GB free",
            f"Meeting at {h:02d}:{mi:02d}", f"Report {y} Q{rng.randint(1, 4)}",
        ]))
    return out
