"""Recorder overhead on a virtual desktop: CPU idle and busy, click-to-disk latency, OCR ms per call.

Starts Xvfb + openbox + D-Bus + AT-SPI (tests/desktop/harness.py), a GTK app
and a pixels-only app, runs ``taskmining record`` as a subprocess and drives
the apps with xdotool. CPU is the recorder process's user+system time over
wall time (/proc/<pid>/stat), in percent of one core.

Usage: python benchmarks/bench_recorder.py [--seconds 20] [--clicks 30]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from desktop.harness import Desktop, missing_parts  # noqa: E402


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure_cpu(pid: int, seconds: float, load: subprocess.Popen | None = None) -> float:
    c0, t0 = cpu_seconds(pid), time.monotonic()
    time.sleep(seconds)
    c1, t1 = cpu_seconds(pid), time.monotonic()
    if load is not None:
        load.kill()
        load.wait()
    return 100.0 * (c1 - c0) / (t1 - t0)


def lines(out: Path) -> list[dict]:
    rows = []
    for seg in sorted(out.rglob("segment-*.jsonl")):
        for line in seg.read_text().splitlines():
            try:
                rows.append(json.loads(line))
            except ValueError:
                pass
    return rows


def count_clicks(out: Path) -> int:
    n = 0
    for seg in out.rglob("segment-*.jsonl"):
        data = seg.read_bytes()
        n += data.count(b'"action":"click"') + data.count(b'"action": "click"')
    return n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=20.0, help="seconds per CPU measurement")
    ap.add_argument("--clicks", type=int, default=30, help="clicks for the latency measurement")
    ap.add_argument("--ocr-clicks", type=int, default=15)
    args = ap.parse_args()
    missing = missing_parts()
    if missing:
        sys.exit(f"missing: {', '.join(missing)}")
    out = Path(tempfile.mkdtemp(prefix="tm-bench-rec-"))
    salt = out.parent / (out.name + ".salt")
    salt.write_text("bench-salt-0123456789")
    with Desktop() as d:
        d.launch("gtk_app")
        d.launch("plain_app")
        gtk, plain = d.wait_window("TM Gtk Notes"), d.wait_window("TM Plain Viewer")
        time.sleep(1.0)
        rec = subprocess.Popen([sys.executable, "-m", "taskmining", "record", "--out", str(out), "--allow", "tmgtk",
                                "--allow", "tmplain", "--salt-file", str(salt), "--quiet"], env=d.env)
        time.sleep(4.0)  # imports, AT-SPI and OCR set-up
        d.activate(gtk)
        results = {}
        results["cpu_idle"] = measure_cpu(rec.pid, args.seconds)
        # busy: ~2 clicks and ~10 keys per second, a brisk office pace
        script = (f"while true; do xdotool mousemove --window {gtk} 150 30 click 1; sleep 0.25; "
                  f"xdotool mousemove --window {gtk} 150 75 click 1 type --delay 100 abcde; done")
        load = subprocess.Popen(["bash", "-c", script], env=d.env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
        before = len(lines(out))
        results["cpu_busy"] = measure_cpu(rec.pid, args.seconds, None)
        os.killpg(load.pid, signal.SIGKILL)
        load.wait()
        time.sleep(1.0)
        results["busy_events_per_s"] = (len(lines(out)) - before) / args.seconds
        # click-to-disk latency
        lat = []
        for i in range(args.clicks):
            n0 = count_clicks(out)
            y = 30 if i % 2 else 75
            d.run("xdotool", "mousemove", "--window", gtk, "150", str(y))
            t0 = time.perf_counter()
            d.run("xdotool", "click", "1")
            while count_clicks(out) == n0:
                time.sleep(0.002)
                if time.perf_counter() - t0 > 5:
                    break
            lat.append((time.perf_counter() - t0) * 1000)
            time.sleep(0.1)
        results["latency"] = lat
        # OCR per call
        d.activate(plain)
        for _ in range(args.ocr_clicks):
            d.click(plain, 180, 80)
            time.sleep(0.4)
        time.sleep(1.0)
        rec.send_signal(signal.SIGINT)
        rec.wait(30)
    ocr = [r["attrs"]["ocr_ms"] for r in lines(out) if r.get("source") == "ocr" and "ocr_ms" in r.get("attrs", {})]
    lat = sorted(results["latency"])
    rows = [
        ("recorder CPU, idle (% of one core)", f"{results['cpu_idle']:.2f}", "< 2"),
        ("recorder CPU, busy (% of one core)", f"{results['cpu_busy']:.2f}", "< 5"),
        ("busy load recorded (events/s)", f"{results['busy_events_per_s']:.1f}", ""),
        ("click-to-disk latency median (ms)", f"{statistics.median(lat):.0f}", ""),
        ("click-to-disk latency p95 (ms)", f"{lat[int(0.95 * (len(lat) - 1))]:.0f}", "< 1000"),
        ("OCR per call median (ms)", f"{statistics.median(ocr):.0f}" if ocr else "n/a", ""),
        ("OCR per call max (ms)", f"{max(ocr):.0f}" if ocr else "n/a", ""),
    ]
    w = max(len(r[0]) for r in rows)
    print(f"{'measure':<{w}}  {'value':>8}  target")
    for name, value, target in rows:
        print(f"{name:<{w}}  {value:>8}  {target}")
    print(f"(clicks measured: {len(lat)}, OCR calls: {len(ocr)}, recording in {out})")


if __name__ == "__main__":
    main()
