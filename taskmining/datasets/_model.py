"""The one routine model of every data generator: event slots, steps and process trees.

A **step** is what a person would name as one thing done ("Copy invoice
number from the PDF"): one application, one window and a fixed sequence of
event **slots** (a click, a shortcut, a run of keystrokes...), each naming
its element (role, accessible name, identity; for web pages and workbooks
also the DOM or sheet attributes, :class:`Web`). A **routine** is a small
process tree over steps: sequences, optional and skippable steps, exclusive
choices, loops (one iteration per invoice line), reorderable blocks and
blocks where two steps sometimes swap places. Slots that name the same
field carry the same value (the data flow of copy -> paste), and a routine
names the step that completes it.

Walking a tree (:meth:`Node.walk`) gives the step sequence of one task
instance, lazily, so a generator may draw field contents between the
steps; the tree also compiles to a regular expression, so a sequence can be
checked against its model (:meth:`Node.accepts`). Every generator renders
routines of this model at its level (raw desktop events, Action Logger
rows, steps); the routines themselves are in :mod:`taskmining.datasets.catalog`.

Examples
--------
>>> import random
>>> a = Step("Open form", "chrome", "Form - Google Chrome", (click("link", "New"),))
>>> b = Step("Save form", "chrome", "Form - Google Chrome", (click("button", "Save"),))
>>> tree = Seq(S(a), Opt(S(b), p=1.0))
>>> [s.label for s, _ in tree.sample(random.Random(0))]
['Open form', 'Save form']
>>> tree.accepts(["Open form"]), tree.accepts(["Save form"])
(True, False)
"""

from __future__ import annotations

import itertools
import random
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from taskmining.datasets._draws import Draws, as_draws

__all__ = [
    "Web", "Slot", "Step", "Node", "S", "Seq", "Opt", "Skip", "Xor", "Loop", "Shuffle", "Swap", "Routine",
    "click", "dclick", "rclick", "focus", "key", "typing", "copy", "paste", "edit",
    "navigate", "submit", "scroll", "open_", "idle", "fill", "copy_from", "paste_into",
]

# --- event slots ------------------------------------------------------------


@dataclass(frozen=True)
class Web:
    """How a slot's element appears in a web page or a workbook (the Action Logger's ``target.*``).

    ``tag``, ``type`` and ``css`` are the DOM tag, input type and class,
    ``html_name`` the element's ``name`` attribute; ``workbook`` and
    ``sheet`` place a spreadsheet cell.
    """

    tag: str | None = None
    type: str | None = None
    css: str | None = None
    html_name: str | None = None
    workbook: str | None = None
    sheet: str | None = None


@dataclass(frozen=True)
class Slot:
    """One event of a step (or a run of keystrokes when ``kind == "type"``).

    ``name`` and ``elem_id`` are templates: ``{key}``, a field name of the
    routine, ``{row}`` (loop iteration + 2) and ``{n}`` (iteration + 1) are
    filled in per instance. ``kind`` is ``fixed``, ``key`` (one key press with
    ``keys``/``key_class``), ``type`` (one key press per character of
    ``field``), ``copy``/``paste``/``edit`` (value = salted hash of ``field``)
    or ``idle``. ``gap`` is the median pause in seconds before the slot.
    ``raw`` is the event type the source writes (``mouse_click``,
    ``clickTextField``), ``web`` the element's page or sheet attributes.
    """

    action: str
    role: str | None = None
    name: str | None = None
    elem_id: str | None = None
    raw: str = ""
    kind: str = "fixed"
    field: str | None = None
    keys: str | None = None
    key_class: str | None = None
    gap: float = 0.7
    web: Web | None = None


def click(role: str, name: str, elem_id: str | None = None, gap: float = 0.9) -> Slot:
    """A left click on an element."""
    return Slot("click", role, name, elem_id, "mouse_click", gap=gap)


def dclick(role: str, name: str, elem_id: str | None = None, gap: float = 0.9) -> Slot:
    """A double click (opens an item, selects a word)."""
    return Slot("double_click", role, name, elem_id, "mouse_double_click", gap=gap)


def rclick(role: str, name: str, elem_id: str | None = None) -> Slot:
    """A right click (context menu)."""
    return Slot("right_click", role, name, elem_id, "mouse_right_click", gap=0.9)


def focus(role: str, name: str, elem_id: str | None = None) -> Slot:
    """Keyboard focus moves to an element (follows a click into a field)."""
    return Slot("focus", role, name, elem_id, "focus_changed", gap=0.05)


def key(keys: str, key_class: str = "shortcut", gap: float = 0.35) -> Slot:
    """One key press: a shortcut (``ctrl+c``) or a navigation key (``Tab``)."""
    return Slot("key", None, None, None, "key_press", "key", keys=keys, key_class=key_class, gap=gap)


def typing(fld: str, role: str = "edit", name: str | None = None, elem_id: str | None = None) -> Slot:
    """One key press per character of the field's content."""
    return Slot("key", role, name, elem_id, "key_press", "type", fld, gap=0.45)


