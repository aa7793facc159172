"""The X11 backend's lookup worker: raw input -> observations with window, element, clipboard.

Runs in one thread, in event order, so that a key typed after a window
switch is attributed to the new window. Nothing is looked up for a window
outside the allowlist: such observations carry only the window's
application and title, which the privacy filter uses to drop them.
"""

from __future__ import annotations

import os
import time
from typing import Any

from taskmining.privacy.allowlist import normalize_app
from taskmining.privacy.keys import SHORTCUT_ACTIONS, shortcut_name
from taskmining.privacy.password import is_password_field
from taskmining.recorder.backends.base import BackendContext, Observation
from taskmining.recorder.backends.ocr import CROP, OCRReader
from taskmining.recorder.backends.x11_window import WindowInfo, XWindows, owner_problem

__all__ = ["Lookup", "modifiers_of"]

_CLIPBOARD_SETTLE_S = 0.15
_FOCUS_MOVERS = frozenset({"Tab", "ISO_Left_Tab", "Return", "KP_Enter", "Escape", "Up", "Down", "F6"})
# X modifier masks: Shift, Control, Mod1 (Alt), Mod4 (Super)
_MASKS = ((1, "shift"), (4, "ctrl"), (8, "alt"), (64, "super"))


def modifiers_of(state: int) -> frozenset[str]:
    """Modifier names held in an X event ``state``.

    Examples
    --------
    >>> sorted(modifiers_of(4 | 1))
    ['ctrl', 'shift']
    """
    return frozenset(name for mask, name in _MASKS if state & mask)


