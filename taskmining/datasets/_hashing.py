"""The salted hash of clipboard contents and field values (``h:`` + 16 hex digits).

The simulator uses the privacy module's :func:`taskmining.privacy.hash_value`
(HMAC-SHA256 keyed with the salt, as docs/formats.md specifies), so simulated
recordings hash exactly like real ones: a paste pairs with its copy and equal
values join without being readable.

Examples
--------
>>> salted_hash("INV-2026-004211", "s3cret-salt") == salted_hash("INV-2026-004211", b"s3cret-salt")
True
>>> len(salted_hash("x", "pepper-salt"))
18
"""

from __future__ import annotations

from taskmining.privacy.hashing import hash_value

__all__ = ["salted_hash", "DEFAULT_SALT"]

#: Salt of simulated recordings unless one is given (a real recording has its own secret salt).
DEFAULT_SALT = "taskmining-simulator"


def salted_hash(text: str, salt: str | bytes) -> str:
    """Return ``"h:"`` + the first 16 hex digits of HMAC-SHA256(salt, text).

    Parameters
    ----------
    text : str
        The value to hide (UTF-8 encoded before hashing).
    salt : str or bytes
        The recording's secret salt (the HMAC key, at least 8 bytes).

    Examples
    --------
    >>> salted_hash("1234.50", "simulator-salt")[:2]
    'h:'
    """
    return hash_value(text, salt)
