"""Small steps tables with known task instances, for tests, examples and benchmarks of segmenters.

Three office routines (invoice entry, customer look-up, expense lines with a
loop), optional steps, business keys in window titles, interleaving (an
instance suspended and resumed after the next one), and noise steps that
belong to no task. Ground truth is in ``true_case`` and ``true_task``;
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

__all__ = ["ROUTINES", "routine_steps"]

# one step per line: label | app | window title ({k} = business key) [| optional]
_SPEC = {
    "invoice": """
        Click 'Inbox' in Outlook | outlook | Inbox - Outlook
        Open 'Invoice mail' in Outlook | outlook | INV-{k} - Message - Outlook
        Open 'invoice.pdf' in Acrobat | acrobat | invoice-{k}.pdf - Acrobat
        Copy 'Invoice number' in Acrobat | acrobat | invoice-{k}.pdf - Acrobat
        Click 'New invoice' in Chrome | chrome | ERP - Chrome
        Paste 'Invoice number' in Chrome | chrome | ERP invoice INV-{k} - Chrome
        Copy 'Amount' in Acrobat | acrobat | invoice-{k}.pdf - Acrobat
        Paste 'Amount' in Chrome | chrome | ERP invoice INV-{k} - Chrome
        Type in 'Comment' in Chrome | chrome | ERP invoice INV-{k} - Chrome | optional
        Click 'Submit' in Chrome | chrome | ERP invoice INV-{k} - Chrome""",
    "customer": """
        Click 'Search' in CRM | crm | CRM
        Type in 'Customer' in CRM | crm | CRM
        Open 'Customer' in CRM | crm | Customer {k} - CRM
        Copy 'Address' in CRM | crm | Customer {k} - CRM
        Select 'B' in Excel | excel | customers.xlsx - Excel
        Paste 'B' in Excel | excel | customers.xlsx - Excel
        Click 'Notes' in CRM | crm | Customer {k} - CRM | optional
        Click 'Close' in CRM | crm | Customer {k} - CRM""",
    "expense": """
        Open 'expenses.xlsx' in Excel | excel | expenses.xlsx - Excel
        Click 'New claim' in Chrome | chrome | Travel portal - Chrome
        Type in 'Claim title' in Chrome | chrome | Claim EXP-{k} - Chrome
        *line | | | loop
        Click 'Save' in Chrome | chrome | Claim EXP-{k} - Chrome""",
    "line": """
        Copy 'C' in Excel | excel | expenses.xlsx - Excel
        Paste 'Amount' in Chrome | chrome | Claim EXP-{k} - Chrome
        Click 'Add line' in Chrome | chrome | Claim EXP-{k} - Chrome""",
    "noise": """
        Scroll in Chrome | chrome | News - Chrome
        Click 'Chat' in Teams | teams | Chat - Teams
        Click 'Calendar' in Outlook | outlook | Calendar - Outlook""",
}


def _parse(spec: str) -> list[tuple[str, str, str, bool]]:
    rows = []
    for line in spec.strip().splitlines():
        parts = [p.strip() for p in line.split("|")] + [""]
        rows.append((parts[0], parts[1], parts[2], parts[3] == "optional"))
    return rows


#: routine type -> steps (label, app, window title template, optional)
ROUTINES: dict[str, list[tuple[str, str, str, bool]]] = {
    name: _parse(spec) for name, spec in _SPEC.items() if name not in ("line", "noise")
}
_LINE = [row[:3] for row in _parse(_SPEC["line"])]
_NOISE = [row[:3] for row in _parse(_SPEC["noise"])]


def _instance(rng: np.random.Generator, task: str, key: int) -> list[tuple[str, str, str]]:
    out: list[tuple[str, str, str]] = []
    for label, app, window, optional in ROUTINES[task]:
        if label == "*line":
            for _ in range(int(rng.integers(1, 4))):
                out.extend((lab, a, w.format(k=key)) for lab, a, w in _LINE)
            continue
        if optional and rng.random() < 0.5:
            continue
        out.append((label, app, (window or "").format(k=key)))
    return out


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
            queue.append((f"{session}-{i}", task, _instance(rng, task, key)))
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
                    nl, na, nw = _NOISE[int(rng.integers(len(_NOISE)))]
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
