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

__all__ = ["detect_format"]


def _describe(head: bytes) -> str:
    text = head[:80].decode("utf-8", "replace").split("\n", 1)[0]
    return repr(text + ("…" if len(head) > len(text) else ""))


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
    seen = "a folder with no recognised files" if p.is_dir() else f"it starts with {_describe(head)}"
    raise FormatDetectionError(f"cannot tell the format ({seen}); pass format= (one of {known})", path=p)
