"""The Win32 platform layer of the UIA backend (Windows only; importable anywhere, usable on Windows).

Not exercised in this project's CI (no Windows machine): the translation
layer it feeds is tested against fakes; see ``docs/recorder.md``.
"""

from __future__ import annotations

import ctypes
import sys
import threading
import time
from collections.abc import Callable
from ctypes import wintypes
from typing import Any

from taskmining.recorder.backends.base import BackendStatus
from taskmining.recorder.backends.uia_types import UIAElement, WindowFacts

__all__ = ["check", "Win32UIA", "install_hooks"]

if sys.platform == "win32":  # pragma: no cover - no Windows machine in CI
    import comtypes.client

    user32 = ctypes.windll.user32
    kernel32 = ctypes.windll.kernel32
else:  # the names exist everywhere so that the module imports (and type-checks) on any platform
    comtypes: Any = None
    user32: Any = None
    kernel32: Any = None
WH_KEYBOARD_LL, WH_MOUSE_LL = 13, 14
EVENT_SYSTEM_FOREGROUND, WINEVENT_OUTOFCONTEXT = 0x0003, 0x0000
WM_KEYDOWN, WM_SYSKEYDOWN, WM_KEYUP, WM_SYSKEYUP, WM_QUIT = 0x0100, 0x0104, 0x0101, 0x0105, 0x0012
UIA_PIDS = {"ControlType": 30003, "Name": 30005, "AutomationId": 30011, "ClassName": 30012,
            "ProcessId": 30002, "IsPassword": 30019, "FrameworkId": 30024}


class _KBD(ctypes.Structure):
    _fields_ = [("vkCode", wintypes.DWORD), ("scanCode", wintypes.DWORD), ("flags", wintypes.DWORD),
                ("time", wintypes.DWORD), ("dwExtraInfo", ctypes.c_void_p)]


class _MSLL(ctypes.Structure):
    _fields_ = [("pt", wintypes.POINT), ("mouseData", wintypes.DWORD), ("flags", wintypes.DWORD),
                ("time", wintypes.DWORD), ("dwExtraInfo", ctypes.c_void_p)]


def check() -> BackendStatus:
    """Whether UIAutomationCore loads (Windows only).

    Examples
    --------
    >>> import sys
    >>> check().available if sys.platform != "win32" else True
    False
    """
    if sys.platform != "win32":
        return BackendStatus("uia", False, f"Windows only (this is {sys.platform})")
    try:
        comtypes.client.GetModule("UIAutomationCore.dll")
    except Exception as exc:
        return BackendStatus("uia", False, f"UIAutomationCore not loadable ({exc})")
    return BackendStatus("uia", True, "UI Automation through comtypes")


class Win32UIA:
    """IUIAutomation element lookups and window facts. Use from one thread."""

    def __init__(self) -> None:
        comtypes.CoInitialize()
        mod = comtypes.client.GetModule("UIAutomationCore.dll")
        self._uia = comtypes.client.CreateObject("{ff48dba4-60ef-4201-aa87-54103eef594e}",
                                                 interface=mod.IUIAutomation)

    def _element(self, el: Any) -> UIAElement | None:
        if el is None:
            return None
        get = el.GetCurrentPropertyValue
        return UIAElement(control_type=int(get(UIA_PIDS["ControlType"]) or 0), name=get(UIA_PIDS["Name"]) or None,
                          automation_id=get(UIA_PIDS["AutomationId"]) or None,
                          class_name=get(UIA_PIDS["ClassName"]) or None,
                          process_id=int(get(UIA_PIDS["ProcessId"]) or 0) or None,
                          is_password=bool(get(UIA_PIDS["IsPassword"])),
                          framework=get(UIA_PIDS["FrameworkId"]) or None)

    def element_from_point(self, x: int, y: int) -> UIAElement | None:
        return self._element(self._uia.ElementFromPoint(wintypes.POINT(x, y)))

    def focused_element(self) -> UIAElement | None:
        return self._element(self._uia.GetFocusedElement())

    def window(self, hwnd: int) -> WindowFacts | None:
        if not hwnd:
            return None
        n = user32.GetWindowTextLengthW(hwnd)
        buf = ctypes.create_unicode_buffer(n + 1)
        user32.GetWindowTextW(hwnd, buf, n + 1)
        pid = wintypes.DWORD()
        user32.GetWindowThreadProcessId(hwnd, ctypes.byref(pid))
        exe = None
        h = kernel32.OpenProcess(0x1000, False, pid.value)  # PROCESS_QUERY_LIMITED_INFORMATION
        if h:
            size = wintypes.DWORD(1024)
            path = ctypes.create_unicode_buffer(1024)
            if kernel32.QueryFullProcessImageNameW(h, 0, path, ctypes.byref(size)):
                exe = path.value
            kernel32.CloseHandle(h)
        return WindowFacts(hwnd=int(hwnd), title=buf.value or None, pid=pid.value or None, exe=exe)

    def window_at(self, x: int, y: int) -> WindowFacts | None:
        hwnd = user32.WindowFromPoint(wintypes.POINT(x, y))
        return self.window(user32.GetAncestor(hwnd, 2) if hwnd else 0)  # GA_ROOT

    def clipboard_text(self) -> str | None:
        time.sleep(0.15)
        if not user32.OpenClipboard(None):
            return None
        try:
            h = user32.GetClipboardData(13)  # CF_UNICODETEXT
            if not h:
                return None
            p = kernel32.GlobalLock(h)
            try:
                return ctypes.wstring_at(p)
            finally:
                kernel32.GlobalUnlock(h)
        finally:
            user32.CloseClipboard()

    def to_unicode(self, vk: int, state: bytes) -> str | None:
        """ToUnicodeEx of ``vk`` under ``state`` and the foreground thread's layout (state unchanged)."""
        layout = user32.GetKeyboardLayout(user32.GetWindowThreadProcessId(user32.GetForegroundWindow(), None))
        buf = ctypes.create_unicode_buffer(8)
        scan = user32.MapVirtualKeyExW(vk, 0, layout)
        arr = (ctypes.c_ubyte * 256).from_buffer_copy(state)
        n = user32.ToUnicodeEx(vk, scan, arr, buf, 8, 4, layout)  # 4: do not change the keyboard state
        return buf.value[:n] if n > 0 else None

    def tick_offset(self) -> float:
        return time.time() - kernel32.GetTickCount() / 1000.0


