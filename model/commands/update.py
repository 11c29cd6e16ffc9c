"""``manpower update``: after a month is appended to the casualty record, refit, move the start, regenerate the
outputs and keep a dated forecast (:mod:`model.present.update`); ``--check`` only checks the record, ``--through``
only writes the forecast as of an earlier month."""

from __future__ import annotations

import argparse

from ..errors import InputError
from ..inputs.paths import display
from .common import print_table, progress


def cmd_update(args: argparse.Namespace) -> int:
    from ..present import update as routine

    through = _through(args.through)
    if args.check:
        checked = routine.check()
        as_of = "" if through is None else (f"; {routine.check_through(checked, through)} is one of its months (the "
                                             "forecast as of it can be made)")
        new = ", ".join(checked.new_months) or "none"
        print(f"The casualty record in {display(checked.folder)} is well formed: {len(checked.months)} months through "
              f"{checked.data_end}{as_of}; months not yet fitted: {new}. `manpower update` would refit and start the "
              "projection in the month after the data.")
        return 0
    if through is not None:
        with progress(args, f"forecasting as of {through}"):
            checked, path = routine.forecast_as_of(through, n=args.n, seed=args.seed, months=args.months, dt=args.dt)
        print(f"Wrote the forecast as of {through} (the record runs through {checked.data_end}): "
              f"{display(path)} (kept: never overwritten); the fit, the start and the outputs are unchanged.")
        return 0
    with progress(args, "refitting and regenerating the outputs"):
        done = routine.update(out=args.out, n=args.n, seed=args.seed, months=args.months, dt=args.dt,
                              command=args.command_line)
    checked = done.checked
    print(f"Data through {checked.data_end} ({len(checked.months)} months; new since the last fit: "
          f"{', '.join(checked.new_months) or 'none'}); the projection now starts in {done.start}.")
    for step, path in done.refitted.items():
        print(f"Refitted {step}: {display(path)}")
    print(f"Wrote {', '.join(display(p) for p in done.outputs)}")
    print(f"Wrote the forecast {display(done.forecast)} (kept: never overwritten)")
    if done.scores is not None and len(done.scores):
        print("\nEarlier forecasts against the record (casualties per month; interval score: lower is better):")
        table = done.scores.drop(columns=["made"]).set_index(["forecast", "month"])
        print_table(table)
        counted = done.scores[done.scores.counted]
        left_out = len(done.scores) - len(counted)
        which = "each data end's first forecast made at the time" + (
            f"; {left_out} months of repeated forecasts and of forecasts made after the fact not counted"
            if left_out else "")
        if len(counted):
            print(f"50% intervals covered {counted.cover50.mean():.0%} and 90% intervals "
                  f"{counted.cover90.mean():.0%} of {len(counted)} forecast months ({which})")
        else:
            print(f"No forecast made at the time reaches these months ({which})")
    return 0


def _through(text: str | None) -> str | None:
    """``--through`` as given (None when left out), refused when empty: an empty month is not "every month"."""
    if text is not None and not text.strip():
        raise InputError("--through", repr(text), "expected a month YYYY-MM of the record, got an empty one")
    return text
