"""The desktop routines under their historical name (:mod:`taskmining.datasets.catalog.desktop`).

Examples
--------
>>> from taskmining.datasets.routines import ROUTINES
>>> ROUTINES["invoice_entry"].title
'Invoice entry'
"""

from __future__ import annotations

from taskmining.datasets.catalog.desktop import (
    _FIRST,
    _LAST,
    IDLE,
    INTERRUPTIONS,
    ROUTINES,
    get_routine,
    routine_names,
)

__all__ = ["ROUTINES", "INTERRUPTIONS", "IDLE", "routine_names", "get_routine", "_FIRST", "_LAST"]
