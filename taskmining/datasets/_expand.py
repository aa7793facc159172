"""Vectorised expansion of planned step occurrences into events.

step occurrences -> slot occurrences -> events (``np.repeat`` with counts:
one key press per typed character), then inserted events (typos with
backspace, noise clicks and scrolls, app switches where the application
changes), then lognormal gaps and a per-session cumulative sum for the
timestamps. No Python loop runs per event; strings are built per distinct
value and kept dictionary-encoded (:class:`Encoded`) until the frame or the
JSONL writer needs them.

Examples
--------
>>> from taskmining.datasets._plan import plan_sessions
>>> p = plan_sessions(["customer_lookup"], n_users=1, n_days=1, seed=1, interleave=0.0,
...                   interruptions=0.0, start="2026-01-05", tz="UTC", hours=0.3)
>>> cols = expand(p, noise=0.0, keep_text=False, salt="doc-salt", seed=1)
>>> cols["action"].decode()[:2]
['click', 'focus']
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from taskmining.datasets._hashing import salted_hash
from taskmining.datasets._plan import Plan
from taskmining.datasets._tables import KINDS, Tables, tables
from taskmining.schema import ACTIONS

__all__ = ["Encoded", "expand"]

_K = {k: i for i, k in enumerate(KINDS)}
# special event codes (0 = an event of its slot)
SWITCH, NOISE_CLICK, NOISE_SCROLL, TYPO, BACKSPACE = 1, 2, 3, 4, 5
NOISE_LABEL = "Noise"


@dataclass
class Encoded:
    """A string column as integer codes (-1 = missing) into ``values``."""

    codes: np.ndarray
    values: list[str]

    def __post_init__(self) -> None:
        self.codes = np.asarray(self.codes).astype(np.int32, copy=False)

    def decode(self) -> list[str | None]:
        """The plain values (slow: for small frames and doctests)."""
        return [None if c < 0 else self.values[c] for c in self.codes.tolist()]


def _repeat_index(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index of the source row and position within its group for ``np.repeat``."""
    idx = np.repeat(np.arange(len(counts)), counts)
    first = np.cumsum(counts) - counts
    return idx, np.arange(len(idx)) - np.repeat(first, counts)


