"""Allowlists: which applications and windows may be recorded or reported.

An event is allowed when its application matches one of ``apps`` (case
insensitive; shell wildcards such as ``"libreoffice*"``; a trailing ``.exe``
is ignored) **and**, when ``titles`` are given, its window title matches one
of them (regular expressions, searched anywhere in the title). A title never
admits an application on its own: any program can give its window any
title. An allowlist without applications is a
:class:`~taskmining.errors.PrivacyError`: recording needs explicit consent
about what is recorded.

The recorder takes the application name from the process that owns the
window (its executable, see :mod:`taskmining.recorder.backends.x11_window`),
never from names a client sets itself (``WM_CLASS``).

Examples
--------
>>> allow = Allowlist(apps=["excel", "firefox"], titles=[r"\\bJira\\b", r"\\.xlsx$"])
>>> allow.allows("EXCEL.EXE", "Budget.xlsx"), allow.allows("firefox", "PROJ-1 - Jira")
(True, True)
>>> allow.allows("firefox", "Online banking"), allow.allows("bank", "PROJ-1 - Jira")
(False, False)
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from taskmining.errors import ParameterError, PrivacyError

__all__ = ["Allowlist", "normalize_app", "allowlist_mask"]


def normalize_app(name: str | None) -> str | None:
    """The normalised application name: lower case, no ``.exe``, no path.

    Examples
    --------
    >>> normalize_app("C:\\\\Program Files\\\\Microsoft Office\\\\EXCEL.EXE")
    'excel'
    >>> normalize_app("Gedit")
    'gedit'
    """
    if name is None:
        return None
    s = str(name).strip().replace("\\", "/").rsplit("/", 1)[-1].lower()
    if s.endswith(".exe"):
        s = s[:-4]
    return s


@dataclass(frozen=True)
class Allowlist:
    """Applications and title patterns that may be recorded.

    Parameters
    ----------
    apps : iterable of str
        Application names or shell wildcards (``"excel"``, ``"libreoffice*"``).
    titles : iterable of str
        Regular expressions searched in window titles: when given, a window
        must match one of them *as well as* the application.

    Raises
    ------
    PrivacyError
        When ``apps`` is empty.
    ParameterError
        When a title pattern is not a valid regular expression.

    Examples
    --------
    >>> Allowlist(apps=[])
    Traceback (most recent call last):
    ...
    taskmining.errors.PrivacyError: allowlist is empty: name at least one application (--allow APP); nothing is recorded by default
    """

    apps: tuple[str, ...] = ()
    titles: tuple[str, ...] = ()
    _patterns: tuple[re.Pattern[str], ...] = field(default=(), repr=False, compare=False)
    _app_re: re.Pattern[str] | None = field(default=None, repr=False, compare=False)

    def __init__(self, apps: Iterable[str] = (), titles: Iterable[str] = ()) -> None:
        if isinstance(apps, str) or isinstance(titles, str):
            raise ParameterError("allow/allow_title: expected a list of strings, got a single string")
        app_list = tuple(a for a in (normalize_app(x) for x in apps) if a)
        title_list = tuple(str(t) for t in titles if str(t))
        if not app_list and not title_list:
            raise PrivacyError("allowlist is empty: name at least one application (--allow APP); nothing is "
                               "recorded by default")
        if not app_list:
            raise PrivacyError("allowlist: title patterns only narrow allowed applications (any program can "
                               "set any window title); name the application too (--allow APP)")
        patterns = []
        for t in title_list:
            try:
                patterns.append(re.compile(t))
            except re.error as exc:
                raise ParameterError(f"allow_title: {t!r} is not a valid regular expression ({exc})") from None
        app_re = re.compile("|".join(f"(?:{fnmatch.translate(a)})" for a in app_list)) if app_list else None
        object.__setattr__(self, "apps", app_list)
        object.__setattr__(self, "titles", title_list)
        object.__setattr__(self, "_patterns", tuple(patterns))
        object.__setattr__(self, "_app_re", app_re)

    def allows_app(self, app: str | None) -> bool:
        """True when the application alone is allowed.

        Examples
        --------
        >>> Allowlist(apps=["libreoffice*"]).allows_app("libreoffice-calc")
        True
        """
        a = normalize_app(app)
        return bool(a and self._app_re is not None and self._app_re.match(a))

    def allows_title(self, title: str | None) -> bool:
        """True when no title patterns are given or ``title`` matches one.

        Examples
        --------
        >>> Allowlist(apps=["x"]).allows_title(None), Allowlist(apps=["x"], titles=["^A"]).allows_title("B")
        (True, False)
        """
        if not self._patterns:
            return True
        return bool(title) and any(p.search(str(title)) for p in self._patterns)

    def allows(self, app: str | None, title: str | None = None) -> bool:
        """True when the application is allowed and, if titles are given, the title too.

        Examples
        --------
        >>> Allowlist(apps=["erp"], titles=["^Invoice"]).allows("erp", "Invoice 12")
        True
        >>> Allowlist(apps=["erp"], titles=["^Invoice"]).allows("browser", "Invoice 12")
        False
        """
        return self.allows_app(app) and self.allows_title(title)

    def to_dict(self) -> dict[str, list[str]]:
        """The allowlist as stored in a recording's manifest.

        Examples
        --------
        >>> Allowlist(apps=["Excel"]).to_dict()
        {'apps': ['excel'], 'titles': []}
        """
        return {"apps": list(self.apps), "titles": list(self.titles)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Allowlist:
        """Rebuild from :meth:`to_dict` output.

        Examples
        --------
        >>> Allowlist.from_dict({"apps": ["excel"]}).apps
        ('excel',)
        """
        return cls(apps=data.get("apps", ()), titles=data.get("titles", ()))


def allowlist_mask(events: pd.DataFrame, allow: Allowlist, *, app: str = "app",
                   window: str = "window") -> pd.Series:
    """Boolean Series: which rows of an events frame the allowlist allows.

    Each distinct application and each distinct title is tested once.

    Examples
    --------
    >>> import pandas as pd
    >>> ev = pd.DataFrame({"app": ["firefox", "firefox", "bank"],
    ...                    "window": ["PROJ-1 - Jira", "Online banking", "PROJ-1 - Jira"]})
    >>> allowlist_mask(ev, Allowlist(apps=["firefox"], titles=["Jira"])).tolist()
    [True, False, False]
    """
    n = len(events)
    ok = np.zeros(n, dtype=bool)
    if app in events.columns:
        codes, uniques = pd.factorize(events[app].astype(object))
        good = np.array([allow.allows_app(u) for u in uniques] + [False], dtype=bool)
        ok = good[codes]
    if allow._patterns:
        if window not in events.columns:
            return pd.Series(np.zeros(n, dtype=bool), index=events.index, name="allowed")
        codes, uniques = pd.factorize(events[window].astype(object))
        good = np.array([allow.allows_title(u) for u in uniques] + [False], dtype=bool)
        ok &= good[codes]
    return pd.Series(ok, index=events.index, name="allowed")
