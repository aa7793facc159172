"""The default segmenter on noise-free simulated streams (the issue's quality target).

Usage::

    python benchmarks/bench_segment_noise_free.py [--seeds 3 4] [--users 3]

Simulated teams with ``noise=0`` and ``interruptions=0`` (no stray clicks, no
mail or chat interruptions), without and with interleaving, and a
single-routine team; ``taskmining.segment(events)`` with its defaults (ground
truth dropped by ``segment`` before the method runs); scores per step from
``taskmining.segmentation.evaluate``. Target on noise-free logs: boundary F1 >=
0.95 and edit distance <= 0.05.
"""

from __future__ import annotations

import argparse
import time
import warnings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[3, 4])
    parser.add_argument("--users", type=int, default=3)
    args = parser.parse_args()

    import taskmining as tm
    from taskmining.segmentation.evaluate import evaluate

    cases = [
        ("6 routines, no interleaving", {"interleave": 0.0}),
        ("6 routines, interleave 0.2", {"interleave": 0.2}),
        ("1 routine (invoice entry)", {"interleave": 0.0, "routines": ["invoice_entry"]}),
    ]
    print(f"{'stream':32} {'seed':>4} {'steps':>7} {'boundary F1':>11} {'edit':>6} {'event F1':>8} {'seconds':>7}")
    for label, kw in cases:
        for seed in args.seeds:
            events = tm.simulate(n_users=args.users, n_days=1, seed=seed, noise=0.0, interruptions=0.0, **kw)
            t0 = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                tasks = tm.segment(events)
            took = time.perf_counter() - t0
            st = tasks.drop_duplicates("step_id")
            s = evaluate(st["true_case"], st["case_id"], true_task=st["true_task"], pred_task=st["task"],
                         steps=st["step"], session=st["session"], time=st["timestamp"])
            print(f"{label:32} {seed:>4} {len(st):>7,} {s['boundary_f1']:>11.3f} {s['edit_distance']:>6.3f} "
                  f"{s['event_f1']:>8.3f} {took:>7.1f}")


if __name__ == "__main__":
    main()
