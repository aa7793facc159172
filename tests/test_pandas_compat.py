"""Behaviour that differs between the supported pandas versions (2.3 and 3.x).

CI runs this file in a second environment with the oldest declared versions
(.ci/oldest.sh), so each test here guards a difference seen there.
"""

from __future__ import annotations

import pandas as pd

import taskmining as tm
from taskmining.export._check import iso_times


def _events(session: pd.Series) -> pd.DataFrame:
    n = len(session)
    return pd.DataFrame({"session": session, "app": pd.Categorical(["erp"] * n), "action": ["click"] * n,
                         "element_name": ["New", "Save"] * (n // 2),
                         "timestamp": pd.date_range("2026-01-05 09:00", periods=n, freq="min", tz="UTC")})


def test_categorical_session_builds_steps_and_segments() -> None:
    # pandas 2.3 refuses Categorical.fillna with a value outside the categories even when nothing is missing
    ev = _events(pd.Series(pd.Categorical(["s1", "s1", "s2", "s2"])))
    out = tm.segment(ev, "idle_gap", gap="5min")
    assert out["case_id"].astype(object).tolist() == ["s1-1", "s1-1", "s2-1", "s2-1"]
    assert isinstance(ev["session"].dtype, pd.CategoricalDtype)  # the caller's frame is untouched


def test_categorical_session_with_missing_values() -> None:
    ev = _events(pd.Series(pd.Categorical(["s1", None, None, "s1"])))
    steps = tm.build_steps(ev)
    assert steps["step_id"].notna().all() and len(steps) == 4


def test_simulated_log_segments() -> None:
    ev = tm.simulate(n_users=2, n_days=1, seed=1, hours=0.5)
    out = tm.segment(ev)
    assert out["case_id"].notna().mean() > 0.5 and out["task"].nunique() >= 2


def test_iso_times_on_every_pyarrow() -> None:
    # pyarrow < 19 cannot turn a NumPy unicode array into large_string directly
    ts = pd.Series(pd.to_datetime(["2026-01-05 09:00:01", None, "2026-01-06 10:00:00"], utc=True))
    assert iso_times(ts).to_pylist() == ["2026-01-05T09:00:01.000000", None, "2026-01-06T10:00:00.000000"]
