"""The revised NIOSH lifting equation: recommended weight limit and lifting index.

Pure functions for the lift calculator scenario; nothing here knows of widgets.
Sources: Waters, Putz-Anderson, Garg and Fine (1993), "Revised NIOSH equation for
the design and evaluation of manual lifting tasks", Ergonomics 36(7):749-776, and
NIOSH, "Applications Manual for the Revised NIOSH Lifting Equation", DHHS (NIOSH)
Publication No. 94-110 (1994; revised 9/2021, whose formulas, multipliers and
limits are unchanged). Page numbers below are the manual's printed pages.

RWL = LC x HM x VM x DM x AM x FM x CM and LI = load / RWL (p. 1). HM, VM, DM and
AM come from their formulas (p. 7: "Each multiplier should be computed from the
appropriate formula"), FM from Table 5 (p. 15) and CM from Table 7 (p. 18).
Units are metric (cm, degrees, kg) unless ``units="us"`` (inches, degrees, lb),
which uses the manual's own US constants so that its worked examples can be
checked as printed; the two sets are not exact conversions of each other.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from typing import Literal

Units = Literal["metric", "us"]
DURATIONS = ("short", "moderate", "long")
COUPLINGS = ("good", "fair", "poor")
MEASURES = ("H", "V", "D", "A")
TASK_FIELDS = ("weight_kg", "frequency_per_min", "duration", "coupling")

# Per unit system: load constant, HM numerator and limit, VM optimum, slope and
# reach limit (also the V boundary of Tables 5 and 7), DM numerator and limits.
_CONSTANTS = {
    "metric": {"LC": 23.0, "H": (25.0, 63.0), "V": (75.0, 0.003, 175.0),
               "D": (4.5, 25.0, 175.0)},
    "us": {"LC": 51.0, "H": (10.0, 25.0), "V": (30.0, 0.0075, 70.0),
           "D": (1.8, 10.0, 70.0)},
}

# Table 5, Frequency Multiplier (p. 15): rows are lifts per minute; for each
# duration, the column for V < 75 cm (30 in) then the column for V >= 75 cm.
# Above 15 lifts/min every column is .00.
_FREQUENCIES = (0.2, 0.5, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
_FM_TABLE = {
    "short": (  # <= 1 hour
        (1.00, .97, .94, .91, .88, .84, .80, .75, .70, .60, .52, .45, .41, .37, 0, 0, 0),
        (1.00, .97, .94, .91, .88, .84, .80, .75, .70, .60, .52, .45, .41, .37, .34, .31, .28),
    ),
    "moderate": (  # > 1 but <= 2 hours
        (.95, .92, .88, .84, .79, .72, .60, .50, .42, .35, .30, .26, 0, 0, 0, 0, 0),
        (.95, .92, .88, .84, .79, .72, .60, .50, .42, .35, .30, .26, .23, .21, 0, 0, 0),
    ),
    "long": (  # > 2 but <= 8 hours
        (.85, .81, .75, .65, .55, .45, .35, .27, .22, .18, 0, 0, 0, 0, 0, 0, 0),
        (.85, .81, .75, .65, .55, .45, .35, .27, .22, .18, .15, .13, 0, 0, 0, 0, 0),
    ),
}

# Table 7, Coupling Multiplier (p. 18): (V < 75 cm, V >= 75 cm).
_CM_TABLE = {"good": (1.00, 1.00), "fair": (0.95, 1.00), "poor": (0.90, 0.90)}


def _number(value: object, name: str) -> float:
    """A finite, non-negative number, or a ValueError that says which input is wrong."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{name} must be a number, not {type(value).__name__}.")
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite number of 0 or more, not {value!r}.")
    return float(value)


def _choice(value: object, name: str, allowed: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(allowed)}; got {value!r}.")
    return value


def _constants(units: object) -> dict:
    return _CONSTANTS[_choice(units, "units", tuple(_CONSTANTS))]


def frequency_multiplier(frequency: float, duration: str, v: float,
                         units: Units = "metric") -> float:
    """FM from Table 5 for lifts per minute, duration and V at the origin.

    Below 0.2 lifts/min the table's first row applies: "For lifting less
    frequently than once per 5 minutes, set F = .2 lifts/minute" (Table 5 note,
    p. 15). Between two rows FM is interpolated linearly, as the manual asks:
    "when the measured frequency is not a whole number, the appropriate
    multiplier must be interpolated between the frequency values in the table
    for the two values that are closest to the actual frequency" (p. 7; Example 7
    does so for 2.4 lifts/min). Above a column's last non-zero row FM is 0:
    "Lifting above the maximum frequency results in a RWL of 0.0" (p. 14).
    """
    f = _number(frequency, "Frequency (lifts per minute)")
    if f == 0:
        raise ValueError("Frequency (lifts per minute) must be more than 0.")
    duration = _choice(duration, "Duration", DURATIONS)
    boundary = _constants(units)["V"][0]
    column = _FM_TABLE[duration][_number(v, "V") >= boundary]
    f = max(f, _FREQUENCIES[0])
    highest = max(rate for rate, fm in zip(_FREQUENCIES, column) if fm > 0)
    if f > highest:
        return 0.0
    i = bisect_left(_FREQUENCIES, f)
    if _FREQUENCIES[i] == f:
        return column[i]
    lo, hi = _FREQUENCIES[i - 1], _FREQUENCIES[i]
    return column[i - 1] + (column[i] - column[i - 1]) * (f - lo) / (hi - lo)


