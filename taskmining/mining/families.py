"""Variant families: similar variants grouped behind a representative "happy path".

pm4py's ``filter_variants_top_k`` keeps the most frequent variants; a family
goes further and says where the rest deviate. Variants (folded at
``level="activity"``, see :mod:`taskmining.mining.folding`) are taken by
frequency; each joins the family whose representative is nearest, when the
normalised edit distance (insertions, deletions, substitutions of elements,
divided by the longer length) is at most ``max_distance``; otherwise it
founds a new family. With a ``task`` column,
families are formed within each task type.

The family's **representative** (its happy path) is the member nearest, in
summed edit distance, to all the family's cases (a medoid among its 30 most
frequent members). For each family: its share of all cases, the median and 90th percentile of
its cases' durations, and its **deviations**: the elements its members skip
from the representative (``skip``) or add to it (``add``), each with the
number and share of the family's cases that do so. An element skipped or
added by at least ``optional_share`` of the family's cases is listed as
**optional**.

Examples
--------
>>> import pandas as pd
>>> rows = []
>>> for c, path in enumerate(["abcd"] * 6 + ["abd"] * 2 + ["xy"] * 3):
...     for k, s in enumerate(path):
...         rows.append((f"c{c}", s, pd.Timestamp("2026-01-05 09:00", tz="UTC") + pd.Timedelta(minutes=c, seconds=k)))
>>> t = pd.DataFrame(rows, columns=["case_id", "step", "timestamp"])
>>> f = variant_families(t, level="step")
>>> f[["family", "representative", "variants", "count", "optional"]]
  family representative  variants  count optional
0     F1  a → b → c → d         2      8     (c,)
1     F2          x → y         1      3       ()
>>> f.loc[0, "deviations"]
[{'kind': 'skip', 'activity': 'c', 'cases': 2, 'share': 0.25}]
"""

from __future__ import annotations

from collections import defaultdict
from difflib import SequenceMatcher
from typing import Any

import numpy as np
import pandas as pd

from taskmining.errors import ParameterError
from taskmining.mining._frame import NS, encode
from taskmining.mining._stats import group_stats
from taskmining.mining.folding import fold_codes
from taskmining.mining.levels import at_level, resolve_level
from taskmining.mining.variants import SEPARATOR, case_variants
from taskmining.schema import CASE_ID, STEP, TASK, TIMESTAMP

__all__ = ["variant_families", "edit_distance", "DEFAULT_MAX_DISTANCE"]

#: Variants nearer than this (normalised edit distance) to a representative join its family.
DEFAULT_MAX_DISTANCE = 0.34
_MAX_VARIANTS = 3000  # per task type; rarer variants are pooled as "other"


def edit_distance(a: tuple[str, ...], b: tuple[str, ...]) -> float:
    """Levenshtein distance of two element sequences divided by the longer length (0 for two empty ones).

    Computed with the bit-parallel algorithm of Myers (1999) in Hyyrö's
    formulation: one pass over ``b`` with the columns of the dynamic
    programme held as bits of Python integers, so the cost grows with
    ``len(b)``, not ``len(a) * len(b)``.

    Examples
    --------
    >>> edit_distance(("a", "b", "c"), ("a", "c")), edit_distance(("a",), ("b",))
    (0.3333333333333333, 1.0)
    """
    if not a or not b:
        return 0.0 if not a and not b else 1.0
    m = len(a)
    peq: dict[str, int] = {}
    for i, x in enumerate(a):
        peq[x] = peq.get(x, 0) | (1 << i)
    mask = (1 << m) - 1
    last = 1 << (m - 1)
    pv, mv, score = mask, 0, m
    for y in b:
        eq = peq.get(y, 0)
        xv = eq | mv
        xh = (((eq & pv) + pv) ^ pv) | eq
        ph = (mv | ~(xh | pv)) & mask
        mh = pv & xh
        if ph & last:
            score += 1
        elif mh & last:
            score -= 1
        ph = ((ph << 1) | 1) & mask
        mh = (mh << 1) & mask
        pv = (mh | ~(xv | ph)) & mask
        mv = ph & xv
    return score / max(m, len(b))


