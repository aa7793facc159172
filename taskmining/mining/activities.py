"""Activities: the abstraction level between the step and the task.

An **activity** is a run of consecutive steps of one task instance on one
*screen*: the same window (a form, a document, a list), or, where a source
records no window title, the same URL path, else the same application. The
screen is found from the UI structure alone, never from step labels:

1. the window title (digits shown as ``#``) without the application's own suffix (``" - Google
   Chrome"``: the last ``" - "`` part that most of the application's titles
   share), or the URL's host and path;
2. the words of that name that vary between task instances are masked
   (:func:`~taskmining.mining.masking.mask_varying`, slot = application
   within a task type when the frame has ``task``),
   so ``Expenses Anna Klein.xlsx`` and ``Expenses Ben Meyer.xlsx`` are one
   screen, ``Expenses <name>.xlsx``, and no record's values reach the label;
3. a step belongs to the screen of its first event; runs of steps on the
   same screen within a case form one activity.

Each screen serves one purpose, named by a verb chosen from what its steps
do across all instances (the majority over its runs): ``Fill`` (typing,
pasting, editing), ``Copy from`` (copying without typing), ``Edit`` (both)
or ``View`` (clicks, scrolls, navigation only). The label is
``Verb 'screen' in App``, e.g. ``Fill 'New Supplier Invoice - ERP' in Chrome``.

``level`` has one meaning across the library (:data:`taskmining.schema.LEVELS`):
the unit one activity of a result stands for; ``level="activity"`` is this one.

Examples
--------
>>> import pandas as pd
>>> from taskmining.mining.activities import build_activities
>>> t = pd.DataFrame({
...     "case_id": ["c1"] * 4, "step_id": [0, 1, 2, 3],
...     "step": ["Copy 'Amount' in Outlook", "Switch to Chrome", "Paste into 'Amount' in Chrome",
...              "Click 'Save' in Chrome"],
...     "action": ["copy", "app_switch", "paste", "click"],
...     "app": ["outlook", "chrome", "chrome", "chrome"],
...     "window": ["Invoice - Outlook", "New Invoice - ERP - Google Chrome",
...                "New Invoice - ERP - Google Chrome", "New Invoice - ERP - Google Chrome"],
...     "timestamp": pd.date_range("2026-01-05 09:00", periods=4, freq="10s", tz="UTC")})
>>> build_activities(t, min_instances=1).drop_duplicates("activity_id")["activity"].tolist()
["Copy from 'Invoice' in Outlook", "Fill 'New Invoice - ERP' in Chrome"]
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import numpy as np
import pandas as pd

from taskmining.errors import MiningError
from taskmining.mining.masking import DEFAULT_MIN_INSTANCES, mask_varying
from taskmining.schema import ACTION, APP, CASE_ID, SESSION, STEP, STEP_ID, TASK, TIMESTAMP, URL, WINDOW

__all__ = ["build_activities", "screens", "app_name", "ACTIVITY", "ACTIVITY_ID", "VERBS"]

ACTIVITY = "activity"
ACTIVITY_ID = "activity_id"

_DIGITS = re.compile(r"\d+")
_WRITE = {"type", "key", "paste", "edit", "cut"}
_COPY = {"copy"}
#: The verbs of activity labels, by what the screen's steps do.
VERBS = ("Fill", "Copy from", "Edit", "View")
_APP_NAMES = {"sap": "SAP", "crm": "CRM", "erp": "ERP", "chrome": "Chrome", "msedge": "Edge",
              "outlook": "Outlook", "excel": "Excel", "word": "Word", "teams": "Teams", "acrobat": "Acrobat"}


def app_name(app: object) -> str:
    """A display name for an application code.

    Examples
    --------
    >>> app_name("sap"), app_name("chrome"), app_name("notepad++"), app_name(None)
    ('SAP', 'Chrome', 'Notepad++', 'the application')
    """
    if not isinstance(app, str) or not app.strip():
        return "the application"
    low = app.strip().lower()
    if low in _APP_NAMES:
        return _APP_NAMES[low]
    return app if app != low else app[:1].upper() + app[1:]


def _strip_suffix(titles: pd.Series, apps: pd.Series) -> pd.Series:
    """Window titles without the application's common last ``" - "`` part (or the title alone)."""
    t_str = titles.astype("string")
    a_str = apps.astype("string").fillna("")
    frame = pd.DataFrame({"t": t_str, "a": a_str}).dropna(subset=["t"]).drop_duplicates()
    frame["last"] = frame["t"].str.rsplit(" - ", n=1).str[-1]
    suffix: dict[str, str] = {}
    for app_code, group in frame.groupby("a", sort=False):
        top = group["last"].value_counts()
        if len(top) and top.iloc[0] >= 0.5 * len(group):
            suffix[str(app_code)] = str(top.index[0])
    stripped: dict[tuple[str, str], str] = {}
    for t, a in zip(frame["t"], frame["a"]):
        s = suffix.get(a)
        if s is not None and t.endswith(" - " + s):
            stripped[(t, a)] = t[: -len(s) - 3].strip() or t
        elif s is not None and t == s:  # the application's home screen ("SAP Easy Access")
            stripped[(t, a)] = "" if t.lower() == app_name(a).lower() else t
        else:
            stripped[(t, a)] = t
    out = [stripped.get((t, a), t) if isinstance(t, str) else None for t, a in zip(t_str.tolist(), a_str.tolist())]
    return pd.Series(out, index=titles.index, dtype="string")


