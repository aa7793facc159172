"""X11 window facts through python-xlib: active window, window under a point, properties, clipboard, pixels.

One :class:`XWindows` owns one display connection and is used from one thread.
Every request that can race with a window closing is guarded: a vanished
window gives ``None``, never an exception.

Examples
--------
>>> WindowInfo(1, ("tmgtk", "Gtk_app.py"), "Notes", 42).app_candidates
('tmgtk', 'Gtk_app.py')
"""

from __future__ import annotations

import select
import time
from dataclasses import dataclass
from typing import Any

try:
    from Xlib import Xatom
except ImportError:  # pragma: no cover - the backend's check() reports it
    Xatom = None

__all__ = ["WindowInfo", "XWindows"]


@dataclass(frozen=True)
class WindowInfo:
    """A top-level client window: id, WM_CLASS (instance, class), title, PID."""

    wid: int
    app_candidates: tuple[str, ...]
    title: str | None
    pid: int | None
    geometry: tuple[int, int, int, int] | None = None


class XWindows:
    """Window lookups on their own X connection."""

    def __init__(self, fault: Any = None) -> None:
        from Xlib import X, display

        self.X = X
        self.d = display.Display()
        self.root = self.d.screen().root
        atom = self.d.intern_atom
        self.NET_ACTIVE = atom("_NET_ACTIVE_WINDOW")
        self.NET_STACK = atom("_NET_CLIENT_LIST_STACKING")
        self.NET_NAME = atom("_NET_WM_NAME")
        self.NET_PID = atom("_NET_WM_PID")
        self.NET_STATE = atom("_NET_WM_STATE")
        self.NET_HIDDEN = atom("_NET_WM_STATE_HIDDEN")
        self.NET_FRAME = atom("_NET_FRAME_EXTENTS")
        self.UTF8 = atom("UTF8_STRING")
        self.CLIPBOARD = atom("CLIPBOARD")
        self.TARGET_PROP = atom("TASKMINING_SELECTION")
        self._fault = fault or (lambda k, m: None)
        self._own: Any = None
        self._watched: Any = None
        self._last_active: int | None = None

    # -- plumbing ---------------------------------------------------------------
    def fileno(self) -> int:
        return self.d.fileno()

    def pending(self) -> int:
        return self.d.pending_events()

    def close(self) -> None:
        try:
            self.d.close()
        except Exception:
            pass

    def _own_window(self) -> Any:
        if self._own is None:
            self._own = self.root.create_window(-10, -10, 1, 1, 0, self.X.CopyFromParent,
                                                event_mask=self.X.PropertyChangeMask)
        return self._own

    def _next_event(self, want: Any, timeout: float) -> Any | None:
        end = time.monotonic() + timeout
        while True:
            while self.d.pending_events():
                ev = self.d.next_event()
                if want(ev):
                    return ev
            left = end - time.monotonic()
            if left <= 0:
                return None
            select.select([self.d.fileno()], [], [], left)
            self.d.pending_events()  # reads what arrived

    def server_time_offset(self) -> float:
        """Seconds to add to X server time / 1000 to get Unix time (measured now)."""
        win = self._own_window()
        before = time.time()
        win.change_property(self.TARGET_PROP, Xatom.ATOM, 32, [0])
        self.d.flush()
        ev = self._next_event(lambda e: e.type == self.X.PropertyNotify and e.window == win, 2.0)
        after = time.time()
        if ev is None:
            self._fault("x11_time", "could not read the X server time; using the local clock at receipt")
            return before
        return (before + after) / 2 - ev.time / 1000.0

    # -- properties ---------------------------------------------------------------
    def _window(self, wid: int) -> Any:
        return self.d.create_resource_object("window", wid)

    def _prop(self, win: Any, atom: int) -> Any:
        from Xlib.error import XError
        try:
            p = win.get_full_property(atom, self.X.AnyPropertyType)
        except (XError, Exception):
            return None
        return None if p is None else p.value

    def active_window(self) -> int | None:
        """Window id in ``_NET_ACTIVE_WINDOW`` (None for none or the root)."""
        v = self._prop(self.root, self.NET_ACTIVE)
        wid = int(v[0]) if v is not None and len(v) else 0
        return wid or None

    def info(self, wid: int | None) -> WindowInfo | None:
        """WM_CLASS, title and PID of a client window (None when it vanished)."""
        if not wid:
            return None
        from Xlib.error import XError
        win = self._window(wid)
        try:
            cls = win.get_wm_class() or ()
        except (XError, Exception):
            return None
        title = self._prop(win, self.NET_NAME)
        if title is None:
            title = self._prop(win, Xatom.WM_NAME)
        if isinstance(title, bytes):
            title = title.decode("utf-8", "replace")
        pid = self._prop(win, self.NET_PID)
        return WindowInfo(wid=wid, app_candidates=tuple(c for c in cls if c), title=title or None,
                          pid=int(pid[0]) if pid is not None and len(pid) else None)

    def window_at(self, x: int, y: int) -> int | None:
        """The topmost visible client window containing screen point (x, y), decoration included."""
        from Xlib.error import XError
        stack = self._prop(self.root, self.NET_STACK)
        if stack is None:
            return None
        for wid in reversed(list(stack)):
            win = self._window(int(wid))
            try:
                if win.get_attributes().map_state != self.X.IsViewable:
                    continue
                state = self._prop(win, self.NET_STATE)
                if state is not None and self.NET_HIDDEN in list(state):
                    continue
                g = win.get_geometry()
                pos = self.root.translate_coords(win, 0, 0)
                ext = self._prop(win, self.NET_FRAME)
                left, right, top, bottom = (list(ext) + [0, 0, 0, 0])[:4] if ext is not None else (0, 0, 0, 0)
            except (XError, Exception):
                continue
            x0, y0 = pos.x - left, pos.y - top
            if x0 <= x < pos.x + g.width + right and y0 <= y < pos.y + g.height + bottom:
                return int(wid)
        return None

    # -- events ---------------------------------------------------------------------
    def watch_root(self) -> None:
        """Receive PropertyNotify of the root window (``_NET_ACTIVE_WINDOW``)."""
        self.root.change_attributes(event_mask=self.X.PropertyChangeMask)
        self._watch(self.active_window())
        self.d.flush()

    def _watch(self, wid: int | None) -> None:
        from Xlib.error import XError
        self._last_active = wid
        if not wid:
            return
        try:
            self._window(wid).change_attributes(event_mask=self.X.PropertyChangeMask)
            self._watched = wid
        except (XError, Exception):
            self._watched = None

    def drain_events(self) -> list[tuple[str, int, int | None]]:
        """Window changes since the last call: (kind, server time ms, window id)."""
        out: list[tuple[str, int, int | None]] = []
        while self.d.pending_events():
            ev = self.d.next_event()
            if ev.type != self.X.PropertyNotify:
                continue
            if ev.window == self.root and ev.atom == self.NET_ACTIVE:
                wid = self.active_window()
                if wid != self._last_active:
                    self._watch(wid)
                    out.append(("window_activate", ev.time, wid))
            elif self._watched and ev.window.id == self._watched and ev.atom in (self.NET_NAME, Xatom.WM_NAME):
                out.append(("title_change", ev.time, self._watched))
        self.d.flush()
        return out

    # -- clipboard and pixels ------------------------------------------------------------
    def read_clipboard(self, timeout: float = 0.5) -> str | None:
        """Text content of the CLIPBOARD selection (None when empty or unavailable)."""
        if self.d.get_selection_owner(self.CLIPBOARD) == self.X.NONE:
            return None
        win = self._own_window()
        win.convert_selection(self.CLIPBOARD, self.UTF8, self.TARGET_PROP, self.X.CurrentTime)
        self.d.flush()
        ev = self._next_event(lambda e: e.type == self.X.SelectionNotify, timeout)
        if ev is None or ev.property == self.X.NONE:
            return None
        value = self._prop(win, self.TARGET_PROP)
        if value is None:
            return None
        return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)

    def grab(self, x: int, y: int, w: int, h: int) -> Any:
        """A PIL image of the screen rectangle (clipped to the screen)."""
        from PIL import Image
        scr = self.d.screen()
        x0, y0 = max(0, x), max(0, y)
        x1, y1 = min(scr.width_in_pixels, x + w), min(scr.height_in_pixels, y + h)
        if x1 <= x0 or y1 <= y0:
            return None
        raw = self.root.get_image(x0, y0, x1 - x0, y1 - y0, self.X.ZPixmap, 0xFFFFFFFF)
        return Image.frombytes("RGB", (x1 - x0, y1 - y0), raw.data, "raw", "BGRX")