def _group(order: list[int], steps: list[tuple[str, ...]], max_distance: float) -> dict[int, int]:
    """Family (index of its representative variant) of each variant in ``order`` (most frequent first)."""
    reps: list[int] = []
    family: dict[int, int] = {}
    for v in order[:_MAX_VARIANTS]:
        best, best_d = -1, max_distance + 1e-12
        for r in reps:
            la, lb = len(steps[v]), len(steps[r])
            if abs(la - lb) / max(la, lb, 1) > best_d:  # the distance is at least the length difference
                continue
            d = edit_distance(steps[v], steps[r])
            if d <= best_d:
                best, best_d = r, d
        if best < 0:
            reps.append(v)
            best = v
        family[v] = best
    for v in order[_MAX_VARIANTS:]:
        family[v] = -1
    return family


def _medoid(members: list[tuple[tuple[str, ...], int]], limit: int = 30) -> tuple[str, ...]:
    """The member (of the ``limit`` most frequent) nearest to all cases of the family: the happy path."""
    ranked = sorted(members, key=lambda m: (-m[1], m[0]))
    top = ranked[:limit]
    if len(top) == 1:
        return top[0][0]
    cost = [sum(n * edit_distance(a, b) for b, n in ranked[:200]) for a, _ in top]
    return top[int(np.argmin(cost))][0]


def _deviations(rep: tuple[str, ...], members: list[tuple[tuple[str, ...], int]], total: int
                ) -> list[dict[str, Any]]:
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for steps, n in members:
        seen: set[tuple[str, str]] = set()
        for op, i1, i2, j1, j2 in SequenceMatcher(None, rep, steps, autojunk=False).get_opcodes():
            if op in ("delete", "replace"):
                seen.update(("skip", s) for s in rep[i1:i2])
            if op in ("insert", "replace"):
                seen.update(("add", s) for s in steps[j1:j2])
        for key in seen:
            counts[key] += n
    out = [{"kind": k, "activity": a, "cases": int(n), "share": n / total} for (k, a), n in counts.items()]
    return sorted(out, key=lambda d: (-d["cases"], d["kind"], d["activity"]))


