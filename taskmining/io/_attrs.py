"""Pack the fields a format has beyond the contract columns into ``attrs`` (JSON).

Examples
--------
>>> import pandas as pd
>>> pack_attrs(pd.DataFrame({"x": [1, None], "y": ["a", "b"]})).tolist()
['{"x":1.0,"y":"a"}', '{"x":null,"y":"b"}']
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from taskmining.schema import STRING_DTYPE


def pack_attrs(extra: pd.DataFrame) -> pd.Series:
    """One JSON object per row of ``extra`` (all its columns), as a string Series.

    Missing values become ``null`` so reading stays lossless; a frame with no
    columns gives missing ``attrs``.
    """
    n = len(extra)
    if extra.shape[1] == 0 or n == 0:
        return pd.Series(np.full(n, np.nan), index=extra.index, dtype=STRING_DTYPE)
    text = extra.to_json(orient="records", lines=True, date_format="iso", force_ascii=False)
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return pd.Series(lines, index=extra.index, dtype=STRING_DTYPE)
