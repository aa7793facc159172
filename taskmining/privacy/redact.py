"""Redaction of identifiers in free text: titles, element names, values.

E-mail addresses, IBANs, card numbers (Luhn-valid), phone numbers and long
digit runs are replaced by ``[kind:h:0123456789abcdef]``: the salted hash of
the normalised value, so the same invoice number or customer e-mail still
joins across events while the value itself never reaches disk or a report.

Text that is already redacted (``[kind:h:…]``) or is a bare hash (``h:…``)
is left unchanged, so redaction is idempotent.

Examples
--------
>>> redact_text("Re: order 12345678 from jane.doe@example.com", b"team-salt")
'Re: order [digits:h:d62390606ca1486c] from [email:h:6846574a79cc4f83]'
>>> redact_text("Budget 2026 - Excel", b"team-salt")
'Budget 2026 - Excel'
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

from taskmining.privacy.hashing import _digest, as_salt
from taskmining.schema import STRING_DTYPE

__all__ = ["KINDS", "MIN_DIGITS", "redact_text", "redact_series", "redact_frame",
           "luhn_valid", "REDACT_COLUMNS"]

#: Digit runs this long or longer are redacted (years and short counts stay).
MIN_DIGITS = 6
#: The kinds of identifier found, in matching order.
KINDS: tuple[str, ...] = ("email", "iban", "card", "phone", "digits")
#: The event columns redacted by default.
REDACT_COLUMNS: tuple[str, ...] = ("window", "element_name", "value")

_KEPT = (r"(?P<kept>\[[a-z]+:h:[0-9a-f]{16}\]|(?<![\w:])h:[0-9a-f]{16}\b"
         r"|\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?)?\b|\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b)")
_EMAIL = r"(?P<email>[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})"
_IBAN = r"(?P<iban>\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?\b)"
_CARD = r"(?P<card>(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-]))"
_PHONE = (r"(?P<phone>(?<![\w+])(?:\+|00|\()?\d{1,5}\)?[ ./-]?(?:\(\d{1,5}\)[ ./-]?)?\d{2,8}"
          r"(?:[ ./-]\d{2,8}){0,4}(?![\w.]\w)(?!\d))")  # never ends inside a run of digits
_DIGITS = rf"(?P<digits>(?<!\d)\d{{{MIN_DIGITS},}}(?!\d))"
_PATTERN = re.compile("|".join((_KEPT, _EMAIL, _IBAN, _CARD, _PHONE, _DIGITS)))
# what a rejected candidate (an IBAN-shaped text failing its checksum, a short
# "phone") is searched for instead
_FALLBACK = {"iban": re.compile("|".join((_CARD, _PHONE, _DIGITS))), "phone": re.compile(_DIGITS)}
# a cheap pre-filter: values without '@' and without a run of digits cannot match
_CANDIDATE = re.compile(r"@|\d(?:[ ./()+-]{0,2}\d){5,}|\[[a-z]+:h:|h:[0-9a-f]{16}")


def luhn_valid(digits: str) -> bool:
    """True when the digit string passes the Luhn check (card numbers).

    Examples
    --------
    >>> luhn_valid("4111111111111111"), luhn_valid("4111111111111112")
    (True, False)
    """
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _iban_valid(text: str) -> bool:
    s = text.replace(" ", "")
    if not 15 <= len(s) <= 34:
        return False
    moved = s[4:] + s[:4]
    try:
        number = int("".join(str(int(c, 36)) for c in moved))
    except ValueError:
        return False
    return number % 97 == 1


def _replace(match: re.Match[str], key: bytes, kinds: frozenset[str]) -> str:
    kind = match.lastgroup or "kept"
    text = match.group(0)
    if kind == "kept":
        return text
    digits = re.sub(r"\D", "", text)
    if kind == "card" and not luhn_valid(digits):
        kind = "digits"  # a long number, not a card: still an identifier
    rejected = (
        (kind == "iban" and not _iban_valid(text))
        or (kind == "phone" and not (len(digits) >= 9 or (len(digits) >= 7 and text[0] in "+0(")))
    )
    if rejected:
        return _FALLBACK[kind].sub(lambda m: _replace(m, key, kinds), text)
    if kind not in kinds:
        return text
    if kind == "email":
        norm = text.lower()
    elif kind == "iban":
        norm = text.replace(" ", "").upper()
    else:
        norm = digits
    return _token(kind, norm, key)


def _token(kind: str, norm: str, key: bytes) -> str:
    return f"[{kind}:h:{_digest(kind + ':' + norm, key)[:16]}]"


def redact_text(text: str | None, salt: bytes | str, *, kinds: Iterable[str] = KINDS) -> str | None:
    """Replace identifiers in ``text`` by ``[kind:h:…]`` tokens.

    Parameters
    ----------
    text : str or None
        A title, element name or value; ``None`` is returned unchanged.
    salt : bytes or str
        The salt of :func:`taskmining.privacy.hash_value`.
    kinds : iterable of str
        Which of :data:`KINDS` to redact (all by default).

    Returns
    -------
    str or None

    Examples
    --------
    >>> redact_text("Call +49 30 1234567", b"team-salt")
    'Call [phone:h:592e35f0be0169e1]'
    >>> redact_text("Pay DE89 3704 0044 0532 0130 00", b"team-salt")
    'Pay [iban:h:d5477cb3e3e2ed3b]'
    >>> redact_text("card 4111 1111 1111 1111", b"team-salt")
    'card [card:h:c0b4926c80c0b4d6]'
    """
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return text
    text = str(text)
    if not _CANDIDATE.search(text):
        return text
    key = as_salt(salt)
    wanted = frozenset(kinds)
    return _PATTERN.sub(lambda m: _replace(m, key, wanted), text)


def redact_series(values: pd.Series, salt: bytes | str, *, kinds: Iterable[str] = KINDS) -> pd.Series:
    """:func:`redact_text` over a Series, each distinct candidate value once.

    A vectorised pre-filter finds the values that may hold an identifier;
    only the distinct ones among them go through the regular expression.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.Series(["a@b.org", "plain", None, "a@b.org"])
    >>> out = redact_series(s, b"team-salt")
    >>> out.iloc[0] == out.iloc[3] != "a@b.org", out.iloc[1], pd.isna(out.iloc[2])
    (True, 'plain', True)
    """
    key = as_salt(salt)
    wanted = frozenset(kinds)
    text = values.astype(STRING_DTYPE) if values.dtype != STRING_DTYPE else values
    cand = text.str.contains(_CANDIDATE.pattern, regex=True, na=False)  # a str: pandas 2.3 Arrow strings refuse a compiled pattern.to_numpy(dtype=bool)
    out = text.copy()
    if cand.any():
        sub = text[cand]
        codes, uniques = pd.factorize(sub)
        fixed = np.array([_PATTERN.sub(lambda m: _replace(m, key, wanted), u) for u in uniques], dtype=object)
        out[cand] = fixed[codes]
    return out


def redact_frame(events: pd.DataFrame, salt: bytes | str, *,
                 columns: Iterable[str] = REDACT_COLUMNS, kinds: Iterable[str] = KINDS) -> pd.DataFrame:
    """A copy of ``events`` with identifiers redacted in ``columns``.

    Columns that are absent are skipped; the input frame is not modified.

    Examples
    --------
    >>> import pandas as pd
    >>> ev = pd.DataFrame({"window": ["Mail to bob@corp.com"], "value": [None]})
    >>> redact_frame(ev, b"team-salt")["window"].str.startswith("Mail to [email:h:").tolist()
    [True]
    >>> ev.loc[0, "window"]
    'Mail to bob@corp.com'
    """
    out = events.copy()
    for col in columns:
        if col in out.columns:
            out[col] = redact_series(out[col], salt, kinds=kinds)
    return out
