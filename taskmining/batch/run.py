"""Batch work over many recordings, partition by partition: ``map_partitions`` and friends.

Per-session work is independent, so a large input (a recording folder of a
whole team, a hive-partitioned Parquet dataset) is processed one partition
at a time (:func:`~taskmining.batch.discover.partitions`): read the
partition, apply a function, and concatenate the results or write one
Parquet file per partition. Serially, in worker processes, or on Dask.
A partition that fails is reported in a failures table, never lost silently.

Examples
--------
>>> import tempfile, taskmining as tm
>>> rec = tempfile.mkdtemp()
>>> _ = tm.simulate(n_users=2, hours=0.2, path=rec)
>>> sizes = map_partitions(rec, count_rows, progress=False)
>>> sizes["rows"].gt(0).all(), len(sizes)
(np.True_, 2)
"""

from __future__ import annotations

import os
import pickle
import types
import warnings
from collections.abc import Callable, Iterable
from itertools import pairwise
from os import PathLike
from pathlib import Path
from typing import Any, cast

import numpy as np
import pandas as pd
from pandas.api.types import union_categoricals

from taskmining._progress import progress as progress_bar
from taskmining.batch.discover import BY, Partition, partitions
from taskmining.errors import ExportError, ParameterError, TaskminingError
from taskmining.schema import STEP_ID

__all__ = [
    "BatchWarning",
    "Partition",
    "batch_failures",
    "count_rows",
    "map_partitions",
    "partitions",
    "segment_partitions",
]

Source = str | PathLike[str] | Iterable[str | PathLike[str]] | list[Partition]
BACKENDS = ("serial", "processes", "dask")
_ERRORS = ("quarantine", "raise")
_REPORT = ("partition", "by", "status", "rows", "quarantined", "path", "error", "message")


class BatchWarning(UserWarning):
    """Some partitions failed (their count and first error in the message; details in the failures table)."""


def count_rows(events: pd.DataFrame) -> pd.DataFrame:
    """One row per session with its event count (a small example function for batches).

    Examples
    --------
    >>> import pandas as pd
    >>> count_rows(pd.DataFrame({"session": ["a", "a", "b"]}))["rows"].tolist()
    [2, 1]
    """
    counts = events.groupby("session", observed=True, sort=True).size()
    return pd.DataFrame({"session": counts.index.astype(str), "rows": counts.to_numpy()})


def _run_one(part: Partition, func: Callable[[pd.DataFrame], Any] | bytes, read: dict[str, Any],
             out: str | None, index: int, keep_exc: bool = False,
             ) -> tuple[dict[str, Any], pd.DataFrame | None, pd.DataFrame]:
    """Read, apply, (write): the report row, the result (None when written or failed), the quarantine.

    ``keep_exc`` keeps the exception object in the row (``_exc``, in-process backends only) so that
    ``errors="raise"`` chains it.
    """
    row: dict[str, Any] = {"partition": part.key, "by": part.by, "status": "ok", "rows": 0, "quarantined": 0,
                           "path": None, "error": None, "message": None}
    quarantine = pd.DataFrame()
    try:
        fn = pickle.loads(func) if isinstance(func, bytes) else func
        events, quarantine = cast(tuple[pd.DataFrame, pd.DataFrame], part.read(**read, return_quarantine=True))
        row["quarantined"] = len(quarantine)
        result = fn(events)
        if result is None:
            result = pd.DataFrame()
        if not isinstance(result, pd.DataFrame):
            raise TypeError(f"func returned {type(result).__name__}, not a DataFrame")
        row["rows"] = len(result)
        if out is not None:
            target = Path(out) / f"part-{index:06d}.parquet"
            try:
                result.assign(partition=part.key).to_parquet(target, index=False)
            except (OSError, ValueError, TypeError) as exc:
                raise ExportError(f"{target}: cannot write the result of partition {part.key!r}: {exc}") from exc
            row["path"] = str(target)
            result = None
        return row, result, quarantine
    except Exception as exc:  # noqa: BLE001 - any failure of one partition is reported, not fatal
        row.update(status="failed", error=type(exc).__name__, message=str(exc).splitlines()[0] if str(exc) else "")
        if keep_exc:
            row["_exc"] = exc
        return row, None, quarantine


def _picklable(func: Callable[..., Any]) -> bytes:
    try:
        return pickle.dumps(func)
    except (pickle.PicklingError, AttributeError, TypeError):
        pass
    try:
        import cloudpickle
    except ImportError:
        raise ParameterError("func cannot be pickled for backend='processes': use a module-level function "
                             "or functools.partial (lambdas and closures need cloudpickle: "
                             "pip install taskmining[dask])") from None
    return bytes(cloudpickle.dumps(func))


