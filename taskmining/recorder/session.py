"""``Recorder``: one recording run, from backends through privacy to disk.

Examples
--------
A recorder with a scripted backend (real backends: ``"x11"`` on Linux,
``"uia"`` on Windows, chosen automatically by default):

>>> import tempfile
>>> from taskmining.recorder.backends.base import Backend, BackendStatus, Observation
>>> class Script(Backend):
...     name = "script"
...     @classmethod
...     def check(cls): return BackendStatus("script", True, "always")
...     def start(self, emit, context):
...         emit(Observation("click", 1.7e9, app="gedit", title="notes", button=1, x=1, y=2,
...                          element_role="button", element_name="Save", source="atspi"))
...     def stop(self): pass
>>> out = tempfile.mkdtemp()
>>> with Recorder(out, allow=["gedit"], backends=[Script()], salt=b"0123456789") as rec:
...     pass
>>> rec.stats["records_written"]
1
>>> import taskmining as tm
>>> tm.read_events(out, progress=False)["element_name"].tolist()
['Save']
"""

from __future__ import annotations

import os
import platform
import secrets
import socket
import sys
import threading
import time
from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from taskmining.errors import ParameterError, RecorderError
from taskmining.io.recording import finish_session, start_session
from taskmining.privacy.allowlist import Allowlist
from taskmining.privacy.hashing import as_salt, hash_value, load_salt
from taskmining.privacy.keyring import KeySet
from taskmining.recorder.backends.base import (
    Backend,
    BackendContext,
    FaultLog,
    Observation,
    load_backend,
)
from taskmining.recorder.config import RecorderConfig, parse_duration
from taskmining.recorder.filter import PrivacyFilter
from taskmining.recorder.sink import SegmentWriter, iso_utc

__all__ = ["Recorder", "default_backends", "new_session_id"]


def default_backends() -> list[str]:
    """Backend names for this platform: ``["uia"]`` on Windows, else ``["x11"]``.

    Examples
    --------
    >>> default_backends() in (["x11"], ["uia"])
    True
    """
    return ["uia"] if sys.platform == "win32" else ["x11"]


def new_session_id() -> str:
    """A session id: UTC start time and 64 random bits (nothing about the host or the user).

    Examples
    --------
    >>> a, b = new_session_id(), new_session_id()
    >>> a != b, len(a.rsplit("-", 1)[1])
    (True, 16)
    """
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
    return f"{stamp}-{secrets.token_hex(8)}"


