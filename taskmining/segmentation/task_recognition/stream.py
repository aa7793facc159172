"""The roles of steps in task recognition, and turning cuts into instances.

Every step is one of:

* **noise**: a step of a noise class (:mod:`._tr_noise`) or an ``idle``
  step: it belongs to no task instance (or, with ``noise_steps="absorb"``, to
  the instance of the step before it);
* **lead-in**: switching to an application (``app_switch``): it belongs to
  what follows it, so a cut before the next work step moves before it;
* **work**: everything else. Boundaries are learnt and placed on the work
  steps only, so neither stray clicks nor window switches blur the
  transitions that separate instances.

Examples
--------
>>> import numpy as np
>>> cuts = np.array([1, 0, 0, 0, 1, 0], bool)
>>> first = np.array([1, 0, 0, 0, 0, 0], bool)
>>> lead = np.array([0, 0, 1, 1, 0, 0], bool)
>>> attach_lead_in(cuts, first, lead).astype(int).tolist()
[1, 0, 1, 0, 0, 0]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from taskmining.schema import ACTION, APP
from taskmining.segmentation.task_recognition.classes import session_codes
from taskmining.segmentation.task_recognition.interleave import reassign_interleaved

__all__ = ["LEAD_IN_ACTIONS", "NOISE_ACTIONS", "Stream", "attach_lead_in", "instances", "make_stream"]

#: actions that begin what follows them: a cut before a step moves before these
LEAD_IN_ACTIONS = ("app_switch",)
#: actions that are never part of a task
NOISE_ACTIONS = ("idle",)


@dataclass
class Stream:
    """Per-step arrays of one sorted steps table."""

    codes: np.ndarray
    first: np.ndarray
    noise: np.ndarray
    idle: np.ndarray
    lead: np.ndarray
    context: np.ndarray
    seconds: np.ndarray

    @property
    def work(self) -> np.ndarray:
        return ~self.noise & ~self.lead

    def work_view(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Codes, session starts, idle-step-in-between flags and context keys of the work steps."""
        work = self.work
        sess = np.cumsum(self.first)[work]
        first = np.ones(len(sess), dtype=bool)
        first[1:] = sess[1:] != sess[:-1]
        idle_cum = np.cumsum(self.idle)
        idle_between = np.zeros(len(sess), dtype=bool)
        idle_between[1:] = np.diff(idle_cum[work]) > 0
        return self.codes[work], first, idle_between, self.context[work]


def _action_mask(steps: pd.DataFrame, actions: tuple[str, ...]) -> np.ndarray:
    if ACTION not in steps.columns:
        return np.zeros(len(steps), dtype=bool)
    return np.asarray(steps[ACTION].astype(object).isin(actions).to_numpy(), dtype=bool)


def app_codes(steps: pd.DataFrame, codes: np.ndarray, n_classes: int) -> np.ndarray | None:
    """Application code of each class (of its first step), or None without an ``app`` column."""
    if APP not in steps.columns:
        return None
    app, _ = pd.factorize(steps[APP].astype(object).fillna(""))
    per_class = np.zeros(n_classes, dtype=np.int64)
    per_class[codes[::-1]] = np.asarray(app, dtype=np.int64)[::-1]
    return per_class


def make_stream(
    steps: pd.DataFrame, codes: np.ndarray, noise_classes: np.ndarray, context: np.ndarray
) -> Stream:
    """Assemble the per-step arrays (``noise_classes`` is a mask over class codes)."""
    sess = session_codes(steps)
    first = np.ones(len(sess), dtype=bool)
    first[1:] = sess[1:] != sess[:-1]
    in_range = codes < len(noise_classes)
    noise = np.zeros(len(codes), dtype=bool)
    noise[in_range] = noise_classes[codes[in_range]]
    idle = _action_mask(steps, NOISE_ACTIONS)
    noise |= idle
    lead = _action_mask(steps, LEAD_IN_ACTIONS) & ~noise
    start = steps["start"]
    seconds = (start - start.iloc[0]).dt.total_seconds().to_numpy(dtype=np.float64) if len(start) else np.zeros(0)
    return Stream(codes, first, noise, idle, lead, context, seconds)


def attach_lead_in(cuts: np.ndarray, first: np.ndarray, lead: np.ndarray) -> np.ndarray:
    """Move each cut to the start of the run of lead-in steps right before it (same session).

    Examples
    --------
    >>> import numpy as np
    >>> attach_lead_in(np.array([1, 0, 1], bool), np.array([1, 0, 0], bool), np.array([0, 1, 0], bool)).tolist()
    [True, True, False]
    """
    sess = np.cumsum(first)
    value = pd.Series(np.where(lead, np.nan, cuts.astype(np.float64)))
    next_is_cut = value.groupby(sess, observed=True).bfill().to_numpy() == 1.0
    prev_lead = np.zeros(len(lead), dtype=bool)
    prev_lead[1:] = lead[:-1] & ~first[1:]
    run_start = lead & ~prev_lead
    moved = run_start & next_is_cut & ~cuts
    out = cuts | moved
    carried = pd.Series(np.where(run_start, moved.astype(np.float64), np.nan)).groupby(sess).ffill().to_numpy()
    carried_prev = np.zeros(len(lead), dtype=bool)
    carried_prev[1:] = carried[:-1] == 1.0
    out[cuts & ~lead & prev_lead & carried_prev & ~first] = False
    return out


def instances(stream: Stream, work_cuts: np.ndarray, *, absorb_noise: bool = False) -> np.ndarray:
    """Instance id per step (dense, in order of first step), -1 for steps of no instance.

    ``work_cuts`` marks the work steps that begin an instance. Lead-in steps
    join the instance after them (or continue the one before), interleaved
    instances are separated by context keys, noise steps get -1 unless
    ``absorb_noise``.
    """
    member = ~stream.noise
    cuts_all = np.zeros(len(stream.codes), dtype=bool)
    cuts_all[stream.work] = work_cuts
    m_first = np.ones(int(member.sum()), dtype=bool)
    m_sess = np.cumsum(stream.first)[member]
    m_first[1:] = m_sess[1:] != m_sess[:-1]
    m_cuts = attach_lead_in(cuts_all[member] | m_first, m_first, stream.lead[member])
    seg_member = np.cumsum(m_cuts) - 1
    m_context = stream.context[member]
    if (m_context >= 0).any():
        seg_member = reassign_interleaved(seg_member, m_context, lead=stream.lead[member])
    seg = np.full(len(stream.codes), -1, dtype=np.int64)
    seg[member] = seg_member
    if absorb_noise and (~member).any() and member.any():
        sess = np.cumsum(stream.first)
        filled = pd.Series(np.where(member, seg, np.nan)).groupby(sess).ffill().groupby(sess).bfill()
        seg = np.where(member, seg, filled.fillna(-1).to_numpy()).astype(np.int64)
    valid = seg >= 0
    if valid.any():
        dense, _ = pd.factorize(seg[valid])
        seg[valid] = dense
    return seg
