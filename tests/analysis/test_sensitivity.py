"""Global sensitivity: SALib through our wrapper recovers known indices, and ranks the model's drivers."""

from __future__ import annotations

import io
from contextlib import redirect_stdout

import numpy as np
import pytest

from model.cli import main
from model.analysis.sampler import unit_cube
from model.analysis.sensitivity import design, indices, ranking, saltelli, sensitivity


def ishigami(cube: np.ndarray, a: float = 7.0, b: float = 0.1) -> dict[str, np.ndarray]:
    x = -np.pi + 2 * np.pi * cube
    return {"y": np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])}


def test_sobol_indices_of_the_ishigami_function_match_the_analytic_values():
    result = indices(["x1", "x2", "x3"], ishigami, "sobol", n=4096, seed=1).sel(output="y")
    np.testing.assert_allclose(result.S1, [0.3139, 0.4424, 0.0], atol=0.03)
    np.testing.assert_allclose(result.ST, [0.5576, 0.4424, 0.2437], atol=0.03)
    assert np.all(result.S1_conf > 0) and np.all(result.S1_conf < 0.1)


@pytest.mark.parametrize("seed", [0, 5])
def test_the_same_seed_gives_the_same_confidence_intervals(seed):
    """Seed 0 too: SALib leaves a seed of 0 unseeded, so the wrapper never hands it one."""
    first, second = (indices(["x1", "x2", "x3"], ishigami, "sobol", n=256, seed=seed) for _ in range(2))
    np.testing.assert_array_equal(first.ST_conf, second.ST_conf)
    np.testing.assert_array_equal(first.S1_conf, second.S1_conf)


def test_morris_screening_of_the_ishigami_function_finds_the_inert_input():
    result = indices(["x1", "x2", "x3"], ishigami, "morris", n=200, seed=1).sel(output="y")
    assert result.mu_star.sel(parameter="x2") > result.mu_star.sel(parameter="x3")
    assert result.mu_star.sel(parameter="x1") > result.mu_star.sel(parameter="x3")


def test_model_sensitivity_ranks_casualty_and_recruitment_drivers_first():
    result = sensitivity("baseline", "sobol", n=256, seed=0, months=24)
    assert set(result.output.values) == {"net_12m", "net_horizon", "front_end", "first_deficit_month"}
    top = list(ranking(result, "net_horizon").index[:6])
    assert {"casualties.monthly", "volunteer.signups", "casualties.growth_rate"} & set(top)
    # Parameters that cannot affect the net balance (the civilian wage's level only sets the reported ratio of
    # pay to wages) score nothing.
    assert float(result.ST.sel(output="net_horizon", parameter="wage.average")) < 0.01


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


def test_saltelli_layout_of_the_packages_sampler_is_salibs_for_the_same_base_matrices():
    """A and B are the halves of one 2d-dimensional draw; the rows are laid out as SALib lays out its own."""
    from SALib.sample import sobol as sobol_sample
    from scipy.stats import qmc

    problem = {"num_vars": 3, "names": ["a", "b", "c"], "bounds": [[0.0, 1.0]] * 3}
    salib = sobol_sample.sample(problem, 16, calc_second_order=False, seed=4)
    base = qmc.Sobol(d=6, scramble=True, seed=4).random(16)  # what SALib draws for seed=4
    np.testing.assert_array_equal(saltelli(base), salib)


@pytest.mark.parametrize("sampler", ["sobol", "random", "lhs"])
def test_sobol_base_matrices_come_from_the_packages_sampler(sampler):
    n, d = 8, 3
    base = unit_cube(n, 2 * d, sampler, 5)
    np.testing.assert_array_equal(design("sobol", d, n, 5, sampler), saltelli(base))
    assert indices(["x1", "x2", "x3"], ishigami, "sobol", n=n, seed=5, sampler=sampler).attrs["sampler"] == sampler


def test_a_sobol_design_of_n_base_rows_starts_the_design_of_2n():
    """Chunk invariance carried over: doubling N appends base rows and keeps the first N's runs."""
    d = 4
    small, large = design("sobol", d, 16, 2), design("sobol", d, 32, 2)
    np.testing.assert_array_equal(small, large[:len(small)])


def test_morris_keeps_salibs_trajectories_seeded_from_the_same_seed():
    from SALib.sample import morris as morris_sample

    problem = {"num_vars": 3, "names": ["x0", "x1", "x2"], "bounds": [[0.0, 1.0]] * 3}
    np.testing.assert_array_equal(design("morris", 3, 10, 7), morris_sample.sample(problem, 10, num_levels=4, seed=7))


def test_a_sobol_design_whose_size_is_not_a_power_of_2_is_warned_about():
    with pytest.warns(UserWarning, match="power of 2"):
        design("sobol", 3, 12, 0)
    design("sobol", 3, 12, 0, sampler="random")  # no balance to lose: no warning (pytest makes warnings errors)
