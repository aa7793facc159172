"""The events frame: column names, dtypes, the action vocabulary and validation.

One row per UI action, sorted by (``session``, ``timestamp``, ``event_id``).
Every reader returns this frame; every later stage adds columns to it and
never renames these. See ``docs/schema.md``.

Examples
--------
>>> import pandas as pd
>>> from taskmining.schema import validate_events
>>> raw = pd.DataFrame({
...     "timestamp": ["2026-01-05T09:00:01Z", "2026-01-05T09:00:00Z"],
...     "user": ["u1", "u1"], "session": ["s1", "s1"],
...     "app": ["excel", "excel"], "action": ["click", "type"],
... })
>>> ev = validate_events(raw)
>>> list(ev["action"])
['type', 'click']
>>> str(ev["timestamp"].dt.tz)
'UTC'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from taskmining.errors import SchemaError

__all__ = [
    "EVENT_ID", "TIMESTAMP", "USER", "SESSION", "APP", "WINDOW", "ACTION",
    "ELEMENT_ROLE", "ELEMENT_NAME", "ELEMENT_ID", "VALUE", "URL", "SOURCE",
    "RAW_ACTION", "DURATION", "ATTRS",
    "STEP_ID", "STEP", "CASE_ID", "TASK",
    "COLUMNS", "STRING_DTYPE", "TIMESTAMP_DTYPE", "DTYPES", "ACTIONS", "ROLES",
    "SOURCES", "SORT_KEYS", "STRING_COLUMNS", "CATEGORY_COLUMNS", "empty_events", "validate_events", "as_utc",
    "as_category", "categorical_from_codes", "sessions_from_users", "filled_category",
]

# --- column names -----------------------------------------------------------
EVENT_ID = "event_id"
TIMESTAMP = "timestamp"
USER = "user"
SESSION = "session"
APP = "app"
WINDOW = "window"
ACTION = "action"
ELEMENT_ROLE = "element_role"
ELEMENT_NAME = "element_name"
ELEMENT_ID = "element_id"
VALUE = "value"
URL = "url"
SOURCE = "source"
RAW_ACTION = "raw_action"
DURATION = "duration"
ATTRS = "attrs"

# Columns that later stages add (never renamed, never required by readers).
STEP_ID = "step_id"
STEP = "step"
CASE_ID = "case_id"
TASK = "task"

COLUMNS: tuple[str, ...] = (
    EVENT_ID, TIMESTAMP, USER, SESSION, APP, WINDOW, ACTION, ELEMENT_ROLE,
    ELEMENT_NAME, ELEMENT_ID, VALUE, URL, SOURCE, RAW_ACTION, DURATION, ATTRS,
)

#: pandas' string dtype with NaN as missing value: pandas 3's default ``str``,
#: backed by pyarrow (compact in memory, zero-copy to and from Arrow).
STRING_DTYPE = pd.StringDtype(storage="pyarrow", na_value=np.nan)
TIMESTAMP_DTYPE = pd.DatetimeTZDtype(unit="ns", tz="UTC")

#: The action vocabulary every reader maps its event types onto.
ACTIONS: tuple[str, ...] = (
    "click", "double_click", "right_click", "scroll", "key", "type", "copy",
    "cut", "paste", "focus", "app_switch", "open", "close", "navigate",
    "select", "edit", "submit", "idle", "other",
)

#: Common element roles (the column is open: readers may add others).
ROLES: tuple[str, ...] = (
    "button", "edit", "password", "cell", "link", "menu_item", "list_item",
    "tab", "checkbox", "radio", "combobox", "document", "window", "text",
    "table", "tree_item", "menu", "toolbar", "dialog", "unknown",
)

#: Known sources (the column is open: readers may add others).
SOURCES: tuple[str, ...] = (
    "uia", "atspi", "x11", "ocr", "actionlogger", "smartrpa", "activitywatch",
    "leno", "generic", "simulator",
)

#: Free-text columns: pandas ``str`` (pyarrow-backed).
STRING_COLUMNS: tuple[str, ...] = (
    WINDOW, ELEMENT_NAME, ELEMENT_ID, VALUE, URL, ATTRS,
)
#: Columns with few distinct values: categoricals with ``str`` categories in
#: lexical order (``action``'s categories are the vocabulary, in its order).
CATEGORY_COLUMNS: tuple[str, ...] = (USER, SESSION, APP, ACTION, ELEMENT_ROLE, SOURCE, RAW_ACTION)

DTYPES: dict[str, object] = {
    EVENT_ID: np.dtype("int64"),
    TIMESTAMP: TIMESTAMP_DTYPE,
    DURATION: np.dtype("float64"),
    **{c: STRING_DTYPE for c in STRING_COLUMNS},
    **{c: "category" for c in CATEGORY_COLUMNS},
}

SORT_KEYS: tuple[str, str, str] = (SESSION, TIMESTAMP, EVENT_ID)

_ACTION_DTYPE = pd.CategoricalDtype(list(ACTIONS))
_MAX_ROWS_SHOWN = 5


def empty_events() -> pd.DataFrame:
    """Return an events frame with no rows and every contract column.

    Examples
    --------
    >>> from taskmining.schema import empty_events, COLUMNS
    >>> ev = empty_events()
    >>> len(ev), tuple(ev.columns) == COLUMNS
    (0, True)
    """
    data: dict[str, pd.Series] = {}
    for col in COLUMNS:
        dtype = _ACTION_DTYPE if col == ACTION else DTYPES[col]
        data[col] = pd.Series([], dtype=dtype)  # type: ignore[call-overload]
    return pd.DataFrame(data)


def _rows(mask: np.ndarray | pd.Series, index: pd.Index) -> str:
    bad = index[np.asarray(mask, dtype=bool)]
    shown = ", ".join(str(i) for i in bad[:_MAX_ROWS_SHOWN])
    more = f" and {len(bad) - _MAX_ROWS_SHOWN} more" if len(bad) > _MAX_ROWS_SHOWN else ""
    return f"rows {shown}{more}"


def as_utc(values: pd.Series, *, tz: str | None = None, column: str = TIMESTAMP) -> pd.Series:
    """Parse a column of times into UTC ``datetime64[ns, UTC]``.

    Naive times (no offset) are an error unless ``tz`` names the zone they
    were recorded in; aware times are converted to UTC.

    Parameters
    ----------
    values : pandas.Series
        Strings, datetimes or epoch numbers are not accepted: strings and
        datetimes only.
    tz : str, optional
        IANA zone of naive times, e.g. ``"Europe/Berlin"``.
    column : str
        Column name used in error messages.

    Returns
    -------
    pandas.Series
        ``datetime64[ns, UTC]``, same index.

    Raises
    ------
    SchemaError
        On unparsable or naive times (without ``tz``), naming the rows.

    Examples
    --------
    >>> import pandas as pd
    >>> as_utc(pd.Series(["2026-01-05 10:00"]), tz="Europe/Berlin").iloc[0]
    Timestamp('2026-01-05 09:00:00+0000', tz='UTC')
    """
    s = values
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        out = s.dt.tz_convert("UTC")
    elif pd.api.types.is_datetime64_dtype(s.dtype):
        if tz is None:
            raise SchemaError(
                f"column {column!r}: timestamps have no timezone; pass tz= (e.g. tz='UTC' "
                "or tz='Europe/Berlin') to say where they were recorded"
            )
        out = s.dt.tz_localize(tz, ambiguous="NaT", nonexistent="NaT").dt.tz_convert("UTC")
    else:
        if pd.api.types.is_numeric_dtype(s.dtype) and len(s):
            raise SchemaError(
                f"column {column!r}: numeric timestamps are ambiguous; convert them with "
                "pandas.to_datetime(..., unit=...) first"
            )
        text = s.astype("string")
        try:
            parsed = pd.to_datetime(text, utc=True, format="ISO8601", errors="coerce")
        except (ValueError, TypeError):
            parsed = pd.to_datetime(text, utc=True, format="mixed", errors="coerce")
        bad = parsed.isna() & text.notna()
        if bad.any():
            raise SchemaError(f"column {column!r}: unparsable timestamps in {_rows(bad, s.index)} "
                              f"(first: {text[bad].iloc[0]!r})")
        has_offset = text.str.contains(r"(?:Z|[+-]\d\d:?\d\d)\s*$", regex=True, na=False)
        naive = text.notna() & ~has_offset
        if naive.any():
            if tz is None:
                raise SchemaError(
                    f"column {column!r}: naive timestamps (no UTC offset) in {_rows(naive, s.index)}; "
                    "pass tz= to say where they were recorded"
                )
            local = pd.to_datetime(text[naive], format="ISO8601", errors="coerce")
            parsed = parsed.copy()
            parsed[naive] = local.dt.tz_localize(tz, ambiguous="NaT", nonexistent="NaT").dt.tz_convert("UTC")
        out = parsed
    return out.astype(TIMESTAMP_DTYPE)


def categorical_from_codes(texts: Sequence[object] | np.ndarray, codes: np.ndarray, *,
                           categories: Sequence[str] | None = None, used_only: bool = False) -> pd.Categorical:
    """``texts[codes]`` as a categorical of ``str`` categories in lexical order (code ``-1``: missing).

    ``texts`` may repeat values (equal texts share a category) and hold
    ``None`` (missing). Every text is a category unless ``used_only``; with
    ``categories`` given, those are the categories and other texts become
    missing. When the texts already are the categories, the codes are used
    as they are (no remapping pass).

    Examples
    --------
    >>> c = categorical_from_codes(["b", "a", "b", None], np.array([0, 1, 2, 3, -1]))
    >>> list(c.categories), c.codes.tolist()
    (['a', 'b'], [1, 0, 1, -1, -1])
    >>> list(categorical_from_codes(["b", "a", "c"], np.array([1, 0]), used_only=True).categories)
    ['a', 'b']
    """
    texts = list(texts)
    codes = np.asarray(codes)
    keep = np.array([t is not None and not (isinstance(t, float) and np.isnan(t)) for t in texts], dtype=bool)
    if used_only:
        used = np.zeros(len(texts), dtype=bool)
        used[codes[codes >= 0]] = True
        keep &= used
    kept = np.flatnonzero(keep)
    labels = np.array([str(texts[i]) for i in kept], dtype=object)
    if categories is None:
        cats, inverse = np.unique(labels, return_inverse=True)
    else:
        cats = np.asarray(list(categories), dtype=object)
        pos = {c: i for i, c in enumerate(categories)}
        inverse = np.array([pos.get(t, -1) for t in labels], dtype=np.int64)
    if len(kept) != len(texts) or not np.array_equal(inverse, np.arange(len(cats))):  # not already in order
        # the smallest code type pandas would convert to anyway: the gather writes it directly
        lut = np.full(len(texts) + 1, -1, dtype=np.min_scalar_type(-max(len(cats), 1)))  # index -1 (missing) -> -1
        lut[kept] = inverse
        codes = lut[codes]
    return pd.Categorical.from_codes(codes, categories=pd.Index(cats, dtype=STRING_DTYPE))


def as_category(values: pd.Series) -> pd.Series:
    """``values`` as a categorical of ``str`` categories in lexical order (missing stays missing).

    Non-string values are converted with ``str``; a categorical already in
    that form is returned as it is (unused categories are kept).

    Examples
    --------
    >>> import pandas as pd
    >>> s = as_category(pd.Series(["b", None, "a", 3]))
    >>> s.cat.categories.tolist(), s.isna().tolist()
    (['3', 'a', 'b'], [False, True, False, False])
    """
    if isinstance(values.dtype, pd.CategoricalDtype):
        cats = values.cat.categories
        if pd.api.types.is_string_dtype(cats.dtype) and cats.is_monotonic_increasing:
            if cats.dtype == STRING_DTYPE:
                return values
            return values.cat.set_categories(cats.astype(STRING_DTYPE))
        return pd.Series(categorical_from_codes(list(cats), values.cat.codes.to_numpy()), index=values.index)
    if values.dtype != STRING_DTYPE:
        values = values.astype(object).where(values.notna(), None)
        values = values.map(lambda v: v if v is None or isinstance(v, str) else str(v))
    codes, uniques = pd.factorize(values, sort=True, use_na_sentinel=True)
    return pd.Series(pd.Categorical.from_codes(codes, categories=pd.Index(uniques, dtype=STRING_DTYPE)),
                     index=values.index)


def sessions_from_users(user: pd.Series) -> pd.Series:
    """The ``session`` column of a log that has none: one session per user (``session-0`` without a user).

    Examples
    --------
    >>> sessions_from_users(pd.Series(["u2", None, "u1"])).tolist()
    ['u2', 'session-0', 'u1']
    """
    return as_category(user.astype(object).where(user.notna(), "session-0"))


def filled_category(n: int, fill: object | None) -> pd.Series:
    """A categorical column of ``n`` rows all ``fill`` (all missing for ``None``).

    Examples
    --------
    >>> filled_category(2, "unknown").tolist(), filled_category(1, None).isna().tolist()
    (['unknown', 'unknown'], [True])
    """
    categories = pd.Index([] if fill is None else [str(fill)], dtype=STRING_DTYPE)
    codes = np.full(n, -1 if fill is None else 0, dtype=np.int8)
    return pd.Series(pd.Categorical.from_codes(codes, categories=categories))


def validate_events(
    df: pd.DataFrame,
    *,
    tz: str | None = None,
    sort: bool = True,
    defaults: Mapping[str, object] | None = None,
) -> pd.DataFrame:
    """Check a frame against the events-frame contract and return a normalised copy.

    Missing optional columns are added (missing values; ``event_id`` numbers
    the rows; ``session`` defaults to the user, then to ``"session-0"``),
    dtypes are set, timestamps are made UTC and rows are sorted by
    (``session``, ``timestamp``, ``event_id``). Extra columns are kept after
    the contract columns. The input is never modified.

    Parameters
    ----------
    df : pandas.DataFrame
        At least a ``timestamp`` and an ``action`` column.
    tz : str, optional
        Zone of naive timestamps; without it naive timestamps are an error.
    sort : bool, default True
        Sort rows by the contract order. With ``False`` the frame must already
        be sorted, otherwise :class:`SchemaError`.
    defaults : mapping, optional
        Values for missing contract columns, e.g. ``{"source": "generic"}``.

    Returns
    -------
    pandas.DataFrame
        A new frame meeting the contract.

    Raises
    ------
    SchemaError
        Naming the column and the first offending rows.

    Examples
    --------
    >>> import pandas as pd
    >>> ev = validate_events(pd.DataFrame({"timestamp": ["2026-01-05T09:00:00Z"],
    ...                                    "action": ["click"]}))
    >>> ev.loc[0, "session"], ev.loc[0, "event_id"]
    ('session-0', np.int64(0))
    >>> validate_events(pd.DataFrame({"timestamp": ["2026-01-05T09:00:00Z"],
    ...                               "action": ["jump"]}))
    Traceback (most recent call last):
    ...
    taskmining.errors.SchemaError: column 'action': values outside the action vocabulary in rows 0 (first: 'jump'); map them to one of click, double_click, ... or 'other'
    """
    if not isinstance(df, pd.DataFrame):
        raise SchemaError(f"expected a pandas DataFrame, got {type(df).__name__}")
    for required in (TIMESTAMP, ACTION):
        if required not in df.columns:
            raise SchemaError(f"column {required!r} is missing (columns: {list(df.columns)[:20]})")
    dup_cols = df.columns[df.columns.duplicated()]
    if len(dup_cols):
        raise SchemaError(f"column {dup_cols[0]!r} appears more than once")
    defaults = dict(defaults or {})
    n = len(df)
    out: dict[str, pd.Series] = {}
    index = pd.RangeIndex(n)
    src = df.reset_index(drop=True)

    # event_id
    if EVENT_ID in src.columns:
        ids = src[EVENT_ID]
        if ids.isna().any():
            raise SchemaError(f"column {EVENT_ID!r}: missing ids in {_rows(ids.isna(), index)}")
        try:
            ids = ids.astype("int64")
        except (TypeError, ValueError) as exc:
            raise SchemaError(f"column {EVENT_ID!r}: not integers ({exc})") from None
        dup = ids.duplicated(keep=False)
        if dup.any():
            raise SchemaError(f"column {EVENT_ID!r}: duplicate ids in {_rows(dup, index)}")
        out[EVENT_ID] = ids
    else:
        out[EVENT_ID] = pd.Series(np.arange(n, dtype="int64"))

    out[TIMESTAMP] = as_utc(src[TIMESTAMP], tz=tz)
    nat = out[TIMESTAMP].isna()
    if nat.any():
        raise SchemaError(f"column {TIMESTAMP!r}: missing or nonexistent times in {_rows(nat, index)}")

    for col in STRING_COLUMNS:
        if col in src.columns:
            s = src[col]
            if s.dtype != STRING_DTYPE:
                s = s.astype(object).where(s.notna(), None)
                s = s.map(lambda v: v if v is None or isinstance(v, str) else str(v))
                s = s.astype(STRING_DTYPE)
            out[col] = s
        else:
            fill = defaults.get(col)
            out[col] = pd.Series([fill] * n if fill is not None else np.full(n, np.nan), dtype=STRING_DTYPE)

    act = src[ACTION]
    act_str = act.astype(object)
    if act.isna().any():
        raise SchemaError(f"column {ACTION!r}: missing actions in {_rows(act.isna(), index)}")
    known = act_str.isin(ACTIONS)
    if not known.all():
        first = act_str[~known].iloc[0]
        raise SchemaError(
            f"column {ACTION!r}: values outside the action vocabulary in {_rows(~known, index)} "
            f"(first: {first!r}); map them to one of click, double_click, ... or 'other'"
        )
    out[ACTION] = pd.Series(pd.Categorical(act_str, categories=list(ACTIONS)))

    for col in CATEGORY_COLUMNS:
        if col == ACTION:
            continue
        if col in src.columns:
            out[col] = as_category(src[col])
        elif col == SESSION and SESSION not in defaults:
            out[col] = sessions_from_users(out[USER])
        else:
            out[col] = filled_category(n, defaults.get(col, "unknown" if col == ELEMENT_ROLE else None))

    if DURATION in src.columns:
        try:
            out[DURATION] = pd.to_numeric(src[DURATION], errors="raise").astype("float64")
        except (TypeError, ValueError):
            bad = pd.to_numeric(src[DURATION], errors="coerce").isna() & src[DURATION].notna()
            raise SchemaError(f"column {DURATION!r}: not numbers in {_rows(bad, index)}") from None
        neg = out[DURATION] < 0
        if neg.any():
            raise SchemaError(f"column {DURATION!r}: negative durations in {_rows(neg, index)}")
    else:
        out[DURATION] = pd.Series(np.full(n, np.nan))

    frame = pd.DataFrame({c: out[c].reset_index(drop=True) for c in COLUMNS})
    extras = [c for c in src.columns if c not in COLUMNS]
    if extras:
        frame = pd.concat([frame, src[extras].reset_index(drop=True)], axis=1)

    if n:
        session_codes, _ = pd.factorize(frame[SESSION], sort=True)
        order = np.lexsort((frame[EVENT_ID].to_numpy(), frame[TIMESTAMP].to_numpy(dtype="datetime64[ns]").view("int64"),
                            session_codes))
        if not np.array_equal(order, np.arange(n)):
            if not sort:
                first = int(np.nonzero(order != np.arange(n))[0][0])
                raise SchemaError(
                    f"rows are not sorted by (session, timestamp, event_id): first out of place at row {first}; "
                    "pass sort=True"
                )
            frame = frame.take(order).reset_index(drop=True)
    return frame
