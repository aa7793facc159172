"""The recorder's privacy filter: observations in, native records out.

Every backend's observations go through :class:`PrivacyFilter` before
anything is queued for disk:

- outside the allowlist nothing is kept but time: an ``idle`` record with
  ``raw_action="outside_allowlist"``, no application, and the duration;
- password fields yield no record at all;
- keystrokes become their key class (``attrs.key_class``); shortcuts keep
  their name (``attrs.keys``); ``ctrl+c``/``ctrl+x``/``ctrl+v`` are ``copy``,
  ``cut``, ``paste`` records;
- clipboard content becomes its keyed hash (``value``): under the link key
  for business values, under the pseudonym key when the text holds a
  personal identifier (see :mod:`taskmining.privacy.keyring`); with
  ``keep_text`` the *redacted* text is kept, and only when the clipboard's
  owner is known to be an allowlisted window (``attrs.clipboard_owner_allowed``);
- titles, element names and values are redacted
  (:func:`taskmining.privacy.redact_text`).

Examples
--------
>>> from taskmining.privacy import Allowlist
>>> from taskmining.privacy.keyring import KeySet
>>> f = PrivacyFilter(Allowlist(apps=["gedit"]), KeySet.derive(b"0123456789"), session="s1", user="u-1")
>>> recs = f.process(Observation("key", 10.0, app="gedit", title="notes", key="a"))
>>> recs[0]["action"], recs[0]["attrs"]["key_class"], recs[0]["value"]
('key', 'character', None)
>>> f.process(Observation("window", 11.0, app="bank", title="Account 12345678"))
[]
>>> [r["raw_action"] for r in f.process(Observation("window", 13.5, app="gedit", title="notes"))]
['outside_allowlist', 'window_activate']
"""

from __future__ import annotations

import threading
from typing import Any

from taskmining.privacy.allowlist import Allowlist
from taskmining.privacy.keyring import KeySet
from taskmining.privacy.keys import (
    SHORTCUT_ACTIONS,
    classify_key,
    is_modifier,
    shortcut_name,
)
from taskmining.privacy.password import is_password_field
from taskmining.privacy.keyring import is_business_key
from taskmining.privacy.redact import is_personal, redact_text
from taskmining.recorder.backends.base import Observation
from taskmining.recorder.sink import iso_utc

__all__ = ["PrivacyFilter"]

_CLICK_ACTIONS = {1: "click", 2: "click", 3: "right_click"}


