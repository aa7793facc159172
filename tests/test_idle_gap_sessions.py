"""idle_gap measures pauses within each session (regression: the latest step end leaked across sessions)."""

from __future__ import annotations

import pandas as pd
import pytest

import taskmining as tm


def _events(session: list[str], times: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"session": session, "app": ["erp"] * len(times), "action": ["click"] * len(times),
                         "element_name": [f"b{i}" for i in range(len(times))],
                         "timestamp": pd.to_datetime(times, utc=True)})


def test_later_session_does_not_hide_pauses_of_an_earlier_one() -> None:
    # session a is a day later than b but sorts first: b's 3-hour pause must still cut
    ev = _events(["a", "b", "b", "b"], ["2026-01-06 09:00", "2026-01-05 09:00", "2026-01-05 09:01",
                                          "2026-01-05 12:00"])
    together = tm.segment(ev, "idle_gap", gap="5min")["case_id"].astype(object).tolist()
    alone = tm.segment(ev.iloc[1:], "idle_gap", gap="5min")["case_id"].astype(object).tolist()
    assert together == ["a-1", "b-1", "b-1", "b-2"]
    assert together[1:] == alone


@pytest.mark.parametrize("gap", ["30s", "2min", "10min"])
def test_whole_frame_equals_session_by_session(gap: str) -> None:
    # four users over two days: sessions whose clock ranges overlap and interleave in sort order
    ev = tm.simulate(n_users=4, n_days=2, seed=3, hours=1.0)
    whole = tm.segment(ev, "idle_gap", gap=gap)
    parts = pd.concat([tm.segment(g, "idle_gap", gap=gap) for _, g in ev.groupby("session", observed=True)])
    parts = parts.loc[whole.index]
    assert whole["case_id"].nunique() == parts["case_id"].nunique() > ev["session"].nunique()
    assert whole["case_id"].astype(object).fillna("-").tolist() == parts["case_id"].astype(object).fillna("-").tolist()
