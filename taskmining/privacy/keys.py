"""Keystroke classification: what kind of key, never which character.

Keys are named as X keysyms or their Windows equivalents (``"a"``, ``"7"``,
``"Return"``, ``"BackSpace"``, ``"Left"``). A key pressed with Control, Alt or
Super is a shortcut named like ``"ctrl+c"``; a few shortcuts are actions of
their own (copy, cut, paste).

Examples
--------
>>> classify_key("a"), classify_key("7"), classify_key("Return"), classify_key("BackSpace")
('character', 'digit', 'navigation', 'editing')
>>> shortcut_name("c", {"ctrl"}), classify_key("c", {"ctrl"})
('ctrl+c', 'shortcut')
>>> SHORTCUT_ACTIONS["ctrl+v"]
'paste'
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

__all__ = ["KEY_CLASSES", "MODIFIER_KEYS", "SHORTCUT_ACTIONS", "classify_key", "shortcut_name",
           "classify_keys", "is_modifier"]

KEY_CLASSES: tuple[str, ...] = ("character", "digit", "navigation", "editing", "shortcut", "other")

#: Keys that only modify others: no record of their own.
MODIFIER_KEYS = frozenset({
    "Shift_L", "Shift_R", "Control_L", "Control_R", "Alt_L", "Alt_R", "Meta_L", "Meta_R",
    "Super_L", "Super_R", "ISO_Level3_Shift", "Caps_Lock", "Num_Lock", "Hyper_L", "Hyper_R",
    "Mode_switch", "LShiftKey", "RShiftKey", "LControlKey", "RControlKey", "LMenu", "RMenu",
    "LWin", "RWin", "Shift", "Control", "Menu", "Capital",
})

_NAVIGATION = frozenset({
    "Return", "KP_Enter", "Enter", "Tab", "ISO_Left_Tab", "Left", "Right", "Up", "Down",
    "Home", "End", "Page_Up", "Page_Down", "Prior", "Next", "PageUp", "PageDown",
    "KP_Left", "KP_Right", "KP_Up", "KP_Down", "KP_Home", "KP_End", "KP_Page_Up", "KP_Page_Down",
    "Escape",
})
_EDITING = frozenset({"BackSpace", "Delete", "KP_Delete", "Insert", "KP_Insert", "Back"})
_CHAR_NAMES = frozenset({"space", "KP_Space"})

#: Shortcuts that are actions of their own in the action vocabulary.
SHORTCUT_ACTIONS: dict[str, str] = {
    "ctrl+c": "copy", "ctrl+insert": "copy", "ctrl+x": "cut", "shift+delete": "cut",
    "ctrl+v": "paste", "shift+insert": "paste",
}

_MOD_ORDER = ("ctrl", "alt", "shift", "super")


def is_modifier(key: str) -> bool:
    """True for Shift, Control, Alt, Super and lock keys.

    Examples
    --------
    >>> is_modifier("Control_L"), is_modifier("a")
    (True, False)
    """
    return key in MODIFIER_KEYS


def _base_class(key: str) -> str:
    if key in _NAVIGATION:
        return "navigation"
    if key in _EDITING:
        return "editing"
    if len(key) == 1:
        return "digit" if key.isdigit() else ("character" if key.isprintable() else "other")
    if key.startswith("KP_") and len(key) == 4 and key[3].isdigit():
        return "digit"
    if key in _CHAR_NAMES:
        return "character"
    return "other"


def shortcut_name(key: str, modifiers: Iterable[str] = ()) -> str | None:
    """``"ctrl+shift+s"``-style name when Control, Alt or Super is held, else None.

    Shift alone makes a shortcut only with Insert/Delete (``shift+insert``).

    Examples
    --------
    >>> shortcut_name("S", {"shift", "ctrl"})
    'ctrl+shift+s'
    >>> shortcut_name("A", {"shift"}) is None
    True
    """
    mods = {m.lower() for m in modifiers}
    k = key.lower() if len(key) == 1 else key.lower().replace("kp_", "")
    if not mods & {"ctrl", "alt", "super"} and not ("shift" in mods and k in {"insert", "delete"}):
        return None
    return "+".join([m for m in _MOD_ORDER if m in mods] + [k])


def classify_key(key: str, modifiers: Iterable[str] = ()) -> str:
    """The key class: character, digit, navigation, editing, shortcut or other.

    Examples
    --------
    >>> classify_key("F5"), classify_key("space"), classify_key("Tab", {"alt"})
    ('other', 'character', 'shortcut')
    """
    if shortcut_name(key, modifiers) is not None:
        return "shortcut"
    return _base_class(key)


def classify_keys(keys: pd.Series) -> pd.Series:
    """Vectorised :func:`classify_key` over key names (``"ctrl+c"`` counts as shortcut).

    Examples
    --------
    >>> import pandas as pd
    >>> classify_keys(pd.Series(["a", "ctrl+s", "Left", None])).tolist()
    ['character', 'shortcut', 'navigation', nan]
    """
    codes, uniques = pd.factorize(keys.astype(object))
    classes = []
    for u in uniques:
        s = str(u)
        if "+" in s and len(s) > 1:
            *mods, k = s.split("+")
            classes.append(classify_key(k, mods))
        else:
            classes.append(classify_key(s))
    table = np.array(classes + [np.nan], dtype=object)
    return pd.Series(pd.Categorical(table[codes], categories=list(KEY_CLASSES)), index=keys.index)
