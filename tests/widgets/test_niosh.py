"""The lifting equation against the NIOSH Applications Manual (DHHS (NIOSH) 94-110).

Page numbers are the manual's printed pages. The manual's worksheets multiply
multipliers rounded to two places and print weight limits and lifting indices to
one place (p. 29), so each worked example is checked twice: the worksheet's own
arithmetic (rounded multipliers) must give the printed figure exactly, and the
unrounded result must lie within the error that the worksheet's rounding allows.
"""

import math
from decimal import ROUND_HALF_UP, Decimal

import pytest

from balise.widgets import niosh


def places(x: float, n: int) -> float:
    """Round half up, as the manual's tables and worksheets do (0.895 -> 0.90)."""
    return float(Decimal(repr(x)).quantize(Decimal(1).scaleb(-n), rounding=ROUND_HALF_UP))


def worksheet_rwl(factors: dict, lc: float) -> float:
    """The worksheet's RWL: load constant times the multipliers rounded to two places."""
    product = lc
    for value in factors.values():
        product *= places(value, 2)
    return places(product, 1)


def rounding_bound(factors: dict, limit: float) -> float:
    """Largest gap the worksheet's rounding can open between its RWL and the exact one.

    Each formula multiplier m is printed within 0.005 of its value, a relative
    error of at most 0.005 / m; FM and CM are table values and exact. Add the
    0.05 of printing the RWL to one place.
    """
    relative = sum(0.005 / factors[k] for k in ("HM", "VM", "DM", "AM") if factors[k] < 1)
    return limit * relative + 0.05


@pytest.mark.parametrize("end, h, v, published_rwl, published_li", [
    ("origin", 20, 44, 14.4, 1.4),
    ("destination", 20, 7, 13.3, 1.5),
])
def test_manual_example_5_dish_washing_machine_unloading(end, h, v, published_rwl,
                                                         published_li):
    """Example 5, "Dish-Washing Machine Unloading", manual pp. 47-50 (Figures 16, 17).

    Trays of 20 lb (the example's assumed weight) are lifted at 5 lifts/min for
    45 min to 1 h from H 20 in, V 44 in to H 20 in, V 7 in, with A 30 degrees at
    both ends and good handholds; significant control is needed at the
    destination, so the RWL is computed at both ends. Published: FM 0.80, RWL
    14.4 lb at the origin and 13.3 lb at the destination. The lifting indices
    1.4 and 1.5 are the 20 lb load over those published limits, to one place.
    (Figures as reprinted by T. R. Waters, "Revised NIOSH lifting equation",
    ch. 46 of Marras and Karwowski, Fundamentals and Assessment Tools for
    Occupational Ergonomics, 2006, section 46.7.2.)
    """
    args = (h, v, 44 - 7, 30, 5, "short", "good")
    factors = niosh.multipliers(*args, units="us")
    limit = niosh.rwl(*args, units="us")
    assert factors["FM"] == 0.80
    assert worksheet_rwl(factors, 51) == published_rwl
    assert abs(limit - published_rwl) <= rounding_bound(factors, limit)
    assert places(niosh.lifting_index(20, *args, units="us"), 1) == published_li


@pytest.mark.parametrize("frequency, duration", [(3, "short"), (1, "moderate")])
def test_manual_example_4_package_inspection(frequency, duration):
    """Example 4, "Package Inspection", manual pp. 44-46, worksheet Figure 14, origin.

    A 26 lb package, fair coupling, lifted from V 22 in to V 59 in (D 37 in).
    The worksheet prints RWL = 51 x 1.0 x .94 x .87 x 1.0 x .88 x .95 = 34.9 lb
    at the origin, so LI = 26 / 34.9 = 0.7. HM 1.0 means H <= 10 in, and AM 1.0
    means A = 0. The worksheet gives FM .88 but the frequency and duration behind
    it were not in the sources at hand: Table 5 gives .88 both for 3 lifts/min
    for up to 1 h and for 1 lift/min for 1-2 h, so the test runs both.
    """
    args = (10, 22, 59 - 22, 0, frequency, duration, "fair")
    factors = niosh.multipliers(*args, units="us")
    assert {k: places(m, 2) for k, m in factors.items()} == {
        "HM": 1.0, "VM": 0.94, "DM": 0.87, "AM": 1.0, "FM": 0.88, "CM": 0.95}
    limit = niosh.rwl(*args, units="us")
    assert worksheet_rwl(factors, 51) == 34.9
    assert abs(limit - 34.9) <= rounding_bound(factors, limit)
    assert places(niosh.lifting_index(26, *args, units="us"), 1) == 0.7


