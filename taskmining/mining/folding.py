"""Folded variants: loops shown once, with how often they ran.

Desktop work repeats: ``Copy cell -> Paste field`` seven times, or going back
and forth between a mail and a form. Counted literally, every number of
repetitions is its own variant. Folding replaces each *loop* of a case's
sequence by one token:

A loop is a maximal run ``seq[i:j]`` in which every element equals the one
``p`` places before it (``p`` = 1, 2 or 3, the loop's body length): at least
``p + 1`` long for a body of one or two elements, so the body is entered
again at least once (``A A``; ``A B A B A``; ``A B A``, a back-and-forth),
and at least two full bodies for a longer one (``A B C A B C``). The
longest run wins, then the shortest body. The token is ``[A → B] ↻`` whatever
the number of repetitions; the repetitions (the number of times the body's
first element occurs) are kept per case as ``loop_runs``.

Folding works on the distinct variants only (not per case), so its cost does
not grow with the number of cases.

Examples
--------
>>> fold_sequence(("open", "copy", "paste", "copy", "paste", "copy", "paste", "save"))
(('open', '[copy → paste] ↻', 'save'), (1, 3, 1))
>>> fold_sequence(("a", "b", "a"))
(('[a → b] ↻',), (2,))
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["fold_sequence", "fold_variants", "LOOP_MARK", "MAX_BODY"]

#: Appended to a folded loop's body.
LOOP_MARK = " ↻"
#: The longest loop body recognised.
MAX_BODY = 3
_SEP = " → "


def fold_sequence(seq: Sequence[str], max_body: int = MAX_BODY) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """The folded tokens of ``seq`` and the repetitions behind each (1 for a plain step).

    Examples
    --------
    >>> fold_sequence(["x", "y", "z"])
    (('x', 'y', 'z'), (1, 1, 1))
    >>> fold_sequence(["x", "x", "y"])
    (('[x] ↻', 'y'), (2, 1))
    """
    items = list(seq)
    n = len(items)
    tokens: list[str] = []
    runs: list[int] = []
    i = 0
    while i < n:
        best_len, best_p = 0, 0
        for p in range(1, max_body + 1):
            if i + p >= n:
                break
            j = i + p
            while j < n and items[j] == items[j - p]:
                j += 1
            if j - i >= (p + 1 if p <= 2 else 2 * p) and j - i > best_len:
                best_len, best_p = j - i, p
        if best_p:
            body = items[i:i + best_p]
            tokens.append("[" + _SEP.join(body) + "]" + LOOP_MARK)
            runs.append(-(-best_len // best_p))
            i += best_len
        else:
            tokens.append(items[i])
            runs.append(1)
            i += 1
    return tuple(tokens), tuple(runs)


def fold_variants(steps: Sequence[tuple[str, ...]]) -> tuple[np.ndarray, list[tuple[str, ...]], list[tuple[int, ...]]]:
    """Group exact variants (their step tuples) by their folded form.

    Returns the folded code of each exact variant, the folded token tuples
    by code (in order of first appearance) and each exact variant's
    repetitions.

    Examples
    --------
    >>> codes, keys, runs = fold_variants([("a", "b", "a", "b"), ("a", "b", "a"), ("c",)])
    >>> codes.tolist(), keys
    ([0, 0, 1], [('[a → b] ↻',), ('c',)])
    >>> runs
    [(2,), (2,), (1,)]
    """
    lookup: dict[tuple[str, ...], int] = {}
    codes = np.empty(len(steps), dtype=np.int64)
    keys: list[tuple[str, ...]] = []
    all_runs: list[tuple[int, ...]] = []
    for v, s in enumerate(steps):
        tokens, runs = fold_sequence(s)
        code = lookup.setdefault(tokens, len(keys))
        if code == len(keys):
            keys.append(tokens)
        codes[v] = code
        all_runs.append(runs)
    return codes, keys, all_runs


def fold_codes(var: np.ndarray, rep: np.ndarray, steps: Sequence[tuple[str, ...]]
               ) -> tuple[np.ndarray, np.ndarray, list[tuple[str, ...]]]:
    """Exact variant codes of the cases (``var``, representatives ``rep``, step tuples ``steps``)
    turned into folded variant codes, their representative cases and token tuples.

    Examples
    --------
    >>> import numpy as np
    >>> var, rep, keys = fold_codes(np.array([0, 1, 2, 1]), np.array([0, 1, 2]),
    ...                             [("a", "b", "a"), ("c",), ("a", "b", "a", "b")])
    >>> var.tolist(), rep.tolist(), keys
    ([0, 1, 0, 1], [0, 1], [('[a → b] ↻',), ('c',)])
    """
    codes, keys, _ = fold_variants(steps)
    new_rep = np.full(len(keys), np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(new_rep, codes, np.asarray(rep, dtype=np.int64))
    return codes[var], new_rep, keys
