"""``segment(events, method="auto", params=..., step_options=...)``: events in, events with cases out.

The one-call path from an events frame to the tasks frame of docs/schema.md:
build steps when the frame has none, make the steps table, hide every
ground-truth column from the method, run the segmenter, and map ``case_id``
and ``task`` back to every event.

Examples
--------
>>> import pandas as pd
>>> ev = pd.DataFrame({"session": ["s"] * 4, "app": ["erp"] * 4, "action": ["click"] * 4,
...                    "element_name": ["New", "Save", "New", "Save"],
...                    "caseID": ["1", "1", "2", "2"],
...                    "timestamp": pd.to_datetime(["2026-01-05 09:00", "2026-01-05 09:01",
...                                                 "2026-01-05 09:02", "2026-01-05 09:03"], utc=True)})
>>> out = segment(ev, method="delimiter", start="'New'")
>>> out[["step", "case_id"]].values.tolist()
[["Click 'New' in Erp", 's-1'], ["Click 'Save' in Erp", 's-1'], ["Click 'New' in Erp", 's-2'], ["Click 'Save' in Erp", 's-2']]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from sklearn.base import clone

from taskmining._progress import Stages
from taskmining.abstraction.naming import rename_task_types
from taskmining.errors import ParameterError, SegmentationError, TaskminingError
from taskmining.schema import (
    ATTRS,
    CASE_ID,
    GROUND_TRUTH_ATTR_MEMBER,
    STEP,
    STEP_ID,
    TASK,
    categorical_from_codes,
)
from taskmining.segmentation.auto import NOISE, UNTYPED
from taskmining.segmentation.base import BaseSegmenter
from taskmining.segmentation.registry import segmenter as make_segmenter
from taskmining.steps.build import (
    build_steps,
    ground_truth_columns,
    steps_table,
)

__all__ = ["STEP_OPTIONS", "hide_truth_attrs", "segment", "method_input", "resolve_method", "split_options"]


def method_input(table: pd.DataFrame) -> pd.DataFrame:
    """The steps table as a segmenter may see it: no ground truth, no earlier cases.

    Drops ``case_id``, ``task`` and every column :func:`~taskmining.steps.ground_truth_columns`
    names (``caseID``, ``true_*``, ``case:concept:name`` ...).

    Examples
    --------
    >>> import pandas as pd
    >>> method_input(pd.DataFrame(columns=["step", "caseID", "true_task", "case_id", "app"])).columns.tolist()
    ['step', 'app']
    """
    hidden = [c for c in table.columns if c in (CASE_ID, TASK)] + ground_truth_columns(table.columns)
    return table.drop(columns=hidden)


def hide_truth_attrs(events: pd.DataFrame) -> pd.DataFrame:
    """``events`` with ground-truth members removed from ``attrs`` (readers keep unknown columns there).

    A ``Task`` or ``caseID`` column a reader did not map sits inside the
    ``attrs`` text; step rules that compare ``attrs`` (exact duplicates) would
    otherwise see it. The caller's frame is not changed.

    Examples
    --------
    >>> import pandas as pd
    >>> ev = pd.DataFrame({"attrs": ['{"x":"1","Task":"copy","true_case":"c7"}', '{"Task":"a"}', None]})
    >>> hide_truth_attrs(ev)["attrs"].tolist()[:2]
    ['{"x":"1"}', '{}']
    """
    if ATTRS not in events.columns or len(events) == 0:
        return events
    member = GROUND_TRUTH_ATTR_MEMBER
    text = pa.array(events[ATTRS].astype(object).to_numpy(dtype=object), type=pa.large_string(), from_pandas=True)
    hit = pc.fill_null(pc.match_substring_regex(text, member), False)
    if not pc.any(hit).as_py():
        return events
    rows = np.flatnonzero(hit.to_numpy(zero_copy_only=False))
    sub = text.take(pa.array(rows))
    for pattern in (r"," + member, member + r"\s*,?"):
        sub = pc.replace_substring_regex(sub, pattern, "")
    cleaned = events[ATTRS].copy()
    cleaned.iloc[rows] = sub.to_numpy(zero_copy_only=False)
    return events.assign(**{ATTRS: cleaned})


def resolve_method(method: Any, params: dict[str, Any]) -> BaseSegmenter:
    """A segmenter from a registered name, a class or an instance (with ``params``).

    Instances are cloned when not fitted (the caller's object is never
    fitted behind its back) and used as they are when fitted.

    Examples
    --------
    >>> resolve_method("idle_gap", {"gap": "2min"}).gap
    '2min'
    """
    if isinstance(method, str):
        return make_segmenter(method, **params)
    if isinstance(method, type) and issubclass(method, BaseSegmenter):
        try:
            return method(**params)
        except TypeError as exc:
            raise ParameterError(f"method={method.__name__}: {exc}") from None
    if isinstance(method, BaseSegmenter):
        fitted = getattr(method, "is_fitted_", False)
        if fitted and params:
            raise ParameterError(f"params {sorted(params)} cannot be changed on a fitted {type(method).__name__}; "
                                 "set them before fitting")
        est = method if fitted else clone(method)
        if params:
            try:
                est.set_params(**params)
            except ValueError as exc:
                raise ParameterError(f"method={type(method).__name__}: {exc}") from None
        return est
    raise ParameterError(f"method must be a segmenter name, a BaseSegmenter subclass or instance; got {method!r}")


#: the keywords of :func:`~taskmining.build_steps` that ``step_options`` may hold
STEP_OPTIONS: tuple[str, ...] = ("detail", "idle_gap")


def split_options(params: Mapping[str, Any] | None, step_options: Mapping[str, Any] | None,
                  keywords: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The segmenter parameters and the step-building options of a call, checked.

    ``keywords`` are segmenter parameters given as keywords (a shorthand for
    ``params=``); a key given twice, or a step option outside
    :data:`STEP_OPTIONS`, is a :class:`ParameterError`.

    Examples
    --------
    >>> split_options({"gap": "5min"}, {"detail": "role"}, {})
    ({'gap': '5min'}, {'detail': 'role'})
    >>> split_options(None, {"level": "role"}, {})
    Traceback (most recent call last):
    ...
    taskmining.errors.ParameterError: step_options: unknown option(s) ['level']; build_steps takes detail, idle_gap
    """
    both = sorted(set(params or {}) & set(keywords))
    if both:
        raise ParameterError(f"segmenter parameter(s) {both} given both in params= and as keywords")
    options = dict(step_options or {})
    unknown = sorted(set(options) - set(STEP_OPTIONS))
    if unknown:
        raise ParameterError(f"step_options: unknown option(s) {unknown}; build_steps takes {', '.join(STEP_OPTIONS)}")
    return {**(params or {}), **keywords}, options