def variant_families(
    tasks: pd.DataFrame,
    *,
    level: str | None = None,
    fold: bool | None = None,
    max_distance: float = DEFAULT_MAX_DISTANCE,
    optional_share: float = 0.1,
    case_col: str = CASE_ID,
    activity_col: str = STEP,
    timestamp_col: str = TIMESTAMP,
    task_col: str = TASK,
    step_id_col: str | None = "step_id",
) -> pd.DataFrame:
    """One row per variant family, most frequent first.

    Parameters
    ----------
    tasks : pandas.DataFrame
        The tasks frame.
    level : {"event", "step", "activity"}, optional
        As in :func:`~taskmining.mining.variants.variants`. Default ``"activity"``, or ``"step"`` for a frame without UI structure
        (:func:`~taskmining.mining.levels.resolve_level`).
    fold : bool, optional
        Fold loops first (default: at ``level="activity"``).
    max_distance : float, default 0.34
        The largest normalised edit distance to a family's representative.
    optional_share : float, default 0.1
        Elements skipped or added by at least this share of a family's
        cases are listed in ``optional``.
    case_col, activity_col, timestamp_col, task_col, step_id_col : str
        Column names (``task_col`` is optional in the frame).

    Returns
    -------
    pandas.DataFrame
        ``task`` (when the frame has it), ``family`` (``F1``, ``F2`` ...),
        ``representative`` (its elements joined by ``" → "``), ``steps``
        (tuple), ``variants``, ``count``, ``share`` (of all cases),
        ``coverage``, ``duration_median``, ``duration_p90`` (seconds),
        ``optional`` (tuple) and ``deviations`` (a list of dicts ``kind``,
        ``activity``, ``cases``, ``share`` of the family's cases).

    Raises
    ------
    ParameterError
        ``max_distance`` outside [0, 1] or ``optional_share`` outside (0, 1].
    MiningError
        As :func:`~taskmining.mining.variants.variants`.
    """
    if not 0 <= max_distance <= 1:
        raise ParameterError(f"max_distance must be in [0, 1], got {max_distance!r}")
    if not 0 < optional_share <= 1:
        raise ParameterError(f"optional_share must be in (0, 1], got {optional_share!r}")
    level = resolve_level(level, tasks)
    frame, sid, act = at_level(tasks, level, ("event", "step", "activity"), what="variant_families",
                               case_col=case_col, activity_col=activity_col, timestamp_col=timestamp_col,
                               step_id_col=step_id_col)
    seq = encode(frame, case_col=case_col, activity_col=act, timestamp_col=timestamp_col, step_id_col=sid,
                 what="variant_families")
    var, rep = case_variants(seq)
    steps = [tuple(seq.act_labels[seq.act[seq.ptr[c]:seq.ptr[c + 1]]].tolist()) for c in rep]
    if fold or (fold is None and level == "activity"):
        var, rep, steps = fold_codes(var, rep, steps)
    n_var = len(steps)
    count = np.bincount(var, minlength=n_var)
    has_task = task_col in frame.columns
    if has_task:  # each variant's task type: the one most of its cases have
        t_code, t_names = pd.factorize(frame[task_col].iloc[seq.first_rows()].astype("string").fillna("(none)"))
        table = np.zeros((n_var, len(t_names)), dtype=np.int64)
        np.add.at(table, (var, t_code), 1)
        var_task = pd.Series(np.asarray(t_names, dtype=object)[table.argmax(axis=1)])
    else:
        var_task = pd.Series(["(all)"] * n_var, dtype=object)
    fam_of_var = np.full(n_var, -1, dtype=np.int64)
    for _task, group in var_task.groupby(var_task, sort=True):
        order = sorted(group.index.tolist(), key=lambda v: (-int(count[v]), SEPARATOR.join(steps[v])))
        for v, r in _group(order, steps, max_distance).items():
            fam_of_var[v] = r if r >= 0 else n_var  # n_var: the pooled rare variants
    fam_codes, fam_reps = pd.factorize(fam_of_var)
    case_fam = fam_codes[var]
    n_fam = len(fam_reps)
    duration = seq.end[seq.last()] - seq.start[seq.first()]
    stats = group_stats(case_fam, duration, n_fam, scale=NS)
    rows = []
    for f, r in enumerate(fam_reps):
        members = [(steps[v], int(count[v])) for v in np.flatnonzero(fam_codes == f)]
        total = sum(n for _, n in members)
        rep_steps = _medoid(members) if r < n_var else ()
        devs = _deviations(rep_steps, members, total) if r < n_var else []
        rows.append({
            "task": var_task.get(int(np.flatnonzero(fam_codes == f)[0])),
            "representative": SEPARATOR.join(rep_steps) if r < n_var else "(rare variants)",
            "steps": rep_steps, "variants": len(members), "count": total,
            "duration_median": float(stats["q0.5"][f]), "duration_p90": float(stats["q0.9"][f]),
            "optional": tuple(sorted({d["activity"] for d in devs if d["share"] >= optional_share})),
            "deviations": devs,
        })
    out = pd.DataFrame(rows)
    out = out.sort_values(["count", "representative"], ascending=[False, True], kind="stable").reset_index(drop=True)
    out.insert(0, "family", [f"F{i + 1}" for i in range(len(out))])
    out.insert(out.columns.get_loc("count") + 1, "share", out["count"] / seq.n_cases)
    out.insert(out.columns.get_loc("share") + 1, "coverage", out["share"].cumsum())
    if has_task:
        out = out[["task", *[c for c in out.columns if c != "task"]]].rename(columns={"task": task_col})
    else:
        out = out.drop(columns="task")
    out.attrs.update(n_cases=seq.n_cases, n_variants=n_var, level=level)
    return out
