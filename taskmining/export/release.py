"""The public exports with the team-level threshold: per-person case rows, released only for a team.

:func:`to_pm4py`, :func:`write_xes` and :func:`write_ocel` here are the
converters of :mod:`~taskmining.export.pm4py_frame`,
:mod:`~taskmining.export.xes` and :mod:`~taskmining.export.ocel` applied
to :func:`~taskmining.mining.people.release_cases` of the tasks frame: the
export is refused over fewer than ``min_group_size`` people, and a case
holding a step (activity) or task type done by fewer than
``min_cell_people`` people is left out, with a
:class:`~taskmining.privacy.groups.SmallGroupWarning`.
``min_group_size=None`` exports every case (an explicit opt-out, recorded
in the pm4py frame's ``attrs["release"]``). ``ledger=`` (or
``$TASKMINING_RELEASE_LEDGER``) records the export's people in a
:class:`~taskmining.privacy.release.ReleaseLedger`. These are the
functions of ``taskmining.export`` and of the top-level package; the plain
converters of the modules above are for the data holder. A pm4py-format frame given to
:func:`write_xes` or :func:`write_ocel` (``case:concept:name`` and no tasks
columns, e.g. ``link_to_process(...).log``) is written as it is: it was
made from the tasks frame by the caller. See docs/privacy.md.

Examples
--------
>>> from taskmining.export.release import to_pm4py
>>> callable(to_pm4py)
True
"""

from __future__ import annotations

from os import PathLike
from pathlib import Path
from typing import Any

import pandas as pd

from taskmining.export import ocel as _ocel
from taskmining.export import pm4py_frame as _pm4py
from taskmining.export import xes as _xes
from taskmining.mining.levels import resolve_level
from taskmining.mining.people import release_cases
from taskmining.privacy.groups import DEFAULT_MIN_GROUP_SIZE
from taskmining.privacy.release import DEFAULT_MIN_CELL_PEOPLE, ReleaseLedger, cell_threshold, check_cohort
from taskmining.schema import check_level

__all__ = ["release_tasks", "to_pm4py", "write_xes", "write_ocel"]

Ledger = ReleaseLedger | str | PathLike[str] | None


def release_tasks(tasks: pd.DataFrame, *, min_group_size: int | None = DEFAULT_MIN_GROUP_SIZE,
                  min_cell_people: int = DEFAULT_MIN_CELL_PEOPLE, ledger: Ledger = None, level: str | None = "step",
                  case_col: str = "case_id", activity_col: str = "step", task_col: str | None = "task",
                  what: str = "export") -> pd.DataFrame:
    """The cases of ``tasks`` an export may hold (a new frame; see the module).

    With a ledger (``ledger`` or ``$TASKMINING_RELEASE_LEDGER``) the people
    of the export are checked against earlier releases and recorded
    (:func:`~taskmining.privacy.release.check_cohort`).

    Examples
    --------
    >>> import pandas as pd, warnings
    >>> t = pd.DataFrame({"case_id": list("aabbccdd"), "step": list("xyxyxyxz"), "user": list("ppqqrrss"),
    ...                   "timestamp": pd.to_datetime([1, 2] * 4, unit="s", utc=True)})
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     sorted(release_tasks(t, min_group_size=3)["case_id"].unique())
    ['a', 'b', 'c']
    """
    if cell_threshold(min_group_size, min_cell_people) > 1:
        check_cohort(tasks, min_group_size, what=what, ledger=ledger)
    return release_cases(tasks, level=level, min_group_size=min_group_size, min_cell_people=min_cell_people,
                         case_col=case_col, activity_col=activity_col, task_col=task_col, what=what)


