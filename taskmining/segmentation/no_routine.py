"""Whether a segmentation found routines at all: the share of its cases too short to be a task instance.

A log that is not a routine log (a window tracker's intervals, a developer's
browsing) gives ``task_recognition`` nothing to repeat: it cuts at nearly
every step, and most of its "cases" hold one or two steps. No task instance
is that short (the median instance of the shared routine logs has 9 to 50
steps), so a segmentation in which at least :data:`FRAGMENTED` of the cases
have at most :data:`SHORT_CASE` steps has found no routine, only fragments. ``auto`` then
cuts work sessions at idle pauses instead (a case per stretch of work, as an
analyst reading such a log would group it).

Measured without labels on the shared logs (``task_recognition``'s share of
cases of at most two steps): 0.83 on ``tockler-windows-banking.csv``, 0.86
on ``actionlogger-browsing-noheader.csv``, 0.64 on
``smartrpa-windows-banking.csv``; at most 0.01 on every routine log (Leno's
logs, the simulated teams and Action-Logger-style streams, interleaved or
not).

Examples
--------
>>> import numpy as np
>>> fragment_share(np.array(["a", "b", "b", "c", None, "d", "d", "d"], dtype=object))
0.75
>>> is_fragmented(np.array(["a", "b", "c", "c", "c"], dtype=object))
True
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["FRAGMENTED", "SHORT_CASE", "fragment_share", "is_fragmented"]

#: a case of at most this many steps is a fragment, not a task instance
SHORT_CASE = 2
#: a segmentation with at least this share of fragments found no routine
FRAGMENTED = 0.5


def fragment_share(case: np.ndarray) -> float:
    """Share of the cases (missing ids are no case) with at most :data:`SHORT_CASE` steps.

    Parameters
    ----------
    case : numpy.ndarray
        A case id per step (missing: outside every case).

    Returns
    -------
    float
        0.0 when there is no case.

    Examples
    --------
    >>> import numpy as np
    >>> fragment_share(np.array(["a", "a", "a", "b"], dtype=object))
    0.5
    >>> fragment_share(np.array([None, None], dtype=object))
    0.0
    """
    sizes = pd.Series(case, dtype=object).value_counts(dropna=True)
    if sizes.empty:
        return 0.0
    return float((sizes.to_numpy() <= SHORT_CASE).mean())


def is_fragmented(case: np.ndarray) -> bool:
    """Whether at least :data:`FRAGMENTED` of the cases are fragments (no routine found).

    Examples
    --------
    >>> import numpy as np
    >>> is_fragmented(np.array(["a"] * 10 + ["b"] * 10, dtype=object))
    False
    """
    return fragment_share(case) >= FRAGMENTED
