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


def identifiers(seed: int = 15, per_kind: int = 36, handwritten: bool = True) -> Iterator[tuple[str, str, str]]:
    """``(kind, text, secret)`` triples: ``per_kind`` per kind of :data:`_TEMPLATES`, then :data:`HANDWRITTEN`.

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
    if handwritten:
        yield from HANDWRITTEN


def innocuous(seed: int = 15, handwritten: bool = True) -> list[str]:
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
    return out + list(HANDWRITTEN_INNOCUOUS) if handwritten else out


#: Hand-written identifiers in forms the generated ones above do not use (several languages, other
#: separators and orders, identifiers inside URLs): ``(kind, text, secret)``.
HANDWRITTEN: tuple[tuple[str, str, str], ...] = (
    ("name", "Posteingang - Jürgen Weiß - Outlook", "Jürgen Weiß"),
    ("name", "Boîte de réception - François Lefèvre - Outlook", "François Lefèvre"),
    ("name", "Skrzynka odbiorcza - Małgorzata Wiśniewska - Outlook", "Małgorzata Wiśniewska"),
    ("name", "Chat mit Ayşe Yılmaz | Microsoft Teams", "Ayşe Yılmaz"),
    ("name", "Gesprek met Joost Vermeulen | Microsoft Teams", "Joost Vermeulen"),
    ("name", "Discussion avec Aurélie Gauthier | Microsoft Teams", "Aurélie Gauthier"),
    ("name", "Rozmowa z Grzegorz Brzęczek | Microsoft Teams", "Grzegorz Brzęczek"),
    ("name", "Re: Angebot – Frau Dr. Brigitte Hoffmann", "Brigitte Hoffmann"),
    ("name", "Sehr geehrter Herr Oberländer,", "Oberländer"),
    ("name", "Geachte mevrouw Verhoeven,", "Verhoeven"),
    ("name", "Madame Beaulieu - dossier 2026", "Beaulieu"),
    ("name", "Mr. Featherstonehaugh called", "Featherstonehaugh"),
    ("name", "Von: Hoffmann, Brigitte", "Hoffmann, Brigitte"),
    ("name", "Van: De Smet, Wouter", "De Smet, Wouter"),
    ("name", "Zendesk - Ticket #4412 - Olga Petrova", "Olga Petrova"),
    ("name", "Olga Petrova (Extern) - Teams", "Olga Petrova"),
    ("name", "Sachbearbeiter: Reinhold Messmer", "Reinhold Messmer"),
    ("name", "Behandelaar: Sanne Hoekstra", "Sanne Hoekstra"),
    ("name", "Interlocuteur : Gaëlle Marchand", "Gaëlle Marchand"),
    ("name", "Opiekun: Bożena Kaczmarek", "Bożena Kaczmarek"),
    ("name", "Approved by Siobhan Fitzgerald", "Siobhan Fitzgerald"),
    ("email", "Absender: k.mueller@beispiel.de", "k.mueller@beispiel.de"),
    ("email", "mailto:kowalski.jan@poczta.onet.pl", "kowalski.jan@poczta.onet.pl"),
    ("email", "E-Mail: info＠example.com", "info＠example.com"),
    ("email", "<jane_o'neil@corp.example.com>", "jane_o'neil@corp.example.com"),
    ("email", "https://example.com/unsubscribe/jane.doe%40example.com", "jane.doe"),
    ("email", "https://crm.example.com/contacts/marc.dupont@societe.fr/edit", "marc.dupont"),
    ("email", "Antwort an: ZOË.ÅBERG@EXAMPLE.SE", "ZOË.ÅBERG@EXAMPLE.SE"),
    ("phone", "Tel. +49 (0)30 1234567", "+49 (0)30 1234567"),
    ("phone", "Tel.: 030/12345678", "030/12345678"),
    ("phone", "Handy: 0151-23456789", "0151-23456789"),
    ("phone", "GSM: 0475/12.34.56", "0475/12.34.56"),
    ("phone", "GSM 0475.12.34.56", "0475.12.34.56"),
    ("phone", "tél : 06 12 34 56 78", "06 12 34 56 78"),
    ("phone", "Tel. 0032 475 12 34 56", "0032 475 12 34 56"),
    ("phone", "Mobile: 07700 900123", "07700 900123"),
    ("phone", "Phone: (555) 867-5309", "(555) 867-5309"),
    ("phone", "tel:+4930123456", "+4930123456"),
    ("phone", "☎ +41 44 668 18 00", "+41 44 668 18 00"),
    ("phone", "Telefon +43 1 5353535", "+43 1 5353535"),
    ("phone", "kom. 601 234 567", "601 234 567"),
    ("phone", "Tel. 91 123 45 67", "91 123 45 67"),
    ("iban", "IBAN BE71-0961-2345-6769", "BE71-0961-2345-6769"),
    ("iban", "IBAN: FR76 3000 6000 0112 3456 7890 189", "FR76 3000 6000 0112 3456 7890 189"),
    ("iban", "iban de89370400440532013000", "de89370400440532013000"),
    ("iban", "NL91 ABNA 0417 1643 00", "NL91 ABNA 0417 1643 00"),
    ("iban", "Konto: PL61 1090 1014 0000 0712 1981 2874", "PL61 1090 1014 0000 0712 1981 2874"),
    ("card", "Card: 4111.1111.1111.1111", "4111.1111.1111.1111"),
    ("card", "Karte 5500 0000 0000 0004 gültig bis 04/28", "5500 0000 0000 0004"),
    ("card", "AMEX 3782 822463 10005", "3782 822463 10005"),
    ("card", "Diners 3056 930902 5904", "3056 930902 5904"),
    ("national_id", "Sofinummer 123456782", "123456782"),
    ("national_id", "Steuer-IdNr. 12 345 678 903", "12 345 678 903"),
    ("national_id", "Sozialversicherungsnummer 65 170839 J 003", "65 170839 J 003"),
    ("national_id", "NIR 2 84 12 76 451 089 46", "2 84 12 76 451 089 46"),
    ("national_id", "INSZ 85073003328", "85073003328"),
    ("national_id", "Rijksregister: 850730 033 28", "850730 033 28"),
    ("national_id", "SSN: 123 45 6789", "123 45 6789"),
    ("national_id", "Personalausweis L01X00T47", "L01X00T47"),
    ("national_id", "NINO QQ 12 34 56 C", "QQ 12 34 56 C"),
    ("national_id", "Codice fiscale RSSMRA85T10A562S", "RSSMRA85T10A562S"),
    ("national_id", "DNI 12345678Z", "12345678Z"),
    ("national_id", "PESEL 44051401359", "44051401359"),
    ("url_value", "https://www.linkedin.com/in/john-smith-4a1b2c3/", "john-smith-4a1b2c3"),
    ("url_value", "https://app.example.com/login?user=jsmith&next=/home", "jsmith"),
    ("url_value", "https://zoom.us/j/93456781234?pwd=Q2ZBa0dXZ1c3", "Q2ZBa0dXZ1c3"),
    ("secret", "Authorization: Basic dXNlcjpwYXNzd29yZA==", "dXNlcjpwYXNzd29yZA=="),
    ("secret", "Passwort: Sommer2024!", "Sommer2024!"),
    ("secret", "Kennwort = Winter#2025", "Winter#2025"),
    ("secret", "wachtwoord: Lente2026x", "Lente2026x"),
    ("secret", "mot de passe : Soleil!77", "Soleil!77"),
    ("secret", "hasło: Zima2026!", "Zima2026!"),
    ("secret", "AWS secret: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
    ("address", "Lieferadresse: Goethestraße 12a, 80336 München", "Goethestraße 12a, 80336 München"),
    ("address", "Adres: Kerkstraat 12 bus 3, 9000 Gent", "Kerkstraat 12 bus 3, 9000 Gent"),
    ("address", "ul. Piękna 24/26, 00-549 Warszawa", "ul. Piękna 24/26, 00-549 Warszawa"),
    ("address", "221B Baker Street, London NW1 6XE", "221B Baker Street, London NW1 6XE"),
    ("address", "1600 Pennsylvania Ave NW, Washington, DC 20500", "1600 Pennsylvania Ave NW, Washington, DC 20500"),
    ("address", "Via Roma 10, 00184 Roma", "Via Roma 10, 00184 Roma"),
    ("address", "Lindenallee 7, A-1010 Wien", "Lindenallee 7, A-1010 Wien"),
)

#: Hand-written innocuous texts (several languages): they must come out unchanged.
HANDWRITTEN_INNOCUOUS: tuple[str, ...] = (
    "An: Alle", "Seite 3 von 10", "Montag, 7. Dezember 2026", "Summe: 1.234,56 €", "CHF 1'250.00", "Rabatt 10 %",
    "TVA 20 %", "Node v20.11.1", "Excel 16.0.17928", "Standup 09:30–09:45", "10:00 - 11:30 Team meeting",
    "https://jira.example.com/browse/PROJ-1234", "Build 26100.2314", "Version 2026.1",
    "2026-12-03 08:43:31.123 UTC", "2026-12-03T08:43:31+01:00", "Score 4.5/5", "Sheet1!A1:B20", "=SUM(B2:B200)",
    "Gebäude B, Raum 3.05", "Aktenzeichen 2026/117", "Bestand: 1.200 Stück", "Boîte de réception (3) - Outlook",
    "General | Marketing | Microsoft Teams", "Urlaubsantrag.pdf - Adobe Acrobat Reader",
    "Von: 01.12.2026 Bis: 31.12.2026", "Invoice 2026-00017 - Odoo", "Zamówienie nr 12/2026",
    "Facture n° FA-2026-0042", "Angebot AN-10023 - Lexware", "KW 49/2026", "Jahresabschluss 2025 - DATEV",
    "Tel. Durchwahl 214", "Lunch 12:00-13:00", "+3 weitere", "Kosten: 12.345,00 EUR", "1.234.567 Zeilen",
    "Windows 10 22H2", "Page 1 / 12", "Pagina 2 van 5", "Factuur 2026/123 - Exact Online", "ISO 27001 audit 2026",
    "DIN A4 drucken", "Rechnung vom 03.12.2026", "Chat mit dem Vertrieb | Microsoft Teams",
    "Gesprek met het team | Microsoft Teams", "Meeting with Sales Team - Calendar", "Van: Klantenservice",
    "Herr der Ringe.epub", "Dr. Oetker Bestellung", "Passwort ändern - Einstellungen", "Password reset - Portal",
    "Mot de passe oublié ?", "Basic settings", "Bus 3 departs 14:05", "Postcode lookup - Royal Mail",
)