class PrivacyFilter:
    """Turns observations into privacy-safe native records (thread-safe).

    Parameters
    ----------
    allow : Allowlist
    keys : KeySet
        Pseudonym key (redaction tokens) and link key (business values).
    session, user : str
        Written into every record (``user`` is already a pseudonym).
    keep_text : bool
        Keep typed characters and clipboard text.
    afk_after : float or None
        Seconds without any input after which the gap is written as an
        ``idle``/``afk`` record (with its duration) when input resumes; None
        turns this off.
    """

    def __init__(self, allow: Allowlist, keys: KeySet, *, session: str, user: str,
                 keep_text: bool = False, afk_after: float | None = 300.0) -> None:
        self.allow = allow
        self.keys = keys
        self.salt = keys.pseudonym
        self.session = session
        self.user = user
        self.keep_text = keep_text
        self._lock = threading.Lock()
        self._outside_since: float | None = None
        self._active_allowed = True
        self._last_t = float("-inf")
        self.afk_after = afk_after
        self._last_input: float | None = None
        self.dropped_outside = 0
        self._copied: dict[str, None] = {}  # hashes of texts copied in allowlisted windows (insertion order)
        self.dropped_password = 0

    # -- public ---------------------------------------------------------------
    def process(self, obs: Observation) -> list[dict[str, Any]]:
        """Records (zero, one or two) for one observation."""
        with self._lock:
            return self._process(obs)

    def close(self, t: float) -> list[dict[str, Any]]:
        """Records to write at the end of recording (an open outside-allowlist interval)."""
        with self._lock:
            return self._end_outside(t)

    # -- internals -----------------------------------------------------------
    def _process(self, obs: Observation) -> list[dict[str, Any]]:
        allowed = self.allow.allows(obs.app, obs.title)
        if obs.kind == "window":
            if not allowed:
                self._active_allowed = False
                if self._outside_since is None:
                    self._outside_since = obs.timestamp
                return []
            self._active_allowed = True
            out = self._end_outside(obs.timestamp)
            # a title change inside the same window is not an application switch
            action = "other" if obs.raw_action == "title_change" else "app_switch"
            out.append(self._record(obs, action, raw_action=obs.raw_action or "window_activate"))
            return out
        if not allowed:
            self.dropped_outside += 1
            self._last_input = obs.timestamp  # someone is at the desk, elsewhere
            return []
        out = self._afk(obs.timestamp)
        self._last_input = obs.timestamp
        if obs.is_password or is_password_field(obs.element_role, states=obs.element_states):
            self.dropped_password += 1
            return []
        if self._outside_since is not None and obs.kind == "click":
            out += self._end_outside(obs.timestamp)
        rec = self._translate(obs)
        if rec is not None:
            out.append(rec)
        return out

    def _end_outside(self, t: float) -> list[dict[str, Any]]:
        if self._outside_since is None:
            return []
        start, self._outside_since = self._outside_since, None
        if self._last_input is not None:  # time outside is not counted again as time away
            self._last_input = max(self._last_input, t)
        return [self._idle(start, t, "outside_allowlist")]

    def _afk(self, t: float) -> list[dict[str, Any]]:
        last = self._last_input
        if self.afk_after is None or last is None or t - last <= self.afk_after or self._outside_since is not None:
            return []
        self._last_input = t
        return [self._idle(last, t, "afk")]

    def _idle(self, start: float, t: float, kind: str) -> dict[str, Any]:
        rec = {"timestamp": iso_utc(max(start, self._last_t)), "user": self.user, "session": self.session,
               "app": None, "window": None, "action": "idle", "element_role": None, "element_name": None,
               "element_id": None, "value": None, "url": None, "source": "recorder",
               "raw_action": kind, "duration": round(max(t - start, 0.0), 6),
               "attrs": {"end": iso_utc(max(t, start))}}
        self._last_t = max(start, self._last_t)
        return rec

    def _translate(self, obs: Observation) -> dict[str, Any] | None:
        if obs.kind == "click":
            action = "double_click" if obs.clicks >= 2 and obs.button == 1 else _CLICK_ACTIONS.get(obs.button or 1,
                                                                                                   "click")
            return self._record(obs, action, attrs={"x": obs.x, "y": obs.y, "button": obs.button})
        if obs.kind == "scroll":
            return self._record(obs, "scroll", attrs={"x": obs.x, "y": obs.y, "button": obs.button})
        if obs.kind == "clipboard":
            return self._clipboard(obs, obs.clipboard_action or "copy", {})
        if obs.kind == "key":
            key = obs.key or ""
            if not key or is_modifier(key):
                return None
            combo = shortcut_name(key, obs.modifiers)
            if combo is not None:
                attrs: dict[str, Any] = {"key_class": "shortcut", "keys": combo}
                if combo in SHORTCUT_ACTIONS and (obs.text is not None or obs.clipboard_action):
                    return self._clipboard(obs, SHORTCUT_ACTIONS[combo], attrs)
                action = SHORTCUT_ACTIONS.get(combo, "key")
                return self._record(obs, action, attrs=attrs)
            cls = classify_key(key, obs.modifiers)
            attrs = {"key_class": cls}  # (a new dict: the shortcut branch returned above)
            value = obs.text if self.keep_text and cls in ("character", "digit") else None
            if self.keep_text and cls not in ("character", "digit"):
                attrs["key"] = key
            return self._record(obs, "key", attrs=attrs, value=value, redact_value=False)
        return self._record(obs, "other")

    def _clipboard(self, obs: Observation, action: str, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = dict(attrs)
        value = None
        if obs.text is not None:
            redacted = redact_text(obs.text, self.salt) or ""
            personal = is_personal(obs.text)
            # the link key only for business-key shapes: other text could be tested by a link key holder
            value = self.keys.value(obs.text, personal=personal or not is_business_key(obs.text))
            attrs["length"] = len(obs.text)
            if personal:
                attrs["personal"] = True
            if self.keep_text and self._owner_allowed(obs, action, value):
                attrs["text"] = redacted
        else:
            attrs["clipboard"] = obs.attrs.get("clipboard", "unavailable")
        return self._record(obs, action, attrs=attrs, value=value, redact_value=False)

    def _owner_allowed(self, obs: Observation, action: str, value: str) -> bool:
        """Whether clipboard text provably comes from an allowlisted window.

        A copy or cut happens in the (allowlisted) window of the observation; a
        paste's text is kept only when it was copied in an allowlisted window
        during this session or the backend says the selection owner is allowed.
        """
        said = obs.attrs.get("clipboard_owner_allowed")
        if said is False:
            return False
        if action in ("copy", "cut"):
            self._copied[value] = None
            while len(self._copied) > 1000:
                self._copied.pop(next(iter(self._copied)))
            return True
        return said is True or value in self._copied

    def _record(self, obs: Observation, action: str, *, attrs: dict[str, Any] | None = None,
                value: str | None = None, raw_action: str | None = None,
                redact_value: bool = True) -> dict[str, Any]:
        t = obs.timestamp
        extra = {k: v for k, v in (attrs or {}).items() if v is not None}
        if t < self._last_t:  # never write time going backwards
            extra["time_adjusted_s"] = round(self._last_t - t, 6)
            t = self._last_t
        self._last_t = t
        for k, v in obs.attrs.items():
            extra.setdefault(k, v)
        if obs.element_states:
            extra.setdefault("states", list(obs.element_states))
        salt = self.salt
        return {
            "timestamp": iso_utc(t), "user": self.user, "session": self.session,
            "app": obs.app, "window": redact_text(obs.title, salt),
            "action": action, "element_role": obs.element_role,
            "element_name": redact_text(obs.element_name, salt),
            "element_id": redact_text(obs.element_id, salt),
            "value": redact_text(value, salt) if redact_value else value,
            "url": None, "source": obs.source,
            "raw_action": raw_action or obs.raw_action or obs.kind, "duration": None, "attrs": extra,
        }
