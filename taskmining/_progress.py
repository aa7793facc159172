"""Progress bars for long work (tqdm), silenced with ``progress=False``."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")


def progress(iterable: Iterable[T], *, enabled: bool = True, desc: str | None = None,
             total: int | None = None, unit: str = "it") -> Iterator[T]:
    """Wrap ``iterable`` in a tqdm bar on stderr when ``enabled``.

    The bar hides itself for short work (under a second) and when stderr is
    not a terminal and ``enabled`` is ``"auto"``-like falsy.

    Examples
    --------
    >>> sum(progress(range(3), enabled=False))
    3
    """
    if not enabled:
        yield from iterable
        return
    from tqdm.auto import tqdm

    yield from tqdm(iterable, desc=desc, total=total, unit=unit, mininterval=0.5,
                    delay=1.0, leave=False)
