"""Desktop work inside the process: link task instances to an ERP/CRM event log.

A simulated team works through invoices, purchase orders, customer requests
and expense reports on the desktop; the systems they work in log their own
events (received, created, approved, paid). This example

1. simulates the desktop work and the matching system log,
2. links every desktop task instance to its process case through the
   business keys in window titles, field names and (hashed) clipboard
   content,
3. builds the combined log where desktop steps appear inside the process
   cases, and discovers a process model on it with pm4py (skipped, with a
   message, when pm4py is not installed),
4. writes the combined log as XES and as OCEL 2.0 (JSON and SQLite).

Run::

    python examples/joint_analysis.py [OUTPUT_DIR]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import taskmining as tm
from taskmining.datasets import simulate_process_log
from taskmining.datasets.simulate import DEFAULT_SALT


def main(out: Path) -> dict[str, object]:
    out.mkdir(parents=True, exist_ok=True)

    # 1. desktop work with ground truth, and the system log of the same business objects
    #    (five people: the combined log holds per-person desktop rows, a team output, docs/privacy.md)
    events = tm.simulate(n_users=5, hours=2, seed=7)
    process = simulate_process_log(events, seed=7)
    print(f"desktop: {len(events):,} events, {events['true_case'].nunique()} task instances; "
          f"system: {len(process):,} events in {process['case:concept:name'].nunique()} process cases")

    # 2. link: cases are named by their business key in this ERP; the recording
    #    hashed clipboard content with its salt, so the keys are hashed the same way.
    #    granularity="task": each desktop task instance becomes one event inside its process case
    #    (granularity="step" puts every desktop step there instead).
    result = tm.link_to_process(events, process, process_key="case:concept:name", salt=DEFAULT_SALT,
                                case_col="true_case", activity_col="true_step", task_col="true_task",
                                granularity="task")
    links = result.links  # cases holding a step or task type of fewer than 3 people are left out
    linked = links["process_case"].notna()
    truth = events.dropna(subset=["true_case"]).groupby("true_case")["true_object"].first()
    correct = (links.loc[linked, "process_case"].to_numpy()
               == truth.reindex(links.loc[linked, "case_id"]).to_numpy()).sum()
    print(f"linked {int(linked.sum())} of {len(links)} task instances to a process case "
          f"({int(correct)} to the right one); evidence: "
          + ", ".join(f"{k} {v}" for k, v in links.loc[linked, "evidence"].value_counts().head(3).items()))
    print(links.loc[linked, ["case_id", "task", "process_case", "key_type", "evidence"]].head(5).to_string(index=False))

    # 3. the combined log and process discovery on it
    log = result.log
    print(f"combined log: {len(log):,} events ({(log['source'] == 'desktop').sum()} desktop tasks, "
          f"{(log['source'] == 'system').sum()} system events)")
    try:
        import pm4py
    except ImportError:
        pm4py = None
        print("pm4py is not installed: skipping process discovery (pip install taskmining[pm4py])")
    dfg = None
    if pm4py is not None:
        dfg, _start, _end = pm4py.discover_dfg(log)
        top = sorted(dfg.items(), key=lambda kv: -kv[1])[:5]
        print("most frequent transitions in the combined log:")
        for (a, b), n in top:
            print(f"  {a} -> {b}: {n}")
        net, _im, _fm = pm4py.discover_petri_net_inductive(log)
        print(f"inductive miner: {len(net.transitions)} transitions, {len(net.places)} places")

    # 4. files
    xes = result.write_xes(out / "joint.xes.gz")
    ocel_json = result.write_ocel(out / "joint.json")
    ocel_sqlite = result.write_ocel(out / "joint.sqlite")
    for path in (xes, ocel_json, ocel_sqlite):
        print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB)")
    return {"links": links, "log": log, "dfg": dfg, "files": [xes, ocel_json, ocel_sqlite],
            "correct": int(correct), "linked": int(linked.sum())}


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="joint-"))
    main(target)
