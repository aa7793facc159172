"""Capture backends: X11 (+ AT-SPI, OCR) on Linux, UI Automation on Windows.

Every backend implements :class:`~taskmining.recorder.backends.base.Backend`
and reports :class:`~taskmining.recorder.backends.base.Observation` objects;
the recorder applies the privacy rules to them before anything is written.
"""

from __future__ import annotations

from taskmining.recorder.backends.base import (
    BACKENDS,
    Backend,
    BackendContext,
    BackendStatus,
    Observation,
    check_backends,
    load_backend,
)

__all__ = ["BACKENDS", "Backend", "BackendContext", "BackendStatus", "Observation", "check_backends",
           "load_backend"]
