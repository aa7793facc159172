"""The bundled recorder: capture desktop work into the native stream, private by default.

``Recorder(out, allow=[...]).start()`` / ``.stop()`` (or ``with Recorder(...)``),
CLI ``taskmining record``. See ``docs/recorder.md``.

Examples
--------
>>> from taskmining import recorder
>>> recorder.Recorder.__name__
'Recorder'
"""

from __future__ import annotations

from typing import Any

__all__ = ["Recorder", "check_backends"]


def __getattr__(name: str) -> Any:
    if name == "Recorder":
        from taskmining.recorder.session import Recorder
        return Recorder
    if name == "check_backends":
        from taskmining.recorder.backends.base import check_backends
        return check_backends
    raise AttributeError(f"module 'taskmining.recorder' has no attribute {name!r}")
