"""The realistic benchmark log: a simulated team's day, read, built into steps and segmented.

``realistic_tasks(n_users=60)`` simulates ``n_users`` people for one day
(:func:`taskmining.simulate`, about 19,000 events each: 60 people give about
1.15M events), builds steps with the default detail (:func:`taskmining.build_steps`)
and segments them with the default method (:func:`taskmining.segment`). The
result is the full tasks frame: every events-frame column plus ``step_id``,
``step``, ``case_id`` and ``task`` (categoricals for the ids and labels, as
``segment`` returns them). Most task instances are unique variants at step
level, with thousands of distinct steps, as in real desktop logs.

Larger logs (``scale_to``) repeat the team's day on later days with the
case ids, step ids, event ids and sessions renamed, so a 5M-event log keeps
the 1M log's shape per day (the simulator and the segmenter are not rerun
for it).

The frame is cached as Parquet under ``benchmarks/.cache/`` (git-ignored)::

    python benchmarks/realistic_log.py            # build (or reuse) the 60-people log, print its shape
    python benchmarks/realistic_log.py --users 6  # a small one
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

CACHE = Path(__file__).resolve().parent / ".cache"


def _build(n_users: int, seed: int) -> pd.DataFrame:
    import taskmining as tm

    t0 = time.perf_counter()
    events = tm.simulate(n_users=n_users, n_days=1, seed=seed)
    truth = [c for c in events.columns if c.startswith("true_") or c.startswith("truth")]
    events = events.drop(columns=truth)
    t1 = time.perf_counter()
    tasks = tm.segment(events)
    t2 = time.perf_counter()
    print(f"simulated {len(events):,} events in {t1 - t0:.1f} s, built steps and segmented in {t2 - t1:.1f} s",
          file=sys.stderr)
    return tasks


def realistic_tasks(n_users: int = 60, *, seed: int = 0, cache: Path | None = CACHE) -> pd.DataFrame:
    """The segmented tasks frame of ``n_users`` simulated people (cached as Parquet)."""
    path = None if cache is None else cache / f"tasks-{n_users}users-seed{seed}.parquet"
    if path is not None and path.exists():
        return pd.read_parquet(path)
    tasks = _build(n_users, seed)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tasks.to_parquet(path)
    return tasks


def scale_to(tasks: pd.DataFrame, n_events: int) -> pd.DataFrame:
    """``tasks`` repeated on later days (ids renamed, times shifted by whole days) to about ``n_events`` rows."""
    copies = max(1, -(-n_events // len(tasks)))
    if copies == 1:
        return tasks
    parts = []
    for day in range(copies):
        part = tasks.copy()
        if day:
            suffix = f"~d{day}"
            for col in ("case_id", "session"):
                if col in part.columns:
                    s = part[col]
                    part[col] = (s.cat.rename_categories(lambda c: f"{c}{suffix}")
                                 if isinstance(s.dtype, pd.CategoricalDtype) else s + suffix)
            part["timestamp"] = part["timestamp"] + pd.Timedelta(days=day)
            for col in ("event_id", "step_id"):
                if col in part.columns:
                    part[col] = part[col] + day * (int(tasks[col].max()) + 1)
        parts.append(part)
    out = pd.concat(parts, ignore_index=True)
    for col in ("case_id", "session", "step", "task", "user"):  # one dictionary over all days
        if col in out.columns and not isinstance(out[col].dtype, pd.CategoricalDtype) and \
                isinstance(tasks[col].dtype, pd.CategoricalDtype):
            out[col] = out[col].astype("category")
    return out.iloc[:n_events].reset_index(drop=True) if len(out) > n_events * 1.02 else out


def as_str(tasks: pd.DataFrame) -> pd.DataFrame:
    """The frame with every categorical column as pandas ``str`` (the frame pm4py accepts)."""
    cats = [c for c in tasks.columns if isinstance(tasks[c].dtype, pd.CategoricalDtype)]
    return tasks.astype({c: "str" for c in cats})


def shape(tasks: pd.DataFrame) -> dict[str, int]:
    """Events, cases, variants (step level) and distinct steps of a tasks frame."""
    import taskmining as tm

    v = tm.variants(tasks, level="step")
    return {"events": len(tasks), "cases": int(v.attrs["n_cases"]), "variants": len(v),
            "distinct steps": int(tasks["step"].nunique()), "unassigned rows": int(v.attrs["n_unassigned"]),
            "columns": tasks.shape[1]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=60)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    tasks = realistic_tasks(args.users, seed=args.seed)
    print(shape(tasks))
    print(tasks.dtypes.to_string())
    return 0


if __name__ == "__main__":
    sys.exit(main())
