"""Noise on released team aggregates, so that two releases cannot be differenced.

Two tables that each pass the group-size threshold, over a team and over the
same team without one person, give that person's case count and handling
time by subtraction. Every team aggregate is therefore released with Laplace
noise on its numbers (:func:`perturb_release`), calibrated as in
differential privacy to *one person's share* of each cell:

- a count ``v`` of a cell of ``n`` people gets noise of scale
  ``max(1, v / n) / epsilon`` (rounded, never below 0);
- a mean, median, total, rate or share ``v`` gets scale
  ``|v| / (n * epsilon)`` (never below 0; shares stay within [0, 1]);
- the number of people of a cell gets scale ``1 / epsilon`` (rounded, never
  below the cell threshold);
- structural columns (``rank``, ``length``) and labels are left as they are;
- derived columns follow their noisy inputs, so a table stays consistent:
  a variant's ``share`` its ``count``, ``coverage`` the shares, a
  candidate's ``score`` its weighted components (``attrs["weights"]``), and
  ``rank`` the score (rows re-sorted).

The noise is **seeded by the table itself** (a SHA-256 digest of the exact
aggregate before noise and of the output's name): computing the same release
twice gives the same numbers, so re-running a report does not average the
noise away, while any change in the data behind a table (one person more or
less) draws fresh noise for every cell of it. The difference of two
neighbouring releases is then the true difference plus the difference of
two independent noises of about one person's share: a person's case count
and mean handling time cannot be read off it.

``epsilon`` is :data:`DEFAULT_EPSILON` (1.0) unless
``$TASKMINING_RELEASE_EPSILON`` says otherwise (``off`` disables the noise;
so does ``min_group_size=1``, the explicit opt-out of the whole team policy).

What it is not: a formal differential-privacy guarantee. The scale uses the
cell's *average* person, so a person with many times the average share is
hidden less; an attacker with many releases over cohorts that each differ
in other people can average independent noises (error shrinking as one over
the square root of the number of such pairs); someone who knows every other
person's exact data can recompute the seed for each guess of the victim's.
Against those, use the release ledger (:mod:`taskmining.privacy.release`).

Examples
--------
>>> import pandas as pd
>>> t = pd.DataFrame({"task": ["invoice", "refund"], "cases": [40, 12], "users": [8, 5],
...                   "handling_time_mean": [95.0, 300.0]})
>>> a = perturb_release(t.copy(), what="task_metrics", min_people=3)
>>> b = perturb_release(t.copy(), what="task_metrics", min_people=3)
>>> a.equals(b), a.equals(t), a["task"].tolist()
(True, False, ['invoice', 'refund'])
"""

from __future__ import annotations

import hashlib
import os

import networkx as nx
import numpy as np
import pandas as pd

from taskmining.errors import ParameterError

__all__ = ["DEFAULT_EPSILON", "EPSILON_ENV", "STRUCTURAL", "perturb_graph", "perturb_release", "release_epsilon"]

#: Privacy parameter of the noise: scale one person's share divided by this.
DEFAULT_EPSILON = 1.0

#: Environment variable overriding :data:`DEFAULT_EPSILON` (a positive number, or ``off``).
EPSILON_ENV = "TASKMINING_RELEASE_EPSILON"

#: Numeric columns that describe a cell rather than the people in it.
STRUCTURAL = frozenset({"rank", "length"})

_LABEL = b"taskmining-release-noise-v1\x00"


def release_epsilon(value: float | str | None = None) -> float | None:
    """The noise parameter: ``value``, else ``$TASKMINING_RELEASE_EPSILON``, else 1.0; ``None`` means off.

    Examples
    --------
    >>> release_epsilon(2), release_epsilon("off"), release_epsilon("0.5")
    (2.0, None, 0.5)
    >>> release_epsilon("-1")
    Traceback (most recent call last):
    ...
    taskmining.errors.ParameterError: TASKMINING_RELEASE_EPSILON must be a positive number or 'off', got '-1'
    """
    raw = value if value is not None else os.environ.get(EPSILON_ENV) or DEFAULT_EPSILON
    if isinstance(raw, str) and raw.strip().lower() in ("off", "none"):
        return None
    try:
        eps = float(raw)
    except (TypeError, ValueError):
        eps = -1.0
    if not np.isfinite(eps) or eps <= 0:
        raise ParameterError(f"{EPSILON_ENV} must be a positive number or 'off', got {raw!r}")
    return eps


