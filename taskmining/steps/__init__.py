"""Steps: low-level actions grouped into readable steps.

:func:`build_steps` adds ``step_id`` and ``step`` (the label) to an events
frame; :func:`steps_table` returns one row per step, the input of
segmenters. The rules are in docs/steps.md.

Examples
--------
>>> import pandas as pd
>>> from taskmining.steps import build_steps, steps_table
>>> ev = pd.DataFrame({"session": ["s"], "app": ["erp"], "action": ["click"],
...                    "timestamp": pd.to_datetime(["2026-01-05 09:00"], utc=True),
...                    "element_name": ["Submit"]})
>>> steps_table(build_steps(ev))["step"].tolist()
["Click 'Submit' in Erp"]
"""

from __future__ import annotations

from taskmining.steps.build import (
           DEFAULT_IDLE_GAP,
           STEP_COLUMNS,
           build_steps,
           ground_truth_columns,
           steps_table,
)
from taskmining.steps.labels import DETAILS, step_labels

__all__ = ["build_steps", "steps_table", "ground_truth_columns", "step_labels", "DETAILS", "STEP_COLUMNS",
           "DEFAULT_IDLE_GAP"]
