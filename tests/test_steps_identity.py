"""Element identity: unnamed, path-only and generated-name elements get stable, readable names."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

import taskmining as tm
from taskmining.datasets.actionlogger import simulate_actionlogger, write_actionlogger
from taskmining.steps.identity import element_names, is_path, short_path


def test_short_path_strips_ancestor_indices_keeps_own_position() -> None:
    row = "/*[name()='HTML']/*[name()='BODY'][1]/*[name()='TABLE'][1]/*[name()='TR'][{}]/*[name()='INPUT'][1]"
    assert short_path(row.format(3)) == short_path(row.format(7)) == "table/tr/input"
    assert short_path("/html[1]/body[1]/form[1]/input[2]") != short_path("/html[1]/body[1]/form[1]/input[1]")
    assert short_path('id("save")/span[1]') == "#save/span"
    assert is_path("/html[1]") and is_path('id("x")') and not is_path("Submit") and not is_path(None)


def test_label_attribute_beats_generated_name_and_caption_names_buttons() -> None:
    ev = pd.DataFrame({
        "element_name": ["q06YN", "0Oc81", None, "Amount", None],
        "element_id": ['id("q06YN")', 'id("0Oc81")', "/html[1]/body[1]/form[1]/input[1]", None, None],
        "attrs": ["{\"tag_attributes\":\"{'ng-reflect-name': 'labelPhone', 'name': 'q06YN'}\"}",
                  "{\"tag_attributes\":\"{'ng-reflect-name': 'labelPhone', 'name': '0Oc81'}\"}",
                  '{"tag_type":"submit","tag_value":"Submit"}', None, None]})
    assert element_names(ev).tolist()[:4] == ["labelPhone", "labelPhone", "Submit", "Amount"]
    assert pd.isna(element_names(ev).iloc[4])
    assert ev["element_name"].tolist()[0] == "q06YN"  # the caller's frame is not changed


def test_unnamed_erp_elements_repeat_as_classes(tmp_path: Path) -> None:
    log = simulate_actionlogger(["erp_replay"], n_instances=20, seed=3)
    ev = tm.read_events(write_actionlogger(log, tmp_path / "erp.csv"), format="actionlogger", tz="UTC")
    steps = tm.build_steps(ev)
    labels = steps["step"].astype(str)
    assert not labels.str.contains(r"\[name\(\)", regex=True).any()  # no raw xpath in a label
    assert labels.str.len().max() <= 60
    # each element is one class: about 10 distinct labels for 20 replays, the app tile once per replay
    assert labels.nunique() <= 15
    assert (labels == "Click 'div/div/span' in Chrome").sum() >= 20


def test_rpachallenge_fields_are_named_by_their_stable_label(shared_data: Path) -> None:
    ev = tm.read_events(shared_data / "real-recordings" / "smartrpa-rpachallenge.csv", format="smartrpa", tz="UTC")
    labels = tm.build_steps(ev)["step"].astype(str).value_counts()
    # the form's name attributes change every round; the ng-reflect-name label does not
    for field in ("labelPhone", "labelEmail", "labelFirstName"):
        assert labels.get(f"Click '{field}' in Edge", 0) >= 8
    assert labels.get("Click 'Submit' in Edge", 0) == 8
