"""The small interface every capture backend implements.

A backend observes the desktop and calls ``emit(Observation)``; it never
writes, hashes or filters itself: the recorder's privacy filter
(:mod:`taskmining.recorder.filter`) does that for every backend alike. A
backend may use ``context.allow`` to skip expensive lookups (element, OCR)
for windows that will be dropped anyway.

Examples
--------
>>> obs = Observation(kind="click", timestamp=0.0, app="gedit", title="notes", x=5, y=7, button=1)
>>> obs.kind, obs.element_role
('click', None)
>>> BACKENDS.names()
['x11', 'atspi', 'ocr', 'uia']
"""

from __future__ import annotations

import logging
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from taskmining._registry import Registry
from taskmining.errors import ParameterError, RecorderError
from taskmining.privacy.allowlist import Allowlist

__all__ = ["Observation", "BackendStatus", "BackendContext", "Backend", "FaultLog", "BACKENDS",
           "load_backend", "check_backends"]

log = logging.getLogger("taskmining.recorder")

#: Observation kinds a backend reports.
KINDS = ("click", "key", "window", "scroll", "clipboard")


@dataclass
class Observation:
    """One thing a backend saw, before any privacy rule.

    Attributes
    ----------
    kind : {"click", "key", "window", "scroll", "clipboard"}
    timestamp : float
        Unix seconds (UTC) of the action.
    app, title : str, optional
        Normalised application name and the raw window title.
    button, x, y, clicks : int
        Mouse button (1 left, 2 middle, 3 right), screen position, click count.
    key, modifiers : str, frozenset
        Key name (X keysym style) and held modifiers (``ctrl``, ``alt``, ``shift``, ``super``).
    text : str, optional
        Typed character or clipboard content (hashed unless ``keep_text``).
    clipboard_action : {"copy", "cut", "paste"}, optional
    element_role, element_name, element_id : str, optional
        The UI element (role in schema vocabulary where known).
    element_states : tuple of str
    is_password : bool
        The element is a password field: the observation is never written.
    source : str
        ``x11``, ``atspi``, ``ocr``, ``uia``.
    raw_action : str
        The backend's own event name.
    attrs : dict
        Anything else (pid, window id, element path, OCR confidence, ...).
    """

    kind: str
    timestamp: float
    app: str | None = None
    title: str | None = None
    button: int | None = None
    x: int | None = None
    y: int | None = None
    clicks: int = 1
    key: str | None = None
    modifiers: frozenset[str] = frozenset()
    text: str | None = None
    clipboard_action: str | None = None
    element_role: str | None = None
    element_name: str | None = None
    element_id: str | None = None
    element_states: tuple[str, ...] = ()
    is_password: bool = False
    source: str = "x11"
    raw_action: str | None = None
    attrs: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class BackendStatus:
    """Whether a backend works here and, if not, why (for ``taskmining record --check``).

    Examples
    --------
    >>> BackendStatus("x11", False, "no DISPLAY").line()
    'x11     missing  no DISPLAY'
    """

    name: str
    available: bool
    reason: str

    def line(self) -> str:
        """One line for the check report."""
        return f"{self.name:<7} {'ok' if self.available else 'missing':<8} {self.reason}"


class FaultLog:
    """Logs each kind of fault once, with its cause, and keeps them for the manifest.

    Examples
    --------
    >>> f = FaultLog(); f("atspi", "bus gone"); f("atspi", "bus gone again")
    >>> f.faults
    [{'fault': 'atspi', 'message': 'bus gone', 'count': 2}]
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seen: dict[str, dict[str, Any]] = {}

    def __call__(self, key: str, message: str) -> None:
        with self._lock:
            entry = self._seen.get(key)
            if entry is not None:
                entry["count"] += 1
                return
            self._seen[key] = {"fault": key, "message": message, "count": 1}
        log.warning("taskmining recorder: %s", message)

    @property
    def faults(self) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(v) for v in self._seen.values()]


@dataclass
class BackendContext:
    """What the recorder tells a backend when starting it."""

    allow: Allowlist
    ocr: str = "auto"
    screenshots: bool = False
    keep_text: bool = False
    lookup_timeout: float = 1.0
    fault: Callable[[str, str], None] = field(default_factory=FaultLog)
    screenshot_dir: str | None = None
    encrypt_key: bytes | None = None


class Backend(ABC):
    """Capture backend interface.

    Subclasses set :attr:`name`, implement :meth:`check` (a classmethod that
    never raises), :meth:`start` (non-blocking: start threads, then return)
    and :meth:`stop` (idempotent; joins the threads).
    """

    name: str = "base"

    @classmethod
    @abstractmethod
    def check(cls) -> BackendStatus:
        """Whether the backend can run here, and why not."""

    @abstractmethod
    def start(self, emit: Callable[[Observation], None], context: BackendContext) -> None:
        """Start capturing; call ``emit`` for every observation (from any thread)."""

    @abstractmethod
    def stop(self) -> None:
        """Stop capturing and release every resource."""


def _has_check(obj: Any, name: str) -> type:
    if not (isinstance(obj, type) and callable(getattr(obj, "check", None))):
        raise ParameterError(f"backend {name!r} must be a class with a check() method, got {obj!r}")
    return obj


#: Capture backends and the lookups they use, by name: "module:Class", imported on
#: first use; third-party ones through the ``taskmining.backends`` entry-point group.
#: Every entry has a ``check() -> BackendStatus``; only :class:`Backend` subclasses
#: can be started by the recorder (``atspi`` and ``ocr`` serve the x11 backend).
BACKENDS: Registry[Any] = Registry("backend", group="taskmining.backends", check=_has_check,
                                    load_error=RecorderError, builtins={
    "x11": "taskmining.recorder.backends.x11:X11Backend",
    "atspi": "taskmining.recorder.backends.atspi:AtspiLookup",
    "ocr": "taskmining.recorder.backends.ocr:OCRReader",
    "uia": "taskmining.recorder.backends.uia:UIABackend",
})


def load_backend(name: str) -> type[Backend]:
    """The capture backend class registered as ``name``.

    Examples
    --------
    >>> load_backend("x11").__name__
    'X11Backend'
    >>> load_backend("mac")
    Traceback (most recent call last):
    ...
    taskmining.errors.ParameterError: unknown backend 'mac'; known: x11, atspi, ocr, uia
    >>> load_backend("atspi")
    Traceback (most recent call last):
    ...
    taskmining.errors.ParameterError: backend 'atspi' is not a capture backend (it serves another backend)
    """
    cls = BACKENDS.get(name)
    if not issubclass(cls, Backend):
        raise ParameterError(f"backend {name!r} is not a capture backend (it serves another backend)")
    return cls


def check_backends() -> list[BackendStatus]:
    """The :class:`BackendStatus` of every registered backend and lookup, never raising.

    Examples
    --------
    >>> [s.name for s in check_backends()]
    ['x11', 'atspi', 'ocr', 'uia']
    """
    out = []
    for name in BACKENDS.names():
        try:
            out.append(BACKENDS.get(name).check())
        except Exception as exc:  # noqa: BLE001 - a broken plug-in is reported, not raised
            out.append(BackendStatus(name, False, f"{type(exc).__name__}: {exc}"))
    return out
