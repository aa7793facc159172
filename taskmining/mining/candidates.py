"""Automation candidates: task types ranked by a documented, explainable score.

For each task type six components in [0, 1] are computed (the formula is in
``docs/mining.md``):

- ``frequency``: ``log(1 + cases) / log(1 + max cases over task types)``;
- ``time``: the same for the total handling time (hours);
- ``determinism``: ``1 - H(variants) / log(cases)``, H the Shannon entropy
  of the task's variant distribution (1 when every case follows the same
  steps; 1 for a single case);
- ``structured_input``: ``transfers / (transfers + typing events)`` (data
  moved by copy/paste rather than typed; 1 when neither happens);
- ``applications``: ``min(apps per case - 1, 3) / 3`` (work spanning
  several applications is where integration pays off);
- ``rule_likeness``: ``1 - `` the occurrence-weighted mean, over the task's
  steps, of the entropy of the next step (end of case included), divided
  by ``log(number of distinct next steps in the task)``.

``score = 100 * sum(w_i * component_i) / sum(w_i)`` with the weights of
:data:`DEFAULT_WEIGHTS` unless ``weights=`` overrides some of them.

**The cost model** (money and hours per month, explained in the report):

- ``cases_per_month = cases / observed working days x working_days_per_month``
  (observed working days: the distinct dates on which any case of the log
  starts);
- ``hours_per_month = cases_per_month x mean handling time``;
- ``cost_per_month = hours_per_month x hourly_rate``;
- ``happy_path_share``: the share of the task's cases in its largest variant
  family (:func:`~taskmining.mining.families.variant_families`), how
  deterministic the work is;
- ``savings_per_month = cost_per_month x happy_path_share``: what automating
  the happy path would save, the rest staying manual;
- ``transfers_per_case``: copy/paste transfers, the data a bot would move.

At ``level="activity"`` variants (and so ``determinism``, ``rule_likeness``
and the families) are counted over folded activity sequences.

Examples
--------
>>> import pandas as pd
>>> import taskmining as tm
>>> rows = []
>>> for c in range(6):
...     t0 = pd.Timestamp("2026-01-05 09:00:00", tz="UTC") + pd.Timedelta(hours=c)
...     for k, (step, app, act) in enumerate([("copy no", "mail", "copy"), ("paste no", "erp", "paste"),
...                                           ("save", "erp", "click")]):
...         rows.append((f"i{c}", "invoice", f"u{c}", step, app, act, f"h:{c}" if k < 2 else None,
...                      t0 + pd.Timedelta(seconds=10 * k)))
...     for k in range(1 + c % 3):
...         rows.append((f"n{c}", "note", f"u{c}", "type text", "word", "type", None,
...                      t0 + pd.Timedelta(minutes=30, seconds=10 * k)))
>>> t = pd.DataFrame(rows, columns=["case_id", "task", "user", "step", "app", "action", "value", "timestamp"])
>>> c = tm.automation_candidates(t, level="step", min_group_size=1)  # 1: exact numbers, no release noise
>>> c[["rank", "task", "score", "determinism", "structured_input", "applications"]].round(2)
   rank     task  score  determinism  structured_input  applications
0     1  invoice  93.33         1.00               1.0          0.33
1     2     note  37.82         0.39               0.0          0.00

At the default level (activities) the note's one to three typing steps in
Word are one activity, ``Fill Word``, so its variants do not differ:

>>> tm.automation_candidates(t, min_group_size=1)["determinism"].round(2).tolist()
[1.0, 1.0]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from taskmining.errors import ParameterError
from taskmining.mining._frame import column_names
from taskmining.mining.families import variant_families
from taskmining.mining.folding import fold_codes
from taskmining.mining.levels import at_level, resolve_level
from taskmining.mining.metrics import prepare_cases
from taskmining.mining.variants import case_variants
from taskmining.privacy.release import DEFAULT_MIN_CELL_PEOPLE, ReleaseLedger, cell_threshold, check_cohort
from taskmining.privacy.groups import (
    DEFAULT_MIN_GROUP_SIZE,
    check_min_group_size,
    note_suppressed,
    suppress_small_groups,
)
from taskmining.schema import TASK, USER

__all__ = ["automation_candidates", "DEFAULT_WEIGHTS", "COMPONENTS"]

COMPONENTS = ("frequency", "time", "determinism", "structured_input", "applications", "rule_likeness")
DEFAULT_WEIGHTS: dict[str, float] = {
    "frequency": 0.2, "time": 0.2, "determinism": 0.2, "structured_input": 0.15,
    "applications": 0.1, "rule_likeness": 0.15,
}


def _entropy(counts: pd.Series, keys: list[str]) -> pd.Series:
    """Shannon entropy (nats) of the count distribution within each group of ``keys``."""
    total = counts.groupby(level=keys, observed=True).transform("sum")
    p = counts / total
    return (-(p * np.log(p))).groupby(level=keys, observed=True).sum()


def _happy_path_share(tasks: pd.DataFrame, task_col: str, sid: str | None, act: str,
                      cols: Mapping[str, Any], families: pd.DataFrame | None = None) -> pd.Series:
    """Share of each task type's cases in its largest variant family."""
    if task_col not in tasks.columns:
        return pd.Series(dtype=float)
    if families is not None:
        if not {task_col, "count"} <= set(families.columns):
            raise ParameterError(f"families must be a variant_families table with {task_col!r} and 'count' columns")
        fam = families
    else:
        fam = variant_families(tasks, level="step" if sid else "event", fold=True, case_col=cols["case_col"],
                               activity_col=act, timestamp_col=cols["timestamp_col"], task_col=task_col,
                               step_id_col=sid)
    per = fam.groupby(task_col)["count"]
    return (per.max() / per.sum()).rename("happy_path_share")


