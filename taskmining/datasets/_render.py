"""Rendering one routine instance step by step: field contents drawn on first use, templates filled.

The vectorised desktop simulator renders whole days at once (``_plan``,
``_expand``); the UI-log and steps generators render one instance at a time
with this: :meth:`Instance.walk` walks the routine's tree, and a field's
content is drawn the first time a slot or template of the current step
needs it (once per loop iteration), so the draws follow the steps in order.

Examples
--------
>>> import numpy as np
>>> from taskmining.datasets.catalog.ui_logs import ROUTINES_AL
>>> inst = Instance(ROUTINES_AL["erp_replay"], 7, np.random.default_rng(0))
>>> step, it = next(inst.walk())
>>> step.label, inst.value("vendor", it)
('Open the purchase-order app', 'V1007')
"""

from __future__ import annotations

import string
from collections.abc import Iterator
from typing import Any

import numpy as np

from taskmining.datasets._draws import NumpyDraws
from taskmining.datasets._model import Routine, Slot, Step

__all__ = ["Instance", "al_record"]

_ITERATION = ("n", "row")


class Instance:
    """One instance ``k`` of a routine, drawn from a numpy generator (see the module docstring)."""

    def __init__(self, routine: Routine, k: int, rng: np.random.Generator, key: str = "") -> None:
        self.routine, self.k, self.rng, self.key = routine, k, rng, key
        self._values: dict[tuple[str, int], str] = {}

    def walk(self) -> Iterator[tuple[Step, int]]:
        """The (step, loop iteration) pairs, drawn lazily."""
        return self.routine.model.walk(NumpyDraws(self.rng))

    def value(self, field: str, it: int) -> str:
        """The content of ``field`` in iteration ``it`` (drawn on first use)."""
        if (field, it) not in self._values:
            self._values[field, it] = self.routine.fields[field](self.rng, self.k)
        return self._values[field, it]

    def fill(self, template: str | None, it: int) -> str | None:
        """A template with ``{key}``, ``{n}`` (iteration + 1), ``{row}`` (+ 2) and fields filled in."""
        if template is None or "{" not in template:
            return template
        names = {f for _, f, _, _ in string.Formatter().parse(template) if f}
        ctx: dict[str, Any] = {"key": self.key, "n": it + 1, "row": it + 2}
        ctx.update({f: self.value(f, it) for f in sorted(names - {"key", *_ITERATION})})
        return template.format_map(ctx)


#: slot actions whose record also carries the value as clipboard or cell ``content``
_CONTENT_ACTIONS = ("select", "copy", "paste")


def al_record(inst: Instance, step: Step, slot: Slot, it: int) -> dict[str, Any]:
    """One Action Logger record (column -> value; columns without a value left out) of a slot."""
    rec: dict[str, Any] = {"targetApp": step.app, "eventType": slot.raw}
    value = inst.value(slot.field, it) if slot.field else None
    url = inst.fill(step.url, it)
    web = slot.web
    attrs = {
        "url": url, "target.innerText": inst.fill(slot.name, it), "target.id": inst.fill(slot.elem_id, it),
        "target.workbookName": web and web.workbook, "target.sheetName": web and web.sheet,
        "target.className": web and web.css, "target.tagName": web and web.tag, "target.type": web and web.type,
        "target.name": web and web.html_name, "target.value": value,
        "content": value if slot.action in _CONTENT_ACTIONS else None,
    }
    rec.update({k: v for k, v in attrs.items() if v is not None})
    return rec
