"""Linux X11 backend: X RECORD input, event-driven active window, AT-SPI elements, OCR.

Threads (all daemon, all stopped by :meth:`X11Backend.stop`):

- **record**: the X RECORD extension delivers every KeyPress and ButtonPress
  of every client (as pynput does), with the X server timestamp;
- **windows**: ``PropertyNotify`` of ``_NET_ACTIVE_WINDOW`` on the root window
  (and of ``_NET_WM_NAME`` on the active window): event-driven, no polling;
- **lookup**: one ordered worker that turns raw input into observations. It
  resolves the window under a click from ``_NET_CLIENT_LIST_STACKING`` (top
  first) and its ``_NET_WM_PID``, asks AT-SPI for the element at that point
  inside that process only, falls back to OCR when the element has no name,
  reads the clipboard on copy/cut/paste, and tracks whether the focused
  element is a password field. Lookups are skipped for windows outside the
  allowlist: nothing about them is ever looked up.

X server times (milliseconds since server start, 32-bit) are mapped to UTC
with an offset measured at start (a property change on our own window).

Examples
--------
>>> X11Backend.check().name
'x11'
"""

from __future__ import annotations

import os
import queue
import select
import threading
import time
from collections.abc import Callable
from typing import Any

from taskmining.errors import RecorderError
from taskmining.recorder.backends.base import (
    Backend,
    BackendContext,
    BackendStatus,
    Observation,
)
from taskmining.recorder.backends.x11_grabs import GrabTracker, record_ranges
from taskmining.recorder.backends.x11_window import XWindows

__all__ = ["X11Backend"]

_DOUBLE_CLICK_S = 0.4
_SCROLL_MERGE_S = 0.3


