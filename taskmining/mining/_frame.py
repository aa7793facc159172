"""Checks and the shared case/step encoding every mining function starts from.

Codes for single columns are in :mod:`taskmining.mining._codes`; per-group
statistics in :mod:`taskmining.mining._stats`.

A tasks frame is encoded once into integer codes: cases and activities are
factorised (pyarrow dictionary encoding, or the codes of a categorical), rows
are ordered by case, then time, then their position in the frame, and
consecutive rows of the same ``step_id`` within a case are collapsed into
one step. Everything after that is numpy over int arrays.

**The step rule.** A case's step sequence is the sequence of its steps in
time order. With a ``step_id`` column, consecutive rows (in case and time
order) that share a ``step_id`` form one step: its activity is the label of
its first row, its start the first row's time, its end the last row's time.
Without ``step_id`` every row is one step (the pm4py view: one row = one
event). Rows with a missing ``case_id`` (events outside any task instance)
are left out and counted in :attr:`Sequences.n_unassigned`.

Examples
--------
>>> import pandas as pd
>>> from taskmining.mining._frame import encode
>>> tasks = pd.DataFrame({
...     "case_id": ["b", "a", "a", "b"],
...     "step": ["x", "y", "z", "w"],
...     "timestamp": pd.to_datetime(["2026-01-05 09:00:03", "2026-01-05 09:00:00",
...                                  "2026-01-05 09:00:01", "2026-01-05 09:00:04"], utc=True),
... })
>>> seq = encode(tasks)
>>> [seq.case_label(c) for c in seq.case], [seq.act_labels[a] for a in seq.act]
(['b', 'b', 'a', 'a'], ['x', 'w', 'y', 'z'])
>>> seq.ptr.tolist()
[0, 2, 4]
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TypedDict, cast

import numpy as np
import pandas as pd
import pyarrow as pa

from taskmining._unique import unique
from taskmining.errors import MiningError, ParameterError
from taskmining.mining._codes import _factorize_runs, factorize
from taskmining.schema import CASE_ID, STEP, STEP_ID, TIMESTAMP

__all__ = ["COLUMN_DEFAULTS", "Columns", "column_names", "Sequences", "encode", "distinct_activities", "check_tasks",
           "times_ns",
           "require_columns", "NS"]

NS = 1_000_000_000
_SHOWN = 5


def _rows(mask: np.ndarray, index: pd.Index) -> str:
    bad = index[mask]
    more = f" and {len(bad) - _SHOWN} more" if len(bad) > _SHOWN else ""
    return "rows " + ", ".join(str(i) for i in bad[:_SHOWN]) + more


#: Column-name keywords every mining function understands, with their defaults.
COLUMN_DEFAULTS: dict[str, str | None] = {
    "case_col": CASE_ID, "activity_col": STEP, "timestamp_col": TIMESTAMP, "task_col": "task",
    "user_col": "user", "app_col": "app", "session_col": "session", "step_id_col": STEP_ID,
}


class Columns(TypedDict):
    """The column names a mining function reads (see :data:`COLUMN_DEFAULTS`)."""

    case_col: str
    activity_col: str
    timestamp_col: str
    task_col: str
    user_col: str
    app_col: str
    session_col: str
    step_id_col: str | None


def column_names(**columns: str | None) -> Columns:
    """Column-name keywords merged with :data:`COLUMN_DEFAULTS` (unknown keywords are an error).

    Only ``step_id_col`` may be None (the frame has no step ids).

    Examples
    --------
    >>> column_names(case_col="caseID")["case_col"], column_names()["activity_col"]
    ('caseID', 'step')
    >>> column_names(case_col=None)
    Traceback (most recent call last):
    ...
    taskmining.errors.ParameterError: case_col must be a column name (a str), got None
    """
    unknown = sorted(set(columns) - set(COLUMN_DEFAULTS))
    if unknown:
        raise ParameterError(f"unknown keyword(s) {', '.join(unknown)}; column keywords are "
                             f"{', '.join(COLUMN_DEFAULTS)}")
    merged = {**COLUMN_DEFAULTS, **columns}
    for key, value in merged.items():
        if not isinstance(value, str) and not (key == "step_id_col" and value is None):
            raise ParameterError(f"{key} must be a column name (a str), got {value!r}")
    return cast(Columns, merged)


def require_columns(tasks: pd.DataFrame, *columns: str, what: str = "mining") -> None:
    """Raise :class:`MiningError` unless ``tasks`` is a DataFrame with ``columns``."""
    if not isinstance(tasks, pd.DataFrame):
        raise MiningError(f"{what} needs a pandas DataFrame (the tasks frame), got {type(tasks).__name__}")
    for col in columns:
        if col not in tasks.columns:
            hint = ""
            if col == CASE_ID:
                hint = "; segment the events first (taskmining.segment(events)) or pass case_col="
            elif col == STEP:
                hint = "; build steps first (taskmining.build_steps(events)) or pass activity_col="
            raise MiningError(f"{what}: column {col!r} is missing (columns: {list(tasks.columns)[:20]}){hint}")


def times_ns(values: pd.Series, column: str = TIMESTAMP) -> np.ndarray:
    """Timestamps as int64 nanoseconds since the epoch (UTC); NaT stays ``iNaT``.

    Examples
    --------
    >>> import pandas as pd
    >>> times_ns(pd.Series(pd.to_datetime(["1970-01-01 00:00:01"], utc=True))).tolist()
    [1000000000]
    """
    dtype = values.dtype
    if isinstance(dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_dtype(dtype):
        arr = values.array
        if getattr(arr, "unit", None) != "ns":
            arr = values.dt.as_unit("ns").array
        return np.asarray(arr.asi8, dtype=np.int64)
    raise MiningError(f"column {column!r} holds {dtype}, not datetimes; read or validate the events first "
                      "(taskmining.validate_events) so timestamps are datetime64[ns, UTC]")


def check_tasks(tasks: pd.DataFrame, case_col: str, activity_col: str, timestamp_col: str,
                what: str = "mining") -> None:
    """Raise :class:`MiningError` naming the missing column, empty log or NaT rows."""
    require_columns(tasks, case_col, activity_col, timestamp_col, what=what)
    if len(tasks) == 0:
        raise MiningError(f"{what}: the log is empty (no rows)")


@dataclass
class Sequences:
    """A tasks frame encoded as per-case step sequences (one entry per step).

    Attributes
    ----------
    case : int32 or int64 array, non-decreasing case code of each step
    act : int32 or int64 array, activity code of each step (products of
        codes must be computed in int64 unless they provably fit int32)
    start, end : int64 arrays, first/last event time of each step (ns)
    row : int64 array, position (``iloc``) in the frame of each step's first row
    ptr : int64 array of ``n_cases + 1`` offsets: case ``c`` is ``ptr[c]:ptr[c+1]``
    rows : int64 array, every event row of a case in case/time order
    row_step : int64 array, the step (index into the step arrays) of each of ``rows``
    n_unassigned : rows without a case, left out
    """

    case: np.ndarray
    act: np.ndarray
    start: np.ndarray
    end: np.ndarray
    ptr: np.ndarray
    act_labels: np.ndarray
    _case_labels: np.ndarray | pa.Array | pd.Index
    n_unassigned: int = 0
    n_rows: int = 0
    # None means the identity (no copy made): the frame is already in case/time
    # order, or every row is one step
    _rows: np.ndarray | None = field(default=None, repr=False)
    _row: np.ndarray | None = field(default=None, repr=False)
    _row_step: np.ndarray | None = field(default=None, repr=False)

    @property
    def case_labels(self) -> np.ndarray:
        """Case ids by code (converted from Arrow on first use)."""
        if isinstance(self._case_labels, (pa.Array, pa.ChunkedArray)):
            self._case_labels = np.asarray(self._case_labels.to_pylist(), dtype=object)
        elif isinstance(self._case_labels, pd.Index):  # categories of a categorical case column
            self._case_labels = np.asarray(self._case_labels, dtype=object)
        return self._case_labels

    @property
    def rows(self) -> np.ndarray:
        return np.arange(self.n_rows, dtype=np.int64) if self._rows is None else self._rows

    @property
    def row(self) -> np.ndarray:
        return self.rows if self._row is None else self._row

    @property
    def row_step(self) -> np.ndarray:
        return np.arange(self.n_rows, dtype=np.int64) if self._row_step is None else self._row_step

    @property
    def n_cases(self) -> int:
        return len(self.ptr) - 1

    @property
    def n_steps(self) -> int:
        return len(self.act)

    @property
    def lengths(self) -> np.ndarray:
        return np.diff(self.ptr)

    def case_label(self, code: int) -> object:
        return self.case_labels[code]

    def first(self) -> np.ndarray:
        """Index of each case's first step."""
        return self.ptr[:-1]

    def first_rows(self) -> np.ndarray:
        """Frame position (``iloc``) of each case's first row (no full row index is built)."""
        first = self.first()
        if self._row is not None:
            return self._row[first]
        return first if self._rows is None else self._rows[first]

    def last(self) -> np.ndarray:
        """Index of each case's last step."""
        return self.ptr[1:] - 1

    def same_case_pairs(self) -> np.ndarray:
        """Indices ``i`` such that steps ``i`` and ``i + 1`` belong to the same case."""
        return np.flatnonzero(self.case[1:] == self.case[:-1])

    def collapse(self, keys: np.ndarray, labels: np.ndarray) -> Sequences:
        """Merge consecutive steps of a case that share ``keys`` (e.g. app runs)."""
        new = np.ones(self.n_steps, dtype=bool)
        new[1:] = (self.case[1:] != self.case[:-1]) | (keys[1:] != keys[:-1])
        first = np.flatnonzero(new)
        last = np.r_[first[1:] - 1, self.n_steps - 1] if len(first) else first
        step_of_old = np.cumsum(new) - 1
        case = self.case[first]
        return Sequences(case=case, act=keys[first], start=self.start[first], end=self.end[last],
                         ptr=_ptr(case, self.n_cases), act_labels=labels, _case_labels=self._case_labels,
                         n_unassigned=self.n_unassigned, n_rows=self.n_rows, _rows=self._rows,
                         _row=self.row[first], _row_step=step_of_old[self.row_step])


