"""Two keys from one recording secret: a pseudonym key that analysis never needs, and a link key.

Anyone holding the key of a keyed hash can test guesses: a national id
token falls to a search over one birth year, a user pseudonym to a list of
login names. So the recorder never hashes people with a key an analyst
needs. From the secret of ``load_salt`` (the salt file) it derives, with
HMAC-SHA256 under fixed labels:

- the **pseudonym key**: user pseudonyms, the host, every redaction token
  (``[email:h:…]``, ``[national_id:h:…]``, ``[name:h:…]``…) and the hash of
  clipboard or field text that holds a personal identifier. It stays with
  the recorder (the salt file); joins across events work without it.
- the **link key**: the ``h:…`` hash of business values (clipboard and field
  text without personal identifiers: invoice, order, customer numbers). Hand
  it (:func:`write_link_key`) to whoever links a recording to a process log: ``link_to_process(..., salt=link_key)``
  hashes the process log's keys with it. It cannot produce or test any
  pseudonym or redaction token; with it, one can test guesses of business
  values only, which the process log holds anyway.

Neither key can be computed from the other; the manifest holds only their
public fingerprints.

Examples
--------
>>> keys = KeySet.derive(b"recording-secret-0123")
>>> keys.pseudonym != keys.link, len(keys.link)
(True, 32)
>>> keys.user("alice") == keys.user("alice") != KeySet.derive(b"other-secret-0123").user("alice")
True
"""

from __future__ import annotations

import re

import hashlib
import hmac
import os
from dataclasses import dataclass
from pathlib import Path

from taskmining.errors import PrivacyError
from taskmining.privacy.hashing import (
    as_salt,
    hash_value,
    load_salt,
    pseudonym,
    salt_id,
)

__all__ = ["KeySet", "load_keys", "write_link_key", "read_link_key", "is_business_key"]

_BUSINESS_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/#:\-]*(?: [A-Za-z0-9._/#:\-]+)?")


def is_business_key(text: str) -> bool:
    """Whether ``text`` has the shape of a business key (an invoice, order or customer number).

    A key is at most 40 characters of letters, digits and ``. _ / # : -`` (one
    space at most) with at least one digit: ``INV-2024-001``, ``4500012345``,
    ``PO 4711``. Only such values are hashed with the link key; any other
    text (a copied name, a sentence) gets the pseudonym key, so a holder of
    the link key cannot test guesses of it.

    Examples
    --------
    >>> is_business_key("INV-2024-001"), is_business_key("PO 4711"), is_business_key("Zbigniew Nowak")
    (True, True, False)
    """
    t = text.strip()
    return (0 < len(t) <= 40 and any(c.isdigit() for c in t) and _BUSINESS_KEY.fullmatch(t) is not None)


_PSEUDONYM_LABEL = b"taskmining/pseudonym-key/v1"
_LINK_LABEL = b"taskmining/link-key/v1"


@dataclass(frozen=True, repr=False)
class KeySet:
    """The pseudonym key and the link key of a recording (never printed).

    Attributes
    ----------
    pseudonym : bytes
        Keys user pseudonyms and redaction tokens; stays with the recorder.
    link : bytes
        Keys the hashes of business values; given to whoever links to a process log.
    """

    pseudonym: bytes
    link: bytes

    @classmethod
    def derive(cls, secret: bytes | str) -> KeySet:
        """Both keys from the recording secret (at least 8 bytes).

        Examples
        --------
        >>> KeySet.derive("recording-secret-0123").link == KeySet.derive(b"recording-secret-0123").link
        True
        """
        s = as_salt(secret, parameter="recording secret")
        return cls(hmac.new(s, _PSEUDONYM_LABEL, hashlib.sha256).digest(),
                   hmac.new(s, _LINK_LABEL, hashlib.sha256).digest())

    def __repr__(self) -> str:
        return f"KeySet(pseudonym_id={salt_id(self.pseudonym)!r}, link_id={salt_id(self.link)!r})"

    def user(self, name: str) -> str:
        """The pseudonym of a user (pseudonym key).

        Examples
        --------
        >>> KeySet.derive(b"recording-secret-0123").user("bob")[:2]
        'u-'
        """
        return pseudonym(name, self.pseudonym)

    def value(self, text: str, *, personal: bool = False) -> str:
        """The ``h:`` hash of a value: link key, or pseudonym key when it is ``personal``.

        Examples
        --------
        >>> k = KeySet.derive(b"recording-secret-0123")
        >>> k.value("INV-1") == hash_value("INV-1", k.link), k.value("INV-1", personal=True) == k.value("INV-1")
        (True, False)
        """
        return hash_value(text, self.pseudonym if personal else self.link)

    def ids(self) -> dict[str, str]:
        """Public fingerprints for the manifest.

        Examples
        --------
        >>> sorted(KeySet.derive(b"recording-secret-0123").ids())
        ['link_key_id', 'pseudonym_key_id']
        """
        return {"pseudonym_key_id": salt_id(self.pseudonym), "link_key_id": salt_id(self.link)}


def load_keys(path: str | os.PathLike[str] | None = None, *, create: bool = True) -> KeySet:
    """The key set derived from the salt file (see :func:`~taskmining.privacy.load_salt`).

    Examples
    --------
    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "salt")
    >>> load_keys(p).link == load_keys(p).link
    True
    """
    return KeySet.derive(load_salt(path, create=create))


def write_link_key(keys: KeySet, path: str | os.PathLike[str]) -> Path:
    """Write the link key alone (64 hex digits, mode 0600, never overwriting a file).

    Raises
    ------
    PrivacyError
        When the file exists or cannot be created.

    Examples
    --------
    >>> import tempfile, os
    >>> k = KeySet.derive(b"recording-secret-0123")
    >>> p = write_link_key(k, os.path.join(tempfile.mkdtemp(), "link-key"))
    >>> read_link_key(p) == k.link
    True
    """
    p = Path(path)
    try:
        fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(keys.link.hex() + "\n")
    except FileExistsError:
        raise PrivacyError(f"link key file {p}: exists already (not overwritten)") from None
    except OSError as exc:
        raise PrivacyError(f"link key file {p}: cannot create ({exc.strerror or exc})") from None
    return p


def read_link_key(path: str | os.PathLike[str]) -> bytes:
    """Read a link key written by :func:`write_link_key` (pass it as ``salt=`` to ``link_to_process``).

    Raises
    ------
    PrivacyError
        When the file is missing or does not hold 64 hex digits.
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="ascii").strip()
        key = bytes.fromhex(text)
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise PrivacyError(f"link key file {p}: unreadable ({exc})") from None
    if len(key) != 32:
        raise PrivacyError(f"link key file {p}: expected 64 hex digits")
    return key