class Lookup:
    """Window, element, focus and clipboard lookups (one thread)."""

    def __init__(self, context: BackendContext) -> None:
        from Xlib import XK

        for group in ("xkb", "latin1", "miscellany"):
            XK.load_keysym_group(group)
        self._names = {v: k[3:] for k, v in vars(XK).items() if k.startswith("XK_") and isinstance(v, int)}
        self.ctx = context
        self.x = XWindows(fault=context.fault)
        self.atspi: Any = None
        try:
            from taskmining.recorder.backends.atspi import AtspiLookup, check
            status = check()
            if status.available:
                self.atspi = AtspiLookup(timeout=context.lookup_timeout, fault=context.fault)
            else:
                context.fault("atspi", f"AT-SPI unavailable, elements are not named: {status.reason}")
        except Exception as exc:
            context.fault("atspi", f"AT-SPI unavailable, elements are not named ({exc})")
        self.ocr: OCRReader | None = None
        if context.ocr == "auto":
            st = OCRReader.check()
            if st.available:
                self.ocr = OCRReader()
            else:
                context.fault("ocr", f"OCR fallback unavailable: {st.reason}")
        self.active: WindowInfo | None = None
        self.focus_dirty = True
        self.focus_password = False
        self.keys_withheld = 0
        self._shots = 0

    def close(self) -> None:
        self.x.close()
        if self.ocr is not None:
            self.ocr.close()

    # -- helpers ---------------------------------------------------------------
    def _app(self, info: WindowInfo | None) -> str | None:
        """The application name: the program of the process owning the window (never WM_CLASS)."""
        if info is None:
            return None
        return normalize_app(info.process) if info.process else None

    def _allowed(self, info: WindowInfo | None) -> bool:
        """Allowlisted program, run by the recording user, and (if titles are given) an allowed title."""
        return (info is not None and info.uid is not None and info.uid == os.getuid()
                and self.ctx.allow.allows(self._app(info), info.title))

    def _base(self, kind: str, t: float, info: WindowInfo | None, **kw: Any) -> Observation:
        attrs = kw.pop("attrs", {})
        if info is not None:
            attrs = {"window_id": info.wid, "pid": info.pid, **attrs}
        return Observation(kind, t, app=self._app(info), title=info.title if info else None, source="x11",
                           attrs=attrs, **kw)

    # -- dispatch --------------------------------------------------------------------
    def handle(self, kind: str, payload: Any) -> list[Observation]:
        if kind == "window":
            return self._window(*payload)
        if kind == "click":
            return self._click(*payload)
        if kind == "scroll":
            t, button, x, y = payload
            info = self.x.info(self.x.window_at(x, y))
            direction = {4: "up", 5: "down", 6: "left", 7: "right"}[button]
            return [self._base("scroll", t, info, button=button, x=x, y=y, raw_action="ButtonPress",
                               attrs={"direction": direction})]
        if kind == "key":
            return self._key(*payload)
        return []

    def _window(self, t: float, wid: int | None, raw: str) -> list[Observation]:
        info = self.x.info(wid)
        self.active = info
        self.focus_dirty = True
        return [self._base("window", t, info, raw_action=raw)]

    def _click(self, t: float, button: int, x: int, y: int, clicks: int) -> list[Observation]:
        info = self.x.info(self.x.window_at(x, y))
        obs = self._base("click", t, info, button=button, x=x, y=y, clicks=clicks, raw_action="ButtonPress")
        if not self._allowed(info):
            return [obs]  # dropped by the privacy filter; nothing looked up
        assert info is not None
        element = None
        if self.atspi is not None and info.pid:
            element = self.atspi.element_at(info.pid, x, y, info.title)
        if element is not None:
            obs.element_role, obs.element_name = element.role, element.name
            obs.element_id = element.accessible_id or element.path
            obs.element_states = element.states
            obs.source = "atspi"
            obs.attrs.update(atspi_role=element.atspi_role, path=element.path)
            obs.is_password = is_password_field(element.atspi_role, states=element.states)
            self.focus_password = obs.is_password
            self.focus_dirty = not obs.is_password
        else:
            self.focus_dirty = True
        if obs.is_password:
            return [obs]
        if self.ocr is not None and (element is None or not element.name):
            self._ocr(obs, x, y, info.wid)
        if self.ctx.screenshots:
            self._screenshot(obs, info)
        return [obs]

    def _ocr(self, obs: Observation, x: int, y: int, wid: int) -> None:
        w, h = CROP
        shot = self.x.visible_image(wid, x - w // 2, y - h // 2, w, h)  # only this window's visible pixels
        if shot is None:
            return
        img, x0, y0 = shot
        res = self.ocr.read(img, x - x0, y - y0)  # type: ignore[union-attr]
        obs.attrs["ocr_ms"] = round(res.ms, 1)
        if res.text:
            obs.element_name = res.text
            obs.source = "ocr"
            obs.attrs["ocr_confidence"] = res.confidence
            obs.attrs["ocr_engine"] = res.engine
            if obs.element_role is None:
                obs.element_role = "unknown"

    def _screenshot(self, obs: Observation, info: WindowInfo) -> None:
        if not self.ctx.screenshot_dir:
            return
        try:
            win = self.x._window(info.wid)
            g = win.get_geometry()
            pos = self.x.root.translate_coords(win, 0, 0)
            shot = self.x.visible_image(info.wid, pos.x, pos.y, g.width, g.height)  # others blacked out
            if shot is None:
                return
            img = shot[0]
            os.makedirs(self.ctx.screenshot_dir, exist_ok=True)
            self._shots += 1
            name = f"shot-{int(obs.timestamp * 1000)}-{self._shots:05d}.png"
            path = os.path.join(self.ctx.screenshot_dir, name)
            if self.ctx.encrypt_key is not None:  # encrypted at rest like the segments
                import io

                from taskmining.io.encrypted import EncryptedWriter
                buf = io.BytesIO()
                img.save(buf, format="PNG")
                name, path = name + ".enc", path + ".enc"
                with EncryptedWriter(path, self.ctx.encrypt_key) as w:
                    w.write(buf.getvalue())
            else:
                img.save(path)
            obs.attrs["screenshot"] = f"screenshots/{name}"
        except Exception as exc:
            self.ctx.fault("screenshot", f"screenshot failed ({type(exc).__name__}: {exc})")

    def _check_focus(self, info: WindowInfo) -> None:
        """Set :attr:`focus_password`: True unless the focused field is proven not to be a password field.

        The focused element is looked up again on every key unless the one
        found last still has the focus (an application may move the focus
        by itself). Without AT-SPI, or when the lookup runs out of budget,
        the field counts as a password field (fail closed).
        """
        if self.atspi is None or not info.pid:
            self.ctx.fault("focus_unknown", "keys are not recorded: the focused field cannot be checked "
                           "(no AT-SPI or no process id)")
            self.focus_password = True
            return
        if not self.focus_dirty and not self.focus_password and self.atspi.still_focused():
            return
        focus, proven = self.atspi.focus(info.pid, info.title)
        if not proven:
            self.ctx.fault("focus_unproven", "keys not recorded: the focused field could not be checked "
                           "within the lookup budget (counted as a password field)")
        self.focus_password = not proven or focus is None or is_password_field(focus.atspi_role,
                                                                               states=focus.states)
        self.focus_dirty = False

    def _keysym(self, keycode: int, state: int) -> tuple[str, str | None]:
        d = self.x.d
        index = 1 if state & 1 else 0
        sym = d.keycode_to_keysym(keycode, index) or d.keycode_to_keysym(keycode, 0)
        name = self._names.get(sym) if sym else None
        char = None
        if 0x20 <= sym <= 0x7E or 0xA0 <= sym <= 0xFF:
            char = chr(sym)
        elif sym & 0xFF000000 == 0x01000000:
            char = chr(sym & 0x00FFFFFF)
        if char is not None and char.isprintable() and char != " ":
            return char, char
        if sym == 0x20:
            return "space", " "
        return name or f"keysym-{sym:#x}", None

    def _key(self, t: float, keycode: int, state: int,
             owner: tuple[tuple[int, ...], str | None] | None = None) -> list[Observation]:
        key, char = self._keysym(keycode, state)
        mods = modifiers_of(state)
        info = self.active
        obs = self._base("key", t, info, key=key, modifiers=mods, text=char, raw_action="KeyPress")
        if not self._allowed(info):
            return [obs]
        assert info is not None
        # the keyboard owner when the key was captured (probed now only when the capture did not)
        problem = self.x.keyboard_owner_problem(info.wid) if owner is None else owner_problem(*owner, info.wid)
        if problem is not None:  # the key may have gone to a prompt, a locker or another window
            self.ctx.fault("keyboard_owner", f"keys not recorded while {problem}")
            self.keys_withheld += 1
            return []
        self._check_focus(info)
        if self.focus_password:
            obs.is_password = True
            obs.text = None
            self.focus_dirty = key in _FOCUS_MOVERS or shortcut_name(key, mods) is not None
            return [obs]
        combo = shortcut_name(key, mods)
        if combo in SHORTCUT_ACTIONS:
            action = SHORTCUT_ACTIONS[combo]
            if action in ("copy", "cut"):
                time.sleep(_CLIPBOARD_SETTLE_S)  # the application sets the clipboard after the key
            try:
                content = self.x.read_clipboard()
            except Exception as exc:
                self.ctx.fault("clipboard", f"clipboard not readable ({type(exc).__name__}: {exc})")
                content = None
            obs.clipboard_action = action
            obs.text = content
            if content is None:
                obs.attrs["clipboard"] = "empty or unreadable"
        if combo is not None or key in _FOCUS_MOVERS:
            self.focus_dirty = True
        return [obs]
