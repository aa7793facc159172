"""Business keys in desktop events: invoice, order and customer numbers (``extract_keys``),
and the documents (files) named in window titles (``documents``).

Keys are found in window titles, element names, field values, URLs and
clipboard content (the ``value`` of ``copy``/``cut``/``paste`` events) with
a regular expression or an extractor function per key type. Each distinct
text is searched once, so a title repeated on thousands of events costs one
search. Hashed values (``h:`` + 16 hex digits, privacy mode) are found as
key type ``"hashed"`` by :data:`HASHED`; :func:`~taskmining.export.link_to_process`
matches them against the process log's keys hashed with the same salt.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Literal, Union

import numpy as np
import pandas as pd

from taskmining.errors import ParameterError
from taskmining.export._check import as_str, check_choice, require_columns
from taskmining.schema import ELEMENT_NAME, URL, VALUE, WINDOW

__all__ = ["documents", "FILE_NAME", "DEFAULT_KEYS", "HASHED", "KEY_COLUMNS", "Extractor", "extract_keys"]

#: A regular expression (its first group, if any, is the key) or a function
#: from one text to the keys found in it.
Extractor = Union[str, "re.Pattern[str]", Callable[[str], Iterable[str]]]

#: Default key patterns, named like the object types of ERP/CRM logs. A
#: pattern with a group yields the group (the number as the system stores it:
#: ``Customer 84716`` -> ``84716``, ``PO 4576244887`` -> ``4576244887``).
DEFAULT_KEYS: dict[str, str] = {
    "invoice": r"\bINV-\d{4}-\d+\b|\bINV-?\d{3,}\b",
    "purchase_order": r"\b(?i:PO|purchase order)[ #:-]*(\d{4,})\b",
    "customer": r"\b(?i:customer|cust)(?i:omer number| no\.?)?[ #:-]*(\d{4,})\b",
    "expense_report": r"\bEXP-\d{4}-\d+\b",
    "report": r"\bRPT-\d{4}-\d+\b",
}
#: Where keys are looked for (those present in the frame).
KEY_COLUMNS: tuple[str, ...] = (WINDOW, ELEMENT_NAME, VALUE, URL)
#: Pattern of a salted hash token, found as key type ``"hashed"``.
HASHED = r"h:[0-9a-f]{16}"


def _compile(name: str, extractor: Extractor) -> Callable[[pd.Series], pd.DataFrame]:
    """A function from distinct texts to a frame of (position, key) matches."""
    if isinstance(extractor, (str, re.Pattern)):
        try:
            pattern = re.compile(extractor)
        except re.error as exc:
            raise ParameterError(f"keys[{name!r}]: invalid regular expression: {exc}") from None
        group = 1 if pattern.groups else 0
        wrapped = pattern.pattern if group else f"({pattern.pattern})"

        def by_regex(texts: pd.Series) -> pd.DataFrame:
            found = texts.str.extractall(re.compile(wrapped, pattern.flags))
            if found.empty:
                return pd.DataFrame({"u": np.array([], dtype="int64"), "key": []})
            return pd.DataFrame({"u": found.index.get_level_values(0).to_numpy(dtype="int64"),
                                 "key": found[0].to_numpy(dtype=object)})
        return by_regex
    if callable(extractor):
        def by_function(texts: pd.Series) -> pd.DataFrame:
            pos, keys = [], []
            for i, text in enumerate(texts):
                for key in extractor(text) or ():
                    pos.append(i)
                    keys.append(str(key))
            return pd.DataFrame({"u": np.asarray(pos, dtype="int64"), "key": keys})
        return by_function
    raise ParameterError(f"keys[{name!r}]: expected a regular expression or a function, "
                         f"got {type(extractor).__name__}")


def extract_keys(
    tasks: pd.DataFrame,
    keys: Mapping[str, Extractor] | None = None,
    *,
    columns: Sequence[str] | None = None,
    case_col: str | None = "case_id",
    by: Literal["row", "case"] = "row",
) -> pd.DataFrame:
    """Find business keys in the text columns of a tasks (or events) frame.

    Parameters
    ----------
    tasks : pandas.DataFrame
        Events with text columns such as ``window`` and ``value``.
    keys : mapping of str to regex or function, optional
        Key type -> extractor; default :data:`DEFAULT_KEYS`. A regex with a
        group yields the group, else the whole match.
    columns : sequence of str, optional
        Columns searched; default :data:`KEY_COLUMNS` (those present).
    case_col : str or None, default "case_id"
        Case column copied to the result (when present).
    by : {"row", "case"}, default "row"
        One row per key occurrence, or one row per (case, key type, key)
        with the number of occurrences and the columns they were found in.

    Returns
    -------
    pandas.DataFrame
        ``by="row"``: ``row`` (index label in ``tasks``), ``case_id``,
        ``key_type``, ``key``, ``column``. ``by="case"``: ``case_id``,
        ``key_type``, ``key``, ``n``, ``columns`` (comma-separated); rows
        without a case are left out.

    Examples
    --------
    >>> import pandas as pd
    >>> from taskmining.export import extract_keys
    >>> ev = pd.DataFrame({"case_id": ["c1", "c1", "c2"],
    ...                    "window": ["INV-2026-1001 - Outlook", "INV-2026-1001 - ERP", "PO 4576 - SAP"],
    ...                    "value": [None, "Customer 84716", None]})
    >>> extract_keys(ev, by="case")[["case_id", "key_type", "key", "n"]].values.tolist()
    [['c1', 'customer', '84716', 1], ['c1', 'invoice', 'INV-2026-1001', 2], ['c2', 'purchase_order', '4576', 1]]
    """
    check_choice(by, "by", ("row", "case"))
    keys = DEFAULT_KEYS if keys is None else keys
    if not keys:
        raise ParameterError("keys: give at least one key type (e.g. {'invoice': r'INV-\\d+'})")
    if columns is None:
        columns = [c for c in KEY_COLUMNS if isinstance(tasks, pd.DataFrame) and c in tasks.columns]
    require_columns(tasks, list(columns), what="extract_keys")
    extractors = {name: _compile(name, ex) for name, ex in keys.items()}
    parts = []
    for col in columns:
        codes, uniques = pd.factorize(as_str(tasks[col]))
        if not len(uniques):
            continue
        texts = pd.Series(np.asarray(uniques, dtype=object))
        rows = pd.DataFrame({"pos": np.flatnonzero(codes >= 0), "u": codes[codes >= 0]})
        for name, extract in extractors.items():
            found = extract(texts).drop_duplicates()
            if len(found):
                hit = rows.merge(found, on="u", how="inner")
                parts.append(pd.DataFrame({"pos": hit["pos"].to_numpy(), "key_type": name,
                                           "key": hit["key"].to_numpy(), "column": col}))
    has_case = case_col is not None and case_col in tasks.columns
    if parts:
        found = pd.concat(parts, ignore_index=True).sort_values(["pos", "key_type", "key"], kind="stable")
        pos = found["pos"].to_numpy()
    else:
        found = pd.DataFrame({"key_type": [], "key": [], "column": []})
        pos = np.array([], dtype="int64")
    out = pd.DataFrame({"row": tasks.index[pos],
                        "case_id": as_str(tasks[case_col]).to_numpy()[pos] if has_case else None,
                        "key_type": found["key_type"].to_numpy(dtype=object),
                        "key": found["key"].to_numpy(dtype=object),
                        "column": found["column"].to_numpy(dtype=object)})
    for col in ("case_id", "key_type", "key", "column"):
        out[col] = out[col].astype("str")
    if by == "row":
        return out.reset_index(drop=True)
    with_case = out.dropna(subset=["case_id"])
    names = sorted(set(columns))
    found_in = with_case["column"].to_numpy(dtype=object)
    flags = {f"_in{i}": found_in == name for i, name in enumerate(names)}  # where each key was found
    grouped = with_case[["case_id", "key_type", "key"]].assign(n=1, **flags).groupby(
        ["case_id", "key_type", "key"], sort=True, observed=True)
    result = grouped.agg(n=("n", "sum"), **{f: (f, "max") for f in flags})
    bits = sum(result[f].to_numpy().astype("int64") << i for i, f in enumerate(flags))
    labels = {code: ", ".join(n for i, n in enumerate(names) if code >> i & 1) for code in np.unique(bits)}
    result["columns"] = pd.Series(bits, index=result.index).map(labels).astype("str")
    result["n"] = result["n"].astype("int64")
    return result.drop(columns=list(flags)).reset_index()


#: A file name inside a window title (``Invoices.xlsx - Excel`` -> ``Invoices.xlsx``).
FILE_NAME = re.compile(r"([^\\/:*?\"<>|\[\]]+?\.(?:xlsx|xlsm|xls|csv|docx|doc|pdf|pptx|ppt|txt|msg|eml|xml|json))\b",
                       re.IGNORECASE)


def documents(windows: pd.Series) -> pd.Series:
    """The document behind each window title: the file name in it, else the whole title.

    Examples
    --------
    >>> documents(pd.Series(["Weekly report RPT-7.xlsx - Excel", "Inbox - Outlook", None])).tolist()
    ['Weekly report RPT-7.xlsx', 'Inbox - Outlook', nan]
    """
    codes, titles = pd.factorize(as_str(windows))
    text = pd.Series(np.asarray(titles, dtype=object))
    names = text.str.extract(FILE_NAME, expand=False).str.strip()
    names = names.where(names.notna() & (names != ""), text)
    out = np.full(len(codes), None, dtype=object)
    found = codes >= 0
    out[found] = names.to_numpy(dtype=object)[codes[found]]
    return pd.Series(out, index=windows.index, dtype="str")
