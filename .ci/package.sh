#!/usr/bin/env bash
# The package as a user gets it: build the sdist and the wheel (the wheel from the
# sdist, so the sdist is complete), check what they hold, install the wheel (not
# editable, core dependencies only) in a fresh venv, and from a folder outside the
# checkout run `taskmining demo` and the examples.
#   bash .ci/package.sh [WORK_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
REPO="$PWD"
WORK="${1:-$(mktemp -d "${TMPDIR:-/tmp}/taskmining-package.XXXXXX")}"
rm -rf "$WORK/dist" "$WORK/venv" "$WORK/run"
mkdir -p "$WORK/run"

python3 -m build --outdir "$WORK/dist" . > "$WORK/build.log" 2>&1 \
    || { tail -30 "$WORK/build.log"; exit 1; }
python3 .ci/check_dist.py "$WORK"/dist/*.whl "$WORK"/dist/*.tar.gz

python3 -m venv "$WORK/venv"
"$WORK/venv/bin/python" -m pip install -q --disable-pip-version-check "$WORK"/dist/*.whl
cd "$WORK/run"
"$WORK/venv/bin/python" - <<'PY'
import pathlib, sys
import taskmining as tm
here = pathlib.Path(tm.__file__).resolve()
assert "site-packages" in here.parts, f"taskmining imported from {here}, not from the installed wheel"
rec = pathlib.Path(tm.datasets.sample_recording_path())
assert rec.is_dir() and "site-packages" in rec.resolve().parts, rec
events = tm.read_events(rec, progress=False)
assert len(events) > 1000, len(events)
print(f"installed taskmining {tm.__version__} at {here.parent}; sample recording: {len(events):,} events")
PY
"$WORK/venv/bin/taskmining" demo --quiet -o demo
for f in report.html tasks.xes.gz tasks.ocel.json joint.xes.gz mined/variants.csv recording/manifest.json; do
    test -s "demo/$f" || { echo "taskmining demo did not write demo/$f"; exit 1; }
done
"$WORK/venv/bin/taskmining" info "$("$WORK/venv/bin/python" -c 'import taskmining as tm; print(tm.datasets.sample_recording_path())')" > info.txt
grep -q "events:" info.txt
for ex in "$REPO"/examples/*.py; do
    echo "example $(basename "$ex")"
    "$WORK/venv/bin/python" "$ex" "$WORK/run/$(basename "$ex" .py)" > "$(basename "$ex" .py).log" 2>&1 \
        || { tail -30 "$(basename "$ex" .py).log"; exit 1; }
done
echo "package check passed: $(cd "$WORK/dist" && ls)"
