"""Recorder settings: one validated, immutable object.

Examples
--------
>>> parse_duration("8h"), parse_duration("90s"), parse_duration("1h30m"), parse_duration(None)
(28800.0, 90.0, 5400.0, None)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from taskmining.errors import ParameterError
from taskmining.privacy.allowlist import Allowlist

__all__ = ["parse_duration", "RecorderConfig", "OCR_MODES"]

OCR_MODES = ("auto", "off")
_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*(h|m|s|ms)?")
_UNIT = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001, None: 1.0}


def parse_duration(value: str | float | int | None, *, parameter: str = "duration") -> float | None:
    """Seconds from ``"8h"``, ``"30m"``, ``"1h30m"``, ``"45s"`` or a number of seconds.

    Examples
    --------
    >>> parse_duration(2.5)
    2.5
    >>> parse_duration("soon")
    Traceback (most recent call last):
    ...
    taskmining.errors.ParameterError: duration: 'soon' is not a duration (examples: 8h, 30m, 1h30m, 45s)
    """
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = float(value)
    else:
        text = str(value).strip().lower()
        pos, seconds = 0, 0.0
        for m in _DURATION.finditer(text):
            if m.start() != pos or not m.group(0):
                break
            seconds += float(m.group(1)) * _UNIT[m.group(2)]
            pos = m.end()
        if pos != len(text) or not text:
            raise ParameterError(f"{parameter}: {value!r} is not a duration (examples: 8h, 30m, 1h30m, 45s)")
    if seconds <= 0:
        raise ParameterError(f"{parameter}: must be positive (got {value!r})")
    return seconds


@dataclass(frozen=True)
class RecorderConfig:
    """Everything a recording run needs to know (see :class:`~taskmining.recorder.Recorder`).

    Examples
    --------
    >>> cfg = RecorderConfig(allow=Allowlist(apps=["gedit"]), salt=b"0123456789")
    >>> cfg.ocr, cfg.keep_text, cfg.flush_interval <= 1.0
    ('auto', False, True)
    """

    allow: Allowlist
    salt: bytes
    ocr: str = "auto"
    screenshots: bool = False
    keep_text: bool = False
    encrypt_key: bytes | None = None
    duration: float | None = None
    segment_bytes: int = 16 * 1024 * 1024
    segment_seconds: float = 3600.0
    queue_size: int = 10_000
    flush_interval: float = 0.25
    fsync_interval: float = 1.0
    lookup_timeout: float = 1.0
    afk_after: float | None = 300.0
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.ocr not in OCR_MODES:
            raise ParameterError(f"ocr: expected one of {', '.join(OCR_MODES)}, got {self.ocr!r}")
        if self.encrypt_key is not None and len(self.encrypt_key) != 32:
            raise ParameterError(f"encrypt_key: expected 32 bytes (AES-256), got {len(self.encrypt_key)}")
        for name in ("segment_bytes", "segment_seconds", "queue_size", "flush_interval", "fsync_interval",
                     "lookup_timeout"):
            if getattr(self, name) <= 0:
                raise ParameterError(f"{name}: must be positive (got {getattr(self, name)!r})")
        if self.afk_after is not None and self.afk_after <= 0:
            raise ParameterError(f"afk_after: must be positive or None (got {self.afk_after!r})")
        if self.flush_interval > 1.0:
            raise ParameterError(f"flush_interval: at most 1 second (got {self.flush_interval!r}); "
                                 "a crash must lose at most the last second")

    def privacy_settings(self) -> dict[str, Any]:
        """The privacy part of the manifest.

        Examples
        --------
        >>> RecorderConfig(allow=Allowlist(apps=["x"]), salt=b"0123456789").privacy_settings()["keep_text"]
        False
        """
        from taskmining.io.encrypted import key_id
        from taskmining.privacy.hashing import salt_id
        from taskmining.privacy.keyring import KeySet
        from taskmining.privacy.redact import KINDS
        return {
            "keep_text": self.keep_text,
            "screenshots": self.screenshots,
            "ocr": self.ocr,
            "redacted_kinds": list(KINDS),
            "keystrokes": "text" if self.keep_text else "key class only",
            "clipboard": "keyed hash (link key; pseudonym key when personal)"
                         + (" and redacted text from allowlisted owners" if self.keep_text else ""),
            "password_fields": "never captured",
            "outside_allowlist": "time only (idle/outside_allowlist)",
            "afk_after_s": self.afk_after,
            "salt_id": salt_id(self.salt),
            **KeySet.derive(self.salt).ids(),
            "encrypted": self.encrypt_key is not None,
            "key_id": key_id(self.encrypt_key) if self.encrypt_key is not None else None,
        }