def _run_serial(parts: list[Partition], func: Any, read: dict[str, Any], out: str | None, show: bool,
                stop: bool) -> list[tuple[dict[str, Any], pd.DataFrame | None, pd.DataFrame]]:
    runs = []
    for i, p in enumerate(progress_bar(parts, enabled=show, desc="partitions", total=len(parts))):
        runs.append(_run_one(p, func, read, out, i, keep_exc=True))
        if stop and runs[-1][0]["status"] == "failed":
            break
    return runs


def _run_processes(parts: list[Partition], func: Any, read: dict[str, Any], out: str | None, show: bool,
                   n_jobs: int | None, stop: bool) -> list[tuple[dict[str, Any], pd.DataFrame | None, pd.DataFrame]]:
    from concurrent.futures import ProcessPoolExecutor, as_completed

    payload = _picklable(func)
    results: list[Any] = [None] * len(parts)
    with ProcessPoolExecutor(max_workers=n_jobs) as pool:
        futures = {pool.submit(_run_one, p, payload, read, out, i): i for i, p in enumerate(parts)}
        for fut in progress_bar(as_completed(futures), enabled=show, desc="partitions", total=len(parts)):
            results[futures[fut]] = fut.result()
            if stop and results[futures[fut]][0]["status"] == "failed":
                pool.shutdown(wait=True, cancel_futures=True)  # the raise reports the first failure in order
                break
    done = [r for r in results if r is not None]
    return done


def _run_dask(parts: list[Partition], func: Any, read: dict[str, Any], out: str | None, n_jobs: int | None,
              scheduler: str | None) -> list[tuple[dict[str, Any], pd.DataFrame | None, pd.DataFrame]]:
    try:
        import dask
    except ImportError:
        raise ParameterError("backend='dask' needs Dask: pip install taskmining[dask]") from None
    tasks = [dask.delayed(_run_one)(p, func, read, out, i) for i, p in enumerate(parts)]
    kwargs: dict[str, Any] = {}
    if scheduler is not None:
        kwargs["scheduler"] = scheduler
    if n_jobs is not None:
        kwargs["num_workers"] = n_jobs
    return list(dask.compute(*tasks, **kwargs))


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    frames = [f for f in frames if len(f.columns)]
    if not frames:
        return pd.DataFrame()
    if len(frames) == 1:
        return frames[0].reset_index(drop=True)
    cats = {}
    for c in frames[0].columns:
        if all(c in f.columns and isinstance(f[c].dtype, pd.CategoricalDtype) for f in frames):
            cats[c] = union_categoricals([f[c] for f in frames], sort_categories=True)
    for f in frames:
        f.attrs = {}
    out = pd.concat(frames, ignore_index=True)
    for c, values in cats.items():
        out[c] = pd.Series(values, index=out.index)
    return out


def batch_failures(result: pd.DataFrame) -> pd.DataFrame:
    """The failures table of a :func:`map_partitions` result: partition, by, error, message.

    Examples
    --------
    >>> batch_failures(pd.DataFrame()).columns.tolist()
    ['partition', 'by', 'error', 'message']
    """
    rows = result.attrs.get("taskmining", {}).get("batch", {}).get("failures", [])
    return pd.DataFrame(rows, columns=["partition", "by", "error", "message"])


