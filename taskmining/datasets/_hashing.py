"""The salted hash of clipboard contents and field values (``h:`` + 16 hex digits).

HMAC-SHA256 keyed with the salt, as docs/formats.md specifies, so a paste
can be paired with its copy and equal values join without being readable.

Examples
--------
>>> salted_hash("INV-2026-004211", "s3cret")
'h:b3f07a2d14fc4cb2'
>>> len(salted_hash("x", "s")), salted_hash("x", "s") == salted_hash("x", b"s")
(18, True)
"""

from __future__ import annotations

import hashlib
import hmac

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
        The recording's secret salt (the HMAC key).

    Examples
    --------
    >>> salted_hash("1234.50", "salt")[:2]
    'h:'
    """
    key = salt.encode("utf-8") if isinstance(salt, str) else salt
    return "h:" + hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()[:16]
