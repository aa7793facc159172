"""Windows backend: UI Automation elements, foreground-window hook, low-level input hooks.

Split in two so that everything but the Win32 calls is testable anywhere:

- the **platform layer** (:mod:`taskmining.recorder.backends.uia_win32`,
  Windows only): ``SetWindowsHookEx(WH_MOUSE_LL / WH_KEYBOARD_LL)`` and
  ``SetWinEventHook(EVENT_SYSTEM_FOREGROUND)`` on a message-loop thread
  deliver raw events; ``IUIAutomation::ElementFromPoint`` /
  ``GetFocusedElement`` (through comtypes) answer element lookups;
- the **translation layer** here: virtual-key codes to key names, mouse
  messages to buttons and double clicks, ControlType ids to element roles,
  process paths to application names, tick counts to UTC, and the same
  lookup-worker logic as on X11 (nothing is looked up for a window outside
  the allowlist; password fields, ``IsPassword``, yield nothing).

:class:`UIABackend` takes the two layers as arguments; tests drive it with
fakes (``tests/test_recorder_uia.py``).

Examples
--------
>>> vk_name(0x41), vk_name(0x0D), vk_name(0x35), vk_name(0xA2)
('a', 'Return', '5', 'Control_L')
>>> control_type_role(50000), control_type_role(50004), control_type_role(12345)
('button', 'edit', 'unknown')
"""

from __future__ import annotations

import queue
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from taskmining.errors import RecorderError
from taskmining.privacy.allowlist import normalize_app
from taskmining.privacy.keys import SHORTCUT_ACTIONS, shortcut_name
from taskmining.recorder.backends.base import (
    Backend,
    BackendContext,
    BackendStatus,
    Observation,
)
from taskmining.recorder.backends.uia_types import UIAElement, WindowFacts

__all__ = ["UIABackend", "UIAElement", "WindowFacts", "UIALayer", "vk_name", "control_type_role",
           "CONTROL_TYPES", "MOUSE_MESSAGES", "key_from_state", "modifiers_from_state"]

#: UIA ControlType ids -> element_role.
CONTROL_TYPES: dict[int, str] = {
    50000: "button", 50001: "unknown", 50002: "checkbox", 50003: "combobox", 50004: "edit",
    50005: "link", 50006: "unknown", 50007: "list_item", 50008: "table", 50009: "menu", 50010: "menu",
    50011: "menu_item", 50012: "unknown", 50013: "radio", 50014: "unknown", 50015: "unknown",
    50016: "unknown", 50017: "unknown", 50018: "tab", 50019: "tab", 50020: "text", 50021: "toolbar",
    50022: "unknown", 50023: "tree_item", 50024: "tree_item", 50025: "unknown", 50026: "unknown",
    50027: "unknown", 50028: "table", 50029: "cell", 50030: "document", 50031: "button",
    50032: "window", 50033: "unknown", 50034: "unknown", 50035: "unknown", 50036: "table",
    50037: "window", 50038: "unknown", 50039: "unknown", 50040: "unknown",
}
#: Low-level mouse hook messages -> (button, kind).
MOUSE_MESSAGES: dict[int, tuple[int, str]] = {
    0x0201: (1, "click"), 0x0204: (3, "click"), 0x0207: (2, "click"),
    0x020A: (4, "scroll"), 0x020E: (6, "scroll"),
}
_VK: dict[int, str] = {
    0x08: "BackSpace", 0x09: "Tab", 0x0D: "Return", 0x1B: "Escape", 0x20: "space", 0x21: "Page_Up",
    0x22: "Page_Down", 0x23: "End", 0x24: "Home", 0x25: "Left", 0x26: "Up", 0x27: "Right", 0x28: "Down",
    0x2D: "Insert", 0x2E: "Delete", 0x10: "Shift_L", 0xA0: "Shift_L", 0xA1: "Shift_R", 0x11: "Control_L",
    0xA2: "Control_L", 0xA3: "Control_R", 0x12: "Alt_L", 0xA4: "Alt_L", 0xA5: "Alt_R", 0x5B: "Super_L",
    0x5C: "Super_R", 0x14: "Caps_Lock", 0x90: "Num_Lock", 0x2C: "Print", 0x13: "Pause",
    0xBA: ";", 0xBB: "=", 0xBC: ",", 0xBD: "-", 0xBE: ".", 0xBF: "/", 0xC0: "`", 0xDB: "[", 0xDC: "\\",
    0xDD: "]", 0xDE: "'", 0x6A: "KP_Multiply", 0x6B: "KP_Add", 0x6D: "KP_Subtract", 0x6E: "KP_Decimal",
    0x6F: "KP_Divide",
}
_MODS = {"Shift_L": "shift", "Shift_R": "shift", "Control_L": "ctrl", "Control_R": "ctrl", "Alt_L": "alt",
         "Alt_R": "alt", "Super_L": "super", "Super_R": "super"}
