"""The scoring rules of an assessment item: pure maths on Decimals (no database).

Every rule returns points between 0 and the item's weight, rounded to 0.01:

- **target** (达标得满分，未达标按比例): full marks when the value reaches the target, linear below it:
  value ÷ target × weight (for a "≤" indicator the mirror, target ÷ value × weight);
- **proportional** (按比例计分，封顶): the same formula against one reference value for every
  prefecture (the province's target, or 100 % for shares), capped at the weight;
- **banded** (分段计分): against the other prefectures: at or below the 10th percentile a floor share
  of the weight, at or above the 90th full marks, linear between (the mirror for "≤");
- **yes/no** (是否达标): full marks when met, nothing otherwise (a strict > or < target is not met
  by the bar itself);
- **threshold** (达标计分): full marks when the value reaches a bar set on the item, 0 otherwise;
- **stepped** (分档计分): the share of the highest step reached, e.g. ≥ 90 full, ≥ 80 half;
- **banded** takes its percentiles (default 10th and 90th) and floor share as parameters.

Grades (优秀/良好/合格/不合格) come from the total and the scheme's cut-offs; a veto (一票否决) caps
the grade whatever the points. Bonuses and deductions are capped per item and per prefecture.

"≤" means lower is better: ``Indicator.lower_is_better`` (≤ and < targets, and ≥ targets of a ratio
1:N, stored as N: "≥1:4000" is met by 1:3000).

A missing value earns no points.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

ZERO, ONE = Decimal(0), Decimal(1)
CENT = Decimal("0.01")


def points(share: Decimal, weight: Decimal) -> Decimal:
    """``share`` (clamped to 0–1) of ``weight``, rounded half up to 0.01."""
    share = min(max(share, ZERO), ONE)
    return (share * weight).quantize(CENT, rounding=ROUND_HALF_UP)


def ratio_to(value: Decimal | None, bar: Decimal | None, *, lower_is_better: bool = False) -> Decimal:
    """How far ``value`` has got to ``bar`` (1 = reached), for "≥" or (mirrored) "≤" comparisons."""
    if value is None or bar is None:
        return ZERO
    if lower_is_better:
        if value <= bar:
            return ONE
        return ZERO if value <= 0 else (bar / value if bar > 0 else ZERO)
    if value >= bar:
        return ONE
    return ZERO if bar <= 0 else value / bar


def target_score(value, target, weight, *, lower_is_better: bool = False) -> Decimal:
    """Full marks when the target is met, linear below it."""
    return points(ratio_to(value, target, lower_is_better=lower_is_better), weight)


def proportional_score(value, reference, weight, *, lower_is_better: bool = False) -> Decimal:
    """value ÷ reference × weight, at most the weight."""
    return points(ratio_to(value, reference, lower_is_better=lower_is_better), weight)


def percentile(values: Sequence[Decimal], fraction: Decimal) -> Decimal:
    """The ``fraction`` percentile by linear interpolation between the closest ranks."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("no values")
    position = (len(ordered) - 1) * Decimal(fraction)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


P10, P90 = Decimal("0.1"), Decimal("0.9")


def band_bounds(values: Sequence, *, low=P10, high=P90, lower_is_better: bool = False) -> tuple[Decimal, Decimal] | None:
    """The two percentiles of ``values`` (missing values left out) that bound the band, as values of
    the indicator: for "≤" the low bound is the *larger* number (the worse one). None: no value."""
    present = [Decimal(v) for v in values if v is not None]
    if not present:
        return None
    if lower_is_better:
        present = [-v for v in present]
    bounds = percentile(present, Decimal(low)), percentile(present, Decimal(high))
    return (-bounds[0], -bounds[1]) if lower_is_better else bounds


def banded_score(
    value, values: Sequence, weight, *, floor_share=Decimal("0.6"), low=P10, high=P90, lower_is_better=False
) -> Decimal:
    """At or below the ``low`` percentile of ``values`` (every prefecture's value) the floor share,
    at or above the ``high`` percentile full marks, linear between. All prefectures equal (or tied
    at both bounds): full marks. A missing value: nothing."""
    check_percentiles(low, high)
    bounds = band_bounds(values, low=low, high=high, lower_is_better=lower_is_better)
    if value is None or bounds is None:
        return ZERO.quantize(CENT)
    floor_share = Decimal(floor_share)
    bottom, top = bounds
    if lower_is_better:  # the mirror: negate, so that "higher is better" again
        value, bottom, top = -value, -bottom, -top
    if value >= top:
        return points(ONE, weight)
    if value <= bottom:
        return points(floor_share, weight)
    return points(floor_share + (ONE - floor_share) * (value - bottom) / (top - bottom), weight)


def check_percentiles(low, high) -> None:
    """Percentile bounds lie in 0–1 with the low one below the high one (ValueError otherwise)."""
    low, high = Decimal(low), Decimal(high)
    if not (ZERO <= low < high <= ONE):
        raise ValueError("percentile bounds out of order")


