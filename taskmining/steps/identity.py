"""Element identity: a stable, short, readable name for every UI element, also unnamed ones.

Real recorders often know an element only by its path: Action Logger writes
``/*[name()='HTML']/*[name()='BODY'][1]/*[name()='DIV'][3]/...`` for the
unnamed controls of an ERP web UI (SAP Fiori), SmartRPA writes
``/html[1]/body[1]/app-root[1]/.../form[1]/input[1]`` for a submit button,
and web forms may give their fields generated ``name`` attributes that change
from one visit to the next (rpachallenge.com: ``q06YN``, ``0Oc81``) while a
stable label sits in another attribute (``'ng-reflect-name': 'labelPhone'``).
Taken as they are, every click becomes its own class and nothing repeats.

:func:`element_names` gives each event the name its step label uses, the
first of:

1. a **label attribute** recorded with the element (``ng-reflect-name``,
   ``aria-label``, ``placeholder``, ``data-selector``, ``formcontrolname``);
2. the recorded **name** when it is not a path;
3. the **caption of a button** (its ``value`` when the input type is
   ``submit``, ``button`` or ``reset``: ``Submit``; without a value, the
   caption a browser shows, ``Submit`` or ``Reset``);
4. the **path**, shortened: tags in lower case, the last three components,
   indices stripped from the ancestors (rows of a table, items of a list
   and re-rendered containers then match) and kept on the element itself
   when above 1 (``form/input[2]`` stays apart from ``form/input``); an
   ``id("x")`` anchor becomes ``#x``.

Everything is computed once per distinct (name, id, attributes) value, with
Arrow regular expressions over the ``attrs`` text: no Python work per event.

Examples
--------
>>> import pandas as pd
>>> ev = pd.DataFrame({
...     "element_name": [None, "q06YN", "Amount"],
...     "element_id": ["/*[name()='HTML']/*[name()='BODY'][1]/*[name()='DIV'][3]/*[name()='TABLE'][1]"
...                    "/*[name()='TR'][7]/*[name()='INPUT'][1]", 'id("q06YN")', None],
...     "attrs": [None, "{\\"tag_attributes\\":\\"{'ng-reflect-name': 'labelPhone', 'name': 'q06YN'}\\"}", None]})
>>> element_names(ev).tolist()
['table/tr/input', 'labelPhone', 'Amount']
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from taskmining.schema import ATTRS, ELEMENT_ID, ELEMENT_NAME, STRING_DTYPE

__all__ = ["LABEL_ATTRIBUTES", "element_names", "is_path", "short_path"]

#: Attributes that hold a stable, human-given label of an element (first found wins).
LABEL_ATTRIBUTES: tuple[str, ...] = ("ng-reflect-name", "aria-label", "placeholder", "data-selector",
                                     "formcontrolname")

_PATH_START = re.compile(r"^\s*(?:/|id\(|\*\[name\(\)=)")
_COMPONENT = re.compile(
    r"""^(?:\*\[name\(\)\s*=\s*['"](?P<q>[^'"]+)['"]\]|(?P<t>[A-Za-z][\w:.-]*|\*))(?P<rest>(?:\[[^\]]*\])*)$""")
_INDEX = re.compile(r"\[(\d+)\]")
_ANCHOR = re.compile(r"""^id\(\s*['"]?(?P<id>[^'")]+)['"]?\s*\)$""")
_LABEL_RE = "(?:" + "|".join(re.escape(a) for a in LABEL_ATTRIBUTES) + r")'?\s*:\s*'(?P<v>[^']*[^'\s][^']*)'"
_CAPTION_RE = (r'"(?:tag_type|target\.type)"\s*:\s*"(?:submit|button|reset)".*?'
               r'"(?:tag_value|target\.value)"\s*:\s*"(?P<v>[^"]+)"')
_TYPE_RE = r'"(?:tag_type|target\.type)"\s*:\s*"(?P<v>submit|reset)"'
_HINT_RE = "|".join(re.escape(a) for a in LABEL_ATTRIBUTES) + r'|"(?:tag_type|target\.type)"\s*:\s*"(?:submit|button|reset)"'
_TAIL = 3


def is_path(text: object) -> bool:
    """True for an xpath-like element reference (``/html[1]/...``, ``id("x")/...``, ``*[name()='DIV']``).

    Examples
    --------
    >>> is_path("/html[1]/body[1]/div[2]"), is_path("Submit")
    (True, False)
    """
    return isinstance(text, str) and _PATH_START.match(text) is not None


def short_path(path: str, tail: int = _TAIL) -> str:
    """The short, index-stripped form of an element path (see the module docstring).

    Examples
    --------
    >>> short_path("/html[1]/body[1]/app-root[1]/div[2]/form[1]/input[1]")
    'div/form/input'
    >>> short_path("/*[name()='HTML']/*[name()='BODY'][1]/*[name()='FOOTER'][1]/*[name()='BUTTON'][2]")
    'body/footer/button[2]'
    >>> short_path('id("idLineBeguenstiger")/label[1]')
    '#idLineBeguenstiger/label'
    """
    parts = [p for p in re.split(r"/(?![^\[]*\])", path.strip()) if p]
    out: list[str] = []
    for i, part in enumerate(parts):
        anchor = _ANCHOR.match(part)
        if anchor is not None:
            out = [f"#{anchor.group('id')}"]
            continue
        m = _COMPONENT.match(part)
        if m is None:
            out.append(part.lower())
            continue
        tag = (m.group("q") or m.group("t")).lower()
        index = _INDEX.findall(m.group("rest") or "")
        if i == len(parts) - 1 and index and int(index[-1]) > 1:
            tag = f"{tag}[{index[-1]}]"
        out.append(tag)
    anchored = bool(out) and out[0].startswith("#")
    if anchored and len(out) > tail:
        return "/".join([out[0], *out[-(tail - 1):]])
    return "/".join(out[-tail:]) if out else path


def _paths(values: pd.Series) -> np.ndarray:
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return np.append(np.array([is_path(u) for u in uniques], dtype=bool), False)[codes]


def _pick(nm: object, ref: object, label: object, caption: object) -> str | None:
    if isinstance(label, str) and label.strip():
        return label.strip()
    if isinstance(nm, str) and nm.strip() and not is_path(nm):
        return nm
    if isinstance(caption, str) and caption.strip():
        return caption.strip()
    if is_path(nm) or is_path(ref):
        return short_path(str(nm if is_path(nm) else ref))
    return nm if isinstance(nm, str) and nm.strip() else None


def _extract(attrs: pa.Array, pattern: str) -> np.ndarray:
    found = pc.extract_regex(attrs, pattern)
    return np.asarray(pc.struct_field(found, [0]).to_numpy(zero_copy_only=False), dtype=object)


def _arrow(values: pd.Series) -> pa.Array:
    """``values`` as an Arrow string array (no copy for Arrow-backed ``str`` columns)."""
    try:
        arr = pa.array(values.array) if values.dtype == STRING_DTYPE else None
    except (TypeError, pa.ArrowException):
        arr = None
    if arr is None or not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
        arr = pa.array(values.astype(object).to_numpy(dtype=object), type=pa.large_string(), from_pandas=True)
    return arr


def _as_text(values: pd.Series) -> pd.Series:
    return values.astype(object).where(values.notna(), None)


def element_names(events: pd.DataFrame) -> pd.Series:
    """The name each event's element goes by in step labels (missing when nothing names it).

    Parameters
    ----------
    events : pandas.DataFrame
        Any of ``element_name``, ``element_id`` and ``attrs`` (JSON text).

    Returns
    -------
    pandas.Series
        ``str`` names, same index as ``events``.

    Examples
    --------
    >>> import pandas as pd
    >>> ev = pd.DataFrame({"element_name": [None, None], "element_id": ["/html[1]/body[1]/form[1]/input[1]", None],
    ...                    "attrs": ['{"tag_type":"submit","tag_value":"Send"}', '{"target.type":"submit"}']})
    >>> element_names(ev).tolist()
    ['Send', 'Submit']
    """
    n = len(events)
    none = pd.Series([None] * n, index=events.index, dtype=object)
    name = events[ELEMENT_NAME] if ELEMENT_NAME in events.columns else none
    eid = events[ELEMENT_ID] if ELEMENT_ID in events.columns else none
    # only rows whose name is missing or a path, or whose attributes hold a label, need work
    odd = _paths(name) | (name.isna().to_numpy() & _paths(eid))
    text = _arrow(events[ATTRS] if ATTRS in events.columns else none)
    # cheap literal tests first: label attributes sit in quoted dicts, captions next to a type key
    maybe = pc.or_(pc.match_substring(text, "'"), pc.match_substring(text, 'type"'))
    maybe = pc.fill_null(maybe, False).to_numpy(zero_copy_only=False)
    hinted = np.zeros(n, dtype=bool)
    if maybe.any():
        some = np.flatnonzero(maybe)
        found = pc.match_substring_regex(text.take(pa.array(some)), _HINT_RE)
        hinted[some] = pc.fill_null(found, False).to_numpy(zero_copy_only=False)
    rows = np.flatnonzero(odd | hinted)
    if len(rows) == 0:
        return name if name.dtype == STRING_DTYPE else name.astype(STRING_DTYPE)
    sub = text.take(pa.array(rows))
    label, caption = _extract(sub, _LABEL_RE), _extract(sub, _CAPTION_RE)
    default = _extract(sub, _TYPE_RE)  # a submit or reset input without a value shows the browser's caption
    bare = pd.isna(caption) & pd.notna(default)
    caption[bare] = [str(v).title() for v in default[bare]]
    result = _as_text(name).to_numpy(dtype=object).copy()
    key = pd.MultiIndex.from_arrays([result[rows], _as_text(eid.iloc[rows]).to_numpy(dtype=object), label, caption])
    codes = pd.factorize(key)[0]
    first = np.unique(codes, return_index=True)[1]
    out = np.array([_pick(*key[i]) for i in first], dtype=object)
    result[rows] = out[codes]
    return pd.Series(result, index=events.index, dtype=STRING_DTYPE)
