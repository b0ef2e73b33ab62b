"""Issue 19: the maths of every rule type at its edges (pure functions, no database), the rule
parameters as text, caps and grades with a veto, reproducible draws."""

from decimal import Decimal as D

import pytest
from django.utils import translation

from assessment import params, rules

W = D("20")


# --- proportional to target, capped ----------------------------------------------------------


@pytest.mark.parametrize(
    "value, target, lower, expected",
    [
        (D("90"), D("90"), False, D("20.00")),  # exactly at target: full
        (D("99"), D("90"), False, D("20.00")),  # above: capped at the points
        (D("45"), D("90"), False, D("10.00")),  # half way
        (D("0"), D("90"), False, D("0.00")),  # zero
        (None, D("90"), False, D("0.00")),  # missing value
        (D("50"), D("0"), False, D("20.00")),  # a zero target is met by anything ≥ 0
        (D("5"), D("5"), True, D("20.00")),  # lower is better, exactly at target
        (D("10"), D("5"), True, D("10.00")),  # lower is better: 5 ÷ 10 × 20
        (D("0"), D("5"), True, D("20.00")),  # lower is better, zero: full
        (None, D("5"), True, D("0.00")),
    ],
)
def test_proportional_edges(value, target, lower, expected):
    assert rules.proportional_score(value, target, W, lower_is_better=lower) == expected


# --- threshold and stepped thresholds -----------------------------------------------------------


@pytest.mark.parametrize(
    "value, lower, strict, expected",
    [
        (D("85"), False, False, D("20.00")),  # exactly at the bar: met
        (D("84.99"), False, False, D("0.00")),
        (D("85"), False, True, D("0.00")),  # "> 85": the bar itself is not met
        (D("0"), False, False, D("0.00")),
        (None, False, False, D("0.00")),
        (D("85"), True, False, D("20.00")),  # lower is better, at the bar
        (D("86"), True, False, D("0.00")),
        (D("0"), True, False, D("20.00")),
    ],
)
def test_threshold_edges(value, lower, strict, expected):
    assert rules.threshold_score(value, D("85"), W, lower_is_better=lower, strict=strict) == expected


STEPS = [(D("90"), D("1")), (D("80"), D("0.5"))]


@pytest.mark.parametrize(
    "value, expected",
    [(D("90"), D("20.00")), (D("95"), D("20.00")), (D("89.9"), D("10.00")), (D("80"), D("10.00")),
     (D("79.99"), D("0.00")), (D("0"), D("0.00")), (None, D("0.00"))],
)
def test_stepped_edges(value, expected):
    assert rules.stepped_score(value, STEPS, W) == expected


def test_stepped_lower_is_better_and_order_of_steps_does_not_matter():
    steps = [(D("10"), D("0.5")), (D("5"), D("1"))]  # ≤ 5 full, ≤ 10 half
    assert rules.stepped_score(D("5"), steps, W, lower_is_better=True) == D("20.00")
    assert rules.stepped_score(D("7"), steps, W, lower_is_better=True) == D("10.00")
    assert rules.stepped_score(D("11"), steps, W, lower_is_better=True) == D("0.00")
    assert rules.stepped_score(D("85"), list(reversed(STEPS)), W) == D("10.00")


@pytest.mark.parametrize("steps", [[], [(D(90), D(1)), (D(90), D("0.5"))], [(D(90), D("1.5"))], [(D(90), D("-0.1"))]])
def test_bad_steps_are_refused(steps):
    with pytest.raises(ValueError):
        rules.check_steps(steps)


# --- banding between percentiles ------------------------------------------------------------------

VALUES = [D(v) for v in (10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110)]  # P10 = 20, P90 = 100


def test_banded_at_the_bounds_themselves():
    assert rules.banded_score(D("20"), VALUES, W) == D("12.00")  # exactly at P10: the floor (60 %)
    assert rules.banded_score(D("100"), VALUES, W) == D("20.00")  # exactly at P90: full
    assert rules.banded_score(D("0"), VALUES + [D(0)], W) == D("12.00")  # zero, below P10
    assert rules.banded_score(None, VALUES, W) == D("0.00")  # missing


def test_banded_percentiles_and_floor_are_parameters():
    # P20 = 30, P80 = 90 of VALUES; floor 0
    assert rules.banded_score(D("30"), VALUES, W, floor_share=D(0), low=D("0.2"), high=D("0.8")) == D("0.00")
    assert rules.banded_score(D("60"), VALUES, W, floor_share=D(0), low=D("0.2"), high=D("0.8")) == D("10.00")
    assert rules.band_bounds(VALUES, low=D("0.2"), high=D("0.8")) == (D("30"), D("90"))


def test_banded_ties_at_the_percentile_bounds():
    tied = [D(50)] * 5 + [D(90)] * 5  # P10 = 50 (a tie), P90 = 90 (a tie)
    assert rules.band_bounds(tied) == (D("50"), D("90"))
    assert rules.banded_score(D("50"), tied, W) == D("12.00")  # every one of the tied low: the floor
    assert rules.banded_score(D("90"), tied, W) == D("20.00")  # every one of the tied high: full
    assert rules.banded_score(D("70"), tied + [D(70)], W) < D("20.00")
    # everyone tied: the bounds meet, nobody is below anyone: full marks, no division by zero
    assert rules.banded_score(D("50"), [D(50)] * 4, W) == D("20.00")


