"""Lookup tables of every step and slot of the desktop routines (built once), for the vectorised expansion.

The vectorised expansion works on integer codes: a step occurrence points to
a step id, the step to a contiguous range of slot ids, a slot to its action,
role, name template, raw action... These arrays live here.

Examples
--------
>>> cat = tables()
>>> cat.labels[cat.step_of_label["Post invoice"]]
'Post invoice'
>>> cat.slot_action_names[cat.SWITCH]
'app_switch'
"""

from __future__ import annotations

import json
import string
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from taskmining.datasets._model import Loop, Node, Routine, Slot, Step
from taskmining.datasets.catalog.desktop import IDLE, INTERRUPTIONS, ROUTINES
from taskmining.schema import ACTIONS

__all__ = ["Tables", "tables", "KINDS", "placeholders", "loop_fields"]

KINDS = ("fixed", "key", "type", "copy", "paste", "edit", "idle")
_ITER_VARS = {"key", "n", "row"}


def placeholders(template: str | None) -> set[str]:
    """Names of the ``{placeholders}`` of a template.

    Examples
    --------
    >>> sorted(placeholders("Invoice {key} from {vendor}"))
    ['key', 'vendor']
    """
    if not template:
        return set()
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


def loop_fields(node: Node, inside: bool = False) -> set[str]:
    """Fields that change per loop iteration: slot fields and element placeholders inside loops.

    Examples
    --------
    >>> sorted(loop_fields(ROUTINES["expense_reimbursement"].model))
    ['category', 'exp_amount', 'exp_date']
    """
    inside = inside or isinstance(node, Loop)
    out: set[str] = set()
    if inside and not node.children:
        for step in node.steps():
            for slot in step.slots:
                out |= {slot.field} if slot.field else set()
                out |= placeholders(slot.name) | placeholders(slot.elem_id)
    for child in node.children:
        out |= loop_fields(child, inside)
    return out - _ITER_VARS


def _attrs(slot: Slot) -> str | None:
    if slot.kind == "key":
        extra = {} if slot.keys is None else {"keys" if slot.key_class == "shortcut" else "key": slot.keys}
        return json.dumps({"key_class": slot.key_class, **extra}, separators=(",", ":"))
    if slot.action in ("click", "double_click"):
        return '{"button":"left"}'
    if slot.action == "right_click":
        return '{"button":"right"}'
    return None


class _Codes:
    """Assigns consecutive codes to values (None -> -1)."""

    def __init__(self, initial: tuple[str, ...] = ()) -> None:
        self.values: list[str] = list(initial)
        self.index = {v: i for i, v in enumerate(self.values)}

    def __call__(self, value: str | None) -> int:
        if value is None:
            return -1
        if value not in self.index:
            self.index[value] = len(self.values)
            self.values.append(value)
        return self.index[value]


@dataclass
class Tables:
    """Integer lookup tables over all steps and slots (see module docstring)."""

    steps: list[Step]
    labels: list[str]
    step_of_label: dict[str, int]
    step_id: dict[int, int]
    apps: list[str]
    templates: list[str]
    tmpl_dynamic: np.ndarray
    fields: list[str]
    raws: list[str]
    roles: list[str]
    attrs: list[str]
    step_app: np.ndarray
    step_window: np.ndarray
    step_url: np.ndarray
    step_think: np.ndarray
    step_est: np.ndarray
    step_slot_start: np.ndarray
    step_nslots: np.ndarray
    slot_action: np.ndarray
    slot_role: np.ndarray
    slot_name: np.ndarray
    slot_elem: np.ndarray
    slot_raw: np.ndarray
    slot_kind: np.ndarray
    slot_field: np.ndarray
    slot_attrs: np.ndarray
    slot_gap: np.ndarray
    slot_action_names: list[str]
    SWITCH: int
    NOISE_CLICK: int
    NOISE_SCROLL: int
    TYPO: int
    BACKSPACE: int
    ATTR_CHAR: int
    ATTR_DIGIT: int


