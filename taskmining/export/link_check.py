"""What a :func:`~taskmining.export.link_to_process` join tried, and a warning when it linked (almost) nothing.

A join that silently links 0 of 22 task instances looks like a result; the
key report says, per key type, which process column was used, how many
values it has, in how many desktop task instances the key was found, and in
how many it matched a process case.

Examples
--------
>>> import pandas as pd
>>> found = pd.DataFrame({"case_id": ["c1", "c2"], "key_type": ["invoice", "invoice"]})
>>> evidence = pd.DataFrame({"case_id": ["c1"], "key_type": ["invoice"]})
>>> process_keys = pd.DataFrame({"key_type": ["invoice"] * 3, "key": ["INV-1", "INV-2", "INV-3"]})
>>> key_report(found, evidence, process_keys, {"invoice": "case:concept:name"}).to_dict("records")
[{'key_type': 'invoice', 'process_column': 'case:concept:name', 'process_values': 3, 'found_in': 2, 'matched_in': 1}]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from taskmining.errors import warn_user

__all__ = ["LOW_SHARE", "LinkWarning", "key_report", "warn_if_few_links"]

#: ``link_to_process`` warns when it links fewer than this share of the task instances
LOW_SHARE = 0.25


class LinkWarning(UserWarning):
    """``link_to_process`` linked no or few task instances; the message says what each key matched."""


def key_report(found: pd.DataFrame, evidence: pd.DataFrame, process_keys: pd.DataFrame,
               key_columns: Mapping[str, str]) -> pd.DataFrame:
    """Per key type tried: process column, its distinct values, desktop cases with the key, cases matched.

    ``found`` and ``evidence`` have ``case_id`` and ``key_type`` (every key
    found on the desktop, and those that matched a process key);
    ``process_keys`` has ``key_type`` and ``key``.
    """
    def cases(frame: pd.DataFrame, key_type: str) -> int:
        return int(frame.loc[frame["key_type"] == key_type, "case_id"].nunique()) if len(frame) else 0

    rows = [{"key_type": k, "process_column": col,
             "process_values": int(process_keys.loc[process_keys["key_type"] == k, "key"].nunique()),
             "found_in": cases(found, k), "matched_in": cases(evidence, k)}
            for k, col in key_columns.items()]
    return pd.DataFrame(rows, columns=["key_type", "process_column", "process_values", "found_in", "matched_in"])


def warn_if_few_links(n_linked: int, n_cases: int, report: pd.DataFrame, searched: Sequence[str],
                      hashed: tuple[int, int] | None = None) -> str | None:
    """Warn (:class:`LinkWarning`) when fewer than :data:`LOW_SHARE` of ``n_cases`` were linked; return the message.

    ``hashed`` is (task instances with hash tokens, task instances whose tokens matched) when a salt was given.

    Examples
    --------
    >>> import warnings
    >>> report = pd.DataFrame([{"key_type": "customer", "process_column": "case:customer",
    ...                         "process_values": 14, "found_in": 0, "matched_in": 0}])
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     message = warn_if_few_links(0, 22, report, ["window", "element_name"])
    >>> print(message)  # doctest: +NORMALIZE_WHITESPACE
    link_to_process: linked 0 of 22 task instances (0%). Keys tried: customer (process column
    'case:customer', 14 distinct values): found in 0 task instances, matched in 0. Desktop columns
    searched: window, element_name. Pass keys= with a pattern for the key as it appears on the
    desktop, process_key= to name the process column, or salt= when the recording hashed values;
    LinkResult.key_report has these counts.
    >>> caught[0].category.__name__
    'LinkWarning'
    """
    if n_cases == 0 or n_linked >= LOW_SHARE * n_cases:
        return None
    tried = "; ".join(f"{r.key_type} (process column {r.process_column!r}, {r.process_values} distinct values): "
                      f"found in {r.found_in} task instances, matched in {r.matched_in}"
                      for r in report.itertuples(index=False))
    if hashed is not None:
        tried += f"; hashed values: found in {hashed[0]} task instances, matched in {hashed[1]}"
    message = (f"link_to_process: linked {n_linked} of {n_cases} task instances ({n_linked / n_cases:.0%}). "
               f"Keys tried: {tried}. Desktop columns searched: {', '.join(searched) or 'none'}. "
               "Pass keys= with a pattern for the key as it appears on the desktop, process_key= to name "
               "the process column, or salt= when the recording hashed values; LinkResult.key_report has "
               "these counts.")
    warn_user(message, LinkWarning)
    return message
