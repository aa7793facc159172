"""Ingest benchmark: native JSONL and Parquet to a validated events frame.

Generates realistic recordings with ``taskmining.simulate`` (about 20,000
events per user-day, ground-truth columns included), writes them once as
one native JSONL file and one Parquet file, then measures each reader in a
fresh subprocess (wall time, CPU time, events/s, peak RSS from
``ru_maxrss``; the data are generated in a subprocess too, because Linux
carries ``ru_maxrss`` across ``exec``):

- ``taskmining native``: ``read_events(path.jsonl)`` (the events frame)
- ``pyarrow.json``: ``pyarrow.json.read_json`` alone (an Arrow table, no checks)
- ``pandas.read_json``: ``pandas.read_json(lines=True)`` (1M only by default)
- ``taskmining parquet``: ``read_events(path.parquet)``

Usage::

    python benchmarks/bench_ingest.py --sizes 1000000 10000000 --workdir /tmp/tm-bench
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

READERS = ("taskmining native", "pyarrow.json", "pandas.read_json", "taskmining parquet")
EVENTS_PER_USER_DAY = 19_600


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _read(kind: str, path: str) -> object:
    import pandas as pd
    import pyarrow.json as pj

    import taskmining as tm
    if kind in ("taskmining native", "taskmining parquet"):
        return tm.read_events(path, progress=False)
    if kind == "pyarrow.json":
        return pj.read_json(path)
    return pd.read_json(path, lines=True)


def measure(kind: str, path: str, warm: int = 0) -> dict[str, float]:
    """Run one reader once in this (fresh) process; returns rows, seconds and memory figures.

    With ``warm > 0`` the reader then runs ``warm`` more times in the same
    process and ``warm_seconds`` is the fastest of those runs."""
    import pandas as pd
    import pyarrow.json as pj

    import taskmining as tm
    import taskmining.io.formats.native  # imported outside the timing
    import taskmining.io.formats.parquet

    base = _rss_mb()
    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter()
    frame_bytes = float("nan")
    if kind == "taskmining native" or kind == "taskmining parquet":
        ev = tm.read_events(path, progress=False)
        rows = len(ev)
        seconds = time.perf_counter() - start
        frame_bytes = float(ev.memory_usage(deep=True).sum())
        contract = float(ev[list(tm.COLUMNS)].memory_usage(deep=True).sum())
    elif kind == "pyarrow.json":
        table = pj.read_json(path)
        rows = table.num_rows
        seconds = time.perf_counter() - start
        contract = float("nan")
    elif kind == "pandas.read_json":
        df = pd.read_json(path, lines=True)
        rows = len(df)
        seconds = time.perf_counter() - start
        contract = float("nan")
    else:
        raise SystemExit(f"unknown reader {kind!r}")
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    cpu = cpu1.ru_utime - cpu0.ru_utime + cpu1.ru_stime - cpu0.ru_stime
    peak = _rss_mb()
    warm_times = []
    for _ in range(warm):
        t0 = time.perf_counter()
        _read(kind, path)
        warm_times.append(time.perf_counter() - t0)
    warm_seconds = min(warm_times) if warm_times else float("nan")
    return {"rows": rows, "seconds": seconds, "cpu_seconds": cpu, "peak_rss_mb": peak, "base_rss_mb": base,
            "frame_bytes": frame_bytes, "contract_bytes": contract, "warm_seconds": warm_seconds}


def _own_events(n: int, seed: int = 7):  # type: ignore[no-untyped-def]
    """A vectorised stand-in for ``simulate`` (used only when it is unavailable)."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    apps = np.array(["excel", "chrome", "outlook", "sap", "teams"])
    titles = np.array(["Invoices.xlsx - Excel", "New Supplier Invoice - ERP - Google Chrome",
                       "Inbox - user@example.com - Outlook", "SAP Easy Access", "Chat | Microsoft Teams"])
    actions = np.array(["click", "key", "key", "key", "type", "copy", "paste", "focus", "app_switch", "scroll"])
    a = rng.integers(0, len(apps), n)
    session = np.sort(rng.integers(0, max(1, n // 20_000), n))
    ts = (np.datetime64("2026-01-05T07:00:00", "ns") + np.cumsum(rng.lognormal(19.5, 1.0, n)).astype("timedelta64[ns]"))
    return pd.DataFrame({
        "timestamp": pd.Series(ts).dt.tz_localize("UTC"),
        "user": pd.Series(session % 50).map(lambda i: f"u-{i:08x}"),
        "session": pd.Series(session).map(lambda i: f"ws{i % 50:02d}-20260105T081111-{i:04x}"),
        "app": apps[a], "window": titles[a], "action": actions[rng.integers(0, len(actions), n)],
        "element_role": "button", "element_name": pd.Series(rng.integers(0, 200, n)).map(lambda i: f"Field {i}"),
        "source": "simulator", "raw_action": "mouse_click",
        "attrs": pd.Series(rng.integers(0, 1920, n)).map(lambda x: f'{{"x":{x},"button":"left"}}'),
    })


def generate(n: int, workdir: Path, truth: bool = True) -> tuple[Path, Path, int]:
    """Simulate about ``n`` events; write them as JSONL and Parquet (cached in ``workdir``).

    With ``truth=False`` the simulator's ground-truth columns (``true_*``) are
    dropped first, so the records are what a recorder writes."""
    stem = f"events-{n}" if truth else f"events-{n}-recorded"
    jsonl, pq = workdir / f"{stem}.jsonl", workdir / f"{stem}.parquet"
    meta = workdir / f"{stem}.json"
    if jsonl.exists() and pq.exists() and meta.exists():
        return jsonl, pq, json.loads(meta.read_text())["rows"]
    import taskmining as tm

    workdir.mkdir(parents=True, exist_ok=True)
    users = max(1, round(n / (5 * EVENTS_PER_USER_DAY)))
    try:
        ev = tm.simulate(n_users=users, n_days=5, seed=7)
        source = "taskmining.simulate"
    except Exception as exc:  # noqa: BLE001 - the simulator is optional here
        print(f"(simulate failed: {exc!r}; using the script's own generator)", file=sys.stderr)
        ev, source = _own_events(n), "own generator"
    ev = ev.iloc[:n] if len(ev) > n else ev
    if not truth:
        ev = ev.drop(columns=[c for c in ev.columns if c.startswith("true_")])
    tm.write_events(ev, jsonl)
    tm.write_events(ev, pq)
    meta.write_text(json.dumps({"rows": len(ev), "users": users, "generator": source}))
    return jsonl, pq, len(ev)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/taskmining-bench-ingest"))
    parser.add_argument("--pandas-max", type=int, default=1_000_000,
                        help="largest size measured with pandas.read_json (it is slow)")
    parser.add_argument("--no-truth", action="store_true",
                        help="drop the simulator's ground-truth columns: records as a recorder writes them")
    parser.add_argument("--warm", type=int, default=0,
                        help="after the first read in a fresh process, read N more times there; report the fastest")
    parser.add_argument("--measure", nargs=2, metavar=("READER", "PATH"), help=argparse.SUPPRESS)
    parser.add_argument("--generate", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(*args.measure, warm=args.warm)))
        return
    if args.generate:
        generate(args.generate, args.workdir, truth=not args.no_truth)
        return
    header = (f"| {'reader':<20} | {'rows':>10} | {'seconds':>8} | {'CPU s':>6} | {'events/s':>11} | {'peak RSS MB':>11} "
              f"| {'RSS B/event':>11} | {'frame B/event':>13} | {'contract B/event':>16} "
              f"| {'warm s':>6} | {'warm events/s':>13} |")
    print(header)
    print("|" + "|".join("-" * (len(c)) for c in header.split("|")[1:-1]) + "|")
    for n in args.sizes:
        flags = ["--no-truth"] if args.no_truth else []
        subprocess.run([sys.executable, __file__, "--generate", str(n), "--workdir", str(args.workdir), *flags],
                       check=True)
        jsonl, pq, rows = generate(n, args.workdir, truth=not args.no_truth)  # cached by the subprocess
        size_mb = jsonl.stat().st_size / 1e6
        for kind in READERS:
            if kind == "pandas.read_json" and n > args.pandas_max:
                continue
            path = pq if kind == "taskmining parquet" else jsonl
            warm = args.warm if kind != "pandas.read_json" else 0
            out = subprocess.run([sys.executable, __file__, "--measure", kind, str(path), "--warm", str(warm)],
                                 capture_output=True, check=False,
                                 text=True, env={**os.environ, "PYTHONWARNINGS": "ignore"})
            if out.returncode:
                print(f"| {kind:<20} | {rows:>10} | failed: {out.stderr.strip().splitlines()[-1]} |")
                continue
            r = json.loads(out.stdout)
            per_event = (r["peak_rss_mb"] - r["base_rss_mb"]) * 1024 * 1024 / r["rows"]
            print(f"| {kind:<20} | {r['rows']:>10} | {r['seconds']:>8.2f} | {r['cpu_seconds']:>6.1f} "
                  f"| {r['rows'] / r['seconds']:>11,.0f} "
                  f"| {r['peak_rss_mb']:>11,.0f} | {per_event:>11,.0f} | {r['frame_bytes'] / r['rows']:>13,.0f} "
                  f"| {r['contract_bytes'] / r['rows']:>16,.0f} "
                  f"| {r['warm_seconds']:>6.2f} | {r['rows'] / r['warm_seconds']:>13,.0f} |", flush=True)
        gen = json.loads(jsonl.with_suffix(".json").read_text())["generator"]
        print(f"|  (JSONL file: {size_mb:,.0f} MB, {size_mb * 1e6 / rows:,.0f} bytes/event; data: {gen}) |", flush=True)


if __name__ == "__main__":
    main()
