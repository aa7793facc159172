"""``taskmining record --check``: which capture backends work here, and why not.

Examples
--------
>>> text, ok = check_report()
>>> text.splitlines()[0]
'taskmining recorder check'
"""

from __future__ import annotations

import sys

from taskmining.recorder.backends.base import BackendStatus, check_backends

__all__ = ["check_report"]


def check_report() -> tuple[str, bool]:
    """The report text and whether recording can work here (a platform backend is available)."""
    statuses: list[BackendStatus] = check_backends()
    lines = ["taskmining recorder check", f"platform: {sys.platform}"]
    lines += ["  " + s.line() for s in statuses]
    by = {s.name: s for s in statuses}
    platform_backend = "uia" if sys.platform == "win32" else "x11"
    ok = by[platform_backend].available
    if ok:
        extra = []
        if platform_backend == "x11" and not by["atspi"].available:
            extra.append("elements are not named (no AT-SPI)")
        if not by["ocr"].available:
            extra.append("no OCR fallback")
        lines.append("recording works here" + (f" ({'; '.join(extra)})" if extra else ""))
    else:
        lines.append(f"recording does not work here: {by[platform_backend].reason}")
    return "\n".join(lines), ok
