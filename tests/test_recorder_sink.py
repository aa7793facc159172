"""Finding 8: the sink on a real full disk (a size-limited tmpfs) and with a vanishing or replaced folder.

Every record emitted is accounted for exactly: on disk (``records_written``),
or counted as dropped or lost; the counts never claim a record that is not
on disk.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
import time
import uuid
import warnings
from pathlib import Path

import pytest
from syspart import require

from taskmining import read_events
from taskmining.errors import RecorderError
from taskmining.recorder.backends.base import Backend, BackendStatus, Observation
from taskmining.recorder.session import Recorder

SALT = b"sink-test-salt-01"
T0 = 1.78e9


class Stream(Backend):
    """Emits ``n`` clicks, one every ``gap`` seconds, from its own thread; ``hook(i)`` runs before each."""

    name = "stream"

    def __init__(self, n: int, gap: float = 0.002, hook=None, name_pad: int = 200) -> None:
        self.n, self.gap, self.hook, self.pad = n, gap, hook, "x" * name_pad
        self.done = threading.Event()

    @classmethod
    def check(cls) -> BackendStatus:
        return BackendStatus("stream", True, "scripted")

    def start(self, emit, context) -> None:
        def run() -> None:
            for i in range(self.n):
                if self.hook is not None:
                    self.hook(i)
                emit(Observation("click", T0 + i * 0.01, app="gedit", title=f"doc {i % 7}", button=1, x=i, y=i,
                                 element_role="button", element_name=f"Save {i % 13} {self.pad}", source="atspi"))
                time.sleep(self.gap)
            self.done.set()
        self._t = threading.Thread(target=run, daemon=True)
        self._t.start()

    def stop(self) -> None:
        self._t.join(30)


def _clicks_on_disk(out: Path) -> int:
    if not any(out.rglob("segment-*")):
        return 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ev = read_events(out, progress=False)
    return int((ev["action"] == "click").sum())


@pytest.fixture
def small_disk(tmp_path):
    """A real filesystem of 1 MiB (tmpfs); needs the right to mount (root)."""
    mnt = tmp_path / "disk"
    mnt.mkdir()
    ok = os.geteuid() == 0 and shutil.which("mount") is not None and subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mnt)], capture_output=True).returncode == 0
    require(ok, "cannot mount a small tmpfs (needs root) to make a real full disk")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def _fill(mnt: Path, leave: int) -> Path:
    """Fill the filesystem so that about ``leave`` bytes stay free; returns the filler file."""
    filler = mnt / f"filler-{uuid.uuid4().hex}"
    st = os.statvfs(mnt)
    free = st.f_bavail * st.f_frsize
    with open(filler, "wb") as f:
        f.write(b"\0" * max(free - leave, 0))
    try:
        with open(filler, "ab") as f:  # top up whatever rounding left
            while os.statvfs(mnt).f_bavail * os.statvfs(mnt).f_frsize > leave + 4096:
                f.write(b"\0" * 4096)
                f.flush()
    except OSError:
        pass
    return filler


def test_full_disk_during_recording_and_at_stop_is_counted_exactly(small_disk):
    out = small_disk / "rec"
    n = 1500
    rec = Recorder(out, allow=["gedit"], backends=[Stream(n, gap=0.001)], salt=SALT, flush_interval=0.02,
                   queue_size=400)
    rec.start()
    _fill(small_disk, leave=40_000)  # the disk fills up a few hundred records into the run
    rec._backends[0].done.wait(30)
    stats = rec.stop()
    on_disk = _clicks_on_disk(out)
    notes = stats["records_written"] - on_disk  # write_failed / queue_overflow records
    assert stats["records_dropped"] > 0, stats  # the disk was really full
    assert on_disk + stats["records_dropped"] == n, (on_disk, stats["records_dropped"])
    assert notes >= 0
    empty = [p for p in out.rglob("segment-*") if p.stat().st_size == 0]
    assert empty == []  # retries did not leave one empty segment per second
    assert any(f["fault"] in ("write_failed", "unwritten_at_stop") for f in stats["faults"])


def test_start_on_a_full_disk_is_a_recorder_error_without_temp_files(small_disk):
    _fill(small_disk, leave=0)
    out = small_disk / "rec"
    out.mkdir()
    rec = Recorder(out, allow=["gedit"], backends=[Stream(1)], salt=SALT)
    with pytest.raises(RecorderError, match="cannot write"):
        rec.start()
    assert [p.name for p in out.iterdir() if p.name.startswith(".manifest")] == []


def test_vanished_folder_is_detected_and_nothing_is_claimed(tmp_path):
    out = tmp_path / "rec"
    n = 600
    holder: dict[str, Recorder] = {}

    def vanish(i: int) -> None:
        if i == 300:
            time.sleep(0.1)  # let the first half reach the disk
            shutil.rmtree(out / holder["rec"].session)

    rec = Recorder(out, allow=["gedit"], backends=[Stream(n, hook=vanish)], salt=SALT, flush_interval=0.02)
    holder["rec"] = rec
    with rec:
        rec._backends[0].done.wait(30)
    stats = rec.stats
    assert stats["records_lost"] >= 250  # the records of the deleted segments, counted
    assert stats["records_written"] == _clicks_on_disk(out) == 0  # nothing claimed that is not on disk
    assert stats["records_written"] + stats["records_lost"] + stats["records_dropped"] == n
    assert not (out / rec.session).exists()  # no records written into a recreated folder
    m = json.loads((out / "manifest.json").read_text())
    entry = next(s for s in m["sessions"] if s["session"] == rec.session)
    assert entry["records"] == 0 and entry["lost"] == stats["records_lost"]
    assert any(f["fault"] == "folder_gone" for f in stats["faults"])


def test_replaced_folder_receives_nothing(tmp_path):
    out = tmp_path / "rec"
    n = 400
    holder: dict[str, Recorder] = {}
    elsewhere = tmp_path / "attacker"
    elsewhere.mkdir()

    def replace(i: int) -> None:
        if i == 200:
            time.sleep(0.1)
            session = out / holder["rec"].session
            session.rename(tmp_path / "moved")
            session.symlink_to(elsewhere, target_is_directory=True)

    rec = Recorder(out, allow=["gedit"], backends=[Stream(n, hook=replace)], salt=SALT, flush_interval=0.02)
    holder["rec"] = rec
    with rec:
        rec._backends[0].done.wait(30)
    stats = rec.stats
    assert list(elsewhere.iterdir()) == []  # not one record redirected
    assert stats["records_written"] == 0 and stats["records_lost"] > 0  # the moved segments no longer count
    assert stats["records_written"] + stats["records_lost"] + stats["records_dropped"] == n


def test_output_root_replaced_by_a_symlink_receives_not_even_the_manifest(tmp_path):
    out = tmp_path / "rec"
    elsewhere = tmp_path / "attacker"
    elsewhere.mkdir()

    def replace(i: int) -> None:
        if i == 200:
            time.sleep(0.1)
            out.rename(tmp_path / "moved")
            out.symlink_to(elsewhere, target_is_directory=True)

    rec = Recorder(out, allow=["gedit"], backends=[Stream(400, hook=replace)], salt=SALT, flush_interval=0.02)
    with rec:
        rec._backends[0].done.wait(30)
    stats = rec.stats
    assert list(elsewhere.iterdir()) == []  # no record and no manifest (pseudonym, allowlist) redirected
    assert stats["records_written"] == 0 and not rec.manifest_written
    assert any(f["fault"] == "manifest" for f in stats["faults"])
