"""The analyst's sections of the report: process maps, task-type cards, variant families, candidates.

Each block calls the library's public functions with the arguments a user
would pass (at the report's ``level``) and shows their values; table cells
carry the exact value in ``data-value``.

Examples
--------
>>> activity_strip(["Open 'Inbox' in Outlook", "[Copy from 'Mail' in Outlook → Fill 'Form' in SAP] ↻"]).count('class="tm-chip')
2
"""

from __future__ import annotations

from html import escape
from typing import Any, Literal

import networkx as nx
import numpy as np
import pandas as pd

from taskmining.draw.focus import strong_edges, top_nodes
from taskmining.draw.svg_map import Engine, map_svg
from taskmining.mining.families import variant_families
from taskmining.mining.folding import LOOP_MARK
from taskmining.mining.graphs import transition_graph
from taskmining.reporting.release import ReportPolicy
from taskmining.reporting import charts, markup
from taskmining.reporting.frame import private_text, vocabulary
from taskmining.schema import CASE_ID, STEP, TASK, TIMESTAMP

__all__ = ["activity_strip", "graph_level", "map_block", "initial_threshold", "task_cards", "families_block",
           "candidates_block", "MAX_MAP_NODES", "COST_NOTE"]

MAX_MAP_NODES = 30

COST_NOTE = ("Cost model: cases per month = cases ÷ observed working days × {days:g} working days; "
             "hours per month = cases per month × mean handling time; cost per month = hours × hourly rate "
             "({rate:g} per hour); happy-path share = share of the task's cases in its largest variant family "
             "(how deterministic the work is); savings per month = cost × happy-path share (automating the happy "
             "path, the rest staying manual). Transfers per case are the copy-and-paste moves a bot would make.")


def graph_level(level: str) -> Literal["step", "activity"]:
    """The report's ``level`` as :func:`transition_graph` types it."""
    return "activity" if level == "activity" else "step"


def initial_threshold(graph: nx.DiGraph, max_edges: int = 60) -> int:
    """The smallest edge count that shows at most ``max_edges`` edges.

    Examples
    --------
    >>> g = nx.DiGraph([("a", "b", {"count": 5}), ("b", "c", {"count": 1})])
    >>> initial_threshold(g, max_edges=1)
    5
    """
    counts = sorted((int(d.get("count", 0)) for _, _, d in graph.edges(data=True)), reverse=True)
    if len(counts) <= max_edges:
        return 1
    return max(1, counts[max_edges - 1] + 1 if counts[max_edges - 1] < counts[0] else counts[0])


def map_block(graph: nx.DiGraph, key: str, engine: Engine, title: str, what: str = "activities",
              max_edges: int = 40, max_nodes: int = MAX_MAP_NODES) -> str:
    """A process map with its frequency slider and zoom buttons."""
    shown = strong_edges(top_nodes(graph, max_nodes), max_edges)
    n_act = sum(1 for _, d in graph.nodes(data=True) if d.get("kind", "activity") == "activity")
    n_shown = sum(1 for _, d in shown.nodes(data=True) if d.get("kind", "activity") == "activity")
    counts = [int(d.get("count", 0)) for _, _, d in shown.edges(data=True)] or [1]
    start = 1
    note = (f"Showing the {n_shown} most frequent of {n_act} {what}" if n_shown < n_act
            else f"All {n_act} {what}")
    note += (f", and the {shown.number_of_edges()} most frequent of {graph.number_of_edges()} paths "
             "(with each one's strongest way in and out)." if shown.number_of_edges() < graph.number_of_edges()
             else ".")
    svg = map_svg(shown, engine=engine, wait_attr="mean", title=title)
    return (f'<div class="tm-controls"><label for="{key}-freq">Minimum frequency</label>'
            f'<input type="range" class="tm-freq" id="{key}-freq" min="1" max="{max(counts)}" value="{start}" '
            f'data-target="{key}" data-output="{key}-out"><output id="{key}-out"></output>'
            f'<span class="tm-zoom" data-target="{key}"><button type="button" data-zoom="out" title="Zoom out">−</button>'
            f'<button type="button" data-zoom="in" title="Zoom in">+</button>'
            f'<button type="button" data-zoom="fit" title="Fit to width">fit</button>'
            f'<button type="button" data-zoom="one" title="Actual size">100%</button></span>'
            f'<span class="tm-note">{escape(note)} Edges: how often one followed the other · mean waiting time; '
            f'wider and darker is more frequent. Drag to pan.</span></div>'
            f'<div class="tm-map-wrap" id="{key}" data-autofit="1">{svg}</div>')


