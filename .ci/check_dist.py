"""Check what the built wheel and sdist hold (used by .ci/package.sh).

    python3 .ci/check_dist.py dist/taskmining-*.whl dist/taskmining-*.tar.gz

The wheel must carry every module of the source tree, ``py.typed``, the whole
sample recording (``sample_recording_path()`` reads it from the installed
package) and the console script; the sdist must carry the same package files
plus pyproject.toml and README.md. Nothing else (tests, benchmarks) goes into
the wheel.
"""

from __future__ import annotations

import sys
import tarfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "taskmining"


def expected() -> set[str]:
    """The files of the source package a wheel must hold (modules, py.typed, sample recording)."""
    files = {p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts}
    files |= {PACKAGE / "py.typed"}
    files |= {p for p in (PACKAGE / "datasets" / "data" / "sample-recording").rglob("*") if p.is_file()}
    return {p.relative_to(ROOT).as_posix() for p in files}


def check(wheel: Path, sdist: Path) -> list[str]:
    """Problems found (empty when both are right)."""
    problems: list[str] = []
    want = expected()
    names = set(zipfile.ZipFile(wheel).namelist())
    problems += [f"wheel lacks {f}" for f in sorted(want - names)]
    problems += [f"wheel holds {f}, which is not part of the package" for f in sorted(names)
                 if not f.startswith(("taskmining/", "taskmining-")) or f.startswith("taskmining/tests")]
    entry = next((n for n in names if n.endswith(".dist-info/entry_points.txt")), None)
    if entry is None or "taskmining = taskmining.cli:main" not in zipfile.ZipFile(wheel).read(entry).decode():
        problems.append("wheel lacks the taskmining console script")
    with tarfile.open(sdist) as tar:
        members = {m.name.split("/", 1)[1] for m in tar.getmembers() if "/" in m.name}
    problems += [f"sdist lacks {f}" for f in sorted((want | {"pyproject.toml", "README.md"}) - members)]
    return problems


if __name__ == "__main__":
    wheel, sdist = (Path(a) for a in sys.argv[1:3])
    found = check(wheel, sdist)
    for line in found:
        print(line, file=sys.stderr)
    if not found:
        print(f"{wheel.name}: {len(zipfile.ZipFile(wheel).namelist())} files; {sdist.name}: complete")
    sys.exit(1 if found else 0)
