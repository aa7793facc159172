"""``simulate_actionlogger``: Action-Logger-style UI logs with the phenomena of real recordings.

The frame has the Action Logger columns (``timeStamp``, ``userID``,
``targetApp``, ``eventType``, ``url``, ``content``, ``target.*``) and the
ground truth ``caseID`` (the instance) and ``Task`` (its routine); noise
rows have neither. :func:`write_actionlogger` writes it as an Action Logger
CSV that ``read_events(path, format="actionlogger")`` reads. The phenomena,
and the real files they come from, are listed in docs/segmentation.md:

* elements without a name, known only by an xpath (``erp_replay``);
* exact duplicates (the same record twice at the same millisecond,
  ``duplicates=``), as in ``smartrpa-windows-banking.csv``;
* echo events: ``getCell`` before ``copyCell`` and ``editField`` after
  ``paste`` (``smartrpa-rpachallenge.csv``: every paste is followed by the
  field's change event);
* copy -> paste loops inside one instance, then a submit (``copy_paste``);
* replayed routines with variations (optional steps, swapped fields,
  a loop over item lines);
* interleaving (``interleave=``: an instance is suspended and another one
  done in between) and noise records (``noise=``).

The routines are those of the catalog's ``ui_log`` family
(:mod:`taskmining.datasets.catalog.ui_logs`), rendered slot by slot as
records.

Examples
--------
>>> log = simulate_actionlogger(["copy_paste"], n_instances=3, seed=1)
>>> log["caseID"].nunique(), log.columns[:4].tolist()
(3, ['timeStamp', 'userID', 'targetApp', 'eventType'])
>>> bool((log["eventType"] == "editField").any())
True
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from taskmining.datasets._model import Routine
from taskmining.datasets._render import Instance, al_record
from taskmining.datasets.catalog.ui_logs import NOISE_AL, ROUTINES_AL
from taskmining.errors import ParameterError

__all__ = ["AL_COLUMNS", "simulate_actionlogger", "write_actionlogger", "ROUTINES_AL"]

#: The Action Logger columns, in the order the recorder writes them.
AL_COLUMNS: tuple[str, ...] = (
    "timeStamp", "userID", "targetApp", "eventType", "url", "content", "target.workbookName",
    "target.sheetName", "target.id", "target.className", "target.tagName", "target.type", "target.name",
    "target.value", "target.innerText", "target.checked", "target.href", "target.option", "target.title",
    "target.innerHTML",
)

Record = dict[str, Any]


def _records(routine: Routine, k: int, rng: np.random.Generator) -> list[Record]:
    """The records of instance ``k`` of a routine, in order."""
    inst = Instance(routine, k, rng)
    return [al_record(inst, step, slot, it) for step, it in inst.walk() for slot in step.slots]


#: (action, echo) event pairs written moments apart
_ECHO_PAIRS = {("getCell", "copyCell"), ("paste", "editField")}


def _check(routines: Sequence[str], n_instances: int, rates: dict[str, float]) -> list[str]:
    names = [routines] if isinstance(routines, str) else list(routines)
    unknown = [r for r in names if r not in ROUTINES_AL]
    if not names or unknown:
        raise ParameterError(f"routines: unknown routine {unknown[0] if unknown else '(none given)'!r}; "
                             f"known: {', '.join(ROUTINES_AL)}")
    if isinstance(n_instances, bool) or not isinstance(n_instances, (int, np.integer)) or n_instances < 1:
        raise ParameterError(f"n_instances: expected a positive integer, got {n_instances!r}")
    for name, value in rates.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 <= float(value) <= 1.0:
            raise ParameterError(f"{name}: expected a number between 0 and 1, got {value!r}")
    return names


def _schedule(parts: list[list[Record]], interleave: float, rng: np.random.Generator) -> list[Record]:
    """The instances in order; with probability ``interleave`` one is suspended while the next is done."""
    out: list[Record] = []
    i = 0
    while i < len(parts):
        current = parts[i]
        if i + 1 < len(parts) and len(current) > 2 and rng.random() < interleave:
            cut = int(rng.integers(1, len(current) - 1))
            out += current[:cut] + parts[i + 1] + current[cut:]
            i += 2
        else:
            out += current
            i += 1
    return out


def simulate_actionlogger(routines: Sequence[str] | str = ("copy_paste",), n_instances: int = 50,
                          seed: int = 0, *, interleave: float = 0.0, duplicates: float = 0.05,
                          noise: float = 0.0, user: str = "u1",
                          start: str = "2020-04-09T09:00:00Z") -> pd.DataFrame:
    """An Action-Logger-style UI log of one person doing ``n_instances`` task instances.

    Parameters
    ----------
    routines : sequence of str
        Names from :data:`ROUTINES_AL` (``copy_paste``, ``form_filling``,
        ``erp_replay``); each instance picks one at random.
    n_instances : int
        Number of task instances.
    seed : int
        Seed of the random generator (same seed, same log).
    interleave : float
        Probability that an instance is suspended while the next is done.
    duplicates : float
        Probability that a record is written twice (same millisecond).
    noise : float
        Probability, per instance, of a record unrelated to any task
        (``caseID`` missing) somewhere inside it.
    user, start : str
        ``userID`` and the time of the first record (UTC).

    Returns
    -------
    pandas.DataFrame
        :data:`AL_COLUMNS` (``timeStamp`` as ISO text with ``Z``) plus
        ``caseID`` and ``Task`` (ground truth, strings; missing on noise).

    Examples
    --------
    >>> log = simulate_actionlogger(["erp_replay", "form_filling"], n_instances=6, seed=3, interleave=0.5)
    >>> sorted(log["Task"].dropna().unique().tolist())
    ['erp_replay', 'form_filling']
    >>> bool(log["target.id"].dropna().str.startswith("/*[name()='HTML']").any())
    True
    """
    names = _check(routines, n_instances, {"interleave": interleave, "duplicates": duplicates, "noise": noise})
    rng = np.random.default_rng(seed)
    parts: list[list[Record]] = []
    for k in range(int(n_instances)):
        name = names[int(rng.integers(len(names)))]
        recs = [{**r, "caseID": str(k), "Task": name} for r in _records(ROUTINES_AL[name], k, rng)]
        if rng.random() < noise:
            pos = int(rng.integers(1, len(recs)))
            recs.insert(pos, _records(NOISE_AL, k, rng)[0])
        parts.append(recs)
    records = _schedule(parts, float(interleave), rng)
    gaps_ms = np.rint(rng.lognormal(np.log(1200.0), 0.6, size=len(records))).astype(np.int64) + 50
    # an echo follows its action within a moment (the recorder writes both for one user action)
    kinds = [r.get("eventType") for r in records]
    echo = np.array([i > 0 and (kinds[i - 1], kinds[i]) in _ECHO_PAIRS for i in range(len(records))], dtype=bool)
    gaps_ms[echo] = rng.integers(5, 300, size=int(echo.sum()))
    t0 = pd.Timestamp(start)
    t0 = t0.tz_localize("UTC") if t0.tzinfo is None else t0.tz_convert("UTC")
    times = t0 + pd.to_timedelta(np.cumsum(gaps_ms), unit="ms")
    rows: list[Record] = []
    for rec, ts in zip(records, times, strict=True):
        row = {**rec, "timeStamp": ts.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ts.microsecond // 1000:03d}Z",
               "userID": user}
        rows.append(row)
        if rng.random() < duplicates:
            rows.append(dict(row))
    frame = pd.DataFrame(rows)
    for col in (*AL_COLUMNS, "caseID", "Task"):
        if col not in frame.columns:
            frame[col] = None
    return frame[[*AL_COLUMNS, "caseID", "Task"]].astype(object).where(lambda f: f.notna(), None)


def write_actionlogger(log: pd.DataFrame, path: str | Path) -> Path:
    """Write ``log`` (from :func:`simulate_actionlogger`) as an Action Logger CSV; returns the path.

    Examples
    --------
    >>> import os, tempfile, taskmining as tm
    >>> p = write_actionlogger(simulate_actionlogger(n_instances=2), os.path.join(tempfile.mkdtemp(), "al.csv"))
    >>> ev = tm.read_events(p, format="actionlogger", tz="UTC")
    >>> ev["caseID"].nunique(), ev["source"].iloc[0]
    (2, 'actionlogger')
    """
    path = Path(path)
    log.to_csv(path, index=False)
    return path
