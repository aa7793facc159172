"""The detectors of the redaction pipeline, in the order they claim text.

Each detector finds spans ``(start, end, kind, normalised)``; ``kind`` is
``None`` for text that is *kept* on purpose (tokens already redacted, ISO
timestamps, dates, times, version numbers, amounts): a kept span cannot be
claimed by a later detector, which is what keeps dates from becoming phone
numbers. The first detector to claim a character wins.

Order (see :data:`PIPELINE`): tokens, URL secrets, e-mail, JWT, API keys,
IBAN, phones with an international prefix, national ids, cards, kept forms,
IPv4, other phones, addresses, names, digit runs.

Examples
--------
>>> [(k, t) for _, _, k, t in spans("Mail info@müller-gmbh.de at 2026-12-03T08:43:31Z")]
[('email', 'info@müller-gmbh.de'), (None, '2026-12-03T08:43:31Z')]
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator

from taskmining.privacy.checksums import (
    be_national_valid,
    de_taxid_valid,
    es_dni_valid,
    fr_nir_valid,
    iban_valid,
    luhn_valid,
    nl_bsn_valid,
    us_ssn_plausible,
)
from taskmining.privacy.names import find_addresses, find_names
from taskmining.privacy.phones import PHONE_CANDIDATE, phone_kind

__all__ = ["Span", "PIPELINE", "MIN_DIGITS", "spans", "digits_of"]

Span = tuple[int, int, "str | None", str]
Finder = Callable[[str, tuple[str, ...]], Iterable[Span]]

#: Digit runs this long or longer are redacted (years and short counts stay).
MIN_DIGITS = 6
_SEP = r"(?:[ \u00a0\u202f.\-–]|\s[-–]\s)?"  # the separators people put between digit groups


def digits_of(text: str) -> str:
    """The decimal digits of ``text`` (any script) as ASCII.

    Examples
    --------
    >>> digits_of("４１ 11-x")
    '4111'
    """
    return "".join(str(int(c)) for c in text if c.isdigit() and c.isdecimal())


def _regex(kind: str | None, pattern: str, flags: int = 0,
           check: Callable[[str], str | None] | None = None) -> Finder:
    rx = re.compile(pattern, flags)

    def find(text: str, names: tuple[str, ...]) -> Iterator[Span]:
        for m in rx.finditer(text):
            k = kind if check is None else check(m.group(0))
            if k is not None or kind is None:
                yield m.start(), m.end(), k, m.group(0)
    return find


_TOKENS = _regex(None, r"\[[a-z_]+:h:[0-9a-f]{16}\]|(?<![\w:])h:[0-9a-f]{16}\b|(?<![\w-])u-[0-9a-f]{8}\b")

# URL query values and fragments (the parameter names and the path stay)
_URL_SECRET = re.compile(r"(?i:https?://|www\.)[^\s?#]*(?P<q>\?[^\s#]*)?(?P<f>#\S*)?")
_PROFILE_SEGMENT = re.compile(r"(?i)/(?:in|pub|profile|profiles|people|person|user|users|u|member|members|"
                              r"employee|employees|contact|contacts|author)/([^/?#\s]+)")
_QUERY_VALUE = re.compile(r"(?<=[?&;])([^=&;#\s]+)=([^&;#\s]+)")


def _url_secrets(text: str, names: tuple[str, ...]) -> Iterator[Span]:
    for m in _URL_SECRET.finditer(text):
        if m.group("q"):
            base = m.start("q")
            for q in _QUERY_VALUE.finditer(m.group("q")):
                yield base + q.start(2), base + q.end(2), "url_value", q.group(2)
        if m.group("f") and len(m.group("f")) > 1:
            yield m.start("f") + 1, m.end("f"), "url_value", m.group("f")[1:]
        path = m.group(0)[:m.start("q") - m.start() if m.group("q") else None]
        for seg in _PROFILE_SEGMENT.finditer(path):  # a person's profile or contact page
            yield m.start() + seg.start(1), m.start() + seg.end(1), "url_value", seg.group(1)
        # a long random path segment (reset links, session ids in paths)
        for seg in re.finditer(r"(?<=/)[A-Za-z0-9_\-]{20,}(?=[/?#]|$)", m.group(0)[:m.start("q") - m.start()
                                                                            if m.group("q") else None]):
            if re.search(r"\d", seg.group(0)) and re.search(r"[A-Za-z]", seg.group(0)):
                yield m.start() + seg.start(), m.start() + seg.end(), "secret", seg.group(0)


_EMAIL = _regex("email", r"(?:\"[^\"\r\n@]{1,64}\"|[\w.!#$&'*+=?^`{|}~\-]+(?:%(?!40)[\w.!#$&'*+=?^`{|}~\-]+)*)"
                         r"(?:[@＠]|%40)"
                         r"(?:\[[0-9.:a-fA-F]+\]|(?:[\w\-]+[.。．])+[\w\-]{2,})")
_JWT = _regex("secret", r"\beyJ[A-Za-z0-9_\-]{5,}\.[A-Za-z0-9_\-]{5,}\.[A-Za-z0-9_\-]*")
_API_KEY = _regex("secret", r"\b(?:sk|pk|rk)[-_](?:live|test|proj)?[-_]?[A-Za-z0-9]{16,}\b|\bAKIA[0-9A-Z]{16}\b"
                            r"|\bgh[pousr]_[A-Za-z0-9]{30,}\b|\bxox[abprs]-[A-Za-z0-9\-]{10,}\b"
                            r"|\bAIza[0-9A-Za-z_\-]{30,}\b|\bglpat-[A-Za-z0-9_\-]{20,}\b"
                            r"|(?i:\b(?:api[_-]?key|token|secret|password|passwd|pwd|sessionid|session_id|sid|"
                            r"auth|bearer|passwort|kennwort|wachtwoord|mot de passe|hasło|haslo|contraseña|"
                            r"senha|parola|pin)\b\s*[:=]\s*|\bbearer\s+)[^\s,;]{4,}"
                            r"|\bBasic\s+(?=[A-Za-z0-9+/]*[0-9+/A-Z=])[A-Za-z0-9+/]{8,}={0,2}"
                            r"|\b[0-9a-fA-F]{32,}\b|\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b"
                            r"|\b(?=[A-Za-z0-9_\-]*\d)(?=[A-Za-z0-9_\-]*[a-z])(?=[A-Za-z0-9_\-]*[A-Z])"
                            r"[A-Za-z0-9_\-]{24,}\b")


def _iban(text: str, names: tuple[str, ...]) -> Iterator[Span]:
    for m in re.finditer(r"\b[A-Z]{2}\d{2}(?:" + _SEP + r"[A-Z0-9]){11,32}", text):
        s = m.group(0)
        # the longest prefix whose characters pass the checksum (words may follow the IBAN)
        pos = [i + 1 for i, c in enumerate(s) if c.isalnum()]
        for n in range(min(len(pos), 34), 14, -1):
            compact = re.sub(r"[^A-Za-z0-9]", "", s[:pos[n - 1]])
            if iban_valid(compact):
                yield m.start(), m.start() + pos[n - 1], "iban", compact.upper()
                break


def _national(kind: str, pattern: str, check: Callable[[str], bool], strict: bool) -> Finder:
    rx = re.compile(pattern)

    def find(text: str, names: tuple[str, ...]) -> Iterator[Span]:
        for m in rx.finditer(text):
            chars = re.sub(r"[^0-9A-Za-z]", "", m.group(0))
            if check(chars) or not strict:
                yield m.start(), m.end(), kind, chars.upper()
    return find


_NATIONAL: tuple[Finder, ...] = (
    # BE national register: printed 85.07.30-033.28 (any form with separators is redacted)
    _national("national_id", r"(?<![\d.])\d{2}[.\s]?\d{2}[.\s]?\d{2}\s?[-.\s]\s?\d{3}[.\s-]?\d{2}(?![\d])",
              be_national_valid, strict=False),
    # FR NIR: 1 85 07 75 123 456 08 (Corsica 2A/2B)
    _national("national_id", r"(?<![\d])[12]\s?\d{2}\s?(?:0[1-9]|1[0-2]|[2-9]\d)\s?(?:\d{2}|2[AB])\s?\d{3}\s?\d{3}"
              r"(?:\s?\d{2})?(?![\d])", fr_nir_valid, strict=True),
    # US SSN 123-45-6789 / 123 45 6789
    _national("national_id", r"(?<![\d\-])\d{3}[- \u00a0]\d{2}[- \u00a0]\d{4}(?![\d\-])", us_ssn_plausible,
              strict=False),
    # NL BSN printed 1234.56.782 / 123 456 782 / bare 9 digits with the 11-proof
    _national("national_id", r"(?<![\d.])\d{4}[.\s]\d{2}[.\s]\d{3}(?![\d])|(?<![\d])\d{3}[.\s]\d{3}[.\s]\d{3}"
              r"(?![\d.])|(?<![\d])\d{9}(?![\d])", nl_bsn_valid, strict=True),
    # DE Steuer-ID printed 12 345 678 901 or bare 11 digits with its check digit
    _national("national_id", r"(?<![\d])\d{2}[\s/]?\d{3}[\s/]?\d{3}[\s/]?\d{3}(?![\d])", de_taxid_valid,
              strict=True),
    # DE identity card number (9 characters, first a letter from the issuing set)
    _national("national_id", r"\b[CFGHJKLMNPRTVWXYZ][CFGHJKLMNPRTVWXYZ0-9]{8}\b", lambda s: sum(
        c.isdigit() for c in s) >= 4, strict=True),
    # DE social insurance number 65 170839 J 003
    _national("national_id", r"(?<![\d])\d{2}\s?\d{6}\s?[A-Z]\s?\d{3}(?![\d])", lambda s: True, strict=True),
    # UK National Insurance number QQ 12 34 56 C
    _national("national_id", r"\b[A-Z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b", lambda s: True,
              strict=True),
    # IT codice fiscale RSSMRA85T10A562S
    _national("national_id", r"(?i:\b[A-Z]{6}\d{2}[A-EHLMPR-T]\d{2}[A-Z]\d{3}[A-Z]\b)", lambda s: True,
              strict=True),
    # ES DNI 12345678Z / NIE X1234567L (the letter is a checksum)
    _national("national_id", r"\b[XYZ]?-?\d{7,8}-?[A-Z]\b", es_dni_valid, strict=True),
)


def _card(text: str, names: tuple[str, ...], *, luhn_only: bool = False) -> Iterator[Span]:
    for m in re.finditer(r"(?<![\d\-])\d(?:" + _SEP + r"\d){12,18}(?![\d])", text):
        d = digits_of(m.group(0))
        if luhn_valid(d):
            yield m.start(), m.end(), "card", d
        elif not luhn_only:
            yield m.start(), m.end(), "digits", d


def _luhn_cards(text: str, names: tuple[str, ...]) -> Iterator[Span]:
    return _card(text, names, luhn_only=True)


_KEPT = _regex(None, r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?(?!\d)"
                     r"|(?<!\d[./-])\b\d{1,2}[./-]\d{1,2}[./-](?:\d{4}|\d{2})(?![\d.-]\d)"
                     r"|\b\d{1,2}:\d{2}(?::\d{2})?(?:\s?[AaPp][Mm])?\b"
                     r"|(?i:\bv(?:ersion)?\s?|\brelease\s|\bbuild\s)\d+(?:\.\d+){0,4}(?:[-+][0-9A-Za-z.]+)?"
                     r"|(?<![\d./])\d{1,3}(?:\.\d{1,3}){1,2}(?:[-+][A-Za-z][0-9A-Za-z.]*)?(?![\d]|\.\d)"
                     r"|\b(?:19|20)\d{2}\s?[-–/]\s?(?:19|20)?\d{2}\b(?![-./]\d)"
                     r"|(?<![\d/.-])(?:19|20)\d{2}/\d{1,6}(?![\d/.-])|(?<![\w/.-])(?:19|20)\d{2}-\d{3,6}(?![\w/.-])"
                     r"|(?:[€$£¥₹]|\b(?:EUR|USD|GBP|CHF|PLN|SEK|NOK|DKK|JPY)\b)\s?-?\d{1,3}(?:[.,\s\u00a0'’]\d{3})*"
                     r"(?:[.,]\d{1,2})?(?![\d])"
                     r"|(?<![\d.,])-?\d{1,3}(?:[.,\s\u00a0'’]\d{3})*(?:[.,]\d{1,2})?\s?(?:[€$£¥₹%]|"
                     r"(?:EUR|USD|GBP|CHF|PLN|kg|g|km|m|cm|mm|l|ml|pcs|units|items|h|min|s|ms|MB|GB|KB|TB|px)\b)"
                     r"|(?<![\d.,])\d{1,3}(?:,\d{3})+\.\d{2}(?![\d])|(?<![\d.,])\d{1,3}(?:\.\d{3})+,\d{2}(?![\d])"
                     r"|\b\d{2,5}\s?[x×]\s?\d{2,5}\b")


def _phones(text: str, names: tuple[str, ...], *, international: bool = False) -> Iterator[Span]:
    for m in PHONE_CANDIDATE.finditer(text):
        s = m.group(0)
        if international and not s.startswith(("+", "00")):
            continue
        kind = phone_kind(s)
        d = digits_of(s)
        if kind is None and len(d) >= 9:
            kind = "digits"  # a long grouped number that is no phone: still an identifier
        if kind is not None:
            yield m.start(), m.end(), kind, d


_IPV4 = _regex("ip", r"(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)(?![\d.])")
_DIGITS = _regex("digits", rf"(?<!\d)\d{{{MIN_DIGITS},}}(?!\d)")


def _intl_phones(text: str, names: tuple[str, ...]) -> Iterator[Span]:
    return _phones(text, names, international=True)


def _names(text: str, names: tuple[str, ...]) -> Iterator[Span]:
    for s, e, t in find_names(text, names):
        yield s, e, "name", t


def _addresses(text: str, names: tuple[str, ...]) -> Iterator[Span]:
    for s, e, t in find_addresses(text):
        yield s, e, "address", t


#: ``(detector name, finder)`` in claiming order.
PIPELINE: tuple[tuple[str, Finder], ...] = (
    ("tokens", _TOKENS), ("url", _url_secrets), ("email", _EMAIL), ("jwt", _JWT), ("api_key", _API_KEY),
    ("iban", _iban), ("phone_international", _intl_phones), ("card_luhn", _luhn_cards),
    *(("national_id", f) for f in _NATIONAL),
    ("card", _card), ("kept", _KEPT), ("ip", _IPV4), ("phone", _phones), ("address", _addresses),
    ("name", _names), ("digits", _DIGITS),
)


def spans(text: str, names: tuple[str, ...] = ()) -> list[Span]:
    """The claimed spans of ``text``, sorted by position (first claim wins).

    Examples
    --------
    >>> [k for _, _, k, _ in spans("Call +353 1 234 5678 (2026-01-05)")]
    ['phone', None]
    """
    taken: list[Span] = []
    for _, finder in PIPELINE:
        for span in finder(text, names):
            s, e = span[0], span[1]
            if e <= s or any(s < te and ts < e for ts, te, _, _ in taken):
                continue
            taken.append(span)
    taken.sort()
    return taken
