"""Demo indicators taken from real mental-health plans, with values reported through the services.

``seed_demo_indicators(plan)`` is idempotent: it does nothing once the plan has indicators.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction

from accounts.models import User
from indicators import services
from indicators.models import AnnualIndicatorTarget, Indicator, IndicatorValue
from tasks.models import Department, Membership, Plan

TZ = datetime.timezone(datetime.timedelta(hours=8))
D = Decimal
# code, name, definition, unit kind, unit label, baseline, target, comparison, nature, department code,
# annual targets 2021–2025, approved values 2021–2024, source
INDICATORS = [
    ("1", "严重精神障碍患者规范管理率", "规范管理的在册严重精神障碍患者数 ÷ 在册患者总数 × 100%", "percent", "%", D("75"), D("80"), "gte", "binding", "wsjkw",
     [76, 77, 78, 79, 80], [D("76.5"), D("77.8"), D("78.4"), D("78.6")], "严重精神障碍信息系统年报"),
    ("2", "精神科执业（助理）医师数", "精神科执业（助理）医师人数 ÷ 常住人口数 × 10万", "per_100k", "名/10万人口", D("3.1"), D("3.8"), "gte", "expected", "wsjkw",
     [D("3.2"), D("3.4"), D("3.5"), D("3.7"), D("3.8")], [D("3.25"), D("3.42"), D("3.61"), D("3.72")], "卫生健康统计年鉴"),
    ("3", "在册严重精神障碍患者报告患病率", "在册严重精神障碍患者数 ÷ 常住人口数 × 1000‰", "per_mille", "‰", D("4.1"), D("4.5"), "gte", "expected", "wsjkw",
     [D("4.2"), D("4.3"), D("4.4"), D("4.5"), D("4.5")], [D("4.22"), D("4.35"), D("4.41"), D("4.52")], "严重精神障碍信息系统年报"),
    ("4", "登记在册精神分裂症患者服药率", "规律或间断服药的在册精神分裂症患者数 ÷ 在册精神分裂症患者数 × 100%", "percent", "%", D("70"), D("80"), "gte", "binding", "wsjkw",
     [72, 74, 76, 78, 80], [D("72.3"), D("74.6"), D("76.9"), D("78.8")], "严重精神障碍信息系统年报"),
    ("5", "社区康复服务覆盖率（区县）", "开展精神障碍社区康复服务的区县数 ÷ 区县总数 × 100%", "percent", "%", D("60"), D("85"), "gte", "expected", "mzj",
     [65, 70, 75, 80, 85], [D("66.7"), D("66.7"), D("77.8"), D("77.8")], "民政部门统计"),
    ("6", "学校心理健康教育课程开设率", "开设心理健康教育课程的中小学校数 ÷ 中小学校总数 × 100%", "percent", "%", D("92"), D("100"), "eq", "expected", "jyj",
     [94, 96, 98, 100, 100], [D("94.5"), D("96.8"), D("98.2"), D("99.1")], "教育事业统计"),
    ("7", "严重精神障碍患者失访率", "失访的在册严重精神障碍患者数 ÷ 在册患者总数 × 100%", "percent", "%", D("8"), D("5"), "lte", "binding", "wsjkw",
     [D("7.5"), D("7"), D("6.5"), D("6"), D("5")], [D("7.4"), D("6.9"), D("6.2"), D("5.6")], "严重精神障碍信息系统年报"),
    ("8", "建立精神卫生工作联席会议制度", "市政府建立由分管领导牵头、相关部门参加的精神卫生工作联席会议制度并定期召开会议", "yes_no", "是/否", D("0"), D("1"), "eq", "expected", "wsjkw",
     [1, 1, 1, 1, 1], [D("1"), D("1"), D("1"), D("1")], "市政府办公室文件"),
]
CLAUSE = "示范市精神卫生“十四五”规划 · 二、主要目标（主要指标）"


def _liaison(department: Department) -> User | None:
    membership = (
        Membership.objects.filter(department=department, role=Membership.Role.LIAISON, is_active=True, user__is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership else None


def _supervisor() -> User | None:
    from supervision.notices import supervisors

    return next(iter(supervisors()), None)


def seed_demo_indicators(plan: Plan) -> dict[str, int]:
    """6–8 indicators with baselines (2020), annual targets 2021–2025, approved values 2021–2024,
    one 2025 value awaiting review and one returned. Does nothing once the plan has indicators."""
    if plan.indicators.exists():
        return {}
    departments = {d.code: d for d in Department.objects.filter(region=plan.region)}
    supervisor = _supervisor()
    counts = {"indicators": 0, "values": 0}
    with transaction.atomic():
        for position, (code, name, definition, kind, label, base, target, comparison, nature, dept, annual, values, source) in enumerate(
            INDICATORS, start=1
        ):
            department = departments.get(dept) or departments.get("wsjkw")
            if department is None:
                continue
            indicator = Indicator.objects.create(
                plan=plan, code=code, name=name, definition=definition, unit_kind=kind, unit_label=label,
                baseline_value=base, baseline_year=2020, target_value=target, comparison=comparison,
                target_year=plan.end_year, nature=nature, department=department, source_clause=CLAUSE, position=position,
            )
            AnnualIndicatorTarget.objects.bulk_create(
                [AnnualIndicatorTarget(indicator=indicator, year=plan.start_year + i, value=D(v)) for i, v in enumerate(annual)]
            )
            counts["indicators"] += 1
            liaison = _liaison(department)
            if liaison is None or supervisor is None:
                continue
            for offset, number in enumerate(values):
                year = plan.start_year + offset
                submitted = datetime.datetime(year + 1, 3, 20, 10, tzinfo=TZ) + datetime.timedelta(days=(offset % 3) * 7)  # some late
                record = services.value_save(user=liaison, indicator=indicator, year=year, data={"value": number, "source": source})
                services.value_submit(record=record, user=liaison, at=submitted)
                services.value_approve(record=record, user=supervisor, at=submitted + datetime.timedelta(days=2))
                counts["values"] += 1
            if position in {1, 2}:
                year = plan.end_year
                record = services.value_save(
                    user=liaison, indicator=indicator, year=year, period_code=f"{year}H1",
                    data={"value": D("79.2") if position == 1 else D("3.75"), "source": source + "（半年）"},
                )
                submitted = datetime.datetime(year, 7, 25, 10, tzinfo=TZ)
                services.value_submit(record=record, user=liaison, at=submitted)
                if position == 2:
                    services.value_return(
                        record=record, user=supervisor, at=submitted + datetime.timedelta(days=1),
                        reason="请补充常住人口口径说明及卫生健康统计报表截图后重新报送。",
                    )
                counts["values"] += 1
    return counts


def demo_value_states(plan: Plan) -> dict[str, int]:
    """How many of the plan's values are in each state (for the seed command's summary)."""
    result = {}
    for status in IndicatorValue.Status.values:
        result[status] = IndicatorValue.objects.filter(indicator__plan=plan, status=status).count()
    return result
