"""``taskmining demo``: a small team's working day, end to end, in a few seconds.

The demo is a list of small stage functions (:data:`STAGES`) over one
:class:`DemoContext`: simulate and write a native recording, read it back,
summarise, build steps and find the task instances (scored against the
simulator's ground truth), mine variants, graphs and automation candidates,
export XES and OCEL (and the desktop tasks linked to a simulated ERP log),
and write the HTML report.

Examples
--------
>>> [s.__name__ for s in STAGES]
['stage_simulate', 'stage_read', 'stage_summary', 'stage_segment', 'stage_mine', 'stage_export', 'stage_report']
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import pandas as pd

from taskmining.cli.commands.simulate import add_simulation_options

__all__ = ["TEAM_SIZE", "register", "run", "DemoContext", "STAGES", "stage_simulate", "stage_read", "stage_summary",
           "stage_segment", "stage_mine", "stage_export", "stage_report"]


#: The demo team: large enough that, with the default minimum group size of the
#: reports (5 distinct people), every routine the simulator plays is done by enough
#: people to be shown (a team of 5 hid 7 of 12 task types, among them one done by 4).
TEAM_SIZE = 10


@dataclass
class DemoContext:
    """What the stages share: arguments, output folder, frames, and where to print (default stdout)."""

    args: argparse.Namespace
    out: Path
    simulated: pd.DataFrame | None = None
    events: pd.DataFrame | None = None
    results: dict[str, Any] = field(default_factory=dict)
    stream: TextIO | None = None

    @property
    def recording(self) -> Path:
        """Where the simulated native recording goes."""
        return self.out / "recording"

    def say(self, text: str = "") -> None:
        """Print one line of the demo's output."""
        print(text, file=self.stream if self.stream is not None else sys.stdout)


def stage_simulate(ctx: DemoContext) -> None:
    """Simulate the team's day and write it as a native recording."""
    from taskmining.datasets.simulate import simulate

    t0 = time.perf_counter()
    ctx.simulated = simulate(n_users=ctx.args.users, n_days=1, seed=ctx.args.seed, hours=ctx.args.hours,
                             path=ctx.recording, progress=not ctx.args.quiet)
    ctx.say(f"simulated {len(ctx.simulated):,} events of {ctx.args.users} users and wrote the recording to "
            f"{ctx.recording} ({time.perf_counter() - t0:.1f} s)")


def stage_read(ctx: DemoContext) -> None:
    """Read the recording back with ``read_events``."""
    from taskmining.io.read import read_events

    t0 = time.perf_counter()
    ctx.events = read_events(ctx.recording, progress=not ctx.args.quiet)
    ctx.say(f"read {len(ctx.events):,} events back ({time.perf_counter() - t0:.1f} s)")


def _top(series: pd.Series, k: int = 5) -> str:
    counts = series.value_counts(dropna=True).head(k)
    return ", ".join(f"{name} {n:,}" for name, n in counts.items())


def stage_summary(ctx: DemoContext) -> None:
    """Events, users, apps, span, routine instances, top apps and actions."""
    ev = ctx.events if ctx.events is not None else ctx.simulated
    assert ev is not None
    ctx.say()
    ctx.say(f"events      {len(ev):,}")
    ctx.say(f"users       {ev['user'].nunique()}   sessions {ev['session'].nunique()}")
    ctx.say(f"apps        {ev['app'].nunique()}   ({_top(ev['app'], 10)})")
    if len(ev):
        ctx.say(f"span        {ev['timestamp'].min():%Y-%m-%d %H:%M} - {ev['timestamp'].max():%Y-%m-%d %H:%M} UTC")
    if "true_case" in ev.columns:
        per_task = ev.drop_duplicates("true_case").dropna(subset=["true_case"])["true_task"]
        ctx.say(f"instances   {per_task.size:,} task instances ({_top(per_task, 6)})")
    ctx.say(f"top actions {_top(ev['action'])}")


