"""Segmentation benchmark: quality of every built-in segmenter, speed and memory of the default.

Usage::

    python benchmarks/bench_segment.py                  # quality table + scale runs (100k, 1M events)
    python benchmarks/bench_segment.py --quality        # quality table only
    python benchmarks/bench_segment.py --scale 100000 1000000

Quality: every segmenter of ``list_segmenters()`` with its default
parameters (the same on every log) on

* each Leno et al. log in ``../shared/data/leno-synthetic`` (read with
  ``read_events(format="leno")``, steps from ``build_steps``; ground truth
  ``caseID``, dropped before segmenting);
* simulated recordings (``taskmining.datasets.simulate``): a single-routine
  team without interleaving, and teams doing all six routines with the
  default interleaving (0.2), noise (0.05) and interruptions (0.1);
* the same six-routine team of three without business keys (window titles,
  URLs and element names dropped);
* the small synthetic routine streams of ``taskmining.datasets.routine_steps``
  (three routines; clean, interleaved with noise, and interleaved with noise
  without window titles, i.e. without business keys, two seeds);
* Action-Logger-style logs (``taskmining.datasets.actionlogger``), written as
  Action Logger CSV and read with ``read_events(format="actionlogger")``:
  copy/paste loops into a web form, form filling, a replayed ERP routine
  with unnamed elements (each alone), the loop and the form with their web
  fields unnamed (``benchmarks/al_variants.py``: no name, label or id;
  "bare": not even the input type), the two form routines one after another,
  and two interleaved mixes with noise (three seeds each); duplicates and
  echo events in all.

``--methods NAME ...`` limits the quality table to some segmenters and
``--only TEXT`` to the logs whose name holds the text; the ``assigned``
column is the share of steps given a case. The shared logs are read from
``$TASKMINING_SHARED_DATA`` (default ``../shared/data``).

``supervised_boundaries`` needs labels: it is trained on another log of the
same kind (the next Leno log; a simulated team with another seed). Scores
are those of ``taskmining.segmentation.evaluate`` (boundary P/R/F1 without
tolerance, edit distance, event-level F1 over task types where the truth has
them and over cases otherwise, ARI); seconds are fit + predict.

Scale: the default method (``auto``) on simulated teams of about 100k and 1M
events (simulated and written to Parquet in one process, measured in a fresh
one): time of ``build_steps`` + ``steps_table`` and of the segmentation, and
the peak resident memory (``ru_maxrss``) above the size with the events
loaded.
"""

from __future__ import annotations

import argparse
import os
import multiprocessing as mp
import resource
import time
from pathlib import Path
from typing import Any

import pandas as pd

