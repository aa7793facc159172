"""AT-SPI2 lookups (Linux): the UI element at a point and the focused element.

Used by the X11 backend from its single lookup thread (libatspi is not
thread-safe). Every call is a D-Bus round trip bounded by
``Atspi.set_timeout``; a vanished application or a timeout yields ``None``
and a fault logged once, never an exception into the capture path.

The window on top is resolved by the X11 backend (``_NET_CLIENT_LIST_STACKING``
and ``_NET_WM_PID``); here the element is looked up only inside the frames
of the application with that PID, because AT-SPI alone can return a widget
of a window underneath.

Examples
--------
>>> schema_role("push button"), schema_role("password text"), schema_role("spin button")
('button', 'password', 'unknown')
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from typing import Any

from taskmining.recorder.backends.base import BackendStatus

__all__ = ["ROLE_MAP", "schema_role", "Element", "AtspiLookup", "check"]

#: AT-SPI role names -> the events frame's element_role vocabulary.
ROLE_MAP: dict[str, str] = {
    "push button": "button", "toggle button": "button", "button": "button",
    "text": "edit", "entry": "edit", "editbar": "edit", "terminal": "edit",
    "password text": "password", "check box": "checkbox", "check menu item": "menu_item",
    "radio button": "radio", "radio menu item": "menu_item", "combo box": "combobox",
    "menu item": "menu_item", "menu": "menu", "menu bar": "menu", "page tab": "tab",
    "list item": "list_item", "table cell": "cell", "link": "link", "document frame": "document",
    "document text": "document", "document web": "document", "frame": "window", "window": "window",
    "dialog": "dialog", "label": "text", "static": "text", "heading": "text", "paragraph": "text",
    "tree item": "tree_item", "tool bar": "toolbar", "table": "table", "tree table": "table",
}


def schema_role(atspi_role: str | None) -> str:
    """The schema's element_role for an AT-SPI role name (``unknown`` when unmapped)."""
    if not atspi_role:
        return "unknown"
    return ROLE_MAP.get(atspi_role.strip().lower(), "unknown")


@dataclass
class Element:
    """What AT-SPI says about one element."""

    role: str
    atspi_role: str
    name: str | None
    states: tuple[str, ...]
    app: str | None
    path: str
    accessible_id: str | None = None
    extents: tuple[int, int, int, int] | None = None
    attrs: dict[str, Any] = field(default_factory=dict)


def _import() -> Any:
    import gi
    gi.require_version("Atspi", "2.0")
    from gi.repository import Atspi
    return Atspi


def check() -> BackendStatus:
    """Whether AT-SPI lookups work here (gi + Atspi + a reachable accessibility bus)."""
    try:
        Atspi = _import()
    except (ImportError, ValueError) as exc:
        return BackendStatus("atspi", False, f"PyGObject/Atspi not importable ({exc}); "
                             "pip install 'PyGObject<3.51' and apt install gir1.2-atspi-2.0")
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS") and not os.environ.get("XDG_RUNTIME_DIR"):
        return BackendStatus("atspi", False, "no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS unset)")
    if not os.environ.get("DISPLAY"):
        return BackendStatus("atspi", False, "no DISPLAY: the accessibility bus address is read from the X server")
    try:
        Atspi.init()
        desktop = Atspi.get_desktop(0)
        n = desktop.get_child_count()
    except Exception as exc:  # gi raises GLib.Error and others
        return BackendStatus("atspi", False, f"accessibility bus unreachable ({exc})")
    return BackendStatus("atspi", True, f"accessibility bus reachable, {n} application(s) registered")


