"""Keyboard grabs of other clients, in the order of the input stream (X RECORD of their requests).

A passphrase prompt, a screen locker or a menu grabs the keyboard; keys typed
then go to it, not to the focused window. Probing for a grab when a key is
captured comes too late when the grab is short (a prompt that takes six keys
in 50 ms and lets go). So the recorder also records the grab requests of every
client (core ``GrabKeyboard`` / ``UngrabKeyboard``, XInput ``GrabDevice`` /
``UngrabDevice`` of XI 1 and XI 2) in the same RECORD stream as the keys: the
server delivers them in the order it handled them, so a key handled while a
grab request is outstanding is known to be under it, however late it is
looked up. A grab counts until the same client ungrabs or dies (fail closed:
a grab that failed, or ended without an ungrab request, withholds keys until
then, or until a probe finds the keyboard free again after :data:`STALE_S`).

Examples
--------
>>> g = GrabTracker(xinput_major=131)
>>> g.request(7, bytes([31, 0, 4, 0]) + bytes(12)); g.grabbed
True
>>> g.request(7, bytes([32, 0, 2, 0, 0, 0, 0, 0])); g.grabbed
False
"""

from __future__ import annotations

import time
from typing import Any, Literal

__all__ = ["GrabTracker", "STALE_S", "record_ranges"]

#: A grab with no ungrab for this long is dropped once a probe finds the keyboard free.
STALE_S = 2.0
_GRAB_KEYBOARD, _UNGRAB_KEYBOARD = 31, 32
_XI_GRAB = {13: True, 14: False, 51: True, 52: False}  # XI1 GrabDevice/UngrabDevice, XI2 XIGrabDevice/XIUngrabDevice


def record_ranges(xinput_major: int | None) -> list[dict[str, Any]]:
    """The X RECORD ranges of grab requests (core, and XInput when the server has it).

    Examples
    --------
    >>> [r["core_requests"] for r in record_ranges(None)]
    [(31, 32)]
    """
    base = {"core_requests": (0, 0), "core_replies": (0, 0), "ext_requests": (0, 0, 0, 0),
            "ext_replies": (0, 0, 0, 0), "delivered_events": (0, 0), "device_events": (0, 0), "errors": (0, 0),
            "client_started": False, "client_died": True}
    out = [{**base, "core_requests": (_GRAB_KEYBOARD, _UNGRAB_KEYBOARD)}]
    if xinput_major:
        out.append({**base, "ext_requests": (xinput_major, xinput_major, 13, 14)})
        out.append({**base, "ext_requests": (xinput_major, xinput_major, 51, 52)})
    return out


class GrabTracker:
    """Which clients (by X resource id base) have asked for a keyboard grab and not let go."""

    def __init__(self, xinput_major: int | None) -> None:
        self.xinput_major = xinput_major
        self._since: dict[int, float] = {}

    @property
    def grabbed(self) -> bool:
        """True while some client's grab request is outstanding."""
        return bool(self._since)

    def request(self, client: int, data: bytes, swapped: bool = False) -> None:
        """Feed the recorded requests ``data`` of ``client`` (one or more, as RECORD delivers them)."""
        order: Literal["big", "little"] = "big" if swapped else "little"  # the client's byte order (swapped: not the little-endian server's)
        pos = 0
        while pos + 4 <= len(data):
            opcode, minor = data[pos], data[pos + 1]
            length = int.from_bytes(data[pos + 2:pos + 4], order) * 4
            if opcode == _GRAB_KEYBOARD or (opcode == self.xinput_major and _XI_GRAB.get(minor) is True):
                self._since.setdefault(client, time.monotonic())
            elif opcode == _UNGRAB_KEYBOARD or (opcode == self.xinput_major and _XI_GRAB.get(minor) is False):
                self._since.pop(client, None)
            if length < 4:
                break  # a big request (length 0) or damaged data: nothing more to read safely
            pos += length

    def client_died(self, client: int) -> None:
        """A client's grabs end with it."""
        self._since.pop(client, None)

    def probe_free(self) -> None:
        """A probe found the keyboard free: drop grabs outstanding for longer than :data:`STALE_S`."""
        now = time.monotonic()
        for client, since in list(self._since.items()):
            if now - since > STALE_S:
                del self._since[client]
