"""UI-log readers benchmark: Action Logger, SmartRPA, Leno and ActivityWatch files to events.

Times ``SPEC.read`` of each format (CSV or JSON parsing, time parsing, field
mapping, ``attrs`` packing, validation), best of ``--repeat`` runs, on:

- every SmartRPA log in ``<data>/smartrpa-generated`` (read with ``tz="UTC"``),
  one row per file;
- all Leno logs in ``<data>/leno-synthetic``, read together;
- the Action Logger sample ``tests/data/actionlogger/web_excel_session.csv``
  with its data rows repeated ``--copies`` times;
- a synthetic ActivityWatch export (``--aw-events`` window and input events,
  a quarter as many web events, a tenth as many AFK events);
- every real recording in ``<data>/real-recordings`` that a reader detects
  (``tz="Europe/Berlin"``), next to ``pandas.read_csv`` of the same file with
  its delimiter given (parsing only: the fastest peer for a CSV).

``records`` counts the records in the input (events read + records
quarantined; for ActivityWatch, the bucket events), ``rows`` the rows of the
events frame. Generated files go to a temporary folder that is removed at the end.

Usage::

    python benchmarks/bench_formats.py
    python benchmarks/bench_formats.py --data /work/shared/data --repeat 3 --copies 10000 --aw-events 100000
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from taskmining.io.quarantine import ReadResult
from taskmining.io.registry import get_format

REPO = Path(__file__).resolve().parent.parent
ACTIONLOGGER_SAMPLE = REPO / "tests" / "data" / "actionlogger" / "web_excel_session.csv"


def best(fn: Callable[[], ReadResult], repeat: int) -> tuple[float, ReadResult]:
    """The shortest wall time of ``repeat`` calls of ``fn``, and the last result."""
    times = []
    out = None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    assert out is not None
    return min(times), out


def measure(name: str, fmt: str, paths: list[Path], *, repeat: int, tz: str | None = None,
            records: int | None = None) -> tuple[str, int, int, float, float]:
    """One table row: input name, records, rows, seconds, records per second."""
    spec = get_format(fmt)
    seconds, res = best(lambda: spec.read(paths, errors="quarantine", tz=tz, progress=False), repeat)
    n = records if records is not None else len(res.events) + len(res.quarantine)
    return name, n, len(res.events), seconds, n / seconds


def actionlogger_file(folder: Path, copies: int) -> Path:
    """The Action Logger sample with its data rows repeated ``copies`` times."""
    header, body = ACTIONLOGGER_SAMPLE.read_text(encoding="utf-8").split("\n", 1)
    if not body.endswith("\n"):
        body += "\n"
    path = folder / "actionlogger.csv"
    path.write_text(header + "\n" + body * copies, encoding="utf-8")
    return path


def _aw_event(i: int, start: np.datetime64, duration: float, data: dict[str, Any]) -> dict[str, Any]:
    return {"id": i, "timestamp": f"{start}.000000+00:00", "duration": duration, "data": data}


def activitywatch_file(folder: Path, n: int, seed: int = 0) -> tuple[Path, int]:
    """A synthetic ActivityWatch export with four buckets; returns its path and its number of events."""
    rng = np.random.default_rng(seed)
    starts = np.datetime64("2026-01-01T08:00:00") + np.cumsum(rng.integers(1, 30, n)).astype("timedelta64[s]")
    window = [_aw_event(i, s, 20.0, {"app": "chrome.exe" if i % 2 else "EXCEL.EXE", "title": f"T{i % 50}"})
              for i, s in enumerate(starts)]
    hid = {"presses": 3, "clicks": 1, "deltaX": 1, "deltaY": 2, "scrollX": 0, "scrollY": 0}
    inputs = [_aw_event(i, s, 5.0, hid) for i, s in enumerate(starts)]
    afk = [_aw_event(i, s, 60.0, {"status": "afk" if i % 2 else "not-afk"}) for i, s in enumerate(starts[::10])]
    web = [_aw_event(i, s, 4.0, {"url": f"https://x/{i % 100}", "title": "t", "audible": False,
                                 "incognito": False})
           for i, s in enumerate(starts[::4])]
    buckets = {
        "aw-watcher-window_h": {"type": "currentwindow", "hostname": "h", "events": window},
        "aw-watcher-input_h": {"type": "os.hid.input", "hostname": "h", "events": inputs},
        "aw-watcher-afk_h": {"type": "afkstatus", "hostname": "h", "events": afk},
        "aw-watcher-web-chrome_h": {"type": "web.tab.current", "hostname": "h", "events": web},
    }
    path = folder / "activitywatch.json"
    path.write_text(json.dumps({"buckets": buckets}), encoding="utf-8")
    return path, sum(len(b["events"]) for b in buckets.values())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=Path("/work/shared/data"),
                        help="folder holding smartrpa-generated/ and leno-synthetic/")
    parser.add_argument("--repeat", type=int, default=3, help="runs per input; the best is reported")
    parser.add_argument("--copies", type=int, default=10_000, help="copies of the Action Logger sample rows")
    parser.add_argument("--aw-events", type=int, default=100_000, help="window events in the ActivityWatch export")
    args = parser.parse_args(argv)

    rows = []
    for f in sorted((args.data / "smartrpa-generated").glob("*.csv")):
        rows.append(measure(f"smartrpa {f.name[:19]}", "smartrpa", [f], repeat=args.repeat, tz="UTC"))
    leno = sorted((args.data / "leno-synthetic").glob("*.csv"))
    if leno:
        rows.append(measure(f"leno, {len(leno)} logs", "leno", leno, repeat=args.repeat))
    with tempfile.TemporaryDirectory(prefix="bench-formats-") as tmp:
        folder = Path(tmp)
        al = actionlogger_file(folder, args.copies)
        rows.append(measure(f"actionlogger, sample x{args.copies}", "actionlogger", [al], repeat=args.repeat))
        aw, n_aw = activitywatch_file(folder, args.aw_events)
        rows.append(measure("activitywatch, synthetic export", "activitywatch", [aw], repeat=args.repeat,
                            records=n_aw))
        start = time.perf_counter()
        json.loads(aw.read_text(encoding="utf-8"))
        json_seconds = time.perf_counter() - start

    print(f"{'input':34} {'records':>9} {'rows':>9} {'seconds':>8} {'records/s':>10}")
    for name, n, r, seconds, rate in rows:
        print(f"{name:34} {n:>9,} {r:>9,} {seconds:>8.3f} {rate:>10,.0f}")
    print(f"(json.loads alone on the ActivityWatch export: {json_seconds:.3f} s)")
    real_recordings(args.data / "real-recordings", args.repeat)


def real_recordings(folder: Path, repeat: int) -> None:
    """Detection + reader on every real recording, next to pandas.read_csv of the same file."""
    import warnings

    import pandas as pd

    from taskmining.errors import TaskminingError
    from taskmining.io._records import sniff_delimiter
    from taskmining.io.detect import detect_format

    if not folder.is_dir():
        return
    print(f"\n{'real recording':38} {'format':13} {'records':>8} {'events':>7} {'seconds':>8} {'pandas s':>9}")
    for f in sorted(folder.glob("*.*")):
        if f.suffix == ".md":
            continue
        try:
            fmt = detect_format(f)
        except TaskminingError:
            print(f"{f.name:38} {'(not read)':13}")
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            name, n, r, seconds, _ = measure(f.name, fmt, [f], repeat=repeat, tz="Europe/Berlin")
        peer = ""
        if f.suffix == ".csv":
            sep = sniff_delimiter(f.read_text(encoding="utf-8", errors="replace")[:65536])
            peer_s, _ = best(lambda f=f, sep=sep: pd.read_csv(f, sep=sep, dtype=str,  # type: ignore[misc]
                                                              on_bad_lines="skip", encoding_errors="replace"), repeat)
            peer = f"{peer_s:.3f}"
        print(f"{name:38} {fmt:13} {n:>8,} {r:>7,} {seconds:>8.3f} {peer:>9}")


if __name__ == "__main__":
    main()
