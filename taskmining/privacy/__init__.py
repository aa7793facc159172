"""Privacy by default: one implementation for the recorder and the analysis.

- :func:`hash_value` / :func:`pseudonym`: keyed HMAC-SHA256 tokens
  (``h:`` + 16 hex; ``u-`` + 8 hex for users), so values join but cannot be read.
- :class:`KeySet`: the pseudonym key (people; never needed for analysis) and
  the separate link key (business values, for ``link_to_process``).
- :func:`redact_text` / :func:`redact_frame`: e-mail addresses, phone numbers,
  IBANs, card numbers and long digit runs become ``[kind:h:…]``.
- :class:`Allowlist`: which applications and titles may be recorded.
- :func:`classify_key`: key classes instead of characters.
- :func:`is_password_field`: password fields are never captured.

Names load lazily (group-size thresholds for reports live in
``taskmining.privacy.groups``).

Examples
--------
>>> from taskmining import privacy
>>> privacy.hash_value("x", b"team-salt")[:2]
'h:'
>>> privacy.Allowlist(apps=["excel"]).allows("Excel.exe")
True
"""

from __future__ import annotations

import importlib
from typing import Any

_LAZY: dict[str, str] = {
    "hash_value": "hashing", "hash_series": "hashing", "pseudonym": "hashing",
    "pseudonymize_series": "hashing", "salt_id": "hashing", "load_salt": "hashing",
    "as_salt": "hashing", "HASH_PATTERN": "hashing",
    "redact_text": "redact", "redact_series": "redact", "redact_frame": "redact",
    "luhn_valid": "redact", "KINDS": "redact", "REDACT_COLUMNS": "redact",
    "PERSONAL_KINDS": "redact", "is_personal": "redact",
    "KeySet": "keyring", "load_keys": "keyring", "write_link_key": "keyring", "read_link_key": "keyring",
    "Allowlist": "allowlist", "allowlist_mask": "allowlist", "normalize_app": "allowlist",
    "classify_key": "keys", "classify_keys": "keys", "shortcut_name": "keys",
    "is_modifier": "keys", "KEY_CLASSES": "keys", "SHORTCUT_ACTIONS": "keys",
    "is_password_field": "password", "password_mask": "password", "PASSWORD_ROLES": "password",
    "ReleaseLedger": "release", "threshold_cells": "release",
    "pseudonymize_frame": "frame", "mask_outside_allowlist": "frame", "protect_frame": "frame",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(f"taskmining.privacy.{_LAZY[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'taskmining.privacy' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__
