"""Timestamps as UI recorders write them, parsed per value to UTC.

:func:`parse_times` accepts, value by value and mixed in one column:

- epoch numbers: seconds, milliseconds, microseconds or nanoseconds, told
  apart by magnitude (below 1e11 seconds, below 1e14 milliseconds, below 1e17
  microseconds); always UTC;
- ISO 8601 with or without a zone (``T`` or a space between date and time);
- ``YYYY-MM-DD HH:MM:SS:mmm`` (Action Logger's colon before the milliseconds);
- day-first dates as spreadsheets re-save them: ``05.06.2024 08:22:21`` is
  always day-first; with ``/`` or ``-`` the values decide (a first number
  above 12 means day-first, a second above 12 month-first), and a column
  where they cannot be told apart, or that mixes both, is an error.

Times without a zone need ``tz``; when a column has only such times and no
``tz`` is given, that is an :class:`IngestError` asking for it. Values outside
what the events frame holds (years 1677 to 2262) are bad values with a reason,
never an exception.

Examples
--------
>>> t, why = parse_times(pd.Series(["1548300273232", "2020-04-09 17:22:00:365Z", "2020-04-09T17:22:01+02:00"]),
...                      tz=None, path="f.csv", column="ts")
>>> [str(x) for x in t]
['2019-01-24 03:24:33.232000+00:00', '2020-04-09 17:22:00.365000+00:00', '2020-04-09 15:22:01+00:00']
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from taskmining.errors import IngestError, ParameterError
from taskmining.schema import STRING_DTYPE, TIMESTAMP_DTYPE

__all__ = ["MISSING", "check_tz", "infer_missing_times", "parse_times"]

_ZONE = r"(?:\s*(?:[zZ]|UTC|GMT|[+-][0-9]{2}(?::?[0-9]{2})?))?"
_CLOCK = r"[0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:[.,][0-9]{1,9})?)?"
_INT = r"^[+-]?[0-9]{1,18}$"
_FLOAT = r"^[+-]?[0-9]{1,18}\.[0-9]+$"
_ISO = rf"^[0-9]{{4}}-[0-9]{{1,2}}-[0-9]{{1,2}}(?:[T ]{_CLOCK})?{_ZONE}$"
_COLON_MS = rf"^([0-9]{{4}}-[0-9]{{1,2}}-[0-9]{{1,2}}[T ][0-9]{{1,2}}:[0-9]{{2}}:[0-9]{{2}}):([0-9]{{1,6}})({_ZONE})$"
# no backreference for "the same separator twice": pyarrow's RE2 has none; _dmy_rows checks it
_DMY = rf"^([0-9]{{1,2}})([./-])([0-9]{{1,2}})([./-])([0-9]{{4}}|[0-9]{{2}})(?:[ T,]+({_CLOCK}))?$"
_HAS_ZONE = r"(?:[zZ]|UTC|GMT|[+-][0-9]{2}(?::?[0-9]{2})?)$"
# epoch magnitude bounds (exclusive) -> nanoseconds per unit
_UNITS = ((1e11, 10**9), (1e14, 10**6), (1e17, 10**3), (float("inf"), 1))
_LOW, _HIGH = pd.Timestamp.min.value + 2 * 86400 * 10**9, pd.Timestamp.max.value - 2 * 86400 * 10**9
_OUT = np.iinfo("int64").max  # marks a parsed value outside the range
_RANGE = "timestamp out of range (years 1677 to 2262)"
#: The reason :func:`parse_times` gives for an empty time field.
MISSING = "missing timestamp"


def check_tz(tz: str | None) -> None:
    """Raise :class:`ParameterError` when ``tz`` is not a known time zone.

    Examples
    --------
    >>> check_tz("Europe/Berlin")
    >>> check_tz("Mars/Olympus")
    Traceback (most recent call last):
    ...
    taskmining.errors.ParameterError: tz='Mars/Olympus' is not a known time zone (use an IANA name like 'Europe/Berlin')
    """
    if tz is None:
        return
    try:
        pd.Timestamp("2020-01-01").tz_localize(tz)
    except Exception:  # noqa: BLE001 - pytz/zoneinfo raise various errors
        raise ParameterError(f"tz={tz!r} is not a known time zone (use an IANA name like 'Europe/Berlin')") from None


def _epoch(s: pd.Series, out: np.ndarray, why: np.ndarray) -> np.ndarray:
    """Epoch values of ``s`` into ``out`` (int64 ns); return the mask of values that are epochs."""
    ints = s.str.match(_INT, na=False).to_numpy()
    floats = s.str.match(_FLOAT, na=False).to_numpy()
    if ints.any():
        v = s[ints].astype("int64").to_numpy()
        mag = np.abs(v.astype("float64"))
        ns = np.zeros(len(v), dtype="int64")
        ok = np.zeros(len(v), dtype=bool)
        low = 0.0
        for high, factor in _UNITS:
            sel = (mag >= low) & (mag < high)
            limit = _HIGH // factor
            fits = sel & (np.abs(v) <= limit)
            ns[fits] = v[fits] * factor
            ok |= fits
            low = high
        ok &= (ns >= _LOW) & (ns <= _HIGH)
        idx = np.flatnonzero(ints)
        out[idx[ok]] = ns[ok]
        why[idx[~ok]] = _RANGE
    if floats.any():
        f = s[floats].astype("float64").to_numpy()
        mag = np.abs(f)
        scale = np.select([mag < bound for bound, _ in _UNITS], [unit for _, unit in _UNITS])
        ns_f = np.round(f * scale / 1000.0) * 1000.0  # microsecond precision: what a float holds
        ok = np.isfinite(ns_f) & (ns_f >= _LOW) & (ns_f <= _HIGH)
        idx = np.flatnonzero(floats)
        out[idx[ok]] = ns_f[ok].astype("int64")
        why[idx[~ok]] = _RANGE
    return ints | floats


def _dmy_rows(s: pd.Series) -> np.ndarray:
    """Rows of ``s`` that are dates like ``31.01.2026`` or ``1/31/26`` (one separator used twice)."""
    rows = s.str.match(_DMY, na=False).to_numpy(dtype=bool, copy=True)
    if rows.any():
        parts = s[rows].str.extract(_DMY)
        rows[np.flatnonzero(rows)] = (parts[1] == parts[3]).to_numpy(dtype=bool)
    return rows


def _dmy(s: pd.Series, mask: np.ndarray, path: str, column: str) -> pd.Series:
    """Day-first or month-first dates of ``s[mask]`` rewritten as ISO text."""
    parts = s[mask].str.extract(_DMY)
    a, sep, b = parts[0].astype("int64"), parts[1], parts[2].astype("int64")
    year = parts[4].where(parts[4].str.len() == 4, "20" + parts[4])
    dotted = (sep == ".").to_numpy()
    day_first = bool(((a > 12).to_numpy() | dotted).any())
    month_first = bool((b > 12).to_numpy()[~dotted].any())
    if day_first and month_first:
        raise IngestError("the dates mix day-first and month-first orders (e.g. 13/01 and 01/13): "
                          "they cannot be told apart", path=path, column=column)
    if not day_first and not month_first:
        first = s[mask].iloc[0]
        raise IngestError(f"cannot tell whether dates such as {first!r} are day-first or month-first "
                          "(no day above 12); re-save them as ISO 8601", path=path, column=column)
    day, month = (a, b) if day_first else (b, a)
    clock = parts[5].fillna("00:00")
    return (year + "-" + month.astype(str).str.zfill(2) + "-" + day.astype(str).str.zfill(2) + "T"
            + clock.str.replace(",", ".", regex=False))


def _iso(values: pd.Series, *, aware: bool) -> np.ndarray:
    """ISO text to int64 ns (UTC when ``aware``, wall time otherwise); NaT's value where unparsable."""
    if aware:
        values = values.str.replace(r"\s*(?:UTC|GMT)$", "Z", regex=True)
    try:
        t = pd.to_datetime(values, utc=aware, format="ISO8601", errors="coerce")
    except (ValueError, TypeError, OverflowError):
        t = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns, UTC]" if aware else "datetime64[ns]")
    if getattr(t.dt, "tz", None) is not None:
        t = t.dt.tz_localize(None)
    return _as_ns(t.to_numpy())


