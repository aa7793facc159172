"""Integer codes for distinct values and combinations of columns (the per-distinct-value work of labels).

Examples
--------
>>> import pandas as pd
>>> f = pd.DataFrame({"a": ["x", "y", "x"], "b": [1, 1, 1]})
>>> combined_codes(f, ["a", "b"]).tolist(), first_of_pairs(combined_codes(f, ["a"]))[1].tolist()
([0, 1, 0], [0, 1])
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["codes", "combined_codes", "first_of_pairs"]


def codes(values: pd.Series) -> np.ndarray:
    """Integer codes of a column (missing values as one more code)."""
    codes, _ = pd.factorize(values, use_na_sentinel=False)
    return np.asarray(codes, dtype=np.int64)


def first_of_pairs(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes of ``keys`` and the first row of each code."""
    codes, uniq = pd.factorize(keys)
    first = np.full(len(uniq), len(keys), dtype=np.int64)
    np.minimum.at(first, codes, np.arange(len(keys), dtype=np.int64))
    return codes, first


def combined_codes(frame: pd.DataFrame, cols: list[str]) -> np.ndarray:
    """One integer code per distinct combination of ``cols`` (zeros without columns)."""
    code = np.zeros(len(frame), dtype=np.int64)
    for c in cols:
        part = codes(frame[c])
        code = pd.factorize(code * (int(part.max()) + 1 if len(part) else 1) + part)[0].astype(np.int64)
    return code
