"""The Windows UIA backend's translation layer and worker, driven by a fake UIA layer and fake hooks.

No Windows machine runs these tests' platform layer (uia_win32): they check
everything above it, through the real Recorder and the native reader.
"""

from __future__ import annotations

import json
import threading
import time
import warnings

import pytest

from taskmining.privacy import hash_value
from taskmining.privacy.keyring import KeySet
from taskmining.recorder.backends.uia import (
    UIABackend,
    UIAElement,
    WindowFacts,
    control_type_role,
    vk_name,
)
from taskmining.recorder.session import Recorder

SALT = b"uia-test-salt-000"
EXCEL = WindowFacts(hwnd=100, title="Invoices 2026.xlsx - Excel", pid=10, exe=r"C:\Program Files\Office\EXCEL.EXE")
BANK = WindowFacts(hwnd=200, title="Online Banking - Account 123456789", pid=20, exe=r"C:\Apps\bank.exe")
SAVE = UIAElement(control_type=50000, name="Save", automation_id="btnSave", class_name="Button", process_id=10)
CELL = UIAElement(control_type=50029, name="B7", automation_id="Sheet1!B7", class_name="Cell", process_id=10)
PASSWORD = UIAElement(control_type=50004, name="PIN", automation_id="pin", class_name="Edit", process_id=10,
                      is_password=True)


class FakeUIA:
    """Answers like IUIAutomation + Win32 would, from a small screen model."""

    def __init__(self):
        self.windows = {100: EXCEL, 200: BANK}
        self.regions = [((0, 0, 500, 500), EXCEL), ((500, 0, 1000, 500), BANK)]
        self.elements = {(10, 10): SAVE, (20, 20): CELL, (30, 30): PASSWORD, (600, 10): SAVE}
        self.focus = None
        self.clip = "INV-2026-0042"
        self.lookups = []

    def element_from_point(self, x, y):
        self.lookups.append((x, y))
        el = self.elements.get((x, y))
        if el is PASSWORD or el is CELL:
            self.focus = el
        return el

    def focused_element(self):
        return self.focus

    def window_at(self, x, y):
        for (x0, y0, x1, y1), w in self.regions:
            if x0 <= x < x1 and y0 <= y < y1:
                return w
        return None

    def window(self, hwnd):
        return self.windows.get(hwnd)

    def clipboard_text(self):
        return self.clip

    def to_unicode(self, vk, state):
        """ToUnicodeEx of a small German/Polish-programmer layout (AltGr = LCtrl + RAlt)."""
        shift = bool(state[0x10] & 0x80 or state[0xA0] & 0x80 or state[0xA1] & 0x80)
        ctrl = bool(state[0x11] & 0x80 or state[0xA2] & 0x80 or state[0xA3] & 0x80)
        altgr = bool(state[0xA5] & 0x80) and ctrl
        if altgr:
            return {0x51: "@", 0x41: "ą", 0x45: "€", 0x53: "ś"}.get(vk)
        if ctrl and 0x41 <= vk <= 0x5A:
            return chr(vk - 0x40)  # control characters, as ToUnicodeEx gives them
        if 0x41 <= vk <= 0x5A:
            return chr(vk) if shift else chr(vk).lower()
        if 0x30 <= vk <= 0x39:
            return "!\"§$%&/()="[vk - 0x30 - 1] if shift and vk != 0x30 else chr(vk)
        return " " if vk == 0x20 else None

    def tick_offset(self):
        return 1_764_000_000.0


class FakeHooks:
    """Replays raw hook events from a thread, like the Win32 message loop would.

    Key events carry the OS key state at the event, as the Win32 hook reads it
    (GetAsyncKeyState). ``("os", vk, down)`` changes the OS state without
    reaching the hook: a missed key-up (Win+L locks the screen before the
    Win key-up is delivered).
    """

    _GENERIC = {0xA0: 0x10, 0xA1: 0x10, 0xA2: 0x11, 0xA3: 0x11, 0xA4: 0x12, 0xA5: 0x12}

    def __init__(self, events):
        self.events = events
        self.removed = False
        self.done = threading.Event()
        self.state = bytearray(256)

    def _set(self, vk, down):
        self.state[vk] = 0x80 if down else 0
        if vk in self._GENERIC:
            g = self._GENERIC[vk]
            pair = [k for k, v in self._GENERIC.items() if v == g]
            self.state[g] = 0x80 if any(self.state[k] & 0x80 for k in pair) else 0

    def __call__(self, on_raw):
        def run():
            for e in self.events:
                if e[0] == "os":
                    self._set(e[1], e[2])
                    continue
                if e[0] == "key":
                    self._set(e[1], e[2])
                    e = (*e, bytes(self.state))
                on_raw(*e)
            self.done.set()
        threading.Thread(target=run, daemon=True).start()

        def remove():
            self.removed = True
        return remove


