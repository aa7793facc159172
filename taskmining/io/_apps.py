"""Application names: one short lowercase name per program, from process names, product names or window titles.

Recorders name the application in many ways: a process (``EXCEL.EXE``,
``soffice.bin``), a product (``Microsoft Excel``) or, where the recorder had
nothing better, the window title (``Book1 - Excel``, ``Inbox - anna@x.org -
Outlook``, ``Einzelauftrag - Personal - Microsoft\u200b Edge``). :func:`normalise_app`
maps all of them onto one name (``excel``, ``outlook``, ``edge``):

1. invisible format characters (zero-width spaces) are removed, spaces
   collapsed, case folded, and a ``.exe``/``.bin``/``.app`` ending dropped;
2. a name in :data:`APP_NAMES` is replaced by its short form;
3. a value with `` - `` separators is a window title: the application is its
   last part (where Windows puts it), looked up the same way;
   :func:`app_and_title` also returns the title, so that a reader keeps it as
   the window and a title never becomes the application name.

Examples
--------
>>> normalise_app(pd.Series(["EXCEL.EXE", "Book1 - Excel", "Presentation2 - PowerPoint",
...                          "Inbox - a@b.de - Outlook", "x - Personal - Microsoft\\u200b Edge"])).tolist()
['excel', 'excel', 'powerpoint', 'outlook', 'edge']
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from taskmining.schema import STRING_DTYPE

__all__ = ["APP_NAMES", "app_and_title", "normalise_app"]

#: Application names as UI logs spell them (lowercase, without ``.exe``) -> our short names.
APP_NAMES: dict[str, str] = {
    "chrome": "chrome", "google chrome": "chrome", "chromium": "chrome", "web": "chrome",
    "firefox": "firefox", "mozilla firefox": "firefox",
    "edge": "edge", "microsoft edge": "edge", "msedge": "edge", "opera": "opera",
    "excel": "excel", "microsoft excel": "excel",
    "word": "word", "microsoft word": "word", "winword": "word",
    "powerpoint": "powerpoint", "microsoft powerpoint": "powerpoint", "powerpnt": "powerpoint",
    "outlook": "outlook", "microsoft outlook": "outlook",
    "teams": "teams", "microsoft teams": "teams", "msteams": "teams", "ms-teams": "teams",
    "onenote": "onenote", "microsoft onenote": "onenote",
    "explorer": "explorer", "windows explorer": "explorer", "file explorer": "explorer",
    "notepad": "notepad", "notepad++": "notepad++",
    "windowsterminal": "terminal", "windows terminal": "terminal", "cmd": "terminal",
    "skype": "skype", "sublimetext": "sublime_text", "sublime_text": "sublime_text",
    "visualstudiocode": "vscode", "visual studio code": "vscode", "code": "vscode",
    "acrord32": "acrobat", "acrobat": "acrobat", "adobe acrobat reader": "acrobat",
    "soffice": "libreoffice", "scalc": "libreoffice", "swriter": "libreoffice",
    "saplogon": "sap", "sap logon": "sap", "saplgpad": "sap",
    "os-clipboard": "clipboard", "clipboard": "clipboard",
}
_FORMAT_CHARS = re.compile("[\u200b-\u200f\u2060-\u2064\ufeff\u00ad]")
_SPACES = re.compile(r"\s+")
_SUFFIX = re.compile(r"\.(?:exe|bin|app)$")
_TITLE_SEP = " - "


def _clean(value: Any) -> str:
    text = unicodedata.normalize("NFKC", _FORMAT_CHARS.sub("", str(value)))
    return _SUFFIX.sub("", _SPACES.sub(" ", text).strip().casefold())


def _one(value: Any, table: Mapping[str, str]) -> tuple[str, str | None]:
    """(application, title or None) of one raw value."""
    key = _clean(value)
    hit = table.get(key)
    if hit is not None:
        return hit, None
    if _TITLE_SEP in key:
        last = key.rsplit(_TITLE_SEP, 1)[1].strip().replace("?", " ").strip()  # '?': a lost invisible char
        last = _SPACES.sub(" ", last)
        return table.get(last, last), str(value)
    return key, None


def app_and_title(values: pd.Series, known: Mapping[str, str] | None = None) -> tuple[pd.Series, pd.Series]:
    """The normalised application of each value, and the value itself where it was a window title.

    Examples
    --------
    >>> app, title = app_and_title(pd.Series(["Microsoft Excel", "Book1 - Excel", None]))
    >>> app.tolist(), title.tolist()
    (['excel', 'excel', nan], [nan, 'Book1 - Excel', nan])
    """
    table = {**APP_NAMES, **(known or {})}
    codes, uniques = pd.factorize(values.astype(object), use_na_sentinel=True)
    pairs = [_one(u, table) for u in uniques]
    apps = np.array([a for a, _ in pairs] + [None], dtype=object)
    titles = np.array([t for _, t in pairs] + [None], dtype=object)
    return (pd.Series(apps[codes], index=values.index, dtype=STRING_DTYPE),
            pd.Series(titles[codes], index=values.index, dtype=STRING_DTYPE))


def normalise_app(values: pd.Series, known: Mapping[str, str] | None = None) -> pd.Series:
    """Application names to the lowercase short form (``"Microsoft Excel"`` -> ``"excel"``).

    Examples
    --------
    >>> normalise_app(pd.Series(["Chrome", "Microsoft Excel", "EXCEL.EXE", "My App"])).tolist()
    ['chrome', 'excel', 'excel', 'my app']
    """
    return app_and_title(values, known)[0]
