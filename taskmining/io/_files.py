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


def read_bytes(path: str | PathLike[str]) -> bytes:
    """The whole (decompressed) content of ``path``; a damaged gzip stream is an IngestError."""
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
