"""Redaction benchmark: leaks and false positives on the corpus of ``redact_corpus.py``.

A *leak* is an identifier whose text survives redaction: the secret as it
appears, or (for number kinds) any run of 4 or more of its digits in a row,
or (for names and addresses) any of its words of 3 or more letters
(and for addresses any of its numbers). A *false positive* is
an innocuous text that redaction changed. Also printed: identifiers
redacted under another kind than expected (not a leak), and the time per
text.

Run::

    PYTHONPATH=$PWD python benchmarks/bench_redact.py
    PYTHONPATH=$PWD python benchmarks/bench_redact.py --no-phonenumbers   # the fail-closed fallback
    PYTHONPATH=$PWD python benchmarks/bench_redact.py --show              # list every leak and false positive
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from redact_corpus import identifiers, innocuous  # noqa: E402

SALT = b"bench-redact-salt"
_NUMERIC = {"iban", "card", "phone", "national_id"}


def leaked(kind: str, secret: str, out: str) -> bool:
    """True when any part of ``secret`` that identifies someone is still in ``out``."""
    if secret in out:
        return True
    if kind in _NUMERIC:
        digits = re.sub(r"\D", "", secret)
        out_digits = re.findall(r"\d+", re.sub(r"\[[a-z_]+:h:[0-9a-f]{16}\]", " ", out))
        return any(len(run) >= 4 and run in digits for run in out_digits)
    if kind in ("name", "address"):
        clear = re.sub(r"\[[a-z_]+:h:[0-9a-f]{16}\]", " ", out)
        pieces = re.findall(r"[^\W\d_]{3,}", secret) + (re.findall(r"\d+", secret) if kind == "address" else [])
        return any(re.search(r"(?<!\w)" + re.escape(p) + r"(?!\w)", clear) for p in pieces)
    return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-phonenumbers", action="store_true", help="run without the phonenumbers library")
    parser.add_argument("--show", action="store_true", help="print every leak and false positive")
    args = parser.parse_args()
    from taskmining.privacy import phones
    if args.no_phonenumbers:
        phones._lib.cache_clear()
        sys.modules["phonenumbers"] = None  # type: ignore[assignment]
    from taskmining.privacy.redact import redact_text

    ids = list(identifiers())
    good = innocuous()
    t0 = time.perf_counter()
    outs = [redact_text(text, SALT) or "" for _, text, _ in ids]
    fp_outs = [redact_text(text, SALT) or "" for text in good]
    dt = time.perf_counter() - t0
    total, leaks, other_kind = Counter(), Counter(), Counter()
    shown = []
    for (kind, text, secret), out in zip(ids, outs):
        total[kind] += 1
        if leaked(kind, secret, out):
            leaks[kind] += 1
            shown.append(f"LEAK  {kind:12s} {text!r} -> {out!r}")
        elif f"[{kind}:h:" not in out:
            other_kind[kind] += 1
    fps = [(t, o) for t, o in zip(good, fp_outs) if t != o]
    shown += [f"FP    {t!r} -> {o!r}" for t, o in fps]
    print(f"phonenumbers: {'off (fail-closed fallback)' if not phones.have_phonenumbers() else 'installed'}")
    print(f"{'kind':14s}{'texts':>7s}{'leaks':>7s}{'other kind':>12s}")
    for kind in total:
        print(f"{kind:14s}{total[kind]:7d}{leaks[kind]:7d}{other_kind[kind]:12d}")
    print(f"{'all':14s}{sum(total.values()):7d}{sum(leaks.values()):7d}{sum(other_kind.values()):12d}")
    print(f"innocuous texts: {len(good)}, changed (false positives): {len(fps)} "
          f"({100 * len(fps) / len(good):.1f}%)")
    print(f"time: {1e6 * dt / (len(ids) + len(good)):.0f} us per text ({len(ids) + len(good)} texts)")
    if args.show:
        print("\n".join(shown))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
