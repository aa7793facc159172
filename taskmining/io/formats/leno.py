"""Leno et al.'s RPM UI logs (``format="leno"``): the segmented logs of the RPM_Segmentator tool.

Columns ``caseID`` (ground truth, kept as an extra column ``caseID``),
``eventType``, ``timeStamp`` (UTC with ``Z``), ``source`` (``Excel``,
``Web``, ...), ``Label``, ``Value``, ``Sheet``, ``FileName``, ``Url``,
``Column``, ``Row``, ``Found``, ``Key``, ``ref``, ``FilePath``,
``FileExtension``, ``NameFile``, ``lifecycle:transition``, in any order and
subset. One file is one session (its file name). Mapping rules are in
``docs/formats-readers.md``.

Examples
--------
>>> import os, tempfile
>>> p = os.path.join(tempfile.mkdtemp(), "log1_segmented.csv")
>>> _ = open(p, "w").write(
...     '"caseID","eventType","timeStamp","source","Sheet","Column","Row","Value"\\n'
...     '"0","copy","2019-02-19T03:38:31.823Z","Excel","Sheet1","A","5","ID1"\\n')
>>> ev = read([p]).events
>>> ev.loc[0, ["app", "action", "element_role", "element_id", "value", "caseID"]].tolist()
['excel', 'copy', 'cell', 'Sheet1!A5', 'ID1', '0']
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from taskmining.io._csv import header_fields, read_timed
from taskmining.io._mapping import (
    COMMON_EVENT_ACTIONS,
    coalesce,
    column,
    drop_secrets,
    map_values,
    normalise_app,
    ui_log_frame,
)
from taskmining.io._reader import file_reader
from taskmining.io.quarantine import QuarantineLog
from taskmining.io.registry import ReaderSpec

FORMAT = "leno"

#: eventType (lowercase) -> action. Every type in the nine published logs is listed.
EVENT_ACTIONS: dict[str, str] = {
    **COMMON_EVENT_ACTIONS,
    "openfile": "open", "gotourl": "navigate", "insertvalue": "edit", "insertboolvalue": "edit",
    "editfield": "edit", "copy": "copy", "copycell": "copy", "paste": "paste", "pasteintocell": "paste",
    "clickbutton": "click", "clicklink": "click", "getcell": "select", "selectcell": "select",
    "findvalue": "select", "presskey": "key", "savefile": "submit", "waitresponse": "other",
}
#: source -> app: the logs say only "Web" for the browser; the Action Logger that
#: recorded them is a Chrome extension.
SOURCE_APPS: dict[str, str] = {"web": "chrome", "excel": "excel"}

#: Labels of password fields (case-insensitive search).
PASSWORD_LABEL = r"password|passwd|passcode|^pwd$|^pin$"
_ROLE_BY_EVENT = {"clickbutton": "button", "clicklink": "link", "insertvalue": "edit", "editfield": "edit",
                  "insertboolvalue": "checkbox", "openfile": "document", "savefile": "document"}
_CONSUMED = ("eventType", "timeStamp", "Url", "caseID")


def _read_one(path: Path, qlog: QuarantineLog, *, tz: str | None) -> pd.DataFrame:
    got = read_timed(path, qlog, tz=tz, time_columns=("timeStamp",), required=("eventType",))
    if got is None:
        return pd.DataFrame()
    t, times = got[0].frame, got[1]
    ev = t["eventType"]
    app = normalise_app(column(t, "source"), SOURCE_APPS)
    has_cell = column(t, "Column").notna() & column(t, "Row").notna()
    cell = (column(t, "Column") + column(t, "Row")).where(has_cell)
    sheet = column(t, "Sheet")
    element_id = cell.where(sheet.isna() | ~has_cell, sheet + "!" + cell)
    by_event = map_values(ev, _ROLE_BY_EVENT, "unknown").fillna("unknown")
    roles = np.where(has_cell.to_numpy(), "cell", by_event.to_numpy(dtype=object))
    # a copy or paste on a labelled web field acts on that field
    web_field = (app == "chrome").to_numpy() & column(t, "Label").notna().to_numpy() & (roles == "unknown")
    roles = np.where(web_field & ev.str.lower().isin(["copy", "paste"]).to_numpy(), "edit", roles)
    # a field labelled as a password is a password field: its value is never kept
    secret = column(t, "Label").str.contains(PASSWORD_LABEL, case=False, regex=True).fillna(False).to_numpy()
    roles = np.where(secret, "password", roles)
    t = drop_secrets(t, secret, ("Value",))
    named_file = (column(t, "NameFile") + "." + column(t, "FileExtension")).fillna(column(t, "NameFile"))
    fields = {
        "app": app,
        "window": column(t, "FileName").fillna(named_file),
        "element_name": column(t, "Label").fillna(cell).fillna(named_file),
        "element_id": element_id,
        "value": coalesce(t, ["Value", "Key"]),
        "url": column(t, "Url"),
    }
    return ui_log_frame(t, times, path, FORMAT, raw_action=ev, action=map_values(ev, EVENT_ACTIONS, "other"),
                        roles=roles, fields=fields, consumed=_CONSUMED, keep=("caseID",))


read = file_reader(
    FORMAT, _read_one, module=__name__, what="Leno RPM logs",
    files="One file is one session (its file name).",
    bad="wrong field count, bad timestamps, bytes that are not UTF-8",
    tz="Zone for timestamps without an offset (the logs write UTC with ``Z``).")


def sniff(path: Path, head: bytes) -> bool:
    """True for a CSV header with ``eventType``, ``timeStamp`` and ``source`` but no ``targetApp``.

    Examples
    --------
    >>> sniff(Path("x.csv"), b'"caseID","eventType","timeStamp","source","Label"\\n')
    True
    """
    fields = set(header_fields(head))
    return {"eventType", "timeStamp", "source"} <= fields and "targetApp" not in fields


SPEC = ReaderSpec(
    name=FORMAT,
    description="Leno et al. RPM UI logs (caseID, eventType, timeStamp, source, Label, Value, ...)",
    extensions=(".csv", ".csv.gz"),
    sniff=sniff,
    read=read,
    priority=50,
)