def _special_slots() -> list[tuple[str, Slot]]:
    return [
        ("SWITCH", Slot("app_switch", "window", None, None, "window_activated", gap=0.3)),
        ("NOISE_CLICK", Slot("click", "pane", None, None, "mouse_click", gap=1.0)),
        ("NOISE_SCROLL", Slot("scroll", "document", None, None, "mouse_wheel", gap=1.0)),
        ("TYPO", Slot("key", None, None, None, "key_press", "key", keys=None, key_class="character")),
        ("BACKSPACE", Slot("key", None, None, None, "key_press", "key", keys="Backspace", key_class="editing")),
    ]


@lru_cache(maxsize=1)
def tables() -> Tables:
    """Build (once) the lookup tables of every routine, interruption and idle block."""
    routines: list[Routine] = [*ROUTINES.values(), *INTERRUPTIONS.values(), *IDLE.values()]
    steps: list[Step] = []
    step_id: dict[int, int] = {}
    for r in routines:
        for s in r.model.steps():
            if id(s) not in step_id:
                step_id[id(s)] = len(steps)
                steps.append(s)
    labels = [s.label for s in steps]
    if len(set(labels)) != len(labels):
        dup = sorted({x for x in labels if labels.count(x) > 1})
        raise RuntimeError(f"step labels must be unique across routines: {dup}")
    apps, tmpls, fields, raws = _Codes(), _Codes(), _Codes(("key",)), _Codes()
    roles, attrs = _Codes(), _Codes(('{"key_class":"character"}', '{"key_class":"digit"}'))
    slots: list[Slot] = [sl for s in steps for sl in s.slots]
    specials = _special_slots()
    slots += [sl for _, sl in specials]
    nslots = np.array([len(s.slots) for s in steps], dtype=np.int64)
    kind_code = {k: i for i, k in enumerate(KINDS)}
    act_code = {a: i for i, a in enumerate(ACTIONS)}
    typing_chars, key_interval = 9.0, 0.2
    est = np.array([s.think + sum(sl.gap + (typing_chars * key_interval if sl.kind == "type" else 0.0)
                                  for sl in s.slots) for s in steps])
    cat = Tables(
        steps=steps, labels=labels, step_of_label={lab: i for i, lab in enumerate(labels)}, step_id=step_id,
        apps=apps.values, templates=tmpls.values, tmpl_dynamic=np.zeros(0, bool), fields=fields.values,
        raws=raws.values, roles=roles.values, attrs=attrs.values,
        step_app=np.array([apps(s.app) for s in steps], dtype=np.int32),
        step_window=np.array([tmpls(s.window) for s in steps], dtype=np.int32),
        step_url=np.array([tmpls(s.url) for s in steps], dtype=np.int32),
        step_think=np.array([s.think for s in steps]), step_est=est,
        step_slot_start=np.concatenate([[0], np.cumsum(nslots)[:-1]]).astype(np.int64), step_nslots=nslots,
        slot_action=np.array([act_code[sl.action] for sl in slots], dtype=np.int32),
        slot_role=np.array([roles(sl.role) for sl in slots], dtype=np.int32),
        slot_name=np.array([tmpls(sl.name) for sl in slots], dtype=np.int32),
        slot_elem=np.array([tmpls(sl.elem_id) for sl in slots], dtype=np.int32),
        slot_raw=np.array([raws(sl.raw) for sl in slots], dtype=np.int32),
        slot_kind=np.array([kind_code[sl.kind] for sl in slots], dtype=np.int8),
        slot_field=np.array([fields(sl.field) for sl in slots], dtype=np.int32),
        slot_attrs=np.array([attrs(_attrs(sl)) for sl in slots], dtype=np.int32),
        slot_gap=np.array([sl.gap for sl in slots]),
        slot_action_names=[sl.action for sl in slots],
        ATTR_CHAR=0, ATTR_DIGIT=1,
        **{name: len(slots) - len(specials) + i for i, (name, _) in enumerate(specials)},
    )
    for r in routines:  # every field a routine generates gets a code
        for f in r.fields:
            fields(f)
    cat.tmpl_dynamic = np.array(["{" in t for t in tmpls.values], dtype=bool)
    return cat
