"""Result objects of the mining functions that return more than one table.

Examples
--------
>>> import pandas as pd
>>> from taskmining.mining.results import Comparison
>>> c = Comparison(by="team", groups=("a", "b"), reference_variant=("x", "y"),
...                summary=pd.DataFrame({"group": ["a", "b"]}),
...                steps=pd.DataFrame({"step": ["y", "x"], "extra_time_per_case": [4.0, -1.0]}),
...                detours=pd.DataFrame(), variants=pd.DataFrame())
>>> c.where_time_is_lost()["step"].tolist()
['y']
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

__all__ = ["Comparison"]


@dataclass(frozen=True)
class Comparison:
    """Two groups of cases side by side (the result of :func:`~taskmining.mining.compare.compare`).

    Attributes
    ----------
    by : str
        The column the groups come from.
    groups : tuple
        ``(reference, other)`` group labels.
    reference_variant : tuple of str
        The reference group's most frequent variant (of its most frequent
        task type when there are several).
    reference_variants : dict
        The reference path of each task type (cases are aligned to the one
        of their task type); cases of a task type the reference group never
        did are not aligned (``notes["cases_without_reference"]``).
    summary : pandas.DataFrame
        One row per group: cases, users, durations, steps per case, extra
        and missing steps per case, share of cases following the reference
        variant exactly.
    steps : pandas.DataFrame
        Per step: occurrences per case, mean time per step and time per case
        in both groups, and ``extra_time_per_case`` (other minus reference),
        largest first: where the other group loses time.
    detours : pandas.DataFrame
        Per step: inserted (detour or extra) and skipped occurrences per case
        relative to the reference variant, in both groups.
    variants : pandas.DataFrame
        Variant distribution of both groups (counts and shares).
    notes : dict
        ``min_group_size`` and anything else worth knowing.
    """

    by: str
    groups: tuple[object, object]
    reference_variant: tuple[str, ...]
    summary: pd.DataFrame
    steps: pd.DataFrame
    detours: pd.DataFrame
    variants: pd.DataFrame
    reference_variants: dict = field(default_factory=dict)
    notes: dict = field(default_factory=dict)

    def where_time_is_lost(self, top: int = 10) -> pd.DataFrame:
        """Steps where the other group spends more time per case than the reference, largest first.

        Examples
        --------
        >>> import pandas as pd
        >>> c = Comparison("g", ("a", "b"), (), pd.DataFrame(),
        ...                pd.DataFrame({"step": ["p", "q"], "extra_time_per_case": [0.0, 2.5]}),
        ...                pd.DataFrame(), pd.DataFrame())
        >>> c.where_time_is_lost(1)["step"].tolist()
        ['q']
        """
        lost = self.steps[self.steps["extra_time_per_case"] > 0]
        keys = ["extra_time_per_case", "step"] if "step" in lost.columns else ["extra_time_per_case"]
        lost = lost.sort_values(keys, ascending=[False] + [True] * (len(keys) - 1), kind="stable")
        return lost.head(top).reset_index(drop=True)

    def __repr__(self) -> str:
        a, b = self.groups
        lines = [f"Comparison of {self.by}={b!r} against {self.by}={a!r}",
                 *[f"reference path of {task}: {' → '.join(path)}" for task, path in self.reference_variants.items()],
                 "", self.summary.to_string(index=False)]
        lost = self.where_time_is_lost(5)
        if len(lost):
            lines += ["", "where time is lost (seconds per case):",
                      lost[["step", "extra_time_per_case"]].to_string(index=False)]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        a, b = self.groups
        return (f"<h4>Comparison of {self.by}={b!r} against {self.by}={a!r}</h4>"
                + "".join(f"<p>reference path of {task}: {' → '.join(path)}</p>"
                          for task, path in self.reference_variants.items())
                + self.summary.to_html(index=False) + "<h5>Where time is lost</h5>"
                + self.where_time_is_lost().to_html(index=False))
