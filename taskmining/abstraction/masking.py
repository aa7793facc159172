"""Labels without personal data: mask the words that vary between instances.

A label (a step label, a window title, a note) is made of words that come
from the UI's structure (``Vendor``, ``Invoice``, ``Expenses``, ``.xlsx``)
and words that come from the record being worked on (a customer's name in a
list, a vendor, a person in a file name). The structural words repeat in the
same *slot* (the same application, element role and label form) across many
task instances; the record's values change from one instance to the next.

The rule (:func:`mask_varying`): within a slot, a word is kept when it occurs
in at least ``min_share`` of the slot's distinct instances (task instances,
or sessions when there are none); every other word is masked. Runs of masked
words become one placeholder: ``<name>`` for words, ``#`` for numbers and
``<id>`` for mixed letters and digits. A slot seen in fewer than
``min_instances`` instances cannot show what varies, so it **fails closed**:
its words are judged by the statistics of all values together (the pooled
slot), and when even those cover fewer than ``min_instances`` instances every
word that is not a number is masked too.

Examples
--------
>>> import pandas as pd
>>> names = ["Anna Berg", "Jon Lee", "Ida Holm", "Max Roth", "Eva Lund", "Ole Sand"]
>>> titles = pd.Series([f"Expenses {n}.xlsx" for n in names])
>>> mask_varying(titles, instances=pd.Series(range(6))).tolist()[:2]
['Expenses <name>.xlsx', 'Expenses <name>.xlsx']
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from taskmining.errors import ParameterError
from taskmining.abstraction._combos import codes as _codes
from taskmining.abstraction._combos import combined_codes as _combined_codes
from taskmining.abstraction._combos import first_of_pairs as _first_of_pairs

__all__ = ["mask_varying", "mask_codes", "mask_text", "mask_labels", "masked_label_codes", "kept_words", "PLACEHOLDERS", "DEFAULT_MIN_SHARE", "DEFAULT_MIN_INSTANCES"]

#: A word is structural when at least this share of its slot's instances holds it.
DEFAULT_MIN_SHARE = 0.2
#: Fewer instances than this in a slot: its own statistics are not trusted (fail closed).
DEFAULT_MIN_INSTANCES = 5
#: The placeholders a masked run of words becomes.
PLACEHOLDERS = ("<name>", "#", "<id>")

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# the folder after a home-folder root is an account name, a person's: C:\Users\<name>, /home/<name>
# (a file path's root: a drive, file://, or the start; not a web page's /home/)
_ACCOUNT = re.compile(r"(?i)((?:^|(?<=[\s'\"(])|[a-z]:|file:/*)[/\\]?(?:users|home|documents and settings)[/\\])"
                      r"([^/\\<>']+)")
_RUN_SEPARATORS = " .-/\\:_"
# placeholders next to each other (masked path or URL segments) read as one
_PLACEHOLDER_RUN = re.compile(r"<(?:name|id)>(?:[ .\-/\\:_]{1,2}<(?:name|id)>)+")
_PLACEHOLDER_WORDS = {"name", "id"}


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def _placeholder(run: list[str]) -> str:
    joined = "".join(run)
    if joined.isdigit():
        return "#"
    if any(ch.isdigit() for ch in joined):
        return "<id>"
    return "<name>"


def mask_text(text: str, keep: set[str] | frozenset[str], *, numbers: bool = False) -> str:
    """``text`` with every word not in ``keep`` (lower case) masked; e-mail addresses and account names always are.

    ``numbers=True`` keeps words that are numbers of at most two digits (counts in a note).

    A run of masked words separated only by spaces, dots, hyphens,
    underscores, colons or slashes (a name, a file path, a URL path) becomes
    one placeholder; the separators and kept words stay as they were. The
    folder after ``Users``, ``home`` or ``Documents and Settings`` in a path
    is an account name and always masked, even when every instance holds it
    (one person's recording).

    Examples
    --------
    >>> mask_text("Invoice INV-2026-31 from Nordwind Energie GmbH", {"invoice", "inv", "from"})
    'Invoice INV-# from <name>'
    >>> mask_text("Mail to anna.berg@example.com", {"mail", "to"})
    'Mail to <name>'
    >>> mask_text("C:/Users/jdoe/Documents/report.docx", {"c", "users", "jdoe", "documents", "report", "docx"})
    'C:/Users/<name>/Documents/report.docx'
    >>> mask_text("portal.example/ab/cd/ef", {"portal", "example"})
    'portal.example/<name>'
    >>> mask_text("bank.example/de/home/banking", {"bank", "example", "de", "home", "banking"})
    'bank.example/de/home/banking'
    """
    text = _ACCOUNT.sub(r"\1<name>", _EMAIL.sub("<name>", text))
    out: list[str] = []
    pos = 0
    run: list[str] = []
    run_sep = ""
    for m in _WORD.finditer(text):
        sep = text[pos:m.start()]
        word = m.group(0)
        pos = m.end()
        low = word.lower()
        is_ph = low in _PLACEHOLDER_WORDS and sep.endswith("<") and text[pos:pos + 1] == ">"
        kept = low in keep and not (low.isdigit() and len(low) >= 3)
        if kept or is_ph or (numbers and low.isdigit() and len(low) <= 2):
            if run:
                out.append(_placeholder(run))
                run = []
            out.append(sep + word)
            continue
        if run and sep.strip(_RUN_SEPARATORS) == "" and len(sep) <= 2:
            run.append(word)
            run_sep += sep
            continue
        if run:
            out.append(_placeholder(run))
        out.append(sep)
        run = [word]
    if run:
        out.append(_placeholder(run))
    out.append(text[pos:])
    return _PLACEHOLDER_RUN.sub(lambda m: "<id>" if "<id>" in m.group(0) else "<name>", "".join(out))


def _instance_share(table: pd.DataFrame, by: list[str]) -> pd.Series:
    """Share of the distinct instances of each group (``by``) that hold each word."""
    per_word = table.drop_duplicates([*by, "word", "instance"]).groupby([*by, "word"], sort=False).size()
    per_slot = table.drop_duplicates([*by, "instance"]).groupby(by, sort=False).size()
    return per_word / per_slot.reindex(per_word.index.droplevel("word")).to_numpy()


def _slot_sizes(table: pd.DataFrame, by: list[str]) -> pd.Series:
    return table.drop_duplicates([*by, "instance"]).groupby(by, sort=False).size()


def mask_varying(
    values: pd.Series,
    *,
    slots: pd.Series | None = None,
    instances: pd.Series | None = None,
    min_share: float = DEFAULT_MIN_SHARE,
    min_instances: int = DEFAULT_MIN_INSTANCES,
) -> pd.Series:
    """Mask the words of ``values`` that vary between instances in the same slot.

    Parameters
    ----------
    values : pandas.Series
        The texts (labels, titles, notes). Missing values stay missing.
    slots : pandas.Series, optional
        The slot of each value (same index), e.g. application and element
        role; the words of a value are judged against the values of its
        slot. Default: one slot for all.
    instances : pandas.Series, optional
        The instance (task instance, session) each value was seen in;
        default: every row is its own instance.
    min_share : float, default 0.2
        A word is kept when at least this share of its slot's instances
        hold it.
    min_instances : int, default 5
        Slots seen in fewer instances fail closed (see the module text).

    Returns
    -------
    pandas.Series
        The masked texts (string dtype), same index as ``values``.

    Raises
    ------
    ParameterError
        ``min_share`` outside (0, 1], ``min_instances`` < 1, or
        ``slots``/``instances`` not aligned with ``values``.

    Examples
    --------
    >>> import pandas as pd
    >>> items = pd.Series([f"Customer {n}" for n in ["Lea Vogt", "Tom Kern", "Ada Wulf", "Kai Berg",
    ...                                                 "Uwe Bach", "Ina Rau"]])
    >>> mask_varying(items, instances=pd.Series(range(6))).unique().tolist()
    ['Customer <name>']
    >>> mask_varying(pd.Series(["Anna Berg"]), instances=pd.Series([1])).tolist()  # too few: fails closed
    ['<name>']
    """
    if not 0 < min_share <= 1:
        raise ParameterError(f"min_share must be in (0, 1], got {min_share!r}")
    if isinstance(min_instances, bool) or not isinstance(min_instances, (int, np.integer)) or min_instances < 1:
        raise ParameterError(f"min_instances must be an integer >= 1, got {min_instances!r}")
    for name, other in (("slots", slots), ("instances", instances)):
        if other is not None and (len(other) != len(values) or not other.index.equals(values.index)):
            raise ParameterError(f"mask_varying: {name} must have the same index as values")
    t_code, t_uniq = pd.factorize(values)
    s_code = _codes(slots) if slots is not None else np.zeros(len(values), dtype=np.int64)
    i_code = _codes(instances) if instances is not None else np.arange(len(values), dtype=np.int64)
    if not (t_code >= 0).any():
        return values.astype("string")
    pair_code, masked = mask_codes(t_code, np.asarray(t_uniq, dtype=object), s_code, i_code, min_share=min_share,
                                   min_instances=min_instances)
    return pd.Series(masked[pair_code], index=values.index, dtype="string", name=values.name)


def mask_codes(t_code: np.ndarray, t_uniq: np.ndarray, s_code: np.ndarray, i_code: np.ndarray, *,
               min_share: float = DEFAULT_MIN_SHARE, min_instances: int = DEFAULT_MIN_INSTANCES
               ) -> tuple[np.ndarray, np.ndarray]:
    """:func:`mask_varying` over integer codes: per row a pair code, per pair the masked text.

    ``t_code`` indexes ``t_uniq`` (-1: missing), ``s_code`` and ``i_code``
    are the rows' slot and instance codes. Returns ``pair_code`` (one per
    row) and ``masked`` (one text per distinct slot and text, ``None`` for a
    missing one), so ``masked[pair_code]`` is the masked column; callers
    that only need distinct labels never build a text per row.

    Examples
    --------
    >>> import numpy as np
    >>> texts = np.array([f"Customer {n}" for n in ["Lea", "Tom", "Ada", "Kai", "Uwe", "Ina"]], dtype=object)
    >>> pair, masked = mask_codes(np.arange(6), texts, np.zeros(6, dtype=np.int64), np.arange(6))
    >>> sorted(set(masked[pair]))
    ['Customer <name>']
    """
    base = pd.DataFrame({"slot": s_code, "text": t_code, "instance": i_code})
    base = base[base["text"] >= 0].drop_duplicates()
    words = pd.Series([_words(str(t)) for t in t_uniq], dtype=object)
    table = base.assign(word=base["text"].map(words)).explode("word").dropna(subset=["word"])
    table["all"] = 0
    share_slot = _instance_share(table, ["slot"])
    share_all = _instance_share(table, ["all"]).droplevel("all")
    size_slot = _slot_sizes(table, ["slot"])
    n_all = int(table["instance"].nunique())
    pooled = frozenset(share_all.index[share_all.to_numpy() >= min_share]) if n_all >= min_instances else frozenset()
    keep: dict[int, frozenset[str]] = {}
    for slot_code, size in size_slot.items():
        if size >= min_instances:
            sh = share_slot.loc[slot_code]
            keep[int(slot_code)] = frozenset(sh.index[sh.to_numpy() >= min_share])
        else:
            keep[int(slot_code)] = pooled
    # one masked text per distinct (slot, text) pair, then taken for every row
    pair_code, pairs = pd.factorize(s_code.astype(np.int64) * (len(t_uniq) + 1) + (t_code + 1))
    pair_slot, pair_text = np.divmod(np.asarray(pairs, dtype=np.int64), len(t_uniq) + 1)
    masked = np.array([mask_text(str(t_uniq[tc - 1]), keep.get(int(sc), frozenset())) if tc > 0 else None
                       for sc, tc in zip(pair_slot.tolist(), pair_text.tolist())], dtype=object)
    return np.asarray(pair_code, dtype=np.int64), masked


def mask_labels(frame: pd.DataFrame, column: str, *, slot_cols: tuple[str, ...] = ("app", "action", "element_role",
                                                                                    "task"),
                instance_col: str = "case_id", min_share: float = DEFAULT_MIN_SHARE,
                min_instances: int = DEFAULT_MIN_INSTANCES) -> pd.Series:
    """:func:`mask_varying` over the quoted element names of a label column (``Verb 'name' in App``).

    Slots are the UI structure columns the frame has; the verb and the
    application outside the quotes are kept.

    Instances are ``instance_col`` (else ``session``, else rows).

    Examples
    --------
    >>> import pandas as pd
    >>> names = ["Lea Vogt", "Tom Kern", "Ada Wulf", "Kai Berg", "Uwe Bach", "Ina Rau"]
    >>> t = pd.DataFrame({"case_id": list("abcdef"), "app": ["chrome"] * 6, "action": ["click"] * 6,
    ...                   "step": [f"Click '{n}' in Chrome" for n in names]})
    >>> mask_labels(t, "step").unique().tolist()
    ["Click '<name>' in Chrome"]
    """
    codes, labels = masked_label_codes(frame, column, slot_cols=slot_cols, instance_col=instance_col,
                                       min_share=min_share, min_instances=min_instances)
    out = np.append(labels, [None])[np.where(codes >= 0, codes, len(labels))]
    return pd.Series(pd.array(out, dtype="string"), index=frame.index, name=column)


def masked_label_codes(frame: pd.DataFrame, column: str, *,
                       slot_cols: tuple[str, ...] = ("app", "action", "element_role", "task"),
                       instance_col: str = "case_id", min_share: float = DEFAULT_MIN_SHARE,
                       min_instances: int = DEFAULT_MIN_INSTANCES) -> tuple[np.ndarray, np.ndarray]:
    """:func:`mask_labels` as a code per row (-1: missing) and the distinct masked labels.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"case_id": list("ab"), "step": ["Save", "Save"]})
    >>> codes, labels = masked_label_codes(t, "step")
    >>> codes.tolist(), labels.tolist()
    ([0, 0], ['Save'])
    """
    cols = [c for c in slot_cols if c in frame.columns]
    s_code = _combined_codes(frame, cols)
    inst = instance_col if instance_col in frame.columns else "session" if "session" in frame.columns else None
    i_code = _codes(frame[inst]) if inst else np.arange(len(frame), dtype=np.int64)
    codes, uniq = pd.factorize(frame[column])
    codes = np.asarray(codes, dtype=np.int64)
    parts = pd.Series(np.asarray(uniq, dtype=object), dtype="string").str.extract(
        r"^(?P<head>[^']*')(?P<name>.*)(?P<tail>'[^']*)$")
    names = parts["name"].to_numpy(dtype=object)  # the quoted element name of each distinct label
    quoted = np.append(pd.notna(names), [False])
    # only the quoted element name varies with the record; verb and application are structure
    t_code = np.where(quoted[np.where(codes >= 0, codes, len(uniq))], codes, -1)
    named_pair, masked = (mask_codes(t_code, names, s_code, i_code, min_share=min_share,
                                     min_instances=min_instances) if (t_code >= 0).any()
                          else (np.zeros(len(frame), dtype=np.int64), np.array([None], dtype=object)))
    # the label of each distinct (slot, label) pair, put together once
    pair_code, first = _first_of_pairs(s_code * (len(uniq) + 1) + np.where(codes >= 0, codes, len(uniq)))
    heads, tails = parts["head"].to_numpy(dtype=object), parts["tail"].to_numpy(dtype=object)
    joined: list[str | None] = []
    for lc, nm in zip(codes[first].tolist(), masked[named_pair[first]].tolist()):
        if lc < 0:
            joined.append(None)
        elif quoted[lc] and nm is not None:
            joined.append(f"{heads[lc]}{nm}{tails[lc]}")
        else:
            joined.append(str(uniq[lc]))
    label_code, labels = pd.factorize(np.asarray(joined, dtype=object))
    return np.asarray(label_code, dtype=np.int64)[pair_code], np.asarray(labels, dtype=object)


def kept_words(*labels: pd.Series) -> frozenset[str]:
    """The words (lower case) that survive in masked labels: the vocabulary of the UI's structure.

    Text that is not a label (a note, a warning) is masked against it with
    :func:`mask_text`, so it can only repeat words the labels show.

    Examples
    --------
    >>> sorted(kept_words(pd.Series(["Click '<name>' in Chrome"])))
    ['chrome', 'click', 'in']
    """
    out: set[str] = set()
    for series in labels:
        for text in pd.Series(series.unique()).dropna().astype(str).unique():  # distinct values first
            stripped = re.sub(r"<(name|id)>", " ", text)
            out.update(_words(stripped))
    return frozenset(out)
