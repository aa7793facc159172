"""Synthetic desktop work with known answers, and the bundled sample recording.

:func:`simulate` produces the events of a team working through office
routines, with the ground truth (step, case, task type, business object) on
every event; :func:`simulate_process_log` produces the matching ERP/CRM
system log. Tests, docs and benchmarks of every stage use them.

Examples
--------
>>> from taskmining.datasets import simulate, simulate_process_log
>>> ev = simulate(n_users=1, seed=2, hours=0.5)
>>> log = simulate_process_log(ev, seed=2)
>>> set(ev["true_object"].dropna()) <= set(log["case:concept:name"])
True
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from taskmining.datasets.process_log import simulate_process_log
from taskmining.datasets.catalog.desktop import ROUTINES, routine_names
from taskmining.datasets.simulate import simulate

__all__ = ["simulate", "simulate_process_log", "ROUTINES", "routine_names", "sample_recording_path"]


def sample_recording_path() -> Path:
    """The bundled sample recording, a folder inside the installed package (``datasets/data``).

    Examples
    --------
    >>> sample_recording_path().name
    'sample-recording'
    """
    return Path(str(files("taskmining.datasets").joinpath("data", "sample-recording")))
