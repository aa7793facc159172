"""``start_end_discovery``: routine starts and ends from the back edges of the step graph (Leno et al.).

The directly-follows graph of event classes (record numbers masked, see
:func:`._tr_classes.class_labels`) is searched depth-first from the class
that most often begins a session. An edge ``u -> v`` back to a DFS ancestor
``v`` that dominates ``u`` closes a natural loop with header ``v``. A routine
repeated back to back is the *outermost* such loop: its header is where the
routine starts and the back edges' sources are where it ends. Headers whose
natural loop spans at least ``min_loop_share`` of the largest loop (by
default: the largest loop's headers) are start classes; self-loops
(a repeated step) are ignored; the stream is cut before each of their occurrences (and at
each session start). No labels are used.

This is the literature's routine-discovery baseline: exact and fast on
logs of one routine repeated back to back, blind to interleaving and to
tasks of several types sharing a loop. ``task_recognition`` is the
recommended method.

Examples
--------
>>> import pandas as pd
>>> steps = pd.DataFrame({
...     "session": "s",
...     "start": pd.date_range("2026-01-05 09:00", periods=12, freq="5s", tz="UTC"),
...     "step": ["Login", "Open", "Edit", "Save"] * 3})
>>> seg = StartEndDiscoverySegmenter().fit(steps)
>>> seg.start_classes_, seg.end_classes_
(['Login'], ['Save'])
>>> seg.predict(steps)["case_id"].tolist()[:7]
['s-1', 's-1', 's-1', 's-1', 's-2', 's-2', 's-2']
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import pandas as pd

from taskmining.errors import ParameterError
from taskmining.schema import CASE_ID, SESSION, TASK
from taskmining.segmentation._common import class_labels, loop_headers, step_graph
from taskmining.segmentation.base import BaseSegmenter, cases_from_boundaries

__all__ = ["StartEndDiscoverySegmenter", "loop_headers", "step_graph"]


class StartEndDiscoverySegmenter(BaseSegmenter):
    """Cut before routine starts found as outermost loop headers of the step graph (no labels).

    Parameters
    ----------
    min_count : int, default 2
        Transitions seen fewer times are left out of the graph (noise).
    min_loop_share : float, default 1.0
        Headers whose loop spans at least this share of the largest loop are starts.

    Attributes
    ----------
    start_classes_, end_classes_ : list of str
        Where routines start and end.
    root_ : str
        The class the graph search started from.
    """

    types_tasks: ClassVar[bool] = False

    def __init__(self, min_count: int = 2, min_loop_share: float = 1.0) -> None:
        self.min_count = min_count
        self.min_loop_share = min_loop_share

    def _fit(self, steps: pd.DataFrame, y: pd.Series | None) -> None:
        if not isinstance(self.min_count, (int, np.integer)) or self.min_count < 1:
            raise ParameterError(f"min_count must be a positive integer, got {self.min_count!r}")
        if not 0 < float(self.min_loop_share) <= 1:
            raise ParameterError(f"min_loop_share must be in (0, 1], got {self.min_loop_share!r}")
        self.start_classes_: list[str] = []
        self.end_classes_: list[str] = []
        self.root_: str | None = None
        if len(steps) == 0:
            return
        labels = class_labels(steps["step"])
        firsts = labels[~steps[SESSION].duplicated()]
        self.root_ = str(firsts.value_counts(sort=True).index[0])
        graph = step_graph(labels, steps[SESSION], min_count=int(self.min_count))
        headers = loop_headers(graph, self.root_)
        if not headers:
            return
        largest = max(size for size, _ in headers.values())
        chosen = sorted(h for h, (size, _) in headers.items() if size >= self.min_loop_share * largest)
        self.start_classes_ = [str(h) for h in chosen]
        self.end_classes_ = sorted({str(s) for h in chosen for s in headers[h][1]})

    def _predict(self, steps: pd.DataFrame) -> pd.DataFrame:
        model = self if getattr(self, "is_fitted_", False) else type(self)(**self.get_params()).fit(steps)
        cuts = class_labels(steps["step"]).isin(model.start_classes_).to_numpy()
        case = cases_from_boundaries(steps[SESSION], cuts)
        return pd.DataFrame({CASE_ID: case, TASK: np.full(len(steps), None, dtype=object)})
