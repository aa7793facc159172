"""ActivityWatch export JSON (``format="activitywatch"``), merged into one timeline per host.

An aw-server export is ``{"buckets": {<id>: {"type", "client", "hostname",
"events": [{"id", "timestamp", "duration", "data"}]}}}``. Buckets are merged
per ``hostname`` (the session, and the user: exports name no person):

- ``currentwindow`` events (``app``, ``title``) become ``app_switch`` rows, or
  ``focus`` when the app is the same as the previous window's, with ``duration``;
- ``afkstatus`` events with ``status: "afk"`` become ``idle`` rows with
  ``duration``; ``not-afk`` periods are the time between them and make no row;
- ``web.tab.current`` events (``url``, ``title``) become ``navigate`` rows and
  fill ``url`` of the browser window rows they overlap;
- ``os.hid.input`` events (``presses``, ``clicks``, ``deltaX``, ``deltaY``,
  ``scrollX``, ``scrollY``) are summed into the ``attrs`` of the window row in
  which they start (``input_presses``, ``input_clicks``, ...; ``input_events``
  counts them); those starting outside every window row become ``other`` rows;
- events of any other bucket type become ``other`` rows.

A bucket whose hostname is ``"unknown"`` (older web watchers) joins the only
other host of the export, when there is exactly one.

Examples
--------
>>> import json, os, tempfile
>>> p = os.path.join(tempfile.mkdtemp(), "aw-export.json")
>>> w = {"type": "currentwindow", "hostname": "pc1", "events": [
...     {"id": 2, "timestamp": "2026-01-05T09:00:10+00:00", "duration": 5.0,
...      "data": {"app": "Firefox", "title": "Inbox"}},
...     {"id": 1, "timestamp": "2026-01-05T09:00:00+00:00", "duration": 10.0,
...      "data": {"app": "Code", "title": "main.py"}}]}
>>> _ = open(p, "w").write(json.dumps({"buckets": {"aw-watcher-window_pc1": w}}))
>>> read([p]).events[["app", "action", "window", "duration"]].values.tolist()
[['vscode', 'app_switch', 'main.py', 10.0], ['firefox', 'app_switch', 'Inbox', 5.0]]
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from taskmining._frames import NONE_ARRAY
from taskmining.errors import IngestError
from taskmining.io._files import read_bytes
from taskmining.io._intervals import IDLE_GAP, gap_rows
from taskmining.io._mapping import finish_frame, normalise_app
from taskmining.io._text import json_text
from taskmining.io._reader import file_reader
from taskmining.io._times import parse_times
from taskmining.io.quarantine import QuarantineLog
from taskmining.io.registry import ReaderSpec
from taskmining.schema import STRING_DTYPE

FORMAT = "activitywatch"
BROWSERS = ("chrome", "chromium", "firefox", "edge", "opera", "brave", "vivaldi", "safari")
INPUT_FIELDS = ("presses", "clicks", "deltaX", "deltaY", "scrollX", "scrollY")


def _events(bid: str, bucket: Any, path: Path, qlog: QuarantineLog, tz: str | None) -> pd.DataFrame:
    """One bucket's good events: timestamp, duration, data (dict), id, with host and type."""
    if not isinstance(bucket, dict):
        raise IngestError(f"bucket {bid!r} is not a JSON object", path=path)
    events = bucket.get("events", [])
    if not isinstance(events, list):
        raise IngestError(f"bucket {bid!r}: 'events' is not a list", path=path, column="events")
    ok = np.array([isinstance(e, dict) for e in events], dtype=bool)
    for i in np.flatnonzero(~ok):
        qlog.add(str(path), None, f"event is not a JSON object (bucket {bid!r}, event {i})",
                 json.dumps(events[i])[:10000])
    good = [e for e, k in zip(events, ok) if k]
    index = np.flatnonzero(ok)
    stamps = [e.get("timestamp") for e in good]
    is_text = np.array([type(v) is str for v in stamps], dtype=bool)
    durations = [e.get("duration", 0.0) for e in good]
    numeric = np.array([type(v) in (int, float) for v in durations], dtype=bool)
    datas = [e.get("data") for e in good]
    is_object = np.array([type(v) is dict for v in datas], dtype=bool)
    ev = pd.DataFrame({"data": pd.Series(datas, dtype=object),
                       "id": pd.Series([e.get("id") for e in good], dtype=object)})
    text = pd.Series(np.where(is_text, np.array(stamps, dtype=object), NONE_ARRAY), dtype=STRING_DTYPE)
    times, why = parse_times(text, tz=tz, path=str(path), column="timestamp")
    why = why.where(is_text | np.array([v is None for v in stamps], dtype=bool), "timestamp is not a string")
    dur = pd.Series(np.where(numeric, np.array(durations, dtype=object), np.nan), dtype="float64")
    why = why.fillna(pd.Series(np.where(dur.isna() | (dur < 0), "duration is not a number >= 0", NONE_ARRAY),
                               dtype=STRING_DTYPE))
    why = why.fillna(pd.Series(np.where(is_object, NONE_ARRAY, "data is not a JSON object"), dtype=STRING_DTYPE))
    bad = why.notna().to_numpy()
    for i in np.flatnonzero(bad):
        qlog.add(str(path), None, f"{why.iloc[i]} (bucket {bid!r}, event {index[i]})", json.dumps(good[i])[:10000])
    ev = ev.loc[~bad].reset_index(drop=True)
    ev["timestamp"] = times[~bad].reset_index(drop=True)
    ev["duration"] = dur[~bad].astype("float64").reset_index(drop=True)
    host = bucket.get("hostname") or (bid.rsplit("_", 1)[1] if "_" in bid else "unknown")
    ev["host"] = str(host)
    ev["bucket"] = bid
    ev["type"] = str(bucket.get("type", ""))
    ev["client"] = str(bucket.get("client", ""))
    return ev


