"""Factory data for the PDF typography tests: a city plan whose task titles, section titles and
notice requirements are dense with Chinese punctuation (so that line breaks land next to it), a
yes/no indicator, a funding line of millions of yuan, and a notice to a lead department.

``english=True`` makes the same world with English data, to check that an English rendering
carries no Chinese interface text."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from funding import services as funding
from funding.models import LedgerEntry
from indicators.models import Indicator, IndicatorValue
from supervision.models import SupervisionNotice
from supervision.notices import notice_issue
from tasks.models import Department, KeyTask, Light, Plan, PlanSection
from tests.factories import (
    DepartmentFactory,
    KeyTaskFactory,
    PlanFactory,
    RegionFactory,
    TaskDepartmentFactory,
    make_liaison,
    make_supervisor,
)

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
ALLOCATED = Decimal("12345678.90")  # 1,234.57 万元

# Phrases that put closing punctuation after one or two characters and opening punctuation before
# them: wherever a line breaks in a title built of them, a naive break starts or ends it wrongly.
PHRASES = ["推进，", "落实；", "加强：", "完善（试点）", "建立“十四五”机制。", "健全、", "开展！", "是否？", "《规划》"]
ENGLISH = ["improve the care of patients, ", "(pilot); ", "set up the “14th plan” network: ", "and report. "]


@dataclass
class World:
    plan: Plan
    departments: list[Department]
    notice: SupervisionNotice
    tasks: list[KeyTask]


def _title(n: int, english: bool) -> str:
    if english:
        return f"Task {n}: " + "".join(ENGLISH[(n + k) % len(ENGLISH)] for k in range(4 + n % 3))
    return "精神卫生" [: n % 4] + "".join(PHRASES[(n + k) % len(PHRASES)] for k in range(5 + n % 4))


def build_world(*, english: bool = False, tasks: int = 14, departments: int = 4) -> World:
    region = RegionFactory(name="Demo City" if english else "示范市")
    issuer = DepartmentFactory(
        region=region, name="Demo City Health Commission" if english else "示范市卫生健康委员会",
        short_name="Health Commission" if english else "市卫生健康委", is_supervising=True,
    )
    leads = departments
    departments = [
        DepartmentFactory(
            region=region,
            name=f"Demo City Bureau {n}" if english else f"示范市第{n}局（综合执法）",
            short_name=f"Bureau {n}" if english else f"市第{n}局",
        )
        for n in range(1, leads + 1)
    ]
    plan = PlanFactory(
        region=region, title="Demo City mental health plan, 2021–2025" if english else "示范市精神卫生“十四五”规划（2021—2025年）"
    )
    sections = [
        PlanSection.objects.create(
            plan=plan, code=f"{n + 1}." if english else f"{'一二'[n]}、", position=n,
            title=(f"Chapter {n + 1}: " + ENGLISH[n] * 2) if english else "".join(PHRASES[n : n + 5]),
        )
        for n in range(2)
    ]
    lights = [Light.GREEN, Light.GREEN, Light.YELLOW, Light.RED]
    made = []
    for n in range(tasks):
        task = KeyTaskFactory(
            plan=plan, section=sections[n % 2], code=str(n + 1), position=n + 1, title=_title(n, english),
            light=lights[n % 4], progress=(n * 17) % 101,
            status=KeyTask.Status.COMPLETED if n % 3 == 0 else KeyTask.Status.IN_PROGRESS,
        )
        TaskDepartmentFactory(task=task, department=departments[n % leads])
        made.append(task)

    yes_no = Indicator.objects.create(
        plan=plan, code="1", name="Joint meeting held" if english else "建立精神卫生工作联席会议制度",
        unit_kind=Indicator.UnitKind.YES_NO, department=issuer, baseline_value=0, baseline_year=2020, target_value=1, target_year=2025,
    )
    decided = datetime.datetime(2024, 6, 20, 10, tzinfo=SHANGHAI)
    IndicatorValue.objects.create(
        indicator=yes_no, year=2024, period_code="2024", region=region, value=1,
        status=IndicatorValue.Status.APPROVED, decided_at=decided, due_on=datetime.date(2025, 1, 31),
    )

    supervisor = make_supervisor(region=region)
    make_liaison(departments[3])
    line = funding.line_create(
        plan=plan, fiscal_year=2024, source="local_budget", budget_subject="2100206",
        purpose="Hospital running costs" if english else "精神专科医院运行经费", department=departments[0], tasks=[made[0]],
        user=supervisor,
    )
    funding.entry_record(
        line=line, kind=LedgerEntry.Kind.ALLOCATION, amount=ALLOCATED, date=datetime.date(2024, 3, 1),
        document_number="F-2024-1", user=supervisor,
    )
    requirements = (
        "\n".join(["Report the measures taken (with minutes); state the reason for the delay, and the “new” date."] * 3)
        if english
        else "\n".join(_title(n, False) + "请说明原因。" for n in range(6))
    )
    notice = notice_issue(
        task=made[3], department=departments[3], level=SupervisionNotice.Level.YELLOW, requirements=requirements,
        user=supervisor, at=datetime.datetime(2024, 5, 6, 9, 30, tzinfo=SHANGHAI),
    )
    assert notice.department != issuer
    return World(plan=plan, departments=departments, notice=notice, tasks=made)
