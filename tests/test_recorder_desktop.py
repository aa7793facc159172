"""End to end on a real virtual desktop: Xvfb + openbox + D-Bus + AT-SPI, GTK, Qt and a pixels-only app.

One desktop and one scripted recording per module; the recorder runs as the
real CLI (``python -m taskmining record``) and is stopped with SIGINT, or
killed with SIGKILL for the crash tests. Everything is read back with
``taskmining.read_events``.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import warnings
from pathlib import Path

import pytest
from desktop.harness import Desktop, missing_parts
from syspart import require

pytestmark = pytest.mark.desktop

SALT = "desktop-test-salt-0123"
ALLOW = ["--allow", "tmgtk", "--allow", "tmqt", "--allow", "tmplain"]


def _read(out, key=None):
    import taskmining as tm
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return tm.read_events(out, key=key, return_quarantine=True, progress=False)


@pytest.fixture(scope="module")
def desktop(tmp_path_factory):
    missing = missing_parts()
    require(not missing, f"virtual desktop parts missing: {', '.join(missing)}")
    try:
        import PySide6  # noqa: F401
        import pytesseract  # noqa: F401
    except ImportError as exc:
        require(False, f"test app dependency missing: {exc}")
    d = Desktop().start()
    try:
        d.windows = {}
        d.launch("gtk_app")
        d.launch("qt_app")
        d.launch("plain_app")
        d.launch("gtk_app", "tmsecret", "Secret Bank 98765432")
        for key, title in (("gtk", "TM Gtk Notes"), ("qt", "TM Qt Form"), ("plain", "TM Plain Viewer"),
                           ("secret", "Secret Bank")):
            d.windows[key] = d.wait_window(title)
        salt = tmp_path_factory.mktemp("salt") / "salt"
        salt.write_text(SALT)
        d.salt_file = str(salt)
        time.sleep(1.0)  # let the apps register on the accessibility bus
        yield d
    finally:
        d.stop()


def start_recorder(d, out, *extra):
    """Start the CLI recorder; returns once it says it is recording."""
    proc = subprocess.Popen([sys.executable, "-m", "taskmining", "record", "--out", str(out), *ALLOW,
                             "--salt-file", d.salt_file, *extra], env=d.env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    proc.log = []
    started = threading.Event()

    def pump():
        for line in proc.stderr:
            proc.log.append(line)
            if line.startswith("recording session"):
                started.set()
        started.set()

    threading.Thread(target=pump, daemon=True).start()
    assert started.wait(60) and proc.poll() is None, "".join(proc.log)
    return proc


def stop_recorder(proc):
    proc.send_signal(signal.SIGINT)
    proc.wait(30)
    time.sleep(0.05)
    return "".join(proc.log)


def scenario(d):
    w = d.windows
    d.activate(w["gtk"])
    d.click(w["gtk"], 150, 30)            # "Save invoice" button
    d.click(w["gtk"], 150, 75)            # "Customer" entry
    d.run("xdotool", "type", "--delay", "40", "hello42")
    d.run("xdotool", "key", "ctrl+a")
    d.run("xdotool", "key", "ctrl+c")
    d.click(w["gtk"], 150, 117)           # password entry
    d.run("xdotool", "type", "--delay", "40", "hunter2")
    d.activate(w["secret"])                # outside the allowlist
    d.click(w["secret"], 150, 30)
    d.run("xdotool", "type", "--delay", "40", "wiretransfer")
    time.sleep(0.5)
    d.activate(w["qt"])
    d.click(w["qt"], 200, 30)             # "Submit order"
    d.click(w["qt"], 200, 78)             # "Order number"
    d.run("xdotool", "key", "ctrl+v")
    d.activate(w["plain"])
    d.click(w["plain"], 180, 80)          # the label "APPROVE", pixels only


@pytest.fixture(scope="module")
def recording(desktop, tmp_path_factory):
    out = tmp_path_factory.mktemp("rec")
    proc = start_recorder(desktop, out)
    try:
        time.sleep(0.3)
        scenario(desktop)
        time.sleep(1.0)
    finally:
        err = stop_recorder(proc)
    assert proc.returncode == 0, err
    assert "stopped:" in err and "0 dropped" in err
    events, quarantine = _read(out)
    raw = b"".join(p.read_bytes() for p in Path(out).rglob("segment-*"))
    manifest = (Path(out) / "manifest.json").read_bytes()
    for secret in (b"tmsecret", b"Secret", b"hunter2", b"hello42", SALT.encode()):
        assert secret not in manifest
    return events, quarantine, raw, out


def attrs(row):
    return json.loads(row["attrs"]) if isinstance(row["attrs"], str) else {}


def test_check_reports_working_backends(desktop):
    r = subprocess.run([sys.executable, "-m", "taskmining", "record", "--check"], env=desktop.env,
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "x11     ok" in r.stdout and "atspi   ok" in r.stdout and "recording works here" in r.stdout


def test_clicks_name_app_window_role_and_name(recording):
    ev, q, _, _ = recording
    assert len(q) == 0
    clicks = ev[ev["action"] == "click"]
    got = [(r.app, r.window, r.element_role, r.element_name, r.source) for r in clicks.itertuples()]
    assert ("tmgtk", "TM Gtk Notes", "button", "Save invoice", "atspi") in got
    assert ("tmgtk", "TM Gtk Notes", "edit", "Customer", "atspi") in got
    assert ("tmqt", "TM Qt Form", "button", "Submit order", "atspi") in got
    assert ("tmqt", "TM Qt Form", "edit", "Order number", "atspi") in got
    ocr = clicks[clicks["source"] == "ocr"]
    assert len(ocr) == 1
    row = ocr.iloc[0]
    assert row["app"] == "tmplain" and row["window"] == "TM Plain Viewer"
    assert "APPROVE" in row["element_name"]
    a = attrs(row)
    assert a["ocr_confidence"] > 50 and a["ocr_ms"] > 0


def test_typed_text_not_stored_but_key_counts_are(recording):
    ev, _, raw, _ = recording
    for secret in (b"hello42", b"hello", b"hunter2", b"hunter", b"wiretransfer"):
        assert secret not in raw
    keys = ev[(ev["action"] == "key") & (ev["app"] == "tmgtk")]
    classes = [attrs(r)["key_class"] for _, r in keys.iterrows()]
    assert classes.count("character") == 5 and classes.count("digit") == 2
    assert keys["value"].isna().all()


def test_password_field_yields_nothing(recording):
    ev, _, raw, _ = recording
    assert b"Password" not in raw and b"password" not in raw
    gtk_keys = ev[(ev["app"] == "tmgtk") & ev["action"].isin(["key", "copy"])]
    assert len(gtk_keys) == 5 + 2 + 1 + 1  # hello42, ctrl+a, ctrl+c; nothing of hunter2


def test_nothing_outside_the_allowlist(recording):
    ev, _, raw, _ = recording
    for secret in (b"tmsecret", b"Secret", b"Bank", b"98765432"):
        assert secret not in raw
    idle = ev[(ev["action"] == "idle") & (ev["raw_action"] == "outside_allowlist")]
    assert len(idle) >= 1 and (idle["duration"] > 0.3).any()
    assert idle["app"].isna().all() and idle["window"].isna().all()
    assert set(ev["app"].dropna().unique()) <= {"tmgtk", "tmqt", "tmplain"}


def test_timestamps_monotonic_in_record_order(recording):
    ev, _, _, out = recording
    rows = [json.loads(line) for seg in sorted(Path(out).rglob("segment-*.jsonl"))
            for line in seg.read_text().splitlines()]
    seqs = [r["seq"] for r in rows]
    assert seqs == list(range(1, len(rows) + 1))  # file order is record order
    import pandas as pd
    times = pd.to_datetime([r["timestamp"] for r in rows], utc=True)
    assert times.is_monotonic_increasing
    assert len(rows) == len(ev)
    assert (times.max() - times.min()).total_seconds() < 120
    assert abs(times.max().timestamp() - time.time()) < 300  # X server time mapped to UTC


def test_copy_paste_pairs_share_a_hash(recording):
    ev, _, raw, out = recording
    copy = ev[ev["action"] == "copy"]
    paste = ev[ev["action"] == "paste"]
    faults = json.loads((Path(out) / "manifest.json").read_text()).get("sessions", [{}])[-1].get("faults")
    assert len(copy) == 1 and len(paste) == 1, (faults, ev[["app", "action", "attrs"]].to_string())
    assert copy["value"].iloc[0] == paste["value"].iloc[0]
    assert copy["value"].iloc[0].startswith("h:") and len(copy["value"].iloc[0]) == 18
    assert copy["app"].iloc[0] == "tmgtk" and paste["app"].iloc[0] == "tmqt"


def _activity(d, stop_after):
    """Clicks and typing in the GTK app for ``stop_after`` seconds (in a subprocess)."""
    w = d.windows["gtk"]
    script = (f"for i in $(seq 1 200); do xdotool mousemove --window {w} 150 75 click 1 type --delay 5 abc12; "
              "done")
    return subprocess.Popen(["timeout", str(stop_after), "bash", "-c", script], env=d.env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


def _end(load):
    """Stop the activity: its whole process group (timeout, bash and xdotool)."""
    try:
        os.killpg(load.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    load.wait()


@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "encrypted"])
def test_kill_9_loses_nothing_flushed(desktop, tmp_path, encrypted):
    rng = random.Random(5)
    key = os.urandom(32) if encrypted else None
    extra = []
    if key is not None:
        kf = tmp_path / "key"
        kf.write_bytes(key)
        extra = ["--encrypt-key-file", str(kf)]
    desktop.activate(desktop.windows["gtk"])
    runs = 3 if encrypted else 5
    for i in range(runs):
        out = tmp_path / f"run{i}"
        proc = start_recorder(desktop, out, *extra)
        load = _activity(desktop, 10)
        time.sleep(rng.uniform(0.6, 2.0))
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        _end(load)
        segs = sorted(out.rglob("segment-*"))
        ev, q = _read(out, key=key)  # never raises
        if key is None:
            data = b"".join(s.read_bytes() for s in segs)
            complete = data.count(b"\n")
        else:
            from taskmining.io.encrypted import decrypt_segment
            complete = sum(decrypt_segment(s, key).data.count(b"\n") for s in segs)
        assert len(ev) == complete, f"run {i}: {len(ev)} read, {complete} complete lines"
        assert len(q) <= len(segs)  # at most one cut line per segment, quarantined and counted
        assert len(ev) > 0


def test_screenshots_only_of_allowlisted_windows(desktop, tmp_path):
    out = tmp_path / "shots"
    key = os.urandom(32)
    kf = tmp_path / "key"
    kf.write_bytes(key)
    proc = start_recorder(desktop, out, "--screenshots", "--encrypt-key-file", str(kf))
    try:
        w = desktop.windows
        desktop.activate(w["gtk"])
        desktop.click(w["gtk"], 150, 30)
        time.sleep(0.6)  # the click is looked up before the secret window (same place) comes on top
        desktop.activate(w["secret"])
        desktop.click(w["secret"], 150, 30)
        time.sleep(0.8)
    finally:
        log = stop_recorder(proc)
    shots = sorted(out.rglob("screenshots/*"))
    assert len(shots) == 1 and shots[0].name.endswith(".png.enc"), log
    from taskmining.io.encrypted import decrypt_segment
    png = decrypt_segment(shots[0], key).data
    assert png.startswith(b"\x89PNG")
    from io import BytesIO

    from PIL import Image
    assert Image.open(BytesIO(png)).size == (420, 220)  # the GTK window's client area
    ev, _ = _read(out, key=key)
    click = ev[ev["action"] == "click"]
    assert len(click) == 1 and json.loads(click["attrs"].iloc[0])["screenshot"] == f"screenshots/{shots[0].name}"


def test_cli_stops_at_duration_and_on_sigterm(desktop, tmp_path):
    t0 = time.monotonic()
    proc = start_recorder(desktop, tmp_path / "a", "--duration", "2s")
    proc.wait(30)
    assert proc.returncode == 0 and 1.5 < time.monotonic() - t0 < 25
    proc = start_recorder(desktop, tmp_path / "b")
    proc.send_signal(signal.SIGTERM)
    proc.wait(30)
    assert proc.returncode == 0 and "stopped:" in "".join(proc.log)
    for run in ("a", "b"):
        m = json.loads((tmp_path / run / "manifest.json").read_text())
        assert m["sessions"][0]["stop"] is not None and m["sessions"][0]["backends"] == ["x11"]


def test_click_goes_to_the_window_on_top(desktop, tmp_path):
    """The element is looked up in the window on top (stacking order + PID), not in the active one."""
    w = desktop.windows
    geo = desktop.run("xdotool", "getwindowgeometry", w["secret"])
    pos = geo.split("Position: ")[1].split()[0]
    out = tmp_path / "top"
    proc = start_recorder(desktop, out)
    try:
        desktop.activate(w["gtk"])
        desktop.run("xdotool", "windowmove", "--sync", w["secret"], "42", "80")  # over the GTK window
        desktop.run("xdotool", "windowraise", w["secret"])
        time.sleep(0.3)
        desktop.click(w["gtk"], 150, 30)  # where "Save invoice" is, now under the secret window
        time.sleep(0.8)
    finally:
        stop_recorder(proc)
        x, y = pos.split(",")
        desktop.run("xdotool", "windowmove", "--sync", w["secret"], x, y, check=False)
    ev, _ = _read(out)
    assert not (ev["element_name"] == "Save invoice").any()
    assert not ev["action"].isin(["click"]).any()
    raw = b"".join(p.read_bytes() for p in out.rglob("segment-*"))
    assert b"Secret" not in raw and b"Transfer" not in raw