VK_CTRL, VK_C, VK_V, VK_A, VK_1, VK_TAB, VK_SHIFT = 0xA2, 0x43, 0x56, 0x41, 0x31, 0x09, 0xA0


def key(vk, tick, down=True):
    return ("key", vk, down, tick)


def tap(vk, tick):
    return [key(vk, tick), key(vk, tick + 5, down=False)]


SCRIPT = [
    ("foreground", 100, 1000),
    ("mouse", 0x0201, 10, 10, 1100),                   # left click "Save"
    ("mouse", 0x0200, 11, 11, 1150),                   # mouse move: ignored
    ("mouse", 0x0201, 20, 20, 1200),                   # click cell B7 (takes focus)
    *tap(VK_A, 1300), *tap(VK_1, 1400),
    key(VK_SHIFT, 1450), *tap(VK_A, 1460), key(VK_SHIFT, 1470, down=False),
    key(VK_CTRL, 1500), *tap(VK_C, 1510), key(VK_CTRL, 1520, down=False),
    ("foreground", 200, 2000),                         # bank: outside the allowlist
    ("mouse", 0x0201, 600, 10, 2100), *tap(VK_A, 2200),
    ("foreground", 100, 3000),
    key(VK_CTRL, 3100), *tap(VK_V, 3110), key(VK_CTRL, 3120, down=False),
    ("mouse", 0x0201, 30, 30, 3200),                   # password box
    *tap(VK_1, 3300), *tap(VK_1, 3400),
    *tap(VK_TAB, 3500),
    ("mouse", 0x0204, 10, 10, 3600),                   # right click
    ("mouse", 0x0201, 10, 10, 3700), ("mouse", 0x0201, 10, 10, 3800),  # double click
    ("mouse", 0x020A, 10, 10, 3900),                   # wheel
]


@pytest.fixture
def recorded(tmp_path):
    layer, hooks = FakeUIA(), FakeHooks(SCRIPT)
    backend = UIABackend(layer=layer, hooks=hooks)
    rec = Recorder(tmp_path, allow=["excel"], backends=[backend], salt=SALT, user="bob")
    with rec:
        assert hooks.done.wait(5)
        time.sleep(0.3)
    assert hooks.removed
    import taskmining as tm
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ev, q = tm.read_events(tmp_path, return_quarantine=True, progress=False)
    raw = b"".join(p.read_bytes() for p in tmp_path.rglob("segment-*"))
    return ev, q, raw, layer


def test_translation_tables():
    assert [vk_name(v) for v in (0x08, 0x2E, 0x25, 0x60, 0x70, 0x5B, 0xBE)] == \
        ["BackSpace", "Delete", "Left", "KP_0", "F1", "Super_L", "."]
    assert control_type_role(50029) == "cell" and control_type_role(None) == "unknown"


def test_uia_stream(recorded):
    ev, q, raw, layer = recorded
    assert len(q) == 0
    assert ev["source"].dropna().unique().tolist() == ["uia"] or set(ev["source"].dropna()) == {"uia", "recorder"}
    assert ev["action"].tolist() == ["app_switch", "click", "click", "key", "key", "key", "copy", "idle",
                                     "app_switch", "paste", "right_click", "click", "double_click", "scroll"]
    save = ev.iloc[1]
    assert (save["app"], save["element_role"], save["element_name"], save["element_id"]) == \
        ("excel", "button", "Save", "btnSave")
    assert ev.iloc[2]["element_role"] == "cell" and ev.iloc[2]["element_id"] == "Sheet1!B7"
    classes = [json.loads(a)["key_class"] for a in ev.loc[ev["action"] == "key", "attrs"]]
    assert classes == ["character", "digit", "character"]  # the Tab was pressed in the password box
    copy, paste = ev[ev["action"] == "copy"].iloc[0], ev[ev["action"] == "paste"].iloc[0]
    assert copy["value"] == paste["value"] == hash_value("INV-2026-0042", KeySet.derive(SALT).link)
    idle = ev[ev["action"] == "idle"].iloc[0]
    assert idle["duration"] == pytest.approx(1.0)
    assert ev["timestamp"].is_monotonic_increasing
    assert ev["timestamp"].iloc[0].timestamp() == pytest.approx(1_764_000_001.0)