def _seed(table: pd.DataFrame, what: str) -> np.random.Generator:
    text = table.to_csv(index=False, float_format="%.17g")
    digest = hashlib.sha256(_LABEL + what.encode("utf-8") + b"\x00" + text.encode("utf-8")).digest()
    return np.random.default_rng(int.from_bytes(digest[:16], "big"))


def _laplace(rng: np.random.Generator, scale: np.ndarray) -> np.ndarray:
    return rng.laplace(0.0, 1.0, size=len(scale)) * scale


def _rescore(result: pd.DataFrame) -> None:
    """``score`` from the noisy weighted components, ``rank`` from the score (rows re-sorted in place)."""
    weights = result.attrs.get("weights")
    if "score" not in result.columns or not isinstance(weights, dict) or not weights:
        return
    if not all(c in result.columns for c in weights):
        return
    total = float(sum(weights.values()))
    score = sum(float(w) * result[c].clip(0, 1).to_numpy(dtype="float64") for c, w in weights.items())
    result["score"] = 100 * np.asarray(score) / total if total > 0 else result["score"]
    if "rank" in result.columns:
        order = np.argsort(-result["score"].to_numpy(dtype="float64"), kind="stable")
        for col in result.columns:
            result[col] = result[col].to_numpy()[order]
        result["rank"] = np.arange(1, len(result) + 1)


def perturb_release(result: pd.DataFrame, *, what: str, min_people: int, users_col: str = "users",
                    epsilon: float | str | None = None) -> pd.DataFrame:
    """Add the release noise to the numbers of ``result`` (changed in place and returned; see the module).

    Parameters
    ----------
    result : pandas.DataFrame
        A team aggregate, one row per released cell, owned by the caller.
    what : str
        The output's name (part of the seed).
    min_people : int
        The cell threshold: the fewest people a released cell has; used as
        the number of people when ``users_col`` is missing (the most noise).
    epsilon : float or str, optional
        See :func:`release_epsilon`.

    Returns
    -------
    pandas.DataFrame
        ``result``, with ``attrs["noise"]`` describing the noise (or ``"off"``).

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"variant": ["a → b"], "length": [2], "count": [30], "users": [6],
    ...                   "share": [1.0], "coverage": [1.0]})
    >>> out = perturb_release(t, what="variants", min_people=3)
    >>> int(out.loc[0, "length"]), bool(out.loc[0, "users"] >= 3), bool(0 <= out.loc[0, "share"] <= 1)
    (2, True, True)
    >>> perturb_release(pd.DataFrame({"cases": [5]}), what="x", min_people=3, epsilon="off").attrs["noise"]
    'off'
    """
    eps = release_epsilon(epsilon)
    if eps is None or result.empty:
        result.attrs["noise"] = "off" if eps is None else f"laplace, epsilon={eps:g}, per person's share"
        return result
    rng = _seed(result, what)
    people = (pd.to_numeric(result[users_col], errors="coerce").to_numpy(dtype="float64")
              if users_col in result.columns else np.full(len(result), float(min_people)))
    people = np.where(np.isfinite(people), np.maximum(people, float(min_people)), float(min_people))
    unit = {"frequency", "coverage", *(result.attrs.get("weights") or {})}  # columns within [0, 1]
    before = {c: result[c].to_numpy(dtype="float64", na_value=np.nan) for c in ("count", "share")
              if c in result.columns and pd.api.types.is_numeric_dtype(result[c])}
    for col in result.columns:
        s = result[col]
        if col in STRUCTURAL or pd.api.types.is_bool_dtype(s) or not pd.api.types.is_numeric_dtype(s):
            continue
        if col == "coverage" and "share" in before:
            continue  # recomputed from the noisy shares below
        v = s.to_numpy(dtype="float64", na_value=np.nan)
        if col == users_col:
            noisy = np.maximum(np.rint(v + _laplace(rng, np.full(len(v), 1.0 / eps))), float(min_people))
        elif pd.api.types.is_integer_dtype(s):
            noisy = np.maximum(np.rint(v + _laplace(rng, np.maximum(1.0, np.abs(v) / people) / eps)), 0.0)
        elif col == "share" and "count" in before:
            noisy = v  # follows the noisy count below
        else:
            noisy = v + _laplace(rng, np.nan_to_num(np.abs(v) / (people * eps)))
            finite = v[np.isfinite(v)]
            if finite.size and finite.min() >= 0:
                noisy = np.maximum(noisy, 0.0)
                if finite.max() <= 1 and (col.endswith("share") or col in unit):
                    noisy = np.minimum(noisy, 1.0)
        noisy = np.where(np.isfinite(v), noisy, v)
        result[col] = pd.array(noisy, dtype=s.dtype) if pd.api.types.is_integer_dtype(s) else noisy
    if "share" in before and "count" in before:
        ratio = np.divide(result["count"].to_numpy(dtype="float64"), before["count"],
                          out=np.ones(len(result)), where=before["count"] > 0)
        result["share"] = np.clip(before["share"] * ratio, 0.0, 1.0)
    if "share" in before and "coverage" in result.columns:
        cov = result["coverage"].to_numpy(dtype="float64", na_value=np.nan)
        result["coverage"] = np.clip(cov - np.cumsum(before["share"]) + np.cumsum(result["share"]), 0.0, 1.0)
    _rescore(result)
    result.attrs["noise"] = f"laplace, epsilon={eps:g}, per person's share"
    return result



