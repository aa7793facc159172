"""Task-type names a manager reads: the business object, the purpose and the applications.

A segmenter names task types by what it sees first (``Switch to Outlook …
Click 'Vendor' in Chrome``). :func:`task_names` renames them from the
activity level (:mod:`taskmining.mining.activities`), never from step labels:

1. the **characteristic activity** of a task type is the activity with the
   highest ``case share x idf x purpose weight``: the share of the type's
   cases that contain it, ``log(1 + types / types where it is common)``
   (common: in at least 30 % of a type's cases), and a weight that prefers
   data entry (``Fill`` 1, ``Edit`` 0.9, ``Copy from`` 0.7, ``View`` 0.4);
   ties go to the alphabetically first label, so names are stable across runs;
2. the **business object** is that activity's screen name without masked
   values, numbers, file extensions, application names, the part after the
   first ``" - "`` (a site or application name) and words such as
   ``New`` or ``Untitled`` (``New Supplier Invoice - ERP`` -> ``Supplier
   Invoice``);
3. the **purpose** is a noun for the activity's verb: ``entry`` (Fill),
   ``update`` (Edit), ``look-up`` (Copy from), ``review`` (View);
4. the **applications** are those used in at least half of the type's
   cases, in the order the cases first use them (at most four).

The name is ``Object purpose (App -> App)``, e.g. ``Supplier invoice entry
(Outlook → Acrobat → Chrome)``. Two task types with the same name get the
next most characteristic activity's object added, then a number, so names
are unique within a recording.

Examples
--------
>>> import pandas as pd
>>> t = pd.DataFrame({
...     "case_id": [c for c in "abcde" for _ in range(2)], "task": ["Switch to Outlook … Click 'Vendor'"] * 10,
...     "action": ["copy", "paste"] * 5, "app": ["outlook", "chrome"] * 5,
...     "window": ["Invoice - Outlook", "New Supplier Invoice - ERP - Google Chrome"] * 5,
...     "timestamp": pd.date_range("2026-01-05", periods=10, freq="min", tz="UTC")})
>>> task_names(t)
{"Switch to Outlook … Click 'Vendor'": 'Supplier invoice entry (Outlook → Chrome)'}
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from taskmining.errors import MiningError
from taskmining.mining.activities import (
    ACTIVITY,
    ACTIVITY_ID,
    app_name,
    build_activities,
)
from taskmining.schema import APP, CASE_ID, TASK, TIMESTAMP

__all__ = ["task_names", "name_tasks", "PURPOSE"]

#: verb of the characteristic activity -> (purpose noun, weight)
PURPOSE: dict[str, tuple[str, float]] = {"Fill": ("entry", 1.0), "Edit": ("update", 0.9),
                                         "Copy from": ("look-up", 0.7), "View": ("review", 0.4)}
_COMMON = 0.3
_FILLER = {"new", "untitled", "message", "html", "xlsx", "xls", "docx", "doc", "pdf", "csv", "txt", "erp", "crm",
           "sap", "easy", "access", "google", "chrome", "excel", "outlook", "microsoft", "word", "teams",
           "acrobat", "reader", "adobe", "mozilla", "firefox", "edge", "inbox", "the", "application"}
_QUOTED = re.compile(r"'(.*)'")
_TOKEN = re.compile(r"[^\W\d_]+")


def _verb(label: str) -> str:
    for verb in sorted(PURPOSE, key=len, reverse=True):
        if label.startswith(verb + " "):
            return verb
    return "View"


def business_object(label: str) -> str:
    """The business object an activity label names (empty when only structure words remain).

    Examples
    --------
    >>> business_object("Fill 'New Supplier Invoice - ERP' in Chrome")
    'Supplier invoice'
    >>> business_object("Edit 'Expenses <name>.xlsx' in Excel"), business_object("View SAP")
    ('Expenses', '')
    """
    m = _QUOTED.search(label)
    if not m:
        return ""
    screen = re.sub(r"<[^>]*>", " ", m.group(1).split(" - ")[0])  # after " - ": the site or application
    words = [w for w in _TOKEN.findall(screen) if w.lower() not in _FILLER and len(w) > 1]
    words = [w for w in words if not (w.isupper() and len(w) <= 4)]  # codes such as RPT, PO
    if not words:
        return ""
    text = " ".join(words[:4])
    return text[:1].upper() + text[1:].lower() if not any(w.isupper() for w in words[1:]) else text


def _ranked(tasks: pd.DataFrame, task_col: str, case_col: str) -> tuple[pd.DataFrame, pd.Series]:
    cases = tasks[[case_col, ACTIVITY, task_col]].dropna(subset=[case_col, ACTIVITY]).drop_duplicates(
        [case_col, ACTIVITY])
    per = cases.groupby([task_col, ACTIVITY], observed=True).size().rename("cases").reset_index()
    n_cases = cases.groupby(task_col, observed=True)[case_col].nunique()
    per["share"] = per["cases"] / per[task_col].map(n_cases).astype(float)
    n_types = max(len(n_cases), 1)
    common = per[per["share"] >= _COMMON].groupby(ACTIVITY)[task_col].nunique()
    per["idf"] = np.log1p(n_types / per[ACTIVITY].map(common).fillna(0.5).astype(float))
    per["weight"] = [PURPOSE[_verb(a)][1] if business_object(a) else 0.2 for a in per[ACTIVITY]]
    per["score"] = per["share"] * per["idf"] * per["weight"]
    per = per.sort_values([task_col, "score", ACTIVITY], ascending=[True, False, True], kind="stable")
    return per, n_cases


def _apps(tasks: pd.DataFrame, task_col: str, case_col: str) -> dict[object, str]:
    if APP not in tasks.columns:
        return {}
    rows = tasks[[case_col, APP, TIMESTAMP, task_col]].dropna(subset=[case_col, APP]).sort_values(
        [case_col, TIMESTAMP], kind="stable")
    firsts = rows.drop_duplicates([case_col, APP])
    firsts = firsts.assign(pos=firsts.groupby(case_col, observed=True).cumcount())
    out: dict[object, str] = {}
    for task, group in firsts.groupby(task_col, observed=True):
        n = group[case_col].nunique()
        stats = group.groupby(APP, observed=True)["pos"].agg(["size", "mean"])
        stats = stats[stats["size"] >= 0.5 * n].sort_values(["mean", "size"], ascending=[True, False])
        names: list[str] = []
        for a in stats.index.astype(str):
            if app_name(a) not in names:
                names.append(app_name(a))
        out[task] = " → ".join(names[:4])
    return out


def task_names(tasks: pd.DataFrame, *, task_col: str = TASK, case_col: str = CASE_ID) -> dict[object, str]:
    """A readable, unique name for each task type: ``{old name: new name}``.

    Parameters
    ----------
    tasks : pandas.DataFrame
        A tasks frame (``task``, ``case_id``, ``timestamp``; ``app``,
        ``window``, ``url``, ``action`` make the names better). Activities
        are built unless the frame has ``activity``.
    task_col, case_col : str
        Column names.

    Returns
    -------
    dict
        Old task-type name -> new name, for every task type of the frame.

    Raises
    ------
    MiningError
        When ``task_col`` or ``case_col`` is missing.
    """
    for col in (task_col, case_col):
        if col not in tasks.columns:
            raise MiningError(f"task_names: column {col!r} is missing (columns: {list(tasks.columns)[:20]})")
    frame = tasks if ACTIVITY in tasks.columns and ACTIVITY_ID in tasks.columns else build_activities(
        tasks, case_col=case_col)
    per, _ = _ranked(frame, task_col, case_col)
    apps = _apps(frame, task_col, case_col)
    candidates: dict[object, list[str]] = {}
    for task, group in per.groupby(task_col, observed=True, sort=True):
        names = []
        for label in group[ACTIVITY]:
            obj = business_object(label)
            if obj:
                names.append(f"{obj} {PURPOSE[_verb(label)][0]}")
        candidates[task] = names or ["Desktop work"]
    out: dict[object, str] = {}
    used: set[str] = set()
    for task in sorted(candidates, key=lambda t: str(t)):
        first = candidates[task][0]
        where = f" ({apps[task]})" if apps.get(task) else ""
        name = first + where
        if name in used:
            for extra in candidates[task][1:3]:
                name = f"{first}, {extra.split(' ')[0].lower()}{where}"
                if name not in used:
                    break
        k = 2
        base = name
        while name in used:
            name = f"{base} {k}"
            k += 1
        used.add(name)
        out[task] = name
    return out


def name_tasks(tasks: pd.DataFrame, *, task_col: str = TASK, case_col: str = CASE_ID) -> pd.DataFrame:
    """A copy of ``tasks`` with task types renamed by :func:`task_names` (the old name in ``task_label``).

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"case_id": list("abcde"), "task": ["x … y"] * 5, "app": ["sap"] * 5,
    ...                   "action": ["type"] * 5, "window": ["Release Purchase Order - SAP"] * 5,
    ...                   "timestamp": pd.date_range("2026-01-05", periods=5, freq="s", tz="UTC")})
    >>> name_tasks(t)["task"].unique().tolist()
    ['Release purchase order entry (SAP)']
    """
    names = task_names(tasks, task_col=task_col, case_col=case_col)
    out = tasks.copy()
    out["task_label"] = tasks[task_col]
    out[task_col] = pd.array(tasks[task_col].map(names), dtype="string")
    return out
