"""Every notebook follows the outline: parameters with working defaults, short cells, committed
outputs from a clean run (nbval compares against them in `make test`)."""
from __future__ import annotations

import nbformat
import papermill
import pytest

from guilin_analysis.paths import NOTEBOOKS_DIR

EXPECTED = ["00_overview", "01_eldercare", "02_governance", "03_volunteering",
            "04_children_and_social_affairs", "05_data_audit"]
NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))


def test_the_six_notebooks_exist():
    assert [p.stem for p in NOTEBOOKS] == EXPECTED


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_parameters_cell_with_working_defaults(path):
    params = papermill.inspect_notebook(str(path))
    assert params["lang"]["default"] == '"zh"'
    assert params["data_dir"]["default"] == "None"
    nb = nbformat.read(path, as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_cells_are_short_calls_into_the_package(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert len(cell.source.splitlines()) <= 10, cell.source
            assert "def " not in cell.source and "for " not in cell.source, cell.source
            assert "../data" not in cell.source


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_outputs_are_a_clean_default_run(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count is not None for c in code), "run `make notebooks`"
    outputs = [o for c in code for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error" or o.get("name") == "stderr"]
    assert any("image/png" in o.get("data", {}) for o in outputs), "every notebook draws a chart"
    assert not [c for c in code if "execution" in c.metadata]