def _release(tasks: pd.DataFrame, kwargs: dict[str, Any], min_group_size: int | None, min_cell_people: int,
             ledger: Ledger, what: str, levels: tuple[str, ...] = ("event", "step", "activity")) -> pd.DataFrame:
    level = kwargs.get("level")
    if level is None and isinstance(tasks, pd.DataFrame):  # the converter's default level (OCEL: steps)
        level = resolve_level(None, tasks) if "activity" in levels else "step"
    check_level(level, levels, what=what)  # a wrong parameter first, then privacy
    case_col = kwargs.get("case_col", "case_id")
    if not isinstance(tasks, pd.DataFrame) or ("case:concept:name" in tasks.columns and case_col not in tasks.columns):
        return tasks
    return release_tasks(tasks, level=level, min_group_size=min_group_size,
                         min_cell_people=min_cell_people, ledger=ledger, case_col=case_col,
                         activity_col=kwargs.get("activity_col", "step"), task_col=kwargs.get("task_col", "task"),
                         what=what)


def to_pm4py(tasks: pd.DataFrame, *, min_group_size: int | None = DEFAULT_MIN_GROUP_SIZE,
             min_cell_people: int = DEFAULT_MIN_CELL_PEOPLE, ledger: Ledger = None, **kwargs: Any) -> pd.DataFrame:
    """:func:`taskmining.export.pm4py_frame.to_pm4py` of the released cases (see the module).

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"case_id": list("aabbccdd"), "step": list("xyxyxyxz"), "user": list("ppqqrrss"),
    ...                   "timestamp": pd.to_datetime([1, 2] * 4, unit="s", utc=True)})
    >>> import warnings; warnings.simplefilter("ignore")
    >>> sorted(to_pm4py(t, min_group_size=3)["case:concept:name"].unique())
    ['a', 'b', 'c']
    >>> to_pm4py(t, min_group_size=None).attrs["release"]["threshold"]
    'none (opted out: per-person rows of every case)'
    """
    frame = _release(tasks, kwargs, min_group_size, min_cell_people, ledger, "to_pm4py")
    log = _pm4py.to_pm4py(frame, **kwargs)
    log.attrs["release"] = frame.attrs.get("release")
    return log


def write_xes(tasks: pd.DataFrame, path: str | PathLike[str], *, min_group_size: int | None = DEFAULT_MIN_GROUP_SIZE,
              min_cell_people: int = DEFAULT_MIN_CELL_PEOPLE, ledger: Ledger = None, **kwargs: Any) -> Path:
    """:func:`taskmining.export.xes.write_xes` of the released cases (see the module).

    Examples
    --------
    >>> import pandas as pd, tempfile, pathlib
    >>> t = pd.DataFrame({"case_id": list("aabbccdd"), "step": list("xyxyxyxz"), "user": list("ppqqrrss"),
    ...                   "timestamp": pd.to_datetime([1, 2] * 4, unit="s", utc=True)})
    >>> write_xes(t, pathlib.Path(tempfile.mkdtemp()) / "t.xes")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    taskmining.errors.PrivacyError: write_xes: covers 4 distinct people, fewer than min_group_size=5 ...
    """
    return _xes.write_xes(_release(tasks, kwargs, min_group_size, min_cell_people, ledger, "write_xes"), path, **kwargs)


def write_ocel(data: pd.DataFrame, path: str | PathLike[str], *, min_group_size: int | None = DEFAULT_MIN_GROUP_SIZE,
               min_cell_people: int = DEFAULT_MIN_CELL_PEOPLE, ledger: Ledger = None, **kwargs: Any) -> Path:
    """:func:`taskmining.export.ocel.write_ocel` of the released cases (see the module).

    Examples
    --------
    >>> import pandas as pd, tempfile, pathlib, warnings
    >>> t = pd.DataFrame({"case_id": list("aabbccdd"), "step": list("xyxyxyxz"), "user": list("ppqqrrss"),
    ...                   "timestamp": pd.to_datetime([1, 2] * 4, unit="s", utc=True)})
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     out = write_ocel(t, pathlib.Path(tempfile.mkdtemp()) / "t.json", min_group_size=3)
    >>> '"z"' in out.read_text()
    False
    """
    return _ocel.write_ocel(_release(data, kwargs, min_group_size, min_cell_people, ledger, "write_ocel"),
                            path, **kwargs)
