"""The one routine model: its nodes, its draws over both random sources, and the catalog."""

from __future__ import annotations

import random
from collections import Counter

import numpy as np
import pytest

from taskmining.datasets._draws import Draws, NumpyDraws, PythonDraws, as_draws
from taskmining.datasets._model import Loop, Node, Opt, S, Seq, Skip, Step, Swap, click
from taskmining.datasets._render import Instance, al_record
from taskmining.datasets.catalog import CATALOG, routine
from taskmining.errors import ParameterError

ALL = [(family, name) for family, table in CATALOG.items() for name in table]


def _step(label: str) -> Step:
    return Step(label, "chrome", "Form", (click("button", label),))


A, B, C, D = (_step(x) for x in "ABCD")


def _labels(node: Node, draws: Draws) -> list[str]:
    return [s.label for s, _ in node.walk(draws)]


@pytest.mark.parametrize(("family", "name"), ALL)
@pytest.mark.parametrize("source", ["python", "numpy"])
def test_every_instance_is_a_run_of_its_model_and_completes(family: str, name: str, source: str) -> None:
    r = routine(family, name)
    draws: Draws = PythonDraws(random.Random(5)) if source == "python" else NumpyDraws(np.random.default_rng(5))
    runs = [_labels(r.model, draws) for _ in range(150)]
    assert all(run and r.model.accepts(run) for run in runs)
    for run in runs:
        assert not r.completion or set(run) & set(r.completion), f"{name}: an instance never completes: {run}"


def test_opt_keeps_below_p_and_skip_drops_below_p() -> None:
    opt, skip = Opt(S(A), 0.3), Skip(S(A), 0.3)
    kept_opt = sum(bool(_labels(opt, NumpyDraws(np.random.default_rng(i)))) for i in range(2000))
    kept_skip = sum(bool(_labels(skip, NumpyDraws(np.random.default_rng(i)))) for i in range(2000))
    assert 0.25 < kept_opt / 2000 < 0.35 and 0.65 < kept_skip / 2000 < 0.75
    for i in range(50):  # the same draw, opposite sides of p
        r = np.random.default_rng(i).random()
        assert bool(_labels(opt, NumpyDraws(np.random.default_rng(i)))) == (r < 0.3)
        assert bool(_labels(skip, NumpyDraws(np.random.default_rng(i)))) == (r >= 0.3)


def test_swap_exchanges_two_children_at_most() -> None:
    node = Swap(S(A), S(B), S(C), S(D), p=0.5)
    seen = Counter("".join(_labels(node, PythonDraws(random.Random(i)))) for i in range(400))
    assert 0.4 < seen["ABCD"] / 400 < 0.6
    assert all(sum(x != y for x, y in zip(order, "ABCD")) == 2 for order in seen if order != "ABCD")
    assert node.accepts(list("ABDC")) and not node.accepts(list("BCAD"))
    assert _labels(Swap(S(A), S(B), p=0.0), NumpyDraws(np.random.default_rng(0))) == ["A", "B"]


@pytest.mark.parametrize("draws", [PythonDraws(random.Random(1)), NumpyDraws(np.random.default_rng(1))])
def test_uniform_loop_counts_cover_the_bounds(draws: Draws) -> None:
    loop = Loop(Seq(S(A), S(B)), 2, 4, p_more=None)
    counts = Counter(len(_labels(loop, draws)) // 2 for _ in range(600))
    assert set(counts) == {2, 3, 4} and min(counts.values()) > 150
    assert loop.accepts(list("ABABAB")) and not loop.accepts(list("AB"))


def test_loop_iterations_reach_the_steps() -> None:
    its = [it for _, it in Loop(S(A), 3, 3).walk(as_draws(random.Random(0)))]
    assert its == [0, 1, 2]


def test_walk_is_lazy_so_values_are_drawn_between_steps() -> None:
    r = routine("ui_log", "erp_replay")
    rng = np.random.default_rng(3)
    inst = Instance(r, 4, rng)
    walk = inst.walk()
    first, _ = next(walk)
    state = rng.bit_generator.state["state"]["state"]
    assert first.label == "Open the purchase-order app"
    assert rng.bit_generator.state["state"]["state"] == state  # nothing drawn ahead of the steps
    quantities = [inst.value("quantity", it) for step, it in walk if step.label == "Type the item quantity"]
    assert quantities and all(q.isdigit() for q in quantities)
    assert inst.value("vendor", 0) == "V1004"


@pytest.mark.parametrize("name", sorted(CATALOG["ui_log"]))
def test_ui_log_records_name_only_action_logger_columns(name: str) -> None:
    from taskmining.datasets.actionlogger import AL_COLUMNS

    inst = Instance(routine("ui_log", name), 2, np.random.default_rng(0))
    recs = [al_record(inst, step, slot, it) for step, it in inst.walk() for slot in step.slots]
    assert recs and all(set(rec) <= set(AL_COLUMNS) for rec in recs)
    pasted = [rec for rec in recs if rec["eventType"] == "paste"]
    copied = {rec["content"] for rec in recs if rec["eventType"] == "copyCell"}
    assert all(rec["content"] in copied for rec in pasted)  # a paste carries what was copied


def test_catalog_names_and_labels_are_unique_where_they_must_be() -> None:
    from taskmining.datasets._tables import tables

    assert len(tables().labels) == len(set(tables().labels))  # desktop steps: labels are the ground truth
    for family, table in CATALOG.items():
        assert all(r.name == name for name, r in table.items()), family
        for r in table.values():
            labels = [s.label for s in r.model.steps()]
            assert len(labels) == len(set(labels)), (family, r.name)


def test_unknown_routine_or_family_is_a_parameter_error() -> None:
    with pytest.raises(ParameterError, match="unknown routine family 'x'"):
        routine("x", "invoice")
    with pytest.raises(ParameterError, match="unknown steps routine 'nope'; known: invoice, customer, expense"):
        routine("steps", "nope")