def multipliers(h: float, v: float, d: float, a: float, frequency: float, duration: str,
                coupling: str, *, units: Units = "metric") -> dict[str, float]:
    """The six multipliers ``{'HM', 'VM', 'DM', 'AM', 'FM', 'CM'}``, unrounded.

    ``h``: hands from the mid-point between the ankles; ``v``: hand height at the
    origin; ``d``: vertical travel; ``a``: asymmetry angle in degrees. Limits as
    the manual sets them (pp. 8-12), in metric: H < 25 cm counts as 25 (HM 1),
    H > 63 cm gives HM 0; V > 175 cm gives VM 0; D < 25 cm counts as 25 (DM 1),
    D > 175 cm gives DM 0; A > 135 degrees gives AM 0.
    """
    k = _constants(units)
    h, v, d, a = (_number(x, name) for x, name in ((h, "H"), (v, "V"), (d, "D"), (a, "A")))
    coupling = _choice(coupling, "Coupling", COUPLINGS)
    h_min, h_max = k["H"]
    optimum, slope, reach = k["V"]
    numerator, d_min, d_max = k["D"]
    return {
        "HM": 0.0 if h > h_max else h_min / max(h, h_min),
        "VM": 0.0 if v > reach else 1 - slope * abs(v - optimum),
        "DM": 0.0 if d > d_max else 0.82 + numerator / max(d, d_min),
        "AM": 0.0 if a > 135 else 1 - 0.0032 * a,
        "FM": frequency_multiplier(frequency, duration, v, units),
        "CM": _CM_TABLE[coupling][v >= optimum],
    }


def rwl(h: float, v: float, d: float, a: float, frequency: float, duration: str,
        coupling: str, *, units: Units = "metric") -> float:
    """Recommended weight limit: kg in metric, lb with ``units="us"``."""
    product = _constants(units)["LC"]
    for value in multipliers(h, v, d, a, frequency, duration, coupling, units=units).values():
        product *= value
    return product


def lifting_index(weight: float, h: float, v: float, d: float, a: float, frequency: float,
                  duration: str, coupling: str, *, units: Units = "metric") -> float:
    """Load over RWL; ``math.inf`` when the RWL is 0 (no load is recommended)."""
    load = _number(weight, "Weight")
    limit = rwl(h, v, d, a, frequency, duration, coupling, units=units)
    return load / limit if limit > 0 else math.inf


def _fields(value: object, name: str, keys: tuple[str, ...]) -> dict:
    if not isinstance(value, dict):
        raise ValueError(f"{name} must be an object with {', '.join(keys)}.")
    missing = [key for key in keys if key not in value]
    extra = sorted(str(key) for key in value if key not in keys)
    if missing:
        raise ValueError(f"{name} is missing {', '.join(missing)}.")
    if extra:
        raise ValueError(f"{name} has unexpected fields: {', '.join(extra)}.")
    return value


def assess(task: dict, measures: dict) -> dict:
    """RWL (kg), LI and multipliers of a task at the learner's measures, in metric.

    ``task`` is ``{'weight_kg', 'frequency_per_min', 'duration', 'coupling'}`` and
    ``measures`` is ``{'H', 'V', 'D', 'A'}`` (cm and degrees). Both may come from
    a learner's JSON, so anything missing, extra or mistyped raises ValueError
    with a message that names it. ``li`` is ``math.inf`` when the RWL is 0, so
    that ``li <= limit`` is simply false; ``json.dumps`` writes it as
    ``Infinity``, which a browser's ``JSON.parse`` refuses: say it in words first.
    """
    task = _fields(task, "The task", TASK_FIELDS)
    measures = _fields(measures, "The measures", MEASURES)
    weight = _number(task["weight_kg"], "Weight (kg)")
    args = (measures["H"], measures["V"], measures["D"], measures["A"],
            task["frequency_per_min"], task["duration"], task["coupling"])
    factors = multipliers(*args)
    limit = rwl(*args)
    return {"rwl": limit, "li": weight / limit if limit > 0 else math.inf, "multipliers": factors}