def test_uia_privacy(recorded):
    ev, _, raw, layer = recorded
    for secret in (b"bank", b"Banking", b"123456789", b"PIN", b"INV-2026"):
        assert secret not in raw
    assert (600, 10) not in layer.lookups  # nothing looked up outside the allowlist
    assert "password" not in ev["element_role"].astype(str).tolist()


VK_RALT, VK_LWIN, VK_Q, VK_L, VK_S = 0xA5, 0x5B, 0x51, 0x4C, 0x53


def _keys_recorded(events, keep_text=False, tmp_path=None):
    layer, hooks = FakeUIA(), FakeHooks(events)
    layer.focus = CELL
    backend = UIABackend(layer=layer, hooks=hooks)
    rec = Recorder(tmp_path, allow=["excel"], backends=[backend], salt=SALT, keep_text=keep_text)
    with rec:
        assert hooks.done.wait(5)
        time.sleep(0.3)
    import taskmining as tm
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ev = tm.read_events(tmp_path, progress=False)
    keys = ev[ev["action"].isin(["key", "copy", "paste", "cut"])]
    return [json.loads(a) for a in keys["attrs"]], keys["value"].tolist()


def test_finding3_altgr_characters_are_characters_not_shortcuts(tmp_path):
    altgr = [key(VK_CTRL, 10), key(VK_RALT, 11)]  # Windows delivers AltGr as LCtrl + RAlt
    events = [("foreground", 100, 1), *altgr, *tap(VK_Q, 20), *tap(VK_A, 30), *tap(0x45, 40),
              key(VK_RALT, 50, down=False), key(VK_CTRL, 51, down=False), *tap(VK_A, 60)]
    attrs, values = _keys_recorded(events, keep_text=True, tmp_path=tmp_path)
    assert [a["key_class"] for a in attrs] == ["character"] * 4
    assert not any("keys" in a for a in attrs)  # no "ctrl+alt+q" shortcut spelling the text
    assert values == ["@", "ą", "€", "a"]


def test_finding3_missed_key_up_does_not_turn_later_keys_into_shortcuts(tmp_path):
    events = [("foreground", 100, 1), key(VK_LWIN, 10), *tap(VK_L, 20),  # Win+L locks the screen ...
              ("os", VK_LWIN, False),                                    # ... and the Win key-up is missed
              *tap(VK_S, 100), *tap(VK_1, 110), *tap(VK_A, 120)]
    attrs, _ = _keys_recorded(events, tmp_path=tmp_path)
    assert (attrs[0]["key_class"], attrs[0]["keys"]) == ("shortcut", "super+l")
    assert [a["key_class"] for a in attrs[1:]] == ["character", "digit", "character"]


def test_key_without_os_state_is_not_recorded(tmp_path):
    class OldHooks(FakeHooks):
        def __call__(self, on_raw):
            def run():
                for e in self.events:
                    on_raw(*e)
                self.done.set()
            threading.Thread(target=run, daemon=True).start()
            return lambda: None
    layer, hooks = FakeUIA(), OldHooks([("foreground", 100, 1), *tap(VK_A, 10)])
    layer.focus = CELL
    rec = Recorder(tmp_path, allow=["excel"], backends=[UIABackend(layer=layer, hooks=hooks)], salt=SALT)
    with rec:
        assert hooks.done.wait(5)
        time.sleep(0.3)
    assert rec.stats["records_written"] == 1  # the app switch only
    assert any(f["fault"] == "uia_key_state" for f in rec.stats["faults"])


def test_unknown_focus_counts_as_a_password_field(tmp_path):
    layer, hooks = FakeUIA(), FakeHooks([("foreground", 100, 1), *tap(VK_A, 10)])
    layer.focus = None  # UIA could not tell which element has the focus
    rec = Recorder(tmp_path, allow=["excel"], backends=[UIABackend(layer=layer, hooks=hooks)], salt=SALT)
    with rec:
        assert hooks.done.wait(5)
        time.sleep(0.3)
    assert rec.stats["password_dropped"] == 1 and rec.stats["records_written"] == 1