_FOCUS_MOVERS = frozenset({"Tab", "Return", "Escape", "Up", "Down"})
_DOUBLE_CLICK_S = 0.5


def vk_name(vk: int) -> str:
    """Key name (X keysym style, as :func:`taskmining.privacy.classify_key` expects) of a virtual-key code."""
    if 0x30 <= vk <= 0x39:
        return chr(vk)
    if 0x41 <= vk <= 0x5A:
        return chr(vk).lower()
    if 0x60 <= vk <= 0x69:
        return f"KP_{vk - 0x60}"
    if 0x70 <= vk <= 0x87:
        return f"F{vk - 0x6F}"
    return _VK.get(vk, f"vk-{vk:#04x}")


def control_type_role(control_type: int | None) -> str:
    """element_role of a UIA ControlType id."""
    return CONTROL_TYPES.get(int(control_type or 0), "unknown")


def modifiers_from_state(state: bytes) -> frozenset[str]:
    """Modifiers held according to an OS key state (high bit of VK_SHIFT/CONTROL/MENU/LWIN/RWIN).

    Examples
    --------
    >>> s = bytearray(256); s[0x11] = s[0xA2] = 0x80
    >>> sorted(modifiers_from_state(bytes(s)))
    ['ctrl']
    """
    held = {m for vk, m in ((0x10, "shift"), (0xA0, "shift"), (0xA1, "shift"), (0x11, "ctrl"), (0xA2, "ctrl"),
                            (0xA3, "ctrl"), (0x12, "alt"), (0xA4, "alt"), (0xA5, "alt"), (0x5B, "super"),
                            (0x5C, "super")) if state[vk] & 0x80}
    return frozenset(held)


def key_from_state(vk: int, state: bytes,
                   to_unicode: Callable[[int, bytes], str | None]) -> tuple[str, frozenset[str], str | None]:
    """``(key name, modifiers, character)`` of a key press, with ToUnicodeEx semantics.

    AltGr arrives as LCtrl + RAlt: when it is held and the layout gives a
    printable character (``@``, ``ą``, ``€``), the key is that character and
    Ctrl/Alt are not modifiers of it (not a shortcut). Modifiers come from
    the OS state of each event, so a missed key-up cannot stick.

    Examples
    --------
    >>> s = bytearray(256); s[0xA2] = s[0x11] = s[0xA5] = s[0x12] = 0x80
    >>> key_from_state(0x51, bytes(s), lambda vk, st: "@")
    ('@', frozenset(), '@')
    >>> key_from_state(0x43, bytes(bytearray(256)), lambda vk, st: "c")
    ('c', frozenset(), 'c')
    """
    mods = modifiers_from_state(state)
    name = vk_name(vk)
    char = to_unicode(vk, state)
    if char is not None and (len(char) != 1 or not char.isprintable()):
        char = None
    altgr = bool(state[0xA5] & 0x80 and (state[0xA2] & 0x80 or state[0x11] & 0x80))
    if char is not None and char != " " and (altgr or not mods & {"ctrl", "alt", "super"}):
        return char, mods - {"ctrl", "alt"} if altgr else mods, char
    if name == "space":
        return name, mods, " " if not mods & {"ctrl", "alt", "super"} else None
    return name, mods, None


