"""A cascaded province for the province's view (issue 11): ``cascade_world(n_prefectures)``.

A province plan whose key tasks were handed down (下达) to ``n_prefectures`` prefectures, each with
its own plan (``Plan.parent``), its copies of the tasks (``KeyTask.parent``) led by one of its two
departments, quarterly reports and, for approved reports, the province's acceptance. Written with
``bulk_create`` so that the benchmark (``bench/province.py``) builds 17 × 120 tasks × 5 years with it
in seconds; the cascade service (``tasks.cascade``) is not used, only its result is imitated.
"""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass, field

from tasks.models import (
    Department,
    KeyTask,
    Light,
    Plan,
    PlanSection,
    ProgressReport,
    Region,
    ReportingPeriod,
    TaskDepartment,
)
from tests.factories import PlanFactory, ProvinceFactory, RegionFactory

# The 17 市州 of 湖北省, in the order of their codes; more prefectures get made-up names.
HUBEI_PREFECTURES = [
    "武汉市", "黄石市", "十堰市", "宜昌市", "襄阳市", "鄂州市", "荆门市", "孝感市", "荆州市",
    "黄冈市", "咸宁市", "随州市", "恩施州", "仙桃市", "潜江市", "天门市", "神农架林区",
]
LIGHTS = [Light.GREEN, Light.GREEN, Light.YELLOW, Light.RED]
_codes = itertools.count(101)


@dataclass
class CascadeWorld:
    province: Region
    plan: Plan
    sections: list[PlanSection]
    province_tasks: list[KeyTask]
    prefectures: list[Region] = field(default_factory=list)
    child_plans: list[Plan] = field(default_factory=list)
    departments: dict[int, list[Department]] = field(default_factory=dict)  # prefecture pk → its two departments
    child_tasks: list[KeyTask] = field(default_factory=list)

    def child_task(self, province_task: KeyTask, prefecture: Region) -> KeyTask:
        plan = next(p for p in self.child_plans if p.region_id == prefecture.pk)
        return next(t for t in self.child_tasks if t.parent_id == province_task.pk and t.plan_id == plan.pk)


def _quarter(index: int, start_year: int) -> tuple[int, int, datetime.date, datetime.date]:
    year, number = start_year + index // 4, index % 4 + 1
    starts_on = datetime.date(year, 3 * number - 2, 1)
    ends_on = (datetime.date(year + (number == 4), (3 * number) % 12 + 1, 1)) - datetime.timedelta(days=1)
    return year, number, starts_on, ends_on


