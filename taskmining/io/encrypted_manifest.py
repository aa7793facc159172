"""An encrypted recording as a whole: the authenticated manifest and the check of its segments.

The manifest of an encrypted recording carries ``auth``: an HMAC-SHA256 of
its canonical JSON under a key derived from the recording key, so it cannot
be edited unnoticed. It holds the ``recording_id`` bound into every chunk of
every segment, lists each session's segments (updated when a segment is
opened, before its file exists) and, under ``closed``, the chunk count of
each segment closed cleanly.

:func:`check_recording` runs before an encrypted folder is read and
refuses (:class:`~taskmining.errors.DecryptionError`, naming the file):

- a manifest without a valid ``auth`` (edited, or not from this key), and a
  segment of a recording (its header names one) read without its manifest
  or with a manifest claiming the recording is not encrypted;
- a plaintext file (``.jsonl``, ``.jsonl.gz``) inside the recording;
- a segment the manifest does not list, or one it lists that is missing
  (deleted), except the last one of a session that did not stop (a crash
  between the manifest update and the file);
- a segment closed cleanly whose final chunk is missing or counts other
  chunks (chunks removed from the end).

Each segment is then read expecting its own recording id, session and index
(:class:`~taskmining.io.encrypted.SegmentId`), so renamed, swapped, replayed
or transplanted segments fail authentication. Crash damage is not fatal and
is counted in the quarantine with a note: an empty segment (0 bytes, left
by a full disk) is skipped; a segment without its final chunk "did not end
cleanly"; its cut last chunk is quarantined by the reader.

Examples
--------
>>> m = sign_manifest({"recording_id": "ab", "sessions": []}, bytes(32))
>>> verify_manifest(m, bytes(32), "manifest.json")
>>> m["sessions"].append({"session": "forged"})
>>> verify_manifest(m, bytes(32), "manifest.json")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
taskmining.errors.DecryptionError: manifest.json: the manifest failed authentication: ...
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
from os import PathLike
from pathlib import Path
from typing import Any

from taskmining.errors import DecryptionError, IngestError
from taskmining.io.encrypted import ENC_SUFFIX, SegmentId, _aad, _aesgcm, _check_expected, read_header
from taskmining.io.quarantine import QuarantineLog

__all__ = ["manifest_key", "sign_manifest", "verify_manifest", "segment_end", "check_recording",
           "RecordingKey", "for_file"]

_MANIFEST = "manifest.json"
_INDEX = re.compile(r"segment-(\d+)\.jsonl")


def manifest_key(key: bytes) -> bytes:
    """The manifest authentication key derived from the recording key.

    Examples
    --------
    >>> len(manifest_key(bytes(32)))
    32
    """
    return hmac.new(bytes(key), b"taskmining/manifest-auth/v1", hashlib.sha256).digest()


def _mac(manifest: dict[str, Any], key: bytes) -> str:
    body = {k: v for k, v in manifest.items() if k != "auth"}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return hmac.new(manifest_key(key), text, hashlib.sha256).hexdigest()


def sign_manifest(manifest: dict[str, Any], key: bytes) -> dict[str, Any]:
    """``manifest`` with its ``auth`` field set (changed in place and returned)."""
    manifest["auth"] = {"alg": "HMAC-SHA256", "mac": _mac(manifest, key)}
    return manifest


def verify_manifest(manifest: dict[str, Any], key: bytes, path: str | PathLike[str]) -> None:
    """Raise :class:`DecryptionError` unless the manifest's ``auth`` is valid for ``key``."""
    auth = manifest.get("auth")
    if not isinstance(auth, dict) or "mac" not in auth:
        raise DecryptionError("the manifest of this encrypted recording is not authenticated (no auth field): "
                              "it was replaced or written by an older recorder", path=path)
    if not hmac.compare_digest(str(auth["mac"]), _mac(manifest, key)):
        raise DecryptionError("the manifest failed authentication: it was modified, or the key is not this "
                              "recording's", path=path)


def segment_end(path: Path, key: bytes, expect: SegmentId) -> tuple[bool, int, bool]:
    """``(final, complete_chunks, truncated)`` of a segment, from its header and last line only."""
    raw = path.read_bytes()
    header = read_header(raw, path)
    _check_expected(header, expect, path)  # a renamed, swapped, replayed or transplanted segment
    header = {**header, **{k: v for k, v in vars(expect).items() if v is not None}}
    lines = raw.split(b"\n")
    tail = lines.pop()
    n = len(lines) - 1
    if n < 1:
        return False, 0, bool(tail)
    try:
        blob = base64.b64decode(lines[-1], validate=True)
        end = json.loads(_aesgcm(key, path).decrypt(blob[:12], blob[12:], _aad(header, n, True)))
        return bool(end.get("final")) and end.get("chunks") == n - 1, n - 1, bool(tail)
    except (binascii.Error, ValueError, Exception):  # not a final chunk (InvalidTag), or damaged
        return False, n, bool(tail)


class RecordingKey:
    """The recording key with what each segment file must be (passed through the native reader)."""

    def __init__(self, key: bytes, expect: dict[Path, SegmentId]) -> None:
        self.key, self.expect = key, expect


def for_file(key: bytes | RecordingKey, path: Path) -> tuple[bytes, SegmentId | None]:
    """``(key, expected segment)`` for one file.

    Examples
    --------
    >>> for_file(bytes(32), Path("s.jsonl.enc")) == (bytes(32), None)
    True
    """
    if isinstance(key, RecordingKey):
        return key.key, key.expect.get(path)
    return key, None


