"""selfspy (``format="selfspy"``): the SQLite database of the selfspy activity logger.

selfspy stores mouse clicks and bursts of key presses with the window and
process they happened in: tables ``click(button, press, x, y, nrmoves,
process_id, window_id, geometry_id, created_at)``, ``keys(text, started,
nrkeys, keys, timings, process_id, window_id, geometry_id, created_at)``,
``window(title, process_id)``, ``process(name)`` and ``geometry(xpos, ypos,
width, height)``. The clicks and key bursts are the records; windows,
processes and geometries describe them.

==============  =============================================================
events frame    from
==============  =============================================================
``timestamp``   ``created_at`` of a click; ``started`` of a key burst
                (local times without a zone: ``tz=`` is required)
``duration``    key bursts: ``created_at - started`` in seconds
``action``      button 1 and 2 ``click``, 3 ``right_click``, 4 to 7 ``scroll``;
                a release (``press`` false) ``other``; key bursts ``type``
``app``         the process name, normalised
``window``      the window title
``value``       never: typed text is not read (selfspy encrypts it, and typed
                text is masked by default anyway); ``nrkeys`` is kept in ``attrs``
``attrs``       ``x``, ``y``, ``nrmoves``, ``nrkeys``, the window geometry
==============  =============================================================

Examples
--------
>>> sniff(Path("selfspy.sqlite"), b"not a database")
False
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from taskmining.io._apps import app_and_title
from taskmining.io._mapping import constant, finish_frame
from taskmining.io._reader import file_reader
from taskmining.io._sqlite import is_sqlite, query, tables
from taskmining.io._times import parse_times
from taskmining.io.quarantine import QuarantineLog
from taskmining.io.registry import ReaderSpec
from taskmining.schema import STRING_DTYPE

FORMAT = "selfspy"
_TABLES = {"click", "keys", "window", "process"}
_GEOMETRY = "g.xpos as geometry_x, g.ypos as geometry_y, g.width as geometry_width, g.height as geometry_height"
_CLICKS = ("select c.id, c.created_at, c.button, c.press, c.x, c.y, c.nrmoves, p.name as process, "
           f"w.title as title, {_GEOMETRY} from click c left join process p on p.id = c.process_id "
           "left join window w on w.id = c.window_id left join geometry g on g.id = c.geometry_id order by c.id")
_KEYS = ("select k.id, k.started, k.created_at, k.nrkeys, p.name as process, w.title as title, "
         f"{_GEOMETRY} from keys k left join process p on p.id = k.process_id "
         "left join window w on w.id = k.window_id left join geometry g on g.id = k.geometry_id order by k.id")


def _text(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.astype(object).where(frame.notna(), None).astype("str").where(frame.notna())


def _times(t: pd.DataFrame, col: str, table: str, path: Path, tz: str | None,
           qlog: QuarantineLog) -> tuple[pd.DataFrame, pd.Series]:
    times, why = parse_times(t[col], tz=tz, path=str(path), column=f"{table}.{col}")
    bad = why.notna().to_numpy()
    for i in np.flatnonzero(bad):
        qlog.add(str(path), None, f"{table} id {t['id'].iloc[i]}: {why.iloc[i]}", t.iloc[i].to_json())
    return t[~bad].reset_index(drop=True), times[~bad].reset_index(drop=True)


def _frame(t: pd.DataFrame, times: pd.Series, action: np.ndarray, raw: pd.Series, path: Path,
           duration: pd.Series | None, used: list[str]) -> pd.DataFrame:
    n = len(t)
    app, app_title = app_and_title(t["process"])
    cols: dict[str, pd.Series] = {
        "timestamp": times,
        "session": constant(path.name.split(".")[0], n),
        "app": app,
        "window": t["title"].astype(STRING_DTYPE).fillna(app_title),
        "action": pd.Series(action, dtype=STRING_DTYPE),
        "source": constant(FORMAT, n),
        "raw_action": raw.reset_index(drop=True).astype(STRING_DTYPE),
    }
    if duration is not None:
        cols["duration"] = duration
    return finish_frame(cols, t.drop(columns=used))


def _read_one(path: Path, qlog: QuarantineLog, *, tz: str | None) -> pd.DataFrame:
    clicks, ctimes = _times(_text(query(path, _CLICKS)), "created_at", "click", path, tz, qlog)
    keys, started = _times(_text(query(path, _KEYS)), "started", "keys", path, tz, qlog)
    frames = []
    if len(clicks):
        button = pd.to_numeric(clicks["button"], errors="coerce").to_numpy()
        press = clicks["press"].isin(["1", "True", "true"]).to_numpy()
        action = np.select([~press, np.isin(button, [4, 5, 6, 7]), button == 3], ["other", "scroll", "right_click"],
                           default="click")
        raw = "click:" + clicks["button"].fillna("?") + np.where(press, "", ":release")
        frames.append(_frame(clicks, ctimes, action, raw, path, None,
                             ["created_at", "button", "press", "process", "title"]))
    if len(keys):
        ended, _ = parse_times(keys["created_at"], tz=tz, path=str(path), column="keys.created_at")
        duration = (ended - started).dt.total_seconds().where(lambda d: d >= 0).astype("float64")
        frames.append(_frame(keys, started, np.full(len(keys), "type"), constant("keys", len(keys)), path,
                             duration, ["started", "created_at", "process", "title"]))
    frames = [f for f in frames if len(f)]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


read = file_reader(
    FORMAT, _read_one, module=__name__, what="selfspy databases",
    files="``selfspy.sqlite`` files; one database is one session.",
    bad="clicks and key bursts with unparsable times, named by table and id",
    tz="The zone selfspy ran in (it stores local times without one).", tz_optional=False,
    patterns=("*.sqlite", "*.db"))


def sniff(path: Path, head: bytes) -> bool:
    """True for a SQLite database with selfspy's tables (click, keys, window, process)."""
    return is_sqlite(head) and _TABLES <= tables(path)


SPEC = ReaderSpec(
    name=FORMAT,
    description="selfspy activity database (SQLite: clicks and key bursts per window; needs tz=)",
    extensions=(".sqlite", ".db"),
    sniff=sniff,
    read=read,
    priority=46,
)
