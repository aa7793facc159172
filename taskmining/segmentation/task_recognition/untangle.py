"""Moving steps between task instances once boundaries and task types are known.

The glue between :class:`~taskmining.segmentation.task_recognition.segmenter.TaskRecognitionSegmenter`
and the array functions that decide the moves: classes that mark a type
(:func:`._tr_types.type_keys` with :func:`._tr_interleave.reassign_interleaved`),
foreign steps (:mod:`._tr_foreign`), copy-paste links (:mod:`._tr_dataflow`)
and fragment types (:mod:`._tr_fragments`). Each takes the steps table, the
class code and the instance id (``-1``: no instance) of every step and
returns new instance ids, dense in order of first step.

Examples
--------
>>> import numpy as np, pandas as pd
>>> steps = pd.DataFrame({"step_id": [1, 2, 3], "transfer_from": pd.array([None, None, 1], dtype="Int64"),
...                       "action": ["copy", "click", "paste"]})
>>> follow_data_flow(steps, np.array([0, 1, 1])).tolist()   # the paste, and the click before it
[0, 0, 0]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from taskmining.schema import ACTION, SESSION
from taskmining.segmentation.task_recognition.dataflow import follow_transfers
from taskmining.segmentation.task_recognition.foreign import foreign_targets
from taskmining.segmentation.task_recognition.fragments import (
    fragment_parents,
    merge_fragments,
)
from taskmining.segmentation.task_recognition.interleave import reassign_interleaved
from taskmining.segmentation.task_recognition.task_types import (
    TypeModel,
    assign_types,
    type_keys,
)

__all__ = [
    "TRANSFER_LEAD_ACTIONS",
    "follow_data_flow",
    "fragment_types",
    "instance_types",
    "merge_fragment_types",
    "move_foreign",
    "untangle_types",
]

#: actions that lead to a paste (the target field, the window) and move with it to its copy's instance
TRANSFER_LEAD_ACTIONS = ("app_switch", "click", "focus", "select")


def untangle_types(types: TypeModel, codes: np.ndarray, seg: np.ndarray) -> np.ndarray:
    """Send steps of classes that mark another task type back to the latest instance of that type.

    The keyless counterpart of business keys: when an instance of type A is
    suspended for one of type B and resumed, A's tail is glued to B; its
    steps of A-only classes (:func:`._tr_types.type_keys`) go back to the
    latest earlier A instance, with the neutral steps around them, as for
    business keys (:func:`._tr_interleave.reassign_interleaved`).
    """
    valid = seg >= 0
    if not valid.any():
        return seg
    marks = np.append(type_keys(types), -1)
    marks_per_step = marks[np.minimum(codes[valid], len(marks) - 1)]
    moved = reassign_interleaved(seg[valid], marks_per_step, max_owners=None)
    return _renumber(seg, valid, moved)


def move_foreign(types: TypeModel, steps: pd.DataFrame, codes: np.ndarray, seg: np.ndarray, k: int) -> np.ndarray:
    """Steps of classes foreign to their instance's type go back to an earlier instance that has them."""
    valid = seg >= 0
    if not valid.any():
        return seg
    inst_type, inst_sess = instance_types(types, steps, codes, seg, k)
    profiles = types.profiles
    if profiles.shape[1] < k:
        profiles = np.hstack([profiles, np.zeros((profiles.shape[0], k - profiles.shape[1]))])
    target = foreign_targets(profiles, inst_type, inst_sess, seg[valid], codes[valid])
    moved = np.where(target >= 0, target, seg[valid])
    return _renumber(seg, valid, moved)


def follow_data_flow(steps: pd.DataFrame, seg: np.ndarray) -> np.ndarray:
    """Pastes (with the clicks and switches that lead to them) join the instance of their copy."""
    valid = seg >= 0
    if "transfer_from" not in steps.columns or "step_id" not in steps.columns or not valid.any():
        return seg
    transfer = pd.to_numeric(steps["transfer_from"], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    step_id = pd.to_numeric(steps["step_id"], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    if not np.isfinite(transfer[valid]).any() or not np.isfinite(step_id).all():
        return seg
    lead = np.zeros(len(steps), dtype=bool)
    if ACTION in steps.columns:
        lead = np.asarray(steps[ACTION].astype(object).isin(TRANSFER_LEAD_ACTIONS).to_numpy(), dtype=bool)
    moved = follow_transfers(
        seg[valid], step_id[valid].astype(np.int64), np.nan_to_num(transfer[valid], nan=-1).astype(np.int64), lead[valid]
    )
    return _renumber(seg, valid, moved)


def instance_types(
    types: TypeModel, steps: pd.DataFrame, codes: np.ndarray, seg: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray]:
    """Task type and session code of each instance (instances numbered densely by first step)."""
    valid = seg >= 0
    inst_type = assign_types(types, codes[valid], seg[valid], k)
    sess, _ = pd.factorize(steps[SESSION])
    inst_sess = np.zeros(len(inst_type), dtype=np.int64)
    inst_sess[seg[valid][::-1]] = np.asarray(sess, dtype=np.int64)[valid][::-1]
    return inst_type, inst_sess


def fragment_types(types: TypeModel, steps: pd.DataFrame, codes: np.ndarray, seg: np.ndarray, k: int) -> np.ndarray:
    """Per task type, the type it is only a continuation of (:mod:`._tr_fragments`)."""
    if not (seg >= 0).any():
        return np.full(len(types.sizes), -1, dtype=np.int64)
    inst_type, inst_sess = instance_types(types, steps, codes, seg, k)
    return fragment_parents(inst_type, inst_sess, len(types.sizes))


def merge_fragment_types(
    types: TypeModel, parents: np.ndarray, steps: pd.DataFrame, codes: np.ndarray, seg: np.ndarray, k: int
) -> np.ndarray:
    """Merge instances of fragment types into the latest earlier instance of their parent type."""
    valid = seg >= 0
    if not valid.any():
        return seg
    inst_type, inst_sess = instance_types(types, steps, codes, seg, k)
    target = merge_fragments(inst_type, inst_sess, parents)
    return _renumber(seg, valid, target[seg[valid]])


def _renumber(seg: np.ndarray, valid: np.ndarray, moved: np.ndarray) -> np.ndarray:
    """``seg`` with the instance ids of the ``valid`` steps set to ``moved``, renumbered densely by first step."""
    out = seg.copy()
    out[valid], _ = pd.factorize(moved)
    return out
