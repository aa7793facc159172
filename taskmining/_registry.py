"""One small lazy registry of named plug-ins, shared by segmenters, reader formats and recorder backends.

A :class:`Registry` maps names to objects. Built-in entries are given as
``"module:attribute"`` strings and imported on first use, so listing the
names never imports an algorithm. Third-party packages add entries through an
entry-point group (``[project.entry-points."taskmining.segmenters"]`` and so
on), read on first use and again with :meth:`Registry.reload`; code adds them
with :meth:`Registry.register`, which also works as a decorator.

Order is part of the contract: :meth:`Registry.names` gives the built-ins in
the order they were declared, then registered and entry-point names in the
order they arrived. Reader detection uses that order (see
:mod:`taskmining.io.registry`).

Examples
--------
>>> reg = Registry("colour", group=None, builtins={"red": "builtins:str"})
>>> reg.names()
['red']
>>> _ = reg.register("blue", int)
>>> reg.get("blue") is int, reg.origin("red")
(True, 'builtin')
>>> reg.get("green")
Traceback (most recent call last):
...
taskmining.errors.ParameterError: unknown colour 'green'; known: red, blue
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from importlib.metadata import entry_points
from typing import Any, Generic, TypeVar

from taskmining.errors import ParameterError, TaskminingError

__all__ = ["Registry"]

T = TypeVar("T")


class Registry(Generic[T]):
    """Named plug-ins of one kind.

    Parameters
    ----------
    kind : str
        What an entry is, for messages (``"segmenter"``, ``"format"``).
    group : str or None
        The entry-point group read for third-party entries; None for none.
    builtins : dict of str to str
        Built-in name -> ``"module:attribute"``, in their documented order.
    check : callable, optional
        ``check(obj, name)`` returns the object to store or raises
        :class:`~taskmining.errors.ParameterError`; runs on every entry when it is
        registered or loaded.
    load_error : type, default TaskminingError
        The error raised when an entry cannot be imported (a broken plug-in
        must not break listing or the command line, so callers catch it).

    Examples
    --------
    >>> reg = Registry("number", group=None, builtins={})
    >>> @reg.register("one")
    ... def one():
    ...     return 1
    >>> reg.get("one")()
    1
    """

    def __init__(self, kind: str, *, group: str | None, builtins: dict[str, str],
                 check: Callable[[Any, str], T] | None = None,
                 load_error: type[TaskminingError] = TaskminingError) -> None:
        self.kind = kind
        self.group = group
        self._builtins = dict(builtins)
        self._check = check
        self._load_error = load_error
        self._registered: dict[str, T | str] = {}
        self._imported: dict[str, T] = {}
        self._plugins: set[str] = set()
        self._loaded_entry_points = group is None

    def register(self, name: str, obj: Any = None, *, replace: bool = False) -> Any:
        """Add ``obj`` as ``name`` (a decorator when ``obj`` is omitted); returns ``obj``.

        ``obj`` may be a ``"module:attribute"`` string, imported (and checked)
        on first use like a built-in.

        Examples
        --------
        >>> reg = Registry("thing", group=None, builtins={"a": "builtins:str"})
        >>> reg.register("a", int)
        Traceback (most recent call last):
        ...
        taskmining.errors.ParameterError: a thing named 'a' is already registered
        """

        def add(value: Any) -> Any:
            lazy = isinstance(value, str)
            checked = self._check(value, name) if self._check is not None and not lazy else value
            self._load_entry_points()
            if not replace and (name in self._builtins or name in self._registered):
                raise ParameterError(f"a {self.kind} named {name!r} is already registered")
            self._registered[name] = checked
            self._plugins.discard(name)
            return value

        return add if obj is None else add(obj)

    def unregister(self, name: str) -> None:
        """Remove an entry added with :meth:`register` or an entry point (built-ins stay).

        Examples
        --------
        >>> reg = Registry("thing", group=None, builtins={})
        >>> _ = reg.register("a", int); reg.unregister("a"); reg.names()
        []
        """
        self._registered.pop(name, None)
        self._plugins.discard(name)

    def _load_entry_points(self) -> None:
        if self._loaded_entry_points:
            return
        self._loaded_entry_points = True
        for ep in entry_points(group=self.group or ""):
            if ep.name not in self._builtins and ep.name not in self._registered:
                self._registered[ep.name] = ep.value
                self._plugins.add(ep.name)

    def reload(self) -> list[str]:
        """Read the entry points again (after installing a plug-in); returns the plug-in names.

        Entries added with :meth:`register` are kept.

        Examples
        --------
        >>> Registry("thing", group="taskmining.none", builtins={}).reload()
        []
        """
        for name in self._plugins:
            self._registered.pop(name, None)
        self._plugins.clear()
        self._loaded_entry_points = self.group is None
        self._load_entry_points()
        return sorted(self._plugins)

    def names(self) -> list[str]:
        """Built-in names in declared order, then the others in arrival order."""
        self._load_entry_points()
        return [*self._builtins, *(n for n in self._registered if n not in self._builtins)]

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name in self.names()

    def origin(self, name: str) -> str:
        """``"builtin"``, ``"registered"`` or ``"entry point"``."""
        self._load_entry_points()
        if name in self._plugins:
            return "entry point"
        return "registered" if name in self._registered else "builtin"

    def target(self, name: str) -> str:
        """Where ``name`` comes from, as text (``"module:attribute"`` or the object's qualified name)."""
        value = self._registered.get(name, self._builtins.get(name))
        if isinstance(value, str) or value is None:
            return str(value)
        return f"{getattr(value, '__module__', '?')}.{getattr(value, '__qualname__', type(value).__name__)}"

    def get(self, name: str) -> T:
        """The object registered as ``name``, imported on first use.

        Raises
        ------
        ParameterError
            For an unknown name (the message lists the known ones).
        TaskminingError
            (the registry's ``load_error``) when the entry cannot be imported.
        """
        self._load_entry_points()
        if name in self._registered:
            value = self._registered[name]
        elif name in self._builtins:
            value = self._builtins[name]
        else:
            raise ParameterError(f"unknown {self.kind} {name!r}; known: {', '.join(self.names())}")
        if not isinstance(value, str):
            return value
        if value not in self._imported:
            self._imported[value] = self._import(value, name)
        return self._imported[value]

    def _import(self, target: str, name: str) -> T:
        modname, _, attr = target.partition(":")
        try:
            obj: Any = importlib.import_module(modname)
            for part in attr.split(".") if attr else []:
                obj = getattr(obj, part)
        except Exception as exc:  # noqa: BLE001 - report any import failure of a plug-in as one error
            raise self._load_error(f"{self.kind} {name!r} ({target}) could not be loaded: "
                                   f"{type(exc).__name__}: {exc}") from exc
        if self._check is None:
            return obj
        try:
            return self._check(obj, name)
        except ParameterError as exc:
            raise self._load_error(f"{self.kind} {name!r} ({target}): {exc}") from exc