def copy(fld: str) -> Slot:
    """The clipboard receives the field's content."""
    return Slot("copy", None, None, None, "clipboard_copy", "copy", fld, gap=0.08)


def paste(fld: str, role: str = "edit", name: str | None = None, elem_id: str | None = None) -> Slot:
    """The clipboard content (the field) is pasted into an element."""
    return Slot("paste", role, name, elem_id, "clipboard_paste", "paste", fld, gap=0.08)


def edit(fld: str, role: str = "edit", name: str | None = None, elem_id: str | None = None) -> Slot:
    """An element's value changed to the field's content (hashed)."""
    return Slot("edit", role, name, elem_id, "value_changed", "edit", fld, gap=0.3)


def navigate(name: str | None = None) -> Slot:
    """The browser loads a page (the step's URL)."""
    return Slot("navigate", "document", name, None, "navigate", gap=0.6)


def submit(name: str, elem_id: str | None = None) -> Slot:
    """A form is submitted (follows the click on its button)."""
    return Slot("submit", "button", name, elem_id, "form_submit", gap=0.05)


def scroll(role: str = "document", name: str | None = None) -> Slot:
    """A mouse-wheel scroll."""
    return Slot("scroll", role, name, None, "mouse_wheel", gap=1.2)


def open_(role: str, name: str) -> Slot:
    """A window or document opens."""
    return Slot("open", role, name, None, "window_opened", gap=0.8)


def idle(raw: str) -> Slot:
    """Inactivity (``afk``) or time outside the allowlist."""
    return Slot("idle", None, None, None, raw, "idle", gap=0.5)


def fill(fld: str, name: str, elem_id: str | None = None, role: str = "edit") -> tuple[Slot, ...]:
    """Click into a field and type the field's content."""
    return (click(role, name, elem_id), focus(role, name, elem_id), typing(fld, role, name, elem_id),
            edit(fld, role, name, elem_id))


def copy_from(fld: str, role: str, name: str, elem_id: str | None = None) -> tuple[Slot, ...]:
    """Select a value and copy it (double click, ctrl+c)."""
    return (dclick(role, name, elem_id), key("ctrl+c"), copy(fld))


def paste_into(fld: str, name: str, elem_id: str | None = None, role: str = "edit") -> tuple[Slot, ...]:
    """Click into a field and paste (ctrl+v)."""
    return (click(role, name, elem_id), focus(role, name, elem_id), key("ctrl+v"),
            paste(fld, role, name, elem_id), edit(fld, role, name, elem_id))


