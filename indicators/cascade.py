"""下达 of indicators: a plan hands chosen indicators down to the regions one level below it.

Each region's copy (``Indicator.parent``) lives in the region's child plan (``tasks.cascade.child_plan``),
is answered by the region's health commission, and starts with the parent's annual targets: those
copies' annual targets are the region's own targets from then on (set per region × year by
``indicators.region_targets``). Values are reported on the copy, for the region; ``indicators.rollup``
brings them back up.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from accounts.models import User
from indicators.models import AnnualIndicatorTarget, Indicator
from tasks.cascade import (
    CascadeResult,
    audit_cascade,
    check_receiving_regions,
    child_plan,
    health_commissions,
)
from tasks.models import Plan, Region

COPIED_FIELDS = (
    "name",
    "definition",
    "unit_kind",
    "unit_label",
    "baseline_value",
    "baseline_year",
    "target_value",
    "target_text",
    "relative_change",
    "comparison",
    "target_year",
    "nature",
    "aggregation",
    "numerator_label",
    "denominator_label",
    "source_clause",
)


@dataclass
class IndicatorCascadeResult(CascadeResult):
    indicators_created: int = 0
    regions: list[Region] = field(default_factory=list)


def check_indicator_cascade(plan: Plan, indicators: list[Indicator], regions: list[Region]) -> list[str]:
    problems = []
    if not indicators:
        problems.append(_("Choose at least one indicator."))
    problems += check_receiving_regions(plan, regions)
    for indicator in indicators:
        if indicator.plan_id != plan.pk:
            problems.append(_("The indicator “%(indicator)s” is not an indicator of this plan.") % {"indicator": indicator})
    commissions = health_commissions(regions)
    for region in regions:
        if region.pk not in commissions:
            problems.append(
                _("%(region)s has no health commission (a supervising department) to answer for the indicators: add it first.")
                % {"region": region}
            )
    twice = (
        Indicator.objects.filter(parent__in=indicators, plan__region__in=regions, plan__parent=plan)
        .select_related("parent", "plan__region")
        .order_by("plan__region__code", "parent__position")
    )
    for copy in twice:
        problems.append(
            _("The indicator “%(indicator)s” has already been cascaded to %(region)s.")
            % {"indicator": copy.parent, "region": copy.plan.region}
        )
    return problems


@transaction.atomic
def cascade_indicators(
    *, plan: Plan, indicators: Iterable[Indicator], regions: Iterable[Region], actor: User | None
) -> IndicatorCascadeResult:
    """Hand ``indicators`` of ``plan`` down to ``regions``, all or nothing."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    indicators = list(
        Indicator.objects.filter(pk__in=[i.pk for i in indicators]).prefetch_related("annual_targets").order_by("position", "pk")
    )
    regions = list(Region.objects.filter(pk__in=[r.pk for r in regions]).order_by("code", "name"))
    problems = check_indicator_cascade(plan, indicators, regions)
    if problems:
        raise ValidationError(problems)
    result = IndicatorCascadeResult(regions=regions)
    commissions = health_commissions(regions)
    for region in regions:
        target = child_plan(plan, region, actor=actor, result=result)
        taken = set(target.indicators.values_list("code", flat=True))
        position = (target.indicators.aggregate(m=Max("position"))["m"] or 0) + 1
        annual = []
        for indicator in indicators:
            code = indicator.code if indicator.code not in taken else f"{indicator.code}-{indicator.pk}"[:20]
            taken.add(code)
            copy = Indicator.objects.create(
                plan=target,
                parent=indicator,
                code=code,
                position=position,
                department=commissions[region.pk],
                **{name: getattr(indicator, name) for name in COPIED_FIELDS},
            )
            position += 1
            result.indicators_created += 1
            annual.extend(
                AnnualIndicatorTarget(indicator=copy, year=t.year, value=t.value, text=t.text)
                for t in indicator.annual_targets.all()
            )
        AnnualIndicatorTarget.objects.bulk_create(annual)
        audit_cascade(plan=plan, child=target, action="cascade_indicators", codes=[i.code for i in indicators], regions=[region], actor=actor)
    audit_cascade(plan=plan, child=None, action="cascade_indicators", codes=[i.code for i in indicators], regions=regions, actor=actor)
    return result
