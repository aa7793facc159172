"""Recorder faults without a desktop: no X server, no accessibility bus, failing lookups, the CLI."""

from __future__ import annotations

import subprocess
import sys

import pytest

from taskmining.cli import main
from taskmining.errors import RecorderError
from taskmining.recorder.backends.base import FaultLog, check_backends
from taskmining.recorder.backends.x11 import X11Backend
from taskmining.recorder.session import Recorder

SALT = b"faults-test-salt"


def test_x11_check_without_display(monkeypatch):
    monkeypatch.delenv("DISPLAY", raising=False)
    st = X11Backend.check()
    assert not st.available and "no DISPLAY" in st.reason
    monkeypatch.setenv("DISPLAY", ":4711")
    st = X11Backend.check()
    assert not st.available and ":4711" in st.reason


def test_recorder_without_x_server_says_why(tmp_path, monkeypatch):
    monkeypatch.setenv("DISPLAY", ":4711")
    rec = Recorder(tmp_path, allow=["gedit"], backends=["x11"], salt=SALT)
    with pytest.raises(RecorderError, match="no capture backend could start.*cannot open display :4711"):
        rec.start()
    assert (tmp_path / "manifest.json").exists()  # the failed start is documented, not silent


def test_check_backends_never_raises(monkeypatch):
    monkeypatch.setenv("DISPLAY", ":4711")
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    names = {s.name: s for s in check_backends()}
    assert set(names) == {"x11", "atspi", "ocr", "uia"}
    assert not names["uia"].available and "Windows" in names["uia"].reason


def test_cli_check_exit_code_and_report(monkeypatch, capsys):
    monkeypatch.setenv("DISPLAY", ":4711")
    code = main(["record", "--check"])
    out = capsys.readouterr().out
    assert code == 2 and "recording does not work here" in out and "x11" in out


def test_cli_empty_allowlist_is_an_error(tmp_path, capsys):
    code = main(["record", "--out", str(tmp_path / "r"), "--salt-file", str(tmp_path / "salt")])
    err = capsys.readouterr().err
    assert code == 2 and "allowlist is empty" in err
    assert not (tmp_path / "r").exists()
    assert main(["record", "--allow", "x"]) == 1  # --out missing


def test_cli_bad_key_file(tmp_path, capsys):
    (tmp_path / "k").write_text("short")
    code = main(["record", "--out", str(tmp_path / "r"), "--allow", "x", "--encrypt-key-file", str(tmp_path / "k")])
    assert code == 1 and "encrypt key file" in capsys.readouterr().err


def test_fault_log_logs_each_fault_once(caplog):
    f = FaultLog()
    with caplog.at_level("WARNING", logger="taskmining.recorder"):
        for _ in range(5):
            f("atspi_lookup", "AT-SPI element lookup failed (timeout)")
    assert len(caplog.records) == 1 and f.faults[0]["count"] == 5


class _Boom:
    """An Atspi stand-in whose every D-Bus call fails like a vanished application or a timeout."""

    class CoordType:
        SCREEN = 0

    class StateType:
        FOCUSED = ACTIVE = SHOWING = 0

    @staticmethod
    def get_desktop(i):
        raise TimeoutError("Timeout was reached")


def test_atspi_lookup_failure_is_absorbed():
    pytest.importorskip("gi")
    from taskmining.recorder.backends.atspi import AtspiLookup
    faults = FaultLog()
    look = AtspiLookup.__new__(AtspiLookup)
    look.Atspi, look.timeout, look._fault, look._apps = _Boom, 0.1, faults, {}
    assert look.element_at(1234, 10, 10, "title") is None
    assert look.focused(1234) is None
    assert faults.faults and "Timeout" in faults.faults[0]["message"]


def test_recorder_process_never_crashes_on_sigterm_without_display(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "DISPLAY": ":4711"}
    r = subprocess.run([sys.executable, "-m", "taskmining", "record", "--out", str(tmp_path / "r"), "--allow", "x",
                        "--salt-file", str(tmp_path / "salt")], env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "cannot open display" in r.stderr