def _cost(out: pd.DataFrame, n_days: int, hourly_rate: float, working_days_per_month: float,
          happy: pd.Series) -> pd.DataFrame:
    """The cost model's columns (see the module text), indexed like ``out``."""
    cost = pd.DataFrame(index=out.index)
    cost["cases_per_month"] = out["cases"] / n_days * working_days_per_month
    mean_h = out["total_time_h"] / out["cases"]
    cost["hours_per_month"] = cost["cases_per_month"] * mean_h
    cost["cost_per_month"] = cost["hours_per_month"] * hourly_rate
    share = happy.reindex(out.index.astype(str)).to_numpy() if len(happy) else np.ones(len(out))
    cost["happy_path_share"] = np.nan_to_num(np.asarray(share, dtype=float), nan=1.0)
    cost["savings_per_month"] = cost["cost_per_month"] * cost["happy_path_share"]
    cost["transfers_per_case"] = out["transfers"] / out["cases"]
    return cost


def automation_candidates(
    tasks: pd.DataFrame,
    *,
    weights: Mapping[str, float] | None = None,
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
    min_cell_people: int = DEFAULT_MIN_CELL_PEOPLE,
    ledger: ReleaseLedger | str | None = None,
    idle_threshold: float = 60.0,
    level: str | None = None,
    hourly_rate: float = 50.0,
    working_days_per_month: float = 21.0,
    families: pd.DataFrame | None = None,
    task_col: str = TASK,
    user_col: str = USER,
    **columns: Any,
) -> pd.DataFrame:
    """Task types ranked by automation potential, with the components of each score.

    Parameters
    ----------
    tasks : pandas.DataFrame
        The tasks frame (task types in ``task_col``; without it the whole
        log is one task type ``"(all)"``).
    weights : mapping, optional
        Weights of the components (names in :data:`COMPONENTS`); missing
        ones keep :data:`DEFAULT_WEIGHTS`.
    min_group_size : int, default 5
        Every task type is withheld below this many distinct users in the
        log; 1 opts out.
    min_cell_people : int, default 3
        Task types done by fewer distinct users (at most ``min_group_size``)
        are left out (and noted).
    ledger : ReleaseLedger or path, optional
        As in :func:`~taskmining.mining.metrics.task_metrics`.
    idle_threshold : float, default 60
        As in :func:`~taskmining.mining.metrics.task_metrics`.
    level : {"step", "activity"}, optional
        The unit variants are counted in (see :mod:`taskmining.mining.levels`).
        Default ``"activity"``, or ``"step"`` for a frame without UI structure
        (:func:`~taskmining.mining.levels.resolve_level`).
    hourly_rate : float, default 50
        Cost of one working hour (any currency), for the cost model.
    working_days_per_month : float, default 21
        Working days in a month, for the cost model.
    families : pandas.DataFrame, optional
        :func:`~taskmining.mining.families.variant_families` of the same
        frame at the same ``level`` (all families, before any suppression),
        when the caller has it already; computed otherwise.
    task_col, user_col, **columns
        Column names, as in :func:`~taskmining.mining.metrics.task_metrics`
        (``case_col``, ``activity_col``, ``timestamp_col``, ``app_col``,
        ``session_col``, ``step_id_col``).

    Returns
    -------
    pandas.DataFrame
        ``rank``, ``task``, ``score`` (0-100), the six components, and the
        raw quantities behind them: ``cases``, ``users``, ``total_time_h``,
        ``variants``, ``apps_per_case``, ``transfers``, ``typing_events``,
        and the cost model's ``cases_per_month``, ``hours_per_month``,
        ``cost_per_month``, ``happy_path_share``, ``savings_per_month``,
        ``transfers_per_case``. Sorted by score (descending).

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"case_id": ["a", "a", "b", "b"], "step": ["x", "y", "x", "y"],
    ...                   "timestamp": pd.to_datetime(["2026-01-05 09:00:00", "2026-01-05 09:00:10",
    ...                                                "2026-01-05 10:00:00", "2026-01-05 10:00:10"], utc=True)})
    >>> c = automation_candidates(t, min_group_size=1)
    >>> c[["task", "determinism", "rule_likeness"]]
        task  determinism  rule_likeness
    0  (all)          1.0            1.0
    """
    check_min_group_size(min_group_size)
    for name, value in (("hourly_rate", hourly_rate), ("working_days_per_month", working_days_per_month)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not np.isfinite(value) or value < 0:
            raise ParameterError(f"{name} must be a finite number >= 0, got {value!r}")
    w = dict(DEFAULT_WEIGHTS)
    for name, value in (weights or {}).items():
        if name not in COMPONENTS:
            raise ParameterError(f"weights: unknown component {name!r} (known: {', '.join(COMPONENTS)})")
        if not np.isfinite(value) or value < 0:
            raise ParameterError(f"weights[{name!r}] must be a finite number >= 0, got {value!r}")
        w[name] = float(value)
    if sum(w.values()) <= 0:
        raise ParameterError("weights: at least one component needs a positive weight")
    cols = column_names(**columns)
    level = resolve_level(level, tasks)
    tasks, sid, act = at_level(tasks, level, ("step", "activity"), what="automation_candidates",
                               case_col=str(cols["case_col"]), activity_col=str(cols["activity_col"]),
                               timestamp_col=str(cols["timestamp_col"]), step_id_col=cols["step_id_col"])
    columns = {**columns, "step_id_col": sid, "activity_col": act}
    seq, cases = prepare_cases(tasks, what="automation_candidates", idle_threshold=idle_threshold,
                               task_col=task_col, user_col=user_col, **columns)
    var, rep = case_variants(seq)
    if level == "activity":
        var = fold_codes(var, rep, [tuple(seq.act_labels[seq.act[seq.ptr[c]:seq.ptr[c + 1]]].tolist())
                                    for c in rep])[0]
    cases["_variant"] = var
    n_days = max(int(cases["start"].dt.normalize().nunique()), 1) if len(cases) else 1
    suppressed = pd.DataFrame(columns=[TASK])
    cell = cell_threshold(min_group_size, min_cell_people)
    if min_group_size > 1:
        if check_cohort(cases, min_group_size, user_col=USER, what="automation_candidates", ledger=ledger,
                        refuse=False) < min_group_size:
            cell = min_group_size  # a log of fewer people than a team: every task type withheld
        cases, suppressed = suppress_small_groups(cases, TASK, USER, cell, what="automation_candidates", warn=False)
    if cases.empty:
        out = pd.DataFrame(columns=["rank", task_col, "score", *COMPONENTS])
        return note_suppressed(out, suppressed.rename(columns={TASK: task_col}), what="automation_candidates",
                               min_group_size=cell)
    g = cases.groupby(TASK, sort=True, observed=True)
    out = g.agg(cases=("duration", "size"), total_time_h=("duration", "sum"), apps_per_case=("apps", "mean"),
                transfers=("transfers", "sum"), typing_events=("typing_events", "sum"),
                variants=("_variant", "nunique"))
    out["total_time_h"] /= 3600.0
    if USER in cases.columns:
        out.insert(1, "users", g[USER].nunique())
    n = out["cases"].astype(float)
    comp = pd.DataFrame(index=out.index)
    comp["frequency"] = np.log1p(n) / np.log1p(n.max())
    comp["time"] = np.log1p(out["total_time_h"]) / max(np.log1p(out["total_time_h"].max()), 1e-12)
    h_var = _entropy(cases.groupby([TASK, "_variant"], observed=True).size(), [TASK])
    with np.errstate(invalid="ignore", divide="ignore"):
        comp["determinism"] = np.where(n > 1, 1 - h_var.reindex(out.index) / np.log(n), 1.0)
        moved = out["transfers"].astype(float)
        typed = out["typing_events"].astype(float)
        comp["structured_input"] = np.where(moved + typed > 0, moved / (moved + typed), 1.0)
    comp["applications"] = np.clip(out["apps_per_case"] - 1, 0, 3) / 3
    # next-step entropy per (task, step), weighted by the step's occurrences
    kept = np.zeros(seq.n_cases, dtype=bool)
    kept[cases["_code"].to_numpy()] = True
    task_of_case = np.empty(seq.n_cases, dtype=object)
    task_of_case[cases["_code"].to_numpy()] = cases[TASK].to_numpy()
    step_ok = kept[seq.case]
    nxt = np.full(seq.n_steps, -1, dtype=np.int64)  # -1: end of case
    i = seq.same_case_pairs()
    nxt[i] = seq.act[i + 1]
    trans = pd.DataFrame({TASK: task_of_case[seq.case[step_ok]], "a": seq.act[step_ok], "b": nxt[step_ok]})
    pair_counts = trans.groupby([TASK, "a", "b"], observed=True).size()
    h_next = _entropy(pair_counts, [TASK, "a"])
    occ = trans.groupby([TASK, "a"], observed=True).size()
    n_next = trans.groupby(TASK, observed=True)["b"].nunique()
    weighted = (h_next * occ).groupby(level=TASK, observed=True).sum() / occ.groupby(level=TASK, observed=True).sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        norm = np.log(n_next.reindex(out.index).astype(float))
        comp["rule_likeness"] = np.where(norm > 0, 1 - weighted.reindex(out.index) / norm, 1.0)
    comp = comp.clip(0, 1)
    total_w = sum(w.values())
    score = 100 * sum(w[c] * comp[c] for c in COMPONENTS) / total_w
    out = out.join(_cost(out, n_days, hourly_rate, working_days_per_month,
                         _happy_path_share(tasks, task_col, sid, act, cols, families)))
    result = pd.concat([score.rename("score"), comp, out], axis=1).reset_index()
    result = result.sort_values(["score", TASK], ascending=[False, True]).reset_index(drop=True)
    result.insert(0, "rank", np.arange(1, len(result) + 1))
    result = result.rename(columns={TASK: task_col, USER: user_col})
    result.attrs["weights"] = w
    return note_suppressed(result, suppressed.rename(columns={TASK: task_col}), what="automation_candidates",
                           min_group_size=cell)
