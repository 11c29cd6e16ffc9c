"""One sampler: the same sampler and seed give the same rows in model.sample, model.uncertainty and a sweep,
and a Sobol or random sample is the start of any larger one (chunk invariance)."""

from __future__ import annotations

import numpy as np
import pytest

import model
from model.analysis.sampler import SAMPLERS, rows, stream, unit_cube
from model.analysis.sampling import sample, uncertain_keys
from model.errors import InputError
from model.sweeps.spec import SpecFile, SweepSpec

#: Samplers whose row j depends on the seed and j alone.
EXTENSIBLE = ("sobol", "random")


@pytest.mark.parametrize("sampler", EXTENSIBLE)
@pytest.mark.parametrize("d", [1, 5, 48])
def test_a_sample_of_n_rows_is_the_first_n_rows_of_a_sample_of_2n(sampler, d):
    np.testing.assert_array_equal(unit_cube(24, d, sampler, 11), unit_cube(48, d, sampler, 11)[:24])


def test_a_latin_hypercube_of_n_rows_is_not_the_start_of_one_of_2n():
    """Its strata are 1/n wide: the first n rows of a 2n design leave strata of the n design empty."""
    small, large = unit_cube(24, 3, "lhs", 11), unit_cube(48, 3, "lhs", 11)
    assert not np.array_equal(small, large[:24])
    for column in small.T:
        assert sorted(np.floor(column * 24).astype(int)) == list(range(24))


@pytest.mark.parametrize("sampler", SAMPLERS)
@pytest.mark.parametrize("first, stop", [(0, 7), (5, 19), (18, 40), (39, 40)])
def test_any_segment_of_a_design_equals_those_rows_of_the_whole(sampler, first, stop):
    whole = rows(sampler, 6, 2, 0, 40, size=40)
    np.testing.assert_array_equal(rows(sampler, 6, 2, first, stop, size=40), whole[first:stop])


@pytest.mark.parametrize("sampler", SAMPLERS)
def test_streams_of_one_seed_are_different_designs(sampler):
    first, second = rows(sampler, 4, stream(9, 0), 0, 16), rows(sampler, 4, stream(9, 1), 0, 16)
    assert not np.array_equal(first, second)
    np.testing.assert_array_equal(rows(sampler, 4, 9, 0, 16), first)  # an int seed is stream 0


@pytest.mark.parametrize("sampler", SAMPLERS)
def test_model_sample_draws_the_same_runs_as_a_sweeps_first_scenario(baseline, sampler):
    """The same sampler and seed give the same parameter values in ``model.sample`` and in a sweep."""
    n, seed = 12, 5
    spec = SweepSpec.validated(SpecFile(name="same", months=2, samples={"n": n, "method": sampler}, seed=seed,
                                        chunk=5))
    drawn = sample(baseline, n, sampler, seed)
    swept = [spec.chunk_params(chunk)[1] for chunk in spec.chunks()]
    for key in uncertain_keys(baseline):
        np.testing.assert_array_equal(np.concatenate([table[key] for table in swept]), drawn.value(key), key)


def test_uncertainty_runs_the_sample_of_model_sample(baseline):
    ds = model.uncertainty(baseline, n=16, seed=4, months=2, sampler="sobol", variables=["net"])
    drawn = sample(baseline, 16, "sobol", 4)
    for key in uncertain_keys(baseline)[:3]:
        np.testing.assert_array_equal(ds[key.replace(".", "__")].values, drawn.value(key))


def test_an_unknown_sampler_is_refused_naming_the_argument(baseline):
    with pytest.raises(InputError) as caught:
        sample(baseline, 4, sampler="halton")
    assert (caught.value.where, caught.value.key) == ("sample", "sampler")
    assert "halton" in caught.value.expected
