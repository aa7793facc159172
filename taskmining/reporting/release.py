"""The report's team-level release policy: one object applied to every map, table and family of the report.

See docs/privacy.md, "What team outputs suppress, and why".

Examples
--------
>>> import pandas as pd
>>> from taskmining.mining.graphs import transition_graph
>>> t = pd.DataFrame({"case_id": list("aabbccdd"), "step": list("xyxyxyxz"), "user": list("ppqqrrss"),
...                   "timestamp": pd.to_datetime([1, 2] * 4, unit="s")})
>>> policy = ReportPolicy(min_group_size=3)
>>> sorted(policy.graph(transition_graph(t), t, what="map", warn=False).nodes)
['x', 'y', '■ end', '▶ start']
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import networkx as nx
import pandas as pd

from taskmining.mining.people import release_families, release_graph, suppressed_labels
from taskmining.privacy.groups import DEFAULT_MIN_GROUP_SIZE, SmallGroupWarning
from taskmining.privacy.release import DEFAULT_MIN_CELL_PEOPLE, cell_threshold

__all__ = ["ReportPolicy"]


@dataclass(frozen=True)
class ReportPolicy:
    """``min_group_size`` (people the whole report needs) and ``min_cell_people`` (people per cell)."""

    min_group_size: int = DEFAULT_MIN_GROUP_SIZE
    min_cell_people: int = DEFAULT_MIN_CELL_PEOPLE

    @property
    def cell(self) -> int:
        """People each cell needs (1: opted out)."""
        return cell_threshold(self.min_group_size, self.min_cell_people)

    def describe(self) -> str:
        """One sentence for the report's overview."""
        if self.cell <= 1:
            return ("The team-level threshold is OFF (min_group_size=1, explicitly requested): "
                    "maps, variants and tables may single out one person. ")
        return (f"A team report: it needs at least {self.min_group_size} distinct people, and every variant, map "
                f"step or transition, family deviation and task type shown was done by at least {self.cell} "
                "distinct people; the rest is left out (see the notes). ")

    def graph(self, graph: nx.DiGraph, frame: pd.DataFrame, *, what: str, warn: bool = True,
              **columns: Any) -> nx.DiGraph:
        """``graph`` without the cells below the threshold (:func:`release_graph`), with a warning saying so."""
        out = release_graph(graph, frame, min_group_size=self.min_group_size,
                            min_cell_people=self.min_cell_people, **columns)
        n, e = out.graph["suppressed_nodes"], out.graph["suppressed_edges"]
        if warn and (n or e):
            warnings.warn(f"{what}: {n} step(s) and {e} transition(s) done by fewer than {self.cell} distinct "
                          "people left out (team-level safeguard)", SmallGroupWarning, stacklevel=2)
        return out

    def families(self, families: pd.DataFrame, frame: pd.DataFrame, level: str) -> pd.DataFrame:
        """Families without a representative or deviation naming a step below the threshold."""
        hidden = suppressed_labels(frame, level, min_group_size=self.min_group_size,
                                   min_cell_people=self.min_cell_people)
        out = release_families(families, hidden)
        if out.attrs["suppressed_families"] or hidden:
            warnings.warn(f"variant families: {len(hidden)} {level}(s) done by fewer than {self.cell} distinct "
                          f"people hidden, {out.attrs['suppressed_families']} family(ies) left out "
                          "(team-level safeguard)", SmallGroupWarning, stacklevel=2)
        return out

    @property
    def variants_min(self) -> int | None:
        """``min_group_size`` to give :func:`~taskmining.mining.variants.variants`."""
        return self.cell if self.cell > 1 else None