class AtspiLookup:
    """Element lookups through AT-SPI; create and use from one thread only.

    ``AtspiLookup.check()`` is the module's :func:`check`.

    Parameters
    ----------
    timeout : float
        Seconds for each D-Bus call.
    fault : callable
        ``fault(key, message)`` (logged once per key).
    """

    check = staticmethod(check)

    def __init__(self, timeout: float = 1.0, fault: Any = None) -> None:
        self.Atspi = _import()
        self.Atspi.init()
        ms = max(int(timeout * 1000), 50)
        self.Atspi.set_timeout(ms, ms * 3)
        self.timeout = timeout
        self._fault = fault or (lambda k, m: None)
        self._apps: dict[int, Any] = {}

    # -- applications -------------------------------------------------------
    def app_for_pid(self, pid: int) -> Any | None:
        """The AT-SPI application object of a process, or None."""
        app = self._apps.get(pid)
        if app is not None:
            try:
                if app.get_process_id() == pid:
                    return app
            except Exception:
                pass
            self._apps.pop(pid, None)
        try:
            desktop = self.Atspi.get_desktop(0)
            for i in range(desktop.get_child_count()):
                child = desktop.get_child_at_index(i)
                if child is None:
                    continue
                try:
                    if child.get_process_id() == pid:
                        self._apps[pid] = child
                        return child
                except Exception:
                    continue
        except Exception as exc:
            self._fault("atspi_desktop", f"AT-SPI desktop not readable ({exc})")
        return None

    def _frame(self, app: Any, title: str | None, x: int | None, y: int | None) -> Any | None:
        frames = []
        for i in range(app.get_child_count()):
            f = app.get_child_at_index(i)
            if f is not None:
                frames.append(f)
        if not frames:
            return None
        def score(f: Any) -> tuple[int, int, int]:
            name_ok = int(bool(title) and (f.get_name() or "") == title)
            states = f.get_state_set()
            active = int(states.contains(self.Atspi.StateType.ACTIVE))
            inside = 0
            if x is not None and y is not None:
                try:
                    inside = int(f.get_component_iface().contains(x, y, self.Atspi.CoordType.SCREEN))
                except Exception:
                    inside = 0
            return (name_ok, inside, active)
        return max(frames, key=score)

    # -- elements -------------------------------------------------------------
    def element_at(self, pid: int, x: int, y: int, title: str | None = None) -> Element | None:
        """The deepest element at screen point (x, y) in the window of process ``pid``."""
        try:
            app = self.app_for_pid(pid)
            if app is None:
                return None
            frame = self._frame(app, title, x, y)
            if frame is None:
                return None
            node, deadline = frame, time.monotonic() + self.timeout
            for _ in range(64):
                comp = node.get_component_iface()
                if comp is None or time.monotonic() > deadline:
                    break
                child = comp.get_accessible_at_point(x, y, self.Atspi.CoordType.SCREEN)
                if child is None or self._same(child, node):
                    break
                node = child
            return self.describe(node, app)
        except Exception as exc:  # vanished app, D-Bus timeout, ...
            self._fault("atspi_lookup", f"AT-SPI element lookup failed ({type(exc).__name__}: {exc})")
            self._apps.pop(pid, None)
            return None

    def focused(self, pid: int, title: str | None = None, max_nodes: int = 3000) -> Element | None:
        """The focused element in the active window of process ``pid`` (None when not found)."""
        return self.focus(pid, title, max_nodes)[0]

    def focus(self, pid: int, title: str | None = None, max_nodes: int = 20000) -> tuple[Element | None, bool]:
        """``(element, proven)``: the focused element and whether it was really found.

        ``proven`` is False when the search ran out of nodes or time, failed,
        or found no focused element: callers treat such a field as a password
        field (fail closed). Large containers are searched too (a PIN field
        among 600 siblings is found); the node budget and the deadline bound
        the cost.
        """
        self.last_focus: Any = None
        try:
            app = self.app_for_pid(pid)
            if app is None:
                return None, False
            frame = self._frame(app, title, None, None)
            if frame is None:
                return None, False
            FOCUSED = self.Atspi.StateType.FOCUSED
            SHOWING = self.Atspi.StateType.SHOWING
            stack, seen, deadline = [frame], 0, time.monotonic() + self.timeout
            while stack:
                if seen >= max_nodes or time.monotonic() >= deadline:
                    self._fault("atspi_focus_budget", "AT-SPI focus search ran out of nodes or time: keys are "
                                "not recorded until the focused field is known")
                    return None, False
                node = stack.pop()
                seen += 1
                states = node.get_state_set()
                if states.contains(FOCUSED) and node is not frame:
                    self.last_focus = node
                    return self.describe(node, app), True
                if node is not frame and not states.contains(SHOWING):
                    continue
                for i in range(node.get_child_count() - 1, -1, -1):
                    child = node.get_child_at_index(i)
                    if child is not None:
                        stack.append(child)
            return None, False
        except Exception as exc:
            self._fault("atspi_focus", f"AT-SPI focus lookup failed ({type(exc).__name__}: {exc})")
            return None, False

    def still_focused(self) -> bool:
        """True when the element found by the last :meth:`focus` still has the focus (one call)."""
        node = getattr(self, "last_focus", None)
        if node is None:
            return False
        try:
            return bool(node.get_state_set().contains(self.Atspi.StateType.FOCUSED))
        except Exception:
            return False

    @staticmethod
    def _same(a: Any, b: Any) -> bool:
        try:
            return bool(a.get_index_in_parent() == b.get_index_in_parent()
                        and a.get_role() == b.get_role() and a.get_name() == b.get_name()
                        and a.get_parent() is not None and b.get_parent() is not None
                        and a.get_parent().get_name() == b.get_parent().get_name()
                        and a.get_child_count() == b.get_child_count() == 0)
        except Exception:
            return False

    def describe(self, node: Any, app: Any | None = None) -> Element:
        """Role, name, states, application and path of an accessible."""
        role = node.get_role_name() or ""
        states_set = node.get_state_set()
        states = tuple(sorted(s.value_nick for s in states_set.get_states()))
        path = []
        cur, depth = node, 0
        while cur is not None and depth < 40:
            parent = cur.get_parent()
            if parent is None or cur.get_role() == self.Atspi.Role.APPLICATION:
                break
            path.append(f"{cur.get_role_name()}[{cur.get_index_in_parent()}]")
            cur, depth = parent, depth + 1
        try:
            acc_id = node.get_accessible_id() or None
        except Exception:
            acc_id = None
        extents = None
        comp = node.get_component_iface()
        if comp is not None:
            r = comp.get_extents(self.Atspi.CoordType.SCREEN)
            extents = (r.x, r.y, r.width, r.height)
        app_name = None
        if app is not None:
            try:
                app_name = app.get_name()
            except Exception:
                app_name = None
        return Element(role=schema_role(role), atspi_role=role, name=node.get_name() or None,
                       states=states, app=app_name, path="/".join(reversed(path)),
                       accessible_id=acc_id, extents=extents)
