"""Mapping source fields onto the events frame: the column helpers every UI-log reader shares.

A reader turns its format's columns into the contract columns with these:
pick or combine source columns (:func:`column`, :func:`coalesce`), translate
values once per distinct value (:func:`map_values`, :func:`normalise_app`,
:func:`per_value`), decide element roles (:func:`dom_roles`), blank password
fields (:func:`drop_secrets`) and pack what is left into ``attrs``
(:func:`finish_frame`, :func:`pack_json`). :data:`APP_NAMES` and
:data:`COMMON_EVENT_ACTIONS` are the shared vocabularies.

Examples
--------
>>> import pandas as pd
>>> src = pd.DataFrame({"eventType": ["clickButton", "zoom"], "targetApp": ["Microsoft Excel", "Chrome"],
...                     "note": ["a", None]})
>>> f = finish_frame({"action": map_values(src["eventType"], COMMON_EVENT_ACTIONS, "other"),
...                   "app": normalise_app(src["targetApp"])}, src[["note"]])
>>> f.values.tolist()
[['click', 'excel', '{"note":"a"}'], ['other', 'chrome', nan]]
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from taskmining.io._apps import APP_NAMES, app_and_title, normalise_app
from taskmining.io._attrs import pack_attrs
from taskmining.schema import STRING_DTYPE

__all__ = [
    "APP_NAMES", "COMMON_EVENT_ACTIONS", "app_and_title", "coalesce", "column", "constant", "dom_roles", "drop_secrets",
    "finish_frame", "map_values", "normalise_app", "pack_json", "per_value", "ui_log_frame",
]


def column(frame: pd.DataFrame, name: str) -> pd.Series:
    """``frame[name]``, or an all-missing ``str`` column when there is no such column.

    Examples
    --------
    >>> column(pd.DataFrame({"a": ["x"]}), "b").isna().tolist()
    [True]
    """
    if name in frame.columns:
        return frame[name]
    return pd.Series(np.full(len(frame), np.nan), index=frame.index, dtype=STRING_DTYPE)


def coalesce(frame: pd.DataFrame, names: Iterable[str]) -> pd.Series:
    """The first non-missing value among the columns ``names`` (absent ones are skipped).

    Examples
    --------
    >>> coalesce(pd.DataFrame({"a": [None, "x"], "b": ["y", "z"]}), ["a", "b", "c"]).tolist()
    ['y', 'x']
    """
    out = column(frame, "\0none")
    for n in names:
        if n in frame.columns:
            out = out.fillna(frame[n].astype(STRING_DTYPE))
    return out


def per_value(values: pd.Series, fn: Callable[[Any], Any]) -> pd.Series:
    """Apply ``fn`` once per distinct non-missing value (missing stays missing).

    Examples
    --------
    >>> per_value(pd.Series(["a", "b", "a", None]), str.upper).tolist()
    ['A', 'B', 'A', nan]
    """
    codes, uniques = pd.factorize(values.astype(object), use_na_sentinel=True)
    table = np.array([fn(u) for u in uniques] + [None], dtype=object)
    return pd.Series(table[codes], index=values.index, dtype=STRING_DTYPE)  # code -1 picks None


def map_values(values: pd.Series, mapping: Mapping[str, str], default: str | None,
               *, lower: bool = True) -> pd.Series:
    """Map values through ``mapping`` once per distinct value.

    Keys are matched case-insensitively when ``lower``; unmapped values get
    ``default`` (``None`` keeps them as they are), missing ones stay missing.

    Examples
    --------
    >>> map_values(pd.Series(["ClickButton", "zoom", None]), {"clickbutton": "click"}, "other").tolist()
    ['click', 'other', nan]
    """
    table = {k.lower() if lower else k: v for k, v in mapping.items()}

    def one(u: Any) -> Any:
        hit = table.get(str(u).lower() if lower else str(u))
        return hit if hit is not None else (default if default is not None else u)

    return per_value(values, one)


def drop_secrets(frame: pd.DataFrame, secret: np.ndarray, columns: Iterable[str]) -> pd.DataFrame:
    """``frame`` with ``columns`` blanked in the rows of password fields (a copy when any is blanked).

    Examples
    --------
    >>> drop_secrets(pd.DataFrame({"v": ["a", "b"]}), np.array([False, True]), ["v", "w"])["v"].tolist()
    ['a', nan]
    """
    secret = np.asarray(secret, dtype=bool)
    present = [c for c in columns if c in frame.columns]
    if not secret.any() or not present:
        return frame
    frame = frame.copy()
    frame.loc[secret, present] = np.nan  # password values are never kept
    return frame


def dom_roles(tag: pd.Series, typ: pd.Series, event: pd.Series) -> np.ndarray:
    """Element roles from an HTML tag name, input type and event type (``""`` when undecided).

    Examples
    --------
    >>> s = lambda *v: pd.Series(v, dtype="str")
    >>> dom_roles(s("INPUT", "A", None), s("checkbox", None, None), s("click", "click", "clickButton")).tolist()
    ['checkbox', 'link', 'button']
    """
    tag_ = tag.str.lower().fillna("").to_numpy(dtype=object)
    typ_ = typ.str.lower().fillna("").to_numpy(dtype=object)
    ev = event.str.lower().fillna("").to_numpy(dtype=object)
    conditions = [
        typ_ == "password",
        (typ_ == "checkbox") | np.isin(ev, ["clickcheckbox", "clickcheckboxbutton"]),
        (typ_ == "radio") | (ev == "clickradiobutton"),
        (tag_ == "button") | np.isin(typ_, ["button", "submit", "reset"]) | (ev == "clickbutton"),
        (tag_ == "select") | (ev == "selectoptions"),
        tag_ == "option",
        (tag_ == "a") | (ev == "clicklink"),
        np.isin(tag_, ["input", "textarea"]) | np.isin(ev, ["clicktextfield", "editfield", "fieldinput",
                                                             "changefield", "typed"]),
    ]
    choices = ["password", "checkbox", "radio", "button", "combobox", "list_item", "link", "edit"]
    return np.select(conditions, choices, default="")


#: Event types shared by the UI-log formats (Action Logger, SmartRPA, Leno),
#: per action, as lowercase names separated by spaces.
_COMMON_EVENTS: dict[str, str] = {
    "click": "mouseclick click clickbutton clicktextfield clickcheckbox clickcheckboxbutton clickradiobutton"
             " clicklink link",
    "double_click": "doubleclick",
    "right_click": "rightclick contextmenu",
    "select": "selectoptions selecttext getcell getrange selectcell selectrange selectfile selectfolder",
    "edit": "editfield changefield editcell editrange editcellsheet insertvalue",
    "type": "fieldinput typed input",
    "key": "presskey keypress hotkey",
    "copy": "copy copycell copyrange",
    "cut": "cut cutcell",
    "paste": "paste pasteintocell pasteintorange",
    "open": "createnewtab newtab newwindow openfile openfolder openwindow openworkbook opendocument"
            " openpresentation programopen newworkbook newdocument newpresentation addworksheet",
    "focus": "selecttab selectworksheet activatewindow activateworkbook",
    "close": "closetab closewindow closeworkbook closedocument closepresentation programclose",
    "navigate": "gotourl navigateto changeurl reload urlhashchange changehistory followhiperlinksheet",
    "submit": "submit form_submit formsubmit savefile saveworkbook savedocument savepresentation",
    "scroll": "scroll",
}

#: Event type (lowercase) -> action, for the types all UI-log formats share.
#: Each reader adds its own.
COMMON_EVENT_ACTIONS: dict[str, str] = {
    event: action for action, events in _COMMON_EVENTS.items() for event in events.split()
}


def finish_frame(columns: Mapping[str, pd.Series], extra: pd.DataFrame) -> pd.DataFrame:
    """Contract columns plus ``attrs`` packed from ``extra`` (missing values left out).

    Examples
    --------
    >>> f = finish_frame({"action": pd.Series(["click"])}, pd.DataFrame({"x": ["1"], "y": [None]}))
    >>> f["attrs"].tolist()
    ['{"x":"1"}']
    """
    out = pd.DataFrame(dict(columns))
    out["attrs"] = pack_json(extra.reset_index(drop=True)).set_axis(out.index)
    return out



def ui_log_frame(t: pd.DataFrame, times: pd.Series, path: Path, fmt: str, *, raw_action: pd.Series,
                 action: pd.Series, roles: np.ndarray, fields: Mapping[str, pd.Series], consumed: Iterable[str],
                 keep: Iterable[str] = ()) -> pd.DataFrame:
    """The events-frame columns of one file of a UI-log format (Action Logger, SmartRPA, Leno).

    ``fields`` holds the columns each format maps its own way (``user``, ``app``,
    ``window``, ``element_name``, ``element_id``, ``value``, ``url``). The rest
    is the same for every format: ``timestamp`` is ``times``, ``session`` the
    file name up to its first dot, ``action`` is ``action`` with missing values
    as ``other``, ``element_role`` is ``roles``, ``raw_action`` the event type
    and ``source`` is ``fmt``. Columns of ``t`` not in ``consumed`` are packed
    into ``attrs``; columns named in ``keep`` (ground truth such as ``caseID``)
    are copied as they are when ``t`` has them.

    Examples
    --------
    >>> t = pd.DataFrame({"eventType": ["clickButton"], "caseID": ["3"], "x": ["10"]}, dtype="str")
    >>> f = ui_log_frame(t, pd.Series(pd.to_datetime(["2026-01-05T09:00Z"])), Path("log1.csv"), "leno",
    ...                  raw_action=t["eventType"], action=pd.Series([None], dtype="str"),
    ...                  roles=np.array(["button"]), fields={}, consumed=["eventType", "caseID"], keep=["caseID"])
    >>> f[["session", "action", "element_role", "raw_action", "source", "attrs", "caseID"]].values.tolist()
    [['log1', 'other', 'button', 'clickButton', 'leno', '{"x":"10"}', '3']]
    """
    n = len(t)
    cols: dict[str, pd.Series] = {
        "timestamp": times,
        "session": constant(path.name.split(".")[0], n),
        **fields,
        "action": action.fillna("other"),
        "element_role": pd.Series(roles, dtype=STRING_DTYPE),
        "source": constant(fmt, n),
        "raw_action": raw_action,
    }
    gone = set(consumed)
    frame = finish_frame(cols, t.drop(columns=[c for c in t.columns if c in gone]))
    for name in keep:
        if name in t.columns:
            frame[name] = t[name].to_numpy()
    return frame

_ESCAPES = [("\\", "\\\\"), ('"', '\\"'), ("\n", "\\n"), ("\r", "\\r"), ("\t", "\\t")]
_ESCAPES += [(chr(c), f"\\u{c:04x}") for c in range(32) if chr(c) not in "\n\r\t"]
_NEEDS_ESCAPE = '[\\x00-\\x1f"\\\\]'


def _lit(text: str) -> pa.Scalar:
    return pa.scalar(text, type=pa.large_string())


def _json_strings(values: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray | pa.Array:
    """JSON string literals of Arrow strings (nulls stay null), escaped with Arrow kernels."""
    if pc.any(pc.match_substring_regex(values, _NEEDS_ESCAPE)).as_py():
        controls = pc.any(pc.match_substring_regex(values, "[\\x00-\\x1f]")).as_py()
        for raw, escaped in _ESCAPES if controls else _ESCAPES[:2]:
            values = pc.replace_substring(values, raw, escaped)
    return pc.binary_join_element_wise(_lit('"'), values, _lit('"'), _lit(""))


def pack_json(extra: pd.DataFrame) -> pd.Series:
    """One JSON object per row of ``extra``, leaving out missing values; rows with nothing are missing.

    Text columns are escaped and joined with Arrow kernels (no loop per row);
    other columns go through pandas' JSON writer.

    Examples
    --------
    >>> pack_json(pd.DataFrame({"a": ['x"y', None], "n": [1, None]})).tolist()
    ['{"a":"x\\\\"y","n":1}', nan]
    """
    n = len(extra)
    if extra.shape[1] == 0 or n == 0:
        return pd.Series(np.full(n, np.nan), index=extra.index, dtype=STRING_DTYPE)
    members = []
    for name in extra.columns:
        col = extra[name]
        key = json.dumps(str(name), ensure_ascii=False) + ":"
        kind = "string" if col.dtype == STRING_DTYPE else pd.api.types.infer_dtype(col, skipna=True)
        if kind in ("string", "empty"):
            values = _json_strings(pa.array(col.astype(STRING_DTYPE).array, type=pa.large_string()))
        elif kind in ("integer", "boolean") or (kind == "floating" and pd.api.types.is_float_dtype(col.dtype)):
            arr = pa.array(col.astype("Int64" if kind == "integer" else col.dtype), from_pandas=True)
            if kind == "floating":
                arr = pc.if_else(pc.is_finite(arr), arr, pa.scalar(None, arr.type))
            values = pc.cast(arr, pa.large_string())
        else:
            text = pack_attrs(col.to_frame()).str.slice(len(key) + 1, -1)  # '{"k":v}' -> 'v'
            text = text.where(col.notna().to_numpy() & (text != "null"))
            values = pa.array(text.array, type=pa.large_string())
        member = pc.binary_join_element_wise(_lit(key), values, _lit(","), _lit(""))  # '"k":v,' or null
        members.append(pc.fill_null(member, _lit("")))
    body = pc.binary_join_element_wise(*members, _lit(""))
    body = pc.replace_substring_regex(body, ",$", "")
    packed = pc.binary_join_element_wise(_lit("{"), body, _lit("}"), _lit(""))
    out = pd.Series(pd.arrays.ArrowStringArray(packed.cast(pa.large_string())), index=extra.index)
    out = out.astype(STRING_DTYPE)
    return out.where(out != "{}")


def constant(value: str, n: int) -> pd.Series:
    """A ``str`` column of ``n`` times ``value``.

    Examples
    --------
    >>> constant("leno", 2).tolist()
    ['leno', 'leno']
    """
    return pd.Series([value] * n, dtype=STRING_DTYPE)
