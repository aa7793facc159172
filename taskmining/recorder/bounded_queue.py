"""The bounded queue between capture and the writer thread.

Capture threads call :meth:`BoundedQueue.put`, which never blocks: when the
queue is full the item is dropped and counted, and the writer records the
loss as an ``other``/``queue_overflow`` record, so nothing is lost silently.

Examples
--------
>>> q = BoundedQueue(2)
>>> [q.put(i) for i in range(3)]
[True, True, False]
>>> q.get_all(timeout=0), q.take_dropped()
([0, 1], (1, ...))
"""

from __future__ import annotations

import threading
import time
from collections import deque
from typing import Any

__all__ = ["BoundedQueue"]


class BoundedQueue:
    """A thread-safe FIFO of at most ``maxsize`` items with a drop counter.

    Parameters
    ----------
    maxsize : int
        Items held at most; further puts are dropped and counted.

    Examples
    --------
    >>> q = BoundedQueue(10); q.put("a"); q.close()
    True
    >>> q.get_all(timeout=1), q.closed
    (['a'], True)
    """

    def __init__(self, maxsize: int) -> None:
        self.maxsize = int(maxsize)
        self._items: deque[Any] = deque()
        self._cond = threading.Condition(threading.Lock())
        self._dropped = 0
        self._first_drop: float | None = None
        self.closed = False

    def put(self, item: Any) -> bool:
        """Append ``item``; False (and counted) when full or closed. Never blocks on I/O."""
        with self._cond:
            if self.closed or len(self._items) >= self.maxsize:
                self._dropped += 1
                if self._first_drop is None:
                    self._first_drop = time.time()
                return False
            self._items.append(item)
            self._cond.notify()
            return True

    def get_all(self, timeout: float) -> list[Any]:
        """Wait up to ``timeout`` seconds for items; return (and remove) all of them."""
        with self._cond:
            if not self._items and not self.closed and timeout > 0:
                self._cond.wait(timeout)
            items = list(self._items)
            self._items.clear()
            return items

    def take_dropped(self) -> tuple[int, float | None]:
        """(items dropped since the last call, time of the first of them); resets the count."""
        with self._cond:
            n, first = self._dropped, self._first_drop
            self._dropped, self._first_drop = 0, None
            return n, first

    def close(self) -> None:
        """Refuse further puts and wake the consumer."""
        with self._cond:
            self.closed = True
            self._cond.notify_all()

    def __len__(self) -> int:
        with self._cond:
            return len(self._items)
