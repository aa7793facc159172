"""The segmentation framework: segment(), registry, plug-ins, bad input."""

from __future__ import annotations

import inspect
import shutil
import sys
import tomllib
import types
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import taskmining as tm
from taskmining.errors import ParameterError, SchemaError, SegmentationError
from taskmining.schema import validate_events
from taskmining.segmentation import BaseSegmenter, registry
from taskmining.segmentation.idle_gap import IdleGapSegmenter
from taskmining.segmentation.supervised import SupervisedBoundarySegmenter
from taskmining.testing import check_segmenter, make_steps

PLUGIN = Path(__file__).parent / "plugin_pkg"
T0 = pd.Timestamp("2026-01-05 09:00", tz="UTC")


def events(n: int = 6, gap_at: int = 3, **extra: object) -> pd.DataFrame:
    t = T0 + pd.to_timedelta(np.arange(n) * 10 + np.where(np.arange(n) >= gap_at, 3600, 0), unit="s")
    df = pd.DataFrame({"timestamp": t, "session": "s1", "user": "u1", "app": "erp", "action": "click",
                       "element_name": [f"B{i % 3}" for i in range(n)], "element_role": "button", **extra})
    return validate_events(df)


class Spy(BaseSegmenter):
    """Records the columns it was shown."""

    seen: list[str] = []

    def _predict(self, steps: pd.DataFrame) -> pd.DataFrame:
        Spy.seen = list(steps.columns)
        return pd.DataFrame({"case_id": steps["session"] + "-1", "task": "all"})


class Broken(BaseSegmenter):
    """Fails like a buggy algorithm would."""

    def _predict(self, steps: pd.DataFrame) -> pd.DataFrame:
        return pd.DataFrame({"case_id": np.arange(1)[[5]]})


def test_segment_is_a_function_with_its_signature_and_segmentation_a_package() -> None:
    assert isinstance(tm.segment, types.FunctionType)
    assert list(inspect.signature(tm.segment).parameters)[:4] == ["events", "method", "params", "step_options"]
    assert isinstance(tm.segmentation, types.ModuleType)
    assert tm.segmentation.base.BaseSegmenter is BaseSegmenter
    ev = events()
    out = tm.segment(ev, method="idle_gap", gap="5min")
    assert out["case_id"].tolist() == ["s1-1"] * 3 + ["s1-2"] * 3
    assert out.columns[-4:].tolist() == ["step_id", "step", "case_id", "task"]
    assert out["task"].isna().all() and isinstance(out["case_id"].dtype, pd.CategoricalDtype)
    assert out.attrs["taskmining"]["segmenter"]["method"] == "idle_gap"


def test_input_untouched_and_index_kept() -> None:
    ev = events().iloc[::-1].set_index(pd.Index(list("abcdef")))
    before = ev.copy(deep=True)
    out = tm.segment(ev, method="idle_gap")
    pd.testing.assert_frame_equal(ev, before)
    assert out.index.tolist() == list("abcdef")
    assert out["case_id"].tolist() == ["s1-2"] * 3 + ["s1-1"] * 3


def test_ground_truth_never_reaches_the_method() -> None:
    ev = events(caseID="7", true_case="c", true_task="t", true_step="x")
    ev["case:concept:name"] = "k"
    ev["case_id"] = "old"
    out = tm.segment(ev, method=Spy)
    hidden = {"caseID", "true_case", "true_task", "true_step", "case:concept:name", "case_id", "task"}
    assert Spy.seen and not hidden & set(Spy.seen)
    assert "step" in Spy.seen and "session" in Spy.seen
    assert out["case_id"].unique().tolist() == ["s1-1"]  # earlier case_id replaced
    assert out["caseID"].tolist() == ["7"] * 6  # but kept in the output


