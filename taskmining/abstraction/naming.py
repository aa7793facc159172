"""Task-type names a manager reads: the business object, the purpose and the applications.

A segmenter names task types by what it sees first (``Switch to Outlook …
Click 'Vendor' in Chrome``). :func:`task_names` renames them from the
activity level (:mod:`taskmining.abstraction.activities`), never from step labels:

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
from collections.abc import Collection

import numpy as np
import pandas as pd

from taskmining.errors import MiningError
from taskmining.abstraction.activities import (
    ACTIVITY,
    ACTIVITY_ID,
    app_name,
    build_activities,
)
from taskmining.abstraction.masking import masked_label_codes
from taskmining.schema import ACTION, APP, CASE_ID, STEP, STEP_ID, TASK, TIMESTAMP, URL, WINDOW

__all__ = ["task_names", "name_tasks", "rename_task_types", "business_object", "PURPOSE"]

#: verb of the characteristic activity -> (purpose noun, weight)
PURPOSE: dict[str, tuple[str, float]] = {"Fill": ("entry", 1.0), "Edit": ("update", 0.9),
                                         "Copy from": ("look-up", 0.7), "View": ("review", 0.4)}
_COMMON = 0.3
#: the share of a type's cases an activity must be in to name the type
_NAMING = 0.2
#: the name of a task type none of whose screens names an object, by its characteristic activity's verb
_GENERIC = {"Fill": "Form entry", "Edit": "Form update", "Copy from": "Data look-up", "View": "Screen review"}
_FILLER = {"new", "untitled", "message", "html", "xlsx", "xls", "docx", "doc", "pdf", "csv", "txt", "erp", "crm",
           "sap", "easy", "access", "google", "chrome", "excel", "outlook", "microsoft", "word", "teams",
           "acrobat", "reader", "adobe", "mozilla", "firefox", "edge", "inbox", "the", "application", "www", "com",
           "org", "net", "http", "https"}
_QUOTED = re.compile(r"'(.*)'")
_TOKEN = re.compile(r"[^\W\d_]+")
# a URL screen: host (a dotted name, localhost or an address, maybe a port) then the path
_URL = re.compile(r"^((?:[\w<>-]+\.)+[\w<>-]+(?::[#\d]+)?|localhost(?::[#\d]+)?|#(?:\.#)+(?::#)?)(/\S*)?$")
_PATH = re.compile(r"^(?:/?[A-Za-z]:[/\\]|\\\\|/(?:home|users|mnt|tmp|var)/|file:)", re.IGNORECASE)
_JOINERS = {"and", "or", "of", "to", "for", "in", "on", "at", "by", "with", "und", "oder", "von", "der", "die",
            "das", "le", "la", "de", "et"}
# folders every account has: a path that reaches one has named nothing of its own
_FOLDERS = {"users", "home", "onedrive", "documents", "desktop", "downloads", "dokumente", "file"}
_SECOND_LEVEL = {"co", "com", "org", "net", "ac", "gov", "edu"}
# a browser window that holds several tabs says so ("Inbox and 3 more pages")
_MORE_TABS = re.compile(r"\s+and\s+(?:#|\d+)\s+more\s+(?:pages?|tabs?|<name>)", re.IGNORECASE)


def _verb(label: str) -> str:
    for verb in sorted(PURPOSE, key=len, reverse=True):
        if label.startswith(verb + " "):
            return verb
    return "View"


def _words(text: str) -> list[str]:
    words = [w for w in _TOKEN.findall(re.sub(r"<[^>]*>", " ", text)) if w.lower() not in _FILLER and len(w) > 1]
    words = [w for w in words if not (w.isupper() and len(w) <= 4)]  # codes such as RPT, PO
    while words and words[0].lower() in _JOINERS:  # what joined masked values ("<name> and <name>")
        words = words[1:]
    while words and words[-1].lower() in _JOINERS:
        words = words[:-1]
    return words


def _site(host: str) -> list[str]:
    """The name of a web site: its registrable label (``leonardo.trisotech.com`` -> ``trisotech``)."""
    labels = [p if "<" not in p else "" for p in host.split(":")[0].lower().split(".") if p != "www"]
    if len(labels) > 1:
        labels = labels[:-1]  # the top-level domain
    while len(labels) > 1 and labels[-1] in _SECOND_LEVEL:
        labels = labels[:-1]
    return _words(labels[-1].replace("-", " ")) if labels and labels[-1] not in ("", "localhost") else []


def _object_words(screen: str) -> list[str]:
    """The words of a screen name that name a business object, by the kind of screen it is."""
    if _PATH.match(screen):  # a file path: its file, else the nearest folder that names something
        for part in reversed(re.split(r"[/\\]", screen.rstrip("/\\"))):
            words = [w for w in _words(part.rsplit(".", 1)[0] if "." in part else part)
                     if w.lower() not in _FOLDERS]
            if words or part.lower() in _FOLDERS:
                return words
        return []
    url = _URL.match(screen)
    if url:  # host/path: the site, then the first structural words of the path
        path = [w for w in _words(re.sub(r"[-_]", " ", url.group(2) or "")) if len(w) > 2]
        return _site(url.group(1)) + path[:1]
    screen = _MORE_TABS.sub(" ", screen)
    screen = re.sub(r"\([^)]*\)|(?<=\w)\.[A-Za-z]{2,5}\b", " ", screen)  # asides, file extensions
    return _words(screen.split(" - ")[0])  # after " - ": the site or application


def business_object(label: str) -> str:
    """The business object an activity label names (empty when only structure words remain).

    A window title gives its part before the first ``" - "``; a URL screen
    (``host/path``) the site's name and the first words of the path; a file
    path the file's name. Masked values, numbers, file extensions,
    application names and short codes are left out.

    Examples
    --------
    >>> business_object("Fill 'New Supplier Invoice - ERP' in Chrome")
    'Supplier invoice'
    >>> business_object("Edit 'Expenses <name>.xlsx' in Excel"), business_object("View SAP")
    ('Expenses', '')
    >>> business_object("View 'www.overleaf.com/project/<id>' in Chrome")
    'Overleaf project'
    >>> business_object("View 'C:/Users/<name>/Documents/Quarterly report.docx' in Explorer")
    'Quarterly report'
    """
    m = _QUOTED.search(label)
    if not m:
        return ""
    words = _object_words(m.group(1))
    if not words:
        return ""
    text = " ".join(words[:4])
    return text[:1].upper() + text[1:].lower() if not any(w.isupper() for w in words[1:]) else text


def _ranked(tasks: pd.DataFrame, task_col: str, case_col: str, *, col: str = ACTIVITY,
            weight: bool = True) -> tuple[pd.DataFrame, pd.Series]:
    """Per (task type, ``col`` value): its score, ``case share x idf (x purpose weight)``, best first."""
    cases = tasks[[case_col, col, task_col]].dropna(subset=[case_col, col]).drop_duplicates([case_col, col])
    per = cases.groupby([task_col, col], observed=True).size().rename("cases").reset_index()
    n_cases = cases.groupby(task_col, observed=True)[case_col].nunique()
    per["share"] = per["cases"] / per[task_col].map(n_cases).astype(float)
    n_types = max(len(n_cases), 1)
    common = per[per["share"] >= _COMMON].groupby(col)[task_col].nunique()
    per["idf"] = np.log1p(n_types / per[col].map(common).fillna(0.5).astype(float))
    per["weight"] = [PURPOSE[_verb(a)][1] if business_object(a) else 0.2 for a in per[col]] if weight else 1.0
    per["score"] = per["share"] * per["idf"] * per["weight"]
    per = per.sort_values([task_col, "score", col], ascending=[True, False, True], kind="stable")
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


def task_names(tasks: pd.DataFrame, *, task_col: str = TASK, case_col: str = CASE_ID,
               keep: Collection[str] = ()) -> dict[object, str]:
    """A readable, unique name for each task type: ``{old name: new name}``.

    Parameters
    ----------
    tasks : pandas.DataFrame
        A tasks frame (``task``, ``case_id``, ``timestamp``; ``app``,
        ``window``, ``url``, ``action`` make the names better). Activities
        are built unless the frame has ``activity``. Not modified.
    task_col, case_col : str
        Column names.
    keep : collection of str, optional
        Task types that keep their name (markers such as ``(noise)``); no
        other type is given one of these names. A type on rows outside
        every case (steps left out as noise) keeps its name too.

    Returns
    -------
    dict
        Old task-type name -> new name, for every task type of the frame.
        A frame without UI structure (no ``app``, ``window`` or ``url``)
        has no screens to name types from: its types are ``Desktop work``, told
        apart by the characteristic element of their steps (``Desktop work,
        'Save'``) or a number. A type whose screens name no object is named by
        what it does there (``Form entry (Chrome)``, ``Screen review (Edge)``).

    Raises
    ------
    MiningError
        When ``task_col`` or ``case_col`` is missing.

    Notes
    -----
    Names depend only on the frame's content, never on the segmenter's
    names or on row order: two task types with the same name are told apart
    in order of their number of cases (the larger keeps the plain name),
    then of their candidate names.
    """
    for col in (task_col, case_col):
        if col not in tasks.columns:
            raise MiningError(f"task_names: column {col!r} is missing (columns: {list(tasks.columns)[:20]})")
    cased = tasks[task_col][tasks[case_col].notna().to_numpy()]
    kept = {str(k) for k in keep} | {str(t) for t in pd.unique(tasks[task_col].dropna())
                                      if t not in set(pd.unique(cased.dropna()))}
    types = [t for t in pd.unique(tasks[task_col].dropna()) if str(t) not in kept]
    out: dict[object, str] = {t: str(t) for t in pd.unique(tasks[task_col].dropna()) if str(t) in kept}
    if not types:
        return out
    needed = [c for c in (case_col, task_col, TIMESTAMP, STEP_ID, STEP, APP, WINDOW, URL, ACTION, ACTIVITY, ACTIVITY_ID)
              if c in tasks.columns]
    rows = tasks[needed][tasks[task_col].isin(types).to_numpy()]
    n_cases = rows.groupby(task_col, observed=True)[case_col].nunique()
    candidates: dict[object, list[str]] = {t: [] for t in types}
    apps: dict[object, str] = {}
    verbs: dict[object, str] = {}
    web: set[object] = set()
    if any(c in rows.columns for c in (APP, WINDOW, URL)) and TIMESTAMP in rows.columns:
        frame = rows if ACTIVITY in rows.columns and ACTIVITY_ID in rows.columns else build_activities(
            rows, case_col=case_col)
        per, _ = _ranked(frame, task_col, case_col)
        apps = _apps(frame, task_col, case_col)
        if URL in frame.columns:  # types whose cases are on web pages mostly, for types without applications
            on_web = frame[URL].notna().groupby(frame[task_col], observed=True).mean()
            web = set(on_web[on_web >= 0.5].index)
        for task, group in per.groupby(task_col, observed=True, sort=False):
            verbs[task] = _verb(str(group[ACTIVITY].iloc[0]))
            usual = group[group["share"] >= _NAMING]  # a screen few cases visit does not name the type
            candidates[task] = list(dict.fromkeys(f"{obj} {PURPOSE[_verb(label)][0]}" for label in usual[ACTIVITY]
                                                  if (obj := business_object(label))))
    used: set[str] = set(kept)

    def rank(t: object) -> tuple[int, list[str], str]:
        return -int(n_cases.get(t, 0)), candidates[t], str(t)

    generic = {t for t in types if not candidates[t]}
    wanted = {t: candidates[t] or [_GENERIC[verbs[t]] if t in verbs else "Desktop work"] for t in types}
    wheres = {t: f" ({apps[t]})" if apps.get(t) else " (web)" if t in web else "" for t in types}
    plain = pd.Series({t: wanted[t][0] + wheres[t] for t in types}, dtype=object)
    # told apart by their elements: types whose names collide, and types whose screens name nothing
    apart = set(plain[plain.duplicated(keep=False)].index) | generic
    elements = _element_objects(rows[rows[task_col].isin(list(apart)).to_numpy()], task_col, case_col) \
        if apart else {}
    for task in sorted(types, key=rank):
        names, where = wanted[task], wheres[task]
        first = names[0]
        if task in generic and elements.get(task):
            first = f"{first} at '{elements[task][0]}'"
        name = first
        extras = [n.lower() for n in names[1:3] if n.split(" ")[0] != first.split(" ")[0]]
        extras += [f"'{e}'" for e in elements.get(task, [])[1 if task in generic else 0:3]]
        for extra in extras if name + where in used else ():
            name = f"{first}, {extra}"
            if name + where not in used:
                break
        k = 2
        base = name
        while name + where in used:
            name = f"{base} {k}"
            k += 1
        used.add(name + where)
        out[task] = name + where
    return out


def _element_objects(rows: pd.DataFrame, task_col: str, case_col: str) -> dict[object, list[str]]:
    """Per task type, the element names of its steps (masked: structure only), most characteristic first."""
    if STEP not in rows.columns or not len(rows):
        return {}
    codes, labels = masked_label_codes(rows, STEP, instance_col=case_col)
    quoted = [m.group(1) if (m := _QUOTED.search(str(v))) else "" for v in labels]
    shown = [q if q and _words(q) and "<" not in q else "" for q in quoted]
    frame = pd.DataFrame({case_col: rows[case_col].to_numpy(), task_col: rows[task_col].to_numpy(),
                          "element": np.asarray(shown, dtype=object)[codes]})
    frame = frame[frame["element"] != ""]
    if not len(frame):
        return {}
    per, _ = _ranked(frame, task_col, case_col, col="element", weight=False)
    return {t: g["element"].tolist() for t, g in per.groupby(task_col, observed=True, sort=False)}


def rename_task_types(tasks: pd.DataFrame, *, task_col: str = TASK, case_col: str = CASE_ID,
                      keep: Collection[str] = ()) -> pd.DataFrame:
    """A copy of ``tasks`` whose task types carry the :func:`task_names` (a categorical stays one).

    What :func:`taskmining.segment` applies to every segmenter's result.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"case_id": list("abcdef"), "task": ["x … y"] * 5 + ["(noise)"],
    ...                   "app": ["sap"] * 6, "action": ["type"] * 6,
    ...                   "window": ["Release Purchase Order - SAP"] * 6,
    ...                   "timestamp": pd.date_range("2026-01-05", periods=6, freq="s", tz="UTC")})
    >>> rename_task_types(t.astype({"task": "category"}), keep=["(noise)"])["task"].cat.categories.tolist()
    ['(noise)', 'Release purchase order entry (SAP)']
    """
    if task_col not in tasks.columns or not tasks[task_col].notna().any():
        return tasks.copy()
    names = task_names(tasks, task_col=task_col, case_col=case_col, keep=keep)
    out = tasks.copy(deep=False)  # a new column is assigned, the caller's frame is not touched
    column = tasks[task_col]
    if isinstance(column.dtype, pd.CategoricalDtype):
        used = column.cat.remove_unused_categories()
        out[task_col] = used.cat.rename_categories([names[c] for c in used.cat.categories])
    else:
        out[task_col] = pd.array(column.map(names), dtype="string")
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
