"""The demo's team is large enough that the default minimum group size hides none of its routines."""

from __future__ import annotations

import warnings

import pytest

import taskmining as tm
from taskmining.cli import build_parser
from taskmining.cli.commands.demo import TEAM_SIZE
from taskmining.privacy.groups import DEFAULT_MIN_GROUP_SIZE


def test_demo_default_team_size() -> None:
    parser = build_parser()
    assert parser.parse_args(["demo"]).users == TEAM_SIZE
    assert parser.parse_args(["simulate", "-o", "x"]).users == 5  # simulate keeps its own default


@pytest.mark.slow
def test_every_routine_of_the_demo_day_is_shown() -> None:
    # the demo's own day: its default seed and hours
    args = build_parser().parse_args(["demo"])
    events = tm.simulate(n_users=args.users, n_days=1, seed=args.seed, hours=args.hours)
    people = events.dropna(subset=["true_task"]).groupby("true_task", observed=True)["user"].nunique()
    assert len(people) == 6 and people.min() >= DEFAULT_MIN_GROUP_SIZE, people.to_dict()
    tasks = tm.segment(events)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        shown = set(tm.task_metrics(tasks)["task"])
    share = tasks.drop_duplicates("case_id").dropna(subset=["task"])["task"].value_counts(normalize=True)
    main_types = set(share[share >= 0.02].index)
    assert main_types and main_types <= shown, sorted(main_types - shown)
