"""Phone numbers: found by shape, confirmed with ``phonenumbers`` when it is installed.

A candidate is a run of digits with the separators people type (space,
no-break space, ``.``, ``-``, ``/``, parentheses) of 7 to 15 digits.

- With an international prefix (``+`` or ``00``) or an area code in
  parentheses it is always a phone number (fail closed: an invalid number
  typed into a field is still one).
- Without one, a single run of digits not starting with ``0`` is a number,
  not a phone (it is redacted as ``digits`` when it has 6 or more digits).
- Otherwise it is a phone number when ``phonenumbers`` (Google's
  libphonenumber, optional extra ``taskmining[privacy]``) says it is a
  possible number in one of :data:`REGIONS`. Without the library, every
  candidate of 7 or more digits is redacted: phone redaction fails closed.

Examples
--------
>>> phone_kind("+32 2 555 12 34"), phone_kind("(030) 1234 5678"), phone_kind("1")
('phone', 'phone', None)
"""

from __future__ import annotations

import functools
import re
from typing import Any

__all__ = ["PHONE_CANDIDATE", "REGIONS", "phone_kind", "have_phonenumbers"]

#: Regions whose national formats are tried for numbers without a country prefix.
REGIONS: tuple[str, ...] = ("BE", "NL", "DE", "FR", "GB", "IE", "US", "PL", "ES", "IT", "CH", "AT")

_SEP = r"(?:[ \u00a0\u202f./-]|\s-\s)?"
#: A phone-shaped run; never starts inside a word or a reference like ``INV-2024``.
PHONE_CANDIDATE = re.compile(
    r"(?<![\w+\-/.])(?:(?:\+|00)\d{1,3}" + _SEP + r")?(?:\(\d{1,5}\)" + _SEP + r")?\d{1,5}"
    r"(?:" + _SEP + r"\d{2,8}){1,6}(?![\w]|[.,/-]\d)")


@functools.lru_cache(maxsize=1)
def _lib() -> Any:
    try:
        import phonenumbers
    except ImportError:
        return None
    return phonenumbers


def have_phonenumbers() -> bool:
    """True when the ``phonenumbers`` library is installed.

    Examples
    --------
    >>> isinstance(have_phonenumbers(), bool)
    True
    """
    return _lib() is not None


def _possible(digits: str, lib: Any) -> bool:
    for region in REGIONS:
        try:
            number = lib.parse(digits, region)
        except lib.NumberParseException:
            continue
        if lib.is_possible_number(number) and lib.is_valid_number(number):
            return True
    return False


def phone_kind(text: str) -> str | None:
    """``"phone"`` when ``text`` (one candidate) is a phone number, else None.

    Examples
    --------
    >>> phone_kind("0032 2 555 12 34"), phone_kind("2026")
    ('phone', None)
    """
    digits = re.sub(r"\D", "", text)
    if not 7 <= len(digits) <= 15:
        return None
    stripped = text.lstrip()
    if stripped.startswith(("+", "00", "(")):
        return "phone"
    if stripped.isdigit() and not stripped.startswith("0"):
        return None  # one bare run of digits is a number (redacted as digits when long), not a phone
    lib = _lib()
    if lib is None:
        return "phone"  # fail closed: no library to tell a phone number from another number
    if _possible(digits, lib):
        return "phone"
    return None
