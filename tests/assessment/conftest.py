"""A cascaded world for the assessment tests: a province plan (湖北省) cascaded to N prefectures,
each with its child plan, child tasks, child indicators with their own 2024 targets, approved
values, progress reports and notices — built with the factories, no service shortcuts needed.

``world(n)`` returns a ``World``; ``world.value(region, 81.5)`` records an approved 2024 value of
the rate for a prefecture, ``world.report(...)`` / ``world.notice(...)`` add task data.
"""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.utils import timezone

from assessment import services
from assessment.models import SchemeItem
from indicators.models import AnnualIndicatorTarget, Indicator, IndicatorValue
from supervision.models import SupervisionNotice
from tasks.models import KeyTask, Plan, ProgressReport, Region, ReportingPeriod
from tests.factories import (
    DepartmentFactory,
    KeyTaskFactory,
    PlanFactory,
    ProvinceFactory,
    RegionFactory,
    make_supervisor,
)

YEAR = 2024
PREFECTURES = ["武汉市", "黄石市", "十堰市", "宜昌市", "襄阳市", "鄂州市", "荆门市", "孝感市", "荆州市",
               "黄冈市", "咸宁市", "随州市", "恩施州", "仙桃市", "潜江市", "天门市", "神农架林区"]
_numbers = itertools.count(1)


@dataclass
class Prefecture:
    region: Region
    plan: Plan
    department: object
    tasks: list[KeyTask]
    rate: Indicator  # the child of the province's rate


@dataclass
class World:
    province: Region
    plan: Plan
    rate: Indicator  # 规范管理率 ≥, province target 80 in 2024
    tasks: list[KeyTask]
    prefectures: list[Prefecture] = field(default_factory=list)

    def by_name(self, name: str) -> Prefecture:
        return next(p for p in self.prefectures if p.region.name == name)

    def value(self, prefecture: Prefecture, value, *, indicator: Indicator | None = None) -> IndicatorValue:
        indicator = indicator or prefecture.rate
        found, _created = IndicatorValue.objects.update_or_create(
            indicator=indicator, year=YEAR, period_code=str(YEAR), region=prefecture.region,
            defaults={"value": Decimal(str(value)), "status": IndicatorValue.Status.APPROVED, "due_on": datetime.date(2025, 1, 31)},
        )
        return found

    def period(self, plan: Plan, quarter: int) -> ReportingPeriod:
        ends = {1: (3, 31), 2: (6, 30), 3: (9, 30), 4: (12, 31)}[quarter]
        period, _created = ReportingPeriod.objects.get_or_create(
            plan=plan, cadence=KeyTask.Cadence.QUARTERLY, year=YEAR, number=quarter,
            defaults={
                "starts_on": datetime.date(YEAR, ends[0] - 2, 1),
                "ends_on": datetime.date(YEAR, *ends),
                "due_on": datetime.date(YEAR, *ends) + datetime.timedelta(days=10),
                "contribution_due_on": datetime.date(YEAR, *ends) + datetime.timedelta(days=5),
            },
        )
        return period

    def report(self, prefecture: Prefecture, task: KeyTask, quarter: int, *, late=False, submitted=True,
               assessment=ProgressReport.Assessment.ON_TRACK, approved=True) -> ProgressReport:
        period = self.period(prefecture.plan, quarter)
        return ProgressReport.objects.create(
            task=task, period=period, department=prefecture.department, due_on=period.due_on,
            status=ProgressReport.Status.APPROVED if approved else (ProgressReport.Status.SUBMITTED if submitted else ProgressReport.Status.DRAFT),
            submitted_at=timezone.make_aware(datetime.datetime.combine(period.due_on, datetime.time(9))) if submitted else None,
            round=1 if submitted else 0, is_late=late, assessment=assessment,
        )

    def notice(self, prefecture: Prefecture, *, answered_days_late: int | None = 0) -> SupervisionNotice:
        due = datetime.date(YEAR, 6, 30)
        responded = None
        if answered_days_late is not None:
            responded = timezone.make_aware(datetime.datetime.combine(due + datetime.timedelta(days=answered_days_late), datetime.time(15)))
        return SupervisionNotice.objects.create(
            year=YEAR, number=next(_numbers), task=prefecture.tasks[0], department=prefecture.department,
            requirements="限期整改", response_due_on=due, responded_at=responded,
            status=SupervisionNotice.Status.RESPONDED if responded else SupervisionNotice.Status.ISSUED,
        )


def make_indicator(plan, department, *, code, target=Decimal("80"), annual=None, parent=None, **fields) -> Indicator:
    values = {
        "name": "严重精神障碍患者规范管理率", "unit_kind": Indicator.UnitKind.PERCENT, "unit_label": "%",
        "baseline_value": Decimal("70"), "baseline_year": 2020, "target_value": target,
        "comparison": Indicator.Comparison.GTE, "target_year": 2025, "nature": Indicator.Nature.BINDING,
    }
    values.update(fields)
    indicator = Indicator.objects.create(plan=plan, department=department, code=code, parent=parent, **values)
    if annual is not None:
        AnnualIndicatorTarget.objects.create(indicator=indicator, year=YEAR, value=Decimal(str(annual)))
    return indicator


def build_world(n: int, *, targets=None, tasks_per_prefecture: int = 2, suffix: str = "") -> World:
    """A province plan cascaded to ``n`` prefectures (names from PREFECTURES), each with its own 2024
    target of the rate (``targets[i]``, default 80) and ``tasks_per_prefecture`` cascaded tasks."""
    province = ProvinceFactory()
    plan = PlanFactory(region=province, title=f"湖北省精神卫生“十四五”规划{suffix}")
    provincial = DepartmentFactory(region=province, name=f"湖北省卫生健康委员会{suffix}", short_name="省卫生健康委")
    rate = make_indicator(plan, provincial, code="1", annual=80)
    tasks = [KeyTaskFactory(plan=plan, code=str(i + 1)) for i in range(tasks_per_prefecture)]
    world = World(province=province, plan=plan, rate=rate, tasks=tasks)
    for index in range(n):
        region = RegionFactory(parent=province, name=PREFECTURES[index % len(PREFECTURES)] + suffix + ("" if index < len(PREFECTURES) else str(index)))
        child_plan = PlanFactory(region=region, parent=plan, title=f"{region.name}精神卫生规划")
        department = DepartmentFactory(region=region)
        child_tasks = [KeyTaskFactory(plan=child_plan, parent=task, code=task.code) for task in tasks]
        target = (targets or {}).get(index, 80)
        child_rate = make_indicator(child_plan, department, code="1", annual=target, parent=rate)
        world.prefectures.append(Prefecture(region=region, plan=child_plan, department=department, tasks=child_tasks, rate=child_rate))
    return world


@pytest.fixture
def world(db):
    return build_world


@pytest.fixture
def province_supervisor(db):
    return make_supervisor("province-supervisor", region=ProvinceFactory())


def indicator_scheme(world: World, user, *, rule=SchemeItem.Rule.TARGET, weight=100, **item):
    scheme = services.scheme_create(plan=world.plan, year=YEAR, title="2024年度市州考核", user=user)
    services.item_add(scheme=scheme, kind=SchemeItem.Kind.INDICATOR, indicator=world.rate, weight=weight, rule=rule, user=user, **item)
    return scheme