def _as_ns(arr: np.ndarray) -> np.ndarray:
    """datetime64 values of any unit as int64 nanoseconds; out of the frame's range becomes NaT's value."""
    nat = np.iinfo("int64").min
    unit = np.datetime_data(arr.dtype)[0]
    raw = arr.view("int64")
    low = np.datetime64(_LOW, "ns").astype(f"datetime64[{unit}]").view("int64")
    high = np.datetime64(_HIGH, "ns").astype(f"datetime64[{unit}]").view("int64")
    ok = (raw != nat) & (raw >= low) & (raw <= high)
    out = np.full(len(raw), nat, dtype="int64")
    out[ok] = arr[ok].astype("datetime64[ns]").view("int64")
    bad = (raw != nat) & ~ok
    out[bad] = _OUT
    return out


def parse_times(text: pd.Series, *, tz: str | None, path: str, column: str) -> tuple[pd.Series, pd.Series]:
    """Parse recorder timestamps to UTC; return the times and a reason for every bad one.

    Parameters
    ----------
    text : pandas.Series
        The timestamp column as text (numbers are accepted too).
    tz : str or None
        Zone of times written without one.
    path, column : str
        Named in errors.

    Returns
    -------
    (pandas.Series, pandas.Series)
        ``datetime64[ns, UTC]`` (NaT where bad) and ``str`` reasons (missing where good).

    Raises
    ------
    IngestError
        When every time lacks a zone and ``tz`` is None, or when day-first and
        month-first dates cannot be told apart.

    Examples
    --------
    >>> t, why = parse_times(pd.Series(["2020-01-01T10:00:00Z", "noon", None, "9999-01-01T00:00:00Z"]),
    ...                      tz=None, path="f.csv", column="ts")
    >>> t.iloc[0], why.tolist()[1:]
    (Timestamp('2020-01-01 10:00:00+0000', tz='UTC'), ["unparsable timestamp: 'noon'", 'missing timestamp', 'timestamp out of range (years 1677 to 2262)'])
    >>> parse_times(pd.Series(["05.06.2024 08:22:21"]), tz="Europe/Berlin", path="f", column="Begin")[0].iloc[0]
    Timestamp('2024-06-05 06:22:21+0000', tz='UTC')
    """
    s = text.astype(STRING_DTYPE).str.strip()
    s = s.where(s != "")
    n = len(s)
    present = s.notna().to_numpy()
    nat = np.iinfo("int64").min
    out = np.full(n, nat, dtype="int64")
    why = np.full(n, None, dtype=object)
    why[~present] = MISSING
    epoch = _epoch(s, out, why)
    colon = s.str.match(_COLON_MS, na=False).to_numpy()
    iso_text = s.where(~colon, s.str.replace(_COLON_MS, r"\1.\2\3", regex=True))
    iso = iso_text.str.match(_ISO, na=False).to_numpy() & ~epoch
    dmy = _dmy_rows(s) & ~epoch & ~iso
    if dmy.any():
        iso_text = iso_text.copy()
        iso_text[dmy] = _dmy(s, dmy, path, column).to_numpy()
        iso |= dmy
    aware = iso & iso_text.str.contains(_HAS_ZONE, na=False).to_numpy()
    naive = iso & ~aware
    if aware.any():
        out[aware] = _iso(iso_text[aware], aware=True)
    if naive.any() and tz is None and not (aware | epoch).any():
        first = s[naive].iloc[0]
        raise IngestError(f"timestamps have no time zone (first: {first!r}); pass tz= "
                          "(e.g. tz='Europe/Berlin'; on the command line --tz Europe/Berlin) to say where they were recorded",
                          path=path, column=column)
    if naive.any() and tz is None:
        why[naive] = [f"timestamp without time zone (pass tz=): {v!r}" for v in s[naive]]
    elif naive.any():
        wall = _iso(iso_text[naive], aware=False)
        ok = (wall != nat) & (wall != _OUT)
        local = pd.Series(wall[ok].view("datetime64[ns]")).dt.tz_localize(tz, ambiguous="NaT", nonexistent="NaT")
        conv = np.full(len(wall), nat, dtype="int64")
        conv[ok] = np.asarray(local.dt.tz_convert("UTC").dt.tz_localize(None), dtype="datetime64[ns]").view("int64")
        idx = np.flatnonzero(naive)
        gap = ok & (conv == nat)
        why[idx[gap]] = [f"local time does not exist or is ambiguous in {tz}: {v!r}" for v in s.to_numpy()[idx[gap]]]
        conv[wall == _OUT] = _OUT
        out[idx] = conv
    parsed = iso & (out == _OUT)
    out[parsed] = nat
    why[parsed] = _RANGE
    left = present & (out == nat) & pd.isna(why)
    if left.any():
        year = pd.to_numeric(iso_text.str.extract(r"^([0-9]{4})-", expand=False), errors="coerce").to_numpy()
        range_like = left & iso & ((year < 1678) | (year > 2261))
        range_like |= left & s.str.match(r"^[+-]?[0-9]{19,}(?:\.[0-9]*)?$", na=False).to_numpy()
        why[range_like] = _RANGE
        rest = left & ~range_like
        why[rest] = [f"unparsable timestamp: {v!r}" for v in s.to_numpy()[rest]]
    times = pd.Series(out.view("datetime64[ns]"), index=s.index).dt.tz_localize("UTC").astype(TIMESTAMP_DTYPE)
    return times, pd.Series(why, index=s.index, dtype=STRING_DTYPE)


