"""Opening input files: gzip by extension or magic bytes, and the head used for sniffing.

Examples
--------
>>> import gzip, tempfile, os
>>> d = tempfile.mkdtemp()
>>> p = os.path.join(d, "a.jsonl.gz")
>>> with gzip.open(p, "wb") as f:
...     _ = f.write(b'{"a": 1}\\n')
>>> read_head(p)
b'{"a": 1}\\n'
"""

from __future__ import annotations

import gzip
import io
from os import PathLike
from pathlib import Path

from taskmining.errors import IngestError

HEAD_BYTES = 65536
_GZIP_MAGIC = b"\x1f\x8b"


def is_gzip(path: str | PathLike[str]) -> bool:
    """True when the file starts with the gzip magic bytes."""
    with open(path, "rb") as f:
        return f.read(2) == _GZIP_MAGIC


def open_binary(path: str | PathLike[str]) -> io.BufferedIOBase:
    """Open ``path`` for reading bytes, decompressing gzip transparently.

    Raises
    ------
    IngestError
        When the file does not exist or cannot be opened, naming it.
    """
    p = Path(path)
    try:
        if is_gzip(p):
            return gzip.GzipFile(p, "rb")
        return open(p, "rb")
    except FileNotFoundError:
        raise IngestError("no such file", path=p) from None
    except IsADirectoryError:
        raise IngestError("is a folder, not a file", path=p) from None
    except OSError as exc:
        raise IngestError(f"cannot open: {exc.strerror or exc}", path=p) from None


_SPARSE_MIN = 1 << 24  # files from 16 MiB on are sampled for NUL bytes before they are read
_SAMPLES, _SAMPLE = 64, 4096


def check_not_zeroed(path: str | PathLike[str]) -> None:
    """Raise :class:`IngestError` for a large plain file whose sampled blocks are all NUL bytes.

    A sparse or zeroed file (a disk image, a file preallocated and never
    written) is no log; reading it whole would only cost memory. Files from
    16 MiB on are checked by 64 blocks of 4 KiB spread over the file, the
    first and last included; gzip files and smaller files are not checked.

    Examples
    --------
    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "zeros.jsonl")
    >>> with open(p, "wb") as f:
    ...     _ = f.truncate(1 << 25)
    >>> check_not_zeroed(p)
    Traceback (most recent call last):
    ...
    taskmining.errors.IngestError: ...zeros.jsonl: the file holds only NUL bytes where sampled (33554432 bytes: a sparse or zeroed file), not a log
    """
    p = Path(path)
    try:
        size = p.stat().st_size
        if size < _SPARSE_MIN or is_gzip(p):
            return
        with open(p, "rb") as f:
            for k in range(_SAMPLES):
                f.seek(min(size - _SAMPLE, k * (size - _SAMPLE) // (_SAMPLES - 1)))
                if f.read(_SAMPLE).strip(b"\0"):
                    return
    except OSError:
        return  # open_binary names the problem
    raise IngestError(f"the file holds only NUL bytes where sampled ({size} bytes: a sparse or zeroed file), "
                      "not a log", path=p)


def read_bytes(path: str | PathLike[str]) -> bytes:
    """The whole (decompressed) content of ``path``; a damaged gzip stream or a zeroed file is an IngestError."""
    check_not_zeroed(path)
    with open_binary(path) as f:
        try:
            return f.read()
        except (OSError, EOFError, gzip.BadGzipFile) as exc:
            raise IngestError(f"damaged compressed data: {exc}", path=path) from None


def read_head(path: str | PathLike[str], n: int = HEAD_BYTES) -> bytes:
    """The first ``n`` (decompressed) bytes of ``path``; empty for a folder."""
    p = Path(path)
    if p.is_dir():
        return b""
    with open_binary(p) as f:
        try:
            return f.read(n)
        except (OSError, EOFError, gzip.BadGzipFile):
            return b""
