"""``simulate``: synthetic desktop work of a team, with ground truth on every event.

Examples
--------
>>> import taskmining as tm
>>> ev = tm.simulate(n_users=2, n_days=1, seed=1, hours=0.5)
>>> ev["source"].unique().tolist()
['simulator']
>>> ev.columns[-4:].tolist()
['true_step', 'true_case', 'true_task', 'true_object']
"""

from __future__ import annotations

import ctypes
from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

import numpy as np
import pandas as pd
import pyarrow as pa

from taskmining.datasets._expand import Encoded, expand
from taskmining.datasets._hashing import DEFAULT_SALT
from taskmining.datasets._plan import plan_sessions
from taskmining.datasets.catalog.desktop import ROUTINES
from taskmining.errors import ParameterError
from taskmining.schema import (
    CATEGORY_COLUMNS,
    COLUMNS,
    STRING_DTYPE,
    TRUE_COLUMNS,
    categorical_from_codes,
    validate_events,
)

__all__ = ["simulate", "simulate_columns", "to_frame", "TRUTH_COLUMNS"]

#: Ground-truth columns added after the contract columns.
TRUTH_COLUMNS = TRUE_COLUMNS
_FULL_CHECK = 1_000_000  # rows up to which the whole frame goes through validate_events


def _check_params(n_users: int, n_days: int, routines: None | int | str | Sequence[str], interleave: float,
                  noise: float, interruptions: float, hours: float, start: str, tz: str) -> list[str]:
    counts: tuple[tuple[str, object], ...] = (("n_users", n_users), ("n_days", n_days))
    for name, value in counts:
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ParameterError(f"{name}: expected a positive integer, got {value!r}")
    fractions: tuple[tuple[str, object, float], ...] = (("interleave", interleave, 1.0), ("noise", noise, 0.9),
                                                     ("interruptions", interruptions, 1.0))
    for name, value, hi in fractions:
        if not isinstance(value, (int, float)) or not 0.0 <= float(value) <= hi:
            raise ParameterError(f"{name}: expected a number between 0 and {hi}, got {value!r}")
    if not isinstance(hours, (int, float)) or not 0.0 < float(hours) <= 16.0:
        raise ParameterError(f"hours: expected working hours per day in (0, 16], got {hours!r}")
    try:
        pd.Timestamp(start).tz_localize(tz)
    except (ValueError, TypeError, KeyError) as exc:
        raise ParameterError(f"start/tz: cannot place {start!r} in zone {tz!r} ({exc})") from None
    names = list(ROUTINES)
    if routines is None:
        return names
    if isinstance(routines, (int, np.integer)) and not isinstance(routines, bool):
        if not 1 <= routines <= len(names):
            raise ParameterError(f"routines: expected 1 to {len(names)} routine types, got {routines}")
        return names[: int(routines)]
    chosen = [routines] if isinstance(routines, str) else list(cast(Sequence[str], routines))
    unknown = [r for r in chosen if r not in ROUTINES]
    if unknown or not chosen:
        raise ParameterError(f"routines: unknown routine {unknown[0] if unknown else '(none given)'!r}; "
                             f"known: {', '.join(names)}")
    return list(dict.fromkeys(chosen))


def simulate_columns(n_users: int = 5, n_days: int = 1, routines: None | int | str | Sequence[str] = None,
                     seed: int = 0, *, interleave: float = 0.2, noise: float = 0.05, interruptions: float = 0.1,
                     start: str = "2026-01-05", tz: str = "Europe/Berlin", keep_text: bool = False,
                     salt: str | bytes = DEFAULT_SALT, hours: float = 8.0, progress: bool = False,
                     ) -> tuple[dict[str, Any], dict[str, Any]]:
    """The simulation as dictionary-encoded columns plus its parameters (see :func:`simulate`).

    Examples
    --------
    >>> cols, info = simulate_columns(n_users=1, hours=0.2)
    >>> cols["n"] == len(cols["timestamp_ns"]), info["routines"][0]
    (True, 'invoice_entry')
    """
    names = _check_params(n_users, n_days, routines, interleave, noise, interruptions, hours, start, tz)
    plan = plan_sessions(names, n_users=int(n_users), n_days=int(n_days), seed=int(seed),
                         interleave=float(interleave), interruptions=float(interruptions), start=start,
                         tz=tz, hours=float(hours), progress=progress)
    cols = expand(plan, noise=float(noise), keep_text=keep_text, salt=salt, seed=int(seed))
    del plan
    _release_memory()
    cols["source"] = Encoded(np.zeros(int(cast(int, cols["n"])), dtype=np.int64), ["simulator"])
    info = {"simulator": "taskmining.datasets.simulate", "routines": names, "n_users": int(n_users),
            "n_days": int(n_days), "seed": int(seed), "interleave": float(interleave), "noise": float(noise),
            "interruptions": float(interruptions), "start": str(start), "tz": tz, "hours": float(hours),
            "keep_text": bool(keep_text)}
    return cols, info