class UIALayer(Protocol):
    """What the platform layer answers (``uia_win32.Win32UIA`` on Windows; fakes in tests)."""

    def element_from_point(self, x: int, y: int) -> UIAElement | None: ...
    def focused_element(self) -> UIAElement | None: ...
    def window_at(self, x: int, y: int) -> WindowFacts | None: ...
    def window(self, hwnd: int) -> WindowFacts | None: ...
    def clipboard_text(self) -> str | None: ...
    def to_unicode(self, vk: int, state: bytes) -> str | None: ...
    def tick_offset(self) -> float: ...


@dataclass
class _State:
    active: WindowFacts | None = None
    focus_dirty: bool = True
    focus_password: bool = False
    last_press: tuple[int, float, int, int] | None = None


class UIABackend(Backend):
    """UI Automation capture (see the module docstring).

    Parameters
    ----------
    layer : UIALayer, optional
        Element and window lookups; default the Win32 layer.
    hooks : callable, optional
        ``hooks(on_raw) -> stop`` installs the input and foreground hooks and
        calls ``on_raw(kind, *fields)`` with ``("mouse", msg, x, y, tick_ms)``,
        ``("key", vk, down, tick_ms, state)`` (``state``: the OS's 256-byte
        key state at the event, GetKeyboardState layout) or
        ``("foreground", hwnd, tick_ms)``;
        it returns a function that removes them. Default: the Win32 hooks.
    """

    name = "uia"

    @classmethod
    def check(cls) -> BackendStatus:
        """Windows with comtypes and UIAutomationCore."""
        if sys.platform != "win32":
            return BackendStatus("uia", False, f"Windows only (this is {sys.platform})")
        try:
            from taskmining.recorder.backends import uia_win32
        except ImportError as exc:
            return BackendStatus("uia", False, f"comtypes missing ({exc}): pip install taskmining[recorder]")
        return uia_win32.check()

    def __init__(self, layer: UIALayer | None = None, hooks: Callable[..., Callable[[], None]] | None = None) -> None:
        self.layer = layer
        self.hooks = hooks
        self._tasks: queue.Queue[tuple[Any, ...]] = queue.Queue(maxsize=5000)
        self._state = _State()
        self._remove_hooks: Callable[[], None] | None = None
        self._thread: threading.Thread | None = None
        self._emit: Callable[[Observation], None] = lambda o: None
        self.context: BackendContext | None = None
        self._offset = 0.0

    def start(self, emit: Callable[[Observation], None], context: BackendContext) -> None:
        if self.layer is None or self.hooks is None:
            status = self.check()
            if not status.available:
                raise RecorderError(f"uia backend: {status.reason}")
            from taskmining.recorder.backends import uia_win32
            self.layer = self.layer or uia_win32.Win32UIA()
            self.hooks = self.hooks or uia_win32.install_hooks
        self._emit, self.context = emit, context
        self._offset = self.layer.tick_offset()
        self._thread = threading.Thread(target=self._worker, name="taskmining-uia-lookup", daemon=True)
        self._thread.start()
        self._remove_hooks = self.hooks(self._on_raw)

    def stop(self) -> None:
        if self._remove_hooks is not None:
            self._remove_hooks()
            self._remove_hooks = None
        if self._thread is not None:
            self._tasks.put(("stop",))
            self._thread.join(5)
            self._thread = None

    # -- hook side (must return fast: Windows drops slow low-level hooks) ------------
    def _on_raw(self, kind: str, *fields: Any) -> None:
        try:
            self._tasks.put_nowait((kind, *fields))
        except queue.Full:
            if self.context is not None:
                self.context.fault("uia_queue", "element lookups fall behind: input events dropped")

    # -- worker ------------------------------------------------------------------------
    def _worker(self) -> None:
        while True:
            task = self._tasks.get()
            if task[0] == "stop":
                return
            try:
                for obs in self.translate(task):
                    self._emit(obs)
            except Exception as exc:  # one failed lookup must not end capture
                assert self.context is not None
                self.context.fault(f"uia_{task[0]}", f"{task[0]} lookup failed ({type(exc).__name__}: {exc})")

    def _utc(self, tick_ms: int) -> float:
        return self._offset + tick_ms / 1000.0

    def _app(self, w: WindowFacts | None) -> str | None:
        return normalize_app(w.exe) if w is not None and w.exe else None

    def _allowed(self, w: WindowFacts | None) -> bool:
        assert self.context is not None
        return w is not None and self.context.allow.allows(self._app(w), w.title)

    def _obs(self, kind: str, t: float, w: WindowFacts | None, **kw: Any) -> Observation:
        attrs = kw.pop("attrs", {})
        if w is not None:
            attrs = {"hwnd": w.hwnd, "pid": w.pid, **attrs}
        return Observation(kind, t, app=self._app(w), title=w.title if w else None, source="uia", attrs=attrs, **kw)

    def translate(self, task: tuple[Any, ...]) -> list[Observation]:
        """Observations for one raw hook event (runs on the worker thread)."""
        assert self.layer is not None
        st = self._state
        kind = task[0]
        if kind == "foreground":
            _, hwnd, tick = task
            st.active = self.layer.window(hwnd)
            st.focus_dirty = True
            return [self._obs("window", self._utc(tick), st.active, raw_action="EVENT_SYSTEM_FOREGROUND")]
        if kind == "mouse":
            _, msg, x, y, tick = task
            if msg not in MOUSE_MESSAGES:
                return []
            button, what = MOUSE_MESSAGES[msg]
            t = self._utc(tick)
            w = self.layer.window_at(x, y)
            if what == "scroll":
                return [self._obs("scroll", t, w, button=button, x=x, y=y, raw_action=hex(msg))]
            lp = st.last_press
            clicks = 2 if (lp and lp[0] == button and t - lp[1] < _DOUBLE_CLICK_S
                           and abs(lp[2] - x) < 4 and abs(lp[3] - y) < 4) else 1
            st.last_press = (button, t, x, y) if clicks == 1 else None
            obs = self._obs("click", t, w, button=button, x=x, y=y, clicks=clicks, raw_action=hex(msg))
            if not self._allowed(w):
                return [obs]
            el = self.layer.element_from_point(x, y)
            if el is not None:
                self._fill(obs, el)
                st.focus_password = obs.is_password
                st.focus_dirty = not obs.is_password
            else:
                st.focus_dirty = True
            return [obs]
        if kind == "key":
            _, vk, down, tick, *rest = task
            name = vk_name(vk)
            if name in _MODS or not down:
                return []
            if not rest or not isinstance(rest[0], (bytes, bytearray)) or len(rest[0]) != 256:
                assert self.context is not None
                self.context.fault("uia_key_state", "keys not recorded: the hook gave no keyboard state")
                return []
            name, mods, text = key_from_state(vk, bytes(rest[0]), self.layer.to_unicode)
            obs = self._obs("key", self._utc(tick), st.active, key=name, modifiers=mods, text=text,
                            raw_action="WM_KEYDOWN")
            if not self._allowed(st.active):
                return [obs]
            el = self.layer.focused_element()  # every key: the application may move the focus itself
            st.focus_password = el is None or bool(el.is_password)  # unknown counts as a password field
            st.focus_dirty = False
            if st.focus_password:
                obs.is_password, obs.text = True, None
                st.focus_dirty = name in _FOCUS_MOVERS or shortcut_name(name, mods) is not None
                return [obs]
            combo = shortcut_name(name, mods)
            if combo in SHORTCUT_ACTIONS:
                obs.clipboard_action = SHORTCUT_ACTIONS[combo]
                obs.text = self.layer.clipboard_text()
            if combo is not None or name in _FOCUS_MOVERS:
                st.focus_dirty = True
            return [obs]
        return []

    @staticmethod
    def _fill(obs: Observation, el: UIAElement) -> None:
        obs.element_role = "password" if el.is_password else control_type_role(el.control_type)
        obs.element_name = el.name or None
        obs.element_id = el.automation_id or None
        obs.is_password = bool(el.is_password)
        obs.attrs.update(control_type=el.control_type, class_name=el.class_name, framework=el.framework)
