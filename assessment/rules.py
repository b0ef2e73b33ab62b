"""The scoring rules of an assessment item: pure maths on Decimals (no database).

Every rule returns points between 0 and the item's weight, rounded to 0.01:

- **target** (达标得满分，未达标按比例): full marks when the value reaches the target, linear below it:
  value ÷ target × weight (for a "≤" indicator the mirror, target ÷ value × weight);
- **proportional** (按比例计分，封顶): the same formula against one reference value for every
  prefecture (the province's target, or 100 % for shares), capped at the weight;
- **banded** (分段计分): against the other prefectures: at or below the 10th percentile a floor share
  of the weight, at or above the 90th full marks, linear between (the mirror for "≤");
- **yes/no** (是否达标): full marks when met, nothing otherwise (a strict > or < target is not met
  by the bar itself).

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


def banded_score(value, values: Sequence, weight, *, floor_share=Decimal("0.6"), lower_is_better=False) -> Decimal:
    """Below the 10th percentile of ``values`` (every prefecture's value) the floor share, above the
    90th full marks, linear between. All prefectures equal: full marks."""
    present = [Decimal(v) for v in values if v is not None]
    if value is None or not present:
        return ZERO.quantize(CENT)
    floor_share = Decimal(floor_share)
    if lower_is_better:  # the mirror: negate, so that "higher is better" again
        present = [-v for v in present]
        value = -value
    low, high = percentile(present, P10), percentile(present, P90)
    if value >= high:
        return points(ONE, weight)
    if value <= low:
        return points(floor_share, weight)
    return points(floor_share + (ONE - floor_share) * (value - low) / (high - low), weight)


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
