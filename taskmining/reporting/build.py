"""Assemble the HTML report from the library's own mining functions.

Every number in the report comes from a public function
(:func:`taskmining.variants`, :func:`taskmining.transition_graph`,
:func:`taskmining.task_metrics`, :func:`taskmining.automation_candidates`,
:func:`taskmining.fragmentation`, :func:`taskmining.compare`) called with the
same arguments a user would pass, and each table cell carries the exact
value in ``data-value``, so the report can be checked against the library.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from datetime import datetime, timezone
from html import escape
from os import PathLike
from pathlib import Path
from typing import Any

import pandas as pd

from taskmining._progress import progress as progress_bar
from taskmining.draw.svg_map import Engine
from taskmining.errors import MiningError, ParameterError
from taskmining.mining.candidates import automation_candidates
from taskmining.mining.compare import compare
from taskmining.mining.fragmentation import fragmentation
from taskmining.mining.graphs import transition_graph
from taskmining.mining.levels import DEFAULT_LEVEL
from taskmining.mining.metrics import task_metrics
from taskmining.mining.variants import variants
from taskmining.reporting import markup
from taskmining.privacy.release import DEFAULT_MIN_CELL_PEOPLE, ReleaseLedger, check_cohort
from taskmining.reporting.frame import private_text, report_frame, vocabulary
from taskmining.reporting.release import ReportPolicy
from taskmining.reporting.sections import (
    activity_strip,
    candidates_block,
    families_block,
    families_for,
    graph_level,
    map_block,
    task_cards,
)
from taskmining.schema import (
    APP,
    CASE_ID,
    SESSION,
    STEP,
    TASK,
    TIMESTAMP,
    USER,
    check_level,
    ground_truth_columns,
)


def task_flow(tasks: pd.DataFrame) -> pd.DataFrame:
    """One row per task instance, for the task-level map: how task types follow each other.

    Each session (else each user, else the whole log) becomes one "case" whose steps are its task instances in
    order of their first event, so ``transition_graph(task_flow(tasks),
    step_id_col=None)`` is the task-level transition graph.

    Examples
    --------
    >>> t = pd.DataFrame({"session": ["s", "s", "s"], "case_id": ["1", "1", "2"],
    ...                   "task": ["A", "A", "B"],
    ...                   "timestamp": pd.to_datetime(["2026-01-05 09:00", "2026-01-05 09:01",
    ...                                                "2026-01-05 09:02"], utc=True)})
    >>> task_flow(t)[["case_id", "step"]].values.tolist()
    [['s', 'A'], ['s', 'B']]
    """
    assigned = tasks.loc[tasks[CASE_ID].notna(), [c for c in (CASE_ID, SESSION, USER, TASK, TIMESTAMP)
                                                  if c in tasks.columns]]
    if SESSION not in assigned.columns:  # no sessions: one per user, else one for the whole log
        assigned = assigned.assign(**{SESSION: assigned[USER] if USER in assigned.columns else "(all)"})
    users = {"user": (USER, "first")} if USER in assigned.columns else {}
    first = assigned.groupby(CASE_ID, observed=True, sort=False).agg(
        session=(SESSION, "first"), task=(TASK, "first"), start=(TIMESTAMP, "min"), end=(TIMESTAMP, "max"),
        **users)
    first = first.sort_values(["session", "start"], kind="stable")
    return pd.DataFrame({CASE_ID: first["session"].astype(str).to_numpy(),
                         STEP: first["task"].astype(str).to_numpy(),
                         TIMESTAMP: first["start"].to_numpy(), "end": first["end"].to_numpy(),
                         **({USER: first["user"].to_numpy()} if users else {})}).assign(
        **{TIMESTAMP: lambda d: d[TIMESTAMP].dt.tz_localize("UTC") if d[TIMESTAMP].dt.tz is None else d[TIMESTAMP]})


def _segmenter_note(meta: Any) -> str | None:
    """``"auto (min_repeats=3, ...)"`` from the segmenter record that ``segment`` leaves in ``attrs``.

    Examples
    --------
    >>> _segmenter_note({"segmenter": {"method": "idle_gap", "params": {"gap": "5min"}}})
    'idle_gap (gap=5min)'
    """
    if not isinstance(meta, dict):
        return None
    seg = meta.get("segmenter")
    if isinstance(seg, dict):
        params = ", ".join(f"{k}={v}" for k, v in (seg.get("params") or {}).items())
        return f"{seg.get('method', '?')}" + (f" ({params})" if params else "")
    return None if seg is None else str(seg)


def _overview(tasks: pd.DataFrame, policy: ReportPolicy, per_user: bool, segmented_by: str | None) -> str:
    ts = tasks[TIMESTAMP]
    span = f"{ts.min():%Y-%m-%d %H:%M} – {ts.max():%Y-%m-%d %H:%M} UTC" if len(ts) else "empty"
    cases = tasks[CASE_ID].dropna()
    n_types = tasks[TASK].dropna().nunique() if TASK in tasks.columns else 0
    apps = tasks[APP].dropna().astype(str).value_counts() if APP in tasks.columns else pd.Series(dtype=int)
    n_users = tasks[USER].nunique() if USER in tasks.columns else 0
    teams = tasks["team"].nunique() if "team" in tasks.columns else None
    items = [
        (f"{len(tasks):,}", "events"),
        (f"{cases.nunique():,}", "task instances"),
        (f"{n_types:,}", "task types"),
        (f"{len(apps):,}", "applications"),
        (f"{n_users:,}", "people (pseudonymous)"),
    ]
    if teams is not None:
        items.append((f"{teams:,}", "teams"))
    app_list = ", ".join(f"{a} ({c:,})" for a, c in apps.head(8).items())
    privacy = (policy.describe()
               + ("Per-person views are ON (explicitly requested)." if per_user else "Per-person views are off."))
    how = f" Task instances from: {segmented_by}." if segmented_by else ""
    return (markup.cards(items) + f'<p><b>Time span:</b> {escape(span)}<br><b>Applications:</b> {escape(app_list)}'
            f'<br><b>Privacy:</b> {escape(privacy)}{escape(how)}</p>')


def _plural(level: str) -> str:
    return "activities" if level == "activity" else f"{level}s"


def _variants_block(tasks: pd.DataFrame, top: int, level: str, policy: ReportPolicy) -> str:
    v = variants(tasks, top_k=top, level=level, min_group_size=policy.variants_min)
    strips = [activity_strip(s) for s in v["steps"]]
    table = markup.frame_table(
        v.assign(rank=range(1, len(v) + 1)), table_id="tm-variants",
        columns=["rank", "count", "share", "coverage", "length", "duration_median", "duration_p90",
                 *(["users"] if "users" in v.columns else [])],
        headers={"duration_median": "median duration", "duration_p90": "p90 duration", "length": _plural(level)},
        formats={"share": markup.fmt_share, "coverage": markup.fmt_share,
                 "duration_median": markup.fmt_duration, "duration_p90": markup.fmt_duration},
        extra={"variant": strips})
    n_cases = v.attrs.get("n_cases", 0)
    cover = float(v["coverage"].iloc[-1]) if len(v) else 0.0
    return (f'<p class="tm-note">{n_cases:,} task instances in all; these {len(v)} variants cover '
            f'{markup.fmt_share(cover)}. A chip with ↻ is a loop: its activities repeated, shown once.</p>' + table)


def _table_or_note(df: pd.DataFrame | None, table_id: str, **kwargs: Any) -> str:
    if df is None or len(df) == 0:
        return f'<p class="tm-empty" id="{table_id}">Nothing to show.</p>'
    return markup.frame_table(df, table_id=table_id, **kwargs)


def _compare_block(tasks: pd.DataFrame, by: str, groups: tuple[Any, Any] | None, min_group_size: int) -> str:
    kwargs: dict[str, Any] = {"by": by, "min_group_size": min_group_size}
    if groups is not None:
        kwargs["groups"] = groups
    result = compare(tasks, **kwargs)
    frames: dict[str, pd.DataFrame]
    if isinstance(result, pd.DataFrame):
        frames = {"comparison": result}
    elif isinstance(result, dict):
        frames = {k: v for k, v in result.items() if isinstance(v, pd.DataFrame)}
    else:
        frames = {k: v for k, v in vars(result).items() if isinstance(v, pd.DataFrame)}
    parts = []
    for k, df in frames.items():
        parts.append(f"<h3>{escape(k.replace('_', ' ').capitalize())}</h3>"
                     + _table_or_note(df.reset_index() if not isinstance(df.index, pd.RangeIndex) else df,
                                      table_id=f"tm-compare-{k}", max_rows=25))
    return "".join(parts)


def report(
    tasks: pd.DataFrame,
    path: str | PathLike[str],
    *,
    title: str = "Task mining report",
    level: str | None = None,
    compare_by: str | None = None,
    groups: tuple[Any, Any] | None = None,
    min_group_size: int = 5,
    min_cell_people: int = DEFAULT_MIN_CELL_PEOPLE,
    ledger: ReleaseLedger | str | PathLike[str] | None = None,
    per_user: bool = False,
    top_variants: int = 10,
    hourly_rate: float = 50.0,
    working_days_per_month: float = 21.0,
    rename_tasks: bool = True,
    engine: Engine = "auto",
    progress: bool = False,
) -> Path:
    """Write a self-contained HTML report of a tasks frame, for a process analyst.

    The file opens offline (styles, script and pictures inline; no network
    requests), reads on a laptop screen and prints. Sections: overview; the
    process map at ``level`` (Graphviz, left to right, start and end
    connected, edge width by frequency, a frequency slider, pan and zoom);
    task-type cards (key numbers, their own map, their variant families,
    handling times); variant families with their happy path and deviations;
    the most frequent (folded) variants; automation candidates with the cost
    model; how task types follow each other; fragmentation; with
    ``compare_by``, a comparison of two groups; notes.

    What the report analyses is :func:`~taskmining.reporting.frame.report_frame`
    of ``tasks``: activities built, task types renamed (unless
    ``rename_tasks=False``), and labels, notes and warnings without the
    values that vary between instances (names, numbers), so no person's name
    from the records appears.

    Parameters
    ----------
    tasks : pandas.DataFrame
        The tasks frame (``taskmining.segment(events)``): ``case_id``,
        ``step``, ``timestamp``, ideally ``task``, ``app``, ``window``,
        ``action``, ``user``. Not modified.
    path : str or PathLike
        Where to write the ``.html`` file (folders are created).
    title : str
        Heading of the report.
    level : {"activity", "step"}, optional
        The unit of maps, variants and families (see
        :mod:`taskmining.mining.levels`). Default ``"activity"``; a log
        without UI structure (no ``app``, ``window`` or ``url``) is shown
        at step level, and the report says so.
    compare_by : str, optional
        Column with two groups to compare (e.g. ``"experience"``).
    groups : tuple, optional
        The two values of ``compare_by`` to compare (reference first).
    min_group_size : int, default 5
        Over fewer distinct people every section is withheld (the report
        says why); groups (teams, compared groups) of fewer
        people are suppressed; 1 opts out of every threshold.
    min_cell_people : int, default 3
        Every variant, map step and transition, family deviation and task
        type shown was done by at least this many distinct people (at most
        ``min_group_size``); docs/privacy.md says what is suppressed and why.
    ledger : ReleaseLedger or path, optional
        Release ledger (default ``$TASKMINING_RELEASE_LEDGER``, if set): the
        report is refused when its people differ from an earlier release by
        1 to ``min_group_size - 1`` people (the differencing attack).
    per_user : bool, default False
        Allow per-person views (off by default).
    top_variants : int, default 10
        How many variants to list.
    hourly_rate, working_days_per_month : float
        The cost model's parameters (see :func:`taskmining.automation_candidates`).
    rename_tasks : bool, default True
        Name task types from their business object, purpose and applications.
    engine : {"auto", "dot", "python"}
        Process-map layout: Graphviz when installed, else pure Python.
    progress : bool, default False
        Show a progress bar over the sections.

    Returns
    -------
    pathlib.Path
        The written file.

    Examples
    --------
    >>> import tempfile, pathlib, taskmining as tm
    >>> events = tm.simulate(n_users=5, n_days=1, seed=3, hours=2)
    >>> tasks = events.assign(case_id=events["true_case"], task=events["true_task"],
    ...                       step=events["true_step"])
    >>> out = tm.report(tasks, pathlib.Path(tempfile.mkdtemp()) / "r.html", engine="python")
    >>> "Process map" in out.read_text(encoding="utf-8")
    True
    """
    if not isinstance(tasks, pd.DataFrame):
        raise ParameterError(f"tasks must be a pandas DataFrame, got {type(tasks).__name__}")
    level = check_level(DEFAULT_LEVEL if level is None else level, ("step", "activity"), what="report")
    missing = [c for c in (CASE_ID, STEP, TIMESTAMP) if c not in tasks.columns]
    if missing:
        raise MiningError(f"report needs a tasks frame: column(s) {missing} missing "
                          "(run taskmining.segment(events) first)")
    if len(tasks) == 0 or tasks[CASE_ID].notna().sum() == 0:
        raise MiningError("report needs at least one event with a case_id")
    if compare_by is not None and compare_by not in tasks.columns:
        raise ParameterError(f"compare_by={compare_by!r} is not a column of the tasks frame")
    segmented_by = _segmenter_note(tasks.attrs.get("taskmining"))
    if TASK not in tasks.columns:
        tasks = tasks.assign(**{TASK: pd.Series("All work", index=tasks.index, dtype="str")})
        rename_tasks = False
    level_note = ""
    if level == "activity" and not any(c in tasks.columns for c in (APP, "window", "url")):
        level, level_note = "step", ("This log has no UI structure (no app, window or url column), so maps, "
                                     "variants and families are at step level. ")
    frame = report_frame(tasks, rename_tasks=rename_tasks, activities=level == "activity")
    frame = frame.drop(columns=[c for c in ground_truth_columns(frame.columns) if c != compare_by])
    policy = ReportPolicy(min_group_size, min_cell_people)
    people = check_cohort(frame, min_group_size, what="report", ledger=ledger, refuse=False)
    if min_group_size > 1 and people < min_group_size:  # fewer people than a team: nothing about them is shown
        text = (f"This log covers {people} distinct people, fewer than min_group_size={min_group_size}: a team "
                "report needs a team, so every section is withheld (pass min_group_size=1 to opt out).")
        return _write(title, [("withheld", "Withheld", markup.section("withheld", "Withheld",
                                                                       f"<p>{escape(text)}</p>"))], path)
    all_families = families_for(frame, level)  # also the candidates' happy paths: computed once
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fam = policy.families(all_families, frame, level)

    def metrics() -> pd.DataFrame:
        return task_metrics(frame, min_group_size=min_group_size, min_cell_people=min_cell_people, level=level)

    stages: list[tuple[str, str, Callable[[], str], str]] = [
        ("overview", "Overview", lambda: _overview(frame, policy, per_user, segmented_by), ""),
        ("map", "Process map", lambda: map_block(
            policy.graph(transition_graph(frame, level=graph_level(level)), frame, what="process map"), "tm-map",
            engine, "Process map", what=_plural(level)),
         f"{level_note}All task instances at {level} level, left to right from start to end. An activity is a run of steps "
         "on one screen, form or document (window or page) with one purpose; values that vary between "
         "instances (names, numbers) are masked. Use the slider to hide rare paths."),
        ("tasks", "Task types", lambda: task_cards(frame, metrics(), fam, engine, level, policy),
         "Each task type with its key numbers, its own process map, its variant families and its handling "
         "times. Rework: an activity finished and later done again in the same instance (loops excluded)."),
        ("families", "Variant families", lambda: families_block(fam),
         "Similar variants grouped behind their most frequent member, the happy path."),
        ("variants", "Variants", lambda: _variants_block(frame, top_variants, level, policy),
         f"The {level} sequences of task instances with loops folded, most frequent first."),
        ("candidates", "Automation candidates", lambda: candidates_block(
            automation_candidates(frame, min_group_size=min_group_size, min_cell_people=min_cell_people,
                                  level=level, hourly_rate=hourly_rate, families=all_families,
                                  working_days_per_month=working_days_per_month),
            hourly_rate=hourly_rate, working_days_per_month=working_days_per_month),
         "Score 0–100 from frequency, time spent, determinism, structured input, applications and "
         "rule-likeness (see docs/mining.md), and what the work costs per month."),
        ("flow", "Task flow", lambda: map_block(
            policy.graph(transition_graph(task_flow(frame), step_id_col=None), task_flow(frame), what="task flow",
                         step_id_col=None), "tm-flow-map", engine, "Task flow",
            what="task types", max_edges=18),
         "How task types follow each other in a working session (one path per session)."),
        ("fragmentation", "Fragmentation", lambda: _table_or_note(
            fragmentation(frame, min_group_size=min_group_size, per_user=per_user), "tm-fragmentation",
            formats={c: markup.fmt_duration for c in ("resumption_time_mean", "resumption_time_median")}),
         "Application switches and interruptions (a task instance left for another and resumed)."),
    ]
    if compare_by is not None:
        stages.append(("compare", "Comparison", lambda: _compare_block(frame, compare_by, groups, min_group_size),
                       f"Groups by {compare_by}: where the second group spends extra steps and time."))
    sections = []
    with warnings.catch_warnings(record=True) as more:
        warnings.simplefilter("always")
        for anchor, label, make, note in progress_bar(stages, enabled=progress, desc="report", unit="section"):
            sections.append((anchor, label, markup.section(anchor, label, make(), note)))
    messages = {str(w.message) for w in [*caught, *more] if issubclass(w.category, UserWarning)}
    words = vocabulary(frame) if messages else frozenset()  # the report's words, collected once
    notes = sorted({private_text(m, words) for m in messages})
    if notes:
        items = "".join(f"<li>{escape(n)}</li>" for n in notes)
        sections.append(("notes", "Notes", markup.section("notes", "Notes", f"<ul>{items}</ul>",
                                                          "What the analysis left out or suppressed.")))
    return _write(title, sections, path)


def _write(title: str, sections: list[tuple[str, str, str]], path: str | PathLike[str]) -> Path:
    from taskmining._version import __version__

    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    html = markup.page(title, f"Generated {stamp} by taskmining {__version__}", sections)
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")
    return out