def threshold_score(value, bar, weight, *, lower_is_better: bool = False, strict: bool = False) -> Decimal:
    """Full marks when ``value`` reaches ``bar`` (at the bar itself too, unless ``strict``), else 0."""
    return yes_no_score(reaches(value, bar, lower_is_better=lower_is_better, strict=strict), weight)


def stepped_score(value, steps: Sequence[tuple], weight, *, lower_is_better: bool = False) -> Decimal:
    """``steps`` are (bar, share) pairs: the share of the best step ``value`` reaches (at the bar
    itself too); none reached or no value: 0. E.g. [(90, 1), (80, 0.5)]: 85 → half the points."""
    check_steps(steps)
    if value is None:
        return ZERO.quantize(CENT)
    reached = [Decimal(share) for bar, share in steps if reaches(value, Decimal(bar), lower_is_better=lower_is_better)]
    return points(max(reached, default=ZERO), weight)


def check_steps(steps: Sequence[tuple]) -> None:
    """At least one step; every share in 0–1; no bar twice (ValueError otherwise)."""
    if not steps:
        raise ValueError("no steps")
    bars = [Decimal(bar) for bar, _share in steps]
    if len(set(bars)) != len(bars):
        raise ValueError("a bar twice")
    for _bar, share in steps:
        if not ZERO <= Decimal(share) <= ONE:
            raise ValueError("share out of 0-1")


# --- bonuses, deductions, grades -----------------------------------------------------------


def capped(total: Decimal, cap: Decimal | None) -> Decimal:
    """``total`` (≥ 0) at most ``cap``; no cap: as it is."""
    return total if cap is None else min(total, Decimal(cap))


def capped_adjustments(entries: Sequence[tuple], *, item_caps: dict, region_cap: Decimal | None) -> Decimal:
    """The points of a prefecture's bonuses (or of its deductions, as positive numbers): ``entries``
    are (item key, points); each item's sum is capped by ``item_caps[key]`` (missing or None: no
    cap), then the whole by ``region_cap``."""
    per_item: dict = {}
    for key, value in entries:
        per_item[key] = per_item.get(key, ZERO) + Decimal(value)
    total = sum((capped(value, item_caps.get(key)) for key, value in per_item.items()), ZERO)
    return capped(total, region_cap)


EXCELLENT, GOOD, PASS, FAIL = "excellent", "good", "pass", "fail"
GRADES = (EXCELLENT, GOOD, PASS, FAIL)  # best first


def grade(total: Decimal, *, excellent: Decimal, good: Decimal, passing: Decimal, cap: str | None = None) -> str:
    """The grade of ``total`` (at a cut-off itself: that grade), never better than ``cap`` (a veto)."""
    check_cutoffs(excellent, good, passing)
    if total >= excellent:
        found = EXCELLENT
    elif total >= good:
        found = GOOD
    elif total >= passing:
        found = PASS
    else:
        found = FAIL
    if cap is not None and GRADES.index(cap) > GRADES.index(found):
        return cap
    return found


def check_cutoffs(excellent, good, passing) -> None:
    if not Decimal(excellent) > Decimal(good) > Decimal(passing) >= ZERO:
        raise ValueError("cut-offs out of order")


def yes_no_score(met: bool | None, weight) -> Decimal:
    return points(ONE if met else ZERO, weight)


def reaches(value, bar, *, lower_is_better: bool = False, strict: bool = False) -> bool | None:
    """Whether ``value`` meets ``bar``; ``strict`` for > and < targets (the bar itself does not meet
    "＞50%"). The linear rules above are continuous at the bar, so strictness changes only this one."""
    if value is None or bar is None:
        return None
    if strict:
        return value < bar if lower_is_better else value > bar
    return value <= bar if lower_is_better else value >= bar


def competition_ranks(totals: Sequence[Decimal]) -> list[int]:
    """Standard competition ranking of ``totals`` sorted best first: equal totals share a rank and
    the next rank skips (1, 2, 2, 4)."""
    ranks: list[int] = []
    for index, total in enumerate(totals):
        if index and total == totals[index - 1]:
            ranks.append(ranks[-1])
        else:
            ranks.append(index + 1)
    return ranks


def points_text(value: Decimal) -> str:
    """100.00 → "100", 33.30 → "33.3" (never "1E+2")."""
    text = f"{Decimal(value).quantize(CENT):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


# --- sampling ------------------------------------------------------------------------------


def draw_sample(keys: Sequence, count: int, seed: int) -> list:
    """``count`` of ``keys`` drawn at random from ``seed``: the same keys and seed always draw the
    same sample (the keys are sorted first, so the order they come in does not matter)."""
    ordered = sorted(keys)
    if count > len(ordered):
        raise ValueError("more than there are")
    import random

    return sorted(random.Random(seed).sample(ordered, count))


def minimum_assessed(prefectures: int) -> int:
    """The national rule: at least a third of the prefectures each year (rounded up)."""
    return -(-prefectures // 3)
