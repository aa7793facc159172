"""The native recording layout: folder, segment files, manifest and record version.

A recording is a folder with ``manifest.json`` and one sub-folder per
session holding rotated ``segment-NNNNNN.jsonl`` files (``.jsonl.enc`` when
encrypted) whose records carry ``"v": SCHEMA_VERSION``. The recorder, the
simulator and the batch layer all take these names from here.

One manifest per recording folder, written atomically at start, whenever a
segment is opened, and at stop. It holds a random ``recording_id``, the
record schema version, the recorder version, the (hashed) host, the
allowlist, the privacy settings and one entry per session run in the folder
(start, stop, segments, the chunk counts of segments closed cleanly, counts,
faults). It never holds the salt or the key, only their public fingerprints.
In an encrypted recording it is authenticated (``auth``, see
:mod:`taskmining.io.encrypted_manifest`).

Examples
--------
>>> import tempfile
>>> out = tempfile.mkdtemp()
>>> m = start_session(out, {"allowlist": {"apps": ["gedit"]}}, {"session": "s1", "start": "t0"})
>>> m = finish_session(out, "s1", {"stop": "t1", "records": 3})
>>> read_manifest(out)["sessions"][0]["records"]
3
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import Any

from taskmining.errors import RecorderError

__all__ = ["MANIFEST", "SCHEMA_VERSION", "FORMAT_NAME", "SEGMENT_PREFIX", "segment_name", "read_manifest",
           "write_manifest", "start_session", "finish_session"]

MANIFEST = "manifest.json"
#: Version of the native record schema written (``v`` in each record and in the manifest).
SCHEMA_VERSION = 1
#: ``format`` in the manifest.
FORMAT_NAME = "taskmining-native"
#: Every segment file of a session starts with this.
SEGMENT_PREFIX = "segment-"


def segment_name(index: int, *, encrypted: bool = False) -> str:
    """The file name of a session's ``index``-th segment (from 1).

    Examples
    --------
    >>> segment_name(1), segment_name(12, encrypted=True)
    ('segment-000001.jsonl', 'segment-000012.jsonl.enc')
    """
    return f"{SEGMENT_PREFIX}{index:06d}.jsonl" + (".enc" if encrypted else "")


def read_manifest(out: str | os.PathLike[str]) -> dict[str, Any]:
    """The manifest of a recording folder (``{}`` when there is none yet).

    Raises
    ------
    RecorderError
        When the file exists but is not valid JSON, naming it.

    Examples
    --------
    >>> import tempfile
    >>> read_manifest(tempfile.mkdtemp())
    {}
    """
    p = Path(out) / MANIFEST
    if not p.exists():
        return {}
    try:
        return json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RecorderError(f"{p}: unreadable manifest ({exc})") from None


def write_manifest(out: str | os.PathLike[str], manifest: dict[str, Any], *, auth_key: bytes | None = None) -> Path:
    """Write ``manifest.json`` atomically (temporary file, fsync, rename; authenticated with ``auth_key``).

    The temporary file is removed when writing fails (a full disk).

    Examples
    --------
    >>> import tempfile
    >>> write_manifest(tempfile.mkdtemp(), {"a": 1}).name
    'manifest.json'
    """
    if auth_key is not None:
        from taskmining.io.encrypted_manifest import sign_manifest
        sign_manifest(manifest, auth_key)
    p = Path(out) / MANIFEST
    tmp = p.with_name(f".{MANIFEST}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(manifest, f, indent=2, ensure_ascii=False)
            f.write("\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, p)
    except BaseException:
        try:
            tmp.unlink()
        except OSError:
            pass
        raise
    return p


def start_session(out: str | os.PathLike[str], common: dict[str, Any], session: dict[str, Any], *,
                  auth_key: bytes | None = None) -> dict[str, Any]:
    """Add a session entry (and the recording-wide fields) to the manifest.

    ``common`` fields (versions, host, allowlist, privacy settings) are set
    when the manifest is new; a later run with different settings keeps the
    first ones and stores its own in its session entry.
    """
    manifest = read_manifest(out)
    if auth_key is not None and manifest:
        from taskmining.io.encrypted_manifest import verify_manifest
        verify_manifest(manifest, auth_key, Path(out) / MANIFEST)  # never extend a manifest edited meanwhile
    if not manifest:
        manifest = {"format": "taskmining-native", "schema_version": SCHEMA_VERSION,
                    "recording_id": secrets.token_hex(16), **common, "sessions": []}
    else:
        differs = {k: v for k, v in common.items() if manifest.get(k) != v}
        if differs:
            session = {**session, "settings": differs}
    manifest.setdefault("recording_id", secrets.token_hex(16))
    manifest.setdefault("sessions", []).append(session)
    write_manifest(out, manifest, auth_key=auth_key)
    return manifest


def finish_session(out: str | os.PathLike[str], session: str, fields: dict[str, Any], *,
                   auth_key: bytes | None = None) -> dict[str, Any]:
    """Update the entry of ``session`` (stop time, counts, segments, faults)."""
    manifest = read_manifest(out)
    for entry in manifest.get("sessions", []):
        if entry.get("session") == session:
            entry.update(fields)
            break
    else:
        manifest.setdefault("sessions", []).append({"session": session, **fields})
    write_manifest(out, manifest, auth_key=auth_key)
    return manifest
