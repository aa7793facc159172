"""Check digits of the identifiers redaction validates: cards, IBANs, national ids.

Each function takes the digits (or characters) without separators and says
whether the check digits are right. Redaction uses them to *name* what it
found; see :mod:`taskmining.privacy.detectors` for when a failed check still
leads to redaction (it usually does: a mistyped identifier is still one).

Examples
--------
>>> luhn_valid("4111111111111111"), iban_valid("DE89370400440532013000")
(True, True)
>>> be_national_valid("85073003328"), nl_bsn_valid("111222333"), fr_nir_valid("185077512345608")
(True, True, True)
"""

from __future__ import annotations

__all__ = ["luhn_valid", "iban_valid", "be_national_valid", "nl_bsn_valid", "de_taxid_valid",
           "fr_nir_valid", "us_ssn_plausible", "es_dni_valid"]


def luhn_valid(digits: str) -> bool:
    """True when the digit string passes the Luhn check (card numbers).

    Examples
    --------
    >>> luhn_valid("4111111111111111"), luhn_valid("4111111111111112")
    (True, False)
    """
    if not digits.isdigit():
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def iban_valid(compact: str) -> bool:
    """ISO 13616 mod-97 check of an IBAN without separators.

    Examples
    --------
    >>> iban_valid("GB82WEST12345698765432"), iban_valid("GB82WEST12345698765433")
    (True, False)
    """
    s = compact.upper()
    if not 15 <= len(s) <= 34 or not s[:2].isalpha() or not s[2:4].isdigit() or not s.isalnum():
        return False
    try:
        number = int("".join(str(int(c, 36)) for c in s[4:] + s[:4]))
    except ValueError:
        return False
    return number % 97 == 1


def be_national_valid(digits: str) -> bool:
    """Belgian national register number (11 digits, mod-97 check; births from 2000 too).

    Examples
    --------
    >>> be_national_valid("85073003328"), be_national_valid("85073003329")
    (True, False)
    """
    if len(digits) != 11 or not digits.isdigit():
        return False
    base, check = int(digits[:9]), int(digits[9:])
    return check in (97 - base % 97, 97 - (2_000_000_000 + base) % 97)


def nl_bsn_valid(digits: str) -> bool:
    """Dutch citizen service number (BSN, 9 digits, the "11-proof").

    Examples
    --------
    >>> nl_bsn_valid("111222333"), nl_bsn_valid("111222334")
    (True, False)
    """
    if len(digits) != 9 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1))) - int(digits[8])
    return total % 11 == 0 and digits != "000000000"


def de_taxid_valid(digits: str) -> bool:
    """German tax id (Steuer-IdNr, 11 digits, ISO 7064 MOD 11,10 check digit).

    Examples
    --------
    >>> de_taxid_valid("65929970489"), de_taxid_valid("65929970488")
    (True, False)
    """
    if len(digits) != 11 or not digits.isdigit() or digits[0] == "0":
        return False
    product = 10
    for d in digits[:10]:
        total = (int(d) + product) % 10 or 10
        product = (total * 2) % 11
    check = 11 - product
    return (0 if check == 10 else check) == int(digits[10])


def fr_nir_valid(chars: str) -> bool:
    """French social security number (NIR: 13 characters + 2-digit key; Corsica 2A/2B).

    Examples
    --------
    >>> fr_nir_valid("185077512345608"), fr_nir_valid("185077512345609")
    (True, False)
    """
    s = chars.upper()
    if len(s) != 15:
        return False
    corsica = {"2A": "19", "2B": "18"}.get(s[5:7])
    body = s[:5] + corsica + s[7:13] if corsica else s[:13]
    if not body.isdigit() or not s[13:].isdigit():
        return False
    return 97 - int(body) % 97 == int(s[13:])


def us_ssn_plausible(digits: str) -> bool:
    """US social security number: 9 digits, area not 000/666/9xx, group and serial not zero.

    Examples
    --------
    >>> us_ssn_plausible("123456789"), us_ssn_plausible("666123456")
    (True, False)
    """
    if len(digits) != 9 or not digits.isdigit():
        return False
    area, group, serial = digits[:3], digits[3:5], digits[5:]
    return area not in ("000", "666") and area[0] != "9" and group != "00" and serial != "0000"


def es_dni_valid(chars: str) -> bool:
    """Spanish DNI (8 digits and a letter) or NIE (X, Y or Z, 7 digits and a letter): the letter checks.

    Examples
    --------
    >>> es_dni_valid("12345678Z"), es_dni_valid("X1234567L"), es_dni_valid("12345678A")
    (True, True, False)
    """
    chars = chars.upper()
    if chars[:1] in ("X", "Y", "Z"):
        chars = str("XYZ".index(chars[0])) + chars[1:]
    if len(chars) != 9 or not chars[:8].isdigit():
        return False
    return "TRWAGMYFPDXBNJZSQVHLCKE"[int(chars[:8]) % 23] == chars[8]