def stage_segment(ctx: DemoContext) -> None:
    """Build steps and find task instances with the default segmenter; score them against the truth."""
    import taskmining as tm
    from taskmining.segmentation.evaluate import evaluate

    assert ctx.events is not None
    t0 = time.perf_counter()
    tasks = tm.segment(ctx.events, progress=False if ctx.args.quiet else None)
    ctx.results["tasks"] = tasks
    took = time.perf_counter() - t0
    n_cases = tasks["case_id"].nunique()
    n_types = tasks["task"].nunique()
    ctx.say()
    ctx.say(f"segmented {tasks['step_id'].nunique():,} steps into {n_cases:,} task instances of {n_types} task "
            f"types ({took:.1f} s)")
    if "true_case" in tasks.columns:
        steps = tasks.drop_duplicates("step_id")
        score = evaluate(steps["true_case"], steps["case_id"], true_task=steps["true_task"], pred_task=steps["task"],
                         steps=steps["step"], session=steps["session"], time=steps["timestamp"])
        ctx.results["scores"] = score
        ctx.say(f"against the simulator's ground truth: boundary F1 {score['boundary_f1']:.3f}, edit distance "
                f"{score['edit_distance']:.3f}, event F1 {score['event_f1']:.3f}")


def stage_mine(ctx: DemoContext) -> None:
    """Variants, transition graph, task metrics and automation candidates, written to ``mined/``."""
    import warnings

    import taskmining as tm
    from taskmining.mining.graphs import graph_to_dot

    tasks = ctx.results["tasks"]
    out = ctx.out / "mined"
    out.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # small groups are reported in the report's notes
        v = tm.variants(tasks)
        candidates = tm.automation_candidates(tasks)
        tm.task_metrics(tasks).to_csv(out / "metrics.csv", index=False)
    v.drop(columns=["steps"]).to_csv(out / "variants.csv", index=False)
    candidates.to_csv(out / "candidates.csv", index=False)
    graph = tm.transition_graph(tasks, level="app")
    (out / "app-graph.dot").write_text(graph_to_dot(graph) + "\n", encoding="utf-8")
    ctx.results["candidates"] = candidates
    ctx.say(f"mined {len(v):,} variants (top 10 cover {v['coverage'].iloc[min(9, len(v) - 1)]:.0%} of instances); "
            f"top automation candidate: {candidates['task'].iloc[0]} (score {candidates['score'].iloc[0]:.0f})"
            if len(v) and len(candidates) else f"mined {len(v):,} variants")
    ctx.say(f"wrote variants, metrics, candidates and the application graph to {out}")


def stage_export(ctx: DemoContext) -> None:
    """XES, OCEL 2.0 and the joint desktop + ERP log (see ``taskmining export``)."""
    from taskmining.cli.commands.export import stage_export as export

    export(ctx)


def stage_report(ctx: DemoContext) -> None:
    """The HTML report."""
    import taskmining as tm

    t0 = time.perf_counter()
    path = tm.report(ctx.results["tasks"], ctx.out / "report.html", title="taskmining demo: a team's day")
    ctx.results["report"] = path
    ctx.say(f"wrote the report ({time.perf_counter() - t0:.1f} s)")
    ctx.say()
    ctx.say(f"open {path.resolve()}")


#: The demo's stages, run in order.
STAGES: list[Callable[[DemoContext], None]] = [stage_simulate, stage_read, stage_summary, stage_segment, stage_mine,
                                               stage_export, stage_report]


def register(subparsers: Any) -> None:
    """Add the ``demo`` subcommand."""
    p = subparsers.add_parser("demo", help="a small team's simulated day through the whole pipeline",
                              description="Simulate a small team's working day as a native recording, read it "
                                          "back, find the task instances, mine them, export XES and OCEL, and "
                                          "write the HTML report.")
    p.add_argument("-o", "--output", default="taskmining-demo", metavar="DIR",
                   help="where to write the recording and results (default ./taskmining-demo)")
    add_simulation_options(p, users=TEAM_SIZE)
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run every stage of :data:`STAGES`."""
    ctx = DemoContext(args=args, out=Path(args.output))
    for stage in STAGES:
        stage(ctx)
    return 0
