"""Recorder without a desktop: privacy filter, writer, rotation, faults, encryption, manifest.

A scripted backend feeds observations; everything is read back through the
native reader.
"""

from __future__ import annotations

import json
import os
import threading
import time

import pytest

import taskmining as tm
from taskmining.errors import (
    DecryptionError,
    ParameterError,
    PrivacyError,
    RecorderError,
)
from taskmining.io.encrypted import decrypt_file, decrypt_segment
from taskmining.privacy import hash_value
from taskmining.privacy.keyring import KeySet
from taskmining.recorder.backends.base import Backend, BackendStatus, Observation
from taskmining.recorder.session import Recorder
from taskmining.recorder.sink import SegmentWriter

SALT = b"recorder-test-salt"
T0 = 1_764_000_000.0


def read_back(out, key=None):
    """Read a recording through the public reader: (events, quarantine)."""
    import warnings

    from taskmining import read_events
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return read_events(out, key=key, return_quarantine=True, progress=False)


class Script(Backend):
    """Emits a list of observations (optionally spaced) from its own thread."""

    name = "script"

    def __init__(self, observations, delay=0.0, fail=False):
        self.observations = list(observations)
        self.delay = delay
        self.fail = fail
        self.thread = None
        self.stopped = threading.Event()

    @classmethod
    def check(cls):
        return BackendStatus("script", True, "always")

    def start(self, emit, context):
        if self.fail:
            raise OSError("no display")
        self.context = context

        def run():
            for obs in self.observations:
                if self.stopped.is_set():
                    return
                emit(obs)
                if self.delay:
                    time.sleep(self.delay)

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()
        if not self.delay:
            self.thread.join()

    def stop(self):
        self.stopped.set()
        if self.thread is not None:
            self.thread.join()


def session_script():
    t = T0
    win = dict(app="gedit", title="Invoice 471100 for jane@corp.com")
    return [
        Observation("window", t, **win, attrs={"window_id": 1}),
        Observation("click", t + 1, **win, button=1, x=10, y=20, element_role="button", element_name="Save",
                    source="atspi"),
        Observation("key", t + 2, **win, key="s", text="s"),
        Observation("key", t + 2.1, **win, key="e", text="e"),
        Observation("key", t + 2.2, **win, key="7", text="7"),
        Observation("key", t + 2.3, **win, key="Shift_L"),
        Observation("key", t + 2.4, **win, key="BackSpace"),
        Observation("key", t + 3, **win, key="c", modifiers=frozenset({"ctrl"}), text="secret clip",
                    clipboard_action="copy"),
        Observation("window", t + 4, app="bank", title="Account DE89370400440532013000", attrs={"window_id": 2}),
        Observation("click", t + 5, app="bank", title="Account", button=1, x=1, y=1, element_name="Transfer"),
        Observation("key", t + 5.5, app="bank", title="Account", key="x", text="x"),
        Observation("window", t + 7, **win, attrs={"window_id": 1}),
        Observation("key", t + 8, **win, key="v", modifiers=frozenset({"ctrl"}), text="secret clip",
                    clipboard_action="paste"),
        Observation("click", t + 9, **win, button=1, x=3, y=3, element_role="password text",
                    element_name="Password"),
        Observation("key", t + 9.1, **win, key="p", text="p", is_password=True),
        Observation("key", t + 10, **win, key="s", modifiers=frozenset({"ctrl"})),
        Observation("click", t + 11, **win, button=3, x=5, y=5, element_role="text", element_name="Body"),
    ]


@pytest.fixture
def recording(tmp_path):
    out = tmp_path / "rec"
    rec = Recorder(out, allow=["gedit"], backends=[Script(session_script())], salt=SALT, user="alice",
                   flush_interval=0.05)
    with rec:
        pass
    return out, rec


