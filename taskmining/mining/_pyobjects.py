"""Building many Python objects at once (the tuples, dicts and floats mining returns).

Every container Python creates counts towards the cyclic garbage
collector's next run, and a run walks every tracked object of the process.
A result of tens of thousands of tuples or dicts (a variant table, a
performance DFG) sets off several such runs while it is built, in a
process that holds large frames: that walking took about half the time of
building the objects. The objects built here hold only strings and
numbers, so they cannot form cycles and the collector has nothing to find
in them; :func:`paused_gc` switches it off for the length of the build and
back on after (if it was on), also after an error.

Examples
--------
>>> import gc
>>> with paused_gc():
...     rows = [tuple(range(3)) for _ in range(10)]
...     gc.isenabled()
False
>>> gc.isenabled()
True
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["paused_gc"]


@contextmanager
def paused_gc() -> Iterator[None]:
    """The cyclic garbage collector off inside the block, restored on exit.

    Examples
    --------
    >>> with paused_gc():
    ...     pairs = {(a, a + 1): a for a in range(5)}
    >>> len(pairs)
    5
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
