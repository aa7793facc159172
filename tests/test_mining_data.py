"""Small synthetic tasks frames with known structure, shared by the mining tests.

``make_tasks`` builds a tasks frame (one row per step unless ``events_per_step``
> 1) with task types, users, teams, applications, copy/paste pairs and
typing, and timestamps strictly increasing within a case. Cases of a user
may interleave (``interleave=True``) to create interruptions.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

TASKS = {
    "invoice": [("open mail", "outlook", "click"), ("copy number", "outlook", "copy"),
                ("paste number", "sap", "paste"), ("type amount", "sap", "type"), ("save", "sap", "click")],
    "address": [("open ticket", "chrome", "click"), ("type street", "crm", "type"),
                ("type city", "crm", "type"), ("save", "crm", "click")],
    "report": [("open sheet", "excel", "click"), ("copy total", "excel", "copy"),
               ("paste total", "word", "paste"), ("save", "word", "click")],
}


def _case_steps(rng: np.random.Generator, base: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    steps = list(base)
    r = rng.random()
    if r < 0.15 and len(steps) > 2:  # rework: repeat a step
        i = int(rng.integers(1, len(steps) - 1))
        steps.insert(i + 1, steps[i])
    elif r < 0.25:  # detour
        steps.insert(int(rng.integers(1, len(steps))), ("search", "chrome", "click"))
    elif r < 0.32 and len(steps) > 3:  # skip
        del steps[int(rng.integers(1, len(steps) - 1))]
    return steps


def make_tasks(n_cases: int = 200, *, seed: int = 0, n_users: int = 12, events_per_step: int = 1,
               interleave: bool = False, slow_team: str | None = None) -> pd.DataFrame:
    """A tasks frame of ``n_cases`` cases (ground truth in ``task``)."""
    rng = np.random.default_rng(seed)
    users = [f"u{i:02d}" for i in range(n_users)]
    team_of = {u: ("team-a" if i % 2 == 0 else "team-b") for i, u in enumerate(users)}
    clock = {u: pd.Timestamp("2026-01-05 08:00:00", tz="UTC") + pd.Timedelta(minutes=i) for i, u in enumerate(users)}
    rows = []
    step_id = 0
    names = list(TASKS)
    for c in range(n_cases):
        user = users[int(rng.integers(n_users))]
        task = names[int(rng.integers(len(names)))]
        steps = _case_steps(rng, TASKS[task])
        t = clock[user] + pd.Timedelta(seconds=float(rng.integers(1, 60)))
        slow = 3.0 if slow_team is not None and team_of[user] == slow_team else 1.0
        clip = f"h:{rng.integers(16 ** 8):08x}"
        for label, app, action in steps:
            for e in range(events_per_step):
                t = t + pd.Timedelta(milliseconds=int(rng.integers(500, 20_000) * slow))
                value = clip if action in ("copy", "paste") else (None if action != "type" else "[masked]")
                rows.append((f"case-{c:04d}", label, t, user, app, action if e == 0 else "key",
                             value if e == 0 else None, step_id, task, team_of[user], f"{label} field"))
            step_id += 1
        clock[user] = t if not interleave or rng.random() > 0.3 else t - pd.Timedelta(seconds=60)
    df = pd.DataFrame(rows, columns=["case_id", "step", "timestamp", "user", "app", "action", "value",
                                     "step_id", "task", "team", "element_name"])
    df["session"] = df["user"]
    df = df.sort_values(["session", "timestamp"], kind="stable").reset_index(drop=True)
    df.insert(0, "event_id", np.arange(len(df), dtype=np.int64))
    for col in ("case_id", "step", "user", "session", "value", "task", "team", "element_name"):
        df[col] = df[col].astype("str")
    df["app"] = df["app"].astype("category")
    return df


def to_pm4py_frame(tasks: pd.DataFrame) -> pd.DataFrame:
    """The frame as pm4py expects it: sorted by case then time, pm4py column names."""
    df = tasks.rename(columns={"case_id": "case:concept:name", "step": "concept:name",
                               "timestamp": "time:timestamp", "user": "org:resource"})
    df = df[["case:concept:name", "concept:name", "time:timestamp", "org:resource"]]
    df = df.astype({"case:concept:name": object, "concept:name": object, "org:resource": object})
    return df.sort_values(["case:concept:name", "time:timestamp"], kind="stable").reset_index(drop=True)
