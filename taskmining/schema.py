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

import re
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from taskmining._frames import (
    STRING_DTYPE,
    TIMESTAMP_DTYPE,
    as_category,
    as_utc,
    categorical_from_codes,
    filled_category,
    row_list,
    sessions_from_users,
)
from taskmining.errors import ParameterError, SchemaError

__all__ = [
    "EVENT_ID", "TIMESTAMP", "USER", "SESSION", "APP", "WINDOW", "ACTION",
    "ELEMENT_ROLE", "ELEMENT_NAME", "ELEMENT_ID", "VALUE", "URL", "SOURCE",
    "RAW_ACTION", "DURATION", "ATTRS",
    "STEP_ID", "STEP", "CASE_ID", "TASK",
    "COLUMNS", "STRING_DTYPE", "TIMESTAMP_DTYPE", "DTYPES", "ACTIONS", "ROLES",
    "SOURCES", "SORT_KEYS", "STRING_COLUMNS", "CATEGORY_COLUMNS", "empty_events", "validate_events", "as_utc",
    "as_category", "categorical_from_codes", "sessions_from_users", "filled_category",
    "LEVELS", "check_level",
    "TRUE_COLUMNS", "GROUND_TRUTH_ATTR_MEMBER", "is_ground_truth", "ground_truth_last", "ground_truth_columns",
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

#: The one meaning of ``level`` everywhere in the library: the unit one
#: activity of a result stands for. ``"event"``: one UI action (a row of the
#: events frame); ``"step"``: one step (consecutive actions on one element,
#: see :func:`taskmining.build_steps`); ``"app"``: consecutive steps of a case
#: in one application; ``"activity"``: consecutive steps of a case on one
#: screen, form or document that serve one purpose (see
#: :mod:`taskmining.mining.activities`), between the step and the task. Each
#: function accepts the levels it can produce and says so.
#: How finely steps themselves are labelled is a different knob, ``detail``.
LEVELS: tuple[str, ...] = ("event", "step", "activity", "app")


def check_level(level: object, allowed: Iterable[str], *, what: str) -> str:
    """Return ``level`` if it is one of ``allowed``, else raise :class:`ParameterError`.

    Parameters
    ----------
    level : object
        The value a caller passed as ``level=``.
    allowed : iterable of str
        The levels (a subset of :data:`LEVELS`) the function ``what`` supports.
    what : str
        The function's name, for the message.

    Examples
    --------
    >>> check_level("app", ("step", "app"), what="transition_graph")
    'app'
    >>> check_level("role", ("step", "app"), what="transition_graph")
    Traceback (most recent call last):
    ...
    taskmining.errors.ParameterError: transition_graph: level='role' is not one of 'step', 'app' (level is the unit one activity stands for; to label steps more or less finely use build_steps(detail=...))
    """
    options = tuple(allowed)
    unknown = [o for o in options if o not in LEVELS]
    if unknown:
        raise ParameterError(f"{what}: unknown level(s) {unknown} in the allowed set")
    if level not in options:
        hint = (" (level is the unit one activity stands for; to label steps more or less finely"
                " use build_steps(detail=...))")
        raise ParameterError(f"{what}: level={level!r} is not one of "
                             f"{', '.join(repr(o) for o in options)}{hint}")
    return str(level)


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

# str categories on every pandas (pandas 2.3 would infer object from a list)
_ACTION_DTYPE = pd.CategoricalDtype(pd.Index(list(ACTIONS), dtype=STRING_DTYPE))


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
        data[col] = pd.Series([], dtype=dtype)
    return pd.DataFrame(data)


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
            raise SchemaError(f"column {EVENT_ID!r}: missing ids in {row_list(ids.isna(), index)}")
        try:
            ids = ids.astype("int64")
        except (TypeError, ValueError) as exc:
            raise SchemaError(f"column {EVENT_ID!r}: not integers ({exc})") from None
        dup = ids.duplicated(keep=False)
        if dup.any():
            raise SchemaError(f"column {EVENT_ID!r}: duplicate ids in {row_list(dup, index)}")
        out[EVENT_ID] = ids
    else:
        out[EVENT_ID] = pd.Series(np.arange(n, dtype="int64"))

    out[TIMESTAMP] = as_utc(src[TIMESTAMP], tz=tz)
    nat = out[TIMESTAMP].isna()
    if nat.any():
        raise SchemaError(f"column {TIMESTAMP!r}: missing or nonexistent times in {row_list(nat, index)}")

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
        raise SchemaError(f"column {ACTION!r}: missing actions in {row_list(act.isna(), index)}")
    known = act_str.isin(ACTIONS)
    if not known.all():
        first = act_str[~known].iloc[0]
        raise SchemaError(
            f"column {ACTION!r}: values outside the action vocabulary in {row_list(~known, index)} "
            f"(first: {first!r}); map them to one of click, double_click, ... or 'other'"
        )
    out[ACTION] = pd.Series(pd.Categorical(act_str, dtype=_ACTION_DTYPE))

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
            raise SchemaError(f"column {DURATION!r}: not numbers in {row_list(bad, index)}") from None
        neg = out[DURATION] < 0
        if neg.any():
            raise SchemaError(f"column {DURATION!r}: negative durations in {row_list(neg, index)}")
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


# --- ground truth ---------------------------------------------------------------

#: Ground-truth columns of simulated recordings, in their column order; every ``true_*`` key is kept as a column.
TRUE_COLUMNS: tuple[str, ...] = ("true_step", "true_case", "true_task", "true_object")


def is_ground_truth(name: str) -> bool:
    """True for ground-truth keys (``true_step``, ``true_case``, ``true_task``, any ``true_*``).

    Examples
    --------
    >>> is_ground_truth("true_object"), is_ground_truth("attrs")
    (True, False)
    """
    return name.startswith("true_")


def ground_truth_last(names: list[str]) -> list[str]:
    """``names`` with the ground-truth columns moved to the end, the known ones in :data:`TRUE_COLUMNS` order.

    Records may leave out a missing value, so the order in which a reader
    first meets these keys says nothing; this order is the same for every file.

    Examples
    --------
    >>> ground_truth_last(["true_case", "app", "true_x", "true_step"])
    ['app', 'true_step', 'true_case', 'true_x']
    """
    truth = [n for n in names if is_ground_truth(n)]
    rank = {n: i for i, n in enumerate(TRUE_COLUMNS)}
    truth.sort(key=lambda n: rank.get(n, len(rank)))  # stable: other true_* keep the order they came in
    return [n for n in names if not is_ground_truth(n)] + truth

_GROUND_TRUTH_NAMES = (
    r"true[_:. ].*|case[_:. ]?id|caseid|case|case:.*|concept:name|trace[_:. ]?id|routine[_:. ]?id"
    r"|task|task[_:. ]?id|task[_:. ]?type|instance[_:. ]?id|idx|label"
)
_GROUND_TRUTH = re.compile(rf"^({_GROUND_TRUTH_NAMES})$", re.IGNORECASE)

#: One ``"key": value`` member of an ``attrs`` JSON text whose key is a
#: ground-truth name (readers keep unmapped columns there); an RE2 pattern,
#: usable with pyarrow's string kernels.
GROUND_TRUTH_ATTR_MEMBER = (r'"(?i:' + _GROUND_TRUTH_NAMES.replace(".*", '[^"]*') + r')"\s*:\s*'
                            r'(?:"(?:[^"\\]|\\.)*"|[^,}]*)')


def ground_truth_columns(columns: Iterable[object]) -> list[str]:
    """Names among ``columns`` that hold ground truth (never shown to segmenters).

    ``true_*`` (simulator), ``caseID`` (Action Logger, Leno), ``case:*`` and
    ``concept:name`` (pm4py), ``Task`` and ``idx`` (labelled UI logs),
    ``trace_id``, ``task_id``, ``task_type``, ``routine_id``, ``instance_id``
    and ``label``, in any case. Our own ``case_id`` and ``task`` are not
    ground truth; :func:`taskmining.segment` removes them separately.

    Examples
    --------
    >>> ground_truth_columns(["timestamp", "caseID", "true_task", "case:concept:name", "case_id", "Task", "task"])
    ['caseID', 'true_task', 'case:concept:name', 'Task']
    """
    return [str(c) for c in columns if str(c) not in (CASE_ID, TASK) and _GROUND_TRUTH.match(str(c))]