def map_partitions(source: Source, func: Callable[[pd.DataFrame], pd.DataFrame], *, by: str = "session",
                   format: str = "auto", tz: str | None = None, key: bytes | None = None,
                   backend: str = "serial", n_jobs: int | None = None, errors: str = "quarantine",
                   out: str | PathLike[str] | None = None, progress: bool = True,
                   scheduler: str | None = None) -> pd.DataFrame:
    """Apply ``func`` to the events of every partition of ``source`` and collect the results.

    Parameters
    ----------
    source : path, glob, folder, list of them, or list of Partition
        Anything :func:`partitions` takes (or its result).
    func : callable
        ``func(events) -> DataFrame`` on one partition's events frame, e.g.
        ``tm.segment``. Must be picklable for ``backend="processes"``
        (lambdas work when cloudpickle is installed).
    by : {"session", "user", "file"}
        Partition kind (see :func:`partitions`).
    format, tz, key
        Passed to :func:`~taskmining.read_events` for every partition; bad
        records are quarantined and counted per partition.
    backend : {"serial", "processes", "dask"}
        One process; a :class:`concurrent.futures.ProcessPoolExecutor` with
        ``n_jobs`` workers; or ``dask.delayed`` tasks computed by Dask's
        ``scheduler`` (default: Dask's own, or an active distributed client).
    n_jobs : int, optional
        Worker count (default: one per CPU).
    errors : {"quarantine", "raise"}
        A failing partition is recorded in the failures table and a
        :class:`BatchWarning` gives the count (default), or re-raised naming
        the partition (no further partitions are started; with
        ``backend="processes"`` the first failure among those that ran, in
        partition order).
    out : path, optional
        Write each partition's result to ``out/part-NNNNNN.parquet`` (with a
        ``partition`` column) instead of keeping it in memory; then the
        return value is the per-partition report.
    progress : bool
        A progress bar over partitions (serial and processes backends).
    scheduler : str, optional
        Dask scheduler name (``"threads"``, ``"processes"``, ``"synchronous"``).

    Returns
    -------
    pandas.DataFrame
        The results concatenated in partition order (categoricals unified),
        or with ``out=`` the report: one row per partition with ``partition``,
        ``by``, ``status`` (ok/failed), ``rows``, ``quarantined``, ``path``,
        ``error``, ``message``. Either way ``attrs["taskmining"]["batch"]``
        holds ``partitions``, ``failed``, ``quarantined`` and ``failures``
        (see :func:`batch_failures`).

    Raises
    ------
    ParameterError
        Unknown ``backend``, ``errors`` or ``by``; Dask missing.
    TaskminingError
        With ``errors="raise"``: the first failing partition (in partition
        order), its key in the message; the same class as the original when
        that was a TaskminingError.

    Examples
    --------
    >>> import tempfile, taskmining as tm
    >>> rec = tempfile.mkdtemp()
    >>> _ = tm.simulate(n_users=2, hours=0.2, path=rec)
    >>> tasks = map_partitions(rec, tm.segment, progress=False)
    >>> tasks["session"].nunique(), batch_failures(tasks).empty
    (2, True)
    >>> map_partitions(rec, len, progress=False, errors="raise")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    taskmining.errors.TaskminingError: partition 'ws01-...': TypeError: func returned int, not a DataFrame
    """
    if backend not in BACKENDS:
        raise ParameterError(f"backend={backend!r}: use one of " + ", ".join(map(repr, BACKENDS)))
    if errors not in _ERRORS:
        raise ParameterError(f"errors={errors!r}: use one of 'quarantine', 'raise'")
    if by not in BY:
        raise ParameterError(f"by={by!r}: use one of " + ", ".join(map(repr, BY)))
    if n_jobs is not None and (isinstance(n_jobs, bool) or not isinstance(n_jobs, int) or n_jobs < 1):
        raise ParameterError(f"n_jobs={n_jobs!r}: expected a positive integer")
    if not callable(func):
        raise ParameterError(f"func={func!r} is not callable")
    if isinstance(func, types.ModuleType):  # ``tm.segment``: a callable package, pickled as its function
        func = getattr(func, func.__name__.rsplit(".", 1)[-1], func)
    is_parts = isinstance(source, list) and source and all(isinstance(p, Partition) for p in source)
    parts: list[Partition] = list(source) if is_parts else partitions(source, by=by, format=format)  # type: ignore[arg-type]
    out_dir = None
    if out is not None:
        out_dir = str(out)
        try:
            os.makedirs(out_dir, exist_ok=True)
        except OSError as exc:
            raise ExportError(f"{out_dir}: cannot create the output folder ({exc})") from None
    read = {"tz": tz, "key": key}
    if backend == "serial":
        runs = _run_serial(parts, func, read, out_dir, progress, errors == "raise")
    elif backend == "processes":
        runs = _run_processes(parts, func, read, out_dir, progress, n_jobs, errors == "raise")
    else:
        runs = _run_dask(parts, func, read, out_dir, n_jobs, scheduler)
    return _collect(runs, errors, out_dir)


def _reraise(row: dict[str, Any]) -> None:
    """Raise the failure of ``row`` again (workers send back its class name and message, not the object)."""
    import taskmining.errors as errs

    cls = getattr(errs, row["error"], None)
    cause = row.get("_exc")
    if isinstance(cls, type) and issubclass(cls, TaskminingError):
        raise cls(f"partition {row['partition']!r}: {row['message']}") from cause
    raise TaskminingError(f"partition {row['partition']!r}: {row['error']}: {row['message']}") from cause


