"""Logs that are no routine logs get work sessions; generated element names count as unnamed."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import taskmining as tm
from taskmining.segmentation._common import class_labels
from taskmining.segmentation.apply import method_input
from taskmining.segmentation.auto import AutoSegmenter
from taskmining.segmentation.generated_names import looks_generated, mask_generated
from taskmining.segmentation.no_routine import FRAGMENTED, fragment_share, is_fragmented

REAL = "real-recordings"


def _steps(path: Path) -> pd.DataFrame:
    events = tm.read_events(path, tz="Europe/Berlin")
    return method_input(tm.steps_table(tm.build_steps(events)))


def test_fragment_share_counts_cases_not_steps() -> None:
    case = np.array(["a", "b", "b", "c", "c", "c", None], dtype=object)
    assert fragment_share(case) == pytest.approx(2 / 3)
    assert is_fragmented(case)
    assert not is_fragmented(np.repeat(np.array(["a", "b", "c"], dtype=object), 3))
    assert fragment_share(np.array([], dtype=object)) == 0.0
    assert 0 < FRAGMENTED < 1


@pytest.mark.parametrize("name", ["tockler-windows-banking.csv", "actionlogger-browsing-noheader.csv",
                                  "smartrpa-windows-banking.csv"])
def test_no_routine_log_gets_work_sessions_not_fragments(shared_data: Path, name: str) -> None:
    steps = _steps(shared_data / REAL / name)
    seg = AutoSegmenter().fit(steps)
    assert seg.method_ == "idle_gap"
    assert seg.reason_.startswith("no routine")
    out = seg.predict(steps)
    sizes = out["case_id"].value_counts()
    outside = out["case_id"].isna().to_numpy()
    assert (steps.loc[outside, "action"].astype(str) == "idle").all()  # only the pauses between sessions
    assert (out.loc[outside, "task"] == "(noise)").all() and outside.mean() < 0.01
    assert len(sizes) <= len(steps) / 20  # sessions of work, not a case per window switch
    assert (sizes <= 2).mean() < 0.1


def test_routine_log_is_not_taken_for_fragments(shared_data: Path) -> None:
    steps = _steps(shared_data / REAL / "smartrpa-rpachallenge.csv")
    seg = AutoSegmenter().fit(steps)
    assert seg.method_ == "routine_cycles"
    assert seg.predict(steps)["case_id"].nunique() >= 10  # ten rounds of the form


def test_generated_names() -> None:
    generated = ["QzJDigvyAENHpxjA", "geRsjtfzghrypbYR", "RxBZjOTIUyCaXlRL", "lxiGXFSqxmVXcluv", "ZexjVVghWAblFDxC"]
    named = ["labelFirstName", "labelCompanyName", "postLoginSubmitButton", "ConfirmWithFile", "Instructions",
             "checkboxname", "HTMLParserOptions", "Stakeholders", "ID1113", "B2", "getElementsByTagName",
             "XMLHttpRequest", "sapMBtnInner", "sapMInputBaseInner", "txtSearchKeyword", "matchStrengthsField",
             "iPhoneXSMaxButton", "ctl00MainContentTxtName", "lastSynchronizedAt"]
    assert all(looks_generated(n) for n in generated)
    assert not any(looks_generated(n) for n in named)
    assert mask_generated("Click 'QzJDigvyAENHpxjA' in Edge") == "Click '#' in Edge"
    assert mask_generated("Click 'labelFirstName' in Edge") == "Click 'labelFirstName' in Edge"


def test_generated_names_make_one_class_and_the_step_label_is_kept(shared_data: Path) -> None:
    steps = _steps(shared_data / REAL / "smartrpa-banking-tagged.csv")
    labels = class_labels(steps["step"])
    raw = steps["step"].astype(str)
    edits = raw.str.startswith("Edit '") & raw.str.len().gt(28)
    assert edits.sum() >= 5 and raw[edits].nunique() >= 5
    assert (labels[edits] == "Edit '#' in Edge").mean() >= 0.8  # one name of the log is missed (see the module)
    out = tm.segment(tm.read_events(shared_data / REAL / "smartrpa-banking-tagged.csv", tz="Europe/Berlin"))
    assert out["step"].astype(str).str.contains("QzJDigvyAENHpxjA").any()  # labels people read are unchanged
