"""Desktop task instances joined to the cases of a system event log (``link_to_process``).

Business keys found in the desktop events (:func:`~taskmining.export.extract_keys`)
are matched with the key columns of a process log (ERP, CRM: a pm4py-format
DataFrame or an XES file). Each desktop case goes to the process case with
the most evidence: the most key types matched, then the most occurrences.
When the recording hashed values (privacy mode: ``h:`` + 16 hex digits), the
process log's keys are hashed with the same salt so the tokens still join.

The result holds the combined log, where the desktop work appears inside the
process cases (rows with ``source="desktop"`` next to ``source="system"``),
the link table with the evidence for every desktop case, and writes the
object-centric form (OCEL 2.0) with both. The desktop side goes through the
team-level release policy of the exports first (docs/privacy.md).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from taskmining.errors import ExportError, ParameterError
from taskmining.export._check import (
    as_str,
    check_choice,
    require_columns,
    require_rows,
    utc_times,
)
from taskmining.export.keys import HASHED, KEY_COLUMNS, Extractor, extract_keys
from taskmining.export.link_check import key_report, warn_if_few_links
from taskmining.export.release import release_tasks
from taskmining.export.pm4py_frame import (
    ACTIVITY,
    CASE,
    RESOURCE,
    START,
    TIME,
    pm4py_log,
)
from taskmining.mining.levels import resolve_level
from taskmining.privacy.groups import DEFAULT_MIN_GROUP_SIZE
from taskmining.privacy.release import DEFAULT_MIN_CELL_PEOPLE, ReleaseLedger
from taskmining.schema import check_level

__all__ = ["DESKTOP_CASE", "SOURCE", "LinkResult", "hash_keys", "link_to_process"]

DESKTOP_CASE = "desktop_case"
SOURCE = "source"


def hash_keys(values: pd.Series, salt: bytes | str) -> pd.Series:
    """Salted hashes (``h:`` + 16 hex) of ``values``, as the recorder writes them.

    Uses :func:`taskmining.privacy.hash_value` (HMAC-SHA256 keyed with the
    salt, first 16 hex digits); the local fallback gives the same tokens.

    Examples
    --------
    >>> import pandas as pd
    >>> hash_keys(pd.Series(["INV-2024-001"]), b"team-salt").tolist()
    ['h:fd89c2ee8757d853']
    """
    try:
        from taskmining.privacy import hash_value
    except ImportError:  # pragma: no cover - the privacy package ships with taskmining
        hash_value = _hash_value
    uniques, codes = np.unique(as_str(values).fillna("").to_numpy(dtype=object), return_inverse=True)
    hashed = np.array([hash_value(str(v), salt) for v in uniques], dtype=object)
    return pd.Series(hashed[codes.ravel()], index=values.index, dtype="str")


def _hash_value(text: str, salt: bytes | str) -> str:
    import hashlib
    import hmac
    key = salt.encode("utf-8") if isinstance(salt, str) else bytes(salt)
    return "h:" + hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()[:16]


@dataclass
class LinkResult:
    """What :func:`link_to_process` returns.

    Attributes
    ----------
    log : pandas.DataFrame
        The combined pm4py-format log: process events (``source="system"``)
        and the linked desktop work inside the process cases
        (``source="desktop"``, the desktop case in ``desktop_case``).
    links : pandas.DataFrame
        One row per desktop case: ``case_id``, ``process_case`` (missing when
        unlinked), ``key_type``, ``key``, ``evidence`` (columns the key was
        found in), ``n_evidence``, ``n_candidates``, ``task``, ``start``, ``end``.
    evidence : pandas.DataFrame
        Every (desktop case, key) match with the process cases it points to.
    key_columns : dict
        Key type -> the process-log column it was matched with.
    key_report : pandas.DataFrame
        Per key type tried: ``process_column``, ``process_values`` (distinct),
        ``found_in`` / ``matched_in`` (desktop task instances where the key
        occurred / matched a process case); see :mod:`taskmining.export.link_check`.
    """

    log: pd.DataFrame
    links: pd.DataFrame
    evidence: pd.DataFrame
    key_columns: dict[str, str] = field(default_factory=dict)
    key_report: pd.DataFrame = field(default_factory=pd.DataFrame)

    def write_ocel(self, path: str | PathLike[str], **kwargs: Any) -> Path:
        """Write the combined log as OCEL 2.0: process cases, task instances,
        applications, documents and business objects (see :func:`~taskmining.export.write_ocel`)."""
        from taskmining.export.ocel import write_ocel
        objects = {"process_case": CASE, "task_instance": DESKTOP_CASE, "application": "app",
                   "document": "document"}
        for key_type, col in self.key_columns.items():
            if col != CASE:
                objects.setdefault(key_type, col)
        present = set(self.log.columns) | ({"document"} if "window" in self.log.columns else set())
        objects = {t: c for t, c in objects.items() if c in present}
        o2o = self.links.dropna(subset=["process_case"])
        o2o = pd.DataFrame({"source_type": "task_instance", "source": o2o["case_id"].to_numpy(),
                            "target_type": "process_case", "target": o2o["process_case"].to_numpy(),
                            "qualifier": "works on"})
        kwargs.setdefault("objects", objects)
        kwargs.setdefault("o2o", o2o)
        return write_ocel(self.log, path, **kwargs)

    def write_xes(self, path: str | PathLike[str], **kwargs: Any) -> Path:
        """Write the combined log as XES (see :func:`~taskmining.export.write_xes`)."""
        from taskmining.export.xes import write_xes
        return write_xes(self.log, path, **kwargs)


def _process_frame(process_log: pd.DataFrame | str | PathLike[str], tz: str | None) -> pd.DataFrame:
    if isinstance(process_log, (str, PathLike)):
        from taskmining.io.formats.xes import read_xes
        process_log = read_xes(process_log)
    what = "link_to_process: process_log"
    require_columns(process_log, [CASE, ACTIVITY, TIME], what=what)
    require_rows(process_log, what=what)
    frame = process_log.copy()
    frame[TIME] = utc_times(frame, TIME, what=what, tz=tz)
    frame[CASE] = as_str(frame[CASE])
    if frame[CASE].isna().any():
        raise ExportError(f"{what}: column {CASE!r} has missing case ids")
    return frame


def _key_columns(process: pd.DataFrame, key_types: Sequence[str],
                 process_key: str | Mapping[str, str] | None, *, strict: bool) -> dict[str, str]:
    """Key type -> process-log column; with ``strict=False`` (default keys) types without one are skipped."""
    if not strict:
        named = set(process_key) if isinstance(process_key, Mapping) else set()  # named columns must exist
        usable = [k for k in key_types
                  if k in named or _key_columns_or_none(process, k, process_key) is not None]
        key_types = usable or list(key_types)[:1]  # none usable: fail on the first, naming it
    out = {}
    for key_type in key_types:
        if isinstance(process_key, str):
            tried = [process_key]
        elif isinstance(process_key, Mapping) and key_type in process_key:
            tried = [process_key[key_type]]
        else:
            tried = [key_type, f"case:{key_type}"]
        found = [c for c in tried if c in process.columns]
        if not found:
            raise ExportError(
                f"link_to_process: the process log has no join key column for key type {key_type!r} "
                f"(looked for {', '.join(map(repr, tried))}; columns: {list(process.columns)[:20]}); "
                "pass process_key= to name it, e.g. process_key='case:concept:name' when the case id "
                "is the business key")
        out[key_type] = found[0]
    return out


def _key_columns_or_none(process: pd.DataFrame, key_type: str,
                         process_key: str | Mapping[str, str] | None) -> str | None:
    try:
        return _key_columns(process, [key_type], process_key, strict=True)[key_type]
    except ExportError:
        return None


def _process_keys(process: pd.DataFrame, key_columns: dict[str, str], salt: bytes | str | None) -> pd.DataFrame:
    """(key_type, key, process_case) of every key value in the process log (plus hashed forms)."""
    parts = []
    for key_type, col in key_columns.items():
        sub = pd.DataFrame({"key": as_str(process[col]), "process_case": process[CASE]}).dropna()
        sub = sub.drop_duplicates()
        parts.append(sub.assign(key_type=key_type, hashed=sub["key"]))
    keys = pd.concat(parts, ignore_index=True)
    if salt is not None:
        keys["hashed"] = hash_keys(keys["key"], salt)
    return keys[["key_type", "key", "hashed", "process_case"]]


def _evidence(tasks: pd.DataFrame, keys: Mapping[str, Extractor], process_keys: pd.DataFrame,
              columns: Sequence[str] | None, case_col: str,
              salt: bytes | str | None) -> tuple[pd.DataFrame, pd.DataFrame, tuple[int, int] | None]:
    """Every (desktop case, key, process case) match; every key found; (cases with tokens, matched) if hashed."""
    found = extract_keys(tasks, keys, columns=columns, case_col=case_col, by="case")
    plain = found.merge(process_keys[["key_type", "key", "process_case"]], on=["key_type", "key"])
    parts, hashed_counts = [plain], None
    if salt is not None:
        tokens = extract_keys(tasks, {"hashed": HASHED}, columns=columns, case_col=case_col, by="case")
        # a token says nothing about its type: keep the key type when only one type uses the value
        g = process_keys.groupby(["hashed", "key", "process_case"], sort=False, observed=True)["key_type"]
        typed = g.first().where(g.nunique() == 1, "key").rename("key_type").reset_index()
        hashed = tokens.drop(columns="key_type").rename(columns={"key": "hashed"}).merge(typed, on="hashed")
        parts.append(hashed.drop(columns="hashed").assign(columns=hashed["columns"] + " (hashed)"))
        hashed_counts = (int(tokens["case_id"].nunique()), int(hashed["case_id"].nunique()))
    cols = ["case_id", "key_type", "key", "process_case", "n", "columns"]
    # empty parts left out (pandas warns about their dtypes in a concat); the first stands for none at all
    evidence = pd.concat([p[cols] for p in parts if len(p)] or [plain[cols]], ignore_index=True).drop_duplicates(
        ["case_id", "key_type", "key", "process_case"])
    return evidence, found, hashed_counts


def _time_gap(score: pd.DataFrame, desktop_spans: pd.DataFrame, process_spans: pd.DataFrame) -> np.ndarray:
    """Seconds between each (desktop case, process case) pair's time spans; 0 when they overlap."""
    d = desktop_spans.reindex(score["case_id"])
    p = process_spans.reindex(score["process_case"])

    def ns(values: pd.Series) -> np.ndarray:  # UTC nanoseconds as float, NaN where unknown
        out = values.to_numpy(dtype="datetime64[ns]").view("int64").astype(np.float64)
        out[values.isna().to_numpy()] = np.nan
        return out

    after = (ns(p["start"]) - ns(d["end"])) / 1e9
    before = (ns(d["start"]) - ns(p["end"])) / 1e9
    gap = np.maximum(np.maximum(after, before), 0.0)
    return np.where(np.isnan(gap), np.inf, gap)


