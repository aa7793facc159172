"""SmartRPA CSV (``format="smartrpa"``): the UI logs of Agostinelli et al.'s SmartRPA logger.

The logger writes 47 columns (``timestamp, user, category, application,
event_type, event_src_path, ..., xpath, xpath_full``); its log processing
renames the first ones the pm4py way (``time:timestamp``, ``org:resource``,
``concept:name``) and adds ``case:concept:name``, ``case:creator``,
``lifecycle:transition`` and a leading index column (51 columns). Both forms
are read. SmartRPA writes local times without a zone: ``tz=`` is required and
never guessed. Mapping rules are in ``docs/formats-readers.md``.

Examples
--------
>>> import os, tempfile
>>> p = os.path.join(tempfile.mkdtemp(), "2020-04-15_13-09-35.csv")
>>> _ = open(p, "w").write(
...     "timestamp,user,category,application,event_type,browser_url\\n"
...     "2020-04-15T13:09:35.000,anna,Browser,Chrome,clickLink,https://example.com\\n")
>>> ev = read([p], tz="Europe/Rome").events
>>> ev.loc[0, ["app", "action", "user", "url"]].tolist(), str(ev.loc[0, "timestamp"])
(['chrome', 'click', 'anna', 'https://example.com'], '2020-04-15 11:09:35+00:00')
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from taskmining.io._csv import header_fields, read_timed
from taskmining.io._mapping import (
    COMMON_EVENT_ACTIONS,
    app_and_title,
    coalesce,
    column,
    dom_roles,
    drop_secrets,
    per_value,
    ui_log_frame,
)
from taskmining.io._reader import file_reader
from taskmining.io.quarantine import QuarantineLog
from taskmining.io.registry import ReaderSpec

FORMAT = "smartrpa"

#: SmartRPA event types (lowercase) -> action, beyond the shared table.
EVENT_ACTIONS: dict[str, str] = {
    **COMMON_EVENT_ACTIONS,
    "canceldialog": "click", "clickednotification": "click", "closednotification": "close",
    "clicknextslideshow": "click", "slideselectionchanged": "select",
    "doubleclickcellwithvalue": "double_click", "doubleclickemptycell": "double_click",
    "doubleclickpresentation": "double_click", "doubleclickwindow": "double_click",
    "rightclickcellwithvalue": "right_click", "rightclickemptycell": "right_click",
    "rightclickpresentation": "right_click", "rightclickwindow": "right_click",
    "changedocument": "edit",
    # a placeholder SmartRPA's tagging adds for an action the logger did not record (no time of its own)
    "missing": "other",
}
# prefixes for event types not in the table (checked in this order)
_PREFIXES = (("doubleclick", "double_click"), ("rightclick", "right_click"), ("click", "click"),
             ("open", "open"), ("close", "close"), ("save", "submit"), ("select", "select"))

_TS = ("timestamp", "time:timestamp")
_EVENT = ("event_type", "concept:name")
_USER = ("user", "org:resource")
_TAB_EVENTS = {"newtab", "closetab", "selecttab", "movetab", "attachtab", "detachtab", "pinnedtab",
               "unpinnedtab", "audibletab", "mutedtab", "unmutedtab", "zoomtab", "selectworksheet",
               "addworksheet", "deleteworksheet", "deselectworksheet"}


def _action(raw: Any) -> str:
    key = str(raw).strip().lower()
    hit = EVENT_ACTIONS.get(key)
    if hit is not None:
        return hit
    return next((action for prefix, action in _PREFIXES if key.startswith(prefix)), "other")


def _roles(t: pd.DataFrame, ev: pd.Series, app: pd.Series) -> np.ndarray:
    e = ev.str.lower().fillna("").to_numpy(dtype=object)
    dom = dom_roles(column(t, "tag_category"), column(t, "tag_type"), ev)
    cell = column(t, "cell_range").notna().to_numpy() & (app == "excel").to_numpy()
    document = np.isin(app.fillna("").to_numpy(dtype=object), ["word", "powerpoint"])
    roles = np.select([np.isin(e, list(_TAB_EVENTS)), cell, (dom == "") & document],
                      ["tab", "cell", "document"], default=dom)
    return np.where(roles == "", "unknown", roles)


def _read_one(path: Path, qlog: QuarantineLog, *, tz: str | None) -> pd.DataFrame:
    got = read_timed(path, qlog, tz=tz, time_columns=_TS, one_of=(_EVENT,))
    if got is None:
        return pd.DataFrame()
    t, times = got[0].frame, got[1]
    names = list(t.columns)
    ts_col = next(c for c in _TS if c in names)
    ev_col = next(c for c in _EVENT if c in names)
    user_col = next((c for c in _USER if c in names), None)
    # "application" sometimes holds a window title (then often equal to the row's "title")
    app, app_title = app_and_title(column(t, "application"), titles=column(t, "title"))
    borrowed = ((app == "clipboard").fillna(False) | (app.isna() & app_title.notna())).to_numpy()
    app = app.where(~borrowed).ffill().where(borrowed, app)  # clipboard, dialogs: the app used before
    ev = t[ev_col]
    roles = _roles(t, ev, app)
    t = drop_secrets(t, roles == "password", ("tag_value", "tag_html", "clipboard_content"))
    cell = column(t, "cell_range")
    sheet = column(t, "current_worksheet")
    in_sheet = sheet.notna().to_numpy() & cell.notna().to_numpy()
    fields = {
        "user": column(t, user_col) if user_col else column(t, "\0"),
        "app": app,
        "window": coalesce(t, ["title", "workbook"]).fillna(app_title),
        "element_name": coalesce(t, ["tag_name", "tag_innerText", "tag_title", "cell_range", "event_src_path"]),
        "element_id": column(t, "xpath").fillna(cell.where(~in_sheet, sheet + "!" + cell)),
        "value": coalesce(t, ["tag_value", "cell_content", "clipboard_content"]),
        "url": column(t, "browser_url"),
    }
    return ui_log_frame(t, times, path, FORMAT, raw_action=ev, action=per_value(ev, _action), roles=roles,
                        fields=fields, consumed=[c for c in (ts_col, ev_col, user_col, "browser_url") if c])


read = file_reader(
    FORMAT, _read_one, module=__name__, what="SmartRPA CSV files (raw or pm4py-renamed columns)",
    files="One file is one session (its file name).",
    bad="wrong field count, unparsable timestamps, bytes that are not UTF-8",
    tz="The zone the log was recorded in (SmartRPA writes local times without one); without it an "
       ":class:`IngestError` asks for it.", tz_optional=False)


def sniff(path: Path, head: bytes) -> bool:
    """True for a CSV header with SmartRPA's ``category`` and ``application`` and an event-type column.

    Examples
    --------
    >>> sniff(Path("x.csv"), b",case:concept:name,time:timestamp,category,application,concept:name\\n")
    True
    """
    fields = set(header_fields(head))
    return ({"category", "application"} <= fields and any(c in fields for c in _EVENT)
            and any(c in fields for c in _TS))


SPEC = ReaderSpec(
    name=FORMAT,
    description="SmartRPA CSV, raw or pm4py-renamed (needs tz=: its times have no zone)",
    extensions=(".csv", ".csv.gz"),
    sniff=sniff,
    read=read,
    priority=40,
)
