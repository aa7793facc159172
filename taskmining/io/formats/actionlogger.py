"""Action Logger CSV (``format="actionlogger"``): the research UI-log format of Leno et al.

One row per UI action, recorded by a Chrome extension and an Excel add-in,
with the columns ``timeStamp, userID, targetApp, eventType, url, content,
target.workbookName, target.sheetName, target.id, target.className,
target.tagName, target.type, target.name, target.value, target.innerText,
target.checked, target.href, target.option, target.title, target.innerHTML``
(any subset; ``target.class`` is accepted for ``target.className``; an
optional ``caseID`` ground-truth column and extra columns such as ``x``, ``y``
or ``target.css``; an unnamed leading index column). Files without a header
line are read when their width is one of the layouts the logger's versions
wrote (:data:`LAYOUTS`: 14, 15 or 19 columns; the browser-only versions'
rows without ``targetApp`` are Chrome's). Mapping rules are in
``docs/formats-readers.md``.

Examples
--------
>>> import os, tempfile
>>> p = os.path.join(tempfile.mkdtemp(), "log.csv")
>>> _ = open(p, "w").write(
...     "timeStamp,userID,targetApp,eventType,target.name,target.tagName,target.type\\n"
...     "2019-03-03T19:02:18.239Z,u1,Chrome,clickButton,save,BUTTON,submit\\n")
>>> ev = read([p]).events
>>> ev.loc[0, ["app", "action", "element_role", "element_name", "source"]].tolist()
['chrome', 'click', 'button', 'save', 'actionlogger']
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from taskmining.io._csv import header_fields, headerless_layout, read_timed
from taskmining.io._mapping import (
    COMMON_EVENT_ACTIONS,
    coalesce,
    column,
    dom_roles,
    drop_secrets,
    map_values,
    normalise_app,
    ui_log_frame,
)
from taskmining.io._reader import file_reader
from taskmining.io.quarantine import QuarantineLog
from taskmining.io.registry import ReaderSpec

FORMAT = "actionlogger"

#: eventType (lowercase) -> action; anything else is ``other``.
EVENT_ACTIONS: dict[str, str] = {
    **COMMON_EVENT_ACTIONS,
    "sortcolumn": "other", "applyfilter": "other",
    "activated": "focus", "focus changed": "focus", "fieldchange": "edit", "navigate to": "navigate",
}

#: Column layouts of Action Logger versions, for files written without a header line
#: (the logger's own field lists: the browser-only versions of 14 and 15 columns, the 19 of later ones).
_BROWSER = ("timeStamp", "userID", "targetApp", "url", "eventType")
_TARGET = ("target.tagName", "target.type", "target.name", "target.value", "target.innerText", "target.checked",
           "target.href", "target.option")
LAYOUTS: tuple[tuple[str, ...], ...] = (
    (*_BROWSER, "target.id", *_TARGET),
    (*_BROWSER, "target.id", "target.className", *_TARGET),
    ("timeStamp", "userID", "targetApp", "eventType", "url", "content", "target.workbookName", "target.sheetName",
     "target.id", "target.className", *_TARGET, "target.title"),
)

_CELL_EVENTS = {"getcell", "editcell", "copycell", "pasteintocell", "getrange", "editrange", "copyrange",
                "pasteintorange", "cutcell", "sortcolumn", "applyfilter"}
_TAB_EVENTS = {"selecttab", "createnewtab", "closetab", "selectworksheet", "addworksheet"}
_ALIASES = {"target.class": "target.className"}
# columns copied 1:1 into the contract (everything else is kept in attrs)
_CONSUMED = ("timeStamp", "userID", "eventType", "url", "caseID")


def _roles(t: pd.DataFrame, ev: pd.Series, app: pd.Series) -> np.ndarray:
    e = ev.str.lower().fillna("").to_numpy(dtype=object)
    excel_cell = ((app == "excel").to_numpy() & column(t, "target.sheetName").notna().to_numpy()
                  & column(t, "target.id").notna().to_numpy())
    dom = dom_roles(column(t, "target.tagName"), column(t, "target.type"), ev)
    roles = np.select([np.isin(e, list(_CELL_EVENTS)) | excel_cell, np.isin(e, list(_TAB_EVENTS))],
                      ["cell", "tab"], default=dom)
    return np.where(roles == "", "unknown", roles)


def _read_one(path: Path, qlog: QuarantineLog, *, tz: str | None) -> pd.DataFrame:
    got = read_timed(path, qlog, tz=tz, time_columns=("timeStamp",), required=("eventType",), aliases=_ALIASES,
                     layouts=LAYOUTS)
    if got is None:
        return pd.DataFrame()
    t, times = got[0].frame, got[1]
    raw_app = column(t, "targetApp")
    if got[0].headerless:  # the browser extension's own files: rows with a URL are Chrome's
        raw_app = raw_app.where(raw_app.notna() | column(t, "url").isna(), "Chrome")
    clip = raw_app.str.lower().eq("os-clipboard").fillna(False).to_numpy()
    app = normalise_app(raw_app)
    # a clipboard event happened in the application used just before it
    app = app.where(~clip).ffill().fillna(app)
    ev = column(t, "eventType")
    roles = _roles(t, ev, app)
    t = drop_secrets(t, roles == "password", ("target.value", "content", "target.innerHTML"))
    cell = column(t, "target.id")
    sheet = column(t, "target.sheetName")
    in_sheet = (roles == "cell") & sheet.notna().to_numpy() & cell.notna().to_numpy()
    element_id = cell.where(~in_sheet, sheet + "!" + cell)
    fields = {
        "user": column(t, "userID"),
        "app": app,
        "window": column(t, "target.workbookName"),
        "element_name": coalesce(t, ["target.name", "target.innerText", "target.title", "target.id"]),
        "element_id": element_id,
        "value": coalesce(t, ["target.value", "content"]),
        "url": column(t, "url"),
    }
    return ui_log_frame(t, times, path, FORMAT, raw_action=ev, action=map_values(ev, EVENT_ACTIONS, "other"),
                        roles=roles, fields=fields, consumed=_CONSUMED, keep=("caseID",))


read = file_reader(
    FORMAT, _read_one, module=__name__, what="Action Logger CSV files",
    files="One file is one session (its file name).",
    bad="wrong field count, bad or naive timestamps, bytes that are not UTF-8",
    tz="Zone for timestamps without an offset (the format writes UTC with ``Z``).")


def sniff(path: Path, head: bytes) -> bool:
    """True for a CSV whose header has ``eventType`` and ``targetApp`` (and a time column).

    Examples
    --------
    >>> sniff(Path("x.csv"), b"timeStamp,userID,targetApp,eventType\\n")
    True
    >>> sniff(Path("logs.csv"), b'1548300273232,,,"https://example.com","activated",,,,,,,,,\\n')
    True
    """
    fields = header_fields(head)
    names = set(fields)
    return ({"eventType", "targetApp"} <= names and "timeStamp" in names) or (
        headerless_layout(fields, LAYOUTS) is not None and bool(fields[LAYOUTS[0].index("eventType")].strip()))


SPEC = ReaderSpec(
    name=FORMAT,
    description="Action Logger CSV (timeStamp, userID, targetApp, eventType, target.*)",
    extensions=(".csv", ".csv.gz"),
    sniff=sniff,
    read=read,
    priority=30,
    layouts=LAYOUTS,
)
