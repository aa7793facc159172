"""Action normalisation: what each event does, and which events continue a step.

The step rules of ``docs/steps.md``, vectorised over an events frame sorted
by (``session``, ``timestamp``, ``event_id``):

* a run of ``key`` events (not shortcuts) into the same element, with pauses
  of at most ``idle_gap``, is one step (``type`` when it has characters or
  digits, ``press`` otherwise);
* clicks on the same element within :data:`DOUBLE_CLICK` collapse into one
  ``double_click`` step;
* echoes continue the step they echo: a ``focus`` that repeats the preceding
  click or focus on the same element, an ``edit``/``type`` record that
  commits the text just typed or pasted into the same element, and exact
  duplicate events;
* shortcut keys are verbs (``ctrl+c`` is ``copy``, ``ctrl+s`` is ``save`` ...);
  a shortcut and the clipboard record it causes are one step;
* every other event is a step of its own (one row, one step: Action Logger
  and Leno logs whose rows are already high-level actions).

Examples
--------
>>> import pandas as pd
>>> ev = pd.DataFrame({
...     "session": ["s"] * 3,
...     "timestamp": pd.to_datetime(["2026-01-05 09:00:00", "2026-01-05 09:00:01",
...                                  "2026-01-05 09:00:02"], utc=True),
...     "action": ["key", "key", "click"], "app": ["erp"] * 3,
...     "element_name": ["Amount", "Amount", "Submit"],
...     "attrs": ['{"key_class":"digit"}', '{"key_class":"digit"}', None]})
>>> info = event_info(ev)
>>> step_starts(info, idle_gap=pd.Timedelta("60s")).tolist()
[True, False, True]
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from taskmining.schema import (
    ACTION,
    ACTIONS,
    APP,
    ATTRS,
    ELEMENT_ID,
    ELEMENT_NAME,
    ELEMENT_ROLE,
    RAW_ACTION,
    SESSION,
    TIMESTAMP,
    URL,
    VALUE,
    WINDOW,
)

__all__ = ["VERBS", "SHORTCUTS", "DOUBLE_CLICK", "ECHO_WINDOW", "event_info", "step_starts", "step_verbs"]

#: Step verbs: the action vocabulary plus verbs recognised from shortcuts and key runs.
VERBS: tuple[str, ...] = (*ACTIONS, "save", "undo", "redo", "select_all", "find", "print", "press")
_V = {v: i for i, v in enumerate(VERBS)}

#: Shortcut (``attrs.keys``, lower case, ``cmd`` read as ``ctrl``) -> step verb.
SHORTCUTS: dict[str, str] = {
    "ctrl+c": "copy", "ctrl+insert": "copy", "ctrl+x": "cut", "shift+delete": "cut",
    "ctrl+v": "paste", "shift+insert": "paste", "ctrl+s": "save", "ctrl+z": "undo",
    "ctrl+y": "redo", "ctrl+shift+z": "redo", "ctrl+a": "select_all", "ctrl+f": "find",
    "ctrl+p": "print", "ctrl+w": "close", "ctrl+o": "open", "ctrl+n": "open",
}

#: Largest pause between the clicks of a double click.
DOUBLE_CLICK = pd.Timedelta("500ms")
#: Largest pause between an action and its echo (focus after a click, clipboard
#: record after its shortcut).
ECHO_WINDOW = pd.Timedelta("2s")

_CLIPBOARD = np.array([_V["copy"], _V["cut"], _V["paste"]])
_CLICKS = np.array([_V["click"], _V["double_click"]])
_COMMITS = np.array([_V["edit"], _V["type"]])
_KEY_TEXT, _KEY_OTHER, _KEY_SHORTCUT = 1, 2, 3
#: Keys whose name may appear in a label (never a character: typed text stays unknown).
_NAMED_KEYS = (r"enter|return|tab|esc|escape|backspace|delete|del|insert|home|end|page_?up|page_?down"
               r"|(?:arrow_?)?(?:up|down|left|right)|f\d{1,2}")
_NAMED_KEYS_RE = re.compile(_NAMED_KEYS, re.IGNORECASE)


def _column(events: pd.DataFrame, name: str) -> pd.Series:
    if name in events.columns:
        return events[name]
    return pd.Series(np.full(len(events), np.nan, dtype=object), index=events.index)


def _codes(values: pd.Series) -> np.ndarray:
    """Integer codes of a column, missing values as -1 (for equality tests)."""
    return pd.factorize(values, use_na_sentinel=True)[0].astype(np.int64)


def _combine(*codes: np.ndarray) -> np.ndarray:
    """One code per distinct tuple of the given code arrays (each >= -1)."""
    out = codes[0]
    for c in codes[1:]:
        out = pd.factorize(out * (int(c.max(initial=-1)) + 2) + (c + 1))[0].astype(np.int64)
    return out


def _attr(attrs: pd.Series, key: str, rows: np.ndarray) -> np.ndarray:
    """The string value of ``attrs.<key>`` in ``rows`` (missing where absent)."""
    out = np.full(len(attrs), None, dtype=object)
    if not rows.any():
        return out
    try:
        arr = pa.array(attrs.array) if attrs.dtype == "str" else None
    except (TypeError, pa.ArrowException):
        arr = None
    if arr is None or not pa.types.is_string(arr.type) and not pa.types.is_large_string(arr.type):
        arr = pa.array(attrs.to_numpy(dtype=object), type=pa.string(), from_pandas=True)
    sub = arr.filter(pa.array(rows))
    found = pc.extract_regex(sub, rf'"{key}"\s*:\s*"(?P<v>[^"]*)"')
    out[np.flatnonzero(rows)] = pc.struct_field(found, [0]).to_numpy(zero_copy_only=False)
    return out


def event_info(events: pd.DataFrame) -> pd.DataFrame:
    """Per-event facts the step rules need, for a frame sorted by session and time.

    Parameters
    ----------
    events : pandas.DataFrame
        Sorted by (``session``, ``timestamp``, ``event_id``); at least
        ``timestamp`` and ``action``.

    Returns
    -------
    pandas.DataFrame
        Positional (``RangeIndex``) columns ``session`` (codes), ``ts`` (int64
        ns), ``verb`` (code into :data:`VERBS`), ``key`` (0 not a key,
        1 character/digit, 2 other key, 3 shortcut), ``element`` (code of
        app + element), ``dup`` (exact duplicate of the previous event),
        ``key_name`` (name of a non-character key such as ``enter``, else None).

    Examples
    --------
    >>> import pandas as pd
    >>> ev = pd.DataFrame({"timestamp": pd.to_datetime(["2026-01-05 09:00"] * 2, utc=True),
    ...                    "action": ["key", "copy"], "attrs": ['{"key_class":"shortcut","keys":"ctrl+c"}', None]})
    >>> [VERBS[v] for v in event_info(ev)["verb"]]
    ['copy', 'copy']
    """
    n = len(events)
    action = pd.Categorical(_column(events, ACTION).astype(object), categories=list(ACTIONS)).codes.astype(np.int64)
    action[action < 0] = _V["other"]
    verb = action.copy()
    is_key = action == _V["key"]
    key = np.zeros(n, dtype=np.int8)
    key_name = np.full(n, None, dtype=object)
    if is_key.any():
        attrs = _column(events, ATTRS)
        kclass = _attr(attrs, "key_class", is_key)
        keys = _attr(attrs, "keys", is_key)
        named = _attr(attrs, "(?:[Kk]ey)", is_key)
        if VALUE in events.columns:
            named = np.where(pd.isna(named), events[VALUE].to_numpy(dtype=object), named)
        rows = np.flatnonzero(is_key & pd.notna(named))
        if len(rows):
            codes, uniques = pd.factorize(pd.Series(named[rows], dtype=object).astype(str))
            allowed = np.array([_NAMED_KEYS_RE.fullmatch(u) is not None for u in uniques], dtype=bool)
            keep = allowed[codes]
            key_name[rows[keep]] = named[rows[keep]]
        text = np.isin(kclass, ["character", "digit"])
        mapped = np.full(n, -1, dtype=np.int64)
        has_keys = np.flatnonzero(pd.notna(keys))
        if len(has_keys):
            uniq, inverse = np.unique(keys[has_keys].astype(str), return_inverse=True)
            codes = np.array([_V.get(SHORTCUTS.get(u.lower().replace("cmd+", "ctrl+"), ""), -1) for u in uniq])
            mapped[has_keys] = codes[inverse]
        shortcut = is_key & ((kclass == "shortcut") | (mapped >= 0))
        key[is_key] = _KEY_OTHER
        key[is_key & text] = _KEY_TEXT
        key[shortcut] = _KEY_SHORTCUT
        known = shortcut & (mapped >= 0)
        verb[known] = mapped[known]
    elem = _combine(_codes(_column(events, APP)), _codes(_column(events, ELEMENT_ID)),
                    _codes(_column(events, ELEMENT_NAME)), _codes(_column(events, ELEMENT_ROLE)))
    ts = _column(events, TIMESTAMP).to_numpy(dtype="datetime64[ns]").view(np.int64)
    # missing sessions share code -1; no fillna, which a categorical column refuses on pandas 2.3
    session = _codes(_column(events, SESSION)) if SESSION in events.columns else np.zeros(n, np.int64)
    dup = np.zeros(n, dtype=bool)
    if n > 1:
        # exact duplicates: only pairs at the same time in the same session need a full comparison
        cand = np.flatnonzero((session[1:] == session[:-1]) & (ts[1:] == ts[:-1])
                              & (elem[1:] == elem[:-1]) & (action[1:] == action[:-1])) + 1
        if len(cand):
            same = np.ones(len(cand), dtype=bool)
            for col in (VALUE, WINDOW, URL, RAW_ACTION, ATTRS):
                if col in events.columns:
                    column = events[col]
                    a = column.iloc[cand].to_numpy(dtype=object)
                    b = column.iloc[cand - 1].to_numpy(dtype=object)
                    same &= (a == b) | (pd.isna(a) & pd.isna(b))
            dup[cand] = same
    return pd.DataFrame({"session": session, "ts": ts, "verb": verb, "action": action,
                         "key": key, "element": elem, "dup": dup, "key_name": key_name})


def step_starts(info: pd.DataFrame, *, idle_gap: pd.Timedelta) -> np.ndarray:
    """True where an event starts a new step (False: it continues the previous one).

    Examples
    --------
    >>> import pandas as pd
    >>> ev = pd.DataFrame({"timestamp": pd.to_datetime(["2026-01-05 09:00:00", "2026-01-05 09:00:00.2",
    ...                                                 "2026-01-05 09:00:00.3"], utc=True, format="ISO8601"),
    ...                    "action": ["click", "click", "focus"], "element_name": ["OK"] * 3})
    >>> step_starts(event_info(ev), idle_gap=pd.Timedelta("60s")).tolist()
    [True, False, False]
    """
    n = len(info)
    start = np.ones(n, dtype=bool)
    if n < 2:
        return start
    s = info["session"].to_numpy()
    ts = info["ts"].to_numpy()
    verb = info["verb"].to_numpy()
    action = info["action"].to_numpy()
    key = info["key"].to_numpy()
    elem = info["element"].to_numpy()
    dup = info["dup"].to_numpy()
    same = s[1:] == s[:-1]
    gap = ts[1:] - ts[:-1]
    same_el = elem[1:] == elem[:-1]
    cur_a, prev_a = action[1:], action[:-1]
    typing = (key[1:] > 0) & (key[1:] != _KEY_SHORTCUT) & (key[:-1] > 0) & (key[:-1] != _KEY_SHORTCUT)
    typing &= same_el & (gap <= idle_gap.value)
    clicks = np.isin(cur_a, _CLICKS) & np.isin(prev_a, _CLICKS) & same_el & (gap <= DOUBLE_CLICK.value)
    focus_echo = (cur_a == _V["focus"]) & (np.isin(prev_a, _CLICKS) | (prev_a == _V["focus"])
                                            | (prev_a == _V["right_click"]))
    focus_echo &= same_el & (gap <= ECHO_WINDOW.value)
    clip = np.isin(verb[1:], _CLIPBOARD) & (verb[1:] == verb[:-1]) & (gap <= ECHO_WINDOW.value)
    clip &= (key[1:] == _KEY_SHORTCUT) ^ (key[:-1] == _KEY_SHORTCUT)
    # the edit record that commits typed or pasted text into a field
    typed = ((key[:-1] > 0) & (key[:-1] != _KEY_SHORTCUT)) | (verb[:-1] == _V["paste"])
    commit = np.isin(cur_a, _COMMITS) & typed & same_el & (gap <= idle_gap.value)
    start[1:] = ~(same & (dup[1:] | typing | clicks | focus_echo | clip | commit))
    return start


def step_verbs(info: pd.DataFrame, codes: np.ndarray, n_steps: int) -> tuple[np.ndarray, np.ndarray]:
    """The verb (code into :data:`VERBS`) and character count of each step.

    ``codes`` gives each event's step (0..n_steps-1). The verb is that of the
    step's first event, except: a key run is ``type`` when it holds
    characters or digits and ``press`` otherwise; two or more clicks are a
    ``double_click``; a shortcut plus its clipboard record is the clipboard
    verb. Echoes (duplicates, focus echoes) do not count.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> ev = pd.DataFrame({"timestamp": pd.to_datetime(["2026-01-05 09:00"] * 2, utc=True),
    ...                    "action": ["click", "double_click"]})
    >>> verbs, chars = step_verbs(event_info(ev), np.array([0, 0]), 1)
    >>> VERBS[verbs[0]], int(chars[0])
    ('double_click', 0)
    """
    verb = info["verb"].to_numpy()
    key = info["key"].to_numpy()
    real = ~info["dup"].to_numpy()
    firsts = np.full(n_steps, -1, dtype=np.int64)
    order = np.arange(len(codes))[::-1]
    firsts[codes[order]] = order  # last write wins: the first event of each step
    out = verb[firsts].copy()
    chars = np.bincount(codes, weights=(real & (key == _KEY_TEXT)), minlength=n_steps).astype(np.int64)
    keyrun = (key[firsts] > 0) & (key[firsts] != _KEY_SHORTCUT)
    out[keyrun] = np.where(chars[keyrun] > 0, _V["type"], _V["press"])
    n_clicks = np.bincount(codes, weights=(real & np.isin(verb, _CLICKS)), minlength=n_steps)
    n_double = np.bincount(codes, weights=(verb == _V["double_click"]), minlength=n_steps)
    out[((n_clicks >= 2) | (n_double > 0)) & np.isin(out, _CLICKS)] = _V["double_click"]
    clip = np.zeros(n_steps, dtype=np.int64) - 1
    is_clip = np.isin(verb, _CLIPBOARD)
    clip[codes[is_clip]] = verb[is_clip]
    out = np.where(clip >= 0, clip, out)
    return out, chars
