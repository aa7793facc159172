"""``taskmining mine``: variants, transition graph, metrics and candidates of a log, as files.

::

    taskmining mine INPUT -o DIR [--format F] [--tz TZ] [--method M]
                    [--level step|app] [--min-group-size N]

INPUT is anything ``read_events`` reads. A table that already has
``case_id``, ``step`` and ``timestamp`` columns (a CSV or Parquet tasks
frame, e.g. from ``taskmining segment``) is mined as it is; otherwise the
events are segmented first with ``taskmining.segment(events, method=M)``.
DIR receives ``variants.csv``, ``graph.graphml``, ``graph.dot``,
``graph.json`` (networkx node-link), ``metrics.csv``, ``candidates.csv``
and ``fragmentation.csv``. Groups below the minimum group size are left out
of the aggregates (and variants followed by fewer users out of
``variants.csv``); a notice on stderr says which.
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

from taskmining.cli.options import add_input_options
from taskmining.errors import MiningError, ParameterError
from taskmining.privacy.groups import DEFAULT_MIN_GROUP_SIZE, SmallGroupWarning
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
              method: str = "auto", level: Literal["step", "app"] = "step",
              min_group_size: int = DEFAULT_MIN_GROUP_SIZE, quiet: bool = True) -> dict[str, Any]:
    """Mine INPUT and write the result files into ``out_dir``; returns a small summary.

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

    if level not in ("step", "app"):
        raise ParameterError(f"--level must be step or app, got {level!r}")
    tasks = load_tasks(input_path, format=format, tz=tz, method=method, quiet=quiet)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallGroupWarning)
        v = variants(tasks, min_group_size=min_group_size if "user" in tasks.columns else None)
    v.assign(steps=[json.dumps(list(s), ensure_ascii=False) for s in v["steps"]]).to_csv(
        out / "variants.csv", index=False)
    graph = transition_graph(tasks, level=level)
    _write_graph(graph, out)
    notes: list[str] = [v.attrs["suppressed_note"]] if v.attrs.get("suppressed_note") else []
    for name, fn in (("metrics", task_metrics), ("candidates", automation_candidates),
                     ("fragmentation", fragmentation)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SmallGroupWarning)
            table = fn(tasks, min_group_size=min_group_size)
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
                        level=args.level, min_group_size=args.min_group_size, quiet=args.quiet)
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
    p.add_argument("--level", default="step", choices=["step", "app"], help="transition graph level")
    p.add_argument("--min-group-size", type=int, default=DEFAULT_MIN_GROUP_SIZE, metavar="N",
                   help=f"smallest number of distinct users per reported group (default {DEFAULT_MIN_GROUP_SIZE})")
    p.add_argument("--quiet", action="store_true", help="no progress bars or summary line")
    p.set_defaults(func=_run)
