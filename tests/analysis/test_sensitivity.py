"""Global sensitivity: SALib through our wrapper recovers known indices, and ranks the model's drivers."""

from __future__ import annotations

import io
from contextlib import redirect_stdout

import numpy as np
import pytest

from model.cli import main
from model.analysis.sensitivity import indices, ranking, sensitivity


def ishigami(cube: np.ndarray, a: float = 7.0, b: float = 0.1) -> dict[str, np.ndarray]:
    x = -np.pi + 2 * np.pi * cube
    return {"y": np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])}


def test_sobol_indices_of_the_ishigami_function_match_the_analytic_values():
    result = indices(["x1", "x2", "x3"], ishigami, "sobol", n=4096, seed=1).sel(output="y")
    np.testing.assert_allclose(result.S1, [0.3139, 0.4424, 0.0], atol=0.03)
    np.testing.assert_allclose(result.ST, [0.5576, 0.4424, 0.2437], atol=0.03)
    assert np.all(result.S1_conf > 0) and np.all(result.S1_conf < 0.1)


def test_morris_screening_of_the_ishigami_function_finds_the_inert_input():
    result = indices(["x1", "x2", "x3"], ishigami, "morris", n=200, seed=1).sel(output="y")
    assert result.mu_star.sel(parameter="x2") > result.mu_star.sel(parameter="x3")
    assert result.mu_star.sel(parameter="x1") > result.mu_star.sel(parameter="x3")


def test_model_sensitivity_ranks_casualty_and_recruitment_drivers_first():
    result = sensitivity("baseline", "sobol", n=256, seed=0, months=24)
    assert set(result.output.values) == {"net_12m", "net_horizon", "front_end", "first_deficit_month"}
    top = list(ranking(result, "net_horizon").index[:6])
    assert {"casualties.monthly", "volunteer.signups", "casualties.growth_rate"} & set(top)
    # Parameters that cannot affect the net balance (the bonus level only labels the bonus) score nothing.
    assert float(result.ST.sel(output="net_horizon", parameter="volunteer.bonus")) < 0.01


def test_sensitivity_command_prints_a_ranking_and_writes_a_chart(tmp_path):
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["sensitivity", "--method", "morris", "--n", "20", "--months", "12", "--out", str(tmp_path)]) == 0
    assert "mu_star" in out.getvalue()
    assert (tmp_path / "sensitivity_baseline_morris.png").stat().st_size > 30_000
    assert (tmp_path / "sensitivity_baseline_morris.csv").exists()


@pytest.mark.parametrize("argv, message", [(["sensitivity", "--scenario", "nonesuch"], "no such scenario")])
def test_bad_sensitivity_input_is_one_line(argv, message, capsys):
    assert main(argv) == 2
    assert message in capsys.readouterr().err
