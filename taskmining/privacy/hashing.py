"""Salted hashing: the ``h:`` + 16 hex form every part of taskmining uses.

One value hashed with one salt always gives the same token, so hashed values
still join across events, sessions and files recorded with the same salt,
while the value itself cannot be read back. The hash is HMAC-SHA256 keyed
with the salt, truncated to 64 bits (16 hex digits).

Examples
--------
>>> hash_value("INV-2024-001", b"team-salt")
'h:fd89c2ee8757d853'
>>> hash_value("INV-2024-001", "team-salt") == hash_value("INV-2024-001", b"team-salt")
True
>>> pseudonym("alice", b"team-salt")
'u-da669f77'
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from pathlib import Path

import numpy as np
import pandas as pd

from taskmining.errors import ParameterError, PrivacyError
from taskmining.schema import STRING_DTYPE

__all__ = ["HASH_PATTERN", "as_salt", "hash_value", "hash_series", "pseudonym",
           "pseudonymize_series", "salt_id", "load_salt"]

#: A full-string match of a hashed token.
HASH_PATTERN = re.compile(r"h:[0-9a-f]{16}")
_MIN_SALT = 8


def as_salt(salt: bytes | str, *, parameter: str = "salt") -> bytes:
    """Return ``salt`` as bytes; a missing or short salt is a :class:`PrivacyError`.

    Examples
    --------
    >>> as_salt("abcdefgh")
    b'abcdefgh'
    >>> as_salt(b"x")
    Traceback (most recent call last):
    ...
    taskmining.errors.PrivacyError: salt: at least 8 bytes are needed (got 1)
    """
    if isinstance(salt, str):
        salt = salt.encode("utf-8")
    if not isinstance(salt, (bytes, bytearray)):
        raise ParameterError(f"{parameter}: expected bytes or str, got {type(salt).__name__}")
    if len(salt) < _MIN_SALT:
        raise PrivacyError(f"{parameter}: at least {_MIN_SALT} bytes are needed (got {len(salt)})")
    return bytes(salt)


def _digest(text: str, key: bytes) -> str:
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()


def hash_value(text: str, salt: bytes | str) -> str:
    """Salted hash of ``text`` as ``"h:"`` followed by 16 hex digits.

    Parameters
    ----------
    text : str
        The value to hash (hashed as UTF-8).
    salt : bytes or str
        The recording's (or organisation's) secret salt, at least 8 bytes.

    Returns
    -------
    str

    Examples
    --------
    >>> hash_value("4111 1111 1111 1111", b"team-salt")[:2]
    'h:'
    >>> len(hash_value("", b"team-salt"))
    18
    """
    return "h:" + _digest(str(text), as_salt(salt))[:16]


def hash_series(values: pd.Series, salt: bytes | str) -> pd.Series:
    """Hash every non-missing value of a Series; each distinct value is hashed once.

    Examples
    --------
    >>> import pandas as pd
    >>> out = hash_series(pd.Series(["a", None, "a"]), b"team-salt")
    >>> out.iloc[0] == out.iloc[2], pd.isna(out.iloc[1])
    (True, True)
    """
    key = as_salt(salt)
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    hashed = np.array(["h:" + _digest(str(u), key)[:16] for u in uniques] + [np.nan], dtype=object)
    return pd.Series(hashed[codes], index=values.index, dtype=STRING_DTYPE)


def pseudonym(user: str, salt: bytes | str) -> str:
    """The salted pseudonym of a user id: ``"u-"`` + 8 hex digits.

    Hashed under its own domain (``"user:"`` prefix) so a pseudonym never
    equals the hash of the same text found elsewhere.

    Examples
    --------
    >>> pseudonym("alice", b"team-salt") != pseudonym("bob", b"team-salt")
    True
    """
    return "u-" + _digest("user:" + str(user), as_salt(salt))[:8]


def pseudonymize_series(users: pd.Series, salt: bytes | str) -> pd.Series:
    """:func:`pseudonym` for every non-missing value (each distinct user once).

    Examples
    --------
    >>> import pandas as pd
    >>> pseudonymize_series(pd.Series(["alice", "alice"]), b"team-salt").nunique()
    1
    """
    key = as_salt(salt)
    codes, uniques = pd.factorize(users, use_na_sentinel=True)
    out = np.array(["u-" + _digest("user:" + str(u), key)[:8] for u in uniques] + [np.nan], dtype=object)
    return pd.Series(out[codes], index=users.index, dtype=STRING_DTYPE)


def salt_id(salt: bytes | str) -> str:
    """A public fingerprint of a salt (safe to store in a manifest).

    Examples
    --------
    >>> salt_id(b"team-salt") == salt_id("team-salt")
    True
    """
    return hashlib.sha256(b"taskmining-salt-id:" + as_salt(salt)).hexdigest()[:16]


def load_salt(path: str | os.PathLike[str] | None = None, *, create: bool = True) -> bytes:
    """Read the salt file, creating a random one (mode 0600) when missing.

    Parameters
    ----------
    path : path, optional
        Defaults to ``$TASKMINING_SALT_FILE`` or ``~/.config/taskmining/salt``.
        Share one salt file across a team so hashes join across employees.
    create : bool, default True
        Create a new random 32-byte salt when the file does not exist.

    Examples
    --------
    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "salt")
    >>> load_salt(p) == load_salt(p)
    True
    """
    if path is None:
        path = os.environ.get("TASKMINING_SALT_FILE") or Path.home() / ".config" / "taskmining" / "salt"
    p = Path(path)
    if p.exists():
        try:
            data = p.read_bytes().strip()
        except OSError as exc:
            raise PrivacyError(f"salt file {p}: cannot read ({exc.strerror or exc})") from None
        return as_salt(data, parameter=f"salt file {p}")
    if not create:
        raise PrivacyError(f"salt file {p}: does not exist")
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(os.urandom(32).hex().encode("ascii"))
    except FileExistsError:
        pass
    except OSError as exc:
        raise PrivacyError(f"salt file {p}: cannot create ({exc.strerror or exc})") from None
    return as_salt(p.read_bytes().strip(), parameter=f"salt file {p}")