def _data(ev: pd.DataFrame) -> pd.DataFrame:
    """The ``data`` objects as columns."""
    return pd.DataFrame(ev["data"].tolist(), index=ev.index) if len(ev) else pd.DataFrame(index=ev.index)


def _text(df: pd.DataFrame, name: str) -> pd.Series:
    if name not in df.columns:
        return pd.Series(np.full(len(df), np.nan), index=df.index, dtype=STRING_DTYPE)
    s = df[name]
    if pd.api.types.infer_dtype(s, skipna=True) in ("string", "empty"):
        return s.astype(STRING_DTYPE)
    keep = np.array([type(v) is str for v in s], dtype=bool)
    return s.where(keep, None).astype(STRING_DTYPE)


def _frame(ev: pd.DataFrame, data: pd.DataFrame, used: tuple[str, ...], extra: pd.DataFrame | None = None,
           **cols: Any) -> pd.DataFrame:
    """Rows for the events ``ev``: contract ``cols``, the rest of ``data`` (and ``extra``) in attrs."""
    host = ev["host"].astype(STRING_DTYPE)
    columns: dict[str, pd.Series] = {"timestamp": ev["timestamp"], "duration": ev["duration"], "session": host,
                                     "user": host, "raw_action": ev["type"].astype(STRING_DTYPE),
                                     "element_role": pd.Series("unknown", index=ev.index, dtype=STRING_DTYPE),
                                     "source": pd.Series(FORMAT, index=ev.index, dtype=STRING_DTYPE)}
    for key, val in cols.items():
        columns[key] = val if isinstance(val, pd.Series) else pd.Series(val, index=ev.index, dtype=STRING_DTYPE)
    parts = [ev[["bucket", "id"]], data.drop(columns=[c for c in used if c in data.columns])]
    if extra is not None:
        parts.append(extra)
    rest = pd.concat(parts, axis=1)
    return finish_frame(columns, rest.astype(object).where(rest.notna(), None))


