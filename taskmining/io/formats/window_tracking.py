"""Window-tracking logs in general (``format="window_tracking"``): application, title, begin, end.

Many trackers (and exports of time-tracking tools) write one row per stretch
of time a window was in front. Any CSV with these columns is read by a
documented mapping (the first column present of each list, case as written):

==========  ==================================================================
field       columns
==========  ==================================================================
begin       ``begin``, ``start``, ``start_time``, ``started``, ``Begin``, ``Start``, ``StartTime``, ``from``
end         ``end``, ``stop``, ``end_time``, ``ended``, ``End``, ``Stop``, ``EndTime``, ``to``
duration    ``duration``, ``seconds``, ``Duration`` (seconds; used when there is no end column)
app         ``app``, ``application``, ``process``, ``process_name``, ``program``, ``exe``, ``App``,
            ``Application``, ``Process``, ``Program``
title       ``title``, ``window``, ``window_title``, ``Title``, ``Window``, ``WindowTitle``
user        ``user``, ``User``, ``username``
session     ``session``, ``Session``, ``device``, ``host``
==========  ==================================================================

Rows become ``app_switch``/``focus`` rows with their ``duration``, as for
Tockler and ActivityWatch (:mod:`taskmining.io._intervals`); times without a
zone need ``tz=``. Detection asks for a begin, an application and an end or
duration column, after every format with a signature of its own.

Examples
--------
>>> import os, tempfile
>>> p = os.path.join(tempfile.mkdtemp(), "windows.csv")
>>> _ = open(p, "w").write("start,duration,process,window_title\\n"
...                        "2024-06-05T08:00:00Z,12.5,WINWORD.EXE,Report.docx - Word\\n"
...                        "2024-06-05T08:00:12.5Z,3,WINWORD.EXE,Letter.docx - Word\\n")
>>> read([p]).events[["action", "app", "window", "duration"]].values.tolist()
[['app_switch', 'word', 'Report.docx - Word', 12.5], ['focus', 'word', 'Letter.docx - Word', 3.0]]
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from taskmining.io._csv import header_fields
from taskmining.io._intervals import IDLE_GAP, read_interval_csv
from taskmining.io._reader import file_reader
from taskmining.io.quarantine import QuarantineLog
from taskmining.io.registry import ReaderSpec

FORMAT = "window_tracking"
BEGIN = ("begin", "start", "start_time", "started", "Begin", "Start", "StartTime", "from")
END = ("end", "stop", "end_time", "ended", "End", "Stop", "EndTime", "to")
DURATION = ("duration", "seconds", "Duration")
APP = ("app", "application", "process", "process_name", "program", "exe", "App", "Application", "Process",
       "Program")
TITLE = ("title", "window", "window_title", "Title", "Window", "WindowTitle")
USER = ("user", "User", "username")
SESSION = ("session", "Session", "device", "host")


def _read_one(path: Path, qlog: QuarantineLog, *, tz: str | None, idle_gap: float | None = None) -> pd.DataFrame:
    return read_interval_csv(path, qlog, tz=tz, begin=BEGIN, end=END, duration=DURATION, app=APP, title=TITLE,
                             source=FORMAT, session=SESSION, user=USER, idle_gap=idle_gap)


read = file_reader(
    FORMAT, _read_one, module=__name__, what="window-tracking CSV files (app, title, begin, end or duration)",
    files="One file is one session unless it has a session column.",
    bad="wrong field count, unparsable times, end before begin, a duration that is not a number",
    tz="Zone of times written without one.", defaults={"idle_gap": IDLE_GAP})


def sniff(path: Path, head: bytes) -> bool:
    """True for a CSV with a begin, an application and an end or duration column.

    Examples
    --------
    >>> sniff(Path("x.csv"), b"start;end;process;title\\n")
    True
    """
    fields = set(header_fields(head))
    return bool(fields & set(BEGIN)) and bool(fields & set(APP)) and bool(fields & set(END + DURATION))


SPEC = ReaderSpec(
    name=FORMAT,
    description="window-tracking CSV: app, title, begin, end or duration (a documented generic mapping)",
    extensions=(".csv",),
    sniff=sniff,
    read=read,
    priority=85,
)
