"""A taskmining segmenter plug-in: cut every ``size`` steps of a session.

Installed, it registers itself through the ``taskmining.segmenters`` entry
point, so ``taskmining.segmenter("fixed_window", size=5)`` finds it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from taskmining.errors import ParameterError
from taskmining.segmentation import BaseSegmenter, cases_from_boundaries

__all__ = ["FixedWindowSegmenter"]


class FixedWindowSegmenter(BaseSegmenter):
    """Cut each session into windows of ``size`` steps.

    Parameters
    ----------
    size : int, default 10
        Steps per case.
    """

    def __init__(self, size: int = 10) -> None:
        self.size = size

    def _predict(self, steps: pd.DataFrame) -> pd.DataFrame:
        if not isinstance(self.size, (int, np.integer)) or isinstance(self.size, bool) or self.size < 1:
            raise ParameterError(f"size={self.size!r} must be a positive integer")
        session = steps["session"].to_numpy(dtype=object)
        new_session = np.r_[True, session[1:] != session[:-1]]
        first = np.maximum.accumulate(np.where(new_session, np.arange(len(steps)), 0))
        cut = (np.arange(len(steps)) - first) % self.size == 0
        return pd.DataFrame({"case_id": cases_from_boundaries(steps["session"], cut)})
