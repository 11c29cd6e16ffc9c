"""A small synthetic parameter folder for equation tests with closed forms.

:func:`write_folder` writes a registry with every key the model requires (the
list comes from :data:`model.inputs.spec.SPECS`, so a parameter added to the model is
covered without editing this file) and one scenario overlay. Values are round
numbers chosen for arithmetic, not for realism, and every range is wide enough
that a test may override a value within it. Analysts editing
``params/registry.yaml`` therefore never move an expected value in a test that
uses this folder.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from model.inputs import spec
from model.inputs.paths import REGISTRY_FILE, SCENARIO_FOLDER

#: Value, low and high (canonical unit) by kind, for keys without their own line in :data:`VALUES`.
BY_KIND: dict[str, tuple[float, float, float]] = {
    spec.COUNT.name: (10_000.0, 0.0, 1_000_000.0),
    spec.FLOW.name: (1_000.0, 0.0, 100_000.0),
    spec.RATE.name: (0.01, 0.0, 1.0),
    spec.GROWTH.name: (0.0, -0.1, 0.1),
    spec.DURATION.name: (1.0, 0.25, 4.0),
    spec.FRACTION.name: (0.1, 0.0, 1.0),
    spec.RATIO.name: (1.0, 0.0, 4.0),
    spec.ELASTICITY.name: (0.0, 0.0, 1.0),
    spec.MONEY.name: (1_000_000.0, 100_000.0, 10_000_000.0),
    spec.MONEY_FLOW.name: (100_000.0, 10_000.0, 1_000_000.0),
    spec.MONEY_CHANGE.name: (0.0, -500_000.0, 500_000.0),
}

#: Round values of the keys the closed-form tests lean on (canonical units).
VALUES: dict[str, float] = {
    "casualties.monthly": 10_000.0,
    "casualties.killed_fraction": 0.2,
    "casualties.captured_fraction": 0.05,
    "wounded.severe_fraction": 0.5,
    "wounded.light_recovery_time": 1.0,
    "wounded.light_return_fraction": 0.8,
    "wounded.severe_recovery_time": 2.0,
    "wounded.severe_return_fraction": 0.2,
    **{f"deploy_share.{s}": 1.0 for s in ("volunteer", "mobilized", "prisoner", "migrant", "foreign", "dprk",
                                          "conscript")},
    "deployment.rate": 0.0,
    "rotation.rate": 0.0,
    "rear.release_rate": 0.0,
    "conscription.term": 4.0,
    "seasoning.time": 2.0,
    "force.deployed_total": 500_000.0,
    "volunteer.signups": 20_000.0,
    "pool_initial.mobilized": 1_000_000.0,
    "pool_initial.prisoner": 100_000.0,
    "draw_rate.prisoner": 0.1,
    "mobilization.emigration_ratio": 0.5,
    "migrant.roundup_send_fraction": 0.5,
}

#: Keys registered in another unit than the canonical one, to exercise conversion: (unit, factor to canonical).
PER_YEAR = {"wage.growth": ("1 / year", 1 / 12)}

#: The one scenario overlay in the folder: its name and the values it sets (canonical units).
SCENARIO = "surge"
SCENARIO_VALUES = {"casualties.monthly": 20_000.0}


def _entry(parameter: spec.ParameterSpec) -> dict:
    entry = {"description": f"synthetic {parameter.key}", "source": "assumption", "date": "2024-12",
             "url": None, "assumption": "A round number for closed-form tests."}
    if parameter.kind is spec.CHOICE:
        return {**entry, "value": parameter.choices[0], "unit": parameter.unit}
    if parameter.kind is spec.SCHEDULE:
        return {**entry, "value": [], "unit": parameter.unit}
    value, low, high = BY_KIND[parameter.kind.name]
    value = VALUES.get(parameter.key, value)
    unit, factor = PER_YEAR.get(parameter.key, (parameter.unit, 1.0))
    return {**entry, "value": value / factor, "unit": unit, "low": low / factor, "high": high / factor}


def registry_document() -> dict:
    """The synthetic registry as a YAML-ready mapping."""
    return {"parameters": {p.key: _entry(p) for p in spec.SPECS}}


def write_folder(folder: Path) -> Path:
    """Write the synthetic registry and its scenario into ``folder`` (created); return ``folder``."""
    (folder / SCENARIO_FOLDER).mkdir(parents=True, exist_ok=True)
    (folder / REGISTRY_FILE).write_text(yaml.safe_dump(registry_document(), sort_keys=False), encoding="utf-8")
    overlay = {"name": SCENARIO, "description": "synthetic: twice the casualties",
               "set": {key: {"value": value, "reason": "synthetic"} for key, value in SCENARIO_VALUES.items()}}
    (folder / SCENARIO_FOLDER / f"{SCENARIO}.yaml").write_text(yaml.safe_dump(overlay), encoding="utf-8")
    return folder


def synthetic_month_row(csv: Path, daily: float | None = None) -> str:
    """A row of the casualty record for the month after ``csv``'s last: the last month's daily average repeated (or
    ``daily`` persons per day), with a source that says it is synthetic. Never a real figure: tests of the monthly
    update append it to a copy of the record."""
    import calendar

    from model.inputs.start import following_month

    last = csv.read_text(encoding="utf-8").strip().splitlines()[-1].split(",")
    month = following_month(last[0])
    per_day = float(last[1]) if daily is None else daily
    days = calendar.monthrange(int(month[:4]), int(month[5:]))[1]
    return f"{month},{per_day:g},{days},{per_day * days:g},synthetic row for a test (not a real figure),https://example.org/synthetic\n"


def append_synthetic_month(csv: Path, daily: float | None = None) -> str:
    """Append :func:`synthetic_month_row` to ``csv``; return the month appended."""
    row = synthetic_month_row(csv, daily)
    with csv.open("a", encoding="utf-8") as file:
        file.write(row)
    return row.split(",")[0]