@pytest.mark.parametrize("h, hm", [(25, 1.00), (30, 0.83), (40, 0.63), (50, 0.50), (63, 0.40)])
def test_horizontal_multiplier_matches_table_1(h, hm):
    """Table 1 (metric), pp. 8-9."""
    assert places(niosh.multipliers(h, 75, 25, 0, 1, "short", "good")["HM"], 2) == hm


@pytest.mark.parametrize("v, vm", [(0, 0.78), (75, 1.00), (175, 0.70)])
def test_vertical_multiplier_is_best_at_knuckle_height(v, vm):
    """VM is 1.0 at 75 cm, 0.78 at the floor and 0.70 at 175 cm (p. 9)."""
    assert places(niosh.multipliers(25, v, 25, 0, 1, "short", "good")["VM"], 2) == vm


@pytest.mark.parametrize("a, am", [(0, 1.00), (45, 0.86), (90, 0.71), (135, 0.57)])
def test_asymmetric_multiplier_matches_table_4(a, am):
    """Table 4, p. 13."""
    assert places(niosh.multipliers(25, 75, 25, a, 1, "short", "good")["AM"], 2) == am


def test_hands_closer_than_25_cm_count_as_25():
    for h in (0, 10, 24.9):
        assert niosh.multipliers(h, 75, 25, 0, 1, "short", "good")["HM"] == 1.0


def test_out_of_reach_gives_zero_multipliers():
    factors = niosh.multipliers(64, 176, 176, 136, 1, "short", "good")
    assert factors["HM"] == factors["VM"] == factors["DM"] == factors["AM"] == 0.0


def test_short_travel_counts_as_25_cm():
    assert niosh.multipliers(25, 75, 10, 0, 1, "short", "good")["DM"] == pytest.approx(1.0)
    assert niosh.multipliers(25, 75, 100, 0, 1, "short", "good")["DM"] == pytest.approx(0.865)


def test_twist_beyond_135_degrees_means_no_load_is_recommended():
    assert niosh.multipliers(25, 75, 25, 136, 1, "short", "good")["AM"] == 0.0
    assert niosh.rwl(25, 75, 25, 136, 1, "short", "good") == 0.0
    assert niosh.lifting_index(5, 25, 75, 25, 136, 1, "short", "good") == math.inf


def test_ideal_lift_recommends_the_load_constant():
    assert niosh.rwl(25, 75, 25, 0, 0.2, "short", "good") == pytest.approx(23.0)
    assert niosh.rwl(10, 30, 10, 0, 0.2, "short", "good", units="us") == pytest.approx(51.0)


@pytest.mark.parametrize("frequency, duration, v, fm", [
    (0.2, "short", 75, 1.00), (0.5, "moderate", 30, 0.92), (4, "long", 30, 0.45),
    (8, "long", 30, 0.18), (9, "long", 30, 0.00), (9, "long", 75, 0.15), (10, "long", 75, 0.13),
    (11, "long", 75, 0.00), (10, "moderate", 30, 0.26), (11, "moderate", 30, 0.00),
    (12, "moderate", 75, 0.21), (12, "short", 30, 0.37), (13, "short", 30, 0.00),
    (13, "short", 75, 0.34), (15, "short", 75, 0.28), (16, "short", 75, 0.00),
])
def test_frequency_multiplier_matches_table_5(frequency, duration, v, fm):
    """Table 5, p. 15: the cells where the V < 75 and V >= 75 columns part."""
    assert niosh.frequency_multiplier(frequency, duration, v) == fm


