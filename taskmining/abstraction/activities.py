"""Activities: the abstraction level between the step and the task.

An **activity** is a run of consecutive steps of one task instance on one
*screen*: the same window (a form, a document, a list), or, where a source
records no window title, the same URL path, else the same application. The
screen is found from the UI structure alone, never from step labels:

1. the window title (digits shown as ``#``) without the application's own suffix (``" - Google
   Chrome"``: the last ``" - "`` part that most of the application's titles
   share), or the URL's host and path;
2. the words of that name that vary between task instances are masked
   (:func:`~taskmining.abstraction.masking.mask_varying`, slot = application
   within a task type when the frame has ``task``),
   so ``Expenses Anna Klein.xlsx`` and ``Expenses Ben Meyer.xlsx`` are one
   screen, ``Expenses <name>.xlsx``, and no record's values reach the label; a
   name of which no structural word is left (``<name> (#).<name>``) is no name:
   those screens are the application's (``View Edge``);
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
>>> from taskmining.abstraction.activities import build_activities
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
from taskmining.abstraction._combos import codes as _codes
from taskmining.abstraction._combos import combined_codes, first_of_pairs
from taskmining.abstraction.masking import DEFAULT_MIN_INSTANCES, mask_codes
from taskmining.schema import (
    ACTION,
    APP,
    CASE_ID,
    SESSION,
    STEP_ID,
    TASK,
    TIMESTAMP,
    URL,
    WINDOW,
)

__all__ = ["build_activities", "screens", "screen_codes", "app_name", "ACTIVITY", "ACTIVITY_ID", "VERBS"]

ACTIVITY = "activity"
ACTIVITY_ID = "activity_id"

_DIGITS = re.compile(r"\d+")
_PLACEHOLDER = re.compile(r"<(?:name|id)>")
_LETTER = re.compile(r"[^\W\d_]")
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


def _suffixes(titles: list[str | None], apps: list[str]) -> dict[str, str]:
    """Per application, the last ``" - "`` part that at least half of its distinct titles share."""
    by_app: dict[str, list[str]] = {}
    for t, a in zip(titles, apps):
        if t is not None:
            by_app.setdefault(a, []).append(t.rsplit(" - ", 1)[-1])
    out: dict[str, str] = {}
    for a, lasts in by_app.items():
        top = pd.Series(lasts).value_counts()
        if len(top) and top.iloc[0] >= 0.5 * len(lasts):
            out[a] = str(top.index[0])
    return out


def _screen_name(title: str | None, url: str | None, app: str, suffix: str | None) -> str | None:
    """The unmasked screen of one (window, url, app): the title without the app's suffix, else the URL path."""
    if title:
        if suffix is not None and title.endswith(" - " + suffix):
            return title[: -len(suffix) - 3].strip() or title
        if suffix is not None and title == suffix:  # the application's home screen ("SAP Easy Access")
            return None if title.lower() == app_name(app).lower() else title
        return title
    if url:
        parts = urlsplit(url)
        return (parts.netloc + parts.path.rstrip("/")) or None
    return None


def _sort_key(values: pd.Series, column: str) -> np.ndarray:
    """A column of datetimes as a sortable array (missing times last); anything else is a MiningError."""
    if not pd.api.types.is_datetime64_any_dtype(values.dtype):
        raise MiningError(f"build_activities: column {column!r} holds {values.dtype}, not datetimes; read or "
                          "validate the events first (taskmining.validate_events)")
    return values.to_numpy(dtype="datetime64[ns]")  # UTC instants; NaT sorts last


def _text(values: pd.Series) -> list[str | None]:
    return [v if isinstance(v, str) and v else None for v in values.astype(object).tolist()]


def screens(tasks: pd.DataFrame, *, min_instances: int = DEFAULT_MIN_INSTANCES) -> pd.Series:
    """The masked screen name of each row (window title, else URL path, else empty).

    Computed once per distinct (application, window, URL), then masked
    (:func:`~taskmining.abstraction.masking.mask_varying`) with the application
    within the task type as the slot.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"app": ["excel"] * 6, "case_id": list("abcdef"),
    ...                   "window": [f"Expenses {n}.xlsx - Excel" for n in
    ...                              ["Ann Ro", "Ben Li", "Cai Wu", "Dan Ek", "Eva Oz", "Fay Ng"]]})
    >>> screens(t).unique().tolist()
    ['Expenses <name>.xlsx']
    """
    code, shown = screen_codes(tasks, min_instances=min_instances)
    return pd.Series(shown[code], index=tasks.index, dtype=object)


