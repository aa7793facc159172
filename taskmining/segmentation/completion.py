"""Completion actions: the steps that end a unit of work (submit, save, send, OK ...).

The task-recognition literature cuts instances at completion actions; here
they only bound how often a cut rule may cut (see
:func:`~taskmining.segmentation.cycles.best_cycle_rule`): a routine that
ends in a submit is not cut inside the copy/paste loop before it. A class
is a completion class when its label names a completion
(:data:`~taskmining.segmentation.delimiter.COMPLETION`) or most of its
steps have the action ``submit`` or ``save``.

Examples
--------
>>> import numpy as np
>>> completion_mask(np.array(["Click 'Submit' in Chrome", "Paste in Chrome", "Other"], dtype=object),
...                 np.array([0, 1, 2, 2]), np.array(["click", "paste", "submit", "submit"], dtype=object)).tolist()
[True, False, True]
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from taskmining.segmentation.delimiter import COMPLETION

__all__ = ["COMPLETION_ACTIONS", "completion_mask"]

#: step actions that complete a unit of work
COMPLETION_ACTIONS: tuple[str, ...] = ("submit", "save")


def completion_mask(labels: np.ndarray, codes: np.ndarray, actions: np.ndarray | None) -> np.ndarray:
    """Per class (``labels[k]`` is class ``k``): whether it is a completion action.

    Parameters
    ----------
    labels : numpy.ndarray
        Class labels, indexed by class code.
    codes : numpy.ndarray
        Class code per step.
    actions : numpy.ndarray or None
        Action per step (``None``: labels alone decide).
    """
    pattern = re.compile(COMPLETION)
    named = np.fromiter((pattern.search(str(v)) is not None for v in labels), dtype=bool, count=len(labels))
    if actions is None or len(codes) == 0:
        return named
    done = pd.Series(actions, dtype=object).isin(COMPLETION_ACTIONS).to_numpy(dtype=np.float64)
    share = np.bincount(codes, weights=done, minlength=len(labels)) / np.maximum(
        np.bincount(codes, minlength=len(labels)), 1)
    return named | (share > 0.5)
