"""The contract's categorical columns: dtypes, category order, conversions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import taskmining as tm
from taskmining.schema import (
    CATEGORY_COLUMNS,
    STRING_COLUMNS,
    as_category,
    validate_events,
)


def test_category_and_string_columns_partition_the_text_columns() -> None:
    assert not set(CATEGORY_COLUMNS) & set(STRING_COLUMNS)
    assert {"user", "session", "raw_action", "app", "action", "element_role", "source"} == set(CATEGORY_COLUMNS)
    ev = tm.schema.empty_events()
    for col in CATEGORY_COLUMNS:
        assert isinstance(ev[col].dtype, pd.CategoricalDtype), col


@pytest.mark.parametrize("values", [
    pd.Series(["b", "a", None, "b"]),
    pd.Series(["b", "a", None, "b"], dtype="str"),
    pd.Series(pd.Categorical(["b", "a", None, "b"], categories=["b", "z", "a"])),
    pd.Series(pd.Categorical([2, 1, None, 2])),
    pd.Series(pd.Categorical(["b", "a", None, "b"], categories=["a", "b"])),
])
def test_as_category_sorts_categories_and_keeps_values(values: pd.Series) -> None:
    out = as_category(values)
    cats = list(out.cat.categories)
    assert cats == sorted(cats) and out.cat.categories.dtype == tm.schema.STRING_DTYPE
    want = [None if pd.isna(v) else str(v) for v in values.astype(object)]
    assert [None if pd.isna(v) else v for v in out.astype(object)] == want
    assert values.equals(values.copy())  # input untouched


def test_validate_events_makes_identifier_columns_categorical_and_sorts_by_session() -> None:
    raw = pd.DataFrame({
        "timestamp": ["2026-01-05T09:00:00Z", "2026-01-05T09:00:01Z", "2026-01-05T09:00:02Z"],
        "user": ["u2", "u1", "u2"], "session": ["s-b", "s-a", "s-b"],
        "action": ["click", "key", "type"], "raw_action": ["mouse", "key_press", "text"],
    })
    ev = validate_events(raw)
    assert ev["session"].astype(str).tolist() == ["s-a", "s-b", "s-b"]
    for col in ("user", "session", "raw_action"):
        assert isinstance(ev[col].dtype, pd.CategoricalDtype)
    # a categorical session whose categories are not in lexical order still sorts lexically
    raw2 = raw.assign(session=pd.Categorical(raw["session"], categories=["s-b", "s-a"]))
    pd.testing.assert_frame_equal(validate_events(raw2), ev)


def test_default_session_is_the_user_as_a_category() -> None:
    ev = validate_events(pd.DataFrame({"timestamp": ["2026-01-05T09:00:00Z"] * 2, "action": ["click"] * 2,
                                       "user": ["u1", None]}))
    assert sorted(ev["session"].astype(str)) == ["session-0", "u1"]
    assert isinstance(ev["session"].dtype, pd.CategoricalDtype)


def test_categorical_columns_cut_memory_per_event() -> None:
    ev = tm.simulate(n_users=3, hours=1.0, seed=2)
    as_str = ev.astype({c: tm.schema.STRING_DTYPE for c in ("user", "session", "raw_action")})
    per_event = ev[list(tm.COLUMNS)].memory_usage(deep=True).sum() / len(ev)
    per_event_str = as_str[list(tm.COLUMNS)].memory_usage(deep=True).sum() / len(ev)
    assert per_event < per_event_str - 40
    assert np.isfinite(per_event)
