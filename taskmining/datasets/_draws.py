"""The random draws a routine model makes, over either random source the generators use.

Sampling a routine (:meth:`~taskmining.datasets._model.Node.walk`) asks for
a few kinds of draw: a uniform number, a weighted pick, a count between two
bounds, a shuffle, two distinct positions. The desktop simulator draws them
from Python's :class:`random.Random`, the UI-log and steps generators from a
numpy :class:`~numpy.random.Generator`; the two adapters here give both the
same interface, so one model serves every generator and each keeps the
stream of draws it has always made (same seed, same output).

Examples
--------
>>> import random
>>> import numpy as np
>>> as_draws(random.Random(0)).between(1, 3) in (1, 2, 3)
True
>>> NumpyDraws(np.random.default_rng(0)).pick([1.0, 1.0, 1.0]) in (0, 1, 2)
True
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np

__all__ = ["Draws", "PythonDraws", "NumpyDraws", "as_draws"]


class Draws(Protocol):
    """What sampling a routine model draws; ``rng`` is the underlying generator (for field contents)."""

    rng: Any

    def random(self) -> float:
        """A uniform number in [0, 1)."""

    def pick(self, weights: Sequence[float]) -> int:
        """An index drawn with the given weights."""

    def between(self, lo: int, hi: int) -> int:
        """A uniform integer in [lo, hi]."""

    def shuffle(self, items: list[Any]) -> None:
        """Shuffle a list in place."""

    def two(self, n: int) -> tuple[int, int]:
        """Two distinct positions out of ``n``."""


class PythonDraws:
    """:class:`Draws` from :class:`random.Random` (the desktop simulator's source)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def random(self) -> float:
        return self.rng.random()

    def pick(self, weights: Sequence[float]) -> int:
        return self.rng.choices(range(len(weights)), weights)[0]

    def between(self, lo: int, hi: int) -> int:
        return self.rng.randint(lo, hi)

    def shuffle(self, items: list[Any]) -> None:
        self.rng.shuffle(items)

    def two(self, n: int) -> tuple[int, int]:
        i, j = self.rng.sample(range(n), 2)
        return i, j


class NumpyDraws:
    """:class:`Draws` from a numpy generator (the UI-log, steps and conformance generators' source).

    A pick with equal weights is ``rng.integers(n)``, one with unequal weights
    ``rng.choice(n, p=...)``.
    """

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng

    def random(self) -> float:
        return float(self.rng.random())

    def pick(self, weights: Sequence[float]) -> int:
        if len(set(weights)) == 1:
            return int(self.rng.integers(len(weights)))
        p = np.asarray(weights, dtype=float)
        return int(self.rng.choice(len(weights), p=p / p.sum()))

    def between(self, lo: int, hi: int) -> int:
        return int(self.rng.integers(lo, hi + 1))

    def shuffle(self, items: list[Any]) -> None:
        self.rng.shuffle(items)

    def two(self, n: int) -> tuple[int, int]:
        i, j = self.rng.choice(n, size=2, replace=False)
        return int(i), int(j)


def as_draws(source: random.Random | np.random.Generator | Draws) -> Draws:
    """Wrap a random source (``random.Random`` or a numpy generator) as :class:`Draws`.

    Examples
    --------
    >>> type(as_draws(np.random.default_rng(1))).__name__
    'NumpyDraws'
    """
    if isinstance(source, random.Random):
        return PythonDraws(source)
    if isinstance(source, np.random.Generator):
        return NumpyDraws(source)
    return source
