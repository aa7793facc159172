"""The people behind each cell of a map, graph or family, and the team-level filter of those outputs.

A released map shows a step or a transition only when at least
:func:`~taskmining.privacy.release.cell_threshold` distinct people did it
(see docs/privacy.md, "What team outputs suppress, and why"). People are
counted per case (the user of the case's first row) on the same sequences
:func:`~taskmining.mining.graphs.transition_graph` draws: the same step
collapsing and ``level`` (:func:`~taskmining.mining.levels.at_level`).

Examples
--------
>>> import pandas as pd
>>> t = pd.DataFrame({"case_id": ["a", "a", "b", "b", "c", "c"], "step": ["x", "y", "x", "y", "x", "z"],
...                   "user": ["p", "p", "q", "q", "r", "r"],
...                   "timestamp": pd.to_datetime([1, 2, 1, 2, 1, 2], unit="s")})
>>> nodes, edges = graph_people(t)
>>> nodes
{'x': 3, 'y': 2, 'z': 1}
>>> edges[("x", "y")], edges[("▶ start", "x")], edges[("z", "■ end")]
(2, 3, 1)
"""

from __future__ import annotations

import warnings
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from taskmining.errors import PrivacyError
from taskmining.mining._frame import Sequences
from taskmining.mining.graphs import END, START, _sequences
from taskmining.mining.levels import at_level, resolve_level
from taskmining.privacy.groups import DEFAULT_MIN_GROUP_SIZE, SmallGroupWarning
from taskmining.privacy.release import DEFAULT_MIN_CELL_PEOPLE, cell_threshold, check_cohort
from taskmining.privacy.noise import perturb_graph
from taskmining.schema import APP, CASE_ID, STEP, TIMESTAMP, USER

__all__ = ["graph_people", "release_graph", "suppressed_labels", "release_families", "release_cases"]

def _case_users(tasks: pd.DataFrame, seq: Sequences, case_col: str, user_col: str) -> np.ndarray:
    """A user code per case of ``seq`` (the user of the case's first row; -1: unknown)."""
    if user_col not in tasks.columns:
        raise PrivacyError(f"column {user_col!r} is missing: the people behind each step cannot be counted")
    rows = tasks.loc[tasks[case_col].notna(), [case_col, user_col]].drop_duplicates(case_col)
    user_of = pd.Series(pd.factorize(rows[user_col])[0], index=rows[case_col].to_numpy())
    return user_of.reindex(pd.Index(seq.case_labels)).fillna(-1).to_numpy(dtype=np.int64)


