"""Encrypted segments (``*.jsonl.enc``): AES-256-GCM, chunk by chunk, tamper-evident.

Layout, one text line each (so a crash cuts at most the last line):

1. a JSON header: ``{"taskmining_encrypted": 2, "alg": "AES-256-GCM",
   "segment": "<32 hex>", "recording": "<32 hex>", "session": "...",
   "index": 3, "key_id": "<16 hex>"}``;
2. one line per written chunk (one or more JSONL records flushed together):
   base64 of a 12-byte random nonce followed by the ciphertext and its
   16-byte tag;
3. at a clean close, a final chunk holding ``{"final": true, "chunks": n,
   "bytes": b}``.

The associated data of every chunk binds the recording id, the session, the
segment index, the segment's random id, the chunk number and whether it is
the final chunk. So a chunk changed, removed, reordered, duplicated or copied
from another segment fails authentication, and so does a segment renamed,
swapped, replayed or transplanted from another recording when the reader
knows which segment it expects (:class:`SegmentId`, from the authenticated
manifest: see :mod:`taskmining.io.encrypted_manifest`). Chunks dropped from
the end are seen because the final chunk is missing.

A crash can leave the last line incomplete (no ``\\n``). Everything
authenticated before it is returned, and the incomplete tail is reported:
:func:`decrypt_file` ends its output with an unterminated, non-JSON line so
that the native reader quarantines and counts it like any truncated line.
A complete line that fails authentication, a wrong key, or a damaged header
raise :class:`~taskmining.errors.DecryptionError` naming the file (and line).
Segments of version 1 (no final chunk, no recording binding) are still read.

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
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import IO, Any

from taskmining.errors import DecryptionError, ParameterError

__all__ = ["ENC_SUFFIX", "TRUNCATED_MARKER", "key_id", "load_key", "EncryptedWriter", "SegmentId",
           "DecryptedSegment", "decrypt_segment", "decrypt_file", "is_encrypted", "read_header"]

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


@dataclass(frozen=True)
class SegmentId:
    """Which segment a file must be: recording id, session and index (from 1)."""

    recording: str | None = None
    session: str | None = None
    index: int | None = None


def _aad(header: dict[str, Any], chunk: int, final: bool) -> bytes:
    if header.get(_HEADER_KEY) == 1:
        return f"{header['segment']}:{chunk}".encode()
    parts = ("tm2", header.get("recording"), header.get("session"), header.get("index"), header["segment"],
             chunk, "final" if final else "data")
    return json.dumps(parts, separators=(",", ":")).encode()


class EncryptedWriter:
    """Append authenticated, encrypted chunks to a new ``*.jsonl.enc`` file.

    Each :meth:`write` call is one chunk (one line of the file), written and
    flushed at once; :meth:`close` writes the final chunk. The file is
    created exclusively (never overwritten).

    Parameters
    ----------
    path : path
        The new segment file.
    key : bytes
        32-byte AES key.
    segment : SegmentId, optional
        Recording id, session and index bound into every chunk.

    Examples
    --------
    >>> import os, tempfile
    >>> p = os.path.join(tempfile.mkdtemp(), "s.jsonl.enc")
    >>> w = EncryptedWriter(p, bytes(32)); n = w.write(b'{"x": 1}\\n'); w.close()
    >>> n > 0, decrypt_segment(p, bytes(32)).final
    (True, True)
    """

    def __init__(self, path: str | PathLike[str], key: bytes, segment: SegmentId | None = None) -> None:
        self.path = Path(path)
        self._aead = _aesgcm(key, path)
        sid = segment or SegmentId()
        self._header: dict[str, Any] = {_HEADER_KEY: 2, "alg": "AES-256-GCM", "segment": os.urandom(16).hex(),
                                        "recording": sid.recording, "session": sid.session, "index": sid.index,
                                        "key_id": key_id(key)}
        self._n = 0
        self._bytes = 0
        self._f: IO[bytes] = open(self.path, "xb", buffering=0)  # unbuffered: a failed chunk is never completed
        self._put(json.dumps(self._header).encode() + b"\n")

    def _put(self, line: bytes) -> None:
        view, total = memoryview(line), 0
        while total < len(line):
            n = self._f.write(view[total:])
            if not n:
                raise OSError(28, "No space left on device (short write)")
            total += n

    @property
    def chunks(self) -> int:
        """Data chunks written so far."""
        return self._n

    def _chunk(self, plaintext: bytes, final: bool) -> int:
        nonce = os.urandom(_NONCE)
        ct = self._aead.encrypt(nonce, plaintext, _aad(self._header, self._n + (1 if final else 0), final))
        line = base64.b64encode(nonce + ct) + b"\n"
        self._put(line)
        return len(line)

    def write(self, plaintext: bytes) -> int:
        """Encrypt ``plaintext`` as the next chunk; returns the bytes written."""
        self._n += 1
        try:
            n = self._chunk(plaintext, False)
        except BaseException:
            self._n -= 1
            raise
        self._bytes += len(plaintext)
        return n

    def fileno(self) -> int:
        """The file descriptor (for ``os.fsync``)."""
        return self._f.fileno()

    def close(self, *, final: bool = True) -> None:
        """Write the final chunk (unless ``final=False``: a failed segment) and close the file."""
        if self._f.closed:
            return
        try:
            if final:
                self._chunk(json.dumps({"final": True, "chunks": self._n, "bytes": self._bytes}).encode(), True)
                os.fsync(self._f.fileno())
        finally:
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
        Complete data chunks decrypted.
    truncated : bool
        The last line was cut short (a crash while writing): it was not used.
    final : bool
        The segment ends with its authenticated final chunk (a clean close).
    header : dict
        The segment's header.
    """

    data: bytes
    chunks: int
    truncated: bool
    final: bool = False
    header: dict[str, Any] = field(default_factory=dict)


