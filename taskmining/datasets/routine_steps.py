"""Small steps tables with known task instances, for tests, examples and benchmarks of segmenters.

Three office routines (invoice entry, customer look-up, expense lines with a
loop; the catalog's ``steps`` family, :mod:`taskmining.datasets.catalog.steps`),
optional steps, business keys in window titles, interleaving (an instance
suspended and resumed after the next one), and noise steps that belong to no
task. Ground truth is in ``true_case`` and ``true_task``;
segmenters must never read them. The full desktop-work simulator is
:func:`taskmining.datasets.simulate`; this generator works on the steps level
directly and is tiny and fast.

Examples
--------
>>> steps = routine_steps(n_instances=20, seed=1)
>>> sorted(steps.columns)[:4]
['app', 'session', 'start', 'step']
>>> int(steps["true_case"].nunique())
20
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from taskmining.datasets._model import Routine
from taskmining.datasets._render import Instance
from taskmining.datasets.catalog.steps import STEP_NOISE, STEP_ROUTINES

__all__ = ["ROUTINES", "routine_steps"]

#: routine type -> routine (the catalog's ``steps`` family)
ROUTINES = STEP_ROUTINES


def _instance(rng: np.random.Generator, routine: Routine, key: int) -> list[tuple[str, str, str]]:
    inst = Instance(routine, 0, rng, key=str(key))
    return [(step.label, step.app or "", inst.fill(step.window, it) or "") for step, it in inst.walk()]


def routine_steps(
    n_instances: int = 200,
    *,
    tasks: tuple[str, ...] = ("invoice", "customer", "expense"),
    interleave: float = 0.0,
    noise: float = 0.0,
    n_sessions: int = 1,
    seed: int = 0,
) -> pd.DataFrame:
    """A steps table of ``n_instances`` routine instances per session with ground truth.

    Parameters
    ----------
    n_instances : int
        Task instances per session.
    tasks : tuple of str
        Routine types drawn uniformly (keys of :data:`ROUTINES`).
    interleave : float
        Probability that an instance is suspended half-way and resumed after
        the next instance.
    noise : float
        Probability of a noise step (no case) after each step.
    n_sessions : int
        Sessions (``s0``, ``s1`` ...).
    seed : int
        Seed of the numpy generator.

    Examples
    --------
    >>> st = routine_steps(10, interleave=1.0, noise=0.2, seed=0)
    >>> bool(st["true_case"].isna().any())
    True
    """
    rng = np.random.default_rng(seed)
    rows: list[tuple[str, str, str, str, str | None, str | None]] = []
    key = 10000
    for s in range(n_sessions):
        session = f"s{s}"
        queue = []
        for i in range(n_instances):
            task = tasks[int(rng.integers(len(tasks)))]
            key += int(rng.integers(1, 50))
            queue.append((f"{session}-{i}", task, _instance(rng, ROUTINES[task], key)))
        pending: list[tuple[str, str, list[tuple[str, str, str]]]] = []
        for case, task, seq in queue:
            cut = len(seq)
            if rng.random() < interleave and len(seq) > 4:
                cut = int(rng.integers(3, len(seq) - 1))
            emit = [(case, task, st) for st in seq[:cut]]
            for pcase, ptask, rest in pending:
                emit += [(pcase, ptask, st) for st in rest]
            pending = [(case, task, seq[cut:])] if cut < len(seq) else []
            for c, t, (label, app, window) in emit:
                rows.append((session, label, app, window, c, t))
                if rng.random() < noise:
                    nl, na, nw = _instance(rng, STEP_NOISE, 0)[0]
                    rows.append((session, nl, na, nw, None, None))
        for pcase, ptask, rest in pending:
            rows += [(session, label, app, window, pcase, ptask) for label, app, window in rest]
    frame = pd.DataFrame(rows, columns=["session", "step", "app", "window", "true_case", "true_task"])
    gaps = rng.lognormal(1.0, 0.6, size=len(frame))
    start = pd.Timestamp("2026-01-05 08:00", tz="UTC") + pd.to_timedelta(np.cumsum(gaps), unit="s")
    frame.insert(0, "step_id", np.arange(len(frame), dtype=np.int64))
    frame.insert(2, "start", start)
    frame["user"] = frame["session"]
    return frame