def cascade_world(
    n_prefectures: int,
    *,
    tasks: int = 3,
    quarters: int = 2,
    province: Region | None = None,
    plan: Plan | None = None,
) -> CascadeWorld:
    """Cascade ``tasks`` province tasks (all of them) to ``n_prefectures`` new prefectures, with
    ``quarters`` quarterly reports per child task from the plan's first year (the last one still
    submitted, the others approved; approved ones alternately awaiting acceptance and accepted).

    Called again with the same ``plan`` it adds more prefectures to the same province plan.
    """
    province = province or (plan.region if plan else ProvinceFactory())
    if plan is None:
        title = f"{province.name}精神卫生“十四五”规划"
        if Plan.objects.filter(region=province, title=title).exists():
            title = f"{title}（{Plan.objects.filter(region=province).count() + 1}）"
        plan = PlanFactory(region=province, title=title, cascade_acceptance=True)
        sections = PlanSection.objects.bulk_create(
            [PlanSection(plan=plan, code=f"{'一二三'[n]}、", title=f"第{n + 1}章", position=n) for n in range(3)]
        )
        province_tasks = KeyTask.objects.bulk_create(
            [
                KeyTask(
                    plan=plan, section=sections[n % 3], code=str(n + 1), position=n + 1, title=f"省级重点任务{n + 1}",
                    start_date=datetime.date(plan.start_year, 1, 1), due_date=datetime.date(plan.end_year, 12, 31),
                )
                for n in range(tasks)
            ]
        )
    else:
        sections = list(plan.sections.order_by("position"))
        province_tasks = list(plan.key_tasks.order_by("position", "pk"))
    world = CascadeWorld(province=province, plan=plan, sections=sections, province_tasks=province_tasks)

    start = Plan.objects.filter(parent=plan).count()
    for n in range(start, start + n_prefectures):
        name = HUBEI_PREFECTURES[n] if n < len(HUBEI_PREFECTURES) else f"第{n + 1}市"
        region = RegionFactory(name=name, code=f"42{next(_codes):04d}", parent=province)
        world.prefectures.append(region)
    world.child_plans = Plan.objects.bulk_create(
        [
            Plan(
                region=region, parent=plan, title=f"{region.name}精神卫生“十四五”规划", start_year=plan.start_year,
                end_year=plan.end_year, status=Plan.Status.ACTIVE,
            )
            for region in world.prefectures
        ]
    )
    departments = Department.objects.bulk_create(
        [
            Department(region=region, code=code, name=f"{region.name}{name}", short_name=f"{region.name[:2]}{short}", position=k)
            for region in world.prefectures
            for k, (code, name, short) in enumerate(
                (("wsjkw", "卫生健康委员会", "卫健委"), ("gaj", "公安局", "公安局"))
            )
        ]
    )
    for k, region in enumerate(world.prefectures):
        world.departments[region.pk] = departments[2 * k : 2 * k + 2]
    world.child_tasks = KeyTask.objects.bulk_create(
        [
            KeyTask(
                plan=child_plan, parent=task, section=None, code=task.code, position=task.position, title=task.title,
                start_date=task.start_date, due_date=task.due_date,
                light=LIGHTS[(i + j) % len(LIGHTS)], progress=(10 * (i + 2 * j)) % 101,
                status=KeyTask.Status.IN_PROGRESS,
            )
            for i, child_plan in enumerate(world.child_plans)
            for j, task in enumerate(province_tasks)
        ],
        batch_size=2000,
    )
    lead_of = {}
    links = []
    for n, child in enumerate(world.child_tasks):
        region_id = world.prefectures[n // max(len(province_tasks), 1)].pk
        lead = world.departments[region_id][n % 2]
        lead_of[child.pk] = lead
        links.append(TaskDepartment(task=child, department=lead, role=TaskDepartment.Role.LEAD, position=0))
    TaskDepartment.objects.bulk_create(links, batch_size=2000)

    periods = ReportingPeriod.objects.bulk_create(
        [
            ReportingPeriod(
                plan=child_plan, cadence=KeyTask.Cadence.QUARTERLY, year=year, number=number, starts_on=starts_on,
                ends_on=ends_on, due_on=ends_on + datetime.timedelta(days=10), contribution_due_on=ends_on + datetime.timedelta(days=5),
            )
            for child_plan in world.child_plans
            for (year, number, starts_on, ends_on) in (_quarter(q, plan.start_year) for q in range(quarters))
        ],
        batch_size=2000,
    )
    periods_of: dict[int, list[ReportingPeriod]] = {}
    for period in periods:
        periods_of.setdefault(period.plan_id, []).append(period)
    reports = []
    for n, child in enumerate(world.child_tasks):
        for q, period in enumerate(periods_of.get(child.plan_id, [])):
            approved = q < quarters - 1
            reports.append(
                ProgressReport(
                    task=child, period=period, department=lead_of[child.pk], due_on=period.due_on, round=1,
                    status=ProgressReport.Status.APPROVED if approved else ProgressReport.Status.SUBMITTED,
                    percent_complete=min(100, child.progress), acceptance=("pending", "accepted")[(n + q) % 2] if approved else "",
                )
            )
    ProgressReport.objects.bulk_create(reports, batch_size=2000)
    return world
