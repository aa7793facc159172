"""The catalog: every routine of every data generator, in the one routine model.

Routines are grouped by the generator family that renders them; a name is
unique within its family (the steps-level ``invoice`` and the conformance
``invoice`` are different routines):

========================  ==============================================  =================================
family                    routines                                        rendered by
========================  ==============================================  =================================
``desktop``               six office task types                           ``simulate`` (raw desktop events)
``interruption``          ``read_mail``, ``chat``, ``calendar`` (no case)  ``simulate``
``idle``                  ``afk``, ``outside`` (no case)                   ``simulate``
``ui_log``                ``copy_paste``, ``form_filling``, ``erp_replay``  ``simulate_actionlogger`` (rows)
``ui_log_noise``          ``noise`` (no case)                              ``simulate_actionlogger``
``steps``                 ``invoice``, ``customer``, ``expense``           ``routine_steps`` (steps)
``steps_noise``           ``noise`` (no case)                              ``routine_steps``
``conformance``           ``invoice``, ``lookup``, ``expense``             ``testing.make_steps`` (events)
========================  ==============================================  =================================

Examples
--------
>>> sorted(CATALOG["ui_log"])
['copy_paste', 'erp_replay', 'form_filling']
>>> routine("desktop", "invoice_entry").completion
('Post invoice',)
"""

from __future__ import annotations

from taskmining.datasets._model import Routine
from taskmining.datasets.catalog.desktop import IDLE, INTERRUPTIONS, ROUTINES
from taskmining.datasets.catalog.steps import CONFORMANCE_ROUTINES, STEP_NOISE, STEP_ROUTINES
from taskmining.datasets.catalog.ui_logs import NOISE_AL, ROUTINES_AL
from taskmining.errors import ParameterError

__all__ = ["CATALOG", "routine"]

#: family -> routine name -> routine
CATALOG: dict[str, dict[str, Routine]] = {
    "desktop": ROUTINES,
    "interruption": INTERRUPTIONS,
    "idle": IDLE,
    "ui_log": ROUTINES_AL,
    "ui_log_noise": {NOISE_AL.name: NOISE_AL},
    "steps": STEP_ROUTINES,
    "steps_noise": {STEP_NOISE.name: STEP_NOISE},
    "conformance": CONFORMANCE_ROUTINES,
}


def routine(family: str, name: str) -> Routine:
    """The routine ``name`` of a family of :data:`CATALOG`.

    Raises
    ------
    ParameterError
        For an unknown family or name, listing the known ones.

    Examples
    --------
    >>> routine("steps", "expense").title
    'Expense claim'
    """
    if family not in CATALOG:
        raise ParameterError(f"family: unknown routine family {family!r}; known: {', '.join(CATALOG)}")
    table = CATALOG[family]
    if name not in table:
        raise ParameterError(f"routines: unknown {family} routine {name!r}; known: {', '.join(table)}")
    return table[name]
