"""A demo assessment for ``seed_demo`` (issue 11, part 8): the province plan's 2024 assessment of
its prefectures, built and computed through the services. Idempotent: an existing scheme of the
year is left as it is."""

from __future__ import annotations

from decimal import Decimal

from assessment import services
from assessment.models import AssessmentScheme, SchemeItem
from tasks.models import Plan


def seed_demo_assessment(plan: Plan, user, *, year: int = 2024, sign_off: bool = True) -> AssessmentScheme:
    """Numeric indicators share 60 points (target rule, the last one banded), task completion 20,
    timeliness 10, notices answered on time 10; computed, and signed off when ``sign_off``."""
    found = AssessmentScheme.objects.filter(plan=plan, year=year).first()
    if found is not None:
        return found
    scheme = services.scheme_create(plan=plan, year=year, title=f"{year}年度市州精神卫生工作考核", user=user)
    indicators = [i for i in plan.indicators.order_by("position", "pk") if i.is_numeric and i.target_value is not None]
    shares = [
        (SchemeItem.Kind.TASK_COMPLETION, Decimal(20), SchemeItem.Rule.PROPORTIONAL),
        (SchemeItem.Kind.TIMELINESS, Decimal(10), SchemeItem.Rule.PROPORTIONAL),
        (SchemeItem.Kind.NOTICES_ON_TIME, Decimal(10), SchemeItem.Rule.PROPORTIONAL),
    ]
    if not indicators:
        shares[0] = (SchemeItem.Kind.TASK_COMPLETION, Decimal(80), SchemeItem.Rule.PROPORTIONAL)
    each = (Decimal(60) / len(indicators)).quantize(Decimal("0.01"), rounding="ROUND_DOWN") if indicators else Decimal(0)
    for index, indicator in enumerate(indicators):
        last = index == len(indicators) - 1
        weight = Decimal(60) - each * (len(indicators) - 1) if last else each
        rule = SchemeItem.Rule.BANDED if last and len(indicators) > 1 else SchemeItem.Rule.TARGET
        services.item_add(scheme=scheme, kind=SchemeItem.Kind.INDICATOR, indicator=indicator, weight=weight, rule=rule, user=user)
    for kind, weight, rule in shares:
        services.item_add(scheme=scheme, kind=kind, weight=weight, rule=rule, user=user)
    scheme = services.compute(scheme=scheme, user=user)
    if sign_off:
        scheme = services.sign_off(scheme=scheme, user=user)
    return scheme
