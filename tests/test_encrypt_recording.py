"""Finding 12: manipulated encrypted recordings are refused; crash damage is read with a note."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
import warnings
from pathlib import Path

import pytest

pytest.importorskip("cryptography", reason="encrypted recordings need cryptography (pip install taskmining[recorder])")

from taskmining import read_events  # noqa: E402
from taskmining.errors import DecryptionError  # noqa: E402
from taskmining.io.recording import write_manifest  # noqa: E402
from taskmining.recorder.session import Recorder  # noqa: E402
from test_recorder_sink import Stream  # noqa: E402  (a scripted backend emitting clicks from a thread)

SALT = b"encrypt-test-salt"
KEY = bytes(range(32))


def _record(out: Path, n: int = 300, key: bytes = KEY) -> Recorder:
    rec = Recorder(out, allow=["gedit"], backends=[Stream(n, gap=0.001, name_pad=0)], salt=SALT, encrypt_key=key,
                   segment_bytes=4096, flush_interval=0.01)
    with rec:
        pass  # stop() waits for the backend: several batches, so several segments with several chunks
    return rec


def _read(out: Path, key: bytes = KEY):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return read_events(out, key=key, return_quarantine=True, progress=False)


@pytest.fixture
def rec_dir(tmp_path):
    out = tmp_path / "rec"
    rec = _record(out)
    segs = sorted((out / rec.session).glob("segment-*.jsonl.enc"))
    assert len(segs) >= 3, "the test needs several segments"
    ev, q = _read(out)
    assert len(ev) == rec.stats["records_written"] and len(q) == 0
    return out, rec, segs


def _lines(p: Path) -> list[bytes]:
    return p.read_bytes().split(b"\n")


def test_intact_recording_manifest_is_authenticated(rec_dir):
    out, rec, segs = rec_dir
    m = json.loads((out / "manifest.json").read_text())
    entry = m["sessions"][0]
    assert m["auth"]["alg"] == "HMAC-SHA256" and len(m["recording_id"]) == 32
    assert entry["segments"] == [f"{rec.session}/{s.name}" for s in segs]
    assert set(entry["closed"]) == set(entry["segments"]) and entry["clean_stop"] is True


@pytest.mark.parametrize("name,content", [
    ("segment-000099.jsonl", b'{"v":1,"seq":1,"timestamp":"2026-01-01T00:00:00Z","action":"click"}\n'),
    ("segment-000099.jsonl.gz", gzip.compress(b'{"v":1,"seq":1,"timestamp":"2026-01-01T00:00:00Z","action":"click"}\n', mtime=0)),
], ids=["jsonl", "jsonl.gz"])
def test_plaintext_file_dropped_in_is_refused(rec_dir, name, content):
    out, rec, segs = rec_dir
    (segs[0].parent / name).write_bytes(content)
    with pytest.raises(DecryptionError, match="plaintext file inside an encrypted recording"):
        _read(out)


def test_deleted_segment_is_refused(rec_dir):
    out, rec, segs = rec_dir
    segs[1].unlink()
    with pytest.raises(DecryptionError, match="missing: it was deleted"):
        _read(out)


def test_swapped_segments_are_refused(rec_dir):
    out, rec, segs = rec_dir
    tmp = segs[0].with_name("x")
    segs[0].rename(tmp)
    segs[1].rename(segs[0])
    tmp.rename(segs[1])
    with pytest.raises(DecryptionError, match="segment mismatch"):
        _read(out)


def test_replayed_segment_is_refused(rec_dir):
    out, rec, segs = rec_dir
    shutil.copyfile(segs[0], segs[2])
    with pytest.raises(DecryptionError, match="segment mismatch"):
        _read(out)


def test_transplanted_segment_from_another_recording_is_refused(rec_dir, tmp_path):
    out, rec, segs = rec_dir
    other = _record(tmp_path / "other")  # same key, same session layout
    theirs = sorted((tmp_path / "other" / other.session).glob("segment-*.jsonl.enc"))
    shutil.copyfile(theirs[0], segs[0])
    with pytest.raises(DecryptionError, match="segment mismatch"):
        _read(out)


def test_unlisted_segment_is_refused(rec_dir):
    out, rec, segs = rec_dir
    shutil.copyfile(segs[0], segs[0].with_name("segment-000050.jsonl.enc"))
    with pytest.raises(DecryptionError, match="not listed"):
        _read(out)


@pytest.mark.parametrize("how", ["reorder", "duplicate", "drop_last_data", "drop_final", "from_other_segment"])
def test_chunk_manipulations_are_refused(rec_dir, how):
    out, rec, segs = rec_dir
    target = max(segs, key=lambda p: len(_lines(p)))  # the segment with the most chunks
    other = next(p for p in segs if p != target)
    lines = _lines(target)
    header, chunks, final, end = lines[0], lines[1:-2], lines[-2], lines[-1]
    assert len(chunks) >= 2 and end == b""
    if how == "reorder":
        chunks[0], chunks[1] = chunks[1], chunks[0]
        new = [header, *chunks, final, end]
    elif how == "duplicate":
        new = [header, chunks[0], *chunks, final, end]
    elif how == "drop_last_data":
        new = [header, *chunks[:-1], final, end]
    elif how == "drop_final":
        new = [header, *chunks, end]
    else:
        new = [header, _lines(other)[1], *chunks[1:], final, end]
    target.write_bytes(b"\n".join(new))
    with pytest.raises(DecryptionError):
        _read(out)


def test_edited_manifest_is_refused(rec_dir):
    out, rec, segs = rec_dir
    m = json.loads((out / "manifest.json").read_text())
    m["sessions"][0]["segments"].pop(1)  # hide a deletion
    segs[1].unlink()
    (out / "manifest.json").write_text(json.dumps(m))
    with pytest.raises(DecryptionError, match="manifest failed authentication"):
        _read(out)
    del m["auth"]
    (out / "manifest.json").write_text(json.dumps(m))
    with pytest.raises(DecryptionError, match="not authenticated"):
        _read(out)


@pytest.mark.parametrize("stop", ["null", "absent"])
def test_a_session_killed_between_segments_is_read_with_a_note(rec_dir, stop):
    out, rec, segs = rec_dir
    m = json.loads((out / "manifest.json").read_text())
    # killed after closing its last segment: every segment closed, no stop (the recorder writes
    # "stop": null when the session starts; an edited or older manifest may lack the key)
    if stop == "null":
        m["sessions"][0]["stop"] = None
    else:
        del m["sessions"][0]["stop"]
    write_manifest(out, m, auth_key=KEY)
    ev, q = _read(out)
    assert len(ev) == rec.stats["records_written"]
    notes = q[q["reason"].str.contains("did not end cleanly")]
    assert len(notes) == 1 and Path(notes["file"].iloc[0]).name == "manifest.json"
    assert rec.session in notes["reason"].iloc[0]


def test_a_cleanly_stopped_recording_has_no_note(rec_dir):
    out, _, _ = rec_dir
    _, q = _read(out)
    assert len(q) == 0, q["reason"].tolist()


def test_empty_segment_is_skipped_with_a_note(rec_dir):
    out, rec, segs = rec_dir
    m = json.loads((out / "manifest.json").read_text())
    name = f"{rec.session}/segment-000099.jsonl.enc"
    m["sessions"][0]["segments"].append(name)  # as the recorder lists a segment before creating it
    write_manifest(out, m, auth_key=KEY)
    (out / name).write_bytes(b"")
    ev, q = _read(out)
    assert len(ev) == rec.stats["records_written"]
    assert q["reason"].str.contains("empty segment").sum() == 1


_CRASH = textwrap.dedent("""
    import sys, time
    from taskmining.recorder.backends.base import Backend, BackendStatus, Observation
    from taskmining.recorder.session import Recorder

    class Stream(Backend):
        name = "stream"
        @classmethod
        def check(cls): return BackendStatus("stream", True, "scripted")
        def start(self, emit, context):
            import threading
            def run():
                i = 0
                while True:
                    emit(Observation("click", 1.78e9 + i, app="gedit", title="doc", button=1, x=1, y=1,
                                     element_role="button", element_name="Save", source="atspi"))
                    i += 1
                    time.sleep(0.002)
            threading.Thread(target=run, daemon=True).start()
        def stop(self): pass

    rec = Recorder(sys.argv[1], allow=["gedit"], backends=[Stream()], salt=b"encrypt-test-salt",
                   encrypt_key=bytes(range(32)), segment_bytes=8192, flush_interval=0.02)
    rec.start()
    print("started", flush=True)
    time.sleep(60)
