"""``simulate_process_log``: the ERP/CRM system log that matches simulated desktop work.

Every simulated task instance works on a business object (``true_object``:
an invoice number, customer number, purchase order...). The system log has
one process case per object, named by that key, with the system activities
of the routine's process template: some before the desktop task (the
invoice arrived and was scanned), one when the task submits its work
(``Create Invoice`` a few seconds after the desktop task's last event) and
some after (approval, payment). Desktop tasks and process cases are linked
through the business key.

Examples
--------
>>> from taskmining.datasets import simulate
>>> ev = simulate(n_users=1, routines=["invoice_entry"], seed=5, hours=0.5)
>>> log = simulate_process_log(ev, seed=5)
>>> log.columns.tolist()
['case:concept:name', 'concept:name', 'time:timestamp', 'org:resource', 'case:object_type']
>>> "Create Invoice" in set(log["concept:name"])
True
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from taskmining.datasets.catalog.desktop import ROUTINES
from taskmining.errors import ParameterError
from taskmining.schema import STRING_DTYPE, TIMESTAMP_DTYPE

__all__ = ["simulate_process_log", "PROCESS_COLUMNS"]

PROCESS_COLUMNS = ("case:concept:name", "concept:name", "time:timestamp", "org:resource", "case:object_type")
_OBJECT_TYPE = {"invoice_entry": "invoice", "customer_lookup": "customer", "expense_reimbursement": "expense_report",
                "po_approval": "purchase_order", "address_change": "customer", "report_compilation": "report"}


def simulate_process_log(events: pd.DataFrame, seed: int = 0, *, unlinked: float = 0.1) -> pd.DataFrame:
    """Simulate the system event log (pm4py format) of the objects the desktop tasks touched.

    Parameters
    ----------
    events : pandas.DataFrame
        A frame from :func:`taskmining.simulate` (needs ``timestamp``, ``user``,
        ``true_case``, ``true_task`` and ``true_object``).
    seed : int
        Seed of the timing jitter and resources.
    unlinked : float, default 0.1
        Extra process cases, as a fraction of the linked ones, that no desktop
        task touched (keys prefixed ``X-``), so linking has something to miss.

    Returns
    -------
    pandas.DataFrame
        ``case:concept:name`` (the business key, the ``true_object`` of the
        desktop events), ``concept:name`` (system activity), ``time:timestamp``
        (UTC), ``org:resource`` (the desktop user for the activity the task
        performs, else a role or system) and ``case:object_type``; sorted by
        case and time.

    Raises
    ------
    ParameterError
        When the ground-truth columns are missing.

    Examples
    --------
    >>> import taskmining as tm
    >>> ev = tm.simulate(n_users=1, routines=["po_approval"], seed=1, hours=0.5)
    >>> log = tm.datasets.simulate_process_log(ev, unlinked=0)
    >>> sorted(log["concept:name"].unique())[:2]
    ['Create Purchase Order', 'Create Purchase Requisition']
    """
    missing = [c for c in ("timestamp", "user", "true_case", "true_task", "true_object") if c not in events.columns]
    if missing:
        raise ParameterError(f"events: column {missing[0]!r} is missing; pass a frame from taskmining.simulate()")
    if not 0.0 <= float(unlinked) <= 10.0:
        raise ParameterError(f"unlinked: expected a fraction between 0 and 10, got {unlinked!r}")
    rng = np.random.default_rng([int(seed), 11])
    cases = events.loc[events["true_case"].notna(), ["true_case", "true_task", "true_object", "user", "timestamp"]]
    g = cases.groupby("true_case", sort=True, observed=True)
    per_case = g.agg(task=("true_task", "first"), key=("true_object", "first"), user=("user", "first"),
                     start=("timestamp", "min"), end=("timestamp", "max"))
    n_extra = int(round(float(unlinked) * len(per_case)))
    if n_extra:
        extra = per_case.sample(n=n_extra, replace=True, random_state=int(seed)).copy()
        extra["key"] = [f"X-{k}-{i:05d}" for i, k in enumerate(extra["key"].tolist())]
        shift = pd.to_timedelta(rng.uniform(-72, 72, n_extra), unit="h")
        extra["start"] = extra["start"] + shift
        extra["end"] = extra["end"] + shift
        extra["user"] = "clerk-" + pd.Series(rng.integers(1, 6, n_extra).astype(str), index=extra.index)
        per_case = pd.concat([per_case, extra])
    parts = []
    for task, grp in per_case.groupby("task", sort=True, observed=True):
        routine = ROUTINES.get(str(task))
        if routine is None:
            continue
        for activity, anchor, hours, resource in routine.process:
            m = len(grp)
            base = grp["start"] if anchor == "start" else grp["end"]
            if hours == 0.0:
                offset = rng.uniform(1.0, 30.0, m)  # seconds after the desktop task's last event
            else:
                offset = hours * 3600.0 * np.exp(0.3 * rng.standard_normal(m))
            if resource == "user":
                who = grp["user"].astype(str).to_numpy()
            else:
                who = np.char.add(f"{resource}-", rng.integers(1, 4, m).astype(str))
            parts.append(pd.DataFrame({
                "case:concept:name": grp["key"].to_numpy(), "concept:name": activity,
                "time:timestamp": (base + pd.to_timedelta(offset, unit="s")).to_numpy(),
                "org:resource": who, "case:object_type": _OBJECT_TYPE.get(str(task), str(task)),
            }))
    if not parts:
        return pd.DataFrame({c: pd.Series([], dtype=TIMESTAMP_DTYPE if c == "time:timestamp" else STRING_DTYPE)
                             for c in PROCESS_COLUMNS})
    log = pd.concat(parts, ignore_index=True)
    log["time:timestamp"] = pd.to_datetime(log["time:timestamp"], utc=True).astype(TIMESTAMP_DTYPE)
    for c in ("case:concept:name", "concept:name", "org:resource", "case:object_type"):
        log[c] = log[c].astype(STRING_DTYPE)
    return log.sort_values(["case:concept:name", "time:timestamp"], kind="stable").reset_index(drop=True)
