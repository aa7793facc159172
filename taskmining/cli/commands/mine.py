"""``taskmining mine``: variants, transition graph, metrics and candidates of a log, as files.

::

    taskmining mine INPUT -o DIR [--format F] [--tz TZ] [--method M]
                    [--level activity|step|app] [--min-group-size N] [--min-cell-people K]
                    [--ledger FILE]

INPUT is anything ``read_events`` reads. A table that already has
``case_id``, ``step`` and ``timestamp`` columns (a CSV or Parquet tasks
frame, e.g. from ``taskmining segment``) is mined as it is; otherwise the
events are segmented first with ``taskmining.segment(events, method=M)``.
DIR receives ``variants.csv``, ``graph.graphml``, ``graph.dot``,
``graph.json`` (networkx node-link), ``metrics.csv``, ``candidates.csv``
and ``fragmentation.csv``, at ``--level`` (default: activities, or steps for
a table without UI structure; ``app`` applies to the graph, the tables stay
at the default level). A log of fewer than ``--min-group-size`` people
is refused; variants, graph steps and transitions and task types of fewer
than ``--min-cell-people`` people are left out (docs/privacy.md); a notice
on stderr says which.
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from pathlib import Path
from typing import Any, Literal

import networkx as nx
import pandas as pd

from taskmining.cli.options import add_input_options, add_release_options
from taskmining.errors import MiningError, ParameterError
from taskmining.privacy.groups import DEFAULT_MIN_GROUP_SIZE, SmallGroupWarning
from taskmining.privacy.release import DEFAULT_MIN_CELL_PEOPLE, cell_threshold, check_cohort
from taskmining.schema import CASE_ID, STEP, TIMESTAMP, as_utc

__all__ = ["register", "mine_file", "load_tasks", "OUTPUTS"]

OUTPUTS = ("variants.csv", "graph.graphml", "graph.dot", "graph.json", "metrics.csv", "candidates.csv",
           "fragmentation.csv")
_TABLE_SUFFIXES = (".csv", ".csv.gz", ".parquet", ".pq")


def _table_with_cases(path: Path, tz: str | None) -> pd.DataFrame | None:
    """A CSV/Parquet file that is already a tasks frame, else ``None``."""
    name = path.name.lower()
    if not path.is_file() or not name.endswith(_TABLE_SUFFIXES):
        return None
    if name.endswith((".parquet", ".pq")):
        import pyarrow.parquet as pq

        if not {CASE_ID, STEP, TIMESTAMP} <= set(pq.read_schema(path).names):
            return None
        frame = pd.read_parquet(path)
    else:
        header = pd.read_csv(path, nrows=0)
        if not {CASE_ID, STEP, TIMESTAMP} <= set(header.columns):
            return None
        frame = pd.read_csv(path, dtype={CASE_ID: "str", STEP: "str"}, keep_default_na=True)
    frame[TIMESTAMP] = as_utc(frame[TIMESTAMP], tz=tz)
    return frame


def load_tasks(input_path: str | Path, *, format: str = "auto", tz: str | None = None,
               method: str = "auto", quiet: bool = True) -> pd.DataFrame:
    """Read INPUT as a tasks frame: as is when it has cases, else read and segment it.

    Examples
    --------
    >>> import tempfile, pathlib, pandas as pd
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> pd.DataFrame({"case_id": ["a"], "step": ["x"], "timestamp": ["2026-01-05T09:00:00Z"]}).to_csv(
    ...     d / "t.csv", index=False)
    >>> load_tasks(d / "t.csv")["timestamp"].dtype
    datetime64[ns, UTC]
    """
    path = Path(input_path)
    if format == "auto":
        table = _table_with_cases(path, tz)
        if table is not None:
            return table
    from taskmining.io.read import read_events

    events = read_events(str(path), format=format, tz=tz, progress=not quiet)
    if CASE_ID in events.columns and STEP in events.columns:
        return events
    try:
        from taskmining.segmentation.apply import segment
    except ImportError as exc:  # pragma: no cover - segmentation is part of the package
        raise MiningError(f"{path}: the log has no {CASE_ID!r} column and segmentation is not available "
                          f"({exc}); segment it first with 'taskmining segment'") from None
    return segment(events, method=method)


def _write_graph(graph: nx.DiGraph, out: Path) -> None:
    from taskmining.mining.graphs import graph_to_dot, graph_to_json

    clean = nx.DiGraph()
    clean.graph.update({k: v for k, v in graph.graph.items() if isinstance(v, (str, int, float, bool))})
    clean.add_nodes_from(graph.nodes(data=True))
    clean.add_edges_from(graph.edges(data=True))
    nx.write_graphml(clean, out / "graph.graphml")
    (out / "graph.dot").write_text(graph_to_dot(graph) + "\n", encoding="utf-8")
    (out / "graph.json").write_text(graph_to_json(graph) + "\n", encoding="utf-8")


def mine_file(input_path: str | Path, out_dir: str | Path, *, format: str = "auto", tz: str | None = None,
              method: str = "auto", level: Literal["activity", "step", "app"] | None = None,
              min_group_size: int = DEFAULT_MIN_GROUP_SIZE, min_cell_people: int = DEFAULT_MIN_CELL_PEOPLE,
              ledger: str | Path | None = None, quiet: bool = True) -> dict[str, Any]:
    """Mine INPUT and write the result files into ``out_dir``; returns a small summary.

    Every file is a team output (docs/privacy.md, "What team outputs
    suppress, and why"): refused below ``min_group_size`` people; variants,
    graph steps and edges and task types of fewer than
    ``cell_threshold(min_group_size, min_cell_people)`` people left out;
    ``min_group_size=1`` opts out (and the summary's notes say so).

    Examples
    --------
    >>> import tempfile, pathlib, pandas as pd
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> pd.DataFrame({"case_id": ["a", "a", "b"], "step": ["x", "y", "x"], "user": ["u", "u", "v"],
    ...               "timestamp": ["2026-01-05T09:00:00Z", "2026-01-05T09:00:05Z",
    ...                             "2026-01-05T10:00:00Z"]}).to_csv(d / "t.csv", index=False)
    >>> mine_file(d / "t.csv", d / "out", min_group_size=1)["variants"]
    2
    >>> sorted(p.name for p in (d / "out").iterdir())[:3]
    ['candidates.csv', 'fragmentation.csv', 'graph.dot']
    """
    from taskmining.mining import (
        automation_candidates,
        fragmentation,
        task_metrics,
        transition_graph,
        variants,
    )
    from taskmining.mining.levels import activities_once, resolve_level
    from taskmining.mining.people import release_graph

    if level not in (None, "activity", "step", "app"):
        raise ParameterError(f"--level must be activity, step or app, got {level!r}")
    tasks = load_tasks(input_path, format=format, tz=tz, method=method, quiet=quiet)
    table_level = resolve_level(None if level == "app" else level, tasks)  # variants, metrics, candidates
    if table_level == "activity":  # built once for every output, not once per output
        tasks = activities_once(tasks)
    cell = cell_threshold(min_group_size, min_cell_people)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallGroupWarning)
        v = variants(tasks, min_group_size=cell if cell > 1 else None, level=table_level)
    check_cohort(tasks, min_group_size, what="taskmining mine", ledger=ledger)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    v.assign(steps=[json.dumps(list(s), ensure_ascii=False) for s in v["steps"]]).to_csv(
        out / "variants.csv", index=False)
    graph = release_graph(transition_graph(tasks, level=level), tasks, min_group_size=min_group_size,
                          min_cell_people=min_cell_people)
    _write_graph(graph, out)
    notes: list[str] = [v.attrs["suppressed_note"]] if v.attrs.get("suppressed_note") else []
    if graph.graph["suppressed_nodes"] or graph.graph["suppressed_edges"]:
        notes.append(f"graph: {graph.graph['suppressed_nodes']} step(s) and {graph.graph['suppressed_edges']} "
                     f"transition(s) of fewer than {cell} distinct users left out (team-level safeguard)")
    if cell <= 1:
        notes.append("every output is released without the team-level threshold (--min-group-size 1): "
                     "it may single out one person")
    cells: dict[str, Any] = {"min_cell_people": min_cell_people, "level": table_level}
    makers: tuple[tuple[str, Any, dict[str, Any]], ...] = (
        ("metrics", task_metrics, cells), ("candidates", automation_candidates, cells),
        ("fragmentation", fragmentation, {}))
    for name, fn, kwargs in makers:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SmallGroupWarning)
            table = fn(tasks, min_group_size=min_group_size, **kwargs)
        if table.attrs.get("suppressed_note"):
            notes.append(table.attrs["suppressed_note"])
        table.to_csv(out / f"{name}.csv", index=False)
    return {"events": len(tasks), "cases": int(v.attrs["n_cases"]), "variants": len(v),
            "unassigned": int(v.attrs.get("n_unassigned", 0)), "notes": notes,
            "files": [str(out / f) for f in OUTPUTS]}


def _run(args: argparse.Namespace) -> int:
    if args.min_group_size < 1:
        raise ParameterError(f"--min-group-size must be >= 1, got {args.min_group_size}")
    summary = mine_file(args.input, args.output, format=args.format, tz=args.tz, method=args.method,
                        level=args.level, min_group_size=args.min_group_size,
                        min_cell_people=args.min_cell_people, ledger=args.ledger, quiet=args.quiet)
    for note in summary["notes"]:
        print(f"taskmining mine: {note}", file=sys.stderr)
    if not args.quiet:
        print(f"{summary['events']} events, {summary['cases']} cases, {summary['variants']} variants "
              f"({summary['unassigned']} events outside any case) -> {args.output}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``mine`` subcommand."""
    p = subparsers.add_parser(
        "mine", help="variants, transition graph, metrics and automation candidates of a log",
        description="Mine a tasks frame (or a UI log, segmented first) into CSV, GraphML, DOT and JSON files.")
    p.add_argument("input", metavar="INPUT", help="a UI log or tasks frame (CSV/Parquet with case_id and step)")
    p.add_argument("-o", "--output", required=True, metavar="DIR", help="output folder (created)")
    add_input_options(p)
    p.add_argument("--method", default="auto", help="segmenter when INPUT has no case_id (default auto)")
    p.add_argument("--level", default=None, choices=["activity", "step", "app"],
                   help="the unit of the outputs (default activity, or step without UI structure; "
                        "app: the graph only)")
    p.add_argument("--min-group-size", type=int, default=DEFAULT_MIN_GROUP_SIZE, metavar="N",
                   help=f"distinct users the log needs for any output (default {DEFAULT_MIN_GROUP_SIZE}; "
                        "1 releases everything, unthresholded)")
    add_release_options(p)
    p.add_argument("--quiet", action="store_true", help="no progress bars or summary line")
    p.set_defaults(func=_run)