def test_records_read_back_with_privacy_rules(recording):
    out, rec = recording
    ev, quarantine = read_back(out)
    assert len(quarantine) == 0
    assert ev["action"].tolist() == ["app_switch", "click", "key", "key", "key", "key", "copy", "idle",
                                     "app_switch", "paste", "key", "right_click"]
    idle = ev[ev["action"] == "idle"].iloc[0]
    assert idle["raw_action"] == "outside_allowlist" and idle["duration"] == pytest.approx(3.0)
    assert pd_isna(idle["app"]) and pd_isna(idle["window"])
    keys = ev[ev["action"] == "key"]
    classes = [json.loads(a)["key_class"] for a in keys["attrs"]]
    assert classes == ["character", "character", "digit", "editing", "shortcut"]
    assert keys["value"].isna().all()
    copy, paste = ev[ev["action"] == "copy"].iloc[0], ev[ev["action"] == "paste"].iloc[0]
    # not a business-key shape: the pseudonym key, so a link key holder cannot test guesses of it
    assert copy["value"] == paste["value"] == hash_value("secret clip", KeySet.derive(SALT).pseudonym)
    assert ev["user"].unique().tolist() == [rec.user] and rec.user.startswith("u-")
    assert ev["timestamp"].is_monotonic_increasing
    click = ev[ev["action"] == "click"].iloc[0]
    assert (click["element_role"], click["element_name"], click["app"]) == ("button", "Save", "gedit")
    assert "jane@corp.com" not in click["window"] and "[email:h:" in click["window"]
    assert rec.stats["password_dropped"] == 2 and rec.stats["outside_allowlist_dropped"] == 2


def pd_isna(v):
    import pandas as pd
    return pd.isna(v)


def test_nothing_private_in_raw_bytes(recording):
    out, _ = recording
    raw = b"".join(p.read_bytes() for p in out.rglob("*") if p.is_file())
    for secret in (b"bank", b"Account", b"Transfer", b"DE89", b"secret clip", b"jane@corp.com", b"471100",
                   b"alice", b"Password", b'"7"'):
        assert secret not in raw, secret


def test_manifest(recording):
    out, rec = recording
    m = json.loads((out / "manifest.json").read_text())
    assert m["schema_version"] == 1 and m["recorder_version"]
    assert m["allowlist"] == {"apps": ["gedit"], "titles": []}
    assert m["privacy"]["keep_text"] is False and m["privacy"]["encrypted"] is False
    s = m["sessions"][0]
    assert s["session"] == rec.session and s["start"] and s["stop"] and s["records"] == 12
    assert s["segments"] == [f"{rec.session}/segment-000001.jsonl"]
    assert SALT.decode() not in json.dumps(m) and SALT.hex() not in json.dumps(m)
    # a second run in the same folder adds a session
    with Recorder(out, allow=["gedit"], backends=[Script([])], salt=SALT, user="alice"):
        pass
    assert len(json.loads((out / "manifest.json").read_text())["sessions"]) == 2


def test_keep_text_keeps_characters_and_clipboard(tmp_path):
    out = tmp_path / "rec"
    with Recorder(out, allow=["gedit"], backends=[Script(session_script())], salt=SALT, keep_text=True):
        pass
    ev, _ = read_back(out)
    keys = ev[ev["action"] == "key"]
    assert keys["value"].tolist()[:3] == ["s", "e", "7"]
    assert json.loads(ev[ev["action"] == "copy"]["attrs"].iloc[0])["text"] == "secret clip"
    assert json.loads(ev[ev["action"] == "paste"]["attrs"].iloc[0])["text"] == "secret clip"  # copied here
    raw = b"".join(p.read_bytes() for p in out.rglob("*.jsonl"))
    assert b"bank" not in raw and b'"p"' not in raw  # allowlist and password rules hold in every mode


def test_title_change_is_not_an_app_switch(tmp_path):
    obs = [Observation("window", T0, app="gedit", title="a.txt", attrs={"window_id": 1}),
           Observation("window", T0 + 1, app="gedit", title="b.txt", raw_action="title_change",
                       attrs={"window_id": 1})]
    with Recorder(tmp_path, allow=["gedit"], backends=[Script(obs)], salt=SALT):
        pass
    ev, _ = read_back(tmp_path)
    assert ev["action"].tolist() == ["app_switch", "other"] and ev["raw_action"].iloc[1] == "title_change"