def perturb_graph(graph: nx.DiGraph, *, what: str, min_people: int, epsilon: float | str | None = None
                  ) -> nx.DiGraph:
    """The release noise on the numeric attributes of a released map or graph (changed in place, returned).

    Node and edge attributes are perturbed as the columns of a table
    (:func:`perturb_release`), one table of nodes and one of edges, with
    each cell's ``users`` as its number of people; edge ``share`` is then
    recomputed over the noisy counts. For a map's edge counts, which give a
    task type's case count (its start edges) by differencing just as a
    table does.

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.DiGraph()
    >>> g.add_edge("a", "b", count=40, users=8, share=0.8)
    >>> g.add_edge("b", "c", count=10, users=4, share=0.2)
    >>> out = perturb_graph(g, what="map", min_people=3)
    >>> round(sum(d["share"] for _, _, d in out.edges(data=True)), 6), out.graph["noise"][:7]
    (1.0, 'laplace')
    """
    for kind, items in (("nodes", list(graph.nodes(data=True))),
                        ("edges", [((a, b), d) for a, b, d in graph.edges(data=True)])):
        if not items:
            continue
        table = pd.DataFrame([d for _, d in items]).drop(columns="share", errors="ignore")
        numeric = [c for c in table.columns if pd.api.types.is_numeric_dtype(table[c])]
        if not numeric:
            continue
        table = table[numeric].assign(_cell=[str(key) for key, _ in items])
        noisy = perturb_release(table, what=f"{what}.{kind}", min_people=min_people, epsilon=epsilon)
        for (key, data), (_, row) in zip(items, noisy.iterrows(), strict=True):
            data.update({c: (int(row[c]) if pd.api.types.is_integer_dtype(noisy[c]) else float(row[c]))
                         for c in numeric if c in data and pd.notna(row[c])})
        graph.graph["noise"] = noisy.attrs["noise"]
    total = float(sum(d.get("count", 0) for _, _, d in graph.edges(data=True)))
    for _, _, d in graph.edges(data=True):
        if "share" in d:
            d["share"] = d.get("count", 0) / total if total else 0.0
    return graph
