"""Property tests: invariants of build_steps / steps_table on random event streams."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from taskmining.schema import validate_events
from taskmining.steps import build_steps, steps_table

ACTIONS = ["click", "double_click", "key", "focus", "copy", "paste", "edit", "app_switch", "idle", "other"]
ATTRS = [None, '{"key_class":"character"}', '{"key_class":"navigation","key":"tab"}',
         '{"key_class":"shortcut","keys":"ctrl+c"}', '{"key_class":"shortcut","keys":"ctrl+v"}']

event = st.fixed_dictionaries({
    "dt": st.sampled_from([0.0, 0.0, 0.1, 0.3, 1.0, 5.0, 120.0]),
    "session": st.sampled_from(["a", "b"]),
    "action": st.sampled_from(ACTIONS),
    "app": st.sampled_from(["excel", "chrome", None]),
    "element_name": st.sampled_from(["Amount", "B7", "Submit", None, "INV-2026-0001"]),
    "element_role": st.sampled_from(["edit", "cell", "button", None]),
    "value": st.sampled_from([None, "h:00000000000000aa", "h:00000000000000bb"]),
    "attrs": st.sampled_from(ATTRS),
})


def frame(rows: list[dict]) -> pd.DataFrame:
    df = pd.DataFrame(rows)
    df["timestamp"] = pd.Timestamp("2026-01-05", tz="UTC") + pd.to_timedelta(df.pop("dt").cumsum(), unit="s")
    return validate_events(df)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(event, min_size=1, max_size=40), st.randoms(use_true_random=False))
def test_step_invariants(rows: list[dict], rnd: object) -> None:
    ev = frame(rows)
    out = build_steps(ev)
    assert len(out) == len(ev) and out["step"].notna().all()
    # step ids are 0..k-1, contiguous in (session, time) order, never across sessions
    ids = out["step_id"].to_numpy()
    assert set(ids) == set(range(ids.max() + 1))
    assert (np.diff(ids) >= 0).all() and (np.diff(ids) <= 1).all()
    assert (out.groupby("step_id")["session"].nunique() == 1).all()
    table = steps_table(out)
    assert table["n_events"].sum() == len(ev) and len(table) == ids.max() + 1
    assert (table["end"] >= table["start"]).all()
    paired = table.dropna(subset=["transfer_from"])
    if len(paired):
        src = table.set_index("step_id").loc[paired["transfer_from"].astype(int)]
        assert (src["value_hash"].to_numpy() == paired["value_hash"].to_numpy()).all()
        assert (src["session"].to_numpy() == paired["session"].to_numpy()).all()
    # the input row order does not matter
    perm = list(range(len(ev)))
    rnd.shuffle(perm)  # type: ignore[attr-defined]
    shuffled = build_steps(ev.iloc[perm]).sort_values("event_id")
    by_id = out.sort_values("event_id")
    assert shuffled["step_id"].tolist() == by_id["step_id"].tolist()
    assert shuffled["step"].tolist() == by_id["step"].tolist()