def _ns(ev: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    start = ev["timestamp"].to_numpy(dtype="datetime64[ns]").view("int64")
    return start, start + np.round(ev["duration"].to_numpy() * 1e9).astype("int64")


def _intervals(host: np.ndarray, start: np.ndarray, end: np.ndarray, h: np.ndarray, t: np.ndarray) -> np.ndarray:
    """For points (h, t): the index of the interval of the same host containing t, or -1."""
    out = np.full(len(t), -1, dtype=np.int64)
    for name in np.unique(h):
        mine = np.flatnonzero(host == name)
        if not len(mine):
            continue
        order = mine[np.argsort(start[mine], kind="stable")]
        pts = np.flatnonzero(h == name)
        k = np.searchsorted(start[order], t[pts], side="right") - 1
        inside = (k >= 0) & (t[pts] < end[order[np.maximum(k, 0)]])
        out[pts[inside]] = order[k[inside]]
    return out


def _windows(win: pd.DataFrame, web: pd.DataFrame, inp: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """Window rows (url from web tabs, input counts in attrs); also which input events they absorbed."""
    win = win.iloc[np.lexsort((win["timestamp"].to_numpy(dtype="datetime64[ns]"), win["host"].to_numpy()))]
    win = win.reset_index(drop=True)
    data = _data(win)
    app = normalise_app(_text(data, "app"))
    host = win["host"]
    same = (host == host.shift()).to_numpy() & (app == app.shift()).fillna(False).to_numpy()
    action = pd.Series(np.where(same, "focus", "app_switch"), dtype=STRING_DTYPE)
    start, end = _ns(win)
    url = _text(data, "url")
    if len(web):
        wstart, wend = _ns(web)
        need = np.flatnonzero(app.isin(BROWSERS).to_numpy() & url.isna().to_numpy())
        k = _intervals(web["host"].to_numpy(), wstart, wend, host.to_numpy()[need], start[need])
        hit = k >= 0
        url = url.copy()
        url.iloc[need[hit]] = _text(_data(web), "url").to_numpy()[k[hit]]
    k = _intervals(host.to_numpy(), start, end, inp["host"].to_numpy(), _ns(inp)[0]) if len(inp) else np.zeros(0, int)
    matched = k >= 0
    counts = np.bincount(k[matched], minlength=len(win))
    extra = pd.DataFrame({"input_events": pd.array(np.where(counts > 0, counts, 0), dtype="Int64")})
    extra.loc[counts == 0, "input_events"] = pd.NA
    idata = _data(inp)
    for field in INPUT_FIELDS:
        if field in idata.columns:
            vals = pd.to_numeric(idata[field], errors="coerce").fillna(0).to_numpy()[matched]
            total = np.bincount(k[matched], weights=vals, minlength=len(win))
            extra[f"input_{field}"] = pd.array(np.round(total).astype("int64"), dtype="Int64")
            extra.loc[counts == 0, f"input_{field}"] = pd.NA
    rows = _frame(win, data, ("app", "title", "url"), extra, app=app, window=_text(data, "title"),
                  action=action, element_role="window", url=url)
    return rows, matched


def _browser(ev: pd.DataFrame) -> pd.Series:
    """The browser of web-watcher events, from the bucket id or client."""
    def name(text: str) -> str:
        low = text.lower()
        return next((b for b in BROWSERS if b in low), "browser")
    return normalise_app((ev["bucket"] + " " + ev["client"]).map(name).astype(STRING_DTYPE))


def _read_one(path: Path, qlog: QuarantineLog, *, tz: str | None, idle_gap: float | None = None) -> pd.DataFrame:
    raw = read_bytes(path)
    if not raw.strip():
        return pd.DataFrame()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        qlog.add(str(path), raw[:exc.start].count(b"\n") + 1, "bytes that are not UTF-8: the export cannot be read")
        return pd.DataFrame()
    try:
        doc = json.loads(json_text(text, qlog, str(path)))
    except (json.JSONDecodeError, RecursionError) as exc:
        line = getattr(exc, "lineno", None)
        qlog.add(str(path), line, f"invalid JSON: {getattr(exc, 'msg', exc)}", text[:10000])
        return pd.DataFrame()
    if not isinstance(doc, dict) or not isinstance(doc.get("buckets"), dict):
        raise IngestError("missing required field 'buckets' (an object of buckets)", path=path, column="buckets")
    parts = [_events(str(bid), b, path, qlog, tz) for bid, b in doc["buckets"].items()]
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame()
    ev = pd.concat(parts, ignore_index=True)
    hosts = set(ev["host"]) - {"unknown"}
    if len(hosts) == 1:
        ev["host"] = hosts.pop()
    kind = ev["type"].to_numpy()
    pick = {t: ev.loc[kind == t].reset_index(drop=True) for t in ("currentwindow", "web.tab.current",
                                                                 "os.hid.input", "afkstatus")}
    frames = []
    inp = pick["os.hid.input"]
    if len(pick["currentwindow"]):
        rows, matched = _windows(pick["currentwindow"], pick["web.tab.current"], inp)
        frames.append(rows)
        inp = inp.loc[~matched].reset_index(drop=True)
    web = pick["web.tab.current"]
    if len(web):
        wd = _data(web)
        frames.append(_frame(web, wd, ("url", "title"), app=_browser(web), window=_text(wd, "title"),
                             url=_text(wd, "url"), action="navigate", element_role="tab"))
    afk = pick["afkstatus"]
    if len(afk):
        ad = _data(afk)
        status = _text(ad, "status")
        away = status.eq("afk").fillna(False).to_numpy()
        active = status.eq("not-afk").fillna(False).to_numpy()  # the time between idle rows: no row
        idle = afk.loc[away]
        frames.append(_frame(idle, ad.loc[away], ("status",), action="idle").assign(raw_action="afk"))
        odd = ~away & ~active
        if odd.any():
            frames.append(_frame(afk.loc[odd], ad.loc[odd], (), action="other"))
    others = ev.loc[~np.isin(kind, list(pick))]
    for part in (inp, others.reset_index(drop=True)):
        if len(part):
            pd_ = _data(part)
            frames.append(_frame(part, pd_, ("app", "title"), app=normalise_app(_text(pd_, "app")),
                                 window=_text(pd_, "title"), action="other"))
    timed = ev.loc[np.isin(kind, ["currentwindow", "afkstatus"])]  # window and AFK records cover time
    frames.append(gap_rows(timed["host"], timed["timestamp"],
                           timed["timestamp"] + pd.to_timedelta(timed["duration"], unit="s"),
                           min_gap=idle_gap, source=FORMAT))
    frames = [f for f in frames if len(f)]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


read = file_reader(
    FORMAT, _read_one, module=__name__, what="ActivityWatch exports (one session per host)",
    files="Export files (``aw-buckets-export.json``).",
    bad="unparsable timestamp, negative duration, ``data`` not an object: named by bucket and event "
        "index, as JSON has no useful line per event; a file that is not JSON is one record",
    tz="Zone for timestamps without an offset (aw-server writes UTC offsets).",
    patterns=("*.json", "*.json.gz"), defaults={"idle_gap": IDLE_GAP})


def sniff(path: Path, head: bytes) -> bool:
    """True for a JSON object whose first key is ``"buckets"`` (or that has one near its start).

    Examples
    --------
    >>> sniff(Path("x.json"), b'{"buckets": {"aw-watcher-afk_pc": {"type": "afkstatus"}}}')
    True
    """
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return text.startswith(b"{") and b'"buckets"' in text[:4096]


SPEC = ReaderSpec(
    name=FORMAT,
    description="ActivityWatch export JSON (window, AFK, input and web buckets merged per host)",
    extensions=(".json", ".json.gz"),
    sniff=sniff,
    read=read,
    priority=60,
)
