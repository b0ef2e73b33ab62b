"""A demo assessment for ``seed_demo`` (issues 11 and 19): the province plan's 2024 assessment of its
prefectures, built through the services, with every rule type, a self-assessment, two prefectures
sampled on site (one discrepancy, answered once by the prefecture), a veto, bonuses and deductions;
signed off (version 1). Then a data correction and a re-run: version 2, computed from today's data,
lists its differences from the frozen version 1 and is left for a visitor to sign off.

Idempotent: an existing scheme of the year is left as it is.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal

from django.core.exceptions import ValidationError

from assessment import services, verification
from assessment.models import AssessmentScheme, SampledItem, SchemeItem
from assessment.selectors import assessed_prefectures
from indicators.models import IndicatorValue
from tasks.models import Plan, RegionStaff

RULES = [  # (rule, parameters as text: {target} is the province's target of the year)
    (SchemeItem.Rule.TARGET, ""),
    (SchemeItem.Rule.PROPORTIONAL, ""),
    (SchemeItem.Rule.THRESHOLD, "达标值={target}"),
    (SchemeItem.Rule.STEPPED, "分档={target}:1,{lower}:0.5"),
    (SchemeItem.Rule.BANDED, "下限分位=10; 上限分位=90; 保底=0.6"),
]


def _weights(total: Decimal, count: int) -> list[Decimal]:
    each = (total / count).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    return [each] * (count - 1) + [total - each * (count - 1)]


def _target(indicator, year: int) -> Decimal | None:
    found = indicator.annual_targets.filter(year=year).values_list("value", flat=True).first()
    return found if found is not None else indicator.target_value


def _prefecture_user(region, fallback):
    staff = RegionStaff.objects.filter(region=region).select_related("user").first()
    return staff.user if staff else fallback


def seed_demo_assessment(plan: Plan, user, *, year: int = 2024, sign_off: bool = True) -> AssessmentScheme:
    """Version 1 of ``year``'s assessment, signed off, and its re-run (version 2) after a correction.
    ``sign_off`` also signs version 2 off (the demo leaves it computed for a visitor)."""
    found = AssessmentScheme.objects.filter(plan=plan, year=year, version=1).first()
    if found is not None:
        return found
    scheme = services.scheme_create(plan=plan, year=year, title=f"{year}年度市州精神卫生工作考核", user=user)
    numeric = [i for i in plan.indicators.order_by("position", "pk") if i.is_numeric and i.target_value is not None and i.unit_kind != "yes_no"]
    yes_no = [i for i in plan.indicators.order_by("position", "pk") if i.unit_kind == "yes_no"][:1]
    indicator_points = Decimal(60) - (Decimal(5) if yes_no else 0)
    for index, (indicator, weight) in enumerate(zip(numeric, _weights(indicator_points, len(numeric)) if numeric else [], strict=True)):
        rule, params = RULES[index % len(RULES)] if len(numeric) > 1 else RULES[0]
        target = _target(indicator, year)
        if "{target}" in params and target is None:
            rule, params = SchemeItem.Rule.TARGET, ""
        lower = target * (Decimal("1.1") if indicator.lower_is_better else Decimal("0.9")) if target is not None else None
        params = params.format(target=f"{target:f}" if target is not None else "", lower=f"{lower.quantize(Decimal('0.01')):f}" if lower is not None else "")
        services.item_add(
            scheme=scheme, kind=SchemeItem.Kind.INDICATOR, indicator=indicator, weight=weight, rule=rule, params=params,
            source="省精神卫生信息系统", user=user,
        )
    for indicator in yes_no:
        services.item_add(scheme=scheme, kind=SchemeItem.Kind.INDICATOR, indicator=indicator, weight=5, rule=SchemeItem.Rule.YES_NO, user=user)
    shares = Decimal(40) if numeric else Decimal(100)
    services.item_add(scheme=scheme, kind=SchemeItem.Kind.TASK_COMPLETION, weight=shares - 25, rule=SchemeItem.Rule.PROPORTIONAL, user=user, source="重点任务进度报告")
    services.item_add(scheme=scheme, kind=SchemeItem.Kind.TIMELINESS, weight=10, rule=SchemeItem.Rule.THRESHOLD, params="达标值=90", user=user)
    services.item_add(scheme=scheme, kind=SchemeItem.Kind.NOTICES_ON_TIME, weight=5, rule=SchemeItem.Rule.STEPPED, params="分档=100:1,80:0.5", user=user)
    judged = services.item_add(scheme=scheme, kind=SchemeItem.Kind.OTHER, title="建立精神卫生综合管理协调机制", weight=10, rule=SchemeItem.Rule.JUDGED, source="现场查阅文件", user=user)
    bonus = services.item_add(scheme=scheme, kind=SchemeItem.Kind.OTHER, title="创新工作加分", weight=3, rule=SchemeItem.Rule.BONUS, user=user)
    minus = services.item_add(scheme=scheme, kind=SchemeItem.Kind.OTHER, title="工作失误扣分", weight=5, rule=SchemeItem.Rule.DEDUCTION, user=user)
    veto = services.item_add(scheme=scheme, kind=SchemeItem.Kind.OTHER, title="发生严重精神障碍患者肇事肇祸重大案（事）件", weight=0, rule=SchemeItem.Rule.VETO, params="最高等级=合格", user=user)
    scheme = services.scheme_settings(scheme=scheme, bonus_cap="5", deduction_cap="10", discrepancy_points="1", user=user)

    regions = list(assessed_prefectures(scheme))
    counted = [item for item in scheme.items.all() if item.in_total]
    for index, region in enumerate(regions):
        own = _prefecture_user(region, user)
        services.self_score(  # prefectures rate themselves a little generously
            scheme=scheme, region=region, user=own,
            scores={item: (item.weight * Decimal("0.95")).quantize(Decimal("0.01")) for item in counted},
        )
        services.judge(scheme=scheme, item=judged, region=region, met=index % 5 != 2, note="现场查阅联席会议纪要", user=user)
    if regions:
        services.bonus_add(scheme=scheme, item=bonus, region=regions[0], points="2", reason="获评国家级精神卫生综合管理试点", user=user)
        services.bonus_add(scheme=scheme, item=minus, region=regions[-1], points="2", reason="季度报告两次迟报", user=user)
    if len(regions) > 1:
        services.veto_add(
            scheme=scheme, item=veto, region=regions[1], incident="2024年8月发生一起严重精神障碍患者肇事肇祸案件，造成人员伤亡",
            user=user,
        )
    scheme = services.compute(scheme=scheme, user=user)
    discrepancy = None
    for index, region in enumerate(regions[:2]):  # two prefectures sampled on site
        sample = None
        for reports_each, files_each in ((2, 1), (2, 0), (1, 0)):
            try:
                sample = verification.draw(scheme=scheme, region=region, reports_each=reports_each, files_each=files_each, seed=20240 + index, user=user)
                break
            except ValidationError:
                continue
        if sample is None:
            continue
        for sampled in sample.items.order_by("source", "pk"):
            if discrepancy is None and sampled.source == SampledItem.Source.VALUE and sampled.reported_value:
                corrected = (sampled.reported_value * Decimal("0.9")).quantize(Decimal("0.01"))
                discrepancy = verification.check(
                    sampled=sampled, status=SampledItem.Status.DISCREPANCY, corrected_value=corrected,
                    note="现场抽查患者档案，部分随访记录缺失，核实值低于上报值", user=user,
                )
                verification.respond(sampled=discrepancy, response="缺失记录系乡镇卫生院未及时录入，已督促补录", user=_prefecture_user(region, user))
            else:
                verification.check(sampled=sampled, status=SampledItem.Status.CONFIRMED, note="与台账一致", user=user)
    scheme = services.compute(scheme=scheme, user=user)
    scheme = services.sign_off(scheme=scheme, user=user)

    # 2025: a prefecture corrects its 2024 figure of the first indicator item; the re-run shows it.
    first = next((item for item in counted if item.kind == SchemeItem.Kind.INDICATOR), None)
    if first is not None and len(regions) > 2:
        value = IndicatorValue.objects.filter(
            indicator__parent=first.indicator, region=regions[2], year=year, period_code=str(year)
        ).first()
        if value is not None and value.value is not None:
            value.value = (value.value * Decimal("1.08")).quantize(Decimal("0.01"))
            value.save(update_fields=["value"])
    rerun = services.rerun(scheme=scheme, user=user)
    if sign_off:
        services.sign_off(scheme=rerun, user=user)
    return scheme
