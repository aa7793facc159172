"""``taskmining demo``: a small team's working day, end to end, in a few seconds.

The demo is a list of small stage functions (:data:`STAGES`) over one
:class:`DemoContext`: simulate and write a native recording, read it back,
summarise. Later stages (steps, segmentation, mining, report) append
themselves to the list.

Examples
--------
>>> [s.__name__ for s in STAGES]
['stage_simulate', 'stage_read', 'stage_summary']
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

__all__ = ["register", "run", "DemoContext", "STAGES", "stage_simulate", "stage_read", "stage_summary"]


@dataclass
class DemoContext:
    """What the stages share: arguments, output folder, frames, and where to print (default stdout)."""

    args: argparse.Namespace
    out: Path
    simulated: pd.DataFrame | None = None
    events: pd.DataFrame | None = None
    results: dict[str, Any] = field(default_factory=dict)
    stream: TextIO | None = None

    def say(self, text: str = "") -> None:
        """Print one line of the demo's output."""
        print(text, file=self.stream if self.stream is not None else sys.stdout)


def stage_simulate(ctx: DemoContext) -> None:
    """Simulate the team's day and write it as a native recording."""
    from taskmining.datasets.simulate import simulate

    t0 = time.perf_counter()
    ctx.simulated = simulate(n_users=ctx.args.users, n_days=1, seed=ctx.args.seed, hours=ctx.args.hours,
                             path=ctx.out, progress=not ctx.args.quiet)
    ctx.say(f"simulated {len(ctx.simulated):,} events of {ctx.args.users} users and wrote the recording to "
            f"{ctx.out} ({time.perf_counter() - t0:.1f} s)")


def stage_read(ctx: DemoContext) -> None:
    """Read the recording back with ``read_events``."""
    from taskmining.io.read import read_events

    t0 = time.perf_counter()
    ctx.events = read_events(ctx.out, progress=not ctx.args.quiet)
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


#: The demo's stages, run in order; later parts of the pipeline append theirs.
STAGES: list[Callable[[DemoContext], None]] = [stage_simulate, stage_read, stage_summary]


def register(subparsers: Any) -> None:
    """Add the ``demo`` subcommand."""
    p = subparsers.add_parser("demo", help="simulate a small team's day, read it back and summarise it",
                              description="Simulate a small team's working day as a native recording, read it "
                                          "back and print a summary.")
    p.add_argument("-o", "--output", default="taskmining-demo", metavar="DIR",
                   help="where to write the recording (default ./taskmining-demo)")
    add_simulation_options(p)
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run every stage of :data:`STAGES`."""
    ctx = DemoContext(args=args, out=Path(args.output))
    for stage in STAGES:
        stage(ctx)
    return 0
