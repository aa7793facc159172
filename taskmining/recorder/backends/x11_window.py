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

from taskmining.recorder.backends.process import process_info

__all__ = ["WindowInfo", "XWindows"]


@dataclass(frozen=True)
class WindowInfo:
    """A top-level client window: id, WM_CLASS (instance, class), title, PID, owning process.

    ``process`` and ``uid`` come from the kernel for the PID the X server
    reports for the window's client (X-Resource); WM_CLASS is client-set and
    only informative.
    """

    wid: int
    app_candidates: tuple[str, ...]
    title: str | None
    pid: int | None
    geometry: tuple[int, int, int, int] | None = None
    process: str | None = None
    uid: int | None = None
    pid_source: str | None = None


def owner_problem(chain: tuple[int, ...], problem: str | None, active: int | None) -> str | None:
    """Why keys with focus ``chain`` and grab ``problem`` (:meth:`XWindows.keyboard_owner`) might not
    go to window ``active`` (None when they provably do).

    Examples
    --------
    >>> owner_problem((5, 4), None, 4), owner_problem((5, 4), None, 9)
    (None, 'the keyboard focus is on another window')
    """
    if not active:
        return "no active window"
    if problem is not None and not chain:
        return problem
    if active not in chain:
        return "the keyboard focus is on another window"
    return problem


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
        self._res: bool | None = None

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
        prop = self._prop(win, self.NET_PID)
        claimed = int(prop[0]) if prop is not None and len(prop) else None
        pid, source = self.client_pid(wid), "x-resource"
        if pid is None:
            pid, source = claimed, "_NET_WM_PID"
        elif claimed is not None and claimed != pid:
            self._fault("x11_pid_claim", f"a window claims _NET_WM_PID {claimed} but belongs to process {pid}: "
                        "the X server's answer is used")
        proc = process_info(pid)
        return WindowInfo(wid=wid, app_candidates=tuple(c for c in cls if c), title=title or None, pid=pid,
                          process=proc.name if proc else None, uid=proc.uid if proc else None, pid_source=source)

    def client_pid(self, wid: int) -> int | None:
        """The PID of the client that created window ``wid``, as the X server knows it (X-Resource)."""
        if self._res is False:
            return None
        try:
            from Xlib.ext import res
            if self._res is None:
                self._res = bool(self.d.has_extension("X-Resource"))
                if not self._res:
                    self._fault("x11_res", "the X server has no X-Resource extension: window owners are taken "
                                "from the client-set _NET_WM_PID")
                    return None
            reply = self.d.res_query_client_ids([{"client": int(wid), "mask": res.LocalClientPIDMask}])
            for entry in reply.ids:
                if entry.spec.mask == res.LocalClientPIDMask and entry.value:
                    return int(entry.value[0])
        except Exception:
            return None
        return None

    def keyboard_owner_problem(self, active: int | None) -> str | None:
        """Why keys might not go to ``active`` (None when they provably do).

        Keys go to ``active`` when the X input focus is that window or inside
        it, and no other client holds a keyboard grab (a passphrase prompt, a
        screen locker, a menu). See :meth:`keyboard_owner`.
        """
        if not active:
            return "no active window"
        chain, problem = self.keyboard_owner()
        return owner_problem(chain, problem, active)

    def keyboard_owner(self) -> tuple[tuple[int, ...], str | None]:
        """``(focus chain, problem)``: the focus window and its ancestors up to a child of the root, and
        why keys might go elsewhere (None when no other client holds a keyboard grab).

        The grab is probed by grabbing and releasing the keyboard in one request batch: the server
        answers ``AlreadyGrabbed`` when another client holds it. Anything that cannot be confirmed
        counts as a problem (fail closed). The recorder asks this *when the key is captured*, so a
        grab or a focus that is over by the time the key is looked up still withholds it.
        """
        from Xlib.error import XError
        from Xlib.protocol import request
        try:
            focus = self.d.get_input_focus().focus
            fid = focus if isinstance(focus, int) else focus.id
            if fid in (0, 1):  # None or PointerRoot: the focus follows the pointer, owner unknown
                return (), "the keyboard focus is not on a window"
            w, chain = focus, [fid]
            for _ in range(32):
                parent = w.query_tree().parent
                if not parent or parent.id in (0, self.root.id):
                    break
                w = parent
                chain.append(w.id)
            grab = request.GrabKeyboard(display=self.d.display, defer=True, owner_events=True,
                                        grab_window=self.root.id, time=self.X.CurrentTime,
                                        pointer_mode=self.X.GrabModeAsync, keyboard_mode=self.X.GrabModeAsync)
            self.d.ungrab_keyboard(self.X.CurrentTime)
            self.d.flush()
            grab.reply()
            status = grab.status
            self.d.sync()
        except (XError, Exception) as exc:
            return (), f"keyboard owner unknown ({type(exc).__name__})"
        if status == self.X.AlreadyGrabbed:
            return tuple(chain), "another client grabs the keyboard"
        if status != self.X.GrabSuccess:
            return tuple(chain), f"keyboard grab state unknown (status {status})"
        return tuple(chain), None

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

    def visible_image(self, wid: int, x: int, y: int, w: int, h: int) -> tuple[Any, int, int] | None:
        """``(image, x0, y0)``: the part of rectangle (x, y, w, h) inside window ``wid``, with everything
        of other windows on top of it (override-redirect popups too) painted black.

        None when the window is gone or the rectangle misses it. Pixels of a window outside the
        allowlist never reach a screenshot or OCR this way.
        """
        from PIL import ImageDraw
        from Xlib.error import XError
        try:
            win = self._window(wid)
            g = win.get_geometry()
            pos = self.root.translate_coords(win, 0, 0)
            top = win
            for _ in range(32):  # the window's ancestor among the root's children (the WM frame)
                parent = top.query_tree().parent
                if not parent or parent.id in (0, self.root.id):
                    break
                top = parent
            children = list(self.root.query_tree().children)
        except (XError, Exception) as exc:
            self._fault("x11_visible", f"window {wid} vanished before its pixels were read "
                        f"({type(exc).__name__}); no screenshot or OCR")
            return None
        x0, y0 = max(x, pos.x), max(y, pos.y)
        x1, y1 = min(x + w, pos.x + g.width), min(y + h, pos.y + g.height)
        img = self.grab(x0, y0, x1 - x0, y1 - y0) if x1 > x0 and y1 > y0 else None
        if img is None:
            return None
        ids = [c.id for c in children]
        above = children[ids.index(top.id) + 1:] if top.id in ids else children  # unknown: all count as above
        draw = ImageDraw.Draw(img)
        for c in above:
            try:
                if c.get_attributes().map_state != self.X.IsViewable:
                    continue
                cg = c.get_geometry()
            except (XError, Exception):
                draw.rectangle([0, 0, img.width, img.height], fill="black")  # cannot tell: hide everything
                break
            bw = cg.border_width
            ax0, ay0 = max(cg.x, x0), max(cg.y, y0)
            ax1, ay1 = min(cg.x + cg.width + 2 * bw, x0 + img.width), min(cg.y + cg.height + 2 * bw, y0 + img.height)
            if ax1 > ax0 and ay1 > ay0:
                draw.rectangle([ax0 - x0, ay0 - y0, ax1 - x0 - 1, ay1 - y0 - 1], fill="black")
        return img, x0, y0

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
