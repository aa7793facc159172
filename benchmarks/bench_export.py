"""XES export: taskmining.write_xes against pm4py.write_xes on the same logs.

Each measurement runs in a fresh process: the tasks frame is generated, the
peak-RSS mark is reset (``/proc/self/clear_refs``), the writer runs, and the
peak RSS above the level before writing is reported as the writer's extra
memory. pm4py gets the ready-made pm4py frame (``to_pm4py(..., level="event")``,
not timed); taskmining's time includes that conversion from the tasks frame.

Usage::

    python benchmarks/bench_export.py                       # 200k and 1M events
    python benchmarks/bench_export.py --sizes 200000 --no-pm4py
    python benchmarks/bench_export.py --ocel --sizes 200000   # write_ocel, JSON and SQLite
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np
import pandas as pd

LABELS = [f"{verb} '{field}' in {app}" for verb, field, app in [
    ("Click", "New", "sap"), ("Type", "Invoice number", "sap"), ("Copy", "Amount", "outlook"),
    ("Paste", "Amount", "sap"), ("Click", "Save", "sap"), ("Open", "Mail", "outlook"),
    ("Select", "Vendor", "sap"), ("Type", "Comment", "excel"), ("Click", "Post", "sap"),
    ("Navigate", "Portal", "chrome"), ("Copy", "IBAN", "chrome"), ("Paste", "IBAN", "excel")]]


def make_tasks(n_events: int, seed: int = 0) -> pd.DataFrame:
    """A tasks frame of ``n_events`` events: cases of ~12 steps of 1-3 events, 50 users."""
    rng = np.random.default_rng(seed)
    step_len = rng.integers(1, 4, size=n_events)
    step_of_event = np.repeat(np.arange(n_events), step_len)[:n_events]
    n_steps = int(step_of_event[-1]) + 1
    case_of_step = np.repeat(np.arange(n_steps), rng.integers(6, 19, size=n_steps))[:n_steps]
    case = case_of_step[step_of_event]
    label = rng.integers(0, len(LABELS), size=n_steps)[step_of_event]
    user = case % 50
    t0 = np.datetime64("2026-01-05T08:00:00", "ns").astype("int64")
    gaps = rng.integers(200_000_000, 8_000_000_000, size=n_events)
    ts = pd.to_datetime(t0 + np.cumsum(gaps), utc=True)
    labels = np.array(LABELS, dtype=object)
    frame = pd.DataFrame({
        "event_id": np.arange(n_events, dtype="int64"),
        "timestamp": ts,
        "user": pd.Series(np.char.add("u", user.astype(str)), dtype="str"),
        "session": pd.Series(np.char.add("s", user.astype(str)), dtype="str"),
        "app": pd.Categorical(np.array([lab.rsplit(" ", 1)[1] for lab in LABELS])[label % len(LABELS)]),
        "window": pd.Series(np.char.add("Invoice INV-", (100000 + case).astype(str)), dtype="str"),
        "action": pd.Categorical(np.where(label % 3 == 0, "click", "type")),
        "element_role": pd.Categorical(np.where(label % 2 == 0, "button", "edit")),
        "step_id": step_of_event.astype("int64"),
        "step": pd.Series(labels[label], dtype="str"),
        "case_id": pd.Series(np.char.add("c", case.astype(str)), dtype="str"),
        "task": pd.Series(np.where(case % 3 == 0, "invoice", "order"), dtype="str"),
    })
    return frame


def _rss_kb(field: str) -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field):
                return int(line.split()[1])
    return 0


def run_one(tool: str, n: int, path: str) -> dict[str, float]:
    """Measure one writer in this process; returns seconds and extra peak MB."""
    from taskmining.export.pm4py_frame import to_pm4py
    from taskmining.export.xes import write_xes

    tasks = make_tasks(n)
    if tool.startswith("ocel-"):
        from taskmining.export.ocel import write_ocel
        path = path + "." + tool.split("-")[1]
    if tool == "pm4py":
        import pm4py
        data = to_pm4py(tasks, level="event")
        del tasks
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    before = _rss_kb("VmRSS:")
    start = time.perf_counter()
    if tool == "pm4py":
        pm4py.write_xes(data, path, show_progress_bar=False)
    elif tool.startswith("ocel-"):
        write_ocel(tasks, path)
    else:
        engine = tool.split("-", 1)[1]
        write_xes(tasks, path, level="event", engine=engine)  # type: ignore[arg-type]
    seconds = time.perf_counter() - start
    peak = _rss_kb("VmHWM:")
    return {"seconds": seconds, "extra_mb": (peak - before) / 1024, "bytes": os.path.getsize(path)}



def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[200_000, 1_000_000])
    parser.add_argument("--no-pm4py", action="store_true")
    parser.add_argument("--no-lxml", action="store_true")
    parser.add_argument("--ocel", action="store_true", help="time write_ocel (JSON, SQLite) instead of XES")
    parser.add_argument("--out", default="/tmp/bench_export.xes")
    parser.add_argument("--one", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one[0], int(args.one[1]), args.out)))
        for leftover in (args.out, args.out + ".json", args.out + ".sqlite"):
            if os.path.exists(leftover):
                os.remove(leftover)
        return
    tools = ["taskmining-text"] + ([] if args.no_lxml else ["taskmining-lxml"]) + \
        ([] if args.no_pm4py else ["pm4py"])
    if args.ocel:
        tools = ["ocel-json", "ocel-sqlite"]
    print(f"{'events':>9} {'writer':<16} {'seconds':>8} {'events/s':>10} {'extra peak MB':>14} "
          f"{'MB written':>10} {'pm4py / this':>12}")
    for n in args.sizes:
        results = {}
        for tool in tools:
            proc = subprocess.run([sys.executable, __file__, "--one", tool, str(n), "--out", args.out],
                                  capture_output=True, text=True, check=True)
            results[tool] = json.loads(proc.stdout.strip().splitlines()[-1])
        for tool, r in results.items():
            ratio = results["pm4py"]["seconds"] / r["seconds"] if "pm4py" in results else float("nan")
            print(f"{n:>9} {tool:<16} {r['seconds']:>8.2f} {n / r['seconds']:>10,.0f} "
                  f"{r['extra_mb']:>14.1f} {r['bytes'] / 1e6:>10.1f} {ratio:>12.1f}")


if __name__ == "__main__":
    main()
