#!/usr/bin/env bash
# The oldest supported environment: a fresh venv with every core dependency at the
# floor pyproject.toml declares (.ci/floors.py: pandas 2.3.0, numpy 1.26.0, pyarrow 15.0.0 ...),
# running the core tests (no optional extras installed: tests that need one skip).
#   bash .ci/oldest.sh [VENV_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${1:-${TMPDIR:-/tmp}/taskmining-oldest}"
python3 -m venv --clear "$VENV"
"$VENV/bin/python" -m pip install -q --disable-pip-version-check $(python3 .ci/floors.py) \
    "pytest>=8" "pytest-xdist>=3.5" "hypothesis>=6.100"
"$VENV/bin/python" -m pip install -q --disable-pip-version-check --no-deps -e .
# every core dependency is at its floor (a test tool must not have pulled in something newer)
"$VENV/bin/python" .ci/floors.py --check
# core tests: everything but the desktop, browser and slow tests, on 2 workers
"$VENV/bin/python" -m pytest -q -p no:cacheprovider -m "not desktop and not browser and not slow" -n 2
