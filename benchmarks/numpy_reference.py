"""The model's equations written plainly as whole-batch numpy array operations: the speed reference.

What a careful analyst would write first, with no compilation: every rate of
``model/dynamics/description.py`` for all runs at once (arrays shaped ``(source, run)``), an explicit Euler
step, the monthly totals of the four headline outputs, the exogenous casualty level lowered where the war
zone has shrunk below its start (``casualties.depletion_elasticity``). It reads the coefficients that
:func:`model.dynamics.equations.prepare` lays out, so both implementations start from the same numbers; it
has no limiter (no stock of the baseline runs dry), so it agrees with the engine where no constraint binds,
which ``bench_reference.py`` checks before any timing.
"""

from __future__ import annotations

import numpy as np

from model.core.structure import IRRECOVERABLE_FLOWS, RECRUITMENT_FLOWS, STOCKS
from model.dynamics import equations as eq

_S = {name: i for i, name in enumerate(STOCKS)}


def rates(state: np.ndarray, t: float, step: int, inputs: eq.Inputs) -> dict[str, np.ndarray]:
    """Every flow's rate (persons/month, ``(7, n)``) for the stocks ``state`` ``(9, 7, n)`` at ``t`` months."""
    r, s, dt = inputs.per_run, inputs.per_subscript, inputs.dt
    sched = inputs.schedules[:, step]
    x = {name: np.maximum(state[i], 0.0) for name, i in _S.items()}
    zero = np.zeros_like(x["pool"])
    f: dict[str, np.ndarray] = {}
    c = eq.CONSCRIPTS_SOURCE
    f["call_up"] = zero.copy()
    f["call_up"][c] = sched[eq.CAMPAIGNS]
    f["demobilization"] = r[eq.DEMOBILIZATION] * x["conscripts"]
    f["conversion"] = r[eq.CONVERSION] * x["conscripts"]
    f["emergency_deployment"] = zero.copy()
    f["emergency_deployment"][c] = sched[eq.EMERGENCY]
    graduating = s[eq.GRADUATION_RATE] * x["training"]
    f["graduation"] = s[eq.DEPLOY_SHARE] * graduating
    f["assignment"] = graduating - f["graduation"]
    f["deployment"] = r[eq.DEPLOYMENT] * x["rear"]
    f["rear_release"] = r[eq.REAR_RELEASE] * x["rear"]
    f["rotation"] = r[eq.ROTATION] * x["front_veteran"]
    f["release"] = s[eq.RELEASE_RATE] * x["front_veteran"]
    f["seasoning"] = r[eq.SEASONING] * x["front_new"]
    f["desertion_new"] = r[eq.DESERTION] * x["front_new"]
    f["desertion_veteran"] = r[eq.DESERTION] * x["front_veteran"]
    for kind, stock in (("light", "wounded_light"), ("severe", "wounded_severe")):
        recovery, back = (eq.LIGHT_RECOVERY, eq.LIGHT_RETURN) if kind == "light" else (eq.SEVERE_RECOVERY,
                                                                                         eq.SEVERE_RETURN)
        recovering = r[recovery] * x[stock]
        f[f"return_{kind}"] = r[back] * recovering
        f[f"discharge_{kind}"] = recovering - f[f"return_{kind}"]
    coming_back = r[eq.ABSENCE_END] * x["absent"]
    f["absence_return"] = r[eq.ABSENCE_RETURN] * coming_back
    f["deserted"] = coming_back - f["absence_return"]
    arrivals_new = f["graduation"] + f["deployment"] + f["absence_return"] + f["emergency_deployment"]
    arrivals_veteran = f["seasoning"] + f["return_light"] + f["return_severe"]
    role = s[eq.ROLE]
    weight_new = role * r[eq.NOVICE] * np.maximum(x["front_new"], dt / 2 * arrivals_new)
    weight_veteran = role * np.maximum(x["front_veteran"], dt / 2 * arrivals_veteran)
    month = step // round(1 / dt)
    shock = inputs.series[eq.SHOCK, month]
    strength = (x["front_new"] + x["front_veteran"]).sum(axis=0)
    start = r[eq.FRONT_START]
    depleted = (start > 0) & (strength < start)
    ratio = np.divide(strength, start, out=np.ones_like(strength), where=depleted)
    depletion = np.where(depleted, ratio ** r[eq.DEPLETION], 1.0)
    level = (sched[eq.RECORD_COVERS] * sched[eq.RECORDED] + (1 - sched[eq.RECORD_COVERS]) * r[eq.CASUALTIES0]
             * np.exp(r[eq.CASUALTY_GROWTH] * t) * shock * depletion)
    exposed = (weight_new + weight_veteran).sum(axis=0)
    per_weight = np.divide(level, exposed, out=np.zeros_like(level), where=exposed > 0)
    for suffix, weight in (("new", weight_new), ("veteran", weight_veteran)):
        casualties = weight * per_weight
        f[f"killed_{suffix}"] = r[eq.KILLED] * casualties
        f[f"captured_{suffix}"] = r[eq.CAPTURED] * casualties
        wounded = casualties - f[f"killed_{suffix}"] - f[f"captured_{suffix}"]
        f[f"wounded_severe_{suffix}"] = r[eq.SEVERE] * wounded
        f[f"wounded_light_{suffix}"] = wounded - f[f"wounded_severe_{suffix}"]
    regional = (r[eq.REGIONAL_CEILING] * r[eq.REGIONAL0]
                / (r[eq.REGIONAL0] + (r[eq.REGIONAL_CEILING] - r[eq.REGIONAL0]) * np.exp(-r[eq.REGIONAL_GROWTH] * t)))
    payment = r[eq.PAY_YEAR] * np.exp(r[eq.PAY_GROWTH] * t) + r[eq.PAYMENT_FIXED] + regional
    f["signups"] = zero.copy()
    f["signups"][eq.VOLUNTEER] = (r[eq.SIGNUPS0] * (payment / r[eq.PAYMENT_REFERENCE]) ** r[eq.PAY_ELASTICITY]
                                  * np.exp(r[eq.SIGNUP_DRIFT] * t))
    f["mobilization"] = zero.copy()
    f["mobilization"][eq.MOBILIZED] = sched[eq.WAVES]
    f["emigration"] = zero.copy()
    f["emigration"][eq.MOBILIZED] = r[eq.EMIGRATION] * sched[eq.WAVES]
    f["pool_inflow"] = s[eq.POOL_INFLOW].copy()
    f["pool_inflow"][eq.MIGRANT] += r[eq.SEND] * sched[eq.ROUNDUPS]
    f["pool_inflow"][eq.DPRK] += sched[eq.TRANCHES]
    f["pool_draw"] = s[eq.DRAW_RATE] * x["pool"]
    return f


