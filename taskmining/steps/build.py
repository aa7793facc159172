"""From actions to steps: ``build_steps`` and ``steps_table``.

``build_steps`` adds ``step_id`` and ``step`` (the readable label) to every
event; ``steps_table`` gives one row per step, the input of segmenters. The
step rules live in :mod:`taskmining.steps.normalize`, the labels in
:mod:`taskmining.steps.labels`, the copy -> paste pairing in
:mod:`taskmining.steps.transfers`; docs/steps.md describes them all.

Everything is vectorised (sorts, shifts, cumulative sums, per-step
reductions on integer codes): no Python work per event.

Examples
--------
>>> import pandas as pd
>>> ev = pd.DataFrame({
...     "session": ["s"] * 4, "app": ["outlook", "erp", "erp", "erp"],
...     "timestamp": pd.to_datetime(["2026-01-05 09:00:00", "2026-01-05 09:00:01",
...                                  "2026-01-05 09:00:05", "2026-01-05 09:00:06"], utc=True),
...     "action": ["copy", "app_switch", "paste", "click"],
...     "element_name": ["Invoice number", None, "Number", "Submit"],
...     "element_role": ["edit", "window", "edit", "button"],
...     "value": ["h:0123456789abcdef", None, "h:0123456789abcdef", None]})
>>> with_steps = build_steps(ev)
>>> with_steps["step"].tolist()
["Copy 'Invoice number' in Outlook", 'Switch to Erp', "Paste into 'Number' in Erp", "Click 'Submit' in Erp"]
>>> table = steps_table(with_steps)
>>> table["action"].tolist(), table["transfer_from"].tolist()
(['copy', 'app_switch', 'paste', 'click'], [<NA>, <NA>, 0, <NA>])
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from taskmining.errors import ParameterError, SchemaError
from taskmining.schema import (
    ACTION,
    APP,
    CASE_ID,
    DURATION,
    ELEMENT_ID,
    ELEMENT_NAME,
    ELEMENT_ROLE,
    EVENT_ID,
    RAW_ACTION,
    SESSION,
    STEP,
    STEP_ID,
    STRING_DTYPE,
    TASK,
    TIMESTAMP,
    TIMESTAMP_DTYPE,
    URL,
    USER,
    VALUE,
    WINDOW,
    categorical_from_codes,
    ground_truth_columns,
)
from taskmining.steps.identity import element_names
from taskmining.steps.labels import check_detail, label_codes
from taskmining.steps.normalize import VERBS, event_info, step_starts, step_verbs
from taskmining.steps.transfers import TRANSFER_COLUMNS, pair_transfers

__all__ = ["build_steps", "steps_table", "ground_truth_columns", "STEP_COLUMNS", "DEFAULT_IDLE_GAP"]

#: Largest pause inside one step (a key run pausing longer becomes two steps).
DEFAULT_IDLE_GAP = "60s"

STEP_COLUMNS: tuple[str, ...] = (
    STEP_ID, SESSION, USER, "start", "end", "duration", "n_events", STEP, APP, ACTION, ELEMENT_ROLE,
    ELEMENT_NAME, ELEMENT_ID, WINDOW, URL, "value_hash", "n_chars", *TRANSFER_COLUMNS,
)

_CONTEXT = (APP, ELEMENT_NAME, ELEMENT_ID, ELEMENT_ROLE, WINDOW, URL, RAW_ACTION, VALUE, USER, SESSION)
_VERB_DTYPE = pd.CategoricalDtype(list(VERBS))


def _timedelta(value: object, name: str) -> pd.Timedelta:
    try:
        td = pd.Timedelta(value, unit="s") if isinstance(value, (int, float)) else pd.Timedelta(value)
    except (TypeError, ValueError) as exc:
        raise ParameterError(f"{name}={value!r} is not a duration (e.g. '60s', '5min' or seconds): {exc}") from None
    if pd.isna(td) or td < pd.Timedelta(0):
        raise ParameterError(f"{name}={value!r} must be a non-negative duration")
    return td


def _check_events(events: pd.DataFrame, need: tuple[str, ...] = ()) -> None:
    if not isinstance(events, pd.DataFrame):
        raise SchemaError(f"expected an events DataFrame, got {type(events).__name__}")
    for col in (TIMESTAMP, ACTION, *need):
        if col not in events.columns:
            raise SchemaError(f"column {col!r} is missing (columns: {list(events.columns)[:20]}); "
                              "read files with taskmining.read_events or check frames with validate_events")
    ts = events[TIMESTAMP]
    if not isinstance(ts.dtype, pd.DatetimeTZDtype):
        raise SchemaError(f"column 'timestamp' must hold timezone-aware datetimes, got {ts.dtype}; "
                          "pass the frame through taskmining.validate_events(df, tz=...) first")
    if ts.isna().any():
        bad = list(events.index[ts.isna().to_numpy()][:5])
        raise SchemaError(f"column 'timestamp': missing times at rows {bad}")
    if events[ACTION].isna().any():
        bad = list(events.index[events[ACTION].isna().to_numpy()][:5])
        raise SchemaError(f"column 'action': missing actions at rows {bad}")


def _session_order(events: pd.DataFrame) -> np.ndarray:
    """Positions sorting ``events`` by (session, timestamp, event_id, position)."""
    n = len(events)
    pos = np.arange(n)
    ts = events[TIMESTAMP].to_numpy(dtype="datetime64[ns]").view(np.int64)
    eid = pos
    if EVENT_ID in events.columns and pd.api.types.is_integer_dtype(events[EVENT_ID].dtype):
        eid = events[EVENT_ID].to_numpy(dtype=np.int64)
    sess = pd.factorize(events[SESSION], sort=True)[0] if SESSION in events.columns else np.zeros(n, np.int64)
    return np.lexsort((pos, eid, ts, sess))


def _first_valid(values: pd.Series, codes: np.ndarray, firsts: np.ndarray) -> pd.Series:
    """Per step (``codes`` non-decreasing), the first non-missing value (dtype kept)."""
    take = firsts.copy()
    missing = values.isna().to_numpy()
    if missing[firsts].any():
        ok = ~missing
        uniq, idx = np.unique(codes[ok], return_index=True)
        fill = np.full(len(firsts), -1, dtype=np.int64)
        fill[uniq] = np.flatnonzero(ok)[idx]
        use = missing[firsts] & (fill >= 0)
        take[use] = fill[use]
    return values.take(take).reset_index(drop=True)


def _utc(ns: np.ndarray) -> pd.Series:
    return pd.Series(pd.DatetimeIndex(ns.view("datetime64[ns]")).tz_localize("UTC")).astype(TIMESTAMP_DTYPE)


def _aggregate(ev: pd.DataFrame, info: pd.DataFrame, codes: np.ndarray, extra: list[str]) -> pd.DataFrame:
    """One row per step from events sorted by step (``codes`` non-decreasing 0..k-1)."""
    n = len(codes)
    firsts = np.r_[0, np.flatnonzero(np.diff(codes)) + 1] if n else np.zeros(0, dtype=np.int64)
    k = len(firsts)
    verbs, chars = step_verbs(info, codes, k)
    ts = info["ts"].to_numpy()
    ends = ts
    if DURATION in ev.columns:  # interval sources (ActivityWatch): an event lasts its duration
        seconds = ev[DURATION].to_numpy(dtype=np.float64, na_value=np.nan)
        ends = ts + np.where(np.isfinite(seconds) & (seconds > 0), seconds * 1e9, 0).astype(np.int64)
    end = np.full(k, np.iinfo(np.int64).min)
    np.maximum.at(end, codes, ends)
    start = np.full(k, np.iinfo(np.int64).max)
    np.minimum.at(start, codes, ts)
    data: dict[str, object] = {
        "start": _utc(start), "end": _utc(end),
        "duration": (end - start) / 1e9,
        "n_events": np.bincount(codes, minlength=k).astype(np.int64),
        "verb": pd.Categorical.from_codes(verbs, dtype=_VERB_DTYPE),
        "n_chars": chars,
    }
    for col in (*_CONTEXT, *extra):
        if col in ev.columns:
            data[col] = _first_valid(ev[col].reset_index(drop=True), codes, firsts)
    single_press = (verbs == VERBS.index("press")) & (data["n_events"] == 1)
    data["key_name"] = np.where(single_press, info["key_name"].to_numpy(dtype=object)[firsts], None)
    return pd.DataFrame(data)


def build_steps(events: pd.DataFrame, detail: str = "element", *, idle_gap: object = DEFAULT_IDLE_GAP) -> pd.DataFrame:
    """Group actions into steps: a copy of ``events`` with ``step_id`` and ``step`` added.

    Parameters
    ----------
    events : pandas.DataFrame
        An events frame (any reader's output, or any frame with tz-aware
        ``timestamp`` and ``action``). Not modified; its row order and index
        are kept.
    detail : {"element", "role", "app"}
        Label abstraction: ``Click 'Submit' in Erp``, ``Click button in Erp``
        or ``Click in Erp``.
    idle_gap : str, number or Timedelta, default "60s"
        Largest pause inside one step (numbers are seconds).

    Returns
    -------
    pandas.DataFrame
        The events with ``step_id`` (int64, numbered in session/time order)
        and ``step`` (str label, never missing). Echo events (a focus
        repeating a click, exact duplicates) keep their row and carry the
        step id of the step they echo.

    Raises
    ------
    SchemaError
        Missing ``timestamp``/``action`` columns, naive or missing times.
    ParameterError
        Unknown ``detail`` or a bad ``idle_gap``.

    Examples
    --------
    >>> import pandas as pd
    >>> ev = pd.DataFrame({"session": ["s"] * 4,
    ...     "timestamp": pd.to_datetime(["2026-01-05 09:00:00", "2026-01-05 09:00:00.1",
    ...                                  "2026-01-05 09:00:01", "2026-01-05 09:00:01.2"], utc=True, format="ISO8601"),
    ...     "action": ["click", "focus", "key", "key"], "app": ["chrome"] * 4,
    ...     "element_name": ["Amount"] * 4, "element_role": ["edit"] * 4,
    ...     "attrs": [None, None, '{"key_class":"digit"}', '{"key_class":"digit"}']})
    >>> out = build_steps(ev)
    >>> out["step_id"].tolist(), out["step"].unique().tolist()
    ([0, 0, 1, 1], ["Click 'Amount' in Chrome", "Type in 'Amount' in Chrome"])
    >>> build_steps(ev, detail="role")["step"].iloc[-1]
    'Type in edit in Chrome'
    """
    check_detail(detail)
    gap = _timedelta(idle_gap, "idle_gap")
    _check_events(events)
    out = events.copy(deep=False)
    n = len(events)
    if n == 0:
        out[STEP_ID] = pd.Series([], dtype="int64", index=events.index)
        out[STEP] = pd.Series(pd.Categorical([], categories=pd.Index([], dtype=STRING_DTYPE)), index=events.index)
        return out
    order = _session_order(events)
    cols = [c for c in (TIMESTAMP, ACTION, SESSION, *_CONTEXT, "attrs", DURATION) if c in events.columns]
    ev = events[list(dict.fromkeys(cols))].iloc[order].reset_index(drop=True)
    if ELEMENT_NAME in ev.columns or ELEMENT_ID in ev.columns:  # unnamed and path-only elements get a name
        ev[ELEMENT_NAME] = element_names(ev)
    info = event_info(ev)
    codes = np.cumsum(step_starts(info, idle_gap=gap)) - 1
    steps = _aggregate(ev, info, codes, [])
    label_of_step, texts = label_codes(steps.assign(verb=steps["verb"].astype(str)), detail)
    step_id = np.empty(n, dtype=np.int64)
    step_id[order] = codes
    out[STEP_ID] = step_id
    out[STEP] = pd.Series(categorical_from_codes(texts, label_of_step[step_id], used_only=True), index=events.index)
    return out


def _value_hash(values: pd.Series, verbs: np.ndarray) -> pd.Series:
    """``h:`` hashes as they are; other values hashed (unsalted); none for key runs."""
    s = values.astype(STRING_DTYPE).reset_index(drop=True)
    s = s.where(~np.isin(verbs, ["type", "press"]))
    plain = (s.notna() & ~s.str.startswith("h:").fillna(False)).to_numpy()
    if plain.any():
        hashed = pd.util.hash_pandas_object(s[plain], index=False).to_numpy(dtype=np.uint64)
        uniq, inv = np.unique(hashed, return_inverse=True)
        s[plain] = np.array(["h:%016x" % int(h) for h in uniq], dtype=object)[inv]
    return s


def steps_table(events_with_steps: pd.DataFrame) -> pd.DataFrame:
    """One row per step of a frame returned by :func:`build_steps`.

    Parameters
    ----------
    events_with_steps : pandas.DataFrame
        Events with ``step_id`` and ``step`` columns.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`STEP_COLUMNS` (see docs/schema.md), then ``case_id``
        and ``task`` when the events have them, then ground-truth columns
        (:func:`ground_truth_columns`, first non-missing value per step).
        ``action`` is the step verb (the action vocabulary plus ``save``,
        ``undo``, ``redo``, ``select_all``, ``find``, ``print``, ``press``).
        Sorted by (``session``, ``start``, ``step_id``) with a RangeIndex.

    Examples
    --------
    >>> import pandas as pd
    >>> ev = pd.DataFrame({"session": ["s", "s"], "true_case": ["c1", "c1"],
    ...     "timestamp": pd.to_datetime(["2026-01-05 09:00:00", "2026-01-05 09:00:00.2"], utc=True, format="ISO8601"),
    ...     "action": ["click", "click"], "element_name": ["OK", "OK"], "app": ["erp", "erp"]})
    >>> t = steps_table(build_steps(ev))
    >>> t[["step", "n_events", "duration", "true_case"]].values.tolist()
    [["Double-click 'OK' in Erp", 2, 0.2, 'c1']]
    """
    _check_events(events_with_steps, need=(STEP_ID, STEP))
    events = events_with_steps
    if events[STEP_ID].isna().any():
        raise SchemaError("column 'step_id' has missing values; rebuild steps with build_steps(events)")
    extra = [c for c in (CASE_ID, TASK) if c in events.columns]
    extra += ground_truth_columns(c for c in events.columns if c not in extra)
    order = _session_order(events)
    cols = [c for c in (TIMESTAMP, ACTION, SESSION, STEP_ID, STEP, *_CONTEXT, "attrs", DURATION, *extra)
            if c in events.columns]
    ev = events[list(dict.fromkeys(cols))].iloc[order].reset_index(drop=True)
    info = event_info(ev)
    by_step = np.lexsort((np.arange(len(ev)), ev[STEP_ID].to_numpy(dtype=np.int64)))
    ev = ev.iloc[by_step].reset_index(drop=True)
    info = info.iloc[by_step].reset_index(drop=True)
    ids = ev[STEP_ID].to_numpy(dtype=np.int64)
    codes = np.cumsum(np.r_[True, ids[1:] != ids[:-1]]) - 1 if len(ids) else np.zeros(0, dtype=np.int64)
    agg = _aggregate(ev, info, codes, [STEP, *extra])
    k = len(agg)
    firsts = np.r_[0, np.flatnonzero(np.diff(codes)) + 1] if len(codes) else np.zeros(0, dtype=np.int64)
    verbs = agg["verb"].astype(str).to_numpy()

    def col(name: str, dtype: object = STRING_DTYPE) -> pd.Series:
        if name in agg.columns:
            values = agg[name]
            return values if values.dtype == dtype else values.astype(object).astype(dtype)
        return pd.Series(np.full(k, np.nan), dtype=dtype)

    table = pd.DataFrame({
        STEP_ID: ids[firsts],
        SESSION: col(SESSION) if SESSION in agg.columns else pd.Series(["session-0"] * k, dtype=STRING_DTYPE),
        USER: col(USER),
        "start": agg["start"], "end": agg["end"], "duration": agg["duration"].astype("float64"),
        "n_events": agg["n_events"], STEP: col(STEP),
        APP: col(APP, "category"), ACTION: agg["verb"],
        ELEMENT_ROLE: col(ELEMENT_ROLE, "category"),
        ELEMENT_NAME: col(ELEMENT_NAME), ELEMENT_ID: col(ELEMENT_ID), WINDOW: col(WINDOW), URL: col(URL),
        "value_hash": _value_hash(agg[VALUE] if VALUE in agg.columns else pd.Series(np.full(k, None)), verbs),
        "n_chars": agg["n_chars"].astype(np.int64),
    })
    session_codes = pd.factorize(table[SESSION], sort=True)[0]
    perm = np.lexsort((table[STEP_ID].to_numpy(), table["start"].to_numpy(dtype="datetime64[ns]").view(np.int64),
                       session_codes))
    table = table.take(perm).reset_index(drop=True)
    table = pd.concat([table, pair_transfers(table)], axis=1)
    for name in extra:
        table[name] = agg[name].take(perm).reset_index(drop=True)
    return table
