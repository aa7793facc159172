"""Rework: a finished activity done again, not the ordinary repetition of a loop.

Counting every repeated label as rework (``rework share 0.97``) mistakes the
routine's own loops (``Copy cell -> Paste field`` seven times) for rework.
Here a case's sequence is first folded (:mod:`taskmining.mining.folding`), so
a loop is one element; **rework** is then each element that already occurred
earlier in the folded sequence: the worker came back to something already
finished after other work (a single back-and-forth ``A B A`` is a loop).

Examples
--------
>>> rework_count(("open", "copy", "paste", "copy", "paste", "save"))  # a loop: no rework
0
>>> rework_count(("open", "fill", "save", "fill", "save"))  # fill, save were finished, then done again
0
>>> rework_count(("open", "fill", "check", "save", "mail", "fill", "save"))  # back to fill after other work
2
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from taskmining.mining._frame import Sequences
from taskmining.mining.folding import fold_sequence
from taskmining.mining.variants import case_variants

__all__ = ["rework_count", "rework_per_case"]


def rework_count(seq: Sequence[str]) -> int:
    """The number of elements of the folded ``seq`` that repeat an earlier element.

    A back-and-forth (``fill, save, fill, save``) is a loop and folds to one
    element; only a return after other work counts.
    """
    tokens, _ = fold_sequence(seq)
    seen: set[str] = set()
    n = 0
    for t in tokens:
        n += t in seen
        seen.add(t)
    return n


def rework_per_case(seq: Sequences) -> np.ndarray:
    """:func:`rework_count` of each case of an encoded log (computed once per distinct variant).

    Examples
    --------
    >>> import pandas as pd
    >>> from taskmining.mining._frame import encode
    >>> t = pd.DataFrame({"case_id": ["a"] * 4 + ["b"] * 2, "step": list("xyzx") + list("xy"),
    ...                   "timestamp": pd.date_range("2026-01-05", periods=6, freq="s", tz="UTC")})
    >>> rework_per_case(encode(t)).tolist()
    [1, 0]
    """
    var, rep = case_variants(seq)
    per_variant = np.array([rework_count(seq.act_labels[seq.act[seq.ptr[c]:seq.ptr[c + 1]]].tolist())
                            for c in rep], dtype=np.int64)
    return per_variant[var]