def _choose(evidence: pd.DataFrame, key_order: Sequence[str], desktop_spans: pd.DataFrame,
            process_spans: pd.DataFrame) -> pd.DataFrame:
    """The best process case per desktop case and how many candidates there were.

    Candidates are ranked by the number of key types that agree, then the
    number of mentions, then the time between the desktop case and the
    process case (0 when their spans overlap: a customer number shared by
    many orders points to the order worked on at that time), then the key
    type's priority.
    """
    if evidence.empty:
        return pd.DataFrame(columns=["case_id", "process_case", "key_type", "key", "evidence",
                                     "n_evidence", "n_candidates", "time_gap_s"])
    rank = {k: i for i, k in enumerate(key_order)}
    ev = evidence.assign(prio=evidence["key_type"].map(rank).fillna(len(rank)))
    score = ev.groupby(["case_id", "process_case"], sort=False, observed=True).agg(
        n_types=("key_type", "nunique"), n_evidence=("n", "sum"), prio=("prio", "min")).reset_index()
    score["time_gap_s"] = _time_gap(score, desktop_spans, process_spans)
    score = score.sort_values(["case_id", "n_types", "n_evidence", "time_gap_s", "prio", "process_case"],
                              ascending=[True, False, False, True, True, True], kind="stable")
    n_cand = score.groupby("case_id", sort=False, observed=True)["process_case"].size()
    best = score.drop_duplicates("case_id").set_index("case_id")
    top = ev.merge(best[["process_case"]].reset_index(), on=["case_id", "process_case"])
    top = top.sort_values(["case_id", "prio", "n"], ascending=[True, True, False], kind="stable")
    first = top.drop_duplicates("case_id").set_index("case_id")
    return pd.DataFrame({
        "case_id": best.index, "process_case": best["process_case"].to_numpy(),
        "key_type": first.loc[best.index, "key_type"].to_numpy(),
        "key": first.loc[best.index, "key"].to_numpy(),
        "evidence": first.loc[best.index, "columns"].to_numpy(),
        "n_evidence": best["n_evidence"].to_numpy(dtype="int64"),
        "n_candidates": n_cand.loc[best.index].to_numpy(dtype="int64"),
        "time_gap_s": best["time_gap_s"].replace(np.inf, np.nan).to_numpy(dtype="float64")})