def _insert_before(state: dict[str, np.ndarray], mask: np.ndarray, specials: list[int]
                   ) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Insert ``len(specials)`` events before every masked event; returns new state, inserted mask."""
    idx, j = _repeat_index(1 + len(specials) * mask.astype(np.int64))
    out = {k: v[idx] for k, v in state.items()}
    grp = mask[idx]
    inserted = grp & (j < len(specials))
    for i, sp in enumerate(specials):
        out["special"][grp & (j == i)] = sp
    return out, inserted


def _render(tmpl: np.ndarray, inst: np.ndarray, it: np.ndarray, plan: Plan, cat: Tables) -> Encoded:
    """Fill ``{placeholders}`` per (template, instance, iteration); static templates stay as they are."""
    values = list(cat.templates)
    codes = tmpl.astype(np.int64, copy=True)
    dyn = np.zeros(len(tmpl), dtype=bool)
    ok = tmpl >= 0
    dyn[ok] = cat.tmpl_dynamic[tmpl[ok]]
    if dyn.any():
        ni, nn = plan.max_iter, len(plan.inst_vars)
        combo = (tmpl[dyn].astype(np.int64) * nn + inst[dyn]) * ni + it[dyn]
        uniq, inverse = np.unique(combo, return_inverse=True)
        t_u, rest = np.divmod(uniq, nn * ni)
        i_u, it_u = np.divmod(rest, ni)
        base = len(values)
        for t, i, k in zip(t_u.tolist(), i_u.tolist(), it_u.tolist()):
            per_iter = plan.inst_vars[i]
            fields = per_iter[min(k, len(per_iter) - 1)]
            values.append(cat.templates[t].format_map({"n": k + 1, "row": k + 2, **fields}))
        codes[dyn] = base + inverse
    return Encoded(codes, values)


def expand(plan: Plan, *, noise: float, keep_text: bool, salt: str | bytes, seed: int) -> dict[str, object]:
    """Expand a :class:`Plan` into event columns (``Encoded`` strings, numpy numbers)."""
    cat = tables()
    rng = np.random.default_rng([seed, 7])
    # step occurrences -> slot occurrences
    ns = cat.step_nslots[plan.occ_step]
    so_occ, so_within = _repeat_index(ns)
    so_slot = cat.step_slot_start[plan.occ_step][so_occ] + so_within
    so_inst = plan.occ_inst[so_occ]
    so_iter = plan.occ_iter[so_occ]
    so_kind = cat.slot_kind[so_slot]
    so_field = cat.slot_field[so_slot]
    so_content = np.full(len(so_slot), -1, dtype=np.int64)
    has = so_field >= 0
    nf, ni = len(cat.fields), plan.max_iter
    ckey = (so_inst[has].astype(np.int64) * nf + so_field[has]) * ni + so_iter[has]
    pos = np.searchsorted(plan.content_keys, ckey)
    if len(pos) and (pos.max() >= len(plan.content_keys) or (plan.content_keys[pos] != ckey).any()):
        raise RuntimeError("a slot refers to a field its routine does not generate")
    so_content[has] = pos
    lengths = np.fromiter((len(t) for t in plan.contents), dtype=np.int64, count=len(plan.contents))
    is_type = so_kind == _K["type"]
    counts = np.ones(len(so_slot), dtype=np.int64)
    counts[is_type] = np.maximum(lengths[so_content[is_type]], 1)
    # slot occurrences -> events
    so0, rep0 = _repeat_index(counts)
    state: dict[str, np.ndarray] = {"so": so0.astype(np.int32), "rep": rep0.astype(np.int32),
                                    "special": np.zeros(len(so0), dtype=np.int8)}
    del so0, rep0
    # typos: a wrong character and a backspace before some typed characters
    typed = is_type[state["so"]]
    state, _ = _insert_before(state, typed & (rng.random(len(typed)) < noise * 0.4), [TYPO, BACKSPACE])
    # noise: a stray click or scroll in the current application before some slot starts
    so, sp = state["so"], state["special"]
    kind = so_kind[so]
    session = plan.occ_session[so_occ[so]]
    first_in_session = np.r_[True, session[1:] != session[:-1]]
    prev_idle = np.r_[True, kind[:-1] == _K["idle"]]
    cand = (state["rep"] == 0) & (sp == 0) & ~first_in_session & ~prev_idle & (kind != _K["idle"])
    n_cand = int(cand.sum())
    if noise > 0 and n_cand:
        p = min(1.0, noise / (1.0 - noise) * len(so) / n_cand)
        state, ins = _insert_before(state, cand & (rng.random(len(so)) < p), [NOISE_CLICK])
        where = np.flatnonzero(ins)
        state["so"][where] = state["so"][where - 1]
        scroll = rng.random(len(where)) < 0.4
        state["special"][where[scroll]] = NOISE_SCROLL
    # app switches where the application changes within a session
    so, sp = state["so"], state["special"]
    app = cat.step_app[plan.occ_step[so_occ[so]]].astype(np.float64)
    kind = so_kind[so]
    raw = cat.slot_raw[so_slot[so]]
    outside = (kind == _K["idle"]) & (raw == cat.raws.index("outside_allowlist"))
    app[kind == _K["idle"]] = np.nan
    app[outside] = -2.0
    session = plan.occ_session[so_occ[so]]
    first_in_session = np.r_[True, session[1:] != session[:-1]]
    seen = app.copy()
    seen[first_in_session & np.isnan(seen)] = -3.0
    idx = np.where(~np.isnan(seen), np.arange(len(seen)), 0)
    np.maximum.accumulate(idx, out=idx)
    last = seen[idx]
    prev = np.r_[np.nan, last[:-1]]
    prev[first_in_session] = np.nan
    switch = (app >= 0) & ~np.isnan(prev) & (prev != app) & (sp != NOISE_CLICK) & (sp != NOISE_SCROLL)
    state, _ = _insert_before(state, switch, [SWITCH])
    return _columns(state, plan, cat, so_occ, so_within, so_slot, so_inst, so_iter, so_content, rng,
                    keep_text=keep_text, salt=salt)


def _columns(state: dict[str, np.ndarray], plan: Plan, cat: Tables, so_occ: np.ndarray, so_within: np.ndarray,
             so_slot: np.ndarray, so_inst: np.ndarray, so_iter: np.ndarray, so_content: np.ndarray,
             rng: np.random.Generator, *, keep_text: bool, salt: str | bytes) -> dict[str, object]:
    so, rep, sp = state["so"], state["rep"], state["special"]
    n = len(so)
    occ = so_occ[so]
    step = plan.occ_step[occ]
    session = plan.occ_session[occ]
    inst = so_inst[so]
    slot = so_slot[so]
    special_slot = np.array([-1, cat.SWITCH, cat.NOISE_CLICK, cat.NOISE_SCROLL, cat.TYPO, cat.BACKSPACE])
    eff = np.where(sp > 0, special_slot[sp], slot)
    is_noise = (sp == NOISE_CLICK) | (sp == NOISE_SCROLL)
    kind = cat.slot_kind[slot]
    # characters of typed text
    is_char = (kind == _K["type"]) & (sp == 0)
    lengths = np.fromiter((len(t) for t in plan.contents), dtype=np.int64, count=len(plan.contents))
    offsets = np.cumsum(lengths) - lengths
    points = np.frombuffer("".join(plan.contents).encode("utf-32-le"), dtype=np.uint32)
    chars = np.full(n, -1, dtype=np.int64)
    chars[is_char] = points[offsets[so_content[so[is_char]]] + rep[is_char]]
    # attrs
    attrs = cat.slot_attrs[eff].astype(np.int64)
    digit = (chars >= ord("0")) & (chars <= ord("9"))
    attrs[is_char] = np.where(digit[is_char], cat.ATTR_DIGIT, cat.ATTR_CHAR)
    # names and ids: the slot's element; none for switches and noise
    plain = (sp == 0) | (sp == TYPO) | (sp == BACKSPACE)
    roles = cat.slot_role[np.where(plain, slot, eff)]
    name = _render(np.where(plain, cat.slot_name[slot], -1), inst, so_iter[so], plan, cat)
    elem = _render(np.where(plain, cat.slot_elem[slot], -1), inst, so_iter[so], plan, cat)
    window = _render(cat.step_window[step], inst, so_iter[so], plan, cat)
    url = _render(cat.step_url[step], inst, so_iter[so], plan, cat)
    value = _values(kind, sp, so_content[so], chars, plan, rng, keep_text=keep_text, salt=salt)
    # ground truth
    case_inst = plan.inst_case[inst] & ~is_noise
    case_num = np.cumsum(plan.inst_case) - 1
    n_case = int(plan.inst_case.sum())
    case_codes = np.where(case_inst, case_num[inst], -1)
    routines = sorted(set(plan.inst_routine[i] for i in np.flatnonzero(plan.inst_case)))
    r_code = {r: i for i, r in enumerate(routines)}
    inst_task = np.array([r_code.get(r, -1) for r in plan.inst_routine], dtype=np.int64)
    case_keys = [plan.inst_key[i] for i in np.flatnonzero(plan.inst_case)]
    label = np.where(is_noise, len(cat.labels), step)
    # time
    is_idle = kind == _K["idle"]
    duration = np.where(is_idle & (sp == 0), plan.inst_idle[inst], np.nan)
    ts = _timestamps(state, plan, cat, session, step, eff, so_within[so], is_idle, duration, rng)
    return {
        "n": n, "timestamp_ns": ts, "duration": duration,
        "session": Encoded(session.astype(np.int64), plan.session_names),
        "user": Encoded(session.astype(np.int64), plan.session_users),
        "app": Encoded(np.where(is_idle, -1, cat.step_app[step]), cat.apps),
        "window": Encoded(np.where(is_idle, -1, window.codes), window.values),
        "action": Encoded(cat.slot_action[eff].astype(np.int64), list(ACTIONS)),
        "element_role": Encoded(np.where(roles >= 0, roles, len(cat.roles)), [*cat.roles, "unknown"]),
        "element_name": name, "element_id": elem, "value": value, "url": url,
        "raw_action": Encoded(cat.slot_raw[eff].astype(np.int64), cat.raws),
        "attrs": Encoded(attrs, cat.attrs),
        "true_step": Encoded(label.astype(np.int64), [*cat.labels, NOISE_LABEL]),
        "true_case": Encoded(case_codes, [f"case-{k:06d}" for k in range(n_case)]),
        "true_task": Encoded(np.where(case_inst, inst_task[inst], -1), routines),
        "true_object": Encoded(case_codes, case_keys),
    }


def _values(kind: np.ndarray, sp: np.ndarray, content: np.ndarray, chars: np.ndarray, plan: Plan,
            rng: np.random.Generator, *, keep_text: bool, salt: str | bytes) -> Encoded:
    """Salted hashes for clipboard and edit events; typed characters only with ``keep_text``."""
    hashed = np.isin(kind, [_K["copy"], _K["paste"], _K["edit"]]) & (sp == 0)
    uniq, inverse = np.unique(content[hashed], return_inverse=True)
    values = [salted_hash(plan.contents[c], salt) for c in uniq.tolist()]
    codes = np.full(len(kind), -1, dtype=np.int64)
    codes[hashed] = inverse
    if keep_text:
        typo = sp == TYPO
        chars = chars.copy()
        chars[typo] = rng.integers(ord("a"), ord("z") + 1, size=int(typo.sum()))
        has = chars >= 0
        cu, cinv = np.unique(chars[has], return_inverse=True)
        codes[has] = len(values) + cinv
        values += [chr(c) for c in cu.tolist()]
    return Encoded(codes, values)


def _timestamps(state: dict[str, np.ndarray], plan: Plan, cat: Tables, session: np.ndarray, step: np.ndarray,
                eff: np.ndarray, within: np.ndarray, is_idle: np.ndarray, duration: np.ndarray,
                rng: np.random.Generator) -> np.ndarray:
    """Lognormal gaps (think time, slot pauses, typing), cumulated per session, in UTC ns."""
    so, rep, sp = state["so"], state["rep"], state["special"]
    n = len(so)
    speed = plan.session_speed[session]
    median = cat.slot_gap[eff] * speed
    sigma = np.full(n, 0.45)
    typing = (rep > 0) | (sp == TYPO)
    median[typing] = 0.17 * plan.session_typing[session[typing]]
    sigma[typing] = 0.35
    step_start = (within == 0) & (rep == 0) & (sp == 0)
    median[step_start] = cat.step_think[step[step_start]] * speed[step_start]
    sigma[step_start] = 0.6
    noisy = (sp == NOISE_CLICK) | (sp == NOISE_SCROLL)
    median[noisy], sigma[noisy] = 1.5, 0.7
    # a switch takes the pause of the event it precedes, which then follows quickly
    sw = np.flatnonzero(sp == SWITCH)
    median[sw], sigma[sw] = median[sw + 1], sigma[sw + 1]
    median[sw + 1], sigma[sw + 1] = 0.25, 0.3
    gap = median * np.exp(sigma * rng.standard_normal(n))
    after_idle = np.flatnonzero(is_idle[:-1]) + 1
    gap[after_idle] += np.nan_to_num(duration[after_idle - 1])
    first = np.r_[True, session[1:] != session[:-1]]
    gap[first] = 0.0
    csum = np.cumsum(gap)
    starts = np.flatnonzero(first)
    seconds = csum - np.repeat(csum[starts], np.diff(np.r_[starts, n]))
    micros = np.round(seconds * 1e6).astype(np.int64)
    return plan.session_start_ns[session] + micros * 1000
