"""The long fuzz run: mutated real files through format detection and every reader, counted.

Takes the corpus of tests/test_fuzz_readers.py (the real recordings in
../shared/data/real-recordings when present, the samples in tests/data
otherwise), applies N random mutants of 1 to ``--depth`` stacked damages each (byte
flips, stray quotes, cut bytes, conflict markers, UTF-16, double encoding, BOMs
and NULs, out-of-range values, deep nesting, repeated or swapped lines, files
cut off, delimiters changed, fields emptied) and reads each mutant with ``read_events`` (``tz="UTC"``). It
prints how many mutants were read, how many raised a TaskminingError, how many
raised anything else (a bug: the exception types are listed), and the slowest
read. Exit status 1 when anything but a TaskminingError came out.

With ``--hostile`` it also times the hostile inputs that used to be slow or
to eat memory, each in its own process (seconds and peak memory): 40,000
records whose attrs mix numbers and text in a list, one record with a
10,000-key attrs object, and a 1 GB sparse (all-NUL) file (refused early by
sampling: 0.6 s and 116 MB peak here, against 19.6 s and 2.2 GB before).

    PYTHONPATH=. python benchmarks/bench_fuzz.py --mutants 2000 --seed 1 --hostile
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from test_fuzz_readers import check_mutant, corpus, mutate_many

_HOSTILE = {
    "40k records, mixed-type lists in attrs": "\n".join(
        [('{"timestamp": "2026-11-25T09:00:00Z", "session": "s1", "action": "click", '
          '"attrs": {"l": [1, "a", 2.5, null, true]}}')] * 40_000),
    "1 record, attrs with 10,000 keys": ('{"timestamp": "2026-11-25T09:00:00Z", "session": "s1", "action": "click", '
                                         '"attrs": {' + ",".join(f'"k{i}": {i}' for i in range(10_000)) + "}}"),
}
_MEASURE = """
import resource, sys, time, warnings
warnings.simplefilter("ignore")
import taskmining as tm
t = time.perf_counter()
try:
    ev, q = tm.read_events(sys.argv[1], format="native", return_quarantine=True)
    out = f"{len(ev)} events, {len(q)} quarantined"
except tm.errors.TaskminingError as exc:
    out = f"TaskminingError: {str(exc)[:60]}"
print(f"{time.perf_counter() - t:.1f}\t{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}\t{out}")
"""


def hostile(tmp: Path) -> None:
    """Time each hostile input in a fresh process: seconds, peak memory, outcome."""
    cases = dict(_HOSTILE)
    print(f"\n{'hostile input':<42}{'seconds':>8}{'peak MB':>9}  outcome")
    for name, text in [*cases.items(), ("1 GB sparse file (all NUL)", None)]:
        path = tmp / "hostile.jsonl"
        if text is None:
            with open(path, "wb") as f:
                f.truncate(1 << 30)
        else:
            path.write_text(text + "\n")
        run = subprocess.run([sys.executable, "-c", _MEASURE, str(path)], capture_output=True, text=True,
                             check=False)
        secs, mem, out = (run.stdout.strip().split("\t") + ["?", "?", run.stderr[-80:]])[:3]
        print(f"{name:<42}{secs:>8}{mem:>9}  {out}")
        path.unlink()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mutants", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--max-bytes", type=int, default=200_000, help="bytes of each corpus file used")
    ap.add_argument("--depth", type=int, default=3, help="up to this many mutations stacked on each mutant")
    ap.add_argument("--hostile", action="store_true", help="also time the slow/greedy hostile inputs")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    files = corpus()
    counts: Counter[str] = Counter()
    crashes: Counter[str] = Counter()
    slowest = (0.0, "")
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.mutants):
            src = files[i % len(files)]
            data = mutate_many(src.read_bytes()[: args.max_bytes], rng, args.depth)
            path = Path(tmp) / (f"m{i}" + "".join(src.suffixes))
            t0 = time.perf_counter()
            try:
                counts[check_mutant(path, data)] += 1
            except Exception as exc:  # noqa: BLE001 - counting what escapes is the point
                counts["other exception"] += 1
                crashes[f"{type(exc).__name__} ({src.name})"] += 1
            took = time.perf_counter() - t0
            if took > slowest[0]:
                slowest = (took, src.name)
            path.unlink(missing_ok=True)
    print(f"{'mutants':<28}{args.mutants}")
    print(f"{'corpus files':<28}{len(files)}")
    for key in ("read", "error", "other exception"):
        print(f"{key:<28}{counts.get(key, 0)}")
    print(f"{'slowest read (s)':<28}{slowest[0]:.2f} ({slowest[1]})")
    for name, n in crashes.most_common():
        print(f"  {name}: {n}")
    if args.hostile:
        with tempfile.TemporaryDirectory() as tmp:
            hostile(Path(tmp))
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
