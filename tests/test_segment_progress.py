"""segment's progress bar: on in a terminal or notebook, off in scripts and pipes, or as asked."""

from __future__ import annotations

import io
import sys

import pandas as pd
import pytest

import taskmining as tm
from taskmining import _progress


def _events() -> pd.DataFrame:
    return tm.simulate(n_users=1, hours=0.2, seed=1)


def test_progress_true_shows_the_stages(capsys: pytest.CaptureFixture[str]) -> None:
    tm.segment(_events(), "idle_gap", progress=True)
    err = capsys.readouterr().err
    assert "segment: 0/3 stages" in err and ", steps" in err  # the stage under way is named
    assert "segment: 1/3 stages" in err and ", idle_gap" in err


@pytest.mark.parametrize("value", [None, False])
def test_no_bar_outside_a_terminal_or_when_off(capsys: pytest.CaptureFixture[str], value: bool | None) -> None:
    out = tm.segment(_events(), "idle_gap", progress=value)
    assert out["case_id"].notna().any()
    assert capsys.readouterr().err == ""


def test_auto_follows_the_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stderr", io.StringIO())
    assert _progress.wanted(None) is False
    monkeypatch.setattr(sys, "stderr", Tty())
    assert _progress.wanted(None) is True and _progress.wanted(False) is False


def test_results_do_not_depend_on_the_bar() -> None:
    ev = _events()
    a = tm.segment(ev, "idle_gap", progress=True)
    b = tm.segment(ev, "idle_gap", progress=False)
    pd.testing.assert_frame_equal(a, b)
