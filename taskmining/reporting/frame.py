"""The frame the report analyses: activities, readable task names and labels without personal data.

:func:`report_frame` is what :func:`taskmining.report` computes first, and
public so every number of the report can be checked against the library:
``tm.variants(report_frame(tasks), level="activity")`` is the report's
variants table.

1. activities are built (:func:`taskmining.abstraction.activities.build_activities`);
2. task types are renamed from the business object, purpose and applications
   (:func:`taskmining.abstraction.naming.task_names`), the segmenter's names kept in
   ``task_label`` and then dropped;
3. step labels are masked where their element name varies between instances
   (:func:`taskmining.abstraction.masking.mask_labels`; a categorical, as ``segment`` returns it); ``window``,
   ``element_id``, ``url``, ``attrs`` (and ``raw_action``, ``source``, the old
   task names) are dropped. ``element_name`` and
   ``value`` (already masked or hashed by the reader) stay, because the
   transfer metrics pair copies with pastes by them; every text the report
   shows from them (the top transfer's field names) goes through
   :func:`private_text`.

Notes and warnings of the report are masked with :func:`private_text`
against the words the masked labels keep.

Examples
--------
>>> import pandas as pd
>>> names = ["Lea Vogt", "Tom Kern", "Ada Wulf", "Kai Berg", "Uwe Bach", "Ina Rau"]
>>> t = pd.DataFrame({"case_id": list("abcdef"), "task": ["x … y"] * 6, "app": ["chrome"] * 6,
...                   "action": ["click"] * 6, "step": [f"Click '{n}' in Chrome" for n in names],
...                   "window": ["Customers - CRM - Google Chrome"] * 6,
...                   "timestamp": pd.date_range("2026-01-05", periods=6, freq="min", tz="UTC")})
>>> f = report_frame(t)
>>> f["step"].unique().tolist(), f["task"].unique().tolist()
(["Click '<name>' in Chrome"], ['Customers review (Chrome)'])
>>> private_text("task=Click 'Ina Rau' in Chrome left out", f)
"task=Click '<name>' in Chrome left out"
"""

from __future__ import annotations

import pandas as pd

from taskmining.abstraction.activities import ACTIVITY, build_activities
from taskmining._frames import categorical_from_codes
from taskmining.abstraction.masking import kept_words, mask_text, masked_label_codes
from taskmining.abstraction.naming import name_tasks
from taskmining.schema import CASE_ID, STEP, TASK

__all__ = ["report_frame", "private_text", "vocabulary"]

_RECORD_COLUMNS = ("element_id", "url", "window", "attrs")
_RAW_COLUMNS = ("raw_action", "source", "task_label")
_REPORT_WORDS = frozenset({"task", "tasks", "type", "types", "group", "groups", "with", "fewer", "than",
                           "distinct", "users", "people", "left", "out", "team", "level", "safeguard",
                           "min", "size", "variants", "cases", "and", "more", "metrics", "automation",
                           "candidates", "fragmentation", "transfers", "suppressed", "of", "the", "a",
                           "an", "for", "to", "is", "are", "not", "no", "in", "on", "by", "from",
                           "compare", "comparison", "none", "all", "per", "person", "user", "s",
                           "min_group_size"})


def report_frame(tasks: pd.DataFrame, *, rename_tasks: bool = True, activities: bool = True) -> pd.DataFrame:
    """``tasks`` with activities, readable task names and masked labels (a copy).

    Parameters
    ----------
    tasks : pandas.DataFrame
        A tasks frame (``case_id``, ``step``, ``timestamp``, ideally
        ``task``, ``app``, ``window``, ``action``, ``user``).
    rename_tasks : bool, default True
        Rename task types with :func:`~taskmining.abstraction.naming.task_names`
        (needs activities).
    activities : bool, default True
        Build activities (the frame needs ``app``, ``window`` or ``url``).

    Returns
    -------
    pandas.DataFrame
        The frame the report analyses.
    """
    out = build_activities(tasks) if activities else tasks.copy()
    if activities and rename_tasks and TASK in out.columns and out[TASK].notna().any():
        out = name_tasks(out)
    if STEP in out.columns:  # a categorical, as segment returns it (built from the distinct labels)
        codes, labels = masked_label_codes(out, STEP, instance_col=CASE_ID)
        out[STEP] = pd.Series(categorical_from_codes(labels, codes), index=out.index)
    # the record's own values and the raw source fields: not needed past this point
    return out.drop(columns=[c for c in (*_RECORD_COLUMNS, *_RAW_COLUMNS) if c in out.columns])


def vocabulary(frame: pd.DataFrame) -> frozenset[str]:
    """The words a report may show: those of the frame's masked labels and the report's own."""
    labels = [frame[c] for c in (STEP, ACTIVITY, TASK, "app") if c in frame.columns]
    return kept_words(*labels) | _REPORT_WORDS


def private_text(text: str, frame: pd.DataFrame | frozenset[str]) -> str:
    """``text`` with every word masked that is not in the :func:`vocabulary` (of ``frame``, or given)."""
    words = frame if isinstance(frame, frozenset) else vocabulary(frame)
    return mask_text(text, words, numbers=True)
