"""Print the core dependencies of pyproject.toml pinned to their declared floors (``name==floor``).

Used by .ci/oldest.sh: the oldest environment installs exactly these, so every
floor the package declares is a version the tests ran on.

    python3 .ci/floors.py            # pandas==2.3.0, numpy==1.26.0, ...
    python .ci/floors.py --check     # this interpreter has exactly those (exit 1 otherwise)
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def floors(pyproject: Path = ROOT / "pyproject.toml") -> list[str]:
    """``name==version`` for every core dependency; a dependency without a ``>=`` floor is an error."""
    deps = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["dependencies"]
    out = []
    for dep in deps:
        m = re.fullmatch(r"\s*([A-Za-z0-9_.\-]+)\s*>=\s*([0-9][0-9A-Za-z.]*)\s*(?:,.*)?", dep)
        if m is None:
            raise SystemExit(f"{pyproject}: dependency {dep!r} has no '>=' floor to test")
        version = m.group(2)
        # "pandas>=2.3" is tested as 2.3.0: the oldest release the declaration allows
        parts = version.split(".")
        out.append(f"{m.group(1)}=={'.'.join(parts + ['0'] * (3 - len(parts)))}")
    return out


def _norm(version: str) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", version)[:3]) + (0,) * (3 - len(re.findall(r"\d+", version)[:3]))


def check() -> int:
    """Exit status 0 when the running interpreter has every core dependency at its floor; prints them."""
    from importlib.metadata import version

    pins = [p.split("==") for p in floors()]
    have = {name: version(name) for name, _ in pins}
    print("oldest environment: " + ", ".join(f"{name} {have[name]}" for name, _ in pins))
    wrong = [f"{name} {have[name]} (floor {floor})" for name, floor in pins if _norm(have[name]) != _norm(floor)]
    if wrong:
        print("not at the declared floor: " + "; ".join(wrong), file=sys.stderr)
    return 1 if wrong else 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--check"]:
        sys.exit(check())
    print("\n".join(floors()))