def activity_strip(tokens: list[str] | tuple[str, ...], *, limit: int = 14) -> str:
    """The elements of a variant as a row of labelled chips (a folded loop shown as one chip with ↻).

    A variant longer than ``limit`` shows its first ten and last two
    elements; the ones between are folded into a "… N more" control that
    opens them (they stay in the page, in order).
    """
    chips = []
    for t in tokens:
        loop = t.endswith(LOOP_MARK) and t.startswith("[")
        text = t[1:-len(LOOP_MARK) - 1] if loop else t
        cls = "tm-chip tm-loop" if loop else "tm-chip"
        colour = charts.color_for(text.split(" → ")[0])
        mark = '<b class="tm-loopmark" title="repeated">↻</b>' if loop else ""
        chips.append(f'<span class="{cls}" style="border-left-color:{colour}">{escape(text)}{mark}</span>')
    arrow = '<span class="tm-arrow">→</span>'
    if len(chips) > limit:
        middle = arrow.join(chips[10:-2])
        chips = [*chips[:10], f'<details class="tm-more"><summary>… {len(chips) - 12} more</summary>'
                              f'<div class="tm-strip-row">{middle}</div></details>', *chips[-2:]]
    return '<div class="tm-strip-row">' + arrow.join(chips) + "</div>"


def _deviation_html(devs: list[dict[str, Any]], limit: int = 4) -> str:
    if not devs:
        return "—"
    items = []
    for d in devs[:limit]:
        verb = "skip" if d["kind"] == "skip" else "add"
        items.append(f"<li><b>{markup.fmt_share(d['share'])}</b> {verb} {escape(str(d['activity']))}</li>")
    more = f'<li class="tm-note">{len(devs) - limit} more</li>' if len(devs) > limit else ""
    return f'<ul class="tm-devs">{"".join(items)}{more}</ul>'


def families_block(fam: pd.DataFrame, *, table_id: str = "tm-families", limit: int = 12,
                   show_task: bool = True) -> str:
    """The variant families: share, duration, the representative's strip and the deviations."""
    if fam.empty:
        return f'<p class="tm-empty" id="{table_id}">Nothing to show.</p>'
    shown = fam.head(limit)
    strips = [activity_strip(s) for s in shown["steps"]]
    devs = [_deviation_html(d) for d in shown["deviations"]]
    wanted = ((TASK,) if show_task else ()) + ("family", "count", "share", "variants", "duration_median",
                                               "duration_p90")
    cols = [c for c in wanted if c in shown.columns]
    n_cases = int(fam["count"].sum())
    note = (f'<p class="tm-note">{len(fam):,} families from {int(fam["variants"].sum()):,} variants of '
            f'{n_cases:,} task instances; the {min(limit, len(fam))} largest hold '
            f'{markup.fmt_share(float(shown["count"].sum()) / max(n_cases, 1))} of them. '
            f'Deviations: share of the family\'s instances that '
            f'skip or add an activity against the representative.</p>')
    return note + markup.frame_table(
        shown, table_id=table_id, columns=cols,
        headers={"duration_median": "median duration", "duration_p90": "p90 duration", "count": "instances"},
        formats={"share": markup.fmt_share, "duration_median": markup.fmt_duration,
                 "duration_p90": markup.fmt_duration},
        extra={"happy path (representative)": strips, "deviations": devs})


