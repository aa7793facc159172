"""Encrypted segments (``*.jsonl.enc``): AES-256-GCM, chunk by chunk, tamper-evident.

Layout, one text line each (so a crash cuts at most the last line):

1. a JSON header: ``{"taskmining_encrypted": 1, "alg": "AES-256-GCM",
   "segment": "<32 hex>", "key_id": "<16 hex>"}``;
2. one line per written chunk (one or more JSONL records flushed together):
   base64 of a 12-byte random nonce followed by the ciphertext and its
   16-byte tag. The associated data is ``"<segment>:<chunk number>"``, so a
   chunk changed, removed, reordered or copied from another segment fails
   authentication.

A crash can leave the last line incomplete (no ``\\n``). Everything
authenticated before it is returned, and the incomplete tail is reported:
:func:`decrypt_file` ends its output with an unterminated, non-JSON line so
that the native reader quarantines and counts it like any truncated line.
A complete line that fails authentication, a wrong key, or a damaged header
raise :class:`~taskmining.errors.DecryptionError` naming the file (and line).

Needs ``cryptography`` (``pip install taskmining[recorder]``).

Examples
--------
>>> import os, tempfile
>>> key = os.urandom(32)
>>> path = os.path.join(tempfile.mkdtemp(), "segment-000001.jsonl.enc")
>>> with EncryptedWriter(path, key) as w:
...     _ = w.write(b'{"a": 1}\\n')
...     _ = w.write(b'{"a": 2}\\n')
>>> decrypt_file(path, key)
b'{"a": 1}\\n{"a": 2}\\n'
>>> decrypt_file(path, os.urandom(32))  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
taskmining.errors.DecryptionError: ...segment-000001.jsonl.enc, line 1: wrong key: the file was encrypted with key id ...
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import IO, Any

from taskmining.errors import DecryptionError, ParameterError

__all__ = [
    "ENC_SUFFIX",
    "TRUNCATED_MARKER",
    "DecryptedSegment",
    "EncryptedWriter",
    "decrypt_file",
    "decrypt_segment",
    "is_encrypted",
    "key_id",
    "load_key",
]

ENC_SUFFIX = ".jsonl.enc"
#: Start of the unterminated line that stands for a crash-truncated chunk.
TRUNCATED_MARKER = b'{"taskmining_truncated_encrypted_chunk": '
_HEADER_KEY = "taskmining_encrypted"
_NONCE = 12


def _aesgcm(key: bytes, path: str | PathLike[str] | None) -> Any:
    try:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    except ImportError:  # pragma: no cover - depends on the environment
        raise DecryptionError("encrypted recordings need the 'cryptography' package: "
                              "pip install taskmining[recorder]", path=path) from None
    if not isinstance(key, (bytes, bytearray)) or len(key) != 32:
        raise ParameterError(f"key: expected 32 bytes (AES-256), got "
                             f"{len(key) if isinstance(key, (bytes, bytearray)) else type(key).__name__}")
    return AESGCM(bytes(key))


def key_id(key: bytes) -> str:
    """Public fingerprint of a key (stored in headers and manifests).

    Examples
    --------
    >>> len(key_id(bytes(32)))
    16
    """
    return hashlib.sha256(b"taskmining-key-id:" + bytes(key)).hexdigest()[:16]


def load_key(path: str | PathLike[str]) -> bytes:
    """Read a 32-byte key file: raw bytes, 64 hex digits or base64 text.

    Raises
    ------
    ParameterError
        When the file is missing or holds no 32-byte key, naming the file.

    Examples
    --------
    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "k")
    >>> _ = open(p, "w").write("00" * 32)
    >>> load_key(p) == bytes(32)
    True
    """
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise ParameterError(f"encrypt key file {p}: cannot read ({exc.strerror or exc})") from None
    if len(data) == 32:
        return data
    text = data.strip()
    for decode in (bytes.fromhex, base64.b64decode):
        try:
            key = decode(text.decode("ascii"))
        except (ValueError, binascii.Error, UnicodeDecodeError):
            continue
        if len(key) == 32:
            return key
    raise ParameterError(f"encrypt key file {p}: expected a 32-byte key (raw, 64 hex digits or base64)")


def is_encrypted(head: bytes) -> bool:
    """True when ``head`` (the first bytes of a file) starts an encrypted segment.

    Examples
    --------
    >>> is_encrypted(b'{"taskmining_encrypted": 1, "alg": "AES-256-GCM"}'), is_encrypted(b'{"v": 1}')
    (True, False)
    """
    return head.lstrip().startswith(b'{"' + _HEADER_KEY.encode() + b'"')


class EncryptedWriter:
    """Append authenticated, encrypted chunks to a new ``*.jsonl.enc`` file.

    Each :meth:`write` call is one chunk (one line of the file), written and
    flushed at once. The file is created exclusively (never overwritten).

    Parameters
    ----------
    path : path
        The new segment file.
    key : bytes
        32-byte AES key.

    Examples
    --------
    >>> import os, tempfile
    >>> p = os.path.join(tempfile.mkdtemp(), "s.jsonl.enc")
    >>> w = EncryptedWriter(p, bytes(32)); n = w.write(b'{"x": 1}\\n'); w.close()
    >>> n > 0
    True
    """

    def __init__(self, path: str | PathLike[str], key: bytes) -> None:
        self.path = Path(path)
        self._aead = _aesgcm(key, path)
        self._segment = os.urandom(16).hex()
        self._n = 0
        self._f: IO[bytes] = open(self.path, "xb")
        header = {_HEADER_KEY: 1, "alg": "AES-256-GCM", "segment": self._segment, "key_id": key_id(key)}
        self._f.write(json.dumps(header).encode() + b"\n")
        self._f.flush()

    def write(self, plaintext: bytes) -> int:
        """Encrypt ``plaintext`` as the next chunk; returns the bytes written."""
        self._n += 1
        nonce = os.urandom(_NONCE)
        ct = self._aead.encrypt(nonce, plaintext, f"{self._segment}:{self._n}".encode())
        line = base64.b64encode(nonce + ct) + b"\n"
        self._f.write(line)
        self._f.flush()
        return len(line)

    def fileno(self) -> int:
        """The file descriptor (for ``os.fsync``)."""
        return self._f.fileno()

    def close(self) -> None:
        """Close the file."""
        if not self._f.closed:
            self._f.close()

    def __enter__(self) -> EncryptedWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass(frozen=True)
class DecryptedSegment:
    """What :func:`decrypt_segment` found.

    Attributes
    ----------
    data : bytes
        The authenticated plaintext of every complete chunk, in order.
    chunks : int
        Complete chunks decrypted.
    truncated : bool
        The last line was cut short (a crash while writing): it was not used.
    """

    data: bytes
    chunks: int
    truncated: bool


def decrypt_segment(path: str | PathLike[str], key: bytes) -> DecryptedSegment:
    """Decrypt and authenticate one ``*.jsonl.enc`` segment.

    Raises
    ------
    DecryptionError
        On a wrong key, a damaged header or a complete chunk that fails
        authentication (tampering), naming the file and line.

    Examples
    --------
    >>> import os, tempfile
    >>> p = os.path.join(tempfile.mkdtemp(), "s.jsonl.enc")
    >>> with EncryptedWriter(p, bytes(32)) as w:
    ...     _ = w.write(b'{"x": 1}\\n')
    >>> with open(p, "ab") as f:
    ...     _ = f.write(b"QUJD")           # a chunk cut short by a crash
    >>> seg = decrypt_segment(p, bytes(32))
    >>> seg.data, seg.chunks, seg.truncated
    (b'{"x": 1}\\n', 1, True)
    """
    aead = _aesgcm(key, path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise DecryptionError(f"cannot read: {exc.strerror or exc}", path=path) from None
    lines = raw.split(b"\n")
    tail = lines.pop()  # b"" when the file ends with a newline
    if not lines:
        if tail:
            raise DecryptionError("not an encrypted segment (no complete header line)", path=path, line=1)
        raise DecryptionError("empty file: not an encrypted segment", path=path)
    try:
        header = json.loads(lines[0])
        segment = str(header["segment"])
        if header.get(_HEADER_KEY) != 1 or header.get("alg") != "AES-256-GCM":
            raise KeyError(_HEADER_KEY)
    except (ValueError, KeyError, TypeError):
        raise DecryptionError("damaged or unknown encrypted-segment header", path=path, line=1) from None
    if header.get("key_id") not in (None, key_id(key)):
        raise DecryptionError(f"wrong key: the file was encrypted with key id {header.get('key_id')}, "
                              f"the key given has id {key_id(key)}", path=path, line=1)
    from cryptography.exceptions import InvalidTag

    parts: list[bytes] = []
    for i, line in enumerate(lines[1:], start=1):
        try:
            blob = base64.b64decode(line, validate=True)
            parts.append(aead.decrypt(blob[:_NONCE], blob[_NONCE:], f"{segment}:{i}".encode()))
        except (binascii.Error, ValueError, InvalidTag):
            raise DecryptionError(f"chunk {i} failed authentication: the file was modified "
                                  "(or chunks were removed, reordered or mixed from another segment)",
                                  path=path, line=i + 1) from None
    return DecryptedSegment(b"".join(parts), len(parts), bool(tail))


def decrypt_file(path: str | PathLike[str], key: bytes) -> bytes:
    """The plaintext JSONL of an encrypted segment.

    When the last chunk was cut short by a crash, the result ends with an
    unterminated line starting with :data:`TRUNCATED_MARKER` (not valid
    JSON), so a reader quarantines and counts it instead of losing it silently.

    Parameters
    ----------
    path : path
        A ``*.jsonl.enc`` segment.
    key : bytes
        The 32-byte AES key of the recording.

    Returns
    -------
    bytes

    Raises
    ------
    DecryptionError
        Wrong key or tampered data, naming the file and line.

    Examples
    --------
    >>> import os, tempfile
    >>> p = os.path.join(tempfile.mkdtemp(), "s.jsonl.enc")
    >>> with EncryptedWriter(p, bytes(32)) as w:
    ...     _ = w.write(b'{"x": 1}\\n')
    >>> decrypt_file(p, bytes(32))
    b'{"x": 1}\\n'
    """
    seg = decrypt_segment(path, key)
    if seg.truncated:
        return seg.data + TRUNCATED_MARKER + f'"chunk {seg.chunks + 1} cut short"'.encode()
    return seg.data
