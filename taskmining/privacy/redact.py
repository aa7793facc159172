"""Redaction of identifiers in free text: one pipeline for titles, element names, values.

Every identifier the pipeline finds is replaced by ``[kind:h:0123456789abcdef]``:
the keyed hash of the normalised value, so the same customer e-mail or invoice
number still joins across events while the value never reaches disk or a
report. The kinds, what each covers and what it does not, are the coverage
table of docs/privacy.md; the detectors and their order are in
:mod:`taskmining.privacy.detectors`.

Text that is already redacted (``[kind:h:…]``), a bare hash (``h:…``), a
pseudonym (``u-…``), ISO timestamps, dates, times, version numbers and amounts
are kept as they are, so redaction is idempotent and leaves the recorder's
own fields alone.

Examples
--------
>>> redact_text("Re: order 12345678 from jane.doe@example.com", b"team-salt")
'Re: order [digits:h:d62390606ca1486c] from [email:h:6846574a79cc4f83]'
>>> redact_text("Budget 2026 - Excel", b"team-salt")
'Budget 2026 - Excel'
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

import numpy as np
import pandas as pd

from taskmining.privacy.checksums import luhn_valid
from taskmining.privacy.detectors import MIN_DIGITS, digits_of, spans
from taskmining.privacy.hashing import _digest, as_salt
from taskmining.schema import STRING_DTYPE

__all__ = ["KINDS", "PERSONAL_KINDS", "is_personal", "MIN_DIGITS", "redact_text", "redact_series", "redact_frame",
           "luhn_valid", "REDACT_COLUMNS"]

#: The kinds of identifier redacted (see the coverage table in docs/privacy.md).
KINDS: tuple[str, ...] = ("email", "url_value", "secret", "iban", "national_id", "card", "phone", "ip",
                          "name", "address", "digits")
#: Kinds that identify a person: a value holding one is never hashed with the link key.
PERSONAL_KINDS = frozenset({"email", "iban", "national_id", "card", "phone", "name", "address", "secret"})
#: The event columns redacted by default.
REDACT_COLUMNS: tuple[str, ...] = ("window", "element_name", "value")
_DIGIT_KINDS = frozenset({"card", "phone", "digits"})


def _norm(kind: str, text: str) -> str:
    if kind in _DIGIT_KINDS:
        return digits_of(text)
    if kind in ("email", "name", "address"):
        return unicodedata.normalize("NFKC", text).casefold().replace("＠", "@")
    return text


def _token(kind: str, norm: str, key: bytes) -> str:
    return f"[{kind}:h:{_digest(kind + ':' + norm, key)[:16]}]"


def _redact(text: str, key: bytes, kinds: frozenset[str], names: tuple[str, ...]) -> str:
    out, pos = [], 0
    for s, e, kind, norm in spans(text, names):
        if kind is None or kind not in kinds:
            continue
        out.append(text[pos:s])
        out.append(_token(kind, _norm(kind, norm), key))
        pos = e
    if not out:
        return text
    out.append(text[pos:])
    return "".join(out)


def is_personal(text: str, names: Iterable[str] = ()) -> bool:
    """True when ``text`` holds an identifier of one of :data:`PERSONAL_KINDS`.

    Examples
    --------
    >>> is_personal("INV-2024-001"), is_personal("PO 4576244887"), is_personal("jo@corp.com")
    (False, False, True)
    """
    return any(kind in PERSONAL_KINDS for _, _, kind, _ in spans(str(text), tuple(names)))


def redact_text(text: str | None, salt: bytes | str, *, kinds: Iterable[str] = KINDS,
                names: Iterable[str] = ()) -> str | None:
    """Replace identifiers in ``text`` by ``[kind:h:…]`` tokens.

    Parameters
    ----------
    text : str or None
        A title, element name or value; ``None`` is returned unchanged.
    salt : bytes or str
        The salt of :func:`taskmining.privacy.hash_value`.
    kinds : iterable of str
        Which of :data:`KINDS` to redact (all by default).
    names : iterable of str
        Extra given names or full names to recognise (e.g. a staff directory).

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
    return _redact(str(text), as_salt(salt), frozenset(kinds), tuple(names))


def redact_series(values: pd.Series, salt: bytes | str, *, kinds: Iterable[str] = KINDS,
                  names: Iterable[str] = ()) -> pd.Series:
    """:func:`redact_text` over a Series, each distinct value once (titles repeat heavily).

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.Series(["a@b.org", "plain", None, "a@b.org"])
    >>> out = redact_series(s, b"team-salt")
    >>> out.iloc[0] == out.iloc[3] != "a@b.org", out.iloc[1], pd.isna(out.iloc[2])
    (True, 'plain', True)
    """
    key = as_salt(salt)
    wanted, extra = frozenset(kinds), tuple(names)
    text = values.astype(STRING_DTYPE) if values.dtype != STRING_DTYPE else values
    codes, uniques = pd.factorize(text, use_na_sentinel=True)
    fixed = np.array([_redact(str(u), key, wanted, extra) for u in uniques] + [None], dtype=object)
    return pd.Series(fixed[codes], index=values.index, dtype=STRING_DTYPE, name=values.name)


def redact_frame(events: pd.DataFrame, salt: bytes | str, *, columns: Iterable[str] = REDACT_COLUMNS,
                 kinds: Iterable[str] = KINDS, names: Iterable[str] = ()) -> pd.DataFrame:
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
            out[col] = redact_series(out[col], salt, kinds=kinds, names=names)
    return out