def _url_screen(urls: pd.Series) -> pd.Series:
    def one(u: object) -> str | None:
        if not isinstance(u, str) or not u:
            return None
        parts = urlsplit(u)
        return (parts.netloc + parts.path.rstrip("/")) or None
    distinct = urls.dropna().unique()
    mapping = {u: one(u) for u in distinct}
    return urls.map(mapping).astype("string")


def screens(tasks: pd.DataFrame, *, min_instances: int = DEFAULT_MIN_INSTANCES) -> pd.Series:
    """The masked screen name of each row (window title, else URL path, else empty).

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"app": ["excel"] * 6, "case_id": list("abcdef"),
    ...                   "window": [f"Expenses {n}.xlsx - Excel" for n in
    ...                              ["Ann Ro", "Ben Li", "Cai Wu", "Dan Ek", "Eva Oz", "Fay Ng"]]})
    >>> screens(t).unique().tolist()
    ['Expenses <name>.xlsx']
    """
    idx = tasks.index
    apps = tasks[APP] if APP in tasks.columns else pd.Series("", index=idx)
    name = pd.Series(pd.NA, index=idx, dtype="string")
    if WINDOW in tasks.columns:
        name = _strip_suffix(tasks[WINDOW], apps)
    if URL in tasks.columns:
        name = name.where(name.notna() & (name != ""), _url_screen(tasks[URL]))
    inst_col = CASE_ID if CASE_ID in tasks.columns else SESSION if SESSION in tasks.columns else None
    instances = tasks[inst_col].astype("string").fillna("") if inst_col else None
    slots = apps.astype("string").fillna("")
    if TASK in tasks.columns:  # the same position: one application within one task type
        slots = slots.str.cat(tasks[TASK].astype("string").fillna(""), sep="\x1f")
    masked = mask_varying(name, slots=slots, instances=instances, min_instances=min_instances)
    return masked.fillna("").str.replace(_DIGITS, "#", regex=True)


def _verb_of(write: pd.Series, copy: pd.Series) -> pd.Series:
    verb = np.where(write & copy, "Edit", np.where(write, "Fill", np.where(copy, "Copy from", "View")))
    return pd.Series(verb, index=write.index)