def test_allow_title_narrows_the_application(tmp_path):
    obs = [Observation("window", T0, app="firefox", title="PROJ-1 - Jira", attrs={"window_id": 1}),
           Observation("click", T0 + 1, app="firefox", title="PROJ-1 - Jira", button=1, x=1, y=1),
           Observation("window", T0 + 2, app="firefox", title="Online banking", attrs={"window_id": 1}),
           Observation("click", T0 + 3, app="firefox", title="Online banking", button=1, x=1, y=1),
           # finding 5: another program titling its window like an allowed one is not recorded
           Observation("window", T0 + 4, app="spoof", title="PROJ-2 - Jira", attrs={"window_id": 2}),
           Observation("click", T0 + 5, app="spoof", title="PROJ-2 - Jira", button=1, x=1, y=1)]
    with Recorder(tmp_path, allow=["firefox"], allow_title=[r"- Jira$"], backends=[Script(obs)], salt=SALT):
        pass
    ev, _ = read_back(tmp_path)
    assert ev["action"].tolist() == ["app_switch", "click", "idle"]
    raw = b"".join(p.read_bytes() for p in tmp_path.rglob("segment-*"))
    assert b"banking" not in raw and b"spoof" not in raw and b"PROJ-2" not in raw
    with pytest.raises(PrivacyError, match="name the application"):
        Recorder(tmp_path, allow_title=[r"- Jira$"], salt=SALT)


def test_time_away_is_an_afk_record(tmp_path):
    win = dict(app="gedit", title="t")
    obs = [Observation("window", T0, **win, attrs={"window_id": 1}),
           Observation("key", T0 + 1, **win, key="a"),
           Observation("key", T0 + 601, **win, key="b"),          # 10 minutes away
           Observation("window", T0 + 602, app="bank", title="x", attrs={"window_id": 2}),
           Observation("key", T0 + 1500, app="bank", title="x", key="c"),
           Observation("window", T0 + 1501, **win, attrs={"window_id": 1}),
           Observation("key", T0 + 1502, **win, key="d")]         # time outside is not afk
    with Recorder(tmp_path, allow=["gedit"], backends=[Script(obs)], salt=SALT, afk_after=300):
        pass
    ev, _ = read_back(tmp_path)
    idle = ev[ev["action"] == "idle"]
    assert idle["raw_action"].tolist() == ["afk", "outside_allowlist"]
    assert idle["duration"].tolist() == pytest.approx([600.0, 899.0])
    assert ev["timestamp"].is_monotonic_increasing


def test_empty_allowlist_is_privacy_error(tmp_path):
    with pytest.raises(PrivacyError, match="allowlist is empty"):
        Recorder(tmp_path, allow=[], salt=SALT)


def test_bad_parameters(tmp_path):
    with pytest.raises(ParameterError, match="ocr"):
        Recorder(tmp_path, allow=["x"], ocr="maybe", salt=SALT)
    with pytest.raises(ParameterError, match="duration"):
        Recorder(tmp_path, allow=["x"], duration="forever", salt=SALT)
    with pytest.raises(ParameterError, match="encrypt_key"):
        Recorder(tmp_path, allow=["x"], encrypt_key=b"short", salt=SALT)
    with pytest.raises(ParameterError, match="unknown backend"):
        Recorder(tmp_path, allow=["x"], backends=["mac"], salt=SALT).start()


def test_unwritable_output_folder_is_recorder_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(RecorderError, match="cannot write"):
        Recorder(blocker / "rec", allow=["x"], backends=[Script([])], salt=SALT).start()


def test_failing_backend_is_logged_and_others_run(tmp_path):
    good = Script([Observation("window", T0, app="gedit", title="a", attrs={"window_id": 1})])
    rec = Recorder(tmp_path, allow=["gedit"], backends=[Script([], fail=True), good], salt=SALT)
    with rec:
        pass
    assert rec.stats["records_written"] == 1
    assert any("did not start" in f["message"] for f in rec.stats["faults"])
    with pytest.raises(RecorderError, match="no capture backend"):
        Recorder(tmp_path / "b", allow=["gedit"], backends=[Script([], fail=True)], salt=SALT).start()