def _resolve_with_hint(method: Any, params: dict[str, Any]) -> BaseSegmenter:
    try:
        return resolve_method(method, params)
    except ParameterError as exc:
        misplaced = sorted(set(params) & {*STEP_OPTIONS, "level"})
        if not misplaced:
            raise
        name = "detail" if misplaced[0] == "level" else misplaced[0]
        raise ParameterError(f"{exc}; {misplaced[0]!r} is not a segmenter parameter: label detail and "
                             f"step building are set with step_options={{{name!r}: ...}}") from None


def segment(events: pd.DataFrame, method: Any = "auto", *, params: Mapping[str, Any] | None = None,
            step_options: Mapping[str, Any] | None = None, progress: bool | None = None,
            names: bool = True, **keywords: Any) -> pd.DataFrame:
    """Cut ``events`` into task instances (``case_id``) and task types (``task``).

    Parameters
    ----------
    events : pandas.DataFrame
        An events frame. Steps are built with :func:`~taskmining.build_steps`
        (with ``step_options``) unless the frame has ``step_id`` and ``step``.
        Not modified.
    method : str, BaseSegmenter subclass or instance, default "auto"
        A name from :func:`~taskmining.list_segmenters`, a class, or an
        instance (used as is when fitted, e.g. a trained
        ``supervised_boundaries``; cloned and fitted otherwise).
    params : mapping, optional
        Parameters of the segmenter (``{"gap": "5min"}`` for ``idle_gap`` ...).
    step_options : mapping, optional
        Keywords of :func:`~taskmining.build_steps` (``detail``, ``idle_gap``).
    progress : bool or None, default None
        A progress bar over the stages (steps, the method, cases) on stderr:
        None shows it in a terminal or notebook when the call takes over a
        second, True always, False never.
    names : bool, default True
        Name task types from their business object, characteristic activity
        and applications (:func:`~taskmining.abstraction.naming.task_names`,
        e.g. ``Supplier invoice entry (Outlook → Chrome)``), whatever the
        method called them; ``False`` keeps the method's own names.
        ``(noise)`` and ``(untyped task)`` keep theirs.
    **keywords
        Segmenter parameters given as keywords, a shorthand for ``params``
        (``segment(events, "idle_gap", gap="5min")``).

    Returns
    -------
    pandas.DataFrame
        A copy of ``events`` (same index and row order) with ``step_id``,
        ``step``, ``case_id`` (str, missing outside tasks) and ``task`` (str,
        missing when the method does not type cases). Earlier ``case_id`` /
        ``task`` columns are replaced. ``attrs["taskmining"]["segmenter"]``
        names the method and its parameters, the share of rows left without
        a case (``unassigned``) and, for ``auto``, why it chose (``reason``).

    Raises
    ------
    ParameterError
        Unknown method name, parameter or step option.
    SegmentationError
        The method failed on these steps.

    Notes
    -----
    Ground truth never reaches the method: the steps table it sees has no
    ``caseID``, ``true_*``, ``case:*`` ... columns (see :func:`method_input`).
    Empty input gives an empty frame with the four columns.

    Examples
    --------
    >>> import pandas as pd
    >>> ev = pd.DataFrame({"session": ["s", "s"], "action": ["click", "click"],
    ...                    "timestamp": pd.to_datetime(["2026-01-05 09:00", "2026-01-05 11:00"], utc=True)})
    >>> segment(ev, method="idle_gap", params={"gap": "1h"})["case_id"].tolist()
    ['s-1', 's-2']
    >>> segment(ev, method="idle_gap", gap="1h", step_options={"detail": "app"})["step"].tolist()
    ['Click', 'Click']
    >>> segment(ev, method="nope")
    Traceback (most recent call last):
    ...
    taskmining.errors.ParameterError: unknown segmenter 'nope'; known: ...
    """
    params, options = split_options(params, step_options, keywords)
    est = _resolve_with_hint(method, params)
    has_steps = STEP_ID in getattr(events, "columns", ()) and STEP in events.columns
    base = events.drop(columns=[c for c in (CASE_ID, TASK) if c in events.columns]) \
        if isinstance(events, pd.DataFrame) else events
    name = method if isinstance(method, str) else type(est).__name__
    with Stages(["steps", name, "cases"], enabled=progress, desc="segment") as bar:
        # steps are built and tabled without the ground truth that readers keep in attrs
        hidden = hide_truth_attrs(base) if isinstance(base, pd.DataFrame) else base
        built = hidden.copy(deep=False) if has_steps else build_steps(hidden, **options)
        table = steps_table(built)
        with_steps = base.copy(deep=False)
        if not has_steps:
            with_steps[STEP_ID], with_steps[STEP] = built[STEP_ID], built[STEP]
        seen = method_input(table)
        bar.next()
        result = _run_method(est, seen, name)
        bar.next()
        out = _with_cases(with_steps, table, result)
        if names:  # every method's types named alike (not from step labels): abstraction.naming
            out = rename_task_types(out, keep=(NOISE, UNTYPED))
        bar.next()
    meta = dict(out.attrs.get("taskmining", {})) if isinstance(out.attrs.get("taskmining"), dict) else {}
    meta["segmenter"] = {"method": name, "params": {k: repr(v) for k, v in est.get_params(deep=False).items()},
                         "unassigned": float(out[CASE_ID].isna().mean()) if len(out) else 0.0}
    if hasattr(est, "reason_"):
        meta["segmenter"]["reason"] = str(est.reason_)
    out.attrs = {**out.attrs, "taskmining": meta}
    return out


