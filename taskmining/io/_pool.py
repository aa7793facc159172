"""The Arrow memory pool the readers allocate from while they run.

pyarrow's default pool is mimalloc in current wheels. On the native
reader's pattern (parse threads allocating large buffers that another thread
frees, piece after piece), jemalloc took 15-20 % less CPU time on 10M
records here (docs/benchmarks.md). The readers therefore switch the
process's default pool to jemalloc for the duration of a read, when this
pyarrow build has it, and put the previous one back afterwards. Arrays keep
a reference to the pool they came from, so nothing else changes.

``TASKMINING_ARROW_POOL`` (``jemalloc``, ``mimalloc``, ``system`` or
``default``: leave the pool alone) overrides the choice.

Examples
--------
>>> import pyarrow as pa
>>> before = pa.default_memory_pool().backend_name
>>> with reading_pool():
...     pass
>>> pa.default_memory_pool().backend_name == before
True
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pyarrow as pa

from taskmining.errors import ParameterError

__all__ = ["ENV", "reader_pool", "reading_pool"]

ENV = "TASKMINING_ARROW_POOL"
_POOLS: dict[str, Callable[[], pa.MemoryPool]] = {
    "jemalloc": pa.jemalloc_memory_pool, "mimalloc": pa.mimalloc_memory_pool,
    "system": pa.system_memory_pool, "default": pa.default_memory_pool,
}


def reader_pool() -> pa.MemoryPool:
    """The pool named by ``TASKMINING_ARROW_POOL`` (default jemalloc), or Arrow's default where it is missing.

    Raises
    ------
    ParameterError
        The variable names no pool.
    """
    name = os.environ.get(ENV, "jemalloc").strip().lower() or "jemalloc"
    if name not in _POOLS:
        raise ParameterError(f"{ENV}={name!r}: use one of {', '.join(_POOLS)}")
    try:
        return _POOLS[name]()
    except NotImplementedError:  # this pyarrow build has no such allocator
        return pa.default_memory_pool()


@contextmanager
def reading_pool() -> Iterator[pa.MemoryPool]:
    """Make :func:`reader_pool` Arrow's default pool inside the block."""
    pool = reader_pool()
    previous = pa.default_memory_pool()
    if pool.backend_name == previous.backend_name:
        yield pool
        return
    pa.set_memory_pool(pool)
    try:
        yield pool
    finally:
        pa.set_memory_pool(previous)