def read_header(raw: bytes, path: str | PathLike[str] | None = None) -> dict[str, Any]:
    """Parse the header line of an encrypted segment.

    Raises
    ------
    DecryptionError
        When it is missing or damaged.

    Examples
    --------
    >>> read_header(b'{"taskmining_encrypted": 2, "alg": "AES-256-GCM", "segment": "ab"}\\n')["segment"]
    'ab'
    """
    first, sep, _ = raw.partition(b"\n")
    if not sep:
        if not raw:
            raise DecryptionError("empty file: not an encrypted segment", path=path)
        raise DecryptionError("not an encrypted segment (no complete header line)", path=path, line=1)
    try:
        header = json.loads(first)
        if header.get(_HEADER_KEY) not in (1, 2) or header.get("alg") != "AES-256-GCM":
            raise KeyError(_HEADER_KEY)
        str(header["segment"])
    except (ValueError, KeyError, TypeError, AttributeError):
        raise DecryptionError("damaged or unknown encrypted-segment header", path=path, line=1) from None
    return dict(header)


def _check_expected(header: dict[str, Any], expect: SegmentId, path: str | PathLike[str]) -> None:
    if header.get(_HEADER_KEY) == 1:
        return
    for name in ("recording", "session", "index"):
        want = getattr(expect, name)
        if want is not None and header.get(name) != want:
            raise DecryptionError(f"segment mismatch: this file is {name} {header.get(name)!r} but {want!r} is "
                                  "expected here (a segment renamed, swapped, replayed or copied from another "
                                  "recording)", path=path, line=1)


def decrypt_segment(path: str | PathLike[str], key: bytes, expect: SegmentId | None = None) -> DecryptedSegment:
    """Decrypt and authenticate one ``*.jsonl.enc`` segment.

    Parameters
    ----------
    path : path
    key : bytes
    expect : SegmentId, optional
        The recording, session and index this file must be; chunks are
        authenticated against these (not against the header's claims).

    Raises
    ------
    DecryptionError
        On a wrong key, a damaged header, a segment that is not the one
        expected, chunks after the final chunk, or a complete chunk that
        fails authentication (tampering), naming the file and line.

    Examples
    --------
    >>> import os, tempfile
    >>> p = os.path.join(tempfile.mkdtemp(), "s.jsonl.enc")
    >>> w = EncryptedWriter(p, bytes(32))
    >>> _ = w.write(b'{"x": 1}\\n')
    >>> with open(p, "ab") as f:
    ...     _ = f.write(b"QUJD")           # a chunk cut short by a crash
    >>> seg = decrypt_segment(p, bytes(32))
    >>> seg.data, seg.chunks, seg.truncated, seg.final
    (b'{"x": 1}\\n', 1, True, False)
    """
    aead = _aesgcm(key, path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise DecryptionError(f"cannot read: {exc.strerror or exc}", path=path) from None
    header = read_header(raw, path)
    if header.get("key_id") not in (None, key_id(key)):
        raise DecryptionError(f"wrong key: the file was encrypted with key id {header.get('key_id')}, "
                              f"the key given has id {key_id(key)}", path=path, line=1)
    if expect is not None:
        _check_expected(header, expect, path)
        header = {**header, **{k: v for k, v in vars(expect).items() if v is not None}}
    from cryptography.exceptions import InvalidTag

    lines = raw.split(b"\n")
    tail = lines.pop()  # b"" when the file ends with a newline
    parts: list[bytes] = []
    final = False
    for i, line in enumerate(lines[1:], start=1):
        if final:
            raise DecryptionError("data after the final chunk: chunks were appended or copied into this segment",
                                  path=path, line=i + 1)
        try:
            blob = base64.b64decode(line, validate=True)
            nonce, ct = blob[:_NONCE], blob[_NONCE:]
            try:
                parts.append(aead.decrypt(nonce, ct, _aad(header, i, False)))
            except InvalidTag:
                if header.get(_HEADER_KEY) == 1:
                    raise
                end = json.loads(aead.decrypt(nonce, ct, _aad(header, i, True)))
                if end.get("chunks") != i - 1:
                    raise InvalidTag() from None
                final = True
        except (binascii.Error, ValueError, InvalidTag):
            raise DecryptionError(f"chunk {i} failed authentication: the file was modified "
                                  "(or chunks were removed, reordered or mixed from another segment)",
                                  path=path, line=i + 1) from None
    if final and tail:
        raise DecryptionError("data after the final chunk", path=path, line=len(lines) + 1)
    return DecryptedSegment(b"".join(parts), len(parts), bool(tail), final, header)


def decrypt_file(path: str | PathLike[str], key: bytes, expect: SegmentId | None = None) -> bytes:
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
    expect : SegmentId, optional
        See :func:`decrypt_segment`.

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
    seg = decrypt_segment(path, key, expect)
    if seg.truncated:
        return seg.data + TRUNCATED_MARKER + f'"chunk {seg.chunks + 1} cut short"'.encode()
    return seg.data
