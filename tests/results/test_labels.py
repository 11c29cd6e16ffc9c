"""Written results keep their labels: CF units, long names, cell methods, drivers, history, plain names."""

from __future__ import annotations

import io
import math
from contextlib import redirect_stdout

import pytest
import xarray as xr
import yaml

import model
from model.inputs import snapshot
from model.results import cf
import model.results.io  # noqa: F401 (model.results.io.write_netcdf below)
from model.cli import main
from model.analysis.comparison import scenario_params


def _write_netcdf(folder, command: str) -> tuple[list[str], object]:
    """Run the CLI command ``command`` that writes NetCDF, small; return (argv, path)."""
    commands = {
        "run": (["run", "--months", "3", "--set", "casualties.monthly=46000", "--out", str(folder)],
                folder / f"{model.load_params().with_values({'casualties.monthly': 46000.0}).file_stem}.nc"),
        "compare": (["compare", "baseline", "high_intensity", "--months", "3", "--no-breakeven", "--out", str(folder)],
                    folder / "comparison.nc"),
        "uncertainty": (["uncertainty", "--n", "8", "--months", "3", "--out", str(folder)],
                        folder / "uncertainty_baseline.nc"),
    }
    argv, _ = commands[command]
    with redirect_stdout(io.StringIO()):
        assert main(argv) == 0
    return commands[command]


class _Written(dict):
    """{command: (argv, path)}, each command run when first asked for (so one that fails fails only its tests)."""

    def __init__(self, folder):
        super().__init__()
        self.folder = folder

    def __missing__(self, command):
        self[command] = _write_netcdf(self.folder, command)
        return self[command]


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    return _Written(tmp_path_factory.mktemp("netcdf"))


def test_the_recruitment_chart_draws_every_source(toy):
    import matplotlib.pyplot as plt

    from model.present.plots import inflows_vs_losses

    ds = model.simulate(toy.with_values({"conscription.campaigns": [{"start": "2024-10", "size": 100000}]}),
                        months=3)
    assert float(ds.recruitment.sel(source="conscript").sum()) > 0
    _, ax = plt.subplots()
    inflows_vs_losses(ds, ax)


@pytest.mark.parametrize("command", ["run", "compare", "uncertainty"])
def test_every_written_variable_keeps_its_labels(command, written):
    argv, path = written[command]
    with xr.open_dataset(path) as ds:
        assert ds.attrs["Conventions"] == cf.CONVENTIONS
        newest = ds.attrs["history"].splitlines()[0]
        assert newest.endswith(" ".join(["manpower", *argv]))  # the command line, overrides included
        assert not [name for name in ds.variables if "." in str(name)]
        for name, variable in ds.data_vars.items():
            attrs = variable.attrs
            assert attrs["units"] in cf.ALLOWED_UNITS, (name, attrs["units"])
            assert attrs["long_name"] and attrs["unit_label"] and attrs["drivers"], name
            if "time" in variable.dims:
                assert attrs["cell_methods"] in ("time: sum", "time: point"), name


def test_counts_of_persons_are_dimensionless_and_say_persons(written):
    with xr.open_dataset(written["run"][1]) as ds:
        assert ds.front.attrs["units"] == "1" and "persons" in ds.front.attrs["long_name"]
        assert ds.bonus.attrs["unit_label"] == "roubles"


def test_sampled_parameters_are_named_without_dots_and_keep_their_key(written, baseline):
    with xr.open_dataset(written["uncertainty"][1]) as ds:
        keys = ds.attrs["sampled_parameters"].split(", ")
        for key in keys:
            variable = ds[cf.variable_name(key)]
            assert variable.attrs["key"] == key
            assert variable.attrs["units"] == cf.CF_UNITS[baseline[key].unit][0]


def test_the_library_history_names_the_python_call_and_its_overrides(baseline):
    casualties = baseline["casualties.monthly"]
    inside = round((casualties.low + casualties.high) / 2)  # persons per month, a whole number
    ds = model.simulate(baseline.with_values({"casualties.monthly": inside}, where="notebook"), months=2)
    assert f"model.simulate(load_params('baseline').with_values({{'casualties.monthly': {float(inside)!r}}}, " \
           "where='notebook'), months=2" in ds.attrs["history"]


def test_allowed_units_parse_with_udunits():
    import cf_units  # in the test extra: UDUNITS-2 itself decides

    for unit in cf.ALLOWED_UNITS:
        cf_units.Unit(unit)
    with pytest.raises(ValueError):
        cf_units.Unit("person")


def test_writing_a_dotted_variable_name_is_refused(tmp_path):
    ds = xr.Dataset({"casualties.monthly": ("run", [1.0])})
    with pytest.raises(ValueError, match="casualties.monthly"):
        model.results.io.write_netcdf(ds, tmp_path / "x.nc")
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("scenario", ["baseline", "prisons_exhausted"])
def test_snapshot_round_trips_a_parameter_set(scenario):
    params = model.load_params(scenario)
    again = snapshot.loads(snapshot.dumps(params))
    assert again.digest() == params.digest() and again.table().equals(params.table())


def test_comparison_table_solves_with_the_parameters_the_runs_used(params_copy, monkeypatch):
    monkeypatch.setenv("MANPOWER_PARAMS", str(params_copy))
    ds = model.compare(["baseline"], months=6)
    before = model.comparison_table(ds)
    assert scenario_params(ds)["baseline"].digest() == str(ds.parameters_digest.values[0])
    # Edit the registry on disk between compare and comparison_table: the table must not notice.
    path = params_copy / "registry.yaml"
    registry = yaml.safe_load(path.read_text())
    entry = registry["parameters"]["casualties.monthly"]
    entry["value"] = entry["low"]
    path.write_text(yaml.safe_dump(registry, allow_unicode=True))
    assert model.load_params("baseline", prior=True).value("casualties.monthly") == entry["low"]  # the edit took
    after = model.comparison_table(ds)
    for column in ("extra volunteers/month to hold front", "casualties/month at balance"):
        assert math.isclose(after[column].iloc[0], before[column].iloc[0], rel_tol=1e-12), column