SHARED = Path(os.environ.get("TASKMINING_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
LENO = SHARED / "leno-synthetic"
TRUTH_COLUMNS = ("caseID", "true_case", "true_task", "true_step", "true_object")


def _steps_from_events(events: pd.DataFrame) -> pd.DataFrame:
    import taskmining as tm

    return tm.steps_table(tm.build_steps(events))


def _truth(steps: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series, pd.Series | None]:
    if "caseID" in steps.columns:
        return steps.drop(columns=["caseID"]), steps["caseID"], None
    gt = [c for c in TRUTH_COLUMNS if c in steps.columns]
    return steps.drop(columns=gt), steps["true_case"], steps["true_task"]


def _datasets() -> list[tuple[str, pd.DataFrame, pd.DataFrame]]:
    """(name, steps with truth, training steps with truth for supervised methods)."""
    import taskmining as tm
    from taskmining.datasets import simulate
    from taskmining.datasets.routine_steps import routine_steps

    out = []
    logs = sorted(LENO.glob("log*_segmented.csv"), key=lambda p: int(p.stem[3:].split("_")[0]))
    leno = [_steps_from_events(tm.read_events(p, format="leno")) for p in logs]  # type: ignore[arg-type]
    for i, (path, steps) in enumerate(zip(logs, leno, strict=True)):
        out.append((f"leno {path.stem.split('_')[0]}", steps, leno[(i + 1) % len(leno)]))
    single: dict[str, Any] = {"routines": ["invoice_entry"], "interleave": 0.0}
    out.append(("sim 1 routine, 3 users", _steps_from_events(simulate(3, seed=1, **single)),
                _steps_from_events(simulate(3, seed=101, **single))))
    for users, seed in ((3, 2), (10, 3)):
        out.append((f"sim 6 routines, {users} users", _steps_from_events(simulate(users, seed=seed)),
                    _steps_from_events(simulate(3, seed=100 + seed))))
    no_keys = ["window", "url", "element_name"]
    sim3 = [s for name, s, _ in out if name == "sim 6 routines, 3 users"][0]
    out.append(("sim 6 routines, 3 users, no keys", sim3.drop(columns=no_keys),
                _steps_from_events(simulate(3, seed=102)).drop(columns=no_keys)))
    out.append(("synthetic clean", routine_steps(300, n_sessions=2, seed=1), routine_steps(300, seed=11)))
    noisy: dict[str, Any] = {"interleave": 0.3, "noise": 0.05}
    out.append(("synthetic interleaved+noise", routine_steps(300, n_sessions=2, seed=2, **noisy),
                routine_steps(300, seed=12, **noisy)))
    for seed in (2, 5):
        out.append((f"synthetic interl.+noise, no keys {seed}",
                    routine_steps(300, n_sessions=2, seed=seed, **noisy).drop(columns=["window"]),
                    routine_steps(300, seed=10 + seed, **noisy).drop(columns=["window"])))
    out += _actionlogger_logs()
    return out


#: (name, routines, instances, seed, interleave, noise, web elements) of the Action-Logger-style logs;
#: web elements "named" as simulated, "unnamed" (no name, label or id: ``al_variants.unnamed_web``),
#: "bare" (not even the input type: a submit button is just a button)
AL_LOGS: tuple[tuple[str, tuple[str, ...], int, int, float, float, str], ...] = (
    ("AL copy/paste loop", ("copy_paste",), 50, 1, 0.0, 0.0, "named"),
    ("AL copy/paste loop, unnamed fields", ("copy_paste",), 50, 1, 0.0, 0.0, "unnamed"),
    ("AL copy/paste loop, bare fields", ("copy_paste",), 50, 1, 0.0, 0.0, "bare"),
    ("AL form filling", ("form_filling",), 40, 2, 0.0, 0.0, "named"),
    ("AL form filling, unnamed fields", ("form_filling",), 40, 2, 0.0, 0.0, "unnamed"),
    ("AL ERP replay, unnamed", ("erp_replay",), 30, 3, 0.0, 0.0, "named"),
    ("AL copy/paste+forms, one after another", ("copy_paste", "form_filling"), 100, 4, 0.0, 0.0, "named"),
    ("AL interleaved copy/paste+forms", ("copy_paste", "form_filling"), 100, 4, 0.3, 0.1, "named"),
    ("AL interleaved ERP+forms", ("erp_replay", "form_filling"), 100, 5, 0.3, 0.1, "named"),
    # other seeds of the two interleaved mixes: a score on one seed is not a score on the generator
    ("AL interleaved copy/paste+forms, seed 14", ("copy_paste", "form_filling"), 100, 14, 0.3, 0.1, "named"),
    ("AL interleaved copy/paste+forms, seed 24", ("copy_paste", "form_filling"), 100, 24, 0.3, 0.1, "named"),
    ("AL interleaved ERP+forms, seed 15", ("erp_replay", "form_filling"), 100, 15, 0.3, 0.1, "named"),
    ("AL interleaved ERP+forms, seed 25", ("erp_replay", "form_filling"), 100, 25, 0.3, 0.1, "named"),
)


def _actionlogger_logs() -> list[tuple[str, pd.DataFrame, pd.DataFrame]]:
    import sys
    import tempfile

    import taskmining as tm
    from taskmining.datasets.actionlogger import simulate_actionlogger, write_actionlogger
    from taskmining.segmentation.apply import hide_truth_attrs

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from al_variants import unnamed_web

    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, routines, n, seed, interleave, noise, web in AL_LOGS:
            logs = []
            for s in (seed, seed + 100):  # the second is the training log of supervised methods
                log = simulate_actionlogger(list(routines), n_instances=n, seed=s, interleave=interleave, noise=noise)
                if web != "named":
                    log = unnamed_web(log, keep_type=web == "unnamed")
                path = write_actionlogger(log, Path(tmp) / f"{s}.csv")
                events = hide_truth_attrs(tm.read_events(path, format="actionlogger", tz="UTC"))  # Task is in attrs
                steps = _steps_from_events(events)
                steps["caseID"] = steps["caseID"].astype(object).where(steps["caseID"].notna(), None)
                logs.append(steps)
            out.append((name, logs[0], logs[1]))
    return out


def quality(methods: list[str] | None = None, only: str | None = None) -> pd.DataFrame:
    from taskmining.segmentation.evaluate import evaluate
    from taskmining.segmentation.registry import list_segmenters, segmenter

    rows = []
    names = [n for n in list_segmenters()["name"] if n != "auto"] + ["auto"]
    if methods:
        names = [n for n in names if n in methods]
    for log, steps, train in _datasets():
        if only and only not in log:
            continue
        x, true_case, true_task = _truth(steps)
        for name in names:
            seg = segmenter(name)
            t0 = time.perf_counter()
            if seg.requires_labels:
                tx, ty, _ = _truth(train)
                seg.fit(tx, ty)
            else:
                seg.fit(x)
            out = seg.predict(x)
            seconds = time.perf_counter() - t0
            typed = true_task is not None and bool(out["task"].notna().any())
            s = evaluate(true_case, out["case_id"], steps=x["step"], session=x["session"],
                         true_task=true_task if typed else None, pred_task=out["task"] if typed else None)
            if true_task is not None and not typed:
                s["event_f1"] = float("nan")  # the method does not type its cases
            rows.append({"log": log, "steps": len(x), "method": name,
                         "P": s["boundary_precision"], "R": s["boundary_recall"], "F1": s["boundary_f1"],
                         "edit": s["edit_distance"], "event_F1": s["event_f1"], "ARI": s["ari"],
                         "assigned": float(out["case_id"].notna().mean()), "seconds": seconds})
            print(f"{log:40s} {name:22s} F1={s['boundary_f1']:.3f} edit={s['edit_distance']:.3f} "
                  f"eventF1={s['event_f1']:.3f} {seconds:.2f}s", flush=True)
    return pd.DataFrame(rows)


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _simulate_to(n_events: int, path: str, queue: mp.Queue) -> None:
    from taskmining.datasets import simulate

    per_user = len(simulate(1, seed=0))
    users = max(1, -(-n_events // per_user))  # enough users to reach about n_events
    simulate(users, seed=7).to_parquet(path)
    queue.put(users)


def _scale_run(path: str, queue: mp.Queue) -> None:
    import taskmining as tm
    from taskmining.segmentation.registry import segmenter

    events = pd.read_parquet(path)
    base = _rss_mb()
    t0 = time.perf_counter()
    steps = tm.steps_table(tm.build_steps(events))
    t1 = time.perf_counter()
    after_steps = _rss_mb()
    x = steps.drop(columns=[c for c in TRUTH_COLUMNS if c in steps.columns])
    seg = segmenter("auto")
    out = seg.fit(x).predict(x)
    t2 = time.perf_counter()
    queue.put({"events": len(events), "steps": len(steps), "method": seg.method_,
               "mode": getattr(seg.segmenter_, "mode_", ""), "steps_s": t1 - t0, "segment_s": t2 - t1,
               "total_s": t2 - t0, "peak_mb_steps": after_steps - base, "peak_mb_total": _rss_mb() - base,
               "cases": int(out["case_id"].nunique())})


def scale(sizes: list[int]) -> pd.DataFrame:
    """Each size: simulate in one process (written to Parquet), measure in a fresh one.

    Peak memory is the peak resident set size (``ru_maxrss``) of the measuring
    process above its size once the events frame is loaded: after the steps
    (``peak_mb_steps``) and after the segmentation (``peak_mb_total``).
    """
    import tempfile

    ctx = mp.get_context("spawn")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            path = str(Path(tmp) / f"events-{n}.parquet")
            for target, args in ((_simulate_to, (n, path)), (_scale_run, (path,))):
                queue = ctx.Queue()
                proc = ctx.Process(target=target, args=(*args, queue))
                proc.start()
                result = queue.get()
                proc.join()
            rows.append(result)
            print(result, flush=True)
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quality", action="store_true", help="quality table only")
    parser.add_argument("--scale", type=int, nargs="*", help="scale runs only, at these event counts")
    parser.add_argument("--methods", nargs="*", help="quality of these segmenters only")
    parser.add_argument("--only", help="quality on the logs whose name holds this text only")
    args = parser.parse_args()
    pd.set_option("display.width", 200)
    pd.set_option("display.max_rows", 500)
    if args.scale is None:
        table = quality(args.methods, args.only)
        print()
        print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
        summary = table.groupby("method")[["F1", "edit", "event_F1", "assigned"]].mean()
        print("\nmean over logs\n" + summary.to_string(float_format=lambda v: f"{v:.3f}"))
    if not args.quality:
        sizes = args.scale or [100_000, 1_000_000]
        print()
        print(scale(sizes).to_string(index=False, float_format=lambda v: f"{v:.2f}"))



if __name__ == "__main__":
    main()
