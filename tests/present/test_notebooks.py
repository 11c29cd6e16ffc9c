"""Notebooks run top to bottom on a fresh install with papermill, and are committed without outputs.

Each runs with its own ``parameters`` cell overridden by :data:`SMALL` (fewer runs, a shorter horizon where the
notebook's point survives it), the way an analyst runs them in a scripted sweep
(``papermill notebooks/03_uncertainty.ipynb out.ipynb -p n 300``).
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("*.ipynb"))
#: Papermill parameters per notebook (stem prefix): small enough for CI, large enough for every cell to mean
#: something (a Sobol sample of 32 still ranks the leading parameters).
SMALL = {
    "03": {"n": 300},
    "04": {"n": 32},
    "05": {"n_prior": 4000},
    "06": {"n": 50},
    "07": {"n": 2000},
    "09": {"n": 100},
}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_is_committed_without_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None, f"{path.name}: clear outputs before committing"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_has_a_parameters_cell_that_papermill_can_set(path):
    notebook = nbformat.read(path, as_version=4)
    tagged = [c for c in notebook.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, f"{path.name}: expected one cell tagged 'parameters'"
    for name in SMALL.get(path.stem[:2], {}):
        assert f"{name} =" in tagged[0].source, f"{path.name}: SMALL sets {name}, which the notebook does not have"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_top_to_bottom(path, tmp_path):
    papermill = pytest.importorskip("papermill")
    papermill.execute_notebook(str(path), str(tmp_path / path.name), parameters=SMALL.get(path.stem[:2], {}),
                               kernel_name="python3", cwd=str(path.parent), progress_bar=False,
                               execution_timeout=600)
