"""Distinct values of a numeric array by sorting.

numpy 2.3 and later answer a plain ``np.unique(x)`` (no ``return_*``
options) with a hash table, which on arrays with many distinct integers is
50 to 90 times slower than sorting here (1M distinct int64: 0.54 s against
0.009 s; 10M: 12 s against 0.13 s). Every hot path uses :func:`unique`.

Examples
--------
>>> import numpy as np
>>> unique(np.array([3, 1, 3, 2])).tolist()
[1, 2, 3]
"""

from __future__ import annotations

import numpy as np

__all__ = ["all_distinct", "unique"]


def unique(values: np.ndarray) -> np.ndarray:
    """The sorted distinct values of a numeric array (``np.unique`` without its hash table).

    Examples
    --------
    >>> import numpy as np
    >>> unique(np.array([], dtype=np.int64)).tolist(), unique(np.array([2.5, 2.5])).tolist()
    ([], [2.5])
    """
    s = np.sort(np.asarray(values).ravel())
    if len(s) < 2:
        return s
    keep = np.empty(len(s), dtype=bool)
    keep[0] = True
    np.not_equal(s[1:], s[:-1], out=keep[1:])
    return s[keep]


def all_distinct(values: np.ndarray) -> bool:
    """True when no value repeats (decided by one comparison pass when the values increase).

    Examples
    --------
    >>> import numpy as np
    >>> all_distinct(np.array([1, 2, 5])), all_distinct(np.array([3, 1, 2])), all_distinct(np.array([2, 2]))
    (True, True, False)
    """
    values = np.asarray(values)
    return bool((values[1:] > values[:-1]).all()) or len(unique(values)) == len(values)
