"""Separate interleaved task instances by the business keys their steps touch.

After cutting at start classes, an instance that was suspended and resumed
later has its tail glued to whatever instance was running at the time. Each
segment *owns* the key (invoice, customer, order number ...) of its first
keyed step; a step showing another key that an earlier segment owns goes
back to the latest such segment, and the keyless steps after it follow it
until the next keyed step; keyless steps just before such a step go with
it (the switch back began before the key showed). One ``merge_asof`` and
grouped fills: O(n log n).

Examples
--------
>>> import numpy as np
>>> seg = np.array([0, 0, 1, 1, 1, 1])
>>> keys = np.array([7, -1, 8, 7, -1, 8])   # instance 0 resumed inside segment 1
>>> reassign_interleaved(seg, keys).tolist()
[0, 0, 1, 0, 0, 1]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["reassign_interleaved"]


def reassign_interleaved(seg: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """New segment id per step after moving resumed steps back to their instance.

    Parameters
    ----------
    seg : numpy.ndarray of int
        Segment id per step, non-decreasing in time order.
    keys : numpy.ndarray of int
        Context key per step, -1 when the step shows none.

    Returns
    -------
    numpy.ndarray of int64
        Segment id per step (ids of the input; a segment may lose steps).

    Examples
    --------
    >>> import numpy as np
    >>> reassign_interleaved(np.array([0, 1]), np.array([-1, -1])).tolist()
    [0, 1]
    """
    seg = np.asarray(seg, dtype=np.int64)
    keys = np.asarray(keys, dtype=np.int64)
    keyed = keys >= 0
    if not keyed.any():
        return seg.copy()
    n_seg = int(seg.max()) + 1
    # owner key of each segment: the key of its first keyed step
    own = np.full(n_seg, -1, dtype=np.int64)
    kpos = np.flatnonzero(keyed)
    _, first = np.unique(seg[kpos], return_index=True)
    own[seg[kpos[first]]] = keys[kpos[first]]
    foreign = keyed & (own[seg] != keys)
    fpos = np.flatnonzero(foreign)
    if len(fpos) == 0:
        return seg.copy()
    owners = pd.DataFrame({"seg_owner": np.flatnonzero(own >= 0), "key": own[own >= 0]})
    owners = owners.assign(s=owners["seg_owner"]).sort_values("s")
    queries = pd.DataFrame({"s": seg[fpos] - 1, "key": keys[fpos], "pos": fpos}).sort_values("s")
    # latest earlier segment owning the same key
    hit = pd.merge_asof(queries, owners, on="s", by="key", direction="backward")
    target = np.full(len(seg), -1, dtype=np.int64)
    ok = hit["seg_owner"].notna().to_numpy()
    target[hit["pos"].to_numpy()[ok]] = hit["seg_owner"].to_numpy()[ok].astype(np.int64)
    # keyed steps decide; a keyless step goes with the next keyed step of its
    # segment when that one returns to an earlier instance (the switch back
    # started before the key showed), else with the previous keyed step
    decided = np.where(keyed, np.where(target >= 0, target, seg), -1).astype(np.float64)
    decided[~keyed] = np.nan
    moved = np.where(keyed, (target >= 0).astype(np.float64), np.nan)
    frame = pd.DataFrame({"seg": seg, "d": decided, "m": moved})
    groups = frame.groupby("seg", sort=False)
    back = groups["d"].bfill().to_numpy()
    back_moved = groups["m"].bfill().to_numpy() == 1.0
    fwd = groups["d"].ffill().to_numpy()
    choice = np.where(keyed, decided, np.where(back_moved, back, fwd))
    return np.where(np.isnan(choice), seg, choice).astype(np.int64)