def _run_method(est: BaseSegmenter, seen: pd.DataFrame, name: str) -> pd.DataFrame:
    """Fit (unless fitted) and predict; a third-party algorithm's bug becomes a SegmentationError."""
    if len(seen) == 0:
        return pd.DataFrame({CASE_ID: pd.Series([], dtype=object), TASK: pd.Series([], dtype=object)})
    try:
        if getattr(est, "is_fitted_", False):
            return est.predict(seen)
        return est.fit(seen).predict(seen)
    except TaskminingError:
        raise
    except Exception as exc:  # noqa: BLE001 - a third-party algorithm's bug, reported with its name
        raise SegmentationError(f"segmenter {name!r} failed on {len(seen)} steps: "
                                f"{type(exc).__name__}: {exc}") from exc


def _with_cases(with_steps: pd.DataFrame, table: pd.DataFrame, result: pd.DataFrame) -> pd.DataFrame:
    """``case_id`` and ``task`` of every step spread to its events (``with_steps`` gets the columns)."""
    position = pd.Index(table[STEP_ID].to_numpy()).get_indexer(with_steps[STEP_ID].to_numpy())
    out = with_steps
    for col in (CASE_ID, TASK):  # factorised per step, then spread to the events
        codes, labels = pd.factorize(result[col].astype(object), use_na_sentinel=True)
        labels = np.array([str(v) for v in labels], dtype=object)
        out[col] = pd.Series(categorical_from_codes(labels, codes[position] if len(position) else codes[:0], used_only=True),
                             index=out.index)
    return out
