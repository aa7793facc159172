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
   last part (where Windows puts it), looked up the same way, else a known
   application named in an earlier part (``Anaconda Prompt - python main.py``
   -> ``terminal``);
4. a value with spaces that is not a known name but starts with one is a
   window title of that application (``Outlook Send/Receive Progress`` ->
   ``outlook``); the names a file itself uses for applications count as known
   (``Citavi 6 Startfenster`` -> ``citavi`` in a file that also says ``Citavi``);
5. a title whose form names its program (File Explorer's ``Search Results in
   Documents`` -> ``explorer``);
6. a standard dialog title (:data:`DIALOG_TITLES`: ``Open``, ``Save As``,
   ``Print`` ...) and a value equal to the row's own window title (when the
   reader passes ``titles``) are titles without an application: the app is
   missing, and a reader gives such rows the application of the event before
   them (a dialog or folder window opened from it).

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

__all__ = ["APP_NAMES", "DIALOG_TITLES", "app_and_title", "normalise_app"]

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
    "openoffice calc": "openoffice", "openoffice writer": "openoffice", "openoffice": "openoffice",
    "anaconda prompt": "terminal", "command prompt": "terminal", "eingabeaufforderung": "terminal",
    "powershell": "terminal", "windows powershell": "terminal",
    "onedrive": "onedrive", "microsoft onedrive": "onedrive",
}

#: Titles of the standard Windows dialogs (English and German): a window, never an application.
DIALOG_TITLES: frozenset[str] = frozenset({
    "open", "save as", "save", "print", "save print output as", "browse for folder", "select folder",
    "confirm save as", "choose file to upload", "file upload", "öffnen", "speichern unter", "drucken",
    "druckausgabe speichern unter", "ordner auswählen", "datei hochladen",
})
_FORMAT_CHARS = re.compile("[\u200b-\u200f\u2060-\u2064\ufeff\u00ad]")
_SPACES = re.compile(r"\s+")
_SUFFIX = re.compile(r"\.(?:exe|bin|app)$")
_TITLE_SEP = " - "
#: Window titles that name their program by their form: File Explorer's search windows
#: (``Search Results in Documents``, German ``Suchergebnisse in Dokumente``).
_TITLE_FORMS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(?:search results in|suchergebnisse in) "), "explorer"),
)


def _clean(value: Any) -> str:
    text = unicodedata.normalize("NFKC", _FORMAT_CHARS.sub("", str(value)))
    return _SUFFIX.sub("", _SPACES.sub(" ", text).strip().casefold())


def _known_in(words: list[str], table: Mapping[str, str]) -> str | None:
    """The application whose name starts ``words`` (longest first), else None."""
    for k in range(min(len(words), 3), 0, -1):
        hit = table.get(" ".join(words[:k]))
        if hit is not None:
            return hit
    return None


def _one(value: Any, table: Mapping[str, str], title: Any = None) -> tuple[str | None, str | None]:
    """(application or None, title or None) of one raw value; ``title`` is the row's own window title."""
    key = _clean(value)
    hit = table.get(key)
    if hit is not None:
        return hit, None
    form = next((app for pattern, app in _TITLE_FORMS if pattern.match(key)), None)
    if form is not None:
        return form, str(value)
    if key in DIALOG_TITLES or (title is not None and key and _clean(title) in (key, )):
        return None, str(value)
    if title is not None and _clean(title).endswith(_TITLE_SEP + key):  # the last part of its own title
        return _known_in(_clean(title).split(_TITLE_SEP)[0].split(), table) or key, None
    if _TITLE_SEP in key:
        parts = [_SPACES.sub(" ", p.replace("?", " ")).strip() for p in key.split(_TITLE_SEP)]  # '?': lost char
        last = parts[-1]
        if last in table:
            return table[last], str(value)
        earlier = next((a for a in (_known_in(p.split(), table) for p in parts[:-1]) if a), None)
        return earlier or last, str(value)
    if " " in key:
        known = _known_in(key.split(), table)
        if known is not None:
            return known, str(value)
    return key, None


def app_and_title(values: pd.Series, known: Mapping[str, str] | None = None,
                  titles: pd.Series | None = None) -> tuple[pd.Series, pd.Series]:
    """The normalised application of each value, and the value itself where it was a window title.

    ``titles``, when given, is each row's own window title (same index): a
    value equal to it is a title, not an application. Single-word names the
    column uses elsewhere count as known applications.

    Examples
    --------
    >>> app, title = app_and_title(pd.Series(["Microsoft Excel", "Book1 - Excel", None, "Save As"]))
    >>> app.tolist(), title.tolist()
    (['excel', 'excel', nan, nan], [nan, 'Book1 - Excel', nan, 'Save As'])
    >>> app_and_title(pd.Series(["Citavi", "Citavi 6 Startfenster", "Downloads"]),
    ...               titles=pd.Series([None, None, "Downloads"]))[0].tolist()
    ['citavi', 'citavi', nan]
    """
    table = {**APP_NAMES, **(known or {})}
    cv, uv = pd.factorize(values.astype(object), use_na_sentinel=True)
    ct, ut = (pd.factorize(titles.astype(object), use_na_sentinel=True) if titles is not None
              else (np.full(len(values), -1), np.array([], dtype=object)))
    width = len(ut) + 1
    present = cv >= 0
    upairs, inverse = np.unique(cv[present].astype("int64") * width + np.asarray(ct)[present] + 1,
                                return_inverse=True)
    codes = np.full(len(values), -1, dtype="int64")
    codes[present] = inverse.reshape(-1)
    uniques = [(uv[p // width], ut[p % width - 1] if p % width else None) for p in upairs]
    singles = {_clean(v) for v, _ in uniques if " " not in _clean(v)} - DIALOG_TITLES
    singles -= {_clean(t) for _, t in uniques if t is not None}  # a one-word title names no application
    table = {**{w: w for w in singles if w}, **table}
    pairs = [_one(v, table, t) for v, t in uniques]
    apps = np.array([a for a, _ in pairs] + [None], dtype=object)
    out_titles = np.array([t for _, t in pairs] + [None], dtype=object)
    return (pd.Series(apps[codes], index=values.index, dtype=STRING_DTYPE),
            pd.Series(out_titles[codes], index=values.index, dtype=STRING_DTYPE))


def normalise_app(values: pd.Series, known: Mapping[str, str] | None = None) -> pd.Series:
    """Application names to the lowercase short form (``"Microsoft Excel"`` -> ``"excel"``).

    Examples
    --------
    >>> normalise_app(pd.Series(["Chrome", "Microsoft Excel", "EXCEL.EXE", "My App"])).tolist()
    ['chrome', 'excel', 'excel', 'my app']
    """
    return app_and_title(values, known)[0]
