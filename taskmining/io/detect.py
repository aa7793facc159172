"""Format detection for ``format="auto"``: from content (header, keys), not file names.

Each registered reader's ``sniff(path, head)`` is asked in registry order;
the first that says yes names the format.

Examples
--------
>>> import os, tempfile
>>> p = os.path.join(tempfile.mkdtemp(), "rec.txt")
>>> with open(p, "w") as f:
...     _ = f.write('{"timestamp": "2026-11-25T09:00:00Z", "session": "s", "action": "click"}\\n')
>>> detect_format(p)
'native'
"""

from __future__ import annotations

from os import PathLike
from pathlib import Path

from taskmining.errors import FormatDetectionError, IngestError
from taskmining.io._files import read_head
from taskmining.io.registry import formats

__all__ = ["describe_head", "detect_format", "looks_binary"]


#: leading bytes of common binary files, named in the message instead of the raw bytes
_MAGIC: tuple[tuple[bytes, str], ...] = ((b"\x1f\x8b", "gzip"), (b"PK\x03\x04", "zip (also .xlsx, .docx)"),
                                        (b"%PDF", "PDF"), (b"\x7fELF", "ELF executable"),
                                        (b"\x89PNG", "PNG image"), (b"\xff\xd8\xff", "JPEG image"),
                                        (b"SQLite format 3\x00", "SQLite database"))


def looks_binary(head: bytes) -> bool:
    r"""True when the start of a file is not text (NUL bytes, invalid UTF-8, many control characters).

    Examples
    --------
    >>> looks_binary(b"caseID,timeStamp\r\n1,2019-02-19\r\n"), looks_binary(b"\x7fELF\x02\x01\x01\x00")
    (False, True)
    """
    sample = head[:512]
    try:
        decoded = sample.decode("utf-8")
    except UnicodeDecodeError as exc:  # a multi-byte character cut at the end of the sample is still text
        if exc.start <= len(sample) - 4:
            return True
        decoded = sample[:exc.start].decode("utf-8")
    controls = sum(ch < " " and ch not in "\t\r\n\f" for ch in decoded)
    return "\x00" in decoded or controls > len(decoded) // 20


def describe_head(head: bytes) -> str:
    r"""What the start of a file looks like: its first line, or for binary data its kind and first bytes.

    Examples
    --------
    >>> describe_head(b"sepal_length,species\n5.1,setosa\n")
    "it starts with 'sepal_length,species…'"
    >>> describe_head(b"\x7fELF\x02\x01\x01\x00\x00")
    'it is binary data (ELF executable; first bytes 7f 45 4c 46 02 01 01 00)'
    """
    if looks_binary(head):
        kind = next((name for magic, name in _MAGIC if head.startswith(magic)), "unknown kind")
        return f"it is binary data ({kind}; first bytes {head[:8].hex(' ')})"
    line = head[:512].decode("utf-8", "replace").split("\n", 1)[0].rstrip("\r")
    text = line[:80]
    return "it starts with " + repr(text + ("…" if len(head) > len(text) + 1 else ""))


def detect_format(path: str | PathLike[str]) -> str:
    """The name of the registered format that ``path`` (a file or folder) is in.

    Parameters
    ----------
    path : str or PathLike
        A file, a folder of native segments or a Parquet dataset folder.

    Returns
    -------
    str
        A format name, e.g. ``"native"`` or ``"actionlogger"``.

    Raises
    ------
    FormatDetectionError
        When the file is empty or no reader recognises it; the message names
        the file and what was seen at its start.
    IngestError
        When the path does not exist.

    Examples
    --------
    >>> import os, tempfile
    >>> p = os.path.join(tempfile.mkdtemp(), "empty.jsonl")
    >>> open(p, "w").close()
    >>> detect_format(p)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    taskmining.errors.FormatDetectionError: .../empty.jsonl: empty file: cannot tell its format; pass format=
    """
    p = Path(path)
    if not p.exists():
        raise IngestError("no such file or folder", path=p)
    head = read_head(p)
    if not p.is_dir() and not head.strip():
        raise FormatDetectionError("empty file: cannot tell its format; pass format=", path=p)
    for spec in formats():
        try:
            if spec.sniff(p, head):
                return spec.name
        except (OSError, ValueError, UnicodeDecodeError):
            continue
    known = ", ".join(s.name for s in formats())
    seen = "a folder with no recognised files" if p.is_dir() else describe_head(head)
    raise FormatDetectionError(f"cannot tell the format ({seen}); pass format= (one of {known})", path=p)
