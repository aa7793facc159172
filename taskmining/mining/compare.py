"""Compare two groups of cases (e.g. new vs experienced staff): where does time go?

Each case belongs to the group given by the ``by`` column at its first row.
The **reference** group's most frequent variant (per task type when the
frame has a ``task`` column) is the reference path; every case of both
groups is aligned to the reference path of its task type with an edit alignment (insertions and
deletions cost 1, a different step is one insertion plus one deletion: the
longest-common-subsequence alignment). Inserted steps are **detours or extra
steps**, deleted ones are **skipped** steps. Alignment runs once per distinct
variant, not per case.

**Time per step**: from the start of a step to the start of the next step of
the case (the step's own duration for the last step), so waiting before the
next step is charged to the step that caused it.

A comparison is a team output (docs/privacy.md): each group needs
``min_group_size`` distinct people, steps and variants done by fewer than
``min_cell_people`` people are left out of every table (counted in
``notes``), and the numbers get the release noise of
:mod:`taskmining.privacy.noise`; ``min_group_size=1`` gives everything, exact.

Examples
--------
>>> import pandas as pd
>>> import taskmining as tm
>>> rows = []
>>> for c in range(10):
...     new = c % 2 == 1
...     steps = ["open", "search", "fill", "save"] if new else ["open", "fill", "save"]
...     t0 = pd.Timestamp("2026-01-05 09:00:00", tz="UTC") + pd.Timedelta(hours=c)
...     for k, s in enumerate(steps):
...         rows.append((f"c{c}", s, f"u{c}", "new" if new else "experienced",
...                      t0 + pd.Timedelta(seconds=(30 if new else 10) * k)))
>>> t = pd.DataFrame(rows, columns=["case_id", "step", "user", "cohort", "timestamp"])
>>> cmp = tm.compare(t, by="cohort", groups=("experienced", "new"), min_group_size=1)
>>> cmp.reference_variant
('open', 'fill', 'save')
>>> cmp.detours[["step", "inserted_per_case_experienced", "inserted_per_case_new"]]
     step  inserted_per_case_experienced  inserted_per_case_new
0  search                            0.0                    1.0
>>> cmp.where_time_is_lost()[["step", "extra_time_per_case"]]
     step  extra_time_per_case
0  search                 30.0
1    fill                 20.0
2    open                 20.0
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np
import pandas as pd

from taskmining.errors import ParameterError, PrivacyError
from taskmining.mining._frame import NS, Sequences, encode
from taskmining.mining.results import Comparison
from taskmining.mining.variants import SEPARATOR, case_variants
from taskmining.mining.people import suppressed_labels
from taskmining.privacy.groups import DEFAULT_MIN_GROUP_SIZE, check_min_group_size
from taskmining.privacy.noise import perturb_release
from taskmining.privacy.release import DEFAULT_MIN_CELL_PEOPLE, ReleaseLedger, cell_threshold, check_cohort
from taskmining.schema import CASE_ID, STEP, STEP_ID, TASK, TIMESTAMP, USER

__all__ = ["compare", "align"]


def align(seq: list[int] | tuple, ref: list[int] | tuple) -> tuple[list, list]:
    """Edit alignment of ``seq`` to ``ref``: (inserted items of seq, skipped items of ref).

    Examples
    --------
    >>> align(["a", "x", "b"], ["a", "b", "c"])
    (['x'], ['c'])
    >>> align(["a", "q", "c"], ["a", "b", "c"])
    (['q'], ['b'])
    """
    n, m = len(seq), len(ref)
    a = np.asarray(list(seq))
    b = np.asarray(list(ref))
    # longest common subsequence, one vectorised row at a time:
    # L[i, j] = max(L[i-1, j], L[i-1, j-1] + (a_i == b_j), L[i, j-1]); the last term is a running max
    lcs = np.zeros((n + 1, m + 1), dtype=np.int32)
    for i in range(1, n + 1):
        step = np.maximum(lcs[i - 1, 1:], lcs[i - 1, :-1] + (b == a[i - 1]))
        lcs[i, 1:] = np.maximum.accumulate(step) if m else step
    # edit distance with insertions and deletions only: d = i + j - 2 L
    d = np.arange(n + 1)[:, None] + np.arange(m + 1)[None, :] - 2 * lcs
    inserted, skipped = [], []
    i, j = n, m
    while i > 0 or j > 0:
        if i > 0 and j > 0 and seq[i - 1] == ref[j - 1] and d[i, j] == d[i - 1, j - 1]:
            i, j = i - 1, j - 1
        elif i > 0 and d[i, j] == d[i - 1, j] + 1:
            inserted.append(seq[i - 1])
            i -= 1
        else:
            skipped.append(ref[j - 1])
            j -= 1
    return inserted[::-1], skipped[::-1]


def _groups_of_cases(tasks: pd.DataFrame, seq: Sequences, by: str, groups: tuple | None,
                     reference: object | None) -> tuple[np.ndarray, tuple[object, object]]:
    if by not in tasks.columns:
        raise ParameterError(f"by={by!r} is not a column (columns: {list(tasks.columns)[:20]})")
    values = tasks[by].iloc[seq.first_rows()].astype(object).to_numpy()
    present = pd.unique(values[pd.notna(values)])
    if groups is not None:
        if len(groups) != 2:
            raise ParameterError(f"groups must be two values of {by!r}, got {groups!r}")
        a, b = groups
        for g in (a, b):
            if g not in set(present):
                raise ParameterError(f"groups: {by}={g!r} has no cases (values: {sorted(map(str, present))[:10]})")
        label = np.where(values == a, 0, np.where(values == b, 1, -1))
        return label, (a, b)
    if reference is not None:
        if reference not in set(present):
            raise ParameterError(f"reference: {by}={reference!r} has no cases")
        return np.where(values == reference, 0, np.where(pd.notna(values), 1, -1)), (reference, "(others)")
    if len(present) != 2:
        raise ParameterError(f"{by!r} has {len(present)} values; pass groups=(reference, other) or reference=")
    a, b = sorted(present, key=str)
    return np.where(values == a, 0, np.where(values == b, 1, -1)), (a, b)


def compare(
    tasks: pd.DataFrame,
    by: str,
    groups: tuple[object, object] | None = None,
    *,
    reference: object | None = None,
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
    min_cell_people: int = DEFAULT_MIN_CELL_PEOPLE,
    ledger: ReleaseLedger | str | None = None,
    case_col: str = CASE_ID,
    activity_col: str = STEP,
    timestamp_col: str = TIMESTAMP,
    user_col: str = USER,
    task_col: str | None = TASK,
    step_id_col: str | None = STEP_ID,
) -> Comparison:
    """Two groups of cases side by side: time per step, detours, variants.

    Parameters
    ----------
    tasks : pandas.DataFrame
        The tasks frame with a ``by`` column (e.g. ``"cohort"``, ``"team"``).
    by : str
        Column naming the group of each case (its value at the case's first row).
    groups : (reference, other), optional
        The two values to compare; the first is the reference.
    reference : optional
        Compare this value against all other cases (``"(others)"``).
    task_col : str or None, default "task"
        With this column, each case is aligned to the reference path of its
        own task type; ``None`` (or no such column): one reference path.
    min_group_size : int, default 5
        Each group needs this many distinct users, otherwise
        :class:`~taskmining.errors.PrivacyError` (a comparison with one
        group suppressed would show nothing); 1 releases everything, exact.
    min_cell_people : int, default 3
        Steps and variants done by fewer distinct people are left out.
    ledger : ReleaseLedger or path, optional
        Release ledger (default ``$TASKMINING_RELEASE_LEDGER``, if set).

    Returns
    -------
    Comparison
        ``summary``, ``steps`` (where time is lost), ``detours``,
        ``variants`` and the ``reference_variant``.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"case_id": ["a", "a", "b", "b"], "step": ["x", "y", "x", "y"],
    ...                   "g": ["p", "p", "q", "q"], "user": ["u1", "u1", "u2", "u2"],
    ...                   "timestamp": pd.to_datetime(["2026-01-05 09:00:00", "2026-01-05 09:00:10",
    ...                                                "2026-01-05 10:00:00", "2026-01-05 10:00:30"], utc=True)})
    >>> compare(t, "g", min_group_size=1).where_time_is_lost()[["step", "extra_time_per_case"]]
      step  extra_time_per_case
    0    x                 20.0
    """
    check_min_group_size(min_group_size)
    if groups is not None and reference is not None:
        raise ParameterError("pass either groups=(reference, other) or reference=, not both")
    seq = encode(tasks, case_col=case_col, activity_col=activity_col, timestamp_col=timestamp_col,
                 step_id_col=step_id_col, what="compare")
    label, names = _groups_of_cases(tasks, seq, by, groups, reference)
    first_rows = seq.first_rows()
    if min_group_size > 1:
        if user_col not in tasks.columns:
            raise PrivacyError(f"compare: column {user_col!r} is missing, so group sizes cannot be checked; "
                               "pass min_group_size=1")
        users = tasks[user_col].iloc[first_rows].to_numpy()
        for code, name in enumerate(names):
            if pd.Series(users[label == code]).nunique() < min_group_size:
                raise PrivacyError(f"compare: group {by}={name!r} has fewer than {min_group_size} distinct users "
                                   "(team-level safeguard); widen the group or lower min_group_size")
        check_cohort(tasks.iloc[first_rows[label >= 0]], min_group_size, user_col=user_col, what="compare",
                     ledger=ledger)
    var, rep = case_variants(seq)
    n_var = len(rep)
    counts = np.stack([np.bincount(var[label == g], minlength=n_var) for g in (0, 1)])
    labels = seq.act_labels
    # one reference path per task type: the reference group's most frequent variant of that task
    if task_col is not None and task_col in tasks.columns:
        task_values = tasks[task_col].iloc[first_rows].astype(object)
        task_code, task_names = pd.factorize(task_values.where(task_values.notna(), "(untyped)"), sort=True)
    else:
        task_code, task_names = np.zeros(seq.n_cases, dtype=np.int64), pd.Index(["(all)"])
    n_tasks = len(task_names)
    pair = var.astype(np.int64) * n_tasks + task_code
    ref_pair_counts = np.bincount(pair[label == 0], minlength=n_var * n_tasks).reshape(n_var, n_tasks)
    ref_code = np.where(ref_pair_counts.max(axis=0) > 0,
                        np.argmax(ref_pair_counts, axis=0), -1)  # ties: the lowest variant code

    def steps_of(v: int) -> tuple:
        c = rep[v]
        return tuple(seq.act[seq.ptr[c]:seq.ptr[c + 1]].tolist())

    aligned = (label >= 0) & (ref_code[task_code] >= 0)
    follows = aligned & (var == ref_code[task_code])
    pair_counts = [np.bincount(pair[aligned & (label == g)], minlength=n_var * n_tasks) for g in (0, 1)]
    inserted: list[Counter[Any]] = [Counter(), Counter()]
    skipped: list[Counter[Any]] = [Counter(), Counter()]
    for p in np.flatnonzero(pair_counts[0] + pair_counts[1]):
        v, t = divmod(int(p), n_tasks)
        ins, skp = align(steps_of(v), steps_of(int(ref_code[t])))
        for g in (0, 1):
            if pair_counts[g][p]:
                for a in ins:
                    inserted[g][a] += pair_counts[g][p]
                for a in skp:
                    skipped[g][a] += pair_counts[g][p]
    references = {task_names[t]: tuple(labels[list(steps_of(int(ref_code[t])))].tolist())
                  for t in range(n_tasks) if ref_code[t] >= 0}
    main_task = int(np.argmax(np.bincount(task_code[label == 0], minlength=n_tasks)))
    reference_variant = references.get(task_names[main_task], ())
    n_cases = np.array([(label == 0).sum(), (label == 1).sum()], dtype=float)
    sfx = [str(n) for n in names]

    # time per step: start of the step to the start of the next one (own duration for the last)
    nxt = np.r_[seq.start[1:], 0]
    last = np.zeros(seq.n_steps, dtype=bool)
    last[seq.last()] = True
    step_time = np.where(last, seq.end - seq.start, nxt - seq.start) / NS
    step_group = label[seq.case]
    k = len(labels)
    cols: dict[str, object] = {"step": labels}
    for g in (0, 1):
        m = step_group == g
        occ = np.bincount(seq.act[m], minlength=k)
        tot = np.bincount(seq.act[m], weights=step_time[m], minlength=k)
        with np.errstate(invalid="ignore", divide="ignore"):
            cols[f"per_case_{sfx[g]}"] = occ / n_cases[g]
            cols[f"mean_time_{sfx[g]}"] = tot / occ
        cols[f"time_per_case_{sfx[g]}"] = tot / n_cases[g]
    steps = pd.DataFrame(cols)
    steps["extra_time_per_case"] = steps[f"time_per_case_{sfx[1]}"] - steps[f"time_per_case_{sfx[0]}"]
    steps = steps[(steps[f"per_case_{sfx[0]}"] > 0) | (steps[f"per_case_{sfx[1]}"] > 0)]
    steps = steps.sort_values(["extra_time_per_case", "step"], ascending=[False, True]).reset_index(drop=True)

    det = pd.DataFrame({"step": labels})
    for g in (0, 1):
        det[f"inserted_per_case_{sfx[g]}"] = [inserted[g][a] / n_cases[g] for a in range(k)]
        det[f"skipped_per_case_{sfx[g]}"] = [skipped[g][a] / n_cases[g] for a in range(k)]
    det = det[det.iloc[:, 1:].sum(axis=1) > 0]
    det = det.sort_values([f"inserted_per_case_{sfx[1]}", "step"], ascending=[False, True]).reset_index(drop=True)

    present = np.flatnonzero(counts.sum(axis=0))
    variants = pd.DataFrame({"variant": [SEPARATOR.join(labels[list(steps_of(int(v)))]) for v in present]})
    for g in (0, 1):
        variants[f"count_{sfx[g]}"] = counts[g, present]
        variants[f"share_{sfx[g]}"] = counts[g, present] / n_cases[g]
    variants["is_reference"] = np.isin(present, ref_code[ref_code >= 0])
    variants = variants.sort_values([f"count_{sfx[0]}", f"count_{sfx[1]}", "variant"],
                                    ascending=[False, False, True]).reset_index(drop=True)

    duration = (seq.end[seq.last()] - seq.start[seq.first()]) / NS
    rows = []
    for g in (0, 1):
        m = label == g
        rows.append({
            "group": names[g], "cases": int(m.sum()),
            "users": int(pd.Series(tasks[user_col].iloc[first_rows[m]]).nunique())
            if user_col in tasks.columns else np.nan,
            "duration_mean": duration[m].mean(), "duration_median": float(np.median(duration[m])),
            "steps_per_case": seq.lengths[m].mean(),
            "extra_steps_per_case": sum(inserted[g].values()) / n_cases[g],
            "skipped_steps_per_case": sum(skipped[g].values()) / n_cases[g],
            "follows_reference": follows[m].sum() / n_cases[g],
        })
    summary = pd.DataFrame(rows)
    notes: dict[str, Any] = {"min_group_size": min_group_size, "cases_in_neither_group": int((label < 0).sum()),
                             "cases_without_reference": int(((label >= 0) & ~aligned).sum())}
    tables = {"summary": summary, "steps": steps, "detours": det, "variants": variants}
    if min_group_size > 1:
        hidden = suppressed_labels(tasks, "step", min_group_size=min_group_size, min_cell_people=min_cell_people,
                                   case_col=case_col, activity_col=activity_col, timestamp_col=timestamp_col,
                                   user_col=user_col, step_id_col=step_id_col)
        case_users = tasks[user_col].iloc[first_rows].to_numpy()
        variant_people = np.array([pd.Series(case_users[(var == v) & (label >= 0)]).nunique() for v in present])
        tables, gone = release_comparison(tables, hidden, variant_people, summary["users"].min(),
                                          cell_threshold(min_group_size, min_cell_people))
        notes.update(gone)
        references = {t: tuple(a for a in path if a not in hidden) for t, path in references.items()}
        reference_variant = tuple(a for a in reference_variant if a not in hidden)
    return Comparison(by=by, groups=names, reference_variant=reference_variant, reference_variants=references,
                      summary=tables["summary"], steps=tables["steps"], detours=tables["detours"],
                      variants=tables["variants"], notes=notes)


def release_comparison(tables: dict[str, pd.DataFrame], hidden: frozenset[str], variant_people: np.ndarray,
                       group_people: int, cell: int) -> tuple[dict[str, pd.DataFrame], dict[str, int]]:
    """The tables of a comparison without cells of fewer than ``cell`` people, with the release noise.

    Steps in ``hidden`` leave ``steps`` and ``detours`` and every variant
    holding them leaves ``variants``, as does a variant of fewer than
    ``cell`` people (``variant_people``, aligned with ``variants``). The
    noise scale of a row uses its people (``summary``: the group's users;
    ``variants``: the variant's; ``steps``, ``detours``: the smaller group).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> t = {"summary": pd.DataFrame({"group": ["a", "b"], "users": [6, 5], "cases": [30, 20]}),
    ...      "steps": pd.DataFrame({"step": ["x", "odd"], "per_case_a": [1.0, 0.1]}),
    ...      "detours": pd.DataFrame({"step": ["odd"], "inserted_per_case_a": [0.1]}),
    ...      "variants": pd.DataFrame({"variant": ["x", "x → odd"], "count_a": [29, 1]})}
    >>> out, gone = release_comparison(t, frozenset({"odd"}), np.array([6, 1]), 5, 3)
    >>> out["steps"]["step"].tolist(), out["variants"]["variant"].tolist(), gone
    (['x'], ['x'], {'suppressed_steps': 1, 'suppressed_variants': 1})
    """
    steps = tables["steps"][~tables["steps"]["step"].astype(str).isin(hidden)].reset_index(drop=True)
    det = tables["detours"][~tables["detours"]["step"].astype(str).isin(hidden)].reset_index(drop=True)
    var = tables["variants"]
    has_hidden = np.array([any(a in hidden for a in str(v).split(SEPARATOR)) for v in var["variant"]], dtype=bool)
    keep = ~has_hidden & (np.asarray(variant_people) >= cell)
    var = var.loc[keep].assign(_people=np.asarray(variant_people)[keep]).reset_index(drop=True)
    out = {"summary": perturb_release(tables["summary"].copy(), what="compare.summary", min_people=cell)}
    for name, frame in (("steps", steps), ("detours", det)):
        out[name] = perturb_release(frame.assign(_people=max(int(group_people), cell)), what=f"compare.{name}",
                                    min_people=cell, users_col="_people").drop(columns="_people")
    out["variants"] = perturb_release(var, what="compare.variants", min_people=cell,
                                      users_col="_people").drop(columns="_people")
    gone = {"suppressed_steps": int(len(tables["steps"]) - len(steps)), "suppressed_variants": int((~keep).sum())}
    return out, gone