def _release_memory() -> None:
    """Hand freed heap memory back to the OS (glibc keeps it after the planning's many small objects)."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to do
        pass


def _strings(enc: Encoded) -> pd.Series:
    codes = pa.array(enc.codes, mask=enc.codes < 0)
    arr = pa.DictionaryArray.from_arrays(codes, pa.array(enc.values, type=pa.string())).cast(pa.string())
    return pd.Series(pd.array(arr, dtype=STRING_DTYPE))


def to_frame(cols: dict[str, Any]) -> pd.DataFrame:
    """Build the validated events frame (plus ground truth) from encoded columns.

    The encoded columns are removed from ``cols`` as they are converted, so
    the peak memory stays close to the frame's own size. Up to a million rows
    the frame goes through :func:`~taskmining.schema.validate_events`; larger
    frames (built to the contract column by column) are checked on their
    first million rows plus the sort order of all rows, which avoids the
    copy a full validation makes.

    Examples
    --------
    >>> cols, _ = simulate_columns(n_users=1, hours=0.2)
    >>> to_frame(cols)["event_id"].is_monotonic_increasing
    True
    """
    n = cols["n"]
    cols_session_codes = cols["session"].codes
    data: dict[str, pd.Series] = {"event_id": pd.Series(np.arange(n, dtype=np.int64))}
    data["timestamp"] = pd.Series(cols.pop("timestamp_ns").view("datetime64[ns]")).dt.tz_localize("UTC")
    for col in (*COLUMNS[2:], *TRUTH_COLUMNS):
        if col == "duration":
            data[col] = pd.Series(cols.pop("duration"))
        elif col == "action":  # the vocabulary, in its order
            enc = cols.pop(col)
            data[col] = pd.Series(pd.Categorical.from_codes(enc.codes, categories=pd.Index(enc.values, dtype=STRING_DTYPE)))
        elif col in CATEGORY_COLUMNS:
            enc = cols.pop(col)
            data[col] = pd.Series(categorical_from_codes(enc.values, enc.codes))
        else:
            data[col] = _strings(cols.pop(col))
            _release_memory()
    frame = pd.DataFrame(data, copy=False)
    if n <= _FULL_CHECK:
        return validate_events(frame)
    # Large frames are built to the contract column by column; validate_events would copy
    # every column (twice the memory), so check dtypes and vocabulary on a slice and the
    # sort order on the whole frame.
    validate_events(frame.iloc[:_FULL_CHECK], sort=False)
    ts = frame["timestamp"].to_numpy(dtype="datetime64[ns]").view("int64")
    sess = cols_session_codes
    same = sess[1:] == sess[:-1]
    if (sess[1:] < sess[:-1]).any() or (ts[1:][same] < ts[:-1][same]).any():
        raise RuntimeError("simulated events are not sorted by (session, timestamp)")
    return frame


def simulate(n_users: int = 5, n_days: int = 1, routines: None | int | str | Sequence[str] = None,
             seed: int = 0, *, interleave: float = 0.2, noise: float = 0.05, interruptions: float = 0.1,
             start: str = "2026-01-05", tz: str = "Europe/Berlin", keep_text: bool = False,
             salt: str | bytes = DEFAULT_SALT, hours: float = 8.0, path: str | Path | None = None,
             progress: bool = False) -> pd.DataFrame:
    """Simulate desktop work of ``n_users`` over ``n_days`` working days, with ground truth.

    Each user works through instances of the routine types (invoice entry,
    customer look-up, expense reimbursement, purchase-order approval, address
    change, report compilation; see :mod:`taskmining.datasets.catalog.desktop`) at
    user-specific frequencies, with interruptions (mail, chat), interleaved
    instances, lunch, meetings and time outside the allowlist (``idle`` rows),
    stray clicks and scrolls, typos, lognormal think times and realistic
    typing speed. Each user-day is one session; the result is deterministic
    for a given ``seed``.

    Parameters
    ----------
    n_users, n_days : int
        Team size and working days (Monday to Friday from ``start``).
    routines : None, int, str or list of str
        All routine types (None), the first K, or the named ones.
    seed : int
        Seed of every random draw.
    interleave : float, default 0.2
        Fraction of instances suspended mid-way and resumed after the next
        instance has started (their cases overlap in time).
    noise : float, default 0.05
        Approximate fraction of noise events (stray clicks and scrolls, no
        case); typos (a wrong key and a backspace) occur at 0.4 x ``noise``
        per typed character.
    interruptions : float, default 0.1
        Probability that an instance is interrupted by a short mail, chat or
        calendar check (events without case).
    start : str
        First day (moved to the next working day if a weekend).
    tz : str
        The users' time zone; working hours start 8:00-9:30 local time.
    keep_text : bool, default False
        Store typed characters in ``value`` of key events (off, as in a
        privacy-preserving recording). Clipboard and edit values are always
        salted hashes.
    salt : str or bytes
        The HMAC key of the ``h:`` hashes.
    hours : float, default 8.0
        Length of a working day in hours (lunch and meetings included).
    path : str or Path, optional
        Also write the events as a native recording folder there
        (docs/formats.md: one folder per session, rotated segment files,
        manifest.json).
    progress : bool
        Show a progress bar over users.

    Returns
    -------
    pandas.DataFrame
        A validated events frame (``source="simulator"``) plus the ground
        truth: ``true_step`` (step label; ``"Noise"`` for noise events),
        ``true_case`` (task instance id; missing for noise, interruptions and
        idle rows), ``true_task`` (routine name) and ``true_object`` (the
        business key the instance works on, e.g. ``INV-2026-004211``; also
        visible in window titles and the key of
        :func:`~taskmining.datasets.simulate_process_log`).

    Raises
    ------
    ParameterError
        Naming the parameter at fault.

    Examples
    --------
    >>> ev = simulate(n_users=1, routines=["invoice_entry"], seed=4, hours=0.5)
    >>> sorted(ev["true_task"].dropna().unique())
    ['invoice_entry']
    >>> ev["value"].dropna().str.match(r"^h:[0-9a-f]{16}$").all()
    np.True_
    """
    cols, info = simulate_columns(n_users, n_days, routines, seed, interleave=interleave, noise=noise,
                                  interruptions=interruptions, start=start, tz=tz, keep_text=keep_text,
                                  salt=salt, hours=hours, progress=progress)
    if path is not None:
        from taskmining.datasets._native import write_recording

        write_recording(cols, path, info)
    return to_frame(cols)