def build_activities(
    tasks: pd.DataFrame,
    *,
    min_instances: int = DEFAULT_MIN_INSTANCES,
    case_col: str = CASE_ID,
    timestamp_col: str = TIMESTAMP,
    step_id_col: str = STEP_ID,
) -> pd.DataFrame:
    """A copy of ``tasks`` with ``activity_id`` and ``activity`` (label) columns.

    Parameters
    ----------
    tasks : pandas.DataFrame
        A tasks frame (``case_id``, ``timestamp``; ``step_id``, ``app``,
        ``window``, ``url`` and ``action`` are used when present). Not modified.
    min_instances : int, default 5
        Passed to the masking of screen names (slots seen in fewer instances
        fail closed).
    case_col, timestamp_col, step_id_col : str
        Column names.

    Returns
    -------
    pandas.DataFrame
        ``tasks`` with ``activity_id`` (int64, -1 for rows outside a case,
        numbered in case then time order) and ``activity`` (string; missing
        outside a case).

    Raises
    ------
    MiningError
        When ``case_col`` or ``timestamp_col`` is missing.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"case_id": ["a", "a", "a"], "app": ["excel", "excel", "sap"],
    ...                   "action": ["click", "type", "click"],
    ...                   "timestamp": pd.date_range("2026-01-05", periods=3, freq="s", tz="UTC")})
    >>> build_activities(t)["activity"].tolist()
    ['Fill Excel', 'Fill Excel', 'View SAP']
    """
    for col in (case_col, timestamp_col):
        if col not in tasks.columns:
            raise MiningError(f"build_activities: column {col!r} is missing (columns: {list(tasks.columns)[:20]})")
    out = tasks.copy()
    n = len(out)
    screen = screens(out.rename(columns={case_col: CASE_ID}) if case_col != CASE_ID else out,
                     min_instances=min_instances)
    apps = out[APP].astype("string").fillna("") if APP in out.columns else pd.Series("", index=out.index)
    key = pd.Series(apps.to_numpy(), index=out.index).str.cat(screen, sep="\x1f")
    case = out[case_col]
    order = np.lexsort((np.arange(n), out[timestamp_col].to_numpy(), pd.factorize(case, sort=False)[0]))
    in_case = case.notna().to_numpy()[order]
    if step_id_col in out.columns:  # a step belongs to the screen of its first event
        first = out[step_id_col].iloc[order]
        key_o = key.iloc[order]
        key_o = key_o.groupby([pd.factorize(case.iloc[order])[0], first.to_numpy()], sort=False).transform("first")
        key_sorted = key_o.to_numpy()
    else:
        key_sorted = key.to_numpy()[order]
    key_codes, key_labels = pd.factorize(pd.Series(key_sorted))
    case_codes = pd.factorize(case.iloc[order])[0]
    new = np.ones(n, dtype=bool)
    if n > 1:
        new[1:] = (case_codes[1:] != case_codes[:-1]) | (key_codes[1:] != key_codes[:-1])
    new &= in_case
    run = np.cumsum(new) - 1
    act_id = np.where(in_case, run, -1)
    # the verb of each screen: majority over its runs of what the run's steps do
    action = out[ACTION].astype("string").fillna("").to_numpy()[order] if ACTION in out.columns else np.full(n, "")
    runs = pd.DataFrame({"run": act_id, "key": key_codes, "write": np.isin(action, list(_WRITE)),
                         "copy": np.isin(action, list(_COPY))})[in_case]
    per_run = runs.groupby("run", sort=False).agg(key=("key", "first"), write=("write", "any"), copy=("copy", "any"))
    per_run["verb"] = _verb_of(per_run["write"], per_run["copy"])
    verb = per_run.groupby("key")["verb"].agg(lambda s: s.value_counts().sort_index().idxmax())
    labels = {}
    for code, v in verb.items():
        app_code, _, scr = str(key_labels[int(code)]).partition("\x1f")
        where = f"'{scr}' in {app_name(app_code)}" if scr else app_name(app_code)
        labels[int(code)] = f"{v} {where}"
    label_sorted = pd.Series(key_codes).map(labels).to_numpy()
    activity = np.empty(n, dtype=object)
    activity[order] = np.where(in_case, label_sorted, None)
    ids = np.empty(n, dtype=np.int64)
    ids[order] = act_id
    out[ACTIVITY_ID] = ids
    out[ACTIVITY] = pd.array(activity, dtype="string")
    return out