def keyboard_state(vk: int, down: bool) -> bytes:
    """The OS's physical key state (GetAsyncKeyState for every key) with ``vk`` as the event says.

    Taken inside the low-level hook, so modifiers come from the OS, not from
    tracked key-ups (a missed key-up, e.g. Win+L, cannot leave one stuck).
    """
    state = bytearray(256)
    for code in range(1, 256):
        if user32.GetAsyncKeyState(code) & 0x8000:
            state[code] = 0x80
    for code in (0x14, 0x90, 0x91):  # Caps, Num and Scroll Lock toggles
        if user32.GetKeyState(code) & 1:
            state[code] |= 1
    state[vk] = 0x80 if down else 0
    return bytes(state)


def install_hooks(on_raw: Callable[..., None]) -> Callable[[], None]:
    """Install low-level mouse/keyboard hooks and the foreground WinEvent hook on a message-loop thread."""
    winfunctype: Any = getattr(ctypes, "WINFUNCTYPE")  # Windows-only; absent from ctypes elsewhere
    HOOKPROC = winfunctype(ctypes.c_long, ctypes.c_int, wintypes.WPARAM, wintypes.LPARAM)
    WINEVENTPROC = winfunctype(None, wintypes.HANDLE, wintypes.DWORD, wintypes.HWND, wintypes.LONG,
                                      wintypes.LONG, wintypes.DWORD, wintypes.DWORD)
    ready = threading.Event()
    state: dict[str, Any] = {}

    def mouse(n: int, w: int, l: int) -> int:
        if n == 0:
            m = ctypes.cast(l, ctypes.POINTER(_MSLL)).contents
            on_raw("mouse", int(w), m.pt.x, m.pt.y, m.time)
        return user32.CallNextHookEx(None, n, w, l)

    def keyboard(n: int, w: int, l: int) -> int:
        if n == 0:
            k = ctypes.cast(l, ctypes.POINTER(_KBD)).contents
            on_raw("key", k.vkCode, w in (WM_KEYDOWN, WM_SYSKEYDOWN), k.time, keyboard_state(k.vkCode,
                   w in (WM_KEYDOWN, WM_SYSKEYDOWN)))
        return user32.CallNextHookEx(None, n, w, l)

    def foreground(hook: Any, event: int, hwnd: int, *rest: Any) -> None:
        on_raw("foreground", int(hwnd or 0), kernel32.GetTickCount())

    def loop() -> None:
        state["procs"] = (HOOKPROC(mouse), HOOKPROC(keyboard), WINEVENTPROC(foreground))
        state["hooks"] = (user32.SetWindowsHookExW(WH_MOUSE_LL, state["procs"][0], None, 0),
                          user32.SetWindowsHookExW(WH_KEYBOARD_LL, state["procs"][1], None, 0))
        state["win"] = user32.SetWinEventHook(EVENT_SYSTEM_FOREGROUND, EVENT_SYSTEM_FOREGROUND, None,
                                              state["procs"][2], 0, 0, WINEVENT_OUTOFCONTEXT)
        state["tid"] = kernel32.GetCurrentThreadId()
        ready.set()
        on_raw("foreground", int(user32.GetForegroundWindow() or 0), kernel32.GetTickCount())
        msg = wintypes.MSG()
        while user32.GetMessageW(ctypes.byref(msg), None, 0, 0) > 0:
            user32.TranslateMessage(ctypes.byref(msg))
            user32.DispatchMessageW(ctypes.byref(msg))
        for h in state["hooks"]:
            user32.UnhookWindowsHookEx(h)
        user32.UnhookWinEvent(state["win"])

    t = threading.Thread(target=loop, name="taskmining-uia-hooks", daemon=True)
    t.start()
    ready.wait(5)

    def remove() -> None:
        user32.PostThreadMessageW(state.get("tid", 0), WM_QUIT, 0, 0)
        t.join(5)

    return remove