def test_method_forms_and_instances() -> None:
    ev = events()
    proto = IdleGapSegmenter(gap="5min")
    out = tm.segment(ev, method=proto)
    assert not hasattr(proto, "is_fitted_")  # the caller's object is cloned, not fitted
    assert out["case_id"].nunique() == 2
    assert tm.segment(ev, method=IdleGapSegmenter, gap="2h")["case_id"].nunique() == 1
    assert tm.segment(ev, method=proto, gap="2h")["case_id"].nunique() == 1
    steps, y = make_steps(n_sessions=1)
    trained = SupervisedBoundarySegmenter().fit(steps.drop(columns=["true_case", "true_task"]), y)
    assert tm.segment(ev, method=trained)["case_id"].notna().all()
    with pytest.raises(ParameterError, match="fitted"):
        tm.segment(ev, method=trained, threshold=0.2)


@pytest.mark.parametrize("kwargs, match", [
    ({"method": "no_such_method"}, "unknown segmenter 'no_such_method'; known: idle_gap"),
    ({"method": "idle_gap", "size": 3}, r"no parameter\(s\) \['size'\]; its parameters are \['gap'\]"),
    ({"method": 42}, "method must be"),
    ({"method": "idle_gap", "gap": "soon"}, "gap='soon'"),
    ({"method": "delimiter", "end": None}, "needs start= and/or end="),
    ({"method": "delimiter", "start": "("}, "not a valid regular expression"),
    ({"method": "delimiter", "start": "x", "field": "nope"}, "field='nope'"),
    ({"method": "idle_gap", "step_options": {"detail": "fine"}}, "detail='fine'"),
    ({"method": "idle_gap", "step_options": {"gap": "1min"}}, r"unknown option\(s\) \['gap'\]"),
    ({"method": "idle_gap", "level": "role"}, r"'level' is not a segmenter parameter.*step_options=\{'detail'"),
])
def test_unknown_methods_and_parameters(kwargs: dict, match: str) -> None:
    with pytest.raises(ParameterError, match=match):
        tm.segment(events(), **kwargs)


def test_buggy_method_gives_segmentation_error_naming_it() -> None:
    with pytest.raises(SegmentationError, match="'Broken' failed on 6 steps: IndexError"):
        tm.segment(events(), method=Broken)


def test_supervised_needs_labels() -> None:
    with pytest.raises(SegmentationError, match="needs y"):
        tm.segment(events(), method="supervised_boundaries")
    steps, _ = make_steps(n_sessions=1)
    with pytest.raises(SegmentationError, match="labels for"):
        SupervisedBoundarySegmenter().fit(steps, [1, 2])


def test_bad_input_edges() -> None:
    empty = validate_events(pd.DataFrame({"timestamp": pd.Series([], dtype="datetime64[ns, UTC]"),
                                          "action": pd.Series([], dtype=object)}))
    out = tm.segment(empty, method="idle_gap")
    assert len(out) == 0 and {"step_id", "step", "case_id", "task"} <= set(out.columns)
    one = events(1)
    assert tm.segment(one, method="idle_gap")["case_id"].tolist() == ["s1-1"]
    same_time = events(5).assign(timestamp=T0)
    out = tm.segment(same_time, method="idle_gap")
    assert out["case_id"].nunique() == 1 and out["step_id"].nunique() == 5
    no_names = events(4, element_name=None, element_role=None, app=None)
    assert tm.segment(no_names, method="delimiter", start="^Click$")["step"].tolist() == ["Click"] * 4
    with pytest.raises(SchemaError, match="timestamp"):
        tm.segment(pd.DataFrame({"action": ["click"]}), method="idle_gap")
    with pytest.raises(SegmentationError, match="lacks column"):
        IdleGapSegmenter().predict(pd.DataFrame({"session": ["s"], "timestamp": [T0]}))


def test_nan_step_labels_are_defined() -> None:
    steps, _ = make_steps(n_sessions=1, n_cases=3)
    steps = steps.drop(columns=["true_case", "true_task"])
    steps.loc[[1, 2], "step"] = np.nan
    out = tm.segmenter("delimiter", start="Open|Navigate|Click 'New").fit_predict(steps)
    assert len(out) == len(steps) and out["case_id"].notna().sum() > 0