def _desktop_rows(desktop: pd.DataFrame, links: pd.DataFrame, granularity: str) -> pd.DataFrame:
    linked = links.dropna(subset=["process_case"]).set_index("case_id")["process_case"]
    rows = desktop[desktop[CASE].isin(linked.index)]
    if granularity == "task":
        g = rows.groupby(CASE, sort=True, observed=True)
        task = g["case:task"].first() if "case:task" in rows.columns else pd.Series(dtype="str")
        rows = pd.DataFrame({
            CASE: g[CASE].first().index,
            ACTIVITY: task.reindex(g[CASE].first().index).fillna("desktop task").to_numpy(),
            TIME: g[TIME].max().to_numpy(), START: g[START].min().to_numpy(),
            **({RESOURCE: g[RESOURCE].first().to_numpy()} if RESOURCE in rows.columns else {}),
            "n_steps": g.size().to_numpy(dtype="int64"),
            "app": g["app"].agg(lambda a: ", ".join(sorted(set(map(str, a.dropna()))))).to_numpy()
            if "app" in rows.columns else None,
        })
    rows = rows.rename(columns={CASE: DESKTOP_CASE, "case:task": "task"})
    rows.insert(0, CASE, pd.Series(linked.reindex(rows[DESKTOP_CASE]).to_numpy(), index=rows.index, dtype="str"))
    return rows.assign(**{SOURCE: "desktop"})


