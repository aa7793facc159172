"""Every registered segmenter passes the conformance suite; the suite catches broken ones."""

from __future__ import annotations

import importlib.util

import pandas as pd
import pytest

from taskmining.errors import SegmentationError
from taskmining.segmentation import BaseSegmenter, list_segmenters
from taskmining.segmentation.registry import SEGMENTERS, get_segmenter_class
from taskmining.testing import CHECKS, check_segmenter, make_steps


def _module_missing(name: str) -> bool:
    target = SEGMENTERS.target(name) if SEGMENTERS.origin(name) == "builtin" else ""
    return bool(target) and importlib.util.find_spec(target.partition(":")[0]) is None


@pytest.mark.parametrize("name", list_segmenters()["name"].tolist())
def test_registered_segmenter_conforms(name: str) -> None:
    if _module_missing(name):
        pytest.skip(f"built-in segmenter {name!r} is not implemented in this checkout")
    cls = get_segmenter_class(name)
    assert check_segmenter(cls) == list(CHECKS)


def test_suite_runs_on_given_steps_and_instances() -> None:
    steps, y = make_steps(n_sessions=3, n_cases=5, seed=9)
    assert check_segmenter(get_segmenter_class("delimiter")(start="Open|Navigate|New"), steps) == list(CHECKS)
    assert check_segmenter(get_segmenter_class("supervised_boundaries"), steps, y) == list(CHECKS)


class Validating(BaseSegmenter):
    def __init__(self, gap: str = "5min") -> None:
        self.gap = pd.Timedelta(gap)  # logic in __init__: breaks clone/set_params

    def _predict(self, steps: pd.DataFrame) -> pd.DataFrame:
        return pd.DataFrame({"case_id": steps["session"]})


class Mutating(BaseSegmenter):
    def _predict(self, steps: pd.DataFrame) -> pd.DataFrame:
        return pd.DataFrame({"case_id": steps["session"]})

    def predict(self, steps: pd.DataFrame) -> pd.DataFrame:  # type: ignore[override]
        steps["step"] = "changed"
        return super().predict(steps)


class BadFitted(BaseSegmenter):
    def _fit(self, steps: pd.DataFrame, y: pd.Series | None) -> None:
        self.model = len(steps)

    def _predict(self, steps: pd.DataFrame) -> pd.DataFrame:
        return pd.DataFrame({"case_id": steps["session"]})


class Random(BaseSegmenter):
    def __init__(self, random_state: int | None = None) -> None:
        self.random_state = random_state

    def _predict(self, steps: pd.DataFrame) -> pd.DataFrame:
        import numpy as np

        return pd.DataFrame({"case_id": steps["session"] + np.random.default_rng().integers(0, 9, len(steps)).astype(str)})


class OrderDependent(BaseSegmenter):
    def predict(self, steps: pd.DataFrame) -> pd.DataFrame:  # type: ignore[override]
        ids = [f"{s}-{i // 10}" for i, s in enumerate(steps["session"])]
        out = pd.DataFrame({"case_id": ids}, index=steps.index)
        return out.assign(task=pd.Series(index=steps.index, dtype="str")).astype("str")


class SharedIds(BaseSegmenter):
    def _predict(self, steps: pd.DataFrame) -> pd.DataFrame:
        return pd.DataFrame({"case_id": ["one"] * len(steps)})


class UntypedTasks(BaseSegmenter):
    types_tasks = True

    def _predict(self, steps: pd.DataFrame) -> pd.DataFrame:
        return pd.DataFrame({"case_id": steps["session"] + "-1"})


@pytest.mark.parametrize("cls, check", [
    (UntypedTasks, "predict_output"),
    (Validating, "init_stores_params"),
    (Mutating, "no_mutation"),
    (BadFitted, "fitted_attributes"),
    (Random, "deterministic"),
    (OrderDependent, "unsorted_input"),
    (SharedIds, "predict_output"),
])
def test_suite_names_the_failing_check(cls: type, check: str) -> None:
    with pytest.raises(AssertionError, match=rf"^check_segmenter\[{check}\] {cls.__name__}: "):
        check_segmenter(cls)


def test_supervised_without_labels_is_reported() -> None:
    steps, _ = make_steps(n_sessions=1, n_cases=3)
    with pytest.raises(AssertionError, match=r"check_segmenter\[is_segmenter\].*requires_labels"):
        check_segmenter(get_segmenter_class("supervised_boundaries"), steps.drop(columns=["true_case"]))


def test_unloadable_plugin_is_a_segmentation_error() -> None:
    from taskmining.segmentation import registry

    registry.SEGMENTERS.register("broken_demo", "no_such_module_xyz:Thing")
    try:
        with pytest.raises(SegmentationError, match="could not be loaded"):
            get_segmenter_class("broken_demo")
        row = list_segmenters().set_index("name").loc["broken_demo"]
        assert row["description"].startswith("unavailable")
    finally:
        registry.SEGMENTERS.unregister("broken_demo")


def test_docs_template_passes_the_suite() -> None:
    from pathlib import Path

    text = (Path(__file__).parent.parent / "docs" / "extending.md").read_text()
    blocks = [b.split("```", 1)[0] for b in text.split("```python\n")[1:]]
    code = next(b for b in blocks if "class FixedWindowSegmenter" in b and "import" in b)
    namespace: dict = {"__name__": "template_demo"}
    exec(compile(code, "docs/extending.md", "exec"), namespace)  # noqa: S102 - our own documentation
    assert check_segmenter(namespace["FixedWindowSegmenter"]) == list(CHECKS)