def distinct_activities(seq: Sequences) -> tuple[np.ndarray, np.ndarray]:
    """Distinct activities per case, and cases containing each activity.

    Up to 64 activities this ORs one bit per step into a mask per case (no
    sorting); beyond that it sorts the distinct (case, activity) pairs.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"case_id": ["a", "a", "a", "b"], "step": ["x", "y", "x", "x"],
    ...                   "timestamp": pd.to_datetime(["2026-01-05 09:00:00"] * 4, utc=True)})
    >>> per_case, per_act = distinct_activities(encode(t))
    >>> per_case.tolist(), per_act.tolist()
    ([2, 1], [2, 1])
    """
    k = len(seq.act_labels)
    if k <= 64:
        bits = np.left_shift(np.uint64(1), seq.act.astype(np.uint64))
        mask = np.bitwise_or.reduceat(bits, seq.ptr[:-1])
        if hasattr(np, "bitwise_count"):  # numpy >= 2.0
            per_case = np.bitwise_count(mask).astype(np.int64)
        else:
            table = np.array([bin(b).count("1") for b in range(256)], dtype=np.int64)
            per_case = table[mask.view(np.uint8).reshape(-1, 8)].sum(axis=1)
        per_act = np.array([int(np.count_nonzero(mask & np.uint64(1 << a))) for a in range(k)], dtype=np.int64)
        return per_case, per_act
    pairs = unique(seq.case.astype(np.int64) * k + seq.act)
    return np.bincount(pairs // k, minlength=seq.n_cases), np.bincount(pairs % k, minlength=k)


def _wide(codes: np.ndarray) -> np.ndarray:
    return codes if codes.dtype in (np.int32, np.int64) else codes.astype(np.int32)


def _ptr(case: np.ndarray, n_cases: int) -> np.ndarray:
    return np.r_[0, np.cumsum(np.bincount(case, minlength=n_cases))].astype(np.int64)


def encode(tasks: pd.DataFrame, *, case_col: str = CASE_ID, activity_col: str = STEP,
           timestamp_col: str = TIMESTAMP, step_id_col: str | None = STEP_ID,
           what: str = "mining") -> Sequences:
    """Encode a tasks frame into :class:`Sequences` (see the module docstring for the rule).

    Raises
    ------
    MiningError
        Missing columns, an empty log, no row with a case, NaT timestamps or
        missing activities in rows that have a case (naming the rows).
    """
    check_tasks(tasks, case_col, activity_col, timestamp_col, what=what)
    activity = tasks[activity_col]
    if isinstance(activity.dtype, pd.CategoricalDtype):  # codes read in place: nothing to overlap
        act_codes, act_labels = factorize(activity)
        case_codes, case_labels, run_ptr = _factorize_runs(tasks[case_col])
        ts_all = times_ns(tasks[timestamp_col], timestamp_col)
    else:
        with ThreadPoolExecutor(1) as pool:  # pyarrow releases the GIL: steps hash while cases are read
            act_job = pool.submit(factorize, activity)
            case_codes, case_labels, run_ptr = _factorize_runs(tasks[case_col])
            ts_all = times_ns(tasks[timestamp_col], timestamp_col)
            act_codes, act_labels = act_job.result()
    if run_ptr is None:
        keep = case_codes >= 0
        n_unassigned = int(len(keep) - np.count_nonzero(keep))
        if n_unassigned == len(keep):
            raise MiningError(f"{what}: no row has a {case_col!r}: the log has no cases")
    else:  # no missing case ids
        n_unassigned = 0
    # pos: the frame positions of the rows kept (None: all of them, no copies)
    pos = np.flatnonzero(keep) if n_unassigned else None
    if pos is not None:
        ts, c, acts = ts_all[pos], case_codes[pos], act_codes[pos]
    else:
        ts, c, acts = ts_all, case_codes, act_codes
    nat = ts == np.iinfo(np.int64).min
    if nat.any():
        raise MiningError(f"{what}: column {timestamp_col!r} has missing times (NaT) in "
                          f"{_rows(_at(pos, nat), tasks.index)}")
    if (acts < 0).any():
        raise MiningError(f"{what}: column {activity_col!r} is missing in "
                          f"{_rows(_at(pos, acts < 0), tasks.index)} (rows that belong to a case need a step label)")
    order: np.ndarray | None = None
    if run_ptr is None and len(c) > 1 and (c[1:] < c[:-1]).any():
        order = np.argsort(c, kind="stable")
        c, ts = c[order], ts[order]
    back = np.flatnonzero(ts[1:] < ts[:-1])  # time going back: allowed only where the case changes
    if len(back) and (c[back + 1] == c[back]).any():
        c0, t0 = (case_codes, ts_all) if pos is None else (case_codes[pos], ts_all[pos])
        order = np.lexsort((t0, c0))  # stable: ties keep frame order
        c, ts = c0[order], t0[order]
    rows = order if pos is None else (pos if order is None else pos[order])
    identity = rows is None
    # codes stay int32 (half the memory traffic of int64); int8/int16 codes of
    # categoricals are widened to int32, like Arrow's dictionary codes
    acts = _wide(act_codes if identity else act_codes[rows])
    c = _wide(c)
    n = len(c)
    new = None
    if step_id_col is not None and step_id_col in tasks.columns:
        sid_col = tasks[step_id_col]
        if isinstance(sid_col.dtype, np.dtype) and sid_col.dtype.kind in "iu":
            sid = sid_col.to_numpy()
        else:  # nullable or other ids: codes; a row without a step id is a step of its own
            sid = pd.factorize(sid_col, use_na_sentinel=True)[0].astype(np.int64)
            missing = sid < 0
            sid[missing] = -2 - np.flatnonzero(missing)
        if not identity:
            sid = sid[rows]
        new = np.ones(n, dtype=bool)
        new[1:] = (c[1:] != c[:-1]) | (sid[1:] != sid[:-1])
        if new.all():
            new = None
    if new is None:  # every row is one step
        case = c
        ptr = run_ptr if order is None and run_ptr is not None else _ptr(case, len(case_labels))
        return Sequences(case=case, act=acts, start=ts, end=ts, ptr=ptr,
                         act_labels=act_labels, _case_labels=case_labels, n_unassigned=n_unassigned,
                         n_rows=n, _rows=None if identity else rows)
    first = np.flatnonzero(new)
    last = np.r_[first[1:] - 1, n - 1]
    case = c[first]
    return Sequences(case=case, act=acts[first], start=ts[first], end=ts[last],
                     ptr=_ptr(case, len(case_labels)), act_labels=act_labels, _case_labels=case_labels,
                     n_unassigned=n_unassigned, n_rows=n, _rows=None if identity else rows,
                     _row=first if rows is None else rows[first], _row_step=np.cumsum(new) - 1)


def _at(pos: np.ndarray | None, mask: np.ndarray) -> np.ndarray:
    """Frame positions of the kept rows selected by ``mask``."""
    return np.flatnonzero(mask) if pos is None else pos[mask]
