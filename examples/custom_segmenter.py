"""A custom segmenter in one file: write it, check it, register it, use it.

Run it as a script::

    python examples/custom_segmenter.py

The algorithm cuts a session wherever a step label that usually opens a
routine appears: it learns, from the steps it is fitted on, which labels
most often follow a long pause (``fit``), and cuts before those labels
(``predict``). It is a small idea, but it follows the whole contract of
docs/extending.md.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

import taskmining as tm
from taskmining.errors import ParameterError
from taskmining.segmentation import BaseSegmenter, cases_from_boundaries
from taskmining.testing import check_segmenter


@tm.register_segmenter("opening_labels", replace=True)
class OpeningLabelSegmenter(BaseSegmenter):
    """Cut before the step labels that most often follow a long pause.

    Parameters
    ----------
    pause : float, default 60
        Seconds of inactivity that count as "a long pause" while learning.
    top : int, default 3
        How many opening labels to learn.
    """

    def __init__(self, pause: float = 60.0, top: int = 3) -> None:
        # store the parameters unchanged: no checks, no logic (scikit-learn contract)
        self.pause = pause
        self.top = top

    def _fit(self, steps: pd.DataFrame, y: pd.Series | None) -> None:
        if not isinstance(self.top, (int, np.integer)) or self.top < 1:
            raise ParameterError(f"top={self.top!r} must be a positive integer")
        start = steps["start"].to_numpy(dtype="datetime64[ns]").view(np.int64)
        gap = np.diff(start, prepend=start[:1]) / 1e9 if len(steps) else np.zeros(0)
        new_session = steps["session"].ne(steps["session"].shift()).to_numpy()
        after_pause = steps["step"][(gap > float(self.pause)) | new_session]
        # fitted attributes end in "_"
        self.opening_labels_ = after_pause.value_counts().index[: self.top].tolist()

    def _predict(self, steps: pd.DataFrame) -> pd.DataFrame:
        cut = steps["step"].isin(getattr(self, "opening_labels_", [])).to_numpy()
        return pd.DataFrame({"case_id": cases_from_boundaries(steps["session"], cut)})


def main() -> None:
    # 1. the conformance suite: raises an AssertionError naming the failing check
    passed = check_segmenter(OpeningLabelSegmenter)
    print(f"check_segmenter: {len(passed)} checks passed")

    # 2. use it by name on a simulated day of work
    events = tm.simulate(n_users=1, n_days=1, seed=3)
    tasks = tm.segment(events, method="opening_labels", pause=120, top=4)
    print(f"{len(tasks)} events, {tasks['step_id'].nunique()} steps, {tasks['case_id'].nunique()} cases")

    # 3. compare with the simulator's ground truth (never shown to the method)
    from sklearn.metrics import adjusted_rand_score

    known = tasks["true_case"].notna()
    ari = adjusted_rand_score(tasks.loc[known, "true_case"], tasks.loc[known, "case_id"].astype(object).fillna("none"))
    print(f"adjusted Rand index against the true cases: {ari:.2f}")


if __name__ == "__main__":
    main()