def test_duration_stops_wait(tmp_path):
    rec = Recorder(tmp_path, allow=["gedit"], backends=[Script([])], salt=SALT, duration=0.2)
    rec.start()
    t = time.monotonic()
    assert rec.wait(5)
    assert time.monotonic() - t < 2
    rec.stop()
    assert rec.stop() == rec.stats  # idempotent


def test_rotation_by_size_keeps_every_record(tmp_path):
    obs = [Observation("key", T0 + i * 0.01, app="gedit", title="t", key="a") for i in range(150)]
    script = Script(obs, delay=0.001)
    rec = Recorder(tmp_path, allow=["gedit"], backends=[script], salt=SALT, segment_bytes=4096,
                   flush_interval=0.02)
    with rec:
        script.thread.join(30)
    segs = sorted((tmp_path / rec.session).glob("segment-*.jsonl"))
    assert len(segs) > 3
    ev, q = read_back(tmp_path)
    assert len(ev) == 150 and len(q) == 0
    seqs = sorted(json.loads(line)["seq"] for s in segs for line in s.read_text().splitlines())
    assert seqs == list(range(1, 151))
    assert all(s.read_bytes().endswith(b"\n") for s in segs)


def test_rotation_by_time(tmp_path):
    w = SegmentWriter(tmp_path, "s", segment_seconds=0.05, flush_interval=0.01)
    w.start()
    for i in range(3):
        w.put({"timestamp": f"2026-01-01T00:00:0{i}Z", "session": "s", "action": "click"})
        time.sleep(0.12)
    w.stop()
    assert len(w.segments) == 3


def test_records_leave_missing_values_out_and_read_back(tmp_path):
    w = SegmentWriter(tmp_path, "s", flush_interval=0.01)
    w.start()
    w.put({"timestamp": "2026-01-01T00:00:00Z", "session": "s", "action": "click", "app": "excel",
           "value": None, "url": None, "duration": None, "attrs": {}})
    w.put({"timestamp": "2026-01-01T00:00:01Z", "session": "s", "action": "key", "app": None,
           "attrs": {"key_class": "digit"}})
    w.stop()
    lines = (tmp_path / w.segments[0]).read_text(encoding="utf-8").splitlines()
    assert lines[0] == '{"v":1,"seq":1,"timestamp":"2026-01-01T00:00:00Z","session":"s","action":"click","app":"excel"}'
    assert lines[1].endswith('"action":"key","attrs":{"key_class":"digit"}}') and "null" not in lines[1]
    back = tm.read_events(tmp_path / w.segments[0], progress=False)
    assert back["app"].tolist()[0] == "excel" and back["app"].isna().tolist() == [False, True]
    assert back["value"].isna().all() and back["duration"].isna().all()
    assert back["attrs"].isna().tolist() == [True, False]


def test_queue_overflow_is_counted_and_recorded(tmp_path):
    w = SegmentWriter(tmp_path, "s", queue_size=5, flush_interval=0.01)
    results = [w.put({"timestamp": "2026-01-01T00:00:00Z", "session": "s", "action": "key",
                      "attrs": {"key_class": "character"}}) for _ in range(8)]
    assert results.count(False) == 3
    w.start()
    w.stop()
    ev, _ = read_back(tmp_path)
    note = ev[ev["raw_action"] == "queue_overflow"]
    assert len(note) == 1 and json.loads(note["attrs"].iloc[0])["dropped"] == 3
    assert w.records_dropped == 3


def test_write_failure_is_logged_once_and_recording_goes_on(tmp_path, monkeypatch):
    faults = []
    w = SegmentWriter(tmp_path, "s", flush_interval=0.01, fault=lambda k, m: faults.append((k, m)))
    real = SegmentWriter._ensure_segment
    calls = {"n": 0}

    def flaky(self, incoming):
        calls["n"] += 1
        if 2 <= calls["n"] <= 4:
            raise OSError(28, "No space left on device")
        return real(self, incoming)

    monkeypatch.setattr(SegmentWriter, "_ensure_segment", flaky)
    w.start()
    for i in range(6):
        w.put({"timestamp": f"2026-01-01T00:00:0{i}Z", "session": "s", "action": "click"})
        time.sleep(0.6)
    w.stop()
    ev, q = read_back(tmp_path)
    assert len(ev) == 6 and len(q) == 0  # buffered and written after the fault
    assert [k for k, _ in faults] == ["write_failed"] * len(faults) and "No space left" in faults[0][1]
    assert len(w.segments) >= 2


