"""Plan the working days: which instances each user does, in which order.

Per instance Python (1e4-1e6 instances), never per event: the result is a
table of step occurrences (step id, instance, loop iteration) in session
order, plus the instance table and the field contents the expansion needs.

Examples
--------
>>> from taskmining.datasets._plan import plan_sessions
>>> p = plan_sessions(["invoice_entry"], n_users=1, n_days=1, seed=0, interleave=0.0,
...                   interruptions=0.0, start="2026-01-05", tz="UTC", hours=0.5)
>>> p.session_names[0][:8], bool(p.inst_case.any())
('ws01-202', True)
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from taskmining._progress import progress as _progress
from taskmining.datasets._model import Routine
from taskmining.datasets._tables import loop_fields, tables
from taskmining.datasets.catalog.desktop import IDLE, INTERRUPTIONS, ROUTINES

__all__ = ["Plan", "plan_sessions"]

_LUNCH = (3.5 * 3600, 4.6 * 3600)
_P_MEETING = 0.4
_P_OUTSIDE = 0.25  # chance of time outside the allowlist between two instances


@dataclass
class Plan:
    """Step occurrences in session order plus instance, session and content tables."""

    occ_step: np.ndarray
    occ_inst: np.ndarray
    occ_iter: np.ndarray
    occ_session: np.ndarray
    inst_routine: list[str]
    inst_session: np.ndarray
    inst_case: np.ndarray
    inst_key: list[str]
    inst_idle: np.ndarray
    inst_vars: list[list[dict[str, str]]]
    session_names: list[str]
    session_users: list[str]
    session_start_ns: np.ndarray
    session_speed: np.ndarray
    session_typing: np.ndarray
    content_keys: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    contents: list[str] = field(default_factory=list)
    max_iter: int = 1


class _Builder:
    def __init__(self, pyr: random.Random) -> None:
        self.pyr = pyr
        self.cat = tables()
        self.steps: list[list[int]] = []
        self.iters: list[list[int]] = []
        self.routine: list[str] = []
        self.session: list[int] = []
        self.case: list[bool] = []
        self.key: list[str] = []
        self.idle: list[float] = []
        self.vars: list[list[dict[str, str]]] = []
        self.loop_fields = {n: sorted(loop_fields(r.model)) for n, r in {**ROUTINES, **INTERRUPTIONS}.items()}

    def instance(self, routine: Routine, session: int, idle: float = np.nan) -> int:
        pyr, cat = self.pyr, self.cat
        sampled = routine.model.sample(pyr)
        k = len(self.steps)
        self.steps.append([cat.step_id[id(s)] for s, _ in sampled])
        its = [i for _, i in sampled]
        self.iters.append(its)
        self.routine.append(routine.name)
        self.session.append(session)
        self.case.append(routine.case)
        key = routine.key(pyr)
        self.key.append(key)
        self.idle.append(idle)
        base = {f: gen(pyr) for f, gen in routine.fields.items()}
        base["key"] = key
        lf = self.loop_fields.get(routine.name, [])
        per_iter = [base]
        for _ in range(1, max(its, default=0) + 1):
            per_iter.append({**base, **{f: routine.fields[f](pyr) for f in lf if f in routine.fields}})
        self.vars.append(per_iter)
        return k

    def est(self, k: int) -> float:
        return float(self.cat.step_est[self.steps[k]].sum())


def _pieces(b: _Builder, k: int, cut: int | None, intr: int | None, at: int) -> tuple[list, list]:
    """Chunks (inst, a, b) of instance k, an interruption at step ``at``, split at ``cut``."""
    n = len(b.steps[k])
    chunks = [(k, 0, n)] if intr is None else [(k, 0, at), (intr, 0, len(b.steps[intr])), (k, at, n)]
    if cut is None:
        return chunks, []
    first: list = []
    rest: list = []
    pos = 0
    for inst, a, e in chunks:
        if inst != k:
            (first if pos <= cut else rest).append((inst, a, e))
            continue
        if e <= cut:
            first.append((inst, a, e))
        elif a >= cut:
            rest.append((inst, a, e))
        else:
            first.append((inst, a, cut))
            rest.append((inst, cut, e))
        pos = e
    return first, rest


def _business_days(start: str, n: int) -> list[pd.Timestamp]:
    days = pd.bdate_range(pd.Timestamp(start), periods=n)
    return list(days)


def plan_sessions(routines: list[str], *, n_users: int, n_days: int, seed: int, interleave: float,
                  interruptions: float, start: str, tz: str, hours: float, progress: bool = False) -> Plan:
    """Plan N users x D working days (one session each); see the module docstring."""
    rng = np.random.default_rng(seed)
    pyr = random.Random(int(rng.integers(2**62)))
    b = _Builder(pyr)
    models = [ROUTINES[r] for r in routines]
    intr_models = list(INTERRUPTIONS.values())
    days = _business_days(start, n_days)
    order: list[list[tuple[int, int, int]]] = []
    names: list[str] = []
    users: list[str] = []
    starts: list[int] = []
    speed: list[float] = []
    typing_f: list[float] = []
    for u in _progress(range(n_users), enabled=progress, desc="simulate", unit="user"):
        user = "u-" + hashlib.sha256(f"{seed}:{u}".encode()).hexdigest()[:8]
        freq = rng.dirichlet(np.full(len(models), 1.5))
        cum = list(np.cumsum(freq))
        u_speed, u_typing = float(np.exp(rng.normal(0, 0.15))), float(np.exp(rng.normal(0, 0.2)))
        for day in days:
            s = len(names)
            local = day + pd.Timedelta(hours=8) + pd.Timedelta(seconds=int(rng.integers(0, 5400)))
            utc = local.tz_localize(tz).tz_convert("UTC")
            names.append(f"ws{u + 1:02d}-{local:%Y%m%dT%H%M%S}-{user[2:6]}")
            users.append(user)
            starts.append(utc.value)
            speed.append(u_speed * float(np.exp(rng.normal(0, 0.05))))
            typing_f.append(u_typing)
            order.append(_plan_day(b, s, models, cum, intr_models, interleave, interruptions, hours * 3600.0))
    occ_step, occ_inst, occ_iter, occ_session = [], [], [], []
    for s, chunks in enumerate(order):
        for inst, a, e in chunks:
            occ_step.extend(b.steps[inst][a:e])
            occ_iter.extend(b.iters[inst][a:e])
            occ_inst.extend([inst] * (e - a))
            occ_session.extend([s] * (e - a))
    plan = Plan(
        occ_step=np.array(occ_step, dtype=np.int32), occ_inst=np.array(occ_inst, dtype=np.int32),
        occ_iter=np.array(occ_iter, dtype=np.int32), occ_session=np.array(occ_session, dtype=np.int32),
        inst_routine=b.routine, inst_session=np.array(b.session, dtype=np.int32),
        inst_case=np.array(b.case, dtype=bool), inst_key=b.key, inst_idle=np.array(b.idle),
        inst_vars=b.vars, session_names=names, session_users=users,
        session_start_ns=np.array(starts, dtype=np.int64), session_speed=np.array(speed),
        session_typing=np.array(typing_f),
    )
    _contents(plan)
    return plan


def _plan_day(b: _Builder, s: int, models: list[Routine], cum: list[float], intr_models: list[Routine],
              interleave: float, interruptions: float, budget: float) -> list[tuple[int, int, int]]:
    pyr = b.pyr
    lunch_at = pyr.uniform(*_LUNCH) if budget > _LUNCH[1] else None
    meeting_at = pyr.uniform(0.1, 0.9) * budget if pyr.random() < _P_MEETING and budget > 7200 else None
    t = 0.0
    seq: list[tuple[int, int, int]] = []
    pending: list = []
    first_unit = True
    while t < budget:
        for at_name in ("lunch", "meeting"):
            at = lunch_at if at_name == "lunch" else meeting_at
            if at is not None and t >= at:
                dur = pyr.uniform(1800, 3600) if at_name == "lunch" else pyr.choice([1800.0, 2700.0, 3600.0])
                kind = "afk" if at_name == "lunch" else "outside"
                k = b.instance(IDLE[kind], s, dur)
                seq.append((k, 0, 1))
                t += dur
                if at_name == "lunch":
                    lunch_at = None
                else:
                    meeting_at = None
        if not first_unit and pyr.random() < _P_OUTSIDE:
            dur = pyr.lognormvariate(np.log(150.0), 0.8)
            k = b.instance(IDLE["outside"], s, dur)
            seq.append((k, 0, 1))
            t += dur
        first_unit = False
        routine = models[pyr.choices(range(len(models)), cum_weights=cum)[0]] if len(models) > 1 else models[0]
        k = b.instance(routine, s)
        n = len(b.steps[k])
        t += b.est(k)
        intr = at = None
        if n > 1 and pyr.random() < interruptions:
            intr = b.instance(pyr.choice(intr_models), s)
            at = pyr.randint(1, n - 1)
            t += b.est(intr)
        cut = pyr.randint(1, n - 1) if n > 1 and pyr.random() < interleave else None
        first, rest = _pieces(b, k, cut, intr, at or 0)
        seq.extend(first)
        seq.extend(pending)
        pending = rest
    seq.extend(pending)
    return seq


def _contents(plan: Plan) -> None:
    """Collect the text of every (instance, field, iteration) the slots refer to."""
    cat = tables()
    fcode = {f: i for i, f in enumerate(cat.fields)}
    plan.max_iter = max(len(v) for v in plan.inst_vars) if plan.inst_vars else 1
    keys: list[int] = []
    texts: list[str] = []
    nf, ni = len(cat.fields), plan.max_iter
    for inst, per_iter in enumerate(plan.inst_vars):
        for it, fields in enumerate(per_iter):
            for f, text in fields.items():
                if f in fcode:
                    keys.append((inst * nf + fcode[f]) * ni + it)
                    texts.append(text)
    karr = np.array(keys, dtype=np.int64)
    order = np.argsort(karr, kind="stable")
    plan.content_keys = karr[order]
    plan.contents = [texts[i] for i in order]