def simulate(inputs: eq.Inputs, months: int) -> dict[str, np.ndarray]:
    """Euler from ``inputs.state0``: ``front_total`` at each month's start and the months' ``inflow``, ``losses``
    and ``net`` (persons, ``(months + 1, n)``; the last month's flows NaN)."""
    from model.core.structure import FLOWS

    steps = round(1 / inputs.dt)
    state = inputs.state0.copy()
    origin = {f.name: (_S.get(f.origin), _S.get(f.target)) for f in FLOWS}
    n = state.shape[-1]
    out = {name: np.full((months + 1, n), np.nan) for name in ("front_total", "inflow", "losses", "net")}
    for month in range(months + 1):
        out["front_total"][month] = state[_S["front_new"]].sum(axis=0) + state[_S["front_veteran"]].sum(axis=0)
        if month == months:
            break
        inflow = np.zeros(n)
        losses = np.zeros(n)
        for sub in range(steps):
            step = month * steps + sub
            f = rates(state, step * inputs.dt, step, inputs)
            for name, (source, target) in origin.items():
                moved = f[name] * inputs.dt
                if source is not None:
                    state[source] -= moved
                if target is not None:
                    state[target] += moved
            inflow += sum(f[name].sum(axis=0) for name in RECRUITMENT_FLOWS) * inputs.dt
            losses += sum(f[name].sum(axis=0) for name in (*IRRECOVERABLE_FLOWS, "deserted")) * inputs.dt
        out["inflow"][month], out["losses"][month], out["net"][month] = inflow, losses, inflow - losses
    return out
