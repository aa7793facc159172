"""Label-free checks of one segmentation against another (used by ``auto`` to choose between methods).

Two segmentations of the same steps disagree where one cuts inside what the
other keeps whole. Without labels, each can still be judged by the other's
evidence:

* :func:`core_once_classes`: the classes a segmentation finds in (almost)
  every case, exactly once: its anchors (open the form, submit it);
* :func:`repeat_rate`: the share of cases of another segmentation holding
  one of those anchors more than once: cases that merge two instances;
* :func:`start_end_consistency`: how alike cases begin and end.

Examples
--------
>>> import numpy as np, pandas as pd
>>> steps = pd.DataFrame({"step": ["open", "a", "save", "open", "a", "a", "save"]})
>>> whole = np.array([1, 1, 1, 2, 2, 2, 2])
>>> halves = np.array([1, 1, 2, 2, 3, 3, 3])
>>> core_once_classes(steps, whole)
['open', 'save']
>>> repeat_rate(steps, halves, core_once_classes(steps, whole))
0.0
>>> start_end_consistency(steps, whole), start_end_consistency(steps, halves)
(1.0, 0.333)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from taskmining.segmentation._common import class_labels

__all__ = ["core_once_classes", "repeat_rate", "start_end_consistency"]

#: a core once-class is in this share of the cases, and once in this share of those
CORE_SHARE = 0.9


def _frame(steps: pd.DataFrame, case: np.ndarray) -> pd.DataFrame:
    frame = pd.DataFrame({"c": pd.Series(case, dtype=object), "s": class_labels(steps["step"]).to_numpy()})
    return frame[frame["c"].notna()]


def core_once_classes(steps: pd.DataFrame, case: np.ndarray) -> list[str]:
    """Classes in at least 90 % of the cases and exactly once in at least 90 % of those.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> core_once_classes(pd.DataFrame({"step": ["a", "b", "b", "a", "b"]}), np.array([1, 1, 1, 2, 2]))
    ['a']
    """
    frame = _frame(steps, case)
    if frame.empty:
        return []
    n_cases = frame["c"].nunique()
    counts = frame.groupby(["s", "c"], sort=False, observed=True).size()
    per_class = counts.groupby(level=0, sort=True, observed=True)
    present = per_class.size()
    once = (counts == 1).groupby(level=0, sort=True, observed=True).sum()
    core = (present >= CORE_SHARE * n_cases) & (once >= CORE_SHARE * present)
    return [str(c) for c in present.index[core.to_numpy()]]


def repeat_rate(steps: pd.DataFrame, case: np.ndarray, classes: list[str]) -> float:
    """Share of cases holding one of ``classes`` more than once.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> repeat_rate(pd.DataFrame({"step": ["a", "a", "a"]}), np.array([1, 1, 2]), ["a"])
    0.5
    """
    frame = _frame(steps, case)
    if frame.empty or not classes:
        return 0.0
    hit = frame[frame["s"].isin(classes)]
    counts = hit.groupby(["c", "s"], sort=False, observed=True).size()
    repeated = counts[counts > 1].index.get_level_values(0).unique()
    return round(float(len(repeated) / frame["c"].nunique()), 3)


def start_end_consistency(steps: pd.DataFrame, case: np.ndarray) -> float:
    """Mean of the shares of cases beginning with the most common first class and ending with the most common last.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> start_end_consistency(pd.DataFrame({"step": ["a", "b", "a", "c"]}), np.array([1, 1, 2, 2]))
    0.75
    """
    frame = _frame(steps, case)
    if frame.empty:
        return 0.0
    first = frame.drop_duplicates("c", keep="first")["s"]
    last = frame.drop_duplicates("c", keep="last")["s"]
    share = (first.value_counts().iloc[0] + last.value_counts().iloc[0]) / (2 * len(first))
    return round(float(share), 3)
