"""Windows backend (UI Automation): placeholder until the translation layer lands."""

from __future__ import annotations

import sys

from taskmining.errors import RecorderError
from taskmining.recorder.backends.base import Backend, BackendStatus

__all__ = ["UIABackend"]


class UIABackend(Backend):
    """UI Automation capture on Windows."""

    name = "uia"

    @classmethod
    def check(cls) -> BackendStatus:
        if sys.platform != "win32":
            return BackendStatus("uia", False, f"Windows only (this is {sys.platform})")
        return BackendStatus("uia", False, "not implemented yet")

    def start(self, emit, context):  # type: ignore[no-untyped-def]
        raise RecorderError(f"uia backend: {self.check().reason}")

    def stop(self) -> None:
        pass
