"""The example notebook runs top to bottom with no errors."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from syspart import require

NOTEBOOK = Path(__file__).resolve().parent.parent / "examples" / "quickstart.ipynb"


@pytest.mark.slow
def test_quickstart_notebook_runs(tmp_path: Path) -> None:
    for module in ("nbclient", "nbformat", "ipykernel"):
        require(importlib.util.find_spec(module) is not None, f"{module} is not installed (pip install taskmining[dev])")
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.output_type == "error"]
    assert errors == []
    graph_cell = next(c for c in nb.cells if c.cell_type == "code" and "transition_graph" in c.source)
    rich = [o for o in graph_cell.outputs if o.output_type == "execute_result"]
    assert rich and ("text/html" in rich[0]["data"] or "image/svg+xml" in rich[0]["data"]), \
        "the transition graph should display itself as a picture"