def test_crash_mid_line_is_quarantined_not_lost(tmp_path, recording):
    out, rec = recording
    seg = out / rec.session / "segment-000001.jsonl"
    with open(seg, "ab") as f:
        f.write(b'{"v": 1, "seq": 99, "timestamp": "2026-')
    ev, q = read_back(out)
    assert len(ev) == 12 and len(q) == 1


# --- encryption ---------------------------------------------------------------

@pytest.fixture
def encrypted(tmp_path):
    key = os.urandom(32)
    out = tmp_path / "enc"
    rec = Recorder(out, allow=["gedit"], backends=[Script(session_script())], salt=SALT, encrypt_key=key)
    with rec:
        pass
    return out, rec, key


def test_encrypted_recording_reads_back_with_key(encrypted, recording):
    out, rec, key = encrypted
    segs = list(out.rglob("segment-*"))
    assert [s.name for s in segs] == ["segment-000001.jsonl.enc"]
    raw = segs[0].read_bytes()
    assert b"gedit" not in raw and b"app_switch" not in raw
    ev, q = read_back(out, key=key)
    plain, _ = read_back(recording[0])
    assert ev["action"].tolist() == plain["action"].tolist() and len(q) == 0
    m = json.loads((out / "manifest.json").read_text())
    assert m["privacy"]["encrypted"] is True and len(m["privacy"]["key_id"]) == 16
    assert key.hex() not in json.dumps(m)


def test_wrong_key_and_tampering_raise_naming_the_file(encrypted):
    out, rec, key = encrypted
    seg = next(out.rglob("segment-*"))
    with pytest.raises(DecryptionError, match="wrong key") as err:
        decrypt_file(seg, os.urandom(32))
    assert str(seg) in str(err.value)
    lines = seg.read_bytes().split(b"\n")
    # flip one base64 character in the first chunk
    c = lines[1]
    lines[1] = c[:10] + (b"A" if c[10:11] != b"A" else b"B") + c[11:]
    seg.write_bytes(b"\n".join(lines))
    with pytest.raises(DecryptionError, match="line 2.*failed authentication"):
        decrypt_file(seg, key)


def test_removed_or_reordered_chunk_is_detected(tmp_path):
    from taskmining.io.encrypted import EncryptedWriter
    key = os.urandom(32)
    p = tmp_path / "s.jsonl.enc"
    with EncryptedWriter(p, key) as w:
        for i in range(3):
            w.write(f'{{"i": {i}}}\n'.encode())
    header, a, b, c, final, end = p.read_bytes().split(b"\n")
    p.write_bytes(b"\n".join([header, a, c, end]))
    with pytest.raises(DecryptionError, match="line 3"):
        decrypt_file(p, key)
    p.write_bytes(b"\n".join([header, b, a, c, end]))
    with pytest.raises(DecryptionError, match="line 2"):
        decrypt_file(p, key)


def test_truncated_encrypted_segment_yields_authenticated_part(encrypted):
    out, rec, key = encrypted
    seg = next(out.rglob("segment-*"))
    data = seg.read_bytes()
    seg.write_bytes(data[:-20])  # the end of a cleanly closed segment cut off
    info = decrypt_segment(seg, key)
    assert info.truncated and not info.final and info.chunks >= 0
    # the manifest says the segment was closed cleanly: a cut end is tampering, not a crash
    with pytest.raises(DecryptionError, match="final chunk is missing"):
        read_back(out, key=key)


def test_load_key_forms(tmp_path):
    import base64

    from taskmining.io.encrypted import load_key
    k = os.urandom(32)
    for i, data in enumerate([k, k.hex().encode(), base64.b64encode(k) + b"\n"]):
        p = tmp_path / f"k{i}"
        p.write_bytes(data)
        assert load_key(p) == k
    (tmp_path / "bad").write_text("nope")
    with pytest.raises(ParameterError, match="bad"):
        load_key(tmp_path / "bad")