def _collect(runs: list[tuple[dict[str, Any], pd.DataFrame | None, pd.DataFrame]], errors: str,
             out_dir: str | None) -> pd.DataFrame:
    rows = [r for r, _, _ in runs]
    failed = [r for r in rows if r["status"] == "failed"]
    if failed and errors == "raise":
        _reraise(failed[0])
    quarantine = _concat([q for _, _, q in runs if len(q)])
    if len(quarantine):
        quarantine = quarantine.drop_duplicates(subset=[c for c in ("file", "line", "reason")
                                                        if c in quarantine.columns])
    failures = [{k: r[k] for k in ("partition", "by", "error", "message")} for r in failed]
    info = {"partitions": len(rows), "failed": len(failed), "quarantined": len(quarantine), "failures": failures,
            "sizes": [int(r["rows"]) for r in rows if r["status"] == "ok"]}
    if failed:
        first = failed[0]
        warnings.warn(f"{len(failed)} of {len(rows)} partitions failed (first: {first['partition']!r}: "
                      f"{first['error']}: {first['message']}); see batch_failures(result)", BatchWarning,
                      stacklevel=3)
    if out_dir is not None:
        result = pd.DataFrame([{k: r[k] for k in _REPORT} for r in rows], columns=list(_REPORT))
    else:
        result = _concat([res for _, res, _ in runs if res is not None])
    result.attrs = {"taskmining": {"batch": info}}
    return result


def segment_partitions(source: Source, out: str | PathLike[str] | None = None, *, method: Any = "auto",
                       by: str = "session", backend: str = "serial", n_jobs: int | None = None,
                       errors: str = "quarantine", progress: bool = True, format: str = "auto",
                       tz: str | None = None, key: bytes | None = None, params: dict[str, Any] | None = None,
                       step_options: dict[str, Any] | None = None, **keywords: Any) -> pd.DataFrame:
    """Segment every partition (:func:`~taskmining.segmentation`) and collect or write the tasks.

    Each partition is segmented on its own: a method that learns (``auto``,
    ``task_recognition``) learns from that partition's steps only. With
    ``out=`` one Parquet file per partition is written (``step_id`` numbered
    within the partition) and the report is returned; without it the tasks
    frame of all partitions is returned, ``step_id`` renumbered in partition
    order (for per-session methods such as ``idle_gap`` this equals
    ``tm.segment`` on the whole frame).

    Parameters
    ----------
    source, by, backend, n_jobs, errors, progress, format, tz, key
        As in :func:`map_partitions`.
    out : path, optional
        Output folder of the tasks dataset.
    method, params, step_options, **keywords
        As in :func:`~taskmining.segment`: the segmenter, its parameters
        (``params={"gap": "5min"}`` or ``gap="5min"``) and the options of
        :func:`~taskmining.build_steps` (``step_options={"detail": "role"}``).

    Returns
    -------
    pandas.DataFrame
        The tasks frame, or with ``out=`` the per-partition report.

    Examples
    --------
    >>> import tempfile, taskmining as tm
    >>> rec = tempfile.mkdtemp()
    >>> _ = tm.simulate(n_users=2, hours=0.2, path=rec)
    >>> tasks = segment_partitions(rec, method="idle_gap", gap="2min", progress=False)
    >>> whole = tm.segment(tm.read_events(rec, progress=False), method="idle_gap", gap="2min")
    >>> (tasks["case_id"].tolist() == whole["case_id"].tolist(), tasks["step_id"].equals(whole["step_id"]))
    (True, True)
    """
    from functools import partial

    from taskmining.segmentation.apply import resolve_method, segment, split_options

    seg_params, options = split_options(params, step_options, keywords)
    resolve_method(method, dict(seg_params))  # bad names and parameters fail here, not once per partition
    func = partial(segment, method=method, params=seg_params, step_options=options)
    result = map_partitions(source, func, by=by, format=format, tz=tz, key=key, backend=backend,
                            n_jobs=n_jobs, errors=errors, out=out, progress=progress)
    if out is None and STEP_ID in result.columns and len(result):
        result = _renumber_steps(result)
    return result


def _renumber_steps(tasks: pd.DataFrame) -> pd.DataFrame:
    """Make ``step_id`` unique across partitions: each partition's ids shifted past the previous ones."""
    sizes = [s for s in tasks.attrs["taskmining"]["batch"]["sizes"] if s]
    ids = tasks[STEP_ID].to_numpy(dtype=np.int64)
    bounds = np.cumsum([0, *sizes])
    maxima = np.array([ids[a:b].max() + 1 for a, b in pairwise(bounds)], dtype=np.int64)
    shifts = np.concatenate([[0], np.cumsum(maxima)[:-1]])
    out = tasks.copy(deep=False)
    out[STEP_ID] = ids + np.repeat(shifts, sizes)
    return out
