"""The long fuzz run: mutated real files through format detection and every reader, counted.

Takes the corpus of tests/test_fuzz_readers.py (the real recordings in
../shared/data/real-recordings when present, the samples in tests/data
otherwise), applies N random mutations (byte flips, stray quotes, cut bytes,
conflict markers, UTF-16, double encoding, BOMs and NULs, out-of-range values,
deep nesting) and reads each mutant with ``read_events`` (``tz="UTC"``). It
prints how many mutants were read, how many raised a TaskminingError, how many
raised anything else (a bug: the exception types are listed), and the slowest
read. Exit status 1 when anything but a TaskminingError came out.

    PYTHONPATH=. python benchmarks/bench_fuzz.py --mutants 2000 --seed 1
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from test_fuzz_readers import check_mutant, corpus, mutate  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mutants", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--max-bytes", type=int, default=200_000, help="bytes of each corpus file used")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    files = corpus()
    counts: Counter[str] = Counter()
    crashes: Counter[str] = Counter()
    slowest = (0.0, "")
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.mutants):
            src = files[i % len(files)]
            data = mutate(src.read_bytes()[: args.max_bytes], rng)
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
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
