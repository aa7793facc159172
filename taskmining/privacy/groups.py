"""The team-level safeguard: aggregates over people need a minimum group size.

Every aggregate that groups people (per task type, team or comparison group)
takes ``min_group_size`` (default :data:`DEFAULT_MIN_GROUP_SIZE` = 5) and
leaves out groups with fewer distinct users, saying so: a
:class:`SmallGroupWarning` and a note in the result's ``attrs["suppressed"]``.
The note names the suppressed groups but neither their users nor their exact
user counts. Per-person output is opt-in (``per_user=True`` in the mining
functions) and bypasses this check on purpose.

Examples
--------
>>> import warnings
>>> import pandas as pd
>>> from taskmining.privacy.groups import suppress_small_groups
>>> df = pd.DataFrame({"team": ["a"] * 5 + ["b"] * 2, "user": list("pqrstuv")})
>>> with warnings.catch_warnings(record=True):
...     warnings.simplefilter("always")
...     kept, suppressed = suppress_small_groups(df, "team", "user", 5)
>>> kept["team"].unique().tolist(), suppressed["team"].tolist()
(['a'], ['b'])
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import pandas as pd

from taskmining.errors import ParameterError, PrivacyError
from taskmining.privacy.noise import perturb_release
from taskmining.schema import USER

__all__ = [
    "DEFAULT_MIN_GROUP_SIZE", "SmallGroupWarning", "check_min_group_size", "group_sizes",
    "small_groups", "suppress_small_groups", "suppress_table", "note_suppressed",
]

DEFAULT_MIN_GROUP_SIZE = 5


class SmallGroupWarning(UserWarning):
    """Groups with fewer distinct users than ``min_group_size`` were left out."""


def check_min_group_size(value: object, parameter: str = "min_group_size") -> int:
    """Validate a minimum group size (an integer >= 1; 1 disables suppression).

    Examples
    --------
    >>> check_min_group_size(5)
    5
    >>> check_min_group_size(0)
    Traceback (most recent call last):
    ...
    taskmining.errors.ParameterError: min_group_size must be an integer >= 1, got 0
    """
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ParameterError(f"{parameter} must be an integer >= 1, got {value!r}")
    return value


def _cols(group_cols: str | Sequence[str]) -> list[str]:
    return [group_cols] if isinstance(group_cols, str) else list(group_cols)


def group_sizes(frame: pd.DataFrame, group_cols: str | Sequence[str], user_col: str = "user") -> pd.DataFrame:
    """Distinct users per group: the group columns plus ``users``.

    Raises
    ------
    PrivacyError
        When ``user_col`` is missing: group sizes cannot be checked.

    Examples
    --------
    >>> import pandas as pd
    >>> group_sizes(pd.DataFrame({"t": ["a", "a", "b"], "user": ["x", "y", "x"]}), "t")
       t  users
    0  a      2
    1  b      1
    """
    cols = _cols(group_cols)
    for col in (*cols, user_col):
        if col not in frame.columns:
            if col == user_col:
                raise PrivacyError(f"column {user_col!r} is missing, so group sizes cannot be checked; "
                                   "pass min_group_size=1 to aggregate without the check")
            raise ParameterError(f"group column {col!r} is missing (columns: {list(frame.columns)[:20]})")
    return (frame.groupby(cols, observed=True, sort=True, dropna=False)[user_col].nunique()
            .rename("users").reset_index())


def small_groups(frame: pd.DataFrame, group_cols: str | Sequence[str], user_col: str = "user",
                 min_group_size: int = DEFAULT_MIN_GROUP_SIZE) -> pd.DataFrame:
    """The groups with fewer than ``min_group_size`` distinct users (group columns only).

    Examples
    --------
    >>> import pandas as pd
    >>> small_groups(pd.DataFrame({"t": ["a", "a", "b"], "user": ["x", "y", "x"]}), "t", min_group_size=2)
       t
    0  b
    """
    check_min_group_size(min_group_size)
    sizes = group_sizes(frame, group_cols, user_col)
    return sizes.loc[sizes["users"] < min_group_size, _cols(group_cols)].reset_index(drop=True)


def _describe(suppressed: pd.DataFrame, what: str, min_group_size: int) -> str:
    cols = list(suppressed.columns)
    shown = ["/".join(f"{c}={row[c]}" for c in cols) for _, row in suppressed.head(10).iterrows()]
    more = f" and {len(suppressed) - 10} more" if len(suppressed) > 10 else ""
    return (f"{what}: {len(suppressed)} group(s) with fewer than {min_group_size} distinct users left out "
            f"(team-level safeguard, min_group_size={min_group_size}): {', '.join(shown)}{more}")


def note_suppressed(result: pd.DataFrame, suppressed: pd.DataFrame, *, what: str, min_group_size: int,
                    warn: bool = True, stacklevel: int = 3) -> pd.DataFrame:
    """Release a team aggregate: note its suppressed groups (and warn), add the release noise; returns ``result``.

    Every thresholded team aggregate (task metrics, candidates, variants,
    transfers, fragmentation, :func:`suppress_table`) ends here.
    Suppressed groups go to ``result.attrs["suppressed"]``; the numbers of
    the released cells get the noise of
    :func:`taskmining.privacy.noise.perturb_release` against differencing,
    unless ``min_group_size`` is 1 (the opt-out) or the table has a
    ``user`` column (per-person output, opt-in). ``result`` is changed in
    place: pass a frame you own. ``stacklevel`` is passed to
    :func:`warnings.warn` (3: the caller of the function that calls this one).

    Examples
    --------
    >>> import pandas as pd
    >>> out = note_suppressed(pd.DataFrame(), pd.DataFrame({"team": ["b"]}), what="metrics",
    ...                       min_group_size=5, warn=False)
    >>> out.attrs["suppressed"]
    [{'team': 'b'}]
    """
    if min_group_size > 1 and USER not in result.columns:
        perturb_release(result, what=what, min_people=min_group_size)
        if any(pd.api.types.is_numeric_dtype(suppressed[c]) for c in suppressed.columns):
            # counts of what was left out (e.g. the cases of suppressed variants) difference as well
            suppressed = perturb_release(suppressed.copy(), what=f"{what}.suppressed", min_people=min_group_size)
    else:
        result.attrs["noise"] = "off (per-person output)" if min_group_size > 1 else "off (min_group_size=1)"
    result.attrs["suppressed"] = suppressed.to_dict("records")
    result.attrs["min_group_size"] = min_group_size
    if len(suppressed):
        message = _describe(suppressed, what, min_group_size)
        result.attrs["suppressed_note"] = message
        if warn:
            warnings.warn(message, SmallGroupWarning, stacklevel=stacklevel)
    return result


def suppress_small_groups(
    frame: pd.DataFrame,
    group_cols: str | Sequence[str],
    user_col: str = "user",
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
    *,
    what: str = "aggregate",
    warn: bool = True,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Drop the rows of groups with fewer than ``min_group_size`` distinct users.

    Parameters
    ----------
    frame : pandas.DataFrame
        Row-level data (events, cases) with the group columns and ``user_col``.
    group_cols : str or sequence of str
        The grouping of the aggregate that will follow.
    user_col : str
        Pseudonymous user id.
    min_group_size : int
        Smallest number of distinct users a group needs; 1 keeps everything.
    what : str
        Name of the aggregate, for the warning.
    warn : bool
        Emit a :class:`SmallGroupWarning` when something was suppressed.

    Returns
    -------
    kept : pandas.DataFrame
        A new frame without the rows of small groups.
    suppressed : pandas.DataFrame
        The suppressed groups (group columns only).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"task": ["x", "x", "y"], "user": ["a", "b", "a"]})
    >>> kept, gone = suppress_small_groups(df, "task", min_group_size=2, warn=False)
    >>> len(kept), gone["task"].tolist()
    (2, ['y'])
    """
    check_min_group_size(min_group_size)
    cols = _cols(group_cols)
    if min_group_size <= 1:
        return frame.copy(), pd.DataFrame(columns=cols)
    small = small_groups(frame, cols, user_col, min_group_size)
    if small.empty:
        return frame.copy(), small
    key = pd.MultiIndex.from_frame(frame[cols]) if len(cols) > 1 else pd.Index(frame[cols[0]])
    small_key = pd.MultiIndex.from_frame(small) if len(cols) > 1 else pd.Index(small[cols[0]])
    kept = frame.loc[~key.isin(small_key)].copy()
    if warn:
        warnings.warn(_describe(small, what, min_group_size), SmallGroupWarning, stacklevel=2)
    return kept, small


def suppress_table(table: pd.DataFrame, group_cols: str | Sequence[str], users_col: str = "users",
                   min_group_size: int = DEFAULT_MIN_GROUP_SIZE, *, what: str = "aggregate",
                   warn: bool = True, stacklevel: int = 4) -> pd.DataFrame:
    """Drop rows of an aggregated table whose ``users`` count is below ``min_group_size``.

    The note goes to ``attrs["suppressed"]`` (see :func:`note_suppressed`).

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"team": ["a", "b"], "users": [7, 2], "cases": [40, 9]})
    >>> out = suppress_table(t, "team", min_group_size=5, warn=False)
    >>> out["team"].tolist(), out.attrs["suppressed"]
    (['a'], [{'team': 'b'}])
    """
    check_min_group_size(min_group_size)
    if users_col not in table.columns:
        raise PrivacyError(f"column {users_col!r} is missing from the aggregate; cannot check group sizes")
    small = table[users_col] < min_group_size
    out = table.loc[~small].reset_index(drop=True)
    return note_suppressed(out, table.loc[small, _cols(group_cols)].reset_index(drop=True), what=what,
                           min_group_size=min_group_size, warn=warn, stacklevel=stacklevel)
