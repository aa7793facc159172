"""Testing helpers: ``check_segmenter``, the conformance suite for any segmenter.

Every built-in segmenter passes it (one parametrised test runs it on every
name in :func:`taskmining.list_segmenters`), and a new algorithm should pass
it before anything else. Each check raises an ``AssertionError`` whose
message starts with ``check_segmenter[<check>] <Class>:``.

Examples
--------
>>> import pandas as pd
>>> from taskmining.segmentation import BaseSegmenter
>>> class OneCasePerSession(BaseSegmenter):
...     '''Every session is one case.'''
...     def _predict(self, steps):
...         return pd.DataFrame({"case_id": steps["session"] + "-1"})
>>> "unsorted_input" in check_segmenter(OneCasePerSession)
True
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, cast

import numpy as np
import pandas as pd
from sklearn.base import clone

from taskmining.datasets._draws import NumpyDraws
from taskmining.datasets.catalog.steps import CONFORMANCE_ROUTINES
from taskmining.errors import TaskminingError
from taskmining.schema import CASE_ID, SESSION, STRING_DTYPE, TASK
from taskmining.segmentation.apply import method_input
from taskmining.segmentation.base import BaseSegmenter
from taskmining.steps.build import build_steps, steps_table

__all__ = ["check_segmenter", "make_steps", "CHECKS"]

CHECKS: tuple[str, ...] = (
    "is_segmenter", "init_stores_params", "clone", "set_params", "fit_returns_self", "fitted_attributes",
    "predict_output", "no_mutation", "deterministic", "unsorted_input", "other_input", "empty_input",
    "one_row", "bad_input",
)

def make_steps(n_sessions: int = 2, n_cases: int = 12, seed: int = 0) -> tuple[pd.DataFrame, pd.Series]:
    """A small steps table of repeated routines with its true case per step.

    Three routine types (invoice entry, customer look-up, expense entry:
    the catalog's ``conformance`` family,
    :mod:`taskmining.datasets.catalog.steps`), rendered as events: typed
    text as key runs, copy/paste with one clipboard hash per case, short
    pauses inside cases and long ones between them; the events go through
    :func:`~taskmining.steps.build.build_steps`. Deterministic by ``seed``.

    Returns
    -------
    (steps, y)
        The steps table (with a ``true_case`` column) and the true case ids
        as a Series aligned with it.

    Examples
    --------
    >>> steps, y = make_steps(n_sessions=1, n_cases=3)
    >>> len(steps) == len(y), steps["session"].unique().tolist()
    (True, ['s1'])
    """
    rng = np.random.default_rng(seed)
    draws = NumpyDraws(rng)
    kinds = list(CONFORMANCE_ROUTINES)
    rows: list[dict[str, Any]] = []
    for s in range(n_sessions):
        t = pd.Timestamp("2026-01-05 08:00", tz="UTC") + pd.Timedelta(days=s)
        for c in range(n_cases):
            kind = kinds[int(rng.integers(len(kinds)))]
            case = f"s{s + 1}-c{c + 1}"
            clip = f"h:{rng.integers(1 << 60):016x}"  # the case's clipboard: its copies and pastes carry it
            for step, _ in CONFORMANCE_ROUTINES[kind].model.walk(draws):
                for slot in step.slots:
                    t += pd.Timedelta(seconds=float(rng.uniform(1, 6)))
                    typed = slot.kind == "type"
                    for _ in range(int(rng.integers(3, 8)) if typed else 1):
                        t += pd.Timedelta(milliseconds=int(rng.integers(80, 250)) if typed else 0)
                        rows.append({"timestamp": t, "session": f"s{s + 1}", "user": f"u{s + 1}",
                                     "action": slot.action, "app": step.app, "element_name": slot.name,
                                     "element_role": slot.role, "value": clip if slot.field else None,
                                     "window": step.window, "attrs": '{"key_class":"character"}' if typed else None,
                                     "true_case": case, "true_task": kind})
            t += pd.Timedelta(seconds=float(rng.uniform(300, 900)))
    from taskmining.schema import validate_events

    table = steps_table(build_steps(validate_events(pd.DataFrame(rows))))
    return table, table["true_case"].rename("y").astype(object)


def _same(a: Any, b: Any) -> bool:
    if a is b:
        return True
    try:
        return bool(a == b) if not isinstance(a, (np.ndarray, pd.Series, pd.DataFrame)) else repr(a) == repr(b)
    except Exception:  # noqa: BLE001 - objects without a usable ==
        return repr(a) == repr(b)


class _Sentinel:
    def __repr__(self) -> str:
        return "<sentinel>"


def _constructor_params(cls: Any) -> list[str]:
    init = getattr(cls.__init__, "deprecated_original", cls.__init__)
    if init is object.__init__:
        return []  # no __init__ of its own: no parameters
    sig = inspect.signature(init)
    names = []
    for p in list(sig.parameters.values())[1:]:
        assert p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD), \
            f"__init__ takes *{p.name}/**{p.name}: parameters must be explicit keywords (scikit-learn contract)"
        assert p.default is not p.empty, f"parameter {p.name!r} has no default value"
        names.append(p.name)
    return names


def _with_state(est: BaseSegmenter, random_state: int) -> BaseSegmenter:
    est = clone(est)
    if "random_state" in est.get_params(deep=False):
        est.set_params(random_state=random_state)
    return est


def _fit(est: BaseSegmenter, steps: pd.DataFrame, y: pd.Series | None) -> Any:
    return est.fit(steps, y) if getattr(est, "requires_labels", False) else est.fit(steps)


def check_segmenter(segmenter: type[BaseSegmenter] | BaseSegmenter, steps: pd.DataFrame | None = None,
                    y: Any = None, *, random_state: int = 0) -> list[str]:
    """Run the conformance suite on a segmenter class or instance.

    Parameters
    ----------
    segmenter : BaseSegmenter subclass or instance
        Classes are built with their default parameters.
    steps : pandas.DataFrame, optional
        A steps table to run on; default :func:`make_steps` (two sessions
        of repeated routines). Ground-truth columns are removed before the
        segmenter sees it.
    y : array-like, optional
        True case id per step, for segmenters with ``requires_labels``;
        default the ``true_case`` column of ``steps``.
    random_state : int
        Used for ``random_state`` parameters in the determinism check.

    Returns
    -------
    list of str
        The names of the checks that passed (all of :data:`CHECKS`).

    Raises
    ------
    AssertionError
        ``check_segmenter[<check>] <Class>: <what is wrong>`` at the first failure.

    Examples
    --------
    >>> from taskmining.segmentation.idle_gap import IdleGapSegmenter
    >>> len(check_segmenter(IdleGapSegmenter)) == len(CHECKS)
    True
    """
    cls: Any = segmenter if isinstance(segmenter, type) else type(segmenter)
    name = getattr(cls, "__name__", repr(cls))
    if steps is None:
        steps, default_y = make_steps()
        y = default_y if y is None else y
    elif y is None and "true_case" in steps.columns:
        y = steps["true_case"]
    if y is not None:
        y = pd.Series(np.asarray(y, dtype=object), index=steps.index)
    data = method_input(steps)
    passed: list[str] = []

    def check(label: str, fn: Callable[[], Any]) -> Any:
        try:
            result = fn()
        except AssertionError as exc:
            raise AssertionError(f"check_segmenter[{label}] {name}: {exc}") from None
        passed.append(label)
        return result

    def is_segmenter() -> None:
        assert isinstance(cls, type) and issubclass(cls, BaseSegmenter), "not a BaseSegmenter subclass"
        assert not (cls.requires_labels and y is None), "requires_labels but no y (true case ids) was given"

    check("is_segmenter", is_segmenter)

    def init_stores_params() -> BaseSegmenter:
        names = _constructor_params(cls)
        proto = cast(BaseSegmenter, segmenter if isinstance(segmenter, BaseSegmenter) else cls())
        params = proto.get_params(deep=False)
        assert sorted(params) == sorted(names), f"get_params() gives {sorted(params)}, __init__ takes {sorted(names)}"
        if not isinstance(segmenter, BaseSegmenter):
            sig = inspect.signature(cls.__init__).parameters if names else {}
            for p in names:
                assert _same(params[p], sig[p].default), \
                    f"__init__ changed parameter {p!r}: default {sig[p].default!r}, stored {params[p]!r}"
        marks = {p: _Sentinel() for p in names}
        try:
            odd = cls(**marks)
        except Exception as exc:  # noqa: BLE001 - any exception here breaks the contract
            raise AssertionError(f"__init__ validates or transforms its parameters ({type(exc).__name__}: {exc}); "
                                 "store them unchanged and check them in fit/predict") from None
        for p, mark in marks.items():
            assert odd.get_params(deep=False)[p] is mark, f"__init__ does not store parameter {p!r} unchanged"
        extra = sorted(set(vars(odd)) - set(names))
        assert not extra, f"__init__ sets attributes that are not parameters: {extra}"
        return proto

    proto = check("init_stores_params", init_stores_params)
    params = proto.get_params(deep=False)

    def clone_check() -> None:
        twin = clone(proto)
        assert type(twin) is cls, f"clone gives {type(twin).__name__}"
        for p, v in twin.get_params(deep=False).items():
            assert _same(v, params[p]) or type(v) is type(params[p]), f"clone changed parameter {p!r}"

    check("clone", clone_check)

    def set_params() -> None:
        twin = clone(proto)
        assert twin.set_params(**params) is twin, "set_params does not return self"
        assert sorted(twin.get_params(deep=False)) == sorted(params), "set_params changed the parameter names"

    check("set_params", set_params)
    before = data.copy(deep=True)
    y_before = None if y is None else y.copy()

    def fit_returns_self() -> BaseSegmenter:
        est = _with_state(proto, random_state)
        result = _fit(est, data, y)
        assert result is est, f"fit returned {type(result).__name__}, not self"
        return est

    est = check("fit_returns_self", fit_returns_self)

    def fitted_attributes() -> None:
        new = [a for a in vars(est) if a not in params and not a.startswith("_")]
        wrong = [a for a in new if not a.endswith("_")]
        assert not wrong, f"fit set attributes without a trailing underscore: {wrong}"

    check("fitted_attributes", fitted_attributes)

    def predict_output() -> pd.DataFrame:
        out = est.predict(data)
        assert isinstance(out, pd.DataFrame), f"predict returned {type(out).__name__}"
        assert len(out) == len(data) and out.index.equals(data.index), "predict output is not aligned with the input"
        for c in (CASE_ID, TASK):
            assert c in out.columns, f"predict output lacks {c!r}"
            assert out[c].dtype == STRING_DTYPE, f"{c!r} has dtype {out[c].dtype}, not str"
        if getattr(cls, "types_tasks", False):
            typed = out[TASK].notna() | out[CASE_ID].isna()
            assert typed.all(), f"types_tasks is set but {int((~typed).sum())} steps in a case have no task"
        pairs = pd.DataFrame({"c": out[CASE_ID], "s": data[SESSION]}).dropna()
        sessions = pairs.groupby("c", observed=True)["s"].nunique()
        assert (sessions <= 1).all(), f"case ids shared across sessions: {list(sessions[sessions > 1].index[:3])}"
        return out

    out = check("predict_output", predict_output)

    def no_mutation() -> None:
        try:
            pd.testing.assert_frame_equal(data, before)
        except AssertionError as exc:
            raise AssertionError(f"fit/predict modified the input steps: {exc}") from None
        if y is not None:
            assert y.equals(y_before), "fit modified y"

    check("no_mutation", no_mutation)

    def deterministic() -> None:
        again = _fit(_with_state(proto, random_state), data, y).predict(data)
        try:
            pd.testing.assert_frame_equal(again, out)
        except AssertionError as exc:
            raise AssertionError(f"two fits with random_state={random_state} disagree: {exc}") from None

    check("deterministic", deterministic)

    def unsorted_input() -> None:
        perm = np.random.default_rng(random_state).permutation(len(data))
        shuffled = data.iloc[perm]
        sy = None if y is None else y.iloc[perm]
        res = _fit(_with_state(proto, random_state), shuffled, sy).predict(shuffled)
        assert res.index.equals(shuffled.index), "output not aligned with shuffled input"
        mismatch = (res.loc[data.index, CASE_ID].fillna("<none>") != out[CASE_ID].fillna("<none>")).sum()
        assert mismatch == 0, f"{mismatch} steps get another case id when the input rows are shuffled"

    check("unsorted_input", unsorted_input)

    def other_input() -> None:
        last = data[SESSION].iloc[-1]
        part = data[data[SESSION] == last]
        res = est.predict(part)
        assert len(res) == len(part) and res.index.equals(part.index), "output not aligned on a subset of steps"

    check("other_input", other_input)

    def small(rows: pd.DataFrame, label: str) -> None:
        res = est.predict(rows)
        assert len(res) == len(rows) and list(res.columns[:2]) == [CASE_ID, TASK], f"bad output on {label} input"
        fresh = _with_state(proto, random_state)
        try:
            _fit(fresh, rows, None if y is None else y.loc[rows.index])
        except TaskminingError:
            return  # a clear error is defined behaviour for fitting on too little data
        except Exception as exc:  # noqa: BLE001
            raise AssertionError(f"fit on {label} input raised {type(exc).__name__}: {exc} "
                                 "(expected a TaskminingError or success)") from None
        try:
            res = fresh.predict(rows)
        except Exception as exc:  # noqa: BLE001
            raise AssertionError(f"predict on {label} input raised {type(exc).__name__}: {exc}") from None
        assert len(res) == len(rows), f"bad output length on {label} input"

    check("empty_input", lambda: small(data.iloc[:0], "empty"))
    check("one_row", lambda: small(data.iloc[:1], "one-row"))

    def bad_input() -> None:
        try:
            est.predict(data.drop(columns=["step"]))
        except TaskminingError:
            return
        except Exception as exc:  # noqa: BLE001
            raise AssertionError(f"a steps table without 'step' raised {type(exc).__name__}, "
                                 "not a TaskminingError") from None
        raise AssertionError("a steps table without 'step' was accepted")

    check("bad_input", bad_input)
    return passed
