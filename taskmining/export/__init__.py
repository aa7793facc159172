"""Exports for joint task and process analysis: pm4py frames, XES, OCEL 2.0, linking.

- :func:`to_pm4py`: the tasks frame as a pm4py event-log DataFrame.
- :func:`write_xes`: streaming XES (IEEE 1849-2016), ``.xes`` or ``.xes.gz``.
- :func:`write_ocel`: OCEL 2.0 as JSON or SQLite.
- :func:`extract_keys`: business keys (invoice, order, customer numbers) in desktop events;
  :func:`documents`: the files named in window titles.
- :func:`link_to_process`: desktop task instances joined to the cases of a system event log.

None of them imports pm4py; see ``docs/export.md``.

Examples
--------
>>> from taskmining import export
>>> callable(export.to_pm4py) and callable(export.write_xes)
True
"""

from __future__ import annotations

import importlib
from typing import Any

_NAMES = {
    "to_pm4py": "taskmining.export.release",
    "write_xes": "taskmining.export.release",
    "write_ocel": "taskmining.export.release",
    "extract_keys": "taskmining.export.keys",
    "DEFAULT_KEYS": "taskmining.export.keys",
    "documents": "taskmining.export.keys",
    "link_to_process": "taskmining.export.link",
    "LinkResult": "taskmining.export.link",
    "LinkWarning": "taskmining.export.link_check",
    "UnassignedRowsWarning": "taskmining.export._check",
}

__all__ = ["DEFAULT_KEYS", "LinkResult", "LinkWarning", "UnassignedRowsWarning", "documents", "extract_keys", "link_to_process",
           "to_pm4py", "write_ocel", "write_xes"]


def __getattr__(name: str) -> Any:
    if name in _NAMES:
        value = getattr(importlib.import_module(_NAMES[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'taskmining.export' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__
