"""Progress bars for long work (tqdm), silenced with ``progress=False``.

``progress=None`` (the default of :func:`~taskmining.segment`) means "when a
person is watching": a bar when stderr is a terminal or the code runs in a
Jupyter kernel, none in scripts, pipes, logs and tests.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Sequence
from types import TracebackType
from typing import Any, TypeVar

T = TypeVar("T")

__all__ = ["Stages", "interactive", "progress", "wanted"]


def _tqdm() -> Any:
    """tqdm's notebook widget when ipywidgets is installed, else the text bar (no "IProgress not found" warning)."""
    import importlib.util

    if "ipykernel" in sys.modules and importlib.util.find_spec("ipywidgets") is not None:
        from tqdm.auto import tqdm as widget

        return widget
    from tqdm.std import tqdm as text

    return text


def interactive() -> bool:
    """True when stderr is a terminal or the code runs in a Jupyter (IPython) kernel.

    Examples
    --------
    >>> interactive()  # doctests run with stderr captured
    False
    """
    if "ipykernel" in sys.modules:
        ipython: Any = sys.modules.get("IPython")
        shell = ipython.get_ipython() if ipython is not None else None
        if shell is not None and getattr(shell, "kernel", None) is not None:
            return True
    try:
        return bool(sys.stderr.isatty())
    except (AttributeError, ValueError):  # replaced or closed stderr
        return False


def wanted(progress: bool | None) -> bool:
    """``progress`` resolved: True/False as given, None -> :func:`interactive`.

    Examples
    --------
    >>> wanted(True), wanted(False)
    (True, False)
    """
    return interactive() if progress is None else bool(progress)


def progress(iterable: Iterable[T], *, enabled: bool = True, desc: str | None = None,
             total: int | None = None, unit: str = "it") -> Iterator[T]:
    """Wrap ``iterable`` in a tqdm bar on stderr when ``enabled``.

    The bar hides itself for short work (under a second).

    Examples
    --------
    >>> sum(progress(range(3), enabled=False))
    3
    """
    if not enabled:
        yield from iterable
        return
    yield from _tqdm()(iterable, desc=desc, total=total, unit=unit, mininterval=0.5,
                    delay=1.0, leave=False)


class Stages:
    """A bar over the named stages of one call: ``with Stages(names, ...) as bar: ...; bar.next()``.

    Each :meth:`next` marks the current stage done and shows the name of the
    next one. ``enabled=None`` shows the bar only when :func:`interactive`
    (and only once the work takes over a second); ``True`` always shows it.

    Examples
    --------
    >>> with Stages(["steps", "cases"], enabled=False, desc="segment") as bar:
    ...     bar.next()
    ...     bar.next()
    >>> bar.done
    2
    """

    def __init__(self, names: Sequence[str], *, enabled: bool | None = None, desc: str | None = None) -> None:
        self.names = list(names)
        self.enabled = wanted(enabled)
        self.delay = 0.0 if enabled is True else 1.0
        self.desc = desc
        self.done = 0
        self._bar: Any = None

    def __enter__(self) -> Stages:
        if self.enabled:
            self._bar = _tqdm()(total=len(self.names), desc=self.desc, unit="stage", delay=self.delay, mininterval=0,
                             leave=False, postfix=self.names[0] if self.names else None,
                             bar_format="{desc}: {n_fmt}/{total_fmt} stages |{bar:10}| {elapsed}{postfix}")
        return self

    def next(self) -> None:
        """The current stage is done; the bar names the next one."""
        self.done += 1
        if self._bar is not None:
            if self.done < len(self.names):
                self._bar.set_postfix_str(self.names[self.done], refresh=False)
            self._bar.update(1)

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._bar is not None:
            self._bar.close()
