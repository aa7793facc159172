"""Window intervals as events: what Tockler, ActivityWatch and other window trackers record.

A window tracker writes one record per stretch of time a window was in front:
application, title, begin, end. :func:`interval_events` turns such records
into events rows:

- ``timestamp`` is the begin, ``duration`` the length in seconds;
- ``action`` is ``app_switch`` when the application differs from the previous
  interval's in the same session, ``focus`` when only the window changed;
- records of an idle or away state (``kind == "idle"``) become ``idle`` rows
  with their duration; other records (``kind == "other"``, such as a
  tracker's manual log entries) become ``other`` rows, their name in
  ``element_name`` and their text in ``window`` (no application);
- the application is normalised from process or product names and a title
  never becomes the application (:func:`taskmining.io._apps.app_and_title`);
  placeholder titles (``NO_TITLE``) are missing windows.

:func:`interval_reasons` names the bad records first (end before begin,
missing end), so that readers quarantine those and keep the rest.

Examples
--------
>>> t = pd.to_datetime(pd.Series(["2024-06-05T08:00:00Z", "2024-06-05T08:00:10Z", "2024-06-05T08:00:15Z"]))
>>> e = t + pd.to_timedelta([10, 5, 60], unit="s")
>>> ev = interval_events(t, e, app=pd.Series(["EXCEL.EXE", "EXCEL.EXE", "Microsoft Edge"]),
...                      title=pd.Series(["Book1 - Excel", "Book2 - Excel", "NO_TITLE"]),
...                      kind=pd.Series(["window"] * 3), session=pd.Series(["s"] * 3), source="tockler",
...                      raw_action=pd.Series(["AppTrackItem"] * 3), extra=pd.DataFrame(index=range(3)))
>>> ev[["action", "app", "window", "duration"]].values.tolist()
[['app_switch', 'excel', 'Book1 - Excel', 10.0], ['focus', 'excel', 'Book2 - Excel', 5.0], ['app_switch', 'edge', nan, 60.0]]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from taskmining._frames import NONE_ARRAY
from taskmining.io._apps import app_and_title
from taskmining.io._csv import read_timed
from taskmining.io._mapping import column, constant, finish_frame
from taskmining.io._times import parse_times
from taskmining.io.quarantine import QuarantineLog
from taskmining.schema import STRING_DTYPE

__all__ = ["IDLE_GAP", "PLACEHOLDER_TITLES", "gap_rows", "interval_events", "interval_reasons", "read_interval_csv",
           "with_gaps"]

#: The suggested ``idle_gap`` (seconds): ActivityWatch's default AFK timeout, 3 minutes without input.
IDLE_GAP = 180.0

#: Titles trackers write for a window without one.
PLACEHOLDER_TITLES = frozenset({"NO_TITLE", "NO TITLE", "(no title)", "<no title>", "unknown"})


def interval_reasons(begin: pd.Series, end: pd.Series) -> pd.Series:
    """A reason for every interval that cannot be an event (missing end, end before begin), else missing.

    Examples
    --------
    >>> b = pd.to_datetime(pd.Series(["2024-01-01T10:00:05Z", "2024-01-01T10:00:00Z"]))
    >>> interval_reasons(b, pd.Series([b[1], pd.NaT])).tolist()
    ['end before begin (negative duration)', 'missing end time']
    """
    missing = end.isna().to_numpy()
    negative = (end < begin).fillna(False).to_numpy(dtype=bool)
    why = np.full(len(begin), None, dtype=object)
    why[negative] = "end before begin (negative duration)"
    why[missing] = "missing end time"
    return pd.Series(why, index=begin.index, dtype=STRING_DTYPE)


def gap_rows(session: pd.Series, begin: pd.Series, end: pd.Series, *, min_gap: float | None,
             source: str, user: pd.Series | None = None) -> pd.DataFrame:
    """``idle`` rows for the stretches of at least ``min_gap`` seconds that no record of a session covers.

    A tracker records nothing while the computer is locked, asleep or left
    alone (Tockler, window trackers without an idle state): such a gap
    between one record's end (the latest end so far in the session) and the
    next record's begin becomes an ``idle`` row at the gap's start, with the
    gap as its ``duration``, ``raw_action`` ``gap`` and ``attrs``
    ``{"idle_gap":true}``. Records of every kind count as covered time
    (explicit idle and online states included), so a tracker's own idle
    records are never doubled. ``min_gap=None`` gives no rows. With ``user``
    (per record), a gap row gets its session's user.

    Examples
    --------
    >>> b = pd.to_datetime(pd.Series(["2024-06-05T08:00:00Z", "2024-06-05T08:00:10Z", "2024-06-05T08:10:00Z"]))
    >>> g = gap_rows(pd.Series(["s"] * 3), b, b + pd.Timedelta(seconds=10), min_gap=180, source="tockler")
    >>> g[["timestamp", "duration", "action", "raw_action", "attrs"]].astype(str).values.tolist()
    [['2024-06-05 08:00:20+00:00', '580.0', 'idle', 'gap', '{"idle_gap":true}']]
    """
    sess = session.astype(STRING_DTYPE).fillna("").to_numpy(dtype=object)
    b = begin.to_numpy(dtype="datetime64[ns]").view("int64")
    e = end.to_numpy(dtype="datetime64[ns]").view("int64")
    order = np.lexsort((b, sess))
    sess, b, e = sess[order], b[order], e[order]
    starts = np.r_[True, sess[1:] != sess[:-1]] if len(sess) else np.zeros(0, dtype=bool)
    group = np.cumsum(starts) - 1
    covered = pd.Series(e).groupby(group).cummax().to_numpy()  # latest end so far, per session
    prev = np.r_[np.iinfo("int64").min, covered[:-1]] if len(covered) else covered
    gap = (b - prev) / 1e9
    hit = ~starts & (gap >= (min_gap if min_gap is not None else np.inf))
    n = int(hit.sum())
    users = None
    if user is not None and n:
        by_session = dict(zip(session.astype(STRING_DTYPE).fillna("").to_numpy(dtype=object),
                              user.to_numpy(dtype=object)))
        users = pd.Series([by_session.get(x) for x in sess[hit]], dtype=STRING_DTYPE)
    gaps = pd.DataFrame({
        "timestamp": pd.Series(prev[hit].view("datetime64[ns]")).dt.tz_localize("UTC"),
        "duration": pd.Series(gap[hit], dtype="float64"),
        "session": pd.Series(sess[hit], dtype=STRING_DTYPE),
        "action": constant("idle", n), "source": constant(source, n), "raw_action": constant("gap", n),
        "attrs": constant('{"idle_gap":true}', n),
    })
    return gaps if users is None else gaps.assign(user=users)


def with_gaps(events: pd.DataFrame, gaps: pd.DataFrame) -> pd.DataFrame:
    """``events`` followed by the gap rows ``gaps`` (:func:`gap_rows`)."""
    return pd.concat([events, gaps], ignore_index=True) if len(gaps) else events


def interval_events(begin: pd.Series, end: pd.Series, *, app: pd.Series, title: pd.Series, kind: pd.Series,
                    session: pd.Series, source: str, raw_action: pd.Series, extra: pd.DataFrame,
                    user: pd.Series | None = None) -> pd.DataFrame:
    """Events rows of good intervals (see the module docstring).

    Parameters
    ----------
    begin, end : pandas.Series
        UTC times of each interval.
    app, title : pandas.Series
        The tracker's application (process, product or title) and window title.
    kind : pandas.Series
        ``"window"``, ``"idle"`` or ``"other"`` per record.
    session : pandas.Series
        The recording session of each record.
    source : str
        The ``source`` column.
    raw_action : pandas.Series
        The tracker's own record type.
    extra : pandas.DataFrame
        Columns kept in ``attrs``.
    user : pandas.Series, optional
        The user of each record.

    Returns
    -------
    pandas.DataFrame
    """
    n = len(begin)
    pos = pd.RangeIndex(n)
    normal, app_title = app_and_title(app.reset_index(drop=True))
    window = title.reset_index(drop=True).astype(STRING_DTYPE)
    window = window.where(~window.str.strip().isin(PLACEHOLDER_TITLES)).fillna(app_title)
    kinds = kind.reset_index(drop=True).fillna("window").to_numpy(dtype=object)
    sess = session.reset_index(drop=True).astype(STRING_DTYPE)
    b = pd.Series(begin.to_numpy(), index=pos)
    order = np.lexsort((b.to_numpy(), sess.fillna("").to_numpy(dtype=object)))
    win = kinds == "window"
    # the previous window interval of the same session, in time order
    app_w = pd.Series(normal.to_numpy(dtype=object)[order]).where(pd.Series(win[order]))
    sess_w = pd.Series(sess.to_numpy(dtype=object)[order]).where(pd.Series(win[order]))
    prev_app = np.empty(n, dtype=object)
    prev_sess = np.empty(n, dtype=object)
    prev_app[order] = app_w.shift().ffill().to_numpy(dtype=object)
    prev_sess[order] = sess_w.shift().ffill().to_numpy(dtype=object)
    same = win & (prev_sess == sess.to_numpy(dtype=object)) & (prev_app == normal.to_numpy(dtype=object))
    action = np.select([kinds == "idle", kinds == "other", same], ["idle", "other", "focus"], default="app_switch")
    duration = (pd.Series(end.to_numpy(), index=pos) - b).dt.total_seconds().astype("float64")
    columns: dict[str, pd.Series] = {
        "timestamp": b,
        "duration": duration,
        "session": sess,
        "user": user.reset_index(drop=True).astype(STRING_DTYPE) if user is not None else constant("", n).where(
            pd.Series(np.zeros(n, dtype=bool))),
        "app": normal.where(win),
        "window": window.where(win | (kinds == "other")),
        "element_name": app.reset_index(drop=True).astype(STRING_DTYPE).where(pd.Series(kinds == "other")),
        "action": pd.Series(action, index=pos, dtype=STRING_DTYPE),
        "element_role": constant("window", n).where(pd.Series(win)),
        "source": constant(source, n),
        "raw_action": raw_action.reset_index(drop=True).astype(STRING_DTYPE),
    }
    return finish_frame(columns, extra.reset_index(drop=True))


def read_interval_csv(path: Path, qlog: QuarantineLog, *, tz: str | None, begin: Sequence[str],
                      end: Sequence[str], app: Sequence[str], title: Sequence[str], source: str,
                      kind: Callable[[pd.DataFrame], tuple[pd.Series, pd.Series]] | None = None,
                      session: Sequence[str] = (), user: Sequence[str] = (),
                      duration: Sequence[str] = (), idle_gap: float | None = None) -> pd.DataFrame:
    """Events of one CSV file of window intervals; the column names are the first present of each list.

    The end is the ``end`` column, or the begin plus the ``duration`` column
    (seconds) when the file has no end column.

    ``kind(frame)`` gives each record's kind (``window``, ``idle``, ``other``,
    or missing for a record that makes no row: a tracker's "online" state)
    and its raw action; without it every record is a window interval.
    Records that make no row are counted in a note. Gaps of at least
    ``idle_gap`` seconds between records become ``idle`` rows (:func:`gap_rows`;
    None: none).
    """
    got = read_timed(path, qlog, tz=tz, time_columns=begin, one_of=((*end, *duration), app), infer_missing=False)
    if got is None:
        return pd.DataFrame()
    table, start = got
    t = table.frame
    pick = {name: next((c for c in names if c in t.columns), None)
            for name, names in (("begin", begin), ("end", end), ("app", app), ("title", title),
                                ("session", session), ("user", user), ("duration", duration))}
    if pick["end"]:
        stop, why = parse_times(t[pick["end"]], tz=tz, path=str(path), column=str(pick["end"]))
    else:
        seconds = pd.to_numeric(t[pick["duration"]], errors="coerce").where(lambda x: x.abs() < 1e9)
        stop = start + pd.to_timedelta(seconds, unit="s")
        why = pd.Series(np.where(seconds.isna() & t[pick["duration"]].notna(), "duration is not a number",
                                 NONE_ARRAY), dtype=STRING_DTYPE)
    why = why.fillna(interval_reasons(start, stop))
    keep = table.quarantine(why.notna().to_numpy(), why, qlog)
    table, start, stop = table.take(keep), start[keep].reset_index(drop=True), stop[keep].reset_index(drop=True)
    t = table.frame
    kinds, raw = kind(t) if kind is not None else (constant("window", len(t)), constant("interval", len(t)))
    rows = kinds.notna().to_numpy()
    if not rows.all():
        qlog.note(str(path), f"{int((~rows).sum())} state record(s) without an action (the tracker's "
                             "'online' time between idle periods) make no row")
    stem = path.name.split(".")[0]
    sess = constant(stem, len(t))
    if pick["session"]:
        sess = (stem + "-" + t[pick["session"]]).fillna(sess)
    used = [c for c in pick.values() if c]
    sel = pd.Series(rows)
    events = interval_events(start[sel].reset_index(drop=True), stop[sel].reset_index(drop=True),
                             app=t.loc[rows, pick["app"]], title=t.loc[rows, pick["title"]] if pick["title"] else
                             column(t, "\0").loc[rows], kind=kinds[sel], session=sess[sel], source=source,
                             raw_action=raw[sel], extra=t.loc[rows, [c for c in t.columns if c not in used]],
                             user=t.loc[rows, pick["user"]] if pick["user"] else None)
    gaps = gap_rows(sess, start, stop, min_gap=idle_gap, source=source,  # every record covers time
                    user=t[pick["user"]] if pick["user"] else None)
    return with_gaps(events, gaps)
