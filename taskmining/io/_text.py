"""Turning the bytes of a text log into clean UTF-8: encodings, byte-order marks, mojibake, conflict markers.

:func:`decode_text` is the first step of every CSV reader. It

- strips byte-order marks (also repeated ones) and decodes UTF-16 and UTF-32
  (with a mark, or UTF-16 recognised by its zero bytes);
- decodes a file that is not UTF-8 and has no valid multi-byte UTF-8
  sequence at all as Windows-1252 (bytes cp1252 leaves undefined as Latin-1),
  and says so in a note; in a UTF-8 file, lines with bytes that are not UTF-8
  are bad lines (quarantined by the reader);
- repairs text garbled by repeated re-encoding (``Microsoftâ€‹ Edge``) line by
  line with `ftfy <https://ftfy.readthedocs.io>`_ (``fix_encoding`` only:
  quotes, HTML entities and line breaks are left alone), where ftfy's
  badness heuristic detects it; without ftfy those lines are marked bad with
  the reason, never guessed at;
- marks git merge-conflict marker lines (``<<<<<<<``, ``=======``,
  ``>>>>>>>``) as bad.

Lines are never added or removed, so line numbers stay those of the file.

Examples
--------
>>> d = decode_text("a;b\\n1;Microsoftâ€‹ Edge\\n".encode("utf-8"))
>>> d.text.splitlines()[1] == "1;Microsoft\\u200b Edge", d.notes
(True, ['repaired garbled text (mojibake) on 1 line(s) with ftfy'])
>>> decode_text("x\\n<<<<<<< HEAD\\n".encode()).bad
{2: 'git merge-conflict marker line'}
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Any

from taskmining.io.quarantine import QuarantineLog

__all__ = ["Decoded", "decode_text", "has_ftfy", "json_text", "replace_lone_surrogates"]

_BOMS = ((b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xff\xfe\x00\x00", "utf-32-le"),
         (b"\xfe\xff", "utf-16-be"), (b"\xff\xfe", "utf-16-le"))
_UTF8_BOM = b"\xef\xbb\xbf"
# two or more characters typical of UTF-8 read as cp1252/Latin-1 (a cheap first test before ftfy's)
_SUSPECT = re.compile("[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192"
                      "\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]")
_CONFLICT = re.compile(r"^(?:<{7}|={7}|>{7}|\|{7})(?: .*)?\r?$")
_UTF8_TEXT = re.compile("[^\x00-\x7f\udc80-\udcff]")
_ESCAPED = re.compile("[\udc80-\udcff]")


@dataclass
class Decoded:
    """A decoded text log.

    Attributes
    ----------
    text : str
        The content, without byte-order marks, repaired where that was unambiguous.
    notes : list of str
        What was assumed or repaired (encoding, repairs), for the reader's notice.
    bad : dict
        1-based line -> reason, for lines the reader must quarantine whole.
    """

    text: str
    notes: list[str] = field(default_factory=list)
    bad: dict[int, str] = field(default_factory=dict)


def has_ftfy() -> bool:
    """True when the ``ftfy`` repair library can be imported."""
    try:
        import ftfy  # noqa: F401
    except ImportError:
        return False
    return True


def _cp1252(data: bytes) -> str:
    return data.decode("cp1252", errors="latin_1_fallback")


def _latin_fallback(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    return exc.object[exc.start:exc.end].decode("latin-1"), exc.end


def _register() -> None:
    import codecs

    try:
        codecs.lookup_error("latin_1_fallback")
    except LookupError:
        codecs.register_error("latin_1_fallback", _latin_fallback)


_register()


def _utf16_guess(data: bytes) -> str | None:
    """UTF-16 without a mark: most odd (LE) or even (BE) bytes of the head are zero."""
    head = data[:4096]
    if len(head) < 4:
        return None
    even, odd = head[0::2], head[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def _bad_utf8_lines(text: str) -> list[int]:
    """0-based indices of the lines of ``text`` (decoded with ``surrogateescape``) that were not UTF-8."""
    hits = [m.start() for m in _ESCAPED.finditer(text)]
    if not hits:
        return []
    newlines = [m.start() for m in re.finditer("\n", text)]
    return sorted({bisect.bisect_left(newlines, h) for h in hits})


def _decode(data: bytes, notes: list[str], bad: dict[int, str]) -> str:
    for bom, enc in _BOMS:
        if data.startswith(bom):
            notes.append(f"decoded as {enc.upper()} (byte-order mark)")
            return data[len(bom):].decode(enc, errors="replace")
    guess = _utf16_guess(data)
    if guess is not None:
        notes.append(f"decoded as {guess.upper()} (no byte-order mark; recognised by its zero bytes)")
        return data.decode(guess, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8", errors="surrogateescape")
    lines = _bad_utf8_lines(text)
    total = text.count("\n") + 1
    if not _UTF8_TEXT.search(text):  # no valid multi-byte UTF-8 anywhere: an 8-bit encoding
        notes.append(f"not UTF-8 ({len(lines)} of {total} lines): decoded as Windows-1252 (cp1252)")
        return _cp1252(data)
    for k in lines:
        bad[k + 1] = "bytes that are not UTF-8"
    return _ESCAPED.sub("\ufffd", text)


def _fixer() -> Any:
    try:
        import ftfy
        from ftfy.badness import is_bad
    except ImportError:
        return None
    return ftfy.fix_encoding, is_bad


def _repair(lines: list[str], notes: list[str], bad: dict[int, str]) -> None:
    suspect = [i for i, line in enumerate(lines) if _SUSPECT.search(line)]
    if not suspect:
        return
    fixer = _fixer()
    if fixer is None:
        for i in suspect:
            bad.setdefault(i + 1, "garbled text (mojibake); install ftfy (pip install 'taskmining[repair]') "
                                  "to repair it")
        return
    fix, is_bad = fixer
    repaired = 0
    for i in suspect:
        if i + 1 in bad or not is_bad(lines[i]):
            continue
        fixed = fix(lines[i])
        if fixed != lines[i] and "\n" not in fixed:
            lines[i] = fixed
            repaired += 1
    if repaired:
        notes.append(f"repaired garbled text (mojibake) on {repaired} line(s) with ftfy")


def decode_text(data: bytes) -> Decoded:
    """Decode the bytes of a text log (see the module docstring for what is done).

    Parameters
    ----------
    data : bytes
        The whole file (already decompressed).

    Returns
    -------
    Decoded

    Examples
    --------
    >>> decode_text("\\ufeffa,b\\n1,2\\n".encode("utf-16")).text
    'a,b\\n1,2\\n'
    >>> decode_text(b"name\\nM\\xfcller\\n").notes
    ['not UTF-8 (1 of 3 lines): decoded as Windows-1252 (cp1252)']
    """
    notes: list[str] = []
    bad: dict[int, str] = {}
    while data.startswith(_UTF8_BOM):
        data = data[len(_UTF8_BOM):]
    text = _decode(data, notes, bad)
    lines = text.split("\n")
    _repair(lines, notes, bad)
    for i, line in enumerate(lines):
        if line[:1] in "<=>|" and _CONFLICT.match(line):
            bad[i + 1] = "git merge-conflict marker line"
    if lines:
        lines[0] = lines[0].lstrip("\ufeff")
    return Decoded("\n".join(lines), notes, bad)


_LONE_SURROGATE = re.compile(r"(?<!\\)\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})"
                             r"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})(?<!\\)\\u[dD][c-fC-F][0-9a-fA-F]{2}")


def replace_lone_surrogates(text: str) -> tuple[str, int]:
    """JSON text with each unpaired surrogate escape (``\\ud800``) replaced by ``\\ufffd``, and their count.

    A lone surrogate is no character: it cannot be written as UTF-8, so a
    value holding one could never be stored or shown. Paired escapes (an
    emoji as ``\\ud83d\\ude00``) are left as they are.

    Examples
    --------
    >>> import json
    >>> text, n = replace_lone_surrogates(r'{"a": "x\\ud800y", "b": "\\ud83d\\ude00"}')
    >>> n, json.loads(text)["a"] == "x\\N{REPLACEMENT CHARACTER}y", len(json.loads(text)["b"])
    (1, True, 1)
    """
    return _LONE_SURROGATE.subn(r"\\ufffd", text)


def json_text(text: str, qlog: QuarantineLog, path: str) -> str:
    """``text`` with its lone surrogate escapes replaced (:func:`replace_lone_surrogates`), noted in ``qlog``."""
    text, lone = replace_lone_surrogates(text)
    if lone:
        qlog.note(path, f"{lone} lone surrogate escape(s) (no character: not writable as UTF-8) read as U+FFFD")
    return text