def link_to_process(
    tasks: pd.DataFrame,
    process_log: pd.DataFrame | str | PathLike[str],
    keys: Mapping[str, Extractor] | None = None,
    *,
    process_key: str | Mapping[str, str] | None = None,
    columns: Sequence[str] | None = None,
    salt: bytes | str | None = None,
    granularity: Literal["step", "task"] = "step",
    level: Literal["step", "event", "activity"] | None = None,
    case_col: str = "case_id",
    activity_col: str = "step",
    task_col: str = "task",
    tz: str | None = None,
    min_group_size: int | None = DEFAULT_MIN_GROUP_SIZE,
    min_cell_people: int = DEFAULT_MIN_CELL_PEOPLE,
    ledger: ReleaseLedger | str | PathLike[str] | None = None,
) -> LinkResult:
    """Join desktop task instances to the cases of a system event log by business keys.

    Parameters
    ----------
    tasks : pandas.DataFrame
        The tasks frame (or any frame with a case column, an activity column,
        ``timestamp`` and text columns to search).
    process_log : pandas.DataFrame or path
        A pm4py-format log (``case:concept:name``, ``concept:name``,
        ``time:timestamp``) or an ``.xes``/``.xes.gz`` file.
    keys : mapping, optional
        Key type -> regex or function (see :func:`~taskmining.export.extract_keys`);
        default :data:`~taskmining.export.keys.DEFAULT_KEYS`.
    process_key : str or mapping, optional
        Process-log column holding the key: one column for every key type
        (e.g. ``"case:concept:name"`` when cases are named by their key), or
        key type -> column. Default: a column named like the key type, or
        ``case:<key type>``. Every key type given in ``keys`` needs one (else
        :class:`ExportError`); with the default keys, types without a column
        are skipped (unless named in ``process_key``) and at least one must
        have a column.
    columns : sequence of str, optional
        Desktop columns searched (default window, element_name, value, url).
    salt : bytes or str, optional
        The recording's salt: process keys are also hashed with it to match
        hashed desktop values (``h:…``).
    granularity : {"step", "task"}, default "step"
        Desktop work as one event per unit of ``level``, or per task instance (``concept:name`` = task type).
    level : {"step", "event", "activity"}, optional
        The unit of a desktop event, the library's one default (activities where the UI shows screens, else steps).
    case_col, activity_col, task_col : str
        Case, activity and task-type columns of ``tasks`` (e.g. ``true_case``,
        ``true_step``, ``true_task`` for simulated ground truth).
    tz : str, optional
        Zone of naive timestamps (desktop and process).
    min_group_size, min_cell_people, ledger
        The team-level release policy of the exports
        (:func:`~taskmining.export.release.release_tasks`): the desktop
        side is refused over fewer than ``min_group_size`` people, and a
        desktop case holding a step or task type of fewer than
        ``min_cell_people`` people is neither linked nor in the combined log.
        ``min_group_size=None`` links every case (explicit opt-out).

    Returns
    -------
    LinkResult
        ``.log`` (combined), ``.links``, ``.evidence``; ``.write_ocel(path)``
        and ``.write_xes(path)``.

    Raises
    ------
    ExportError
        The process log lacks a join key column (named), or is empty.
    PrivacyError
        The desktop side covers fewer than ``min_group_size`` people.
    SchemaError
        Required columns are missing.

    Warns
    -----
    LinkWarning
        Fewer than a quarter of the task instances were linked: the message
        gives, per key type tried, its process column and values and in how
        many task instances it was found and matched (also ``.key_report``).

    Examples
    --------
    >>> import pandas as pd
    >>> from taskmining.export import link_to_process
    >>> t = pd.to_datetime(["2026-01-05 09:00", "2026-01-05 09:01", "2026-01-05 10:00"], utc=True)
    >>> desk = pd.DataFrame({"timestamp": t[:2], "case_id": "c1", "user": "u1",
    ...                      "step": ["Open invoice", "Enter amount"],
    ...                      "window": "INV-2026-001 - Invoice - Outlook"})
    >>> erp = pd.DataFrame({"case:concept:name": ["INV-2026-001"] * 2,
    ...                     "concept:name": ["Receive Invoice", "Post Invoice"],
    ...                     "time:timestamp": [t[0] - pd.Timedelta("1h"), t[2]]})
    >>> res = link_to_process(desk, erp, {"invoice": r"INV-\\d{4}-\\d+"},
    ...                       process_key="case:concept:name", min_group_size=None, level="step")  # opted out
    >>> res.links[["case_id", "process_case", "key", "evidence"]].values.tolist()
    [['c1', 'INV-2026-001', 'INV-2026-001', 'window']]
    >>> res.log[["concept:name", "source"]].values.tolist()
    [['Receive Invoice', 'system'], ['Open invoice', 'desktop'], ['Enter amount', 'desktop'], ['Post Invoice', 'system']]
    """
    check_choice(granularity, "granularity", ("step", "task"))
    from taskmining.export.keys import DEFAULT_KEYS
    strict = keys is not None
    keys = dict(DEFAULT_KEYS if keys is None else keys)
    if not keys:
        raise ParameterError("keys: give at least one key type")
    require_columns(tasks, [case_col, activity_col, "timestamp"], what="link_to_process")
    process = _process_frame(process_log, tz)
    level = check_level(resolve_level(level, tasks), ("event", "step", "activity"),  # type: ignore[assignment]
                        what="link_to_process")
    tasks = release_tasks(tasks, min_group_size=min_group_size, min_cell_people=min_cell_people, ledger=ledger,
                          level=level, case_col=case_col, activity_col=activity_col, task_col=task_col,
                          what="link_to_process")
    key_columns = _key_columns(process, list(keys), process_key, strict=strict)
    keys = {k: keys[k] for k in key_columns}
    process_keys = _process_keys(process, key_columns, salt)
    evidence, found, hashed = _evidence(tasks, keys, process_keys, columns, case_col, salt)

    desktop = pm4py_log(tasks, level=level, case_col=case_col, activity_col=activity_col, task_col=task_col,
                        tz=tz, what="link_to_process")
    spans = desktop.groupby(CASE, sort=True, observed=True).agg(start=(START, "min"), end=(TIME, "max"))
    process_spans = process.groupby(CASE, sort=False, observed=True).agg(
        start=(START if START in process.columns else TIME, "min"), end=(TIME, "max"))
    chosen = _choose(evidence, list(keys), spans, process_spans)
    if "case:task" in desktop.columns:
        spans["task"] = desktop.groupby(CASE, sort=True, observed=True)["case:task"].first()
    links = spans.rename_axis("case_id").reset_index().merge(chosen, on="case_id", how="left")
    for col in ("n_evidence", "n_candidates"):  # numeric first: an object column of NaN (nothing linked) too
        links[col] = pd.to_numeric(links[col]).fillna(0).astype("int64")
    order = ["case_id", "process_case", "key_type", "key", "evidence", "n_evidence", "n_candidates",
             "time_gap_s", "task", "start", "end"]
    links = links[[c for c in order if c in links.columns]]
    for col in ("process_case", "key_type", "key", "evidence"):
        links[col] = as_str(links[col])

    system = process.assign(**{SOURCE: "system"})
    if START not in system.columns:
        system[START] = system[TIME]
    desktop_rows = _desktop_rows(desktop, links, granularity)
    combined = pd.concat([system, desktop_rows], ignore_index=True) if len(desktop_rows) else \
        system.reset_index(drop=True)
    for col in [c for c in process.columns if c.startswith("case:") and c != CASE]:
        first = process.groupby(CASE, sort=False, observed=True)[col].first()
        combined[col] = combined[col].fillna(combined[CASE].map(first))
    combined[START] = combined[START].fillna(combined[TIME])
    combined = combined.sort_values([CASE, TIME, START], kind="stable").reset_index(drop=True)
    combined[CASE] = as_str(combined[CASE])
    combined[ACTIVITY] = as_str(combined[ACTIVITY])
    report = key_report(found, evidence, process_keys, key_columns)
    searched = [c for c in (KEY_COLUMNS if columns is None else columns) if c in tasks.columns]
    warn_if_few_links(int(links["process_case"].notna().sum()), len(links), report, searched, hashed)
    return LinkResult(log=combined, links=links, evidence=evidence, key_columns=key_columns, key_report=report)