def task_cards(tasks: pd.DataFrame, metrics: pd.DataFrame, fam: pd.DataFrame, engine: Engine, level: str,
               policy: ReportPolicy | None = None) -> str:
    """One card per task type: key numbers, its activity map, its families, its handling times."""
    if metrics.empty:
        return '<p class="tm-empty">No task types (the segmentation did not type its cases, or all were suppressed).</p>'
    out = []
    assigned = tasks.loc[tasks[CASE_ID].notna()]
    span = assigned.groupby(CASE_ID, observed=True)[TIMESTAMP].agg(["min", "max"])
    case_task = assigned.groupby(CASE_ID, observed=True)[TASK].first().astype(str)
    handling = (span["max"] - span["min"]).dt.total_seconds()
    cols = [c for c in ("cases", "users", "handling_time_median", "handling_time_mean", "active_time_mean",
                        "total_time_h", "steps_per_case", "apps_per_case", "transfers_per_case", "rework_share")
            if c in metrics.columns]
    words = vocabulary(tasks)
    unit = "activities" if level == "activity" else f"{level}s"
    # each card's rows, found once: the columns its map needs, taken by position (no per-card scan of the log)
    slim = tasks[[c for c in (CASE_ID, STEP, "step_id", TIMESTAMP, "user", "app", "activity", "activity_id", TASK)
                  if c in tasks.columns]]
    rows_of = pd.Series(np.arange(len(slim))).groupby(slim[TASK].astype(str).to_numpy()).indices
    for i, row in enumerate(metrics.itertuples(index=False)):
        name = str(row.task)
        table = markup.frame_table(metrics.iloc[[i]], table_id=f"tm-task-{i}", columns=cols,
                                   headers={"steps_per_case": f"{unit} per case", "total_time_h": "hours in all",
                                            "rework_share": "rework"},
                                   formats={**{c: markup.fmt_duration for c in cols if c.endswith(("_mean", "_median"))
                                               and "time" in c}, "rework_share": markup.fmt_share})
        sub = slim.iloc[rows_of.get(name, np.array([], dtype=np.int64))]
        graph = transition_graph(sub, level=graph_level(level))
        graph = (policy or ReportPolicy()).graph(graph, sub, what=f"map of {name}")
        step_map = map_block(graph, f"tm-task-map-{i}", engine,
                             f"Activities of {name}", what=unit, max_edges=24, max_nodes=16)
        mine = fam.loc[fam[TASK].astype(str) == name] if TASK in fam.columns else fam.iloc[:0]
        values = handling[case_task == name].to_numpy()
        cut = float(np.quantile(values, 0.98)) if len(values) else 0.0
        hist = charts.histogram(values[values <= cut], title=f"Handling time of {name}")
        hist += f'<p class="tm-note">{int((values > cut).sum())} instances above {markup.fmt_duration(cut)} not drawn.</p>'
        extra = ""
        for col in ("applications", "top_transfer"):
            value = getattr(row, col, None)
            if isinstance(value, str) and value:
                shown = private_text(value, words) if col == "top_transfer" else value
                extra += f"<b>{escape(col.replace('_', ' '))}:</b> {escape(shown)}<br>"
        out.append(f'<div class="tm-task" id="tm-task-card-{i}"><h3>{escape(name)}</h3>{table}<p>{extra}</p>'
                   f'<h4>Process map</h4>{step_map}'
                   f'<h4>Variant families</h4>{families_block(mine, table_id=f"tm-task-families-{i}", limit=3, show_task=False)}'
                   f'<h4>Handling time</h4>{hist}</div>')
    return "".join(out)


def candidates_block(cand: pd.DataFrame, *, hourly_rate: float, working_days_per_month: float) -> str:
    """The automation candidates with the cost model's columns and its explanation."""
    if cand.empty:
        return '<p class="tm-empty" id="tm-candidates">Nothing to show.</p>'
    cols = [c for c in ("rank", TASK, "score", "cases", "users", "cases_per_month", "hours_per_month",
                        "cost_per_month", "happy_path_share", "savings_per_month", "transfers_per_case",
                        "frequency", "time", "determinism", "structured_input", "applications", "rule_likeness")
            if c in cand.columns]
    money = {c: (lambda v: f"{v:,.0f}") for c in ("cost_per_month", "savings_per_month")}
    return (f'<p class="tm-note">{escape(COST_NOTE.format(days=working_days_per_month, rate=hourly_rate))}</p>'
            + markup.frame_table(cand, table_id="tm-candidates", columns=cols,
                                 headers={"happy_path_share": "happy path", "cases_per_month": "cases / month",
                                          "hours_per_month": "hours / month", "cost_per_month": "cost / month",
                                          "savings_per_month": "savings / month"},
                                 formats={"score": lambda v: f"{v:.1f}", "happy_path_share": markup.fmt_share,
                                          "hours_per_month": lambda v: f"{v:,.1f}", **money}))


def families_for(tasks: pd.DataFrame, level: str) -> pd.DataFrame:
    """The variant families of the report (a thin call of :func:`variant_families`)."""
    return variant_families(tasks, level=level)
