"""Native JSON Lines records built column by column with Arrow (the writers' shared part).

A record is the join of its members (``"key":<json>``). A member is null
where the value is missing, and the join skips null members, so a record
carries no ``"key":null`` for the columns of the events-frame contract: a
missing key means a missing value, and the reader restores the column
(docs/formats.md). Other columns (ground truth, anything extra) keep their
``"key":null`` members (``keep_null=True``), so a column that is empty
still comes back. Columns with few distinct values are encoded once per
distinct value and spread by code (Arrow ``take``).

Examples
--------
>>> import numpy as np, pyarrow as pa
>>> app = members("app", np.array([0, -1, 1]), ["excel", 'say "hi"'])
>>> seq = number_members("seq", pa.array([1, 2, None]))
>>> join_records([app, seq]).to_pylist()
['{"app":"excel","seq":1}\\n', '{"seq":2}\\n', '{"app":"say \\\\"hi\\\\""}\\n']
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["fragments", "join_records", "members", "number_members", "series_members"]


def fragments(key: str, values: Sequence[str], *, raw: bool = False, keep_null: bool = False) -> pa.Array:
    """``"key":<json>`` for each distinct value, then the fragment of a missing value.

    That last one is null (no member), or ``"key":null`` with
    ``keep_null=True``. With ``raw=True`` the values are JSON text already
    (``attrs``) and are used as they are.
    """
    head = json.dumps(key) + ":"
    texts = [head + (v if raw else json.dumps(v, ensure_ascii=False)) for v in values]
    return pa.array([*texts, head + "null" if keep_null else None], type=pa.string())


def members(key: str, codes: np.ndarray, values: Sequence[str], *, raw: bool = False, keep_null: bool = False,
            frags: pa.Array | None = None) -> pa.Array:
    """The member of every row from integer codes into ``values`` (-1: missing, no member).

    ``frags`` (from :func:`fragments`) may be passed when the same column is
    written in several batches.
    """
    frags = fragments(key, values, raw=raw, keep_null=keep_null) if frags is None else frags
    codes = np.where(codes < 0, len(frags) - 1, codes)
    return frags.take(pa.array(codes))


def number_members(key: str, numbers: pa.Array) -> pa.Array:
    """Members of an integer or finite float column (nulls and NaN: no member)."""
    if pa.types.is_floating(numbers.type):
        numbers = pc.if_else(pc.is_finite(numbers), numbers, pa.scalar(None, numbers.type))
    return pc.binary_join_element_wise(json.dumps(key) + ":", pc.cast(numbers, pa.string()), "")


def series_members(s: pd.Series, *, keep_null: bool = False) -> pa.Array:
    """Members of any pandas column: categoricals of strings by code, the rest through pandas' JSON encoder."""
    key = str(s.name)
    dtype = s.dtype
    if isinstance(dtype, pd.CategoricalDtype) and all(isinstance(v, str) for v in dtype.categories):
        return members(key, np.asarray(s.cat.codes), list(dtype.categories), keep_null=keep_null)
    text = s.to_frame().to_json(orient="records", lines=True, force_ascii=False, date_format="iso",
                                double_precision=15)
    lines = pa.array(text.split("\n")[: len(s)], pa.string())
    inner = pc.utf8_slice_codeunits(lines, 1, -1)  # '"key":<json>'
    if keep_null:
        return inner
    return pc.if_else(pc.ends_with(inner, ":null"), pa.scalar(None, pa.string()), inner)


def join_records(parts: Sequence[pa.Array], *, newline: bool = True) -> pa.Array:
    """One ``{...}`` record per row from its members, skipping missing ones."""
    body = pc.binary_join_element_wise(*parts, ",", null_handling="skip")
    return pc.binary_join_element_wise("{", body, "}\n" if newline else "}", "")
