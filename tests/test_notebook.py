"""The example notebook runs top to bottom with no errors, and its plots are pictures."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest
from syspart import require

NOTEBOOK = Path(__file__).resolve().parent.parent / "examples" / "quickstart.ipynb"


def _require_notebook_tools() -> None:
    for module in ("nbclient", "nbformat", "ipykernel", "matplotlib"):
        require(importlib.util.find_spec(module) is not None, f"{module} is not installed (pip install taskmining[dev])")


def _cell(nb: Any, text: str) -> Any:
    return next(c for c in nb.cells if c.cell_type == "code" and text in c.source)


def _kinds(cell: Any) -> set[str]:
    return {kind for o in cell.get("outputs", []) for kind in o.get("data", {})}


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> Any:
    _require_notebook_tools()
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(NOTEBOOK, as_version=4)
    path = tmp_path_factory.mktemp("nb")
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path)}}).execute()
    return nb


@pytest.mark.slow
def test_quickstart_notebook_runs(executed: Any) -> None:
    errors = [o for c in executed.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.output_type == "error"]
    assert errors == []
    graph = _cell(executed, "transition_graph")
    rich = [o for o in graph.outputs if o.output_type == "execute_result"]
    assert rich and ("text/html" in rich[0]["data"] or "image/svg+xml" in rich[0]["data"]), \
        "the transition graph should display itself as a picture"


@pytest.mark.slow
@pytest.mark.parametrize("call", ["tm.plot.variants", "tm.plot.timeline", "tm.plot.durations"])
def test_plot_cells_show_images(executed: Any, call: str) -> None:
    cell = _cell(executed, call)
    assert "image/png" in _kinds(cell), f"{call}: outputs {_kinds(cell)}"
    png = next(o["data"]["image/png"] for o in cell.outputs if "image/png" in o.get("data", {}))
    assert len(png) > 1000  # base64 of a real picture, not an empty figure


@pytest.mark.slow
def test_segment_cell_shows_a_progress_bar(executed: Any) -> None:
    cell = _cell(executed, "tm.segment(events)")
    err = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream" and o.name == "stderr")
    assert "segment: " in err and "stages" in err
    assert "Warning" not in err


def test_notebook_keeps_the_inline_backend() -> None:
    import json

    sources = ["".join(c["source"]) for c in json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]]
    assert not any("matplotlib.use(" in s for s in sources)


def test_help_shows_parameters() -> None:
    # what `tm.segment?` and `tm.report?` show in IPython and Jupyter
    require(importlib.util.find_spec("IPython") is not None, "IPython is not installed (pip install taskmining[dev])")
    from IPython.core.oinspect import Inspector

    import taskmining as tm

    for func, params in ((tm.segment, ("events", "method", "params", "step_options", "progress")),
                         (tm.report, ("tasks", "path", "min_group_size"))):
        info = Inspector().info(func)
        assert all(f"{p}:" in info["definition"] for p in params), info["definition"]
        assert "Parameters\n----------" in info["docstring"]