def infer_missing_times(times: pd.Series, why: pd.Series) -> tuple[pd.Series, pd.Series, np.ndarray]:
    """Give rows with an empty time field the time of their neighbouring timed row.

    A row whose time field is empty (reason :data:`MISSING`) in a file where
    other rows have good times takes the time of the nearest good row before
    it in file order (the nearest after it when none is before): it stays at
    its place in the stream. Rows with an unparsable or out-of-range time are
    left as they are, and so is every row when no row has a good time.

    Parameters
    ----------
    times, why : pandas.Series
        As returned by :func:`parse_times`.

    Returns
    -------
    (pandas.Series, pandas.Series, numpy.ndarray)
        The times and reasons with the inferred rows filled in (their reason
        cleared), and the boolean mask of the inferred rows.

    Examples
    --------
    >>> t, why = parse_times(pd.Series(["", "2020-01-01T10:00:00Z", None, "2020-01-01T10:00:05Z", "soon"]),
    ...                      tz=None, path="f.csv", column="ts")
    >>> t2, why2, inferred = infer_missing_times(t, why)
    >>> [str(x) for x in t2], inferred.tolist(), why2.tolist()[-1]
    (['2020-01-01 10:00:00+00:00', '2020-01-01 10:00:00+00:00', '2020-01-01 10:00:00+00:00', \
'2020-01-01 10:00:05+00:00', 'NaT'], [True, False, True, False, False], "unparsable timestamp: 'soon'")
    """
    reasons = why.to_numpy(dtype=object)
    good = pd.isna(reasons)
    missing = np.asarray(reasons == MISSING, dtype=bool)
    if not missing.any() or not good.any():
        return times, why, np.zeros(len(times), dtype=bool)
    known = times.where(good)
    filled = known.ffill().bfill()
    out = times.where(~missing, filled)
    return out, why.where(~missing), missing