def test_rare_lifts_count_as_one_every_five_minutes():
    assert niosh.frequency_multiplier(0.05, "long", 30) == 0.85


def test_frequency_between_rows_is_interpolated():
    """p. 7, and Example 7 (p. 56), which interpolates 2.4 lifts/min between 2 and 3."""
    assert niosh.frequency_multiplier(2.4, "short", 30) == pytest.approx(0.91 - 0.4 * 0.03)
    assert niosh.frequency_multiplier(0.75, "long", 75) == pytest.approx((0.81 + 0.75) / 2)


def test_frequency_above_the_column_maximum_gives_zero():
    """p. 14: "Lifting above the maximum frequency results in a RWL of 0.0"."""
    assert niosh.frequency_multiplier(12.5, "short", 30) == 0.0
    assert niosh.frequency_multiplier(12.5, "short", 75) == pytest.approx(0.355)


@pytest.mark.parametrize("coupling, low, high", [
    ("good", 1.00, 1.00), ("fair", 0.95, 1.00), ("poor", 0.90, 0.90)])
def test_coupling_multiplier_matches_table_7(coupling, low, high):
    assert niosh.multipliers(25, 74, 25, 0, 1, "short", coupling)["CM"] == low
    assert niosh.multipliers(25, 75, 25, 0, 1, "short", coupling)["CM"] == high


TASK = {"weight_kg": 12, "frequency_per_min": 2, "duration": "moderate", "coupling": "fair"}
MEASURES = {"H": 40, "V": 30, "D": 60, "A": 30}


def test_assess_gives_limit_index_and_multipliers():
    result = niosh.assess(TASK, MEASURES)
    # HM 25/40, VM at 45 cm from 75, DM for 60 cm, AM for 30 degrees, Table 5 (2/min,
    # 1-2 h) and Table 7 (fair, V < 75).
    expected = (23 * (25 / 40) * (1 - 0.003 * 45) * (0.82 + 4.5 / 60) * (1 - 0.0032 * 30)
                * 0.84 * 0.95)
    assert result["rwl"] == pytest.approx(expected)
    assert result["li"] == pytest.approx(12 / expected)
    assert result["multipliers"] == niosh.multipliers(40, 30, 60, 30, 2, "moderate", "fair")


def test_assess_gives_an_endless_index_when_nothing_may_be_lifted():
    result = niosh.assess(TASK, {**MEASURES, "A": 140})
    assert result["rwl"] == 0.0 and result["li"] == math.inf and not result["li"] <= 3


@pytest.mark.parametrize("task, measures, words", [
    (TASK, {**MEASURES, "H": -1}, "H must be a finite number of 0 or more"),
    (TASK, {**MEASURES, "V": "30"}, "V must be a number, not str"),
    (TASK, {**MEASURES, "D": True}, "D must be a number, not bool"),
    (TASK, {**MEASURES, "A": float("nan")}, "A must be a finite number"),
    (TASK, {"H": 40, "V": 30, "D": 60}, "The measures is missing A"),
    (TASK, {**MEASURES, "W": 3}, "unexpected fields: W"),
    (TASK, [40, 30, 60, 30], "The measures must be an object"),
    ({**TASK, "duration": "all day"}, MEASURES, "Duration must be one of short, moderate, long"),
    ({**TASK, "coupling": None}, MEASURES, "Coupling must be one of good, fair, poor"),
    ({**TASK, "frequency_per_min": 0}, MEASURES, "must be more than 0"),
    ({**TASK, "weight_kg": -2}, MEASURES, "Weight (kg) must be a finite number"),
    ({k: v for k, v in TASK.items() if k != "weight_kg"}, MEASURES, "missing weight_kg"),
    ("heavy", MEASURES, "The task must be an object"),
])
def test_assess_refuses_bad_input_in_plain_words(task, measures, words):
    with pytest.raises(ValueError) as caught:
        niosh.assess(task, measures)
    assert words in str(caught.value)


def test_unknown_units_are_refused():
    with pytest.raises(ValueError, match="units must be one of metric, us"):
        niosh.rwl(25, 75, 25, 0, 1, "short", "good", units="imperial")
