"""The values the UI Automation layer hands the UIA backend: an element and a window.

Kept apart from :mod:`~taskmining.recorder.backends.uia` so that the Windows
layer (:mod:`~taskmining.recorder.backends.uia_win32`) and the backend both
import them and neither imports the other at module level.

Examples
--------
>>> WindowFacts(hwnd=1, title="Book1 - Excel", pid=42, exe=r"C:\\Office\\EXCEL.EXE").title
'Book1 - Excel'
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["UIAElement", "WindowFacts"]


@dataclass(frozen=True)
class UIAElement:
    """The UIA properties the recorder reads from an element."""

    control_type: int
    name: str | None
    automation_id: str | None
    class_name: str | None
    process_id: int | None
    is_password: bool = False
    framework: str | None = None
    localized_type: str | None = None


@dataclass(frozen=True)
class WindowFacts:
    """A top-level window: handle, title, process id and executable path."""

    hwnd: int
    title: str | None
    pid: int | None
    exe: str | None