def _people(cells: np.ndarray, users: np.ndarray, n_cells: int) -> np.ndarray:
    """Distinct users (code >= 0) per cell code, vectorised."""
    ok = users >= 0
    width = int(users.max()) + 1 if ok.any() else 1
    pairs = np.unique(cells[ok].astype(np.int64) * width + users[ok])
    return np.bincount(pairs // width, minlength=n_cells)


def graph_people(tasks: pd.DataFrame, level: str | None = None, *, case_col: str = CASE_ID, activity_col: str = STEP,
                 timestamp_col: str = TIMESTAMP, app_col: str = APP, user_col: str = USER,
                 step_id_col: str | None = "step_id") -> tuple[dict[str, int], dict[tuple[str, str], int]]:
    """Distinct people per node and per edge of ``transition_graph(tasks, level)``.

    Returns
    -------
    nodes : dict
        Step (activity, application) label -> distinct people who did it.
    edges : dict
        ``(source, target)`` -> distinct people, including the start and end edges.
    """
    seq = _sequences(tasks, resolve_level(level, tasks), case_col, activity_col, timestamp_col, app_col, step_id_col,
                     "graph_people")
    labels = [str(x) for x in seq.act_labels]
    k = len(labels)
    case_user = _case_users(tasks, seq, case_col, user_col)
    step_user = case_user[seq.case]
    node = _people(seq.act, step_user, k)
    i = seq.same_case_pairs()
    pair = _people(seq.act[i].astype(np.int64) * k + seq.act[i + 1], step_user[i], k * k)
    nonempty = np.flatnonzero(seq.lengths > 0)
    first, last = seq.first()[nonempty], seq.last()[nonempty]
    starts = _people(seq.act[first], case_user[nonempty], k)
    ends = _people(seq.act[last], case_user[nonempty], k)
    edges: dict[tuple[str, str], int] = {}
    for p in np.flatnonzero(pair):
        edges[(labels[p // k], labels[p % k])] = int(pair[p])
    for a in np.flatnonzero(starts):
        edges[(START, labels[a])] = int(starts[a])
    for a in np.flatnonzero(ends):
        edges[(labels[a], END)] = int(ends[a])
    return {labels[a]: int(node[a]) for a in np.flatnonzero(node)}, edges


def release_graph(graph: nx.DiGraph, tasks: pd.DataFrame, *, min_group_size: int | None = DEFAULT_MIN_GROUP_SIZE,
                  min_cell_people: int = DEFAULT_MIN_CELL_PEOPLE, **columns: Any) -> nx.DiGraph:
    """A copy of ``graph`` without the steps and transitions of fewer than the cell threshold of people.

    ``graph`` is ``transition_graph(tasks, level=L, ...)``; the same
    ``level`` is read from ``graph.graph["level"]`` and ``columns`` are the
    column names given to it. Each node and edge gets ``users``; edge
    ``share`` is recomputed over the released edges (no total over
    suppressed cells); ``graph.graph`` gets ``suppressed_nodes``,
    ``suppressed_edges`` and ``min_cell_people``; the numbers of a team-level
    release carry the release noise (:func:`taskmining.privacy.noise.perturb_graph`,
    against differencing). ``min_group_size=None``
    (or 1) releases everything and says so in ``graph.graph["released"]``.

    Examples
    --------
    >>> import pandas as pd
    >>> from taskmining.mining.graphs import transition_graph
    >>> t = pd.DataFrame({"case_id": list("aabbccdd"), "step": list("xyxyxyxz"), "user": list("ppqqrrss"),
    ...                   "timestamp": pd.to_datetime([1, 2] * 4, unit="s")})
    >>> g = release_graph(transition_graph(t), t, min_group_size=3)
    >>> sorted(g.nodes), g.graph["suppressed_nodes"]
    (['x', 'y', '■ end', '▶ start'], 1)
    """
    k = cell_threshold(min_group_size, min_cell_people)
    out = graph.copy()
    out.graph.update(min_cell_people=k, suppressed_nodes=0, suppressed_edges=0,
                     released="all cells (opted out of the team-level threshold)" if k <= 1 else "team-level")
    if k <= 1:
        return out
    nodes, edges = graph_people(tasks, str(graph.graph.get("level", "step")), **columns)
    n_cases = graph.graph.get("n_cases")
    for n, data in graph.nodes(data=True):
        data_kind = data.get("kind")
        people = nodes.get(str(n), 0) if data_kind == "activity" else k
        if data_kind == "activity" and people < k:
            out.remove_node(n)
        elif data_kind == "activity":
            out.nodes[n]["users"] = people
    dropped_edges = [(a, b) for a, b in out.edges if edges.get((str(a), str(b)), 0) < k]
    out.remove_edges_from(dropped_edges)
    for a, b in out.edges:
        out.edges[a, b]["users"] = edges[(str(a), str(b))]
    total = float(sum(d.get("count", 0) for _, _, d in out.edges(data=True)))
    for _, _, d in out.edges(data=True):
        d["share"] = d.get("count", 0) / total if total else 0.0
    out.graph.update(suppressed_nodes=graph.number_of_nodes() - out.number_of_nodes(),
                     suppressed_edges=graph.number_of_edges() - out.number_of_edges(), n_cases=n_cases)
    return perturb_graph(out, what=f"graph.{out.graph.get('level', 'step')}", min_people=k)


def suppressed_labels(tasks: pd.DataFrame, level: str | None = None, *, min_group_size: int | None = DEFAULT_MIN_GROUP_SIZE,
                      min_cell_people: int = DEFAULT_MIN_CELL_PEOPLE, **columns: Any) -> frozenset[str]:
    """The step (activity) labels done by fewer people than the cell threshold.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"case_id": list("aabbcc"), "step": list("xyxyxz"), "user": list("ppqqrr"),
    ...                   "timestamp": pd.to_datetime([1, 2] * 3, unit="s")})
    >>> sorted(suppressed_labels(t, min_group_size=2))
    ['z']
    """
    k = cell_threshold(min_group_size, min_cell_people)
    if k <= 1:
        return frozenset()
    nodes, _ = graph_people(tasks, level, **columns)
    return frozenset(label for label, n in nodes.items() if n < k)


def release_families(families: pd.DataFrame, hidden: frozenset[str]) -> pd.DataFrame:
    """Families without a representative or deviation naming a ``hidden`` label (a new frame).

    A family whose representative holds a hidden label is left out (its
    count goes to ``attrs["suppressed_families"]``); deviations naming one
    are dropped from the others.

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"steps": [("x", "y"), ("x", "z")], "optional": [("z",), ()],
    ...                   "deviations": [[{"activity": "z", "kind": "add"}], []]})
    >>> out = release_families(f, frozenset({"z"}))
    >>> len(out), out["deviations"].iloc[0], out.attrs["suppressed_families"]
    (1, [], 1)
    """
    if not hidden or families.empty:
        out = families.copy()
        out.attrs["suppressed_families"] = 0
        return out
    keep = np.array([not (set(map(str, s)) & hidden) for s in families["steps"]], dtype=bool)
    out = families.loc[keep].reset_index(drop=True)
    if "deviations" in out.columns:
        out["deviations"] = [[d for d in devs if str(d.get("activity")) not in hidden] for devs in out["deviations"]]
    if "optional" in out.columns:
        out["optional"] = [tuple(a for a in opt if str(a) not in hidden) for opt in out["optional"]]
    out.attrs["suppressed_families"] = int((~keep).sum())
    return out


def release_cases(tasks: pd.DataFrame, *, level: str | None = None, min_group_size: int | None = DEFAULT_MIN_GROUP_SIZE,
                  min_cell_people: int = DEFAULT_MIN_CELL_PEOPLE, case_col: str = CASE_ID, activity_col: str = STEP,
                  task_col: str | None = "task", user_col: str = USER, what: str = "export") -> pd.DataFrame:
    """The rows of an export: whole cases, without those that would single someone out (a new frame).

    Refused (:class:`PrivacyError`) over fewer than ``min_group_size``
    people; a case is left out when it holds a step (activity at
    ``level="activity"``, the default on a frame with UI structure, row at
    ``"event"``) or belongs to a task type done
    by fewer than the cell threshold of people. ``attrs["release"]`` says
    what was done; ``min_group_size=None`` (or 1) keeps every case and says so.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"case_id": list("aabbccdd"), "step": list("xyxyxyxz"), "user": list("ppqqrrss"),
    ...                   "timestamp": pd.to_datetime([1, 2] * 4, unit="s")})
    >>> out = release_cases(t, min_group_size=3)
    >>> sorted(out["case_id"].unique()), out.attrs["release"]["suppressed_cases"]
    (['a', 'b', 'c'], 1)
    >>> release_cases(t, min_group_size=None).attrs["release"]["threshold"]
    'none (opted out: per-person rows of every case)'
    """
    level = resolve_level(level, tasks)
    k = cell_threshold(min_group_size, min_cell_people)
    if k <= 1:
        out = tasks.copy()
        out.attrs["release"] = {"threshold": "none (opted out: per-person rows of every case)", "suppressed_cases": 0}
        return out
    check_cohort(tasks, min_group_size, user_col=user_col, what=what)
    step_level = "step" if level == "event" else level
    hidden = suppressed_labels(tasks, step_level, min_group_size=min_group_size, min_cell_people=min_cell_people,
                               case_col=case_col, activity_col=activity_col, user_col=user_col,
                               **({"step_id_col": None} if level == "event" else {}))
    labels = tasks[activity_col]
    if step_level == "activity":
        labels = at_level(tasks, "activity", ("activity",), what=what, case_col=case_col,
                          activity_col=activity_col)[0][activity_col]
    bad = tasks[case_col].notna() & labels.astype(str).isin(hidden).to_numpy()
    if task_col is not None and task_col in tasks.columns:
        people = tasks.groupby(task_col, observed=True, dropna=False)[user_col].nunique()
        bad |= tasks[task_col].isin(people.index[people < k]).to_numpy()
    dropped = tasks.loc[bad, case_col].unique()
    out = tasks.loc[~tasks[case_col].isin(dropped)].copy()
    out.attrs["release"] = {"threshold": f"team-level: {k} distinct people per step and task type",
                            "suppressed_cases": int(len(dropped))}
    if len(dropped):
        warnings.warn(f"{what}: {len(dropped)} case(s) holding a step or task type of fewer than {k} distinct "
                      "people left out (team-level safeguard; min_group_size=None exports every case)",
                      SmallGroupWarning, stacklevel=3)
    return out