def test_banded_lower_is_better_mirrors():
    assert rules.band_bounds(VALUES, lower_is_better=True) == (D("100"), D("20"))  # the worse bound first
    assert rules.banded_score(D("20"), VALUES, W, lower_is_better=True) == D("20.00")
    assert rules.banded_score(D("100"), VALUES, W, lower_is_better=True) == D("12.00")
    assert rules.banded_score(D("60"), VALUES, W, lower_is_better=True) == D("16.00")


@pytest.mark.parametrize("low, high", [(D("0.9"), D("0.1")), (D("0.5"), D("0.5")), (D("-0.1"), D("0.9")), (D("0.1"), D("1.1"))])
def test_percentile_bounds_out_of_order_are_refused(low, high):
    with pytest.raises(ValueError):
        rules.banded_score(D(50), VALUES, W, low=low, high=high)


# --- yes/no judged ---------------------------------------------------------------------------------


def test_judged_yes_no():
    assert rules.yes_no_score(True, D("5")) == D("5.00")
    assert rules.yes_no_score(False, D("5")) == D("0.00")
    assert rules.yes_no_score(None, D("5")) == D("0.00")  # not judged: nothing


# --- bonuses and deductions with caps ------------------------------------------------------------


def test_caps_per_item_then_per_prefecture():
    entries = [(1, D("2")), (1, D("2")), (2, D("1.5"))]  # item 1 capped at 3, item 2 at 2
    assert rules.capped_adjustments(entries, item_caps={1: D(3), 2: D(2)}, region_cap=None) == D("4.5")
    assert rules.capped_adjustments(entries, item_caps={1: D(3), 2: D(2)}, region_cap=D(4)) == D("4")
    assert rules.capped_adjustments(entries, item_caps={}, region_cap=None) == D("5.5")  # no caps
    assert rules.capped_adjustments([], item_caps={}, region_cap=D(4)) == D("0")
    assert rules.capped_adjustments([(1, D(2))], item_caps={1: D(0)}, region_cap=None) == D("0")  # cap 0


# --- grades with a veto ---------------------------------------------------------------------------

CUTS = {"excellent": D(90), "good": D(80), "passing": D(60)}


@pytest.mark.parametrize(
    "total, expected",
    [(D("90"), "excellent"), (D("100"), "excellent"), (D("89.99"), "good"), (D("80"), "good"), (D("60"), "pass"),
     (D("59.99"), "fail"), (D("0"), "fail"), (D("-3"), "fail")],
)
def test_grades_at_their_cut_offs(total, expected):
    assert rules.grade(total, **CUTS) == expected


def test_a_veto_caps_the_grade_whatever_the_points():
    assert rules.grade(D("99"), **CUTS, cap="good") == "good"
    assert rules.grade(D("99"), **CUTS, cap="fail") == "fail"
    assert rules.grade(D("70"), **CUTS, cap="good") == "pass"  # a cap never raises a grade


def test_cut_offs_out_of_order_are_refused():
    with pytest.raises(ValueError):
        rules.grade(D(50), excellent=D(80), good=D(90), passing=D(60))


# --- sampling ------------------------------------------------------------------------------------


def test_draws_are_reproducible_from_their_seed():
    keys = list(range(1, 41))
    first = rules.draw_sample(keys, 5, seed=20240501)
    assert first == rules.draw_sample(list(reversed(keys)), 5, seed=20240501)  # the order given does not matter
    assert len(set(first)) == 5 and set(first) <= set(keys)
    assert any(rules.draw_sample(keys, 5, seed=seed) != first for seed in range(1, 5))
    with pytest.raises(ValueError):
        rules.draw_sample(keys, 41, seed=1)
    assert rules.minimum_assessed(17) == 6 and rules.minimum_assessed(3) == 1 and rules.minimum_assessed(0) == 0


# --- parameters as text ---------------------------------------------------------------------------


def test_parameters_read_and_write_back():
    parsed = params.parse("参考值=90；分档=90:1, 80:50%; 下限分位=20; 上限分位=80; 保底=0.5; 最高等级=良好")
    assert parsed == {
        "reference": D(90), "steps": [(D(90), D(1)), (D(80), D("0.5"))], "low": D(20), "high": D(80),
        "floor": D("0.5"), "grade": "good",
    }
    assert params.parse(params.text(parsed)) == parsed
    assert params.loaded(params.stored(parsed)) == parsed
    assert params.parse("bar=85") == {"bar": D(85)}


@pytest.mark.parametrize("text", ["参考值=abc", "颜色=红", "分档=90", "分档=90:1,90:0.5", "最高等级=特优"])
def test_bad_parameters_say_what_is_wrong_in_chinese(text):
    with translation.override("zh-hans"), pytest.raises(ValueError) as caught:
        params.parse(text)
    assert str(caught.value)
