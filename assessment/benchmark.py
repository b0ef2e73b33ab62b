"""The benchmark's assessment scheme (bench/province.py measures its computation and export)."""

from __future__ import annotations

from decimal import Decimal

from assessment import services
from assessment.models import AssessmentScheme, SchemeItem
from tasks.models import Plan


def bench_scheme(plan: Plan, year: int, user) -> AssessmentScheme:
    """The plan's scheme of ``year``, or a new one: every numeric indicator (target rule) and the
    three shares, the 100 points spread evenly."""
    scheme = AssessmentScheme.objects.filter(plan=plan, year=year).first()
    if scheme is not None:
        return scheme
    scheme = services.scheme_create(plan=plan, year=year, title=f"{year}年度市州考核（基准）", user=user)
    indicators = [i for i in plan.indicators.order_by("position", "pk") if i.is_numeric]
    kinds = [(SchemeItem.Kind.INDICATOR, i) for i in indicators] + [(k, None) for k in services.SHARE_KINDS]
    share = (Decimal(100) / len(kinds)).quantize(Decimal("0.01"), rounding="ROUND_DOWN")
    for index, (kind, indicator) in enumerate(kinds):
        weight = share if index < len(kinds) - 1 else Decimal(100) - share * (len(kinds) - 1)
        rule = SchemeItem.Rule.BANDED if index % 2 else SchemeItem.Rule.TARGET
        services.item_add(scheme=scheme, kind=kind, indicator=indicator, weight=weight, rule=rule, user=user)
    return scheme
