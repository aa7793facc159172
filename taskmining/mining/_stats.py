"""Per-group summary statistics of numbers (waiting times, durations), vectorised.

Examples
--------
>>> import numpy as np
>>> group_stats(np.array([0, 0, 1]), np.array([1.0, 3.0, 5.0]), 2)["mean"].tolist()
[2.0, 5.0]
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from taskmining.errors import ParameterError

__all__ = ["BLOCK", "group_stats"]


_PARALLEL_FROM = 200_000


def _composite(keys: np.ndarray, values: np.ndarray, n_groups: int) -> tuple[np.ndarray, int, int] | None:
    """Integer values packed next to their key into one int64 (``None`` when they do not fit in 63 bits)."""
    if values.dtype.kind in "iu" and len(values):
        lo, hi = int(values.min()), int(values.max())
        gbits = max(1, int(n_groups).bit_length())
        if lo >= 0 and max(1, hi.bit_length()) + gbits <= 63:
            lo = 0  # non-negative values fit as they are: no offset pass
        vbits = max(1, (hi - lo).bit_length())
        if vbits + gbits <= 63:
            # one pass widens and shifts the keys; the low bits are free, so adding puts the value there
            comp = np.left_shift(keys, vbits, dtype=np.int64)
            comp += values
            if lo:
                comp -= lo
            return comp, vbits, lo
    return None


class _Sorted:
    """``values`` ordered by (key, value), read at chosen positions only.

    Integer values that fit next to their key in 63 bits are sorted as one
    composite int64 (one vectorised sort, no lexsort) and unpacked only at
    the positions asked for (group ends and quantiles), not for every value.
    """

    def __init__(self, keys: np.ndarray, values: np.ndarray, n_groups: int, scale: float) -> None:
        self.scale = scale
        packed = _composite(keys, values, n_groups)
        if packed is not None:
            self.comp, vbits, self.lo = packed
            self.comp.sort()
            self.mask = (1 << vbits) - 1
            self.values: np.ndarray | None = None
        else:
            sv = values[np.lexsort((values, keys))]
            self.values = sv / scale if scale != 1.0 else sv.astype(np.float64, copy=False)

    def at(self, idx: np.ndarray) -> np.ndarray:
        if self.values is not None:
            return self.values[idx]
        return ((self.comp[idx] & self.mask) + self.lo) / self.scale


#: Rows per block wherever mining works block by block (these sums, the DFG's
#: pair counts, the variant hash): a block's temporaries stay in the CPU cache
#: instead of allocating (and page-faulting) arrays as long as the input.
BLOCK = 1 << 16


def _blocks(keys: np.ndarray, values: np.ndarray, scale: float, size: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """(int64 keys, float values / scale) in blocks of ``size`` rows."""
    for lo in range(0, len(keys), size):
        k = keys[lo:lo + size].astype(np.int64, copy=False)  # bincount's own index type
        v = values[lo:lo + size]
        yield k, (v / scale if scale != 1.0 else v.astype(np.float64, copy=False))


def _sums(keys: np.ndarray, values: np.ndarray, n_groups: int, scale: float
          ) -> tuple[np.ndarray, np.ndarray, Callable[[np.ndarray], np.ndarray]]:
    """Count and sum per group, and a function of the means giving the sums of squared deviations.

    Over few groups the input is read in cache-sized blocks; over many, the
    per-block results would be as long as the groups, so the whole input is
    one block.
    """
    size = BLOCK if 8 * n_groups <= BLOCK else max(len(keys), 1)
    count = np.zeros(n_groups, dtype=np.int64)
    total = np.zeros(n_groups)
    for k, v in _blocks(keys, values, scale, size):
        count += np.bincount(k, minlength=n_groups)
        total += np.bincount(k, weights=v, minlength=n_groups)

    def squares(mean: np.ndarray) -> np.ndarray:
        out = np.zeros(n_groups)
        for k, v in _blocks(keys, values, scale, size):
            dev = np.take(mean, k)
            np.subtract(v, dev, out=dev)
            np.multiply(dev, dev, out=dev)
            out += np.bincount(k, weights=dev, minlength=n_groups)
        return out

    return count, total, squares


def group_stats(keys: np.ndarray, values: np.ndarray, n_groups: int,
                quantiles: tuple[float, ...] = (0.5, 0.9), scale: float = 1.0) -> dict[str, np.ndarray]:
    """Per-group count, sum, mean, min, max, stdev (ddof 1) and quantiles, vectorised.

    ``values / scale`` are summarised (pass int64 nanoseconds and
    ``scale=1e9`` to get seconds: the integer values are then sorted as one
    composite key, which is several times faster than a lexsort). Quantiles
    interpolate linearly (numpy's and pandas' default). Empty groups give NaN.

    Examples
    --------
    >>> import numpy as np
    >>> s = group_stats(np.array([0, 0, 1, 0]), np.array([1.0, 3.0, 5.0, 2.0]), 3)
    >>> s["count"].tolist(), s["mean"].tolist()[:2], s["q0.5"].tolist()[:2]
    ([3, 1, 0], [2.0, 5.0], [2.0, 5.0])
    >>> group_stats(np.array([0, 0]), np.array([1_000_000_000, 4_000_000_000]), 1, scale=1e9)["max"]
    array([4.])
    """
    if n_groups < 0:
        raise ParameterError(f"n_groups must be >= 0, got {n_groups}")
    keys = np.asarray(keys)
    values = np.asarray(values)
    # the sort (numpy releases the GIL) runs beside the sums on large inputs
    pool = ThreadPoolExecutor(1) if len(values) >= _PARALLEL_FROM else None
    sort_job = pool.submit(_Sorted, keys, values, n_groups, scale) if pool is not None else None
    count, total, squares = _sums(keys, values, n_groups, scale)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = total / count
        var = squares(mean) / (count - 1)
    var[count < 2] = np.nan
    out: dict[str, np.ndarray] = {"count": count, "sum": total, "mean": mean, "stdev": np.sqrt(var)}
    if sort_job is not None and pool is not None:
        sv = sort_job.result()
        pool.shutdown()
    else:
        sv = _Sorted(keys.astype(np.int64, copy=False), values, n_groups, scale)
    starts = np.r_[0, np.cumsum(count)[:-1]]
    has = count > 0
    mn = np.full(n_groups, np.nan)
    mx = np.full(n_groups, np.nan)
    mn[has] = sv.at(starts[has])
    mx[has] = sv.at(starts[has] + count[has] - 1)
    out["min"], out["max"] = mn, mx
    for q in quantiles:
        qv = np.full(n_groups, np.nan)
        h = starts[has] + q * (count[has] - 1)
        lo = np.floor(h).astype(np.int64)
        hi = np.minimum(lo + 1, starts[has] + count[has] - 1)
        low = sv.at(lo)
        qv[has] = low + (sv.at(hi) - low) * (h - lo)
        out[f"q{q}"] = qv
    return out
