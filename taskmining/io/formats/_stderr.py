"""Known notices of a native library taken out of the process's standard error, everything else kept.

rustxes (the optional XES engine) prints ``Warning: Attribute k contains
values of different dtypes ({String, Int64})`` to file descriptor 2 for
every attribute whose values have several XES types in one file. The
reader expects that case and handles it (such a column is read as text,
see :mod:`taskmining.io.formats.xes`), so the notice tells the user
nothing. It comes from Rust, not from Python's ``warnings``, so it can only
be caught at the file descriptor: :func:`dropping` points descriptor 2 at
a temporary file while the call runs, then writes every line that does not
match the known notice to the real standard error, in order. Nothing else
is lost; other output of the call (a panic message, another warning) still
appears, after the call instead of during it.

This is process-wide for the length of the call: another thread writing
to descriptor 2 meanwhile has its text held back until the call returns.

Examples
--------
>>> import os, re
>>> with dropping(re.compile(r"^noise$")):
...     _ = os.write(2, b"noise\\n")
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["RUSTXES_DTYPES", "dropping"]

#: rustxes' notice about an attribute with values of several types.
RUSTXES_DTYPES = re.compile(r"^Warning: Attribute .* contains values of different dtypes \(\{[^}]*\}\)$")


@contextmanager
def dropping(notice: re.Pattern[str]) -> Iterator[None]:
    """Standard error (descriptor 2) without the lines matching ``notice`` while the block runs.

    Examples
    --------
    >>> import re
    >>> with dropping(RUSTXES_DTYPES):
    ...     pass
    """
    try:
        saved = os.dup(2)
    except OSError:  # no descriptor 2 (a detached process): nothing to filter
        yield
        return
    with tempfile.TemporaryFile() as held:
        sys.stderr.flush()
        os.dup2(held.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            held.seek(0)
            kept = [line for line in held.read().decode("utf-8", "replace").splitlines(keepends=True)
                    if not notice.match(line.rstrip("\r\n"))]
            if kept:
                sys.stderr.write("".join(kept))
                sys.stderr.flush()
