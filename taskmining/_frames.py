"""Column values as the events frame stores them: UTC times, Arrow strings, categoricals.

The conversions every reader and :func:`~taskmining.schema.validate_events`
share. They know dtypes, not column names, so :mod:`taskmining.schema`
builds on them.

Examples
--------
>>> import pandas as pd
>>> as_utc(pd.Series(["2026-01-05 09:00:00"]), tz="Europe/Berlin").iloc[0]
Timestamp('2026-01-05 08:00:00+0000', tz='UTC')
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from taskmining.errors import SchemaError

__all__ = ["STRING_DTYPE", "TIMESTAMP_DTYPE", "as_utc", "as_category", "categorical_from_codes",
           "sessions_from_users", "filled_category", "row_list"]

#: Arrow-backed strings with NaN for missing values, the dtype of every text column.
STRING_DTYPE = pd.StringDtype(storage="pyarrow", na_value=np.nan)
#: UTC nanoseconds, the dtype of ``timestamp``.
TIMESTAMP_DTYPE = pd.DatetimeTZDtype(unit="ns", tz="UTC")


_MAX_ROWS_SHOWN = 5


#: None as a 0-d object array: the "missing" branch of ``np.where`` on object
#: data (a bare ``None`` works at run time but matches no typed overload).
NONE_ARRAY: np.ndarray = np.array(None, dtype=object)

def row_list(mask: np.ndarray | pd.Series, index: pd.Index) -> str:
    """``"rows 3, 7 and 2 more"``: the index labels where ``mask`` is true, for error messages."""
    bad = index[np.asarray(mask, dtype=bool)]
    shown = ", ".join(str(i) for i in bad[:_MAX_ROWS_SHOWN])
    more = f" and {len(bad) - _MAX_ROWS_SHOWN} more" if len(bad) > _MAX_ROWS_SHOWN else ""
    return f"rows {shown}{more}"


def as_utc(values: pd.Series, *, tz: str | None = None, column: str = "timestamp") -> pd.Series:
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
            raise SchemaError(f"column {column!r}: unparsable timestamps in {row_list(bad, s.index)} "
                              f"(first: {text[bad].iloc[0]!r})")
        has_offset = text.str.contains(r"(?:Z|[+-]\d\d:?\d\d)\s*$", regex=True, na=False)
        naive = text.notna() & ~has_offset
        if naive.any():
            if tz is None:
                raise SchemaError(
                    f"column {column!r}: naive timestamps (no UTC offset) in {row_list(naive, s.index)}; "
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
