"""Lazy package attributes declared by the package's own ``if TYPE_CHECKING:`` imports.

A package that wants a cheap ``import`` lists its public names as ordinary
imports inside ``if TYPE_CHECKING:`` (type checkers and IDEs read them as
explicit re-exports) and calls :func:`attach`, which reads that block from
the package's source once and serves each name on first access. One list
serves both the type checker and the runtime, so they cannot drift apart.

Examples
--------
>>> import taskmining as tm
>>> tm.segment.__module__                   # a real function, with its own signature
'taskmining.segmentation.apply'
>>> "read_events" in dir(tm)
True
"""

from __future__ import annotations

import ast
import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["attach", "declared_names"]


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _resolve(package: str, module: str | None, level: int) -> str:
    if not level:
        return module or ""
    base = package.split(".")[: len(package.split(".")) - (level - 1)]
    return ".".join([*base, *([module] if module else [])])


def declared_names(package: str, source: str) -> dict[str, tuple[str, str | None]]:
    """Public name -> (module, attribute or None for a module) from the ``TYPE_CHECKING`` block.

    Examples
    --------
    >>> src = "if TYPE_CHECKING:\\n    from a.b import f as f\\n    from a import c as c\\n"
    >>> declared_names("a", src)
    {'f': ('a.b', 'f'), 'c': ('a.c', None)}
    """
    out: dict[str, tuple[str, str | None]] = {}
    for node in ast.parse(source).body:
        if not (isinstance(node, ast.If) and _is_type_checking(node.test)):
            continue
        for stmt in node.body:
            if isinstance(stmt, ast.ImportFrom):
                origin = _resolve(package, stmt.module, stmt.level)
                for alias in stmt.names:  # ``from <package> import sub`` names a subpackage
                    out[alias.asname or alias.name] = ((f"{origin}.{alias.name}", None) if origin == package
                                                       else (origin, alias.name))
            elif isinstance(stmt, ast.Import):
                for alias in stmt.names:
                    out[alias.asname or alias.name.rsplit(".", 1)[-1]] = (alias.name, None)
    return out


def attach(package: str, file: str, *, eager: dict[str, Any] | None = None
           ) -> tuple[Callable[[str], Any], Callable[[], list[str]], list[str]]:
    """``__getattr__``, ``__dir__`` and ``__all__`` for ``package`` (call with ``__name__, __file__``).

    ``eager`` holds names the package defines itself (they are listed in
    ``__all__`` too).
    """
    names = declared_names(package, Path(file).read_text(encoding="utf-8"))
    namespace = importlib.import_module(package).__dict__
    public = sorted({*names, *(eager or {})})

    def __getattr__(name: str) -> Any:
        try:
            module, attr = names[name]
        except KeyError:
            raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
        value = importlib.import_module(module)
        if attr is not None:
            value = getattr(value, attr) if hasattr(value, attr) else importlib.import_module(f"{module}.{attr}")
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return public

    return __getattr__, __dir__, public
