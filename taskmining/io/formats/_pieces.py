"""Reading a byte stream in large pieces cut at line ends, without copying them.

The native reader parses JSON Lines files piece by piece on two threads.
:func:`read_pieces` reads each piece straight into a buffer (``readinto``;
a fresh one, or the next of a :class:`BufferRing`) and hands it on as a
zero-copy ``memoryview``; the partial line at its end starts the next piece.

Examples
--------
>>> import io
>>> [(bytes(p), first, n) for p, first, n in read_pieces(io.BytesIO(b"a\\nbb\\nccc\\n"), "mem", 4)]
[(b'a\\n', 0, 1), (b'bb\\n', 1, 1), (b'ccc\\n', 2, 1)]
"""

from __future__ import annotations

import io
import mmap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from taskmining.errors import IngestError

__all__ = ["BufferRing", "count_newlines", "is_blank", "line_bounds", "map_pieces", "read_pieces"]


def count_newlines(buf: Any) -> int:
    """Newlines in a bytes-like object, counted in cache-sized slices (numpy releases the GIL)."""
    data = np.frombuffer(buf, dtype=np.uint8)
    step = 1 << 20
    return sum(int(np.count_nonzero(data[i:i + step] == 10)) for i in range(0, len(data), step))


def _last_newline(view: memoryview, end: int) -> int:
    """Index of the last ``\\n`` in ``view[:end]`` (-1 if none), searching back from the end."""
    step = 1 << 16
    hi = end
    while hi > 0:
        lo = max(0, hi - step)
        at = bytes(view[lo:hi]).rfind(b"\n")
        if at >= 0:
            return lo + at
        hi = lo
    return -1


class BufferRing:
    """A few reusable read buffers, taken in turn (memory already mapped reads faster than fresh pages).

    The caller guarantees that a buffer is no longer used when its turn
    comes again: the native reader keeps at most two pieces in flight.
    """

    def __init__(self, count: int = 3) -> None:
        self.buffers: list[np.ndarray] = []
        self.count, self.turn = count, 0

    def get(self, size: int) -> np.ndarray:
        if len(self.buffers) < self.count:
            self.buffers.append(np.empty(size, dtype=np.uint8))
        slot = self.turn % self.count
        self.turn += 1
        if len(self.buffers[slot]) < size:
            self.buffers[slot] = np.empty(size, dtype=np.uint8)
        return self.buffers[slot][:size]


def read_pieces(f: io.BufferedIOBase, path: Path | str, size: int,
                ring: BufferRing | None = None) -> Iterator[tuple[memoryview, int, int]]:
    """Pieces of about ``size`` bytes of an open binary stream, cut after a newline.

    Yields ``(piece, lines_before, newlines)``: the piece as a zero-copy
    view, the number of lines before it and of newlines in it. A line
    longer than ``size`` makes one longer piece; the last piece may end
    without a newline (a truncated record). Read errors become
    :class:`~taskmining.errors.IngestError` naming ``path``.
    """
    lines_before = 0
    carry = b""
    while True:
        # not zero-filled: readinto writes it
        buf = ring.get(len(carry) + size) if ring is not None else np.empty(len(carry) + size, dtype=np.uint8)
        view = buf.data
        view[:len(carry)] = carry
        end = len(carry)
        try:
            while end < len(buf):
                got = f.readinto(view[end:])
                if not got:
                    break
                end += got
        except (OSError, EOFError) as exc:
            raise IngestError(f"damaged compressed data: {exc}", path=path) from None
        if end < len(buf):  # end of file
            if end == 0 and lines_before:
                return
            piece = view[:end]
            yield piece, lines_before, count_newlines(piece)
            return
        cut = _last_newline(view, end)
        if cut < 0:  # one line longer than the piece: read on to its end
            try:
                rest = f.readline()
            except (OSError, EOFError) as exc:
                raise IngestError(f"damaged compressed data: {exc}", path=path) from None
            piece, carry = memoryview(bytes(view) + rest), b""
        else:
            piece, carry = view[:cut + 1], bytes(view[cut + 1:end])
        newlines = count_newlines(piece)
        yield piece, lines_before, newlines
        lines_before += newlines
        if not len(piece) or bytes(piece[-1:]) != b"\n":
            return


def map_pieces(path: Path | str, size: int) -> Iterator[tuple[memoryview, int, int]] | None:
    """:func:`read_pieces` of a plain (uncompressed) file through a memory map: the pieces are
    views of the mapped file, so nothing is copied (the parser reads the page cache directly).

    Returns ``None`` when the file cannot be mapped (empty, or not a regular
    file); the caller then reads it. The map stays open while any piece is
    in use and is released with the last one. Files that only grow while
    they are read (a recorder appending) are fine: the map covers the size
    at opening; a file truncated by another program meanwhile is not.

    Examples
    --------
    >>> import tempfile, os
    >>> with tempfile.NamedTemporaryFile(delete=False) as tmp:
    ...     _ = tmp.write(b"a\\nbb\\nccc")
    >>> [(bytes(p), first, n) for p, first, n in map_pieces(tmp.name, 3)]
    [(b'a\\n', 0, 1), (b'bb\\n', 1, 1), (b'ccc', 2, 0)]
    >>> os.unlink(tmp.name)
    """
    try:
        with open(path, "rb") as f:
            mapped = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    except (ValueError, OSError):
        return None
    return _mapped(mapped, size)


def _mapped(mapped: mmap.mmap, size: int) -> Iterator[tuple[memoryview, int, int]]:
    view = memoryview(mapped)
    n, pos, lines_before = len(mapped), 0, 0
    while pos < n:
        end = min(pos + size, n)
        if end < n:
            cut = mapped.rfind(b"\n", pos, end)
            if cut < 0:  # one line longer than the piece
                cut = mapped.find(b"\n", end)
            end = n if cut < 0 else cut + 1
        piece = view[pos:end]
        newlines = count_newlines(piece)
        yield piece, lines_before, newlines
        lines_before += newlines
        pos = end


def line_bounds(buf: bytes) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Start, end (without ``\\n``) and non-blank flag of every line."""
    data = np.frombuffer(buf, dtype=np.uint8)
    nl = np.flatnonzero(data == 10)
    ends = nl if (len(buf) and buf[-1:] == b"\n") else np.append(nl, len(buf))
    starts = np.concatenate(([0], nl[: len(ends) - 1] + 1)).astype(np.int64)
    filled = np.ones(len(ends), dtype=bool)
    for i in np.flatnonzero(ends - starts <= 16):  # only short lines can be blank
        filled[i] = not bytes(buf[starts[i]: ends[i]]).isspace() and ends[i] > starts[i]
    return starts, ends.astype(np.int64), filled


def is_blank(buf: Any) -> bool:
    """True for an empty or all-whitespace bytes-like object (usually decided by its first bytes)."""
    if not len(buf):
        return True
    if not bytes(buf[:256]).isspace():
        return False
    return bytes(buf).isspace()
