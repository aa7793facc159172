"""The cases of one variant, at the level and with the folding :func:`~taskmining.mining.variants.variants` used.

``variant_cases(tasks, v.loc[0, "steps"])`` returns the cases behind the
first row of ``v = variants(tasks)`` for the same ``level`` and ``fold``
(both default as in :func:`~taskmining.mining.variants.variants`: the
activity level, loops folded, on a frame with UI structure). At an unfolded
level the lookup compares each case's code sequence with the wanted one
(vectorised); with folding, each case's exact variant is folded once per
distinct variant, as :func:`variants` does.

Examples
--------
>>> import pandas as pd
>>> t = pd.DataFrame({"case_id": ["a", "b", "b", "b"], "step": ["x", "x", "y", "x"],
...                   "timestamp": pd.date_range("2026-01-05", periods=4, freq="s", tz="UTC")})
>>> list(variant_cases(t, "x → y → x")), list(variant_cases(t, ["[x → y] ↻"], fold=True))
(['b'], ['b'])
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from taskmining.errors import ParameterError
from taskmining.mining._frame import encode
from taskmining.mining.folding import fold_codes
from taskmining.mining.levels import at_level, resolve_level
from taskmining.mining.variants import SEPARATOR, case_variants
from taskmining.schema import CASE_ID, STEP, TIMESTAMP

__all__ = ["variant_cases"]


def _exact_cases(frame: pd.DataFrame, wanted: tuple[str, ...], *, case_col: str, activity_col: str,
                 timestamp_col: str, step_id_col: str | None) -> pd.Index:
    """The cases whose unfolded sequence is exactly ``wanted``: one comparison over the cases of that length."""
    seq = encode(frame, case_col=case_col, activity_col=activity_col, timestamp_col=timestamp_col,
                 step_id_col=step_id_col, what="variant_cases")
    lookup = {label: i for i, label in enumerate(seq.act_labels.tolist())}
    if any(s not in lookup for s in wanted):
        return pd.Index([], dtype=object, name=case_col)
    codes = np.array([lookup[s] for s in wanted], dtype=np.int64)
    cand = np.flatnonzero(seq.lengths == len(codes))
    if len(cand):
        block = seq.act[seq.ptr[cand][:, None] + np.arange(len(codes))[None, :]]
        cand = cand[(block == codes[None, :]).all(axis=1)]
    return pd.Index(seq.case_labels[cand], name=case_col)


def variant_cases(
    tasks: pd.DataFrame,
    variant: Sequence[str] | str,
    *,
    level: str | None = None,
    fold: bool | None = None,
    case_col: str = CASE_ID,
    activity_col: str = STEP,
    timestamp_col: str = TIMESTAMP,
    step_id_col: str | None = "step_id",
) -> pd.Index:
    """The case ids whose sequence (at ``level``, folded as by ``fold``) is ``variant``.

    Parameters
    ----------
    tasks : pandas.DataFrame
        The tasks frame.
    variant : sequence of str, or str
        The elements (a tuple, as in the ``steps`` column of
        :func:`~taskmining.mining.variants.variants`) or the readable string
        joined by ``" → "``.
    level, fold : optional
        As in :func:`~taskmining.mining.variants.variants` (defaults: the
        activity level on a frame with UI structure, folded there).
    case_col, activity_col, timestamp_col, step_id_col : str
        Column names.

    Returns
    -------
    pandas.Index
        Case ids in case order; empty when no case follows the variant.

    Raises
    ------
    ParameterError
        ``variant`` is empty or not a sequence of labels.

    Examples
    --------
    >>> import pandas as pd
    >>> from taskmining.mining.variants import variants
    >>> t = pd.DataFrame({"case_id": list("aabbb"), "step": list("xyxyx"), "app": "sap",
    ...                   "window": ["Order", "Order", "Order", "Order", "Order"],
    ...                   "action": ["click", "type", "click", "type", "click"],
    ...                   "timestamp": pd.date_range("2026-01-05", periods=5, freq="s", tz="UTC")})
    >>> v = variants(t)
    >>> v["variant"].tolist(), [list(variant_cases(t, s)) for s in v["steps"]]
    (['Fill SAP'], [['a', 'b']])
    >>> list(variant_cases(t, "x → y → x", level="step"))
    ['b']
    """
    if isinstance(variant, str):
        wanted = tuple(variant.split(SEPARATOR))
    elif isinstance(variant, Sequence):
        wanted = tuple(str(s) for s in variant)
    else:
        raise ParameterError(f"variant must be a tuple of steps or a ' → ' string, got {type(variant).__name__}")
    if not wanted:
        raise ParameterError("variant must have at least one step")
    level = resolve_level(level, tasks)
    frame, sid, act = at_level(tasks, level, ("event", "step", "activity"), what="variant_cases",
                               case_col=case_col, activity_col=activity_col, timestamp_col=timestamp_col,
                               step_id_col=step_id_col)
    if not (fold or (fold is None and level == "activity")):
        return _exact_cases(frame, wanted, case_col=case_col, activity_col=act, timestamp_col=timestamp_col,
                            step_id_col=sid)
    seq = encode(frame, case_col=case_col, activity_col=act, timestamp_col=timestamp_col, step_id_col=sid,
                 what="variant_cases")
    var, rep = case_variants(seq)
    steps = [tuple(seq.act_labels[seq.act[seq.ptr[c]:seq.ptr[c + 1]]].tolist()) for c in rep]
    var, _, keys = fold_codes(var, rep, steps)
    hit = [i for i, key in enumerate(keys) if key == wanted]
    cases = np.flatnonzero(var == hit[0]) if hit else np.array([], dtype=np.int64)
    return pd.Index(seq.case_labels[cases], name=case_col)
