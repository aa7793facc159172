"""Which program owns a window: the process identity the allowlist is matched against.

Window properties such as ``WM_CLASS``, ``_NET_WM_PID`` or a title are set by
the client itself, so any program can claim any of them. The recorder
matches the allowlist against the *process*: its executable (from
``/proc/PID/exe``, owned by the kernel) and, for an interpreter (Python,
Perl, Ruby, Node, Java, a shell), the script it runs. The process must
belong to the recording user (a window of another user's program is never
recorded). The PID itself comes from the X server (X-Resource extension)
where available, not from the client-set ``_NET_WM_PID``.

What this cannot prevent: a program running as the same user can rewrite
its own command line (and could as well read the recorder's memory), so a
hostile program of the recording user is out of scope.

Examples
--------
>>> process_name("/usr/bin/gedit", ["gedit", "notes.txt"])
'gedit'
>>> process_name("/usr/bin/python3.11", ["python3", "-u", "/opt/tools/tmgtk.py", "x"])
'tmgtk'
>>> process_name("/usr/bin/python3.11", ["python3", "-m", "http.server"])
'http.server'
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

__all__ = ["ProcessInfo", "process_info", "process_name"]

_INTERPRETER = re.compile(r"^(?:python[0-9.]*|pypy[0-9.]*|perl[0-9.]*|ruby[0-9.]*|node|nodejs|java|"
                          r"(?:ba|da|z|k)?sh|wish[0-9.]*|tclsh[0-9.]*|php[0-9.]*)$")
_SCRIPT_SUFFIX = re.compile(r"\.(?:pyw?|pl|rb|js|mjs|jar|sh|tcl|php)$", re.IGNORECASE)
_OPTION_WITH_VALUE = frozenset({"-W", "-X", "-Q", "-cp", "-classpath", "--require", "-r", "-I", "-e", "-c"})


@dataclass(frozen=True)
class ProcessInfo:
    """A process as the kernel reports it."""

    pid: int
    name: str | None
    exe: str | None
    uid: int | None


def process_name(exe: str | None, argv: list[str]) -> str | None:
    """The program a process runs: the executable's name, or an interpreter's script or module.

    Examples
    --------
    >>> process_name(None, []) is None, process_name("/usr/lib/jvm/bin/java", ["java", "-jar", "App.jar"])
    (True, 'app')
    """
    if not exe:
        return None
    base = os.path.basename(exe)
    if not _INTERPRETER.match(base):
        return base.lower()
    args = argv[1:]
    i = 0
    while i < len(args):
        a = args[i]
        if a in ("-m", "-jar") and i + 1 < len(args):
            return _SCRIPT_SUFFIX.sub("", os.path.basename(args[i + 1])).lower()
        if a in ("-c", "-e"):
            return base.lower()  # inline code: only the interpreter is known
        if a in _OPTION_WITH_VALUE:
            i += 2
            continue
        if a.startswith("-"):
            i += 1
            continue
        return _SCRIPT_SUFFIX.sub("", os.path.basename(a)).lower()
    return base.lower()


def process_info(pid: int | None) -> ProcessInfo | None:
    """Executable, owner and program name of ``pid`` from ``/proc`` (None when unknown or gone).

    Examples
    --------
    >>> info = process_info(os.getpid())
    >>> info is None or (info.uid == os.getuid() and info.name is not None)
    True
    """
    if not pid or pid <= 0:
        return None
    proc = f"/proc/{int(pid)}"
    try:
        uid = os.stat(proc).st_uid
        exe = os.readlink(f"{proc}/exe")
        with open(f"{proc}/cmdline", "rb") as f:
            argv = [a.decode("utf-8", "replace") for a in f.read().split(b"\0") if a]
    except OSError:
        return None
    if exe.endswith(" (deleted)"):
        exe = exe[: -len(" (deleted)")]
    return ProcessInfo(int(pid), process_name(exe, argv), exe, uid)
