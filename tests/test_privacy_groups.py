"""The team-level safeguard: minimum distinct users per reported group."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from taskmining.errors import ParameterError, PrivacyError
from taskmining.privacy.groups import (
    SmallGroupWarning,
    check_min_group_size,
    group_sizes,
    note_suppressed,
    small_groups,
    suppress_small_groups,
    suppress_table,
)


@pytest.fixture
def frame() -> pd.DataFrame:
    # team a: 5 users, team b: 2 users (many rows), team c: 1 user
    return pd.DataFrame({
        "team": ["a"] * 5 + ["b"] * 6 + ["c"],
        "task": ["x"] * 12,
        "user": ["u1", "u2", "u3", "u4", "u5", "u6", "u7", "u6", "u7", "u6", "u7", "u8"],
    })


def test_sizes_count_distinct_users_not_rows(frame):
    sizes = group_sizes(frame, "team").set_index("team")["users"]
    assert sizes.to_dict() == {"a": 5, "b": 2, "c": 1}
    assert small_groups(frame, "team", min_group_size=2)["team"].tolist() == ["c"]


def test_suppress_small_groups_warns_and_keeps_the_rest(frame):
    with pytest.warns(SmallGroupWarning, match=r"2 group\(s\) with fewer than 5"):
        kept, gone = suppress_small_groups(frame, "team", "user", 5, what="test")
    assert set(kept["team"]) == {"a"} and len(kept) == 5
    assert gone["team"].tolist() == ["b", "c"]
    assert len(frame) == 12  # input untouched


def test_multi_column_groups(frame):
    kept, gone = suppress_small_groups(frame, ["team", "task"], "user", 2, warn=False)
    assert gone.to_dict("records") == [{"team": "c", "task": "x"}]
    assert set(kept["team"]) == {"a", "b"}


def test_size_one_disables_the_check(frame):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        kept, gone = suppress_small_groups(frame, "team", "user", 1)
    assert len(kept) == len(frame) and gone.empty


def test_suppress_table_notes_groups_without_users(frame):
    table = group_sizes(frame, "team").assign(cases=[10, 20, 30])
    with pytest.warns(SmallGroupWarning) as record:
        out = suppress_table(table, "team", min_group_size=3, what="metrics")
    assert out["team"].tolist() == ["a"]
    assert out.attrs["suppressed"] == [{"team": "b"}, {"team": "c"}]
    message = str(record[0].message)
    assert "team=b" in message and "u6" not in message and "u8" not in message
    assert out.attrs["min_group_size"] == 3


def test_note_suppressed_without_groups_does_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = note_suppressed(pd.DataFrame({"x": [1]}), pd.DataFrame(columns=["team"]), what="t", min_group_size=5)
    assert out.attrs["suppressed"] == [] and "suppressed_note" not in out.attrs


def test_bad_parameters(frame):
    for bad in (0, -1, 2.5, True, "5"):
        with pytest.raises(ParameterError, match="min_group_size"):
            check_min_group_size(bad)
    with pytest.raises(PrivacyError, match="'user' is missing"):
        suppress_small_groups(frame.drop(columns=["user"]), "team", "user", 5)
    with pytest.raises(ParameterError, match="'dept'"):
        group_sizes(frame, "dept")
    with pytest.raises(PrivacyError, match="users"):
        suppress_table(frame, "team", min_group_size=5)