""")


def test_kill_9_crash_is_read_with_a_note(tmp_path):
    out = tmp_path / "crash"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    proc = subprocess.Popen([sys.executable, "-c", _CRASH, str(out)], stdout=subprocess.PIPE, env=env)
    try:
        assert proc.stdout.readline().strip() == b"started"
        time.sleep(1.5)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    segs = sorted(out.rglob("segment-*.jsonl.enc"))
    assert len(segs) >= 2
    ev, q = _read(out)
    assert len(ev) > 100
    notes = q["reason"].tolist()
    # only the last segment was open: it did not end cleanly, or (killed right after it was
    # created, which happens under load) it is still empty, or (killed after closing a segment,
    # before opening the next) every segment is closed and the manifest has no stop
    open_notes = q[q["reason"].str.contains("did not end cleanly|empty segment")]
    assert len(open_notes) == 1, notes
    assert Path(open_notes["file"].iloc[0]).name in (segs[-1].name, "manifest.json"), (open_notes, segs[-1])
    assert all("did not end cleanly" in r or "empty segment" in r or "cut short" in r or "chunk" in r
               or "never created" in r for r in notes), notes


def test_removed_or_downgraded_manifest_is_refused(rec_dir):
    out, rec, segs = rec_dir
    m = json.loads((out / "manifest.json").read_text())
    m["privacy"]["encrypted"] = False  # claim a plaintext recording to skip the checks
    del m["auth"]
    (out / "manifest.json").write_text(json.dumps(m))
    segs[1].unlink()
    with pytest.raises(DecryptionError, match="without its authenticated manifest"):
        _read(out)
    (out / "manifest.json").unlink()
    with pytest.raises(DecryptionError, match="without its authenticated manifest"):
        _read(out)
