"""Step rules, labels, transfers and the steps table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from taskmining.errors import ParameterError, SchemaError
from taskmining.schema import validate_events
from taskmining.steps import build_steps, ground_truth_columns, steps_table

T0 = pd.Timestamp("2026-01-05 09:00", tz="UTC")


def frame(rows: list[dict], **common: object) -> pd.DataFrame:
    """Events from (offset seconds ``t``, action, ...) dicts."""
    df = pd.DataFrame(rows)
    df["timestamp"] = T0 + pd.to_timedelta(df.pop("t"), unit="s")
    for k, v in common.items():
        df[k] = v
    if "session" not in df:
        df["session"] = "s1"
    return validate_events(df)


def key(t: float, name: str = "Amount", kc: str = "character", keys: str | None = None, app: str = "chrome") -> dict:
    attrs = f'{{"key_class":"{kc}"' + (f',"keys":"{keys}"' if keys else "") + "}"
    return {"t": t, "action": "key", "element_name": name, "element_role": "edit", "app": app, "attrs": attrs}


def test_key_run_is_one_type_step_with_char_count() -> None:
    ev = frame([key(0), key(0.2), key(0.4, kc="digit"), key(0.5, kc="editing"), key(1, name="Name")])
    out = build_steps(ev)
    assert out["step_id"].tolist() == [0, 0, 0, 0, 1]
    assert out["step"].iloc[0] == "Type in 'Amount' in Chrome"
    table = steps_table(out)
    assert table["n_chars"].tolist() == [3, 1]
    assert table["n_events"].tolist() == [4, 1]
    assert table["action"].tolist() == ["type", "type"]


def test_key_run_split_by_idle_gap_and_navigation_only_is_press() -> None:
    ev = frame([key(0), key(100), key(101, kc="navigation"), key(300, kc="navigation", name="X")])
    out = build_steps(ev, idle_gap="60s")
    assert out["step_id"].tolist() == [0, 1, 1, 2]
    assert out["step"].iloc[3] == "Press keys in 'X' in Chrome"
    assert build_steps(ev, idle_gap=500)["step_id"].nunique() == 2


def test_double_click_collapses_and_far_clicks_do_not() -> None:
    ev = frame([{"t": 0, "action": "click"}, {"t": 0.2, "action": "click"}, {"t": 0.25, "action": "double_click"},
                {"t": 5, "action": "click"}, {"t": 6, "action": "click"}],
               element_name="Row 1", app="excel", element_role="list_item")
    out = build_steps(ev)
    assert out["step_id"].tolist() == [0, 0, 0, 1, 2]
    assert out["step"].iloc[0] == "Double-click 'Row 1' in Excel"
    assert out["step"].iloc[3] == "Click 'Row 1' in Excel"


def test_echoes_keep_their_row_and_join_the_echoed_step() -> None:
    ev = frame([{"t": 0, "action": "click", "element_name": "Amount"},
                {"t": 0.1, "action": "focus", "element_name": "Amount"},
                {"t": 0.3, "action": "focus", "element_name": "Other"},
                {"t": 1, "action": "click", "element_name": "Submit"},
                {"t": 1, "action": "click", "element_name": "Submit"}], app="erp")
    out = build_steps(ev)
    assert len(out) == len(ev)
    assert out["step_id"].tolist() == [0, 0, 1, 2, 2]
    # an exact duplicate is an echo, not a second click of a double click
    assert out["step"].iloc[4] == "Click 'Submit' in Erp"


def test_shortcuts_are_verbs_and_join_their_clipboard_record() -> None:
    h = "h:00000000000000aa"
    ev = frame([key(0, kc="shortcut", keys="ctrl+c", name="Invoice number", app="outlook"),
                {"t": 0.05, "action": "copy", "element_name": "Invoice number", "app": "outlook", "value": h},
                {"t": 2, "action": "app_switch", "app": "erp", "element_role": "window"},
                key(3, kc="shortcut", keys="ctrl+v", name="Number", app="erp"),
                key(4, kc="shortcut", keys="ctrl+s", name="Number", app="erp"),
                key(5, kc="shortcut", keys="ctrl+z", name="Number", app="erp")])
    out = build_steps(ev)
    assert out["step"].tolist() == [
        "Copy 'Invoice number' in Outlook", "Copy 'Invoice number' in Outlook", "Switch to Erp",
        "Paste into 'Number' in Erp", "Save 'Number' in Erp", "Undo 'Number' in Erp"]
    table = steps_table(out)
    assert table["action"].astype(str).tolist() == ["copy", "app_switch", "paste", "save", "undo"]
    assert table["value_hash"].iloc[0] == h


def test_paste_pairs_with_most_recent_copy_of_same_hash_in_session() -> None:
    a, b = "h:000000000000000a", "h:000000000000000b"
    ev = frame([{"t": 0, "action": "copy", "value": a, "app": "outlook", "element_name": "Invoice number"},
                {"t": 1, "action": "copy", "value": b, "app": "pdf", "element_name": "Amount"},
                {"t": 2, "action": "cut", "value": a, "app": "excel", "element_name": "B7", "element_role": "cell"},
                {"t": 3, "action": "paste", "value": a, "app": "erp", "element_name": "Number"},
                {"t": 4, "action": "paste", "value": b, "app": "erp", "element_name": "Amount"},
                {"t": 5, "action": "paste", "value": "h:00000000000000cc", "app": "erp"}])
    table = steps_table(build_steps(ev))
    assert table["transfer_from"].tolist()[3:] == [2, 1, pd.NA]
    assert table["transfer_from_app"].tolist()[3:5] == ["excel", "pdf"]
    assert table["transfer_from_element"].iloc[4] == "Amount"
    # no pairing across sessions
    other = ev.assign(session=["s1", "s1", "s1", "s2", "s2", "s2"])
    assert steps_table(build_steps(other))["transfer_from"].isna().all()


def test_levels_and_fallbacks_for_missing_names() -> None:
    ev = frame([{"t": 0, "action": "click", "element_name": "Submit", "element_role": "button", "app": "chrome"},
                {"t": 1, "action": "click", "element_name": None, "element_role": "button", "app": "chrome"},
                {"t": 2, "action": "click", "element_name": None, "element_role": None, "app": "chrome"},
                {"t": 3, "action": "click", "element_name": np.nan, "element_role": None, "app": None}])
    labels = {lv: build_steps(ev, detail=lv)["step"].tolist() for lv in ("element", "role", "app")}
    assert labels["element"] == ["Click 'Submit' in Chrome", "Click button in Chrome", "Click in Chrome", "Click"]
    assert labels["role"] == ["Click button in Chrome", "Click button in Chrome", "Click in Chrome", "Click"]
    assert labels["app"] == ["Click in Chrome"] * 3 + ["Click"]
    for lv in labels.values():
        assert all(isinstance(x, str) and x for x in lv)


def test_spreadsheet_cells_use_the_column_not_the_row() -> None:
    ev = frame([{"t": i, "action": "edit", "element_id": f"Sheet1!B{i + 2}", "element_name": f"B{i + 2}",
                 "element_role": "cell", "app": "excel"} for i in range(3)]
               + [{"t": 9, "action": "edit", "element_id": "Sheet1!C9", "element_name": None, "app": "excel"}])
    labels = build_steps(ev)["step"].tolist()
    assert labels == ["Edit 'Sheet1 column B' in Excel"] * 3 + ["Edit 'Sheet1 column C' in Excel"]


def test_high_level_rows_are_one_step_each_even_with_equal_times() -> None:
    # Action Logger / Leno style: already high-level actions, identical timestamps
    ev = frame([{"t": 0, "action": "edit", "element_name": "name", "raw_action": "insertValue", "app": "chrome"},
                {"t": 0, "action": "edit", "element_name": "surname", "raw_action": "insertValue", "app": "chrome"},
                {"t": 0, "action": "open", "raw_action": "openFile", "app": "excel"},
                {"t": 0, "action": "navigate", "url": "https://www.webpage.com/form?id=3", "app": "chrome"},
                {"t": 1, "action": "other", "raw_action": "sortColumn", "app": "excel"},
                {"t": 2, "action": "idle", "raw_action": "afk"}])
    out = build_steps(ev)
    assert out["step_id"].nunique() == len(ev)
    assert set(out["step"]) == {"Edit 'name' in Chrome", "Edit 'surname' in Chrome", "Open in Excel",
                                "Navigate to 'www.webpage.com' in Chrome", "Sort column in Excel", "Idle"}


def test_input_untouched_order_and_index_kept() -> None:
    ev = frame([key(0), key(0.1), {"t": 1, "action": "click", "element_name": "Go", "app": "chrome"}])
    shuffled = ev.iloc[[2, 0, 1]].set_index(pd.Index([10, 20, 30]))
    before = shuffled.copy(deep=True)
    out = build_steps(shuffled)
    pd.testing.assert_frame_equal(shuffled, before)
    assert list(out.index) == [10, 20, 30]
    assert out["step_id"].tolist() == [1, 0, 0]
    assert out["step_id"].dtype == np.int64
    assert isinstance(out["step"].dtype, pd.CategoricalDtype)
    assert list(out["step"].cat.categories) == sorted(out["step"].cat.categories)


def test_steps_table_columns_sorting_and_ground_truth() -> None:
    ev = frame([{"t": 5, "action": "click", "element_name": "A", "session": "s2", "true_case": "c2", "caseID": "9"},
                {"t": 0, "action": "click", "element_name": "B", "session": "s1", "true_case": "c1", "caseID": "8"},
                {"t": 1, "action": "click", "element_name": "C", "session": "s1", "true_case": None, "caseID": "8"}],
               app="erp", user="u1")
    table = steps_table(build_steps(ev))
    assert table.columns[:20].tolist() == list(__import__("taskmining").steps.STEP_COLUMNS)
    assert table["session"].tolist() == ["s1", "s1", "s2"]
    assert table["true_case"].tolist()[::2] == ["c1", "c2"]
    assert table["caseID"].tolist() == ["8", "8", "9"]
    assert (table["start"] <= table["end"]).all()
    assert isinstance(table.index, pd.RangeIndex)


def test_ground_truth_names() -> None:
    cols = ["timestamp", "caseID", "true_step", "case:concept:name", "case_id", "task", "CaseId", "value"]
    assert ground_truth_columns(cols) == ["caseID", "true_step", "case:concept:name", "CaseId"]


def test_empty_and_one_event() -> None:
    empty = validate_events(pd.DataFrame({"timestamp": pd.Series([], dtype="datetime64[ns, UTC]"),
                                          "action": pd.Series([], dtype=object)}))
    out = build_steps(empty)
    assert len(out) == 0 and out["step_id"].dtype == np.int64
    table = steps_table(out)
    assert len(table) == 0 and "transfer_from" in table.columns
    one = frame([{"t": 0, "action": "click"}])
    assert steps_table(build_steps(one))["step"].tolist() == ["Click"]


@pytest.mark.parametrize("kwargs, err", [({"detail": "task"}, ParameterError), ({"idle_gap": "soon"}, ParameterError),
                                         ({"idle_gap": -3}, ParameterError)])
def test_bad_parameters(kwargs: dict, err: type) -> None:
    ev = frame([{"t": 0, "action": "click"}])
    with pytest.raises(err, match=next(iter(kwargs))):
        build_steps(ev, **kwargs)


def test_bad_frames() -> None:
    with pytest.raises(SchemaError, match="timestamp"):
        build_steps(pd.DataFrame({"action": ["click"]}))
    with pytest.raises(SchemaError, match="timezone"):
        build_steps(pd.DataFrame({"timestamp": pd.to_datetime(["2026-01-05"]), "action": ["click"]}))
    with pytest.raises(SchemaError, match="step_id"):
        steps_table(frame([{"t": 0, "action": "click"}]))


def test_vectorised_scale_smoke() -> None:
    rng = np.random.default_rng(1)
    n = 20_000
    acts = np.array(["click", "key", "focus", "copy", "paste"])[rng.integers(0, 5, n)]
    ev = validate_events(pd.DataFrame({
        "timestamp": T0 + pd.to_timedelta(np.cumsum(rng.exponential(0.5, n)), unit="s"),
        "session": np.where(np.arange(n) < n // 2, "a", "b"), "action": acts,
        "element_name": np.array(["x", "y", None])[rng.integers(0, 3, n)],
        "attrs": np.where(acts == "key", '{"key_class":"character"}', None),
        "value": np.where(np.isin(acts, ["copy", "paste"]), "h:00000000000000" + rng.integers(10, 20, n).astype(str),
                          None)}))
    out = build_steps(ev)
    table = steps_table(out)
    assert table["n_events"].sum() == n
    assert table["step_id"].is_unique and len(table) == out["step_id"].nunique()
    pasted = table[table["transfer_from"].notna()]
    src = table.set_index("step_id").loc[pasted["transfer_from"].astype(int)]
    assert (src["value_hash"].to_numpy() == pasted["value_hash"].to_numpy()).all()
    assert (src["start"].to_numpy() <= pasted["start"].to_numpy()).all()


def test_edit_commit_after_typing_or_paste_joins_the_step() -> None:
    ev = frame([key(0), key(0.2), {"t": 3, "action": "edit", "element_name": "Amount", "element_role": "edit",
                                    "app": "chrome"},
                {"t": 5, "action": "paste", "element_name": "Vendor", "element_role": "edit", "app": "chrome"},
                {"t": 5.1, "action": "edit", "element_name": "Vendor", "element_role": "edit", "app": "chrome"},
                {"t": 9, "action": "edit", "element_name": "Vendor", "element_role": "edit", "app": "chrome"}])
    out = build_steps(ev)
    assert out["step_id"].tolist() == [0, 0, 0, 1, 1, 2]
    assert out["step"].tolist()[-3:] == ["Paste into 'Vendor' in Chrome"] * 2 + ["Edit 'Vendor' in Chrome"]


def test_identifiers_in_names_are_masked_short_numbers_kept() -> None:
    ev = frame([{"t": i, "action": "open", "element_name": n, "app": "acrobat"}
                for i, n in enumerate(["INV-2026-004211.pdf", "INV-2026-000007.pdf", "Line 2 amount", "Button1"])])
    assert build_steps(ev)["step"].tolist() == ["Open 'INV-#-#.pdf' in Acrobat"] * 2 + [
        "Open 'Line 2 amount' in Acrobat", "Open 'Button1' in Acrobat"]


def test_interval_events_last_their_duration() -> None:
    ev = frame([{"t": 0, "action": "app_switch", "app": "excel", "duration": 30.0},
                {"t": 30, "action": "app_switch", "app": "chrome", "duration": np.nan}])
    table = steps_table(build_steps(ev))
    assert table["duration"].tolist() == [30.0, 0.0]
    assert table["step"].tolist() == ["Switch to Excel", "Switch to Chrome"]


def test_single_non_character_keys_are_named_characters_never() -> None:
    ev = frame([{"t": 0, "action": "key", "app": "chrome", "attrs": '{"Key":"enter"}'},
                {"t": 100, "action": "key", "app": "chrome", "value": "tab"},
                {"t": 200, "action": "key", "app": "chrome", "value": "x"},
                {"t": 300, "action": "key", "app": "chrome", "element_name": "Amount", "attrs": '{"key":"Escape"}'}])
    assert build_steps(ev)["step"].tolist() == [
        "Press Enter in Chrome", "Press Tab in Chrome", "Press keys in Chrome", "Press Escape in 'Amount' in Chrome"]