class X11Backend(Backend):
    """Capture on an X11 desktop (see the module docstring)."""

    name = "x11"

    @classmethod
    def check(cls) -> BackendStatus:
        """python-xlib importable, DISPLAY reachable, RECORD extension present."""
        try:
            from Xlib import display
            from Xlib.error import DisplayError
        except ImportError:
            return BackendStatus("x11", False, "python-xlib missing: pip install taskmining[recorder]")
        if not os.environ.get("DISPLAY"):
            return BackendStatus("x11", False, "no DISPLAY: not an X11 session (Wayland and consoles unsupported)")
        try:
            d = display.Display()
        except (DisplayError, OSError, Exception) as exc:
            return BackendStatus("x11", False, f"cannot open display {os.environ.get('DISPLAY')} ({exc})")
        try:
            if not d.has_extension("RECORD"):
                return BackendStatus("x11", False, "the X server has no RECORD extension (global input capture)")
            wm = d.screen().root.get_full_property(d.intern_atom("_NET_SUPPORTING_WM_CHECK"), 0)
            if wm is None:
                return BackendStatus("x11", True, f"display {os.environ['DISPLAY']} with RECORD; no EWMH window "
                                     "manager (no _NET_ACTIVE_WINDOW: window switches are not seen)")
            return BackendStatus("x11", True, f"display {os.environ['DISPLAY']} with RECORD and an EWMH window manager")
        finally:
            d.close()

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._tasks: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=5000)
        self._displays: list[Any] = []
        self._ctx: Any = None
        self._emit: Callable[[Observation], None] = lambda obs: None
        self.context: BackendContext | None = None
        self._last_press: tuple[int, float, int, int] | None = None
        self._last_scroll: tuple[int, float] | None = None
        self._overflow = 0
        self._probe: XWindows | None = None  # used by the record thread only
        self._grabs = GrabTracker(None)
        self._ready = {n: threading.Event() for n in ("record", "windows", "lookup")}

    # -- lifecycle -------------------------------------------------------------
    def _running(self) -> BackendContext:
        """The context given to :meth:`start` (the threads run only after it)."""
        if self.context is None:
            raise RecorderError("x11 backend: used before start()")
        return self.context

    def start(self, emit: Callable[[Observation], None], context: BackendContext) -> None:
        status = self.check()
        if not status.available:
            raise RecorderError(f"x11 backend: {status.reason}")
        from Xlib import X, display
        from Xlib.ext import record

        self._emit, self.context = emit, context
        self._ctl, self._rec = display.Display(), display.Display()
        self._displays += [self._ctl, self._rec]
        xi = self._rec.query_extension("XInputExtension")
        xinput = xi.major_opcode if xi is not None and xi.present else None
        self._grabs = GrabTracker(xinput)
        self._ctx = self._rec.record_create_context(0, [record.AllClients], [{
            "core_requests": (0, 0), "core_replies": (0, 0), "ext_requests": (0, 0, 0, 0),
            "ext_replies": (0, 0, 0, 0), "delivered_events": (0, 0),
            "device_events": (X.KeyPress, X.ButtonPress), "errors": (0, 0),
            "client_started": False, "client_died": False}, *record_ranges(xinput)])
        self._rec.sync()
        self.windows = XWindows(fault=context.fault)  # used by the window thread only
        self._offset = self.windows.server_time_offset()
        self._last_server_ms = 0
        self._wrap = 0
        self._spawn(self._lookup_loop, "taskmining-x11-lookup")
        self._spawn(self._window_loop, "taskmining-x11-windows")
        self._spawn(self._record_loop, "taskmining-x11-record")
        # start() returns once input is really captured (RECORD sends StartOfData when enabled)
        for name, ready in self._ready.items():
            if not ready.wait(10):
                context.fault(f"x11_start_{name}", f"x11 backend: the {name} thread is slow to start")

    def _spawn(self, target: Callable[[], None], name: str) -> None:
        t = threading.Thread(target=target, name=name, daemon=True)
        t.start()
        self._threads.append(t)

    def stop(self) -> None:
        if self._stop.is_set():
            return
        self._stop.set()
        try:
            if self._ctx is not None:
                self._ctl.record_disable_context(self._ctx)
                self._ctl.flush()
        except Exception:
            pass
        try:
            self._tasks.put(("stop", None), timeout=2)
        except queue.Full:
            pass  # the worker also ends when stopping and the queue runs empty
        for t in self._threads:
            t.join(5)
        try:
            if self._ctx is not None:
                self._ctl.record_free_context(self._ctx)
                self._ctl.flush()
        except Exception:
            pass
        for d in self._displays:
            try:
                d.close()
            except Exception:
                pass
        self.windows.close()
        if self._probe is not None:
            self._probe.close()

    # -- time ---------------------------------------------------------------------
    def _utc(self, server_ms: int) -> float:
        if server_ms + 0x80000000 < self._last_server_ms:  # 32-bit wrap (~49.7 days)
            self._wrap += 1 << 32
        self._last_server_ms = server_ms
        return self._offset + (server_ms + self._wrap) / 1000.0

    # -- record thread ------------------------------------------------------------
    def _record_loop(self) -> None:
        try:
            self._rec.record_enable_context(self._ctx, self._on_record)
        except Exception as exc:
            self._ready["record"].set()
            if not self._stop.is_set():
                self._running().fault("x11_record", f"X RECORD stopped ({type(exc).__name__}: {exc}); "
                                   "input is no longer captured")

    def _on_record(self, reply: Any) -> None:
        from Xlib import X
        from Xlib.ext import record
        from Xlib.protocol import rq

        if reply.category == record.StartOfData:
            self._ready["record"].set()
            return
        if reply.category == record.FromClient:  # a grab request, in stream order with the keys
            self._grabs.request(reply.id_base, bytes(reply.data), reply.client_swapped)
            return
        if reply.category == record.ClientDied:
            self._grabs.client_died(reply.id_base)
            return
        if reply.category != record.FromServer or reply.client_swapped or not reply.data or reply.data[0] < 2:
            return
        data = reply.data
        while len(data):
            event, data = rq.EventField(None).parse_binary_value(data, self._rec.display, None, None)
            t = self._utc(event.time)
            if event.type == X.KeyPress:
                self._queue(("key", (t, event.detail, event.state, self._key_owner())))
            elif event.type == X.ButtonPress:
                self._on_button(t, event.detail, event.root_x, event.root_y)

    def _key_owner(self) -> tuple[tuple[int, ...], str | None]:
        """Focus chain and grab state at the moment a key is captured (see ``XWindows.keyboard_owner``).

        Asked here, in the capture thread, not when the key is looked up: the lookup may run
        seconds later under load, when a passphrase prompt has released its grab or the focus has
        moved on.
        """
        try:
            if self._probe is None:
                self._probe = XWindows(fault=self._running().fault)
            chain, problem = self._probe.keyboard_owner()
        except Exception as exc:
            return (), f"keyboard owner unknown ({type(exc).__name__})"
        if problem is None:
            self._grabs.probe_free()
        if self._grabs.grabbed:  # a grab request ahead of this key in the stream, not yet let go
            return chain, "another client grabs the keyboard"
        return chain, problem

    def _on_button(self, t: float, button: int, x: int, y: int) -> None:
        if button in (4, 5, 6, 7):
            last = self._last_scroll
            self._last_scroll = (button, t)
            if last is not None and last[0] == button and t - last[1] < _SCROLL_MERGE_S:
                return  # one scroll record per burst
            self._queue(("scroll", (t, button, x, y)))
            return
        clicks = 1
        lp = self._last_press
        if lp and lp[0] == button and t - lp[1] < _DOUBLE_CLICK_S and abs(lp[2] - x) < 5 and abs(lp[3] - y) < 5:
            clicks = 2
        self._last_press = (button, t, x, y) if clicks == 1 else None
        self._queue(("click", (t, button, x, y, clicks)))

    def _queue(self, task: tuple[str, Any]) -> None:
        try:
            self._tasks.put_nowait(task)
        except queue.Full:
            self._overflow += 1
            self._running().fault("x11_lookup_queue", "element lookups fall behind: input events dropped")

    # -- window thread ---------------------------------------------------------------
    def _window_loop(self) -> None:
        w = self.windows
        try:
            w.watch_root()
            self._ready["windows"].set()
            self._queue(("window", (time.time(), w.active_window(), "window_activate")))
            while not self._stop.is_set():
                r, _, _ = select.select([w.fileno()], [], [], 0.25)
                if not r and not w.pending():
                    continue
                for kind, server_ms, wid in w.drain_events():
                    self._queue(("window", (self._utc(server_ms) if server_ms else time.time(), wid, kind)))
        except Exception as exc:
            self._ready["windows"].set()
            if not self._stop.is_set():
                self._running().fault("x11_windows", f"active-window tracking stopped ({type(exc).__name__}: {exc})")

    # -- lookup thread ------------------------------------------------------------------
    def _lookup_loop(self) -> None:
        from taskmining.recorder.backends.x11_lookup import Lookup

        try:
            look = Lookup(self._running())
        except Exception as exc:
            self._running().fault("x11_lookup", f"window and element lookups unavailable ({type(exc).__name__}: "
                               f"{exc}); nothing is recorded")
            return
        finally:
            self._ready["lookup"].set()
        try:
            while True:
                try:
                    kind, payload = self._tasks.get(timeout=1.0)
                except queue.Empty:
                    if self._stop.is_set():
                        return
                    continue
                if kind == "stop":
                    return
                try:
                    obs = look.handle(kind, payload)
                except Exception as exc:  # one bad lookup must not end capture
                    self._running().fault(f"x11_{kind}", f"{kind} lookup failed ({type(exc).__name__}: {exc})")
                    continue
                for o in obs:
                    self._emit(o)
        finally:
            look.close()