def test_existing_steps_are_reused() -> None:
    ev = events()
    ev["step_id"] = np.arange(6) // 2
    ev["step"] = ["A", "A", "B", "B", "C", "C"]
    out = tm.segment(ev, method="delimiter", start="^B$")
    assert out["step"].tolist() == ev["step"].tolist()
    assert out["case_id"].isna().tolist() == [True] * 2 + [False] * 4
    assert out["case_id"].iloc[2:].tolist() == ["s1-1"] * 4


def test_level_changes_labels() -> None:
    out = tm.segment(events(), method="idle_gap", step_options={"detail": "app"})
    assert set(out["step"]) == {"Click in Erp"}


def test_register_segmenter_decorator_and_listing() -> None:
    @tm.register_segmenter("every_step_demo", replace=True)
    class EveryStep(BaseSegmenter):
        """One case per step."""

        def _predict(self, steps: pd.DataFrame) -> pd.DataFrame:
            return pd.DataFrame({"case_id": steps["session"] + "-" + pd.Series(range(len(steps))).astype(str)})

    try:
        listing = tm.list_segmenters()
        row = listing[listing["name"] == "every_step_demo"].iloc[0]
        assert row["description"] == "One case per step." and row["origin"] == "registered"
        assert tm.segment(events(), method="every_step_demo")["case_id"].nunique() == 6
        check_segmenter(EveryStep)
        with pytest.raises(ParameterError, match="already registered"):
            tm.register_segmenter("every_step_demo", EveryStep)
        with pytest.raises(ParameterError, match="BaseSegmenter subclass"):
            tm.register_segmenter("x_demo", dict)  # type: ignore[arg-type]
    finally:
        registry.SEGMENTERS.unregister("every_step_demo")


@pytest.fixture
def installed_plugin(tmp_path: Path):
    """Install tests/plugin_pkg offline: its package plus a .dist-info made from its pyproject."""
    meta = tomllib.loads((PLUGIN / "pyproject.toml").read_text())["project"]
    shutil.copytree(PLUGIN / "tm_plugin_demo", tmp_path / "tm_plugin_demo")
    info = tmp_path / f"{meta['name'].replace('-', '_')}-{meta['version']}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {meta['name']}\nVersion: {meta['version']}\n")
    eps = meta["entry-points"]
    lines = [f"[{group}]\n" + "".join(f"{k} = {v}\n" for k, v in items.items()) for group, items in eps.items()]
    (info / "entry_points.txt").write_text("\n".join(lines))
    sys.path.insert(0, str(tmp_path))
    try:
        yield meta
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("tm_plugin_demo", None)
        registry.reload_plugins()


def test_entry_point_plugin_is_found(installed_plugin: dict) -> None:
    assert "fixed_window" in registry.reload_plugins()
    listing = tm.list_segmenters()
    row = listing[listing["name"] == "fixed_window"].iloc[0]
    assert row["class"] == "tm_plugin_demo.FixedWindowSegmenter"
    seg = tm.segmenter("fixed_window", size=2)
    assert type(seg).__name__ == "FixedWindowSegmenter" and seg.size == 2
    out = tm.segment(events(), method="fixed_window", size=4)
    assert out["case_id"].tolist() == ["s1-1"] * 4 + ["s1-2"] * 2
    check_segmenter(type(seg))


def test_plugin_gone_after_uninstall() -> None:
    assert "fixed_window" not in registry.reload_plugins()
    with pytest.raises(ParameterError, match="unknown segmenter 'fixed_window'"):
        tm.segmenter("fixed_window")


def test_custom_segmenter_example_runs_as_a_script(capsys: pytest.CaptureFixture[str]) -> None:
    import runpy

    script = Path(__file__).parent.parent / "examples" / "custom_segmenter.py"
    try:
        runpy.run_path(str(script), run_name="__main__")
    finally:
        registry.SEGMENTERS.unregister("opening_labels")
    out = capsys.readouterr().out
    assert "check_segmenter: 14 checks passed" in out
    assert "adjusted Rand index" in out
