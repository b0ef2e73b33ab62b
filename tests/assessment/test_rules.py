"""The maths of each scoring rule (no database)."""

from decimal import Decimal as D

import pytest

from assessment import rules


@pytest.mark.parametrize(
    "value, target, expected",
    [
        (D("80"), D("80"), D("20.00")),  # met: full marks
        (D("95"), D("80"), D("20.00")),  # above: capped at the weight
        (D("60"), D("80"), D("15.00")),  # 60/80 × 20
        (D("0"), D("80"), D("0.00")),
        (None, D("80"), D("0.00")),  # no value, no points
        (D("50"), None, D("0.00")),  # no target, no points
    ],
)
def test_target_rule_full_marks_when_met_linear_below(value, target, expected):
    assert rules.target_score(value, target, D("20")) == expected


def test_target_rule_mirrors_for_lower_is_better():
    # ≤ 5 (e.g. 肇事肇祸率): 5 or less is full marks; 10 earns 5/10 of the points
    assert rules.target_score(D("4"), D("5"), D("10"), lower_is_better=True) == D("10.00")
    assert rules.target_score(D("10"), D("5"), D("10"), lower_is_better=True) == D("5.00")


def test_proportional_rule_is_capped():
    assert rules.proportional_score(D("45"), D("90"), D("30")) == D("15.00")
    assert rules.proportional_score(D("120"), D("90"), D("30")) == D("30.00")


def test_percentile_interpolates():
    values = [D(v) for v in (10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110)]
    assert rules.percentile(values, D("0.1")) == D("20")
    assert rules.percentile(values, D("0.9")) == D("100")
    assert rules.percentile([D(1), D(2)], D("0.5")) == D("1.5")


def test_banded_rule_floor_full_and_linear_between():
    values = [D(v) for v in (10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110)]  # p10 = 20, p90 = 100
    weight = D("10")
    assert rules.banded_score(D("10"), values, weight, floor_share=D("0.6")) == D("6.00")  # below p10: the floor
    assert rules.banded_score(D("110"), values, weight, floor_share=D("0.6")) == D("10.00")  # above p90: full
    assert rules.banded_score(D("60"), values, weight, floor_share=D("0.6")) == D("8.00")  # halfway: 0.6 + 0.4 × ½
    assert rules.banded_score(D("10"), values, weight, floor_share=D("0")) == D("0.00")  # floor configurable
    assert rules.banded_score(None, values, weight) == D("0.00")


def test_banded_rule_mirrors_for_lower_is_better():
    values = [D(v) for v in (10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110)]
    assert rules.banded_score(D("10"), values, D("10"), lower_is_better=True) == D("10.00")
    assert rules.banded_score(D("110"), values, D("10"), lower_is_better=True) == D("6.00")


def test_banded_rule_everyone_equal_gets_full_marks():
    assert rules.banded_score(D("5"), [D("5")] * 3, D("10")) == D("10.00")


def test_yes_no_rule():
    assert rules.yes_no_score(True, D("5")) == D("5.00")
    assert rules.yes_no_score(False, D("5")) == D("0.00")
    assert rules.yes_no_score(None, D("5")) == D("0.00")
    assert rules.reaches(D("1"), D("1")) is True
    assert rules.reaches(D("3"), D("2"), lower_is_better=True) is False


def test_competition_ranking_shares_ranks():
    assert rules.competition_ranks([D(90), D(85), D(85), D(70)]) == [1, 2, 2, 4]
    assert rules.competition_ranks([D(50), D(50), D(50)]) == [1, 1, 1]
    assert rules.competition_ranks([]) == []