def _root(path: Path) -> Path | None:
    for parent in (path.parent, path.parent.parent):
        if (parent / _MANIFEST).is_file():
            return parent
    return None


def check_recording(files: list[Path], key: bytes | None,
                    qlog: QuarantineLog) -> tuple[list[Path], bytes | RecordingKey | None]:
    """Check the encrypted recordings among ``files``; the files to read and the key to read them with.

    Files outside an encrypted recording (no manifest, or a plaintext
    recording) are returned unchanged and without expectation; the key comes
    back as given when there is no encrypted recording.
    """
    keep: list[Path] = []
    expect: dict[Path, SegmentId] = {}
    manifests: dict[Path, dict[str, Any] | None] = {}
    seen: dict[Path, set[str]] = {}
    unclean: set[tuple[Path, str]] = set()  # sessions with a segment noted as not ended cleanly
    for f in files:
        root = _root(f)
        if root is not None and root not in manifests:
            manifests[root] = _encrypted_manifest(root, key)
        m = manifests.get(root) if root is not None else None
        if root is None or m is None:
            if f.name.endswith(ENC_SUFFIX) and _recording_of(f) is not None:
                raise DecryptionError("segment of an encrypted recording read without its authenticated manifest "
                                      "(missing, or saying the recording is not encrypted): refused, since "
                                      "removed or replaced segments could not be seen", path=f)
            keep.append(f)
            continue
        assert key is not None
        rel = f.relative_to(root).as_posix()
        seen.setdefault(root, set()).add(rel)
        if not f.name.endswith(ENC_SUFFIX):
            raise DecryptionError("plaintext file inside an encrypted recording: refused (it was not written by "
                                  "the recorder)", path=f)
        if f.stat().st_size == 0:  # holds nothing, so it can inject nothing
            qlog.add(str(f), None, "empty segment (0 bytes, e.g. left by a full disk): skipped")
            continue
        entry = next((s for s in m.get("sessions", []) if s.get("session") == rel.split("/")[0]), None)
        match = _INDEX.search(f.name)
        if entry is None or rel not in entry.get("segments", []) or match is None:
            raise DecryptionError("segment not listed in the authenticated manifest: refused (added, renamed or "
                                  "copied from another recording)", path=f)
        sid = SegmentId(str(m.get("recording_id")), str(entry["session"]), int(match.group(1)))
        final, chunks, _ = segment_end(f, key, sid)
        closed = entry.get("closed", {})
        if rel in closed and (not final or chunks != closed[rel]):
            raise DecryptionError(f"segment closed cleanly with {closed[rel]} chunks, but its final chunk is "
                                  f"{'missing' if not final else 'for ' + str(chunks)}: chunks were removed",
                                  path=f)
        if not final:
            qlog.add(str(f), None, f"segment did not end cleanly (no final chunk: the recorder crashed, was "
                                   f"killed or could not write); {chunks} complete chunk(s) read")
            unclean.add((root, str(entry["session"])))
        keep.append(f)
        expect[f] = sid
    for root, m in manifests.items():
        if m is not None:
            _missing(root, m, seen.get(root, set()), qlog)
            _unstopped(root, m, seen.get(root, set()), unclean, qlog)
    return keep, (RecordingKey(key, expect) if expect and key is not None else key)


def _unstopped(root: Path, manifest: dict[str, Any], seen: set[str], unclean: set[tuple[Path, str]],
               qlog: QuarantineLog) -> None:
    """A note for each session read that never stopped (``stop`` null or absent) and has no open segment.

    The recorder writes ``stop`` when it stops; a session killed right after
    closing a segment, before opening the next, leaves every segment closed,
    and this note is then the only sign that it did not end cleanly.
    """
    for entry in manifest.get("sessions", []):
        name = str(entry.get("session"))
        read = any(rel.split("/")[0] == name for rel in seen)
        if read and not entry.get("stop") and (root, name) not in unclean:
            qlog.add(str(root / _MANIFEST), None, f"session {name} did not end cleanly: the manifest has no stop "
                                                  "(the recorder was killed or crashed after its last closed segment)")


def _recording_of(path: Path) -> str | None:
    """The recording id in a segment's header (None for a stand-alone encrypted file or no header)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096)
        return read_header(head, path).get("recording") if head else None
    except (OSError, DecryptionError):
        return None


def _encrypted_manifest(root: Path, key: bytes | None) -> dict[str, Any] | None:
    path = root / _MANIFEST
    try:
        m = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise IngestError(f"unreadable manifest ({exc})", path=path) from None
    if not isinstance(m, dict) or not (m.get("privacy") or {}).get("encrypted"):
        return None
    if key is None:
        raise IngestError("encrypted recording: pass key= (the recording key) to read it", path=root)
    verify_manifest(m, key, path)
    return m


def _missing(root: Path, m: dict[str, Any], seen: set[str], qlog: QuarantineLog) -> None:
    for entry in m.get("sessions", []):
        listed = list(entry.get("segments", []))
        for i, rel in enumerate(listed):
            if rel in seen:
                continue
            if (root / rel).exists():
                continue  # on disk but not asked for (a single session or file was read)
            if i == len(listed) - 1 and not entry.get("clean_stop"):
                qlog.add(str(root / rel), None, "segment listed in the manifest was never created (the recorder "
                                                "stopped before writing it)")
                continue
            raise DecryptionError("segment listed in the authenticated manifest is missing: it was deleted",
                                  path=root / rel)
