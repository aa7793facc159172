"""Start and stop a throw-away desktop: Xvfb + openbox + session bus + AT-SPI bus.

Each :class:`Desktop` gets its own display number, its own ``XDG_RUNTIME_DIR``
and its own session bus (two runs sharing the accessibility bus socket make
the AT-SPI client abort), so parallel test runs do not meet.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
#: The program name each test app runs as (the allowlist matches programs, not WM_CLASS).
PROGRAMS = {"gtk_app": "tmgtk", "qt_app": "tmqt", "plain_app": "tmplain", "pin_app": "tmpin"}
TOOLS = ("Xvfb", "openbox", "dbus-daemon", "xdotool", "xprop")
BUS_LAUNCHER = next((p for p in ("/usr/libexec/at-spi-bus-launcher", "/usr/lib/at-spi2-core/at-spi-bus-launcher",
                                 "/usr/lib/at-spi2/at-spi-bus-launcher") if os.path.exists(p)), None)


def missing_parts() -> list[str]:
    """System parts this harness needs that are not installed."""
    out = [t for t in TOOLS if shutil.which(t) is None]
    if BUS_LAUNCHER is None:
        out.append("at-spi-bus-launcher (at-spi2-core)")
    try:
        import Xlib  # noqa: F401
    except ImportError:
        out.append("python-xlib")
    try:
        import gi
        gi.require_version("Atspi", "2.0")
        gi.require_version("Gtk", "3.0")
    except (ImportError, ValueError):
        out.append("PyGObject with Atspi 2.0 and Gtk 3.0 typelibs")
    return out


def _free_display() -> int:
    for n in range(90 + os.getpid() % 200, 600):
        if not os.path.exists(f"/tmp/.X11-unix/X{n}") and not os.path.exists(f"/tmp/.X{n}-lock"):
            return n
    raise RuntimeError("no free X display number")


def _wait(cond, timeout: float, what: str) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return
        time.sleep(0.05)
    raise RuntimeError(f"timed out waiting for {what}")


class Desktop:
    """A running virtual desktop; :attr:`env` is the environment for its clients."""

    def __init__(self, width: int = 1280, height: int = 800) -> None:
        self.width, self.height = width, height
        self.procs: list[subprocess.Popen] = []
        self.runtime = tempfile.mkdtemp(prefix="tm-xdg-")
        os.chmod(self.runtime, 0o700)
        self.display = -1
        self.env: dict[str, str] = {}

    def start(self) -> Desktop:
        for _ in range(5):
            self.display = _free_display()
            xvfb = subprocess.Popen(["Xvfb", f":{self.display}", "-screen", "0", f"{self.width}x{self.height}x24",
                                     "-nolisten", "tcp", "-noreset"], stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL)
            try:
                _wait(lambda: os.path.exists(f"/tmp/.X11-unix/X{self.display}") or xvfb.poll() is not None, 10,
                      "Xvfb")
            except RuntimeError:
                xvfb.kill()
                continue
            if xvfb.poll() is None:
                self.procs.append(xvfb)
                break
        else:
            raise RuntimeError("Xvfb did not start")
        env = {k: v for k, v in os.environ.items() if k not in ("DBUS_SESSION_BUS_ADDRESS", "AT_SPI_BUS_ADDRESS",
                                                               "WAYLAND_DISPLAY", "SESSION_MANAGER")}
        env.update(DISPLAY=f":{self.display}", XDG_RUNTIME_DIR=self.runtime, NO_AT_BRIDGE="0",
                   GTK_A11Y="atspi", QT_LINUX_ACCESSIBILITY_ALWAYS_ON="1", QT_ACCESSIBILITY="1",
                   QT_QPA_PLATFORM="xcb", GDK_BACKEND="x11", HOME=env.get("HOME", self.runtime),
                   XDG_SESSION_TYPE="x11", LIBGL_ALWAYS_SOFTWARE="1")
        bus = subprocess.Popen(["dbus-daemon", "--session", "--nofork", "--print-address=1",
                                f"--address=unix:path={self.runtime}/bus"], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, env=env, text=True)
        self.procs.append(bus)
        addr = bus.stdout.readline().strip()
        if not addr:
            raise RuntimeError("dbus-daemon did not start")
        env["DBUS_SESSION_BUS_ADDRESS"] = addr
        self.env = env
        # the accessibility bus (at-spi-bus-launcher also registers AT_SPI_BUS on the root window)
        self.procs.append(subprocess.Popen([BUS_LAUNCHER, "--launch-immediately"], env=env,
                                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        _wait(lambda: "AT_SPI_BUS" in self.xprop_root("AT_SPI_BUS"), 10, "the AT-SPI bus")
        self.procs.append(subprocess.Popen(["openbox", "--sm-disable"], env=env, stdout=subprocess.DEVNULL,
                                           stderr=subprocess.DEVNULL))
        _wait(lambda: "window id" in self.xprop_root("_NET_SUPPORTING_WM_CHECK"), 15, "openbox")
        return self

    def xprop_root(self, prop: str) -> str:
        r = subprocess.run(["xprop", "-root", prop], env=self.env or {**os.environ, "DISPLAY": f":{self.display}"},
                           capture_output=True, text=True, timeout=10)
        return r.stdout

    def run(self, *args: str, check: bool = True, timeout: float = 20) -> str:
        """Run a client command (xdotool, xprop, ...) on this desktop."""
        r = subprocess.run(list(args), env=self.env, capture_output=True, text=True, timeout=timeout)
        if check and r.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed: {r.stderr.strip()}")
        return r.stdout.strip()

    def launch(self, app: str, *args: str, program: str | None = None) -> subprocess.Popen:
        """Start one of the test apps in ``tests/desktop`` (``gtk_app``, ``qt_app``, ``plain_app``).

        The app runs as the program ``program`` (default: its application name, the first argument
        or :data:`PROGRAMS`): a script of that name, which is what the recorder's allowlist matches.
        """
        name = program or (args[0] if args else PROGRAMS.get(app, app))
        script = Path(self.runtime) / "programs" / f"{name}.py"
        script.parent.mkdir(exist_ok=True)
        if not script.exists():
            script.symlink_to(HERE / f"{app}.py")
        p = subprocess.Popen([sys.executable, str(script), *args], env=self.env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.procs.append(p)
        return p

    def wait_window(self, name: str, timeout: float = 20) -> str:
        """The X window id of the first visible window whose title matches ``name``."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            r = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", name], env=self.env,
                               capture_output=True, text=True)
            ids = r.stdout.split()
            if ids:
                return ids[0]
            time.sleep(0.1)
        raise RuntimeError(f"window {name!r} did not appear")

    def activate(self, wid: str) -> None:
        self.run("xdotool", "windowactivate", "--sync", wid, check=False)
        time.sleep(0.2)

    def click(self, wid: str, x: int, y: int, button: int = 1) -> None:
        """Click at (x, y) relative to the client window (decoration offsets handled by xdotool)."""
        self.run("xdotool", "mousemove", "--window", wid, str(x), str(y), "click", str(button))
        time.sleep(0.05)

    def stop(self) -> None:
        for p in reversed(self.procs):
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in reversed(self.procs):
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                p.kill()
        self.procs.clear()
        shutil.rmtree(self.runtime, ignore_errors=True)

    def __enter__(self) -> Desktop:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