# --- steps --------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """A named step: application, window title template, slots, URL template.

    ``think`` is the median pause in seconds before the step (reading,
    deciding); the label is the ground truth ``true_step``.
    """

    label: str
    app: str | None
    window: str | None
    slots: tuple[Slot, ...]
    url: str | None = None
    think: float = 2.5


# --- process trees ------------------------------------------------------------

Sampled = list[tuple[Step, int]]
Walk = Iterator[tuple[Step, int]]


class Node:
    """A process-tree node: ``walk`` draws step sequences, ``pattern`` compiles it."""

    children: tuple[Node, ...] = ()

    def walk(self, draws: Draws, it: int = 0) -> Walk:  # pragma: no cover - abstract
        """Yield the (step, loop iteration) pairs of one instance, drawing as the walk goes."""
        raise NotImplementedError

    def sample(self, rng: random.Random | np.random.Generator | Draws, it: int = 0) -> Sampled:
        """The (step, loop iteration) pairs of one instance, all drawn before the list returns."""
        return list(self.walk(as_draws(rng), it))

    def pattern(self, sym: Callable[[Step], str]) -> str:  # pragma: no cover - abstract
        """A regular expression over step symbols that matches every sampled sequence."""
        raise NotImplementedError

    def steps(self) -> list[Step]:
        """Every step of the tree, in first-appearance order."""
        out: list[Step] = []
        for child in self.children:
            out.extend(s for s in child.steps() if s not in out)
        return out

    def accepts(self, labels: Sequence[str]) -> bool:
        """Whether a sequence of step labels is a possible run of this model."""
        steps = self.steps()
        code = {s.label: chr(0x4E00 + i) for i, s in enumerate(steps)}
        if any(lab not in code for lab in labels):
            return False
        regex = re.compile(self.pattern(lambda s: code[s.label]))
        return regex.fullmatch("".join(code[lab] for lab in labels)) is not None


class S(Node):
    """A single step."""

    def __init__(self, step: Step) -> None:
        self.step = step
        self.children: tuple[Node, ...] = ()

    def walk(self, draws: Draws, it: int = 0) -> Walk:
        yield self.step, it

    def pattern(self, sym: Callable[[Step], str]) -> str:
        return re.escape(sym(self.step))

    def steps(self) -> list[Step]:
        return [self.step]


class Seq(Node):
    """Children one after the other."""

    def __init__(self, *children: Node) -> None:
        self.children = children

    def walk(self, draws: Draws, it: int = 0) -> Walk:
        for child in self.children:
            yield from child.walk(draws, it)

    def pattern(self, sym: Callable[[Step], str]) -> str:
        return "".join(c.pattern(sym) for c in self.children)


class Opt(Node):
    """A child added with probability ``p`` (done when the draw is below ``p``)."""

    def __init__(self, child: Node, p: float = 0.5) -> None:
        self.children = (child,)
        self.p = p

    def walk(self, draws: Draws, it: int = 0) -> Walk:
        if draws.random() < self.p:
            yield from self.children[0].walk(draws, it)

    def pattern(self, sym: Callable[[Step], str]) -> str:
        return f"(?:{self.children[0].pattern(sym)})?"


class Skip(Opt):
    """A child usually done, left out with probability ``p`` (left out when the draw is below ``p``).

    The same choice as :class:`Opt` with ``1 - p``, drawn the other way round:
    a field sometimes left empty rather than an extra step sometimes added.
    """

    def walk(self, draws: Draws, it: int = 0) -> Walk:
        if not draws.random() < self.p:
            yield from self.children[0].walk(draws, it)


class Xor(Node):
    """Exactly one child, drawn with the given weights."""

    def __init__(self, *children: Node, weights: Sequence[float] | None = None) -> None:
        self.children = children
        self.weights = list(weights) if weights is not None else [1.0] * len(children)

    def walk(self, draws: Draws, it: int = 0) -> Walk:
        yield from self.children[draws.pick(self.weights)].walk(draws, it)

    def pattern(self, sym: Callable[[Step], str]) -> str:
        return "(?:" + "|".join(c.pattern(sym) for c in self.children) + ")"


class Loop(Node):
    """The body ``lo`` to ``hi`` times; steps inside know their iteration (0, 1, ...).

    The count is geometric-like (one more while a draw is below ``p_more``)
    or, with ``p_more=None``, uniform between ``lo`` and ``hi``.
    """

    def __init__(self, body: Node, lo: int = 1, hi: int = 4, p_more: float | None = 0.5) -> None:
        self.children = (body,)
        self.lo, self.hi, self.p_more = lo, hi, p_more

    def count(self, draws: Draws) -> int:
        """The number of iterations of one instance."""
        if self.p_more is None:
            return draws.between(self.lo, self.hi)
        n = self.lo
        while n < self.hi and draws.random() < self.p_more:
            n += 1
        return n

    def walk(self, draws: Draws, it: int = 0) -> Walk:
        for i in range(self.count(draws)):
            yield from self.children[0].walk(draws, i)

    def pattern(self, sym: Callable[[Step], str]) -> str:
        return f"(?:{self.children[0].pattern(sym)}){{{self.lo},{self.hi}}}"


class Shuffle(Node):
    """Every child once, in random order (a reorderable block)."""

    def __init__(self, *children: Node) -> None:
        self.children = children

    def walk(self, draws: Draws, it: int = 0) -> Walk:
        order = list(self.children)
        draws.shuffle(order)
        for child in order:
            yield from child.walk(draws, it)

    def pattern(self, sym: Callable[[Step], str]) -> str:
        parts = [c.pattern(sym) for c in self.children]
        return "(?:" + "|".join("".join(p) for p in itertools.permutations(parts)) + ")"


class Swap(Node):
    """Every child once, in order, except that with probability ``p`` two of them swap places."""

    def __init__(self, *children: Node, p: float = 0.3) -> None:
        self.children = children
        self.p = p

    def walk(self, draws: Draws, it: int = 0) -> Walk:
        order = list(self.children)
        if draws.random() < self.p:
            i, j = draws.two(len(order))
            order[i], order[j] = order[j], order[i]
        for child in order:
            yield from child.walk(draws, it)

    def pattern(self, sym: Callable[[Step], str]) -> str:
        parts = [c.pattern(sym) for c in self.children]
        orders = [parts]
        for i, j in itertools.combinations(range(len(parts)), 2):
            swapped = list(parts)
            swapped[i], swapped[j] = parts[j], parts[i]
            orders.append(swapped)
        return "(?:" + "|".join("".join(o) for o in orders) + ")"


# --- routines -------------------------------------------------------------------


def _no_key(source: Any) -> str:
    return ""


@dataclass(frozen=True)
class Routine:
    """A routine type: its process tree, business key, field contents and completion step.

    ``fields`` maps field names to generators of their text, called with the
    generator's random source (``random.Random`` for desktop routines; a
    numpy generator and the instance number for UI-log routines): once per
    instance, and once per loop iteration for fields used inside loops. The
    field ``key`` is the business key itself (``key`` generates it).
    ``completion`` holds the labels of the steps that end the routine (the
    submit, post or save a person would call "done"; one per outcome). ``process``
    lists the system activities of the matching ERP/CRM log as (activity,
    anchor, offset hours, resource): anchor ``start``/``end`` of the desktop
    task, offset median in hours (negative = before), resource ``user`` or a
    system name. ``case`` is False for interruptions, idle blocks and noise.
    """

    name: str
    title: str
    model: Node
    key: Callable[..., str] = _no_key
    fields: dict[str, Callable[..., str]] = field(default_factory=dict)
    process: tuple[tuple[str, str, float, str], ...] = ()
    case: bool = True
    completion: tuple[str, ...] = ()
