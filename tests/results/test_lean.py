"""The lean path (:func:`model.results.lean.simulate_arrays`): the numbers of ``simulate``, bit for bit, as arrays."""

from __future__ import annotations

import numpy as np
import pytest

import model
from model.errors import InputError
from model.results.dataset import dims
from model.results.simulate import simulate, simulate_arrays


@pytest.mark.parametrize("integrator", ["euler", "rk4"])
@pytest.mark.parametrize("runs", [None, 5])
def test_the_arrays_are_the_datasets_numbers_bit_for_bit(baseline, integrator, runs):
    params = baseline if runs is None else model.sample(baseline, runs, seed=3)
    arrays = simulate_arrays(params, months=12, integrator=integrator)
    ds = simulate(params, months=12, integrator=integrator)
    assert list(arrays) == list(ds.data_vars)
    for name, values in arrays.items():
        labelled = ds[name].values if runs else ds[name].values[..., None]  # a single set keeps its run axis here
        assert values.shape == labelled.shape and len(values.shape) == len(dims(name))
        np.testing.assert_array_equal(values, labelled, err_msg=name)


def test_the_arrays_keep_only_what_is_asked_and_what_it_needs(baseline):
    arrays = simulate_arrays(baseline, months=6, variables=["front_total", "recruitment_cost"])
    assert list(arrays) == ["front_total", "recruitment_cost", "contract_signers"]
    assert arrays["front_total"].shape == (7, 1)


def test_a_batch_gives_each_run_the_numbers_it_gets_alone(baseline):
    values = np.array([15_000.0, 25_000.0, 35_000.0])
    batch = simulate_arrays(baseline.with_values({"volunteer.signups": values}, kind="search"), variables=["net"])
    for i, value in enumerate(values):
        alone = simulate_arrays(baseline.with_values({"volunteer.signups": value}, kind="search"), variables=["net"])
        np.testing.assert_array_equal(batch["net"][:, i], alone["net"][:, 0])


def test_the_lean_path_refuses_what_simulate_refuses(baseline):
    with pytest.raises(InputError, match="integrator"):
        simulate_arrays(baseline, integrator="leapfrog")
    with pytest.raises(InputError, match="unknown output"):
        simulate_arrays(baseline, variables=["morale"])
    overflowing = baseline.with_values({"volunteer.signups": 1e14}, kind="search")
    with pytest.raises(InputError, match="finite results"):
        simulate_arrays(overflowing, months=36)


def test_the_labelled_arrays_are_the_dataset_without_its_provenance(baseline):
    from model.results.dataset import labelled
    batch = model.sample(baseline, 4, seed=2)
    ds = simulate(batch, months=6, start="2024-06", variables=["front", "net", "shortfall"])
    bare = labelled(simulate_arrays(batch, months=6, start="2024-06", variables=["front", "net", "shortfall"]),
                    start="2024-06", batched=True)
    assert not bare.attrs and not bare.net.attrs
    assert bare.equals(ds.drop_attrs())
