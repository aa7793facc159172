#!/usr/bin/env bash
# The oldest supported environment: a fresh venv with every core dependency at the
# floor pyproject.toml declares (.ci/floors.py: pandas 2.3.0, numpy 1.26.0, pyarrow 15.0.0 ...),
# running the core tests, with the pure-Python extras (lxml, matplotlib, cryptography,
# python-xlib); pm4py, dask, OCR and the desktop/browser parts are tested in the newest run.
#   bash .ci/oldest.sh [VENV_DIR [PYTEST_ARGS...]]   (default: the core tests below)
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${1:-${TMPDIR:-/tmp}/taskmining-oldest}"
shift || true
python3 -m venv --clear "$VENV"
"$VENV/bin/python" -m pip install -q --disable-pip-version-check $(python3 .ci/floors.py) \
    "pytest>=8" "pytest-xdist>=3.5" "hypothesis>=6.100" \
    "lxml>=5" "matplotlib>=3.8" "cryptography>=42" "python-xlib>=0.33" "ftfy>=6.1" "phonenumbers>=8.13"
"$VENV/bin/python" -m pip install -q --disable-pip-version-check --no-deps -e .
# every core dependency is at its floor (a test tool must not have pulled in something newer)
"$VENV/bin/python" .ci/floors.py --check
# core tests: everything but the desktop, browser and slow tests, on 2 workers
if [ "$#" -eq 0 ]; then
    set -- -m "not desktop and not browser and not slow"
    # known pandas-3 assumptions in these tests: listed with their reasons, deselected, counted
    while read -r id _; do
        case "$id" in ''|'#'*) ;; *) set -- "$@" --deselect "$id" ;; esac
    done < .ci/oldest-known-failures.txt
    echo "deselected $(grep -c '^tests/' .ci/oldest-known-failures.txt) known failures (.ci/oldest-known-failures.txt)"
fi
"$VENV/bin/python" -m pytest -q -p no:cacheprovider -n 2 "$@"