def screen_codes(tasks: pd.DataFrame, *, min_instances: int = DEFAULT_MIN_INSTANCES) -> tuple[np.ndarray, np.ndarray]:
    """:func:`screens` as a code per row and the distinct masked screen names (``""``: no screen).

    Everything after the first factorisation works on distinct (application,
    window, URL) combinations and distinct masked names; no text is built per row.

    Examples
    --------
    >>> import pandas as pd
    >>> code, names = screen_codes(pd.DataFrame({"app": ["sap", "sap"], "window": ["Order 12", "Order 12"]}),
    ...                            min_instances=1)
    >>> code.tolist(), names.tolist()
    ([0, 0], ['Order #'])
    """
    cols = [c for c in (APP, WINDOW, URL) if c in tasks.columns]
    combo = combined_codes(tasks, cols)
    code, first = first_of_pairs(combo)
    firsts = tasks.iloc[first]
    none: list[str | None] = [None] * len(first)
    apps = _text(firsts[APP]) if APP in tasks.columns else none
    apps_s = [a or "" for a in apps]
    titles = _text(firsts[WINDOW]) if WINDOW in tasks.columns else none
    urls = _text(firsts[URL]) if URL in tasks.columns else none
    suffix = _suffixes(titles, apps_s)
    names = np.array([_screen_name(t, u, a, suffix.get(a)) for t, u, a in zip(titles, urls, apps_s)], dtype=object)
    has_name = np.array([n is not None for n in names], dtype=bool)
    t_code = np.where(has_name[code], code, -1)
    if not has_name.any():
        return np.zeros(len(tasks), dtype=np.int64), np.array([""], dtype=object)
    inst_col = CASE_ID if CASE_ID in tasks.columns else SESSION if SESSION in tasks.columns else None
    i_code = _codes(tasks[inst_col]) if inst_col else np.arange(len(tasks), dtype=np.int64)
    # the same position: one application within one task type
    s_code = combined_codes(tasks, [c for c in (APP, TASK) if c in tasks.columns])
    pair_code, masked = mask_codes(t_code, names, s_code, i_code, min_instances=min_instances)
    shown_code, shown = pd.factorize(np.array([_shown(m) for m in masked], dtype=object))
    return np.asarray(shown_code, dtype=np.int64)[pair_code], np.asarray(shown, dtype=object)


def _shown(masked: object) -> str:
    """A masked screen name as labels show it: digits as ``#``; nothing structural left (only masked
    values, numbers, punctuation), no name at all, so such screens are one: the application's."""
    if masked is None:
        return ""
    text = _DIGITS.sub("#", str(masked))
    return text if _LETTER.search(_PLACEHOLDER.sub("", text)) else ""


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
        When ``case_col`` or ``timestamp_col`` is missing, or the frame has
        none of ``app``, ``window`` and ``url`` (no UI structure to find
        screens in).

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
    if not any(c in tasks.columns for c in (APP, WINDOW, URL)):
        raise MiningError("build_activities: activities are found from the UI structure, and the frame has none of "
                          f"the columns {APP!r}, {WINDOW!r}, {URL!r}; use level='step' for this log")
    out = tasks.copy()
    n = len(out)
    screen, screen_names = screen_codes(out.rename(columns={case_col: CASE_ID}) if case_col != CASE_ID else out,
                                        min_instances=min_instances)
    apps = out[APP] if APP in out.columns else pd.Series("", index=out.index)
    key = combined_codes(pd.DataFrame({"a": _codes(apps), "s": screen}), ["a", "s"])
    _, key_first = first_of_pairs(key)
    key_app = _text(apps.iloc[key_first])
    key_screen = screen_names[screen[key_first]].tolist()
    case_codes_all = pd.factorize(out[case_col], sort=False)[0]
    order = np.lexsort((np.arange(n), _sort_key(out[timestamp_col], timestamp_col), case_codes_all))
    case_codes = case_codes_all[order]
    in_case = case_codes >= 0
    key_codes = key[order]
    if step_id_col in out.columns:  # a step belongs to the screen of its first event
        step_codes = pd.factorize(out[step_id_col])[0][order]
        new_step = np.ones(n, dtype=bool)
        new_step[1:] = (step_codes[1:] != step_codes[:-1]) | (case_codes[1:] != case_codes[:-1])
        key_codes = key_codes[np.maximum.accumulate(np.where(new_step, np.arange(n), 0))]
    new = np.ones(n, dtype=bool)
    if n > 1:
        new[1:] = (case_codes[1:] != case_codes[:-1]) | (key_codes[1:] != key_codes[:-1])
    new &= in_case
    run = np.cumsum(new) - 1
    act_id = np.where(in_case, run, -1)
    # the verb of each screen: majority over its runs of what the run's steps do
    if ACTION in out.columns:
        a_code, a_uniq = pd.factorize(out[ACTION])
        a_code = a_code[order]
        writes = np.append(np.isin(np.asarray(a_uniq, dtype=object), list(_WRITE)), False)[a_code]
        copies = np.append(np.isin(np.asarray(a_uniq, dtype=object), list(_COPY)), False)[a_code]
    else:
        writes = copies = np.zeros(n, dtype=bool)
    runs = pd.DataFrame({"run": act_id, "key": key_codes, "write": writes, "copy": copies})[in_case]
    per_run = runs.groupby("run", sort=False).agg(key=("key", "first"), write=("write", "any"), copy=("copy", "any"))
    per_run["verb"] = _verb_of(per_run["write"], per_run["copy"])
    verb = per_run.groupby("key")["verb"].agg(lambda s: s.value_counts().sort_index().idxmax())
    labels = np.full(len(key_first) + 1, None, dtype=object)
    for code, v in verb.items():
        scr, app_code = key_screen[int(code)], key_app[int(code)]
        where = f"'{scr}' in {app_name(app_code)}" if scr else app_name(app_code)
        labels[int(code)] = f"{v} {where}"
    label_sorted = labels[key_codes]
    activity = np.empty(n, dtype=object)
    activity[order] = np.where(in_case, label_sorted, None)
    ids = np.empty(n, dtype=np.int64)
    ids[order] = act_id
    out[ACTIVITY_ID] = ids
    out[ACTIVITY] = pd.array(activity, dtype="string")
    return out