class Recorder:
    """Record desktop work into a native recording folder, private by default.

    Parameters
    ----------
    out : path
        Recording folder (created). Segments go to ``out/<session>/``,
        ``manifest.json`` to ``out/``.
    allow : list of str
        Applications that may be recorded (required unless ``allow_title``).
    allow_title : list of str
        Regular expressions: windows whose title matches may be recorded.
    ocr : {"auto", "off"}
        Read the label under the click with Tesseract when the element has
        no accessible name (``auto``).
    screenshots : bool
        Keep screenshots of allowlisted windows on click (off by default).
    keep_text : bool
        Keep typed characters and clipboard text (off by default).
    encrypt_key : bytes, optional
        32-byte AES key: segments are encrypted (AES-GCM) at rest.
    duration : str or float, optional
        Stop after this long (``"8h"``, ``"30m"``, seconds).
    backends : "auto" or list of str or Backend
        Capture backends; ``"auto"`` picks the platform's.
    salt : bytes or str, optional
        The recording secret the pseudonym key and the link key are derived
        from (:class:`taskmining.privacy.KeySet`); default:
        :func:`taskmining.privacy.load_salt` (a per-machine secret, or
        ``$TASKMINING_SALT_FILE``).
    user : str, optional
        User id to pseudonymise; default: the login name.
    session : str, optional
        Session id; default: start time + 64 random bits (:func:`new_session_id`).
    **options
        :class:`~taskmining.recorder.config.RecorderConfig` fields
        (``segment_bytes``, ``segment_seconds``, ``queue_size``,
        ``flush_interval``, ``fsync_interval``, ``lookup_timeout``,
        ``afk_after``: seconds without input written as ``idle``/``afk``, default 300).

    Raises
    ------
    PrivacyError
        Without any allowlist entry.
    """

    def __init__(self, out: str | os.PathLike[str], *, allow: Iterable[str] = (), allow_title: Iterable[str] = (),
                 ocr: str = "auto", screenshots: bool = False, keep_text: bool = False,
                 encrypt_key: bytes | None = None, duration: str | float | None = None,
                 backends: str | Sequence[str | Backend] = "auto", salt: bytes | str | None = None,
                 user: str | None = None, session: str | None = None, **options: Any) -> None:
        allowlist = Allowlist(apps=list(allow), titles=list(allow_title))
        salt_bytes = as_salt(salt) if salt is not None else load_salt()
        self.config = RecorderConfig(allow=allowlist, salt=salt_bytes, ocr=ocr, screenshots=bool(screenshots),
                                     keep_text=bool(keep_text), encrypt_key=encrypt_key,
                                     duration=parse_duration(duration), **options)
        self.out = Path(out)
        self.keys = KeySet.derive(salt_bytes)
        self.user = self.keys.user(user or _login_name())
        self.session = session or new_session_id()
        if isinstance(backends, str):
            if backends != "auto":
                raise ParameterError(f"backends: expected 'auto' or a list, got {backends!r}")
            backends = default_backends()
        self._backend_specs = list(backends)
        self.faults = FaultLog()
        self._filter = PrivacyFilter(allowlist, self.keys, session=self.session, user=self.user,
                                     keep_text=self.config.keep_text, afk_after=self.config.afk_after)
        self._writer: SegmentWriter | None = None
        self._backends: list[Backend] = []
        self._stop = threading.Event()
        self._timer: threading.Timer | None = None
        self._started_at: float | None = None
        self._out_id: tuple[int, int] = (-1, -1)  # (device, inode) of the output folder at start
        self._stopped_at: float | None = None
        self._lock = threading.Lock()
        self.observations = 0
        self.manifest_written: bool | None = None

    # -- lifecycle -------------------------------------------------------------
    def start(self) -> Recorder:
        """Create the folder and manifest, start the writer and the backends.

        Raises
        ------
        RecorderError
            When the output folder cannot be created or written, or when no
            backend can start (the message says why; see ``--check``).
        """
        if self._started_at is not None:
            raise RecorderError("this recorder was already started; create a new Recorder")
        try:
            self.out.mkdir(parents=True, exist_ok=True)
            probe = self.out / f".write-test-{os.getpid()}"
            probe.write_bytes(b"")
            probe.unlink()
            st = os.stat(self.out)
            self._out_id = (st.st_dev, st.st_ino)
        except OSError as exc:
            raise RecorderError(f"output folder {self.out}: cannot write ({exc.strerror or exc})") from None
        self._started_at = time.time()
        cfg = self.config
        common = {
            "recorder_version": _version(), "host": hash_value(socket.gethostname(), self.keys.pseudonym),
            "platform": f"{platform.system()} {platform.release()}", "user": self.user,
            "allowlist": cfg.allow.to_dict(), "privacy": cfg.privacy_settings(),
        }
        try:
            manifest = start_session(self.out, common, {"session": self.session, "start": iso_utc(self._started_at),
                                                        "stop": None}, auth_key=cfg.encrypt_key)
        except OSError as exc:
            raise RecorderError(f"output folder {self.out}: cannot write the manifest "
                                f"({exc.strerror or exc}); nothing was recorded") from None
        self._writer = SegmentWriter(self.out, self.session, encrypt_key=cfg.encrypt_key,
                                     segment_bytes=cfg.segment_bytes, segment_seconds=cfg.segment_seconds,
                                     queue_size=cfg.queue_size, flush_interval=cfg.flush_interval,
                                     fsync_interval=cfg.fsync_interval, fault=self.faults,
                                     recording_id=manifest.get("recording_id"), on_segment=self._segments_changed)
        try:
            self._writer.start()
        except OSError as exc:
            raise RecorderError(f"output folder {self.out}: cannot create the session folder "
                                f"({exc.strerror or exc})") from None
        context = BackendContext(allow=cfg.allow, ocr=cfg.ocr, screenshots=cfg.screenshots,
                                 keep_text=cfg.keep_text, lookup_timeout=cfg.lookup_timeout, fault=self.faults,
                                 screenshot_dir=str(self.out / self.session / "screenshots"),
                                 encrypt_key=cfg.encrypt_key)
        errors = []
        for spec in self._backend_specs:
            backend = load_backend(spec)() if isinstance(spec, str) else spec
            try:
                backend.start(self._emit, context)
            except Exception as exc:  # a backend failing must not stop the others
                errors.append(f"{getattr(backend, 'name', spec)}: {exc}")
                self.faults(f"backend:{getattr(backend, 'name', spec)}", f"backend {spec} did not start: {exc}")
                continue
            self._backends.append(backend)
        if not self._backends:
            self._writer.stop()
            self._finish()
            raise RecorderError("no capture backend could start: " + "; ".join(errors)
                                + " (run `taskmining record --check`)")
        if cfg.duration is not None:
            self._timer = threading.Timer(cfg.duration, self._stop.set)
            self._timer.daemon = True
            self._timer.start()
        return self

    def wait(self, timeout: float | None = None) -> bool:
        """Block until ``duration`` has passed or :meth:`request_stop` was called; True when so."""
        return self._stop.wait(timeout)

    def request_stop(self) -> None:
        """Ask :meth:`wait` to return (safe from signal handlers and other threads)."""
        self._stop.set()

    def stop(self) -> dict[str, Any]:
        """Stop the backends, write what is queued, close segments, finish the manifest.

        Returns
        -------
        dict
            :attr:`stats`. Calling it twice is harmless.
        """
        if self._started_at is None or self._stopped_at is not None:
            return self.stats
        self._stop.set()
        if self._timer is not None:
            self._timer.cancel()
        for backend in self._backends:
            try:
                backend.stop()
            except Exception as exc:  # stopping must always finish the recording
                self.faults(f"stop:{backend.name}", f"backend {backend.name} did not stop cleanly: {exc}")
        now = time.time()
        assert self._writer is not None
        for rec in self._filter.close(now):
            self._writer.put(rec)
        self._writer.stop()
        self._stopped_at = now
        self._finish()
        return self.stats

    def _segments_changed(self, segments: list[str], closed: dict[str, int]) -> None:
        """Writer thread: list a new segment in the manifest before its file is created."""
        self._check_out()
        finish_session(self.out, self.session, {"segments": segments, "closed": closed},
                       auth_key=self.config.encrypt_key)

    def _check_out(self) -> None:
        """Raise OSError when the output folder is no longer the one created at start (moved, replaced
        by another folder or a symlink): the manifest is never written into someone else's folder."""
        st = os.stat(self.out)
        if (st.st_dev, st.st_ino) != self._out_id:
            raise OSError(f"the output folder {self.out} was replaced after the start")

    def _finish(self) -> None:
        w = self._writer
        fields: dict[str, Any] = {
            "stop": iso_utc(self._stopped_at or time.time()),
            "backends": [b.name for b in self._backends],
            "segments": list(w.segments) if w else [], "closed": dict(w.closed) if w else {},
            "records": w.records_written if w else 0, "dropped": w.records_dropped if w else 0,
            "lost": w.records_lost if w else 0, "clean_stop": self._stopped_at is not None,
        }
        try:
            self._check_out()
            finish_session(self.out, self.session, {**fields, "faults": self.faults.faults},
                           auth_key=self.config.encrypt_key)
            self.manifest_written = True
        except OSError as exc:
            self.manifest_written = False
            self.faults("manifest", f"cannot update the manifest in {self.out}: {exc.strerror or exc}")

    def __enter__(self) -> Recorder:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- capture path ----------------------------------------------------------
    def _emit(self, obs: Observation) -> None:
        """Called by backends from their threads: privacy filter, then the queue."""
        self.observations += 1
        try:
            records = self._filter.process(obs)
        except Exception as exc:  # a bad observation must never break capture
            self.faults("filter", f"an observation could not be processed ({type(exc).__name__}: {exc})")
            return
        writer = self._writer
        if writer is not None:
            for rec in records:
                writer.put(rec)

    @property
    def stats(self) -> dict[str, Any]:
        """Counts so far: observations, records written and dropped, faults."""
        w = self._writer
        return {
            "session": self.session, "observations": self.observations,
            "records_written": w.records_written if w else 0, "records_dropped": w.records_dropped if w else 0,
            "outside_allowlist_dropped": self._filter.dropped_outside,
            "password_dropped": self._filter.dropped_password, "segments": list(w.segments) if w else [],
            "records_lost": w.records_lost if w else 0, "manifest_written": self.manifest_written,
            "faults": self.faults.faults,
        }


def _login_name() -> str:
    for var in ("USER", "USERNAME", "LOGNAME"):
        if os.environ.get(var):
            return os.environ[var]
    try:
        return os.getlogin()
    except OSError:
        return f"uid-{os.getuid()}" if hasattr(os, "getuid") else "unknown"


def _version() -> str:
    from taskmining._version import __version__
    return __version__
