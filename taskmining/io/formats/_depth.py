"""Lines that must not reach a JSON parser: nested too deeply, or not an object at all.

Parsers recurse per nesting level: Python's json raises RecursionError near
1,000 levels and Arrow's JSON reader can crash the process far deeper, so a
line nested deeper than :data:`MAX_DEPTH` is quarantined before parsing.
Depth is counted with numpy over the whole buffer (brackets inside strings
count too, which only overestimates); a line over the bound is then checked
exactly, skipping strings.

Arrow's JSON reader also crashes the process on some lines that are not
objects (a line starting ``null, ...``), so :func:`not_objects` flags every
line that does not start with ``{`` for the caller to quarantine without Arrow.

Examples
--------
>>> not_objects(b'{"a": 1}\\nnull, "b": 2}\\n\\n  {"c": 3}\\n').tolist()
[False, True, False, False]
>>> too_deep(b'{"a": [1]}\\n' + b'[' * 300 + b']' * 300 + b'\\n{"s": "[[[["}').tolist()
[False, True, False]
"""

from __future__ import annotations

import numpy as np

__all__ = ["MAX_DEPTH", "not_objects", "too_deep"]

MAX_DEPTH = 128
_OPEN = (ord("["), ord("{"))
_CLOSE = (ord("]"), ord("}"))


def _exact(line: bytes) -> int:
    """Maximum nesting of one line, brackets in strings not counted."""
    depth = top = 0
    in_str = escaped = False
    for c in line:
        if in_str:
            if escaped:
                escaped = False
            elif c == 92:
                escaped = True
            elif c == 34:
                in_str = False
        elif c == 34:
            in_str = True
        elif c in _OPEN:
            depth += 1
            top = max(top, depth)
        elif c in _CLOSE:
            depth -= 1
    return top


def too_deep(buf: bytes | memoryview, limit: int = MAX_DEPTH) -> np.ndarray:
    """One flag per line of ``buf`` (a last line without newline included): nested deeper than ``limit``."""
    data = np.frombuffer(buf, dtype=np.uint8)
    nl = np.flatnonzero(data == 10)
    n_lines = len(nl) + (0 if len(data) and data[-1] == 10 else 1)
    flags = np.zeros(n_lines, dtype=bool)
    if sum(int(np.count_nonzero(data == c)) for c in _OPEN) <= limit:  # cheap: no array kept
        return flags
    step = np.isin(data, _OPEN).astype(np.int8) - np.isin(data, _CLOSE).astype(np.int8)
    depth = np.cumsum(step, dtype=np.int64)
    starts = np.concatenate(([0], nl + 1))[:n_lines]
    base = np.concatenate(([0], depth))[starts]
    ends = np.append(nl, len(data))[:n_lines]
    nonempty = ends > starts
    top = np.zeros(n_lines, dtype=np.int64)
    if nonempty.any():
        top[nonempty] = np.maximum.reduceat(depth, starts[nonempty]) if len(depth) else 0
        top[nonempty] -= base[nonempty]
    for i in np.flatnonzero(top > limit):
        flags[i] = _exact(bytes(data[starts[i]:ends[i]])) > limit
    return flags


def not_objects(buf: bytes | memoryview) -> np.ndarray:
    """One flag per line of ``buf`` (as :func:`too_deep`): a non-blank line whose first character is not ``{``."""
    data = np.frombuffer(buf, dtype=np.uint8)
    nl = np.flatnonzero(data == 10)
    n_lines = len(nl) + (0 if len(data) and data[-1] == 10 else 1)
    starts = np.concatenate(([0], nl + 1))[:n_lines]
    ends = np.append(nl, len(data))[:n_lines]
    first = np.full(n_lines, 10, dtype=np.uint8)
    nonempty = ends > starts
    first[nonempty] = data[starts[nonempty]]
    flags = nonempty & (first != ord("{"))
    for i in np.flatnonzero(flags & np.isin(first, list(b" \t\r\x0b\x0c"))):  # leading blanks: look further
        text = bytes(data[starts[i]:min(ends[i], starts[i] + 4096)]).lstrip()
        flags[i] = bool(text) and not text.startswith(b"{")
    return flags
