"""The demo province: 湖北省 steers its 17 市州 (and 示范市, the prefecture whose departments are
fully modelled). Its plan cascades (下达) six key tasks and nine indicators to every prefecture,
each with targets of its own; two years of values differ (十堰市 clearly lags); reports stand at
both approval levels; the province's supervisors accept or send back.

``seed_province_demo()`` is idempotent: it does nothing once the province plan exists. History
(2023 values, most of 2024) is loaded as approved and accepted records, the way an office's
earlier figures would be imported; the rest goes through the services (lifecycle, processes,
audit trail) so that every state can be tried.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.roles import EVALUATOR, LIAISON, SUPERVISOR
from accounts.services import user_create
from indicators.cascade import cascade_indicators
from indicators.models import AnnualIndicatorTarget, Indicator, IndicatorValue
from tasks.cascade import cascade_tasks
from tasks.models import (
    Department,
    KeyTask,
    Membership,
    Plan,
    PlanSection,
    Region,
    RegionStaff,
    TaskDepartment,
)
from tasks.services import staff_place
from workflows.models import Acceptance

D = Decimal
TZ = datetime.timezone(datetime.timedelta(hours=8))
PROVINCE_PLAN_TITLE = "湖北省精神卫生“十四五”规划"
# The 17 市州 of 湖北省 (GB/T 2260) with their resident population (万人, 2023, rounded).
PREFECTURES = [
    ("420100", "武汉市", 1377),
    ("420200", "黄石市", 244),
    ("420300", "十堰市", 316),
    ("420500", "宜昌市", 391),
    ("420600", "襄阳市", 527),
    ("420700", "鄂州市", 108),
    ("420800", "荆门市", 254),
    ("420900", "孝感市", 420),
    ("421000", "荆州市", 510),
    ("421100", "黄冈市", 580),
    ("421200", "咸宁市", 264),
    ("421300", "随州市", 200),
    ("422800", "恩施土家族苗族自治州", 345),
    ("429004", "仙桃市", 113),
    ("429005", "潜江市", 89),
    ("429006", "天门市", 114),
    ("429021", "神农架林区", 8),
]
DEMO_CITY_POPULATION = 300  # 示范市 (429900)
LAGGING = "420300"  # 十堰市 lags on every indicator

PROVINCE_DEPARTMENTS = [
    ("wsjkw", "湖北省卫生健康委员会", "省卫生健康委", True),
    ("gat", "湖北省公安厅", "省公安厅", False),
    ("mzt", "湖北省民政厅", "省民政厅", False),
    ("czt", "湖北省财政厅", "省财政厅", False),
    ("ybj", "湖北省医疗保障局", "省医保局", False),
    ("jyt", "湖北省教育厅", "省教育厅", False),
]

SECTION = ("二、", "主要任务")
# code, title, content, due
PROVINCE_TASKS = [
    ("1", "健全精神卫生服务体系", "市州至少有1所精神专科医院或综合医院精神科，县（市、区）普遍设置精神科门诊。", datetime.date(2025, 12, 31)),
    ("2", "加强严重精神障碍患者救治救助", "落实患者监护责任、医疗保障和救助政策，做好应急处置。", datetime.date(2025, 12, 31)),
    ("3", "推进精神障碍社区康复服务", "建立精神障碍社区康复服务体系，县（市、区）普遍开展社区康复服务。", datetime.date(2025, 6, 30)),
    ("4", "加强精神卫生专业人才队伍建设", "增加精神科医师数量，开展转岗培训和规范化培训。", datetime.date(2025, 12, 31)),
    ("5", "建设省级精神卫生信息平台", "省、市、县、乡四级信息互联互通，患者信息动态管理。", datetime.date(2024, 12, 31)),
    ("6", "开展社会心理服务体系建设试点", "完善社会心理服务网络，提升心理健康服务能力。", datetime.date(2025, 12, 31)),
]


@dataclass(frozen=True)
class DemoIndicator:
    code: str
    name: str
    unit_kind: str
    unit_label: str
    numerator: str
    denominator: str
    baseline: Decimal
    target: Decimal
    comparison: str
    nature: str
    level: Decimal  # the typical prefecture's 2024 rate (or count per 10 000 residents for counts)
    aggregation: str = ""


PROVINCE_INDICATORS = [
    DemoIndicator("1", "严重精神障碍患者规范管理率", "percent", "%", "规范管理患者数", "在册患者数", D("80"), D("90"), "gte", "binding", D("91")),
    DemoIndicator("2", "严重精神障碍患者服药率", "percent", "%", "服药患者数", "在册患者数", D("75"), D("85"), "gte", "binding", D("86")),
    DemoIndicator("3", "精神分裂症患者规律服药率", "percent", "%", "规律服药患者数", "在册精神分裂症患者数", D("60"), D("70"), "gte", "expected", D("72")),
    DemoIndicator("4", "严重精神障碍患者病情稳定率", "percent", "%", "病情稳定患者数", "随访患者数", D("85"), D("90"), "gte", "expected", D("92")),
    DemoIndicator("5", "精神科执业（助理）医师数", "per_100k", "名/10万人口", "精神科执业（助理）医师数", "常住人口数", D("3.3"), D("4.0"), "gte", "expected", D("4.1")),
    DemoIndicator("6", "社区康复服务覆盖率（县区）", "percent", "%", "开展社区康复服务的县区数", "县区总数", D("60"), D("85"), "gte", "expected", D("86")),
    DemoIndicator("7", "严重精神障碍患者失访率", "percent", "%", "失访患者数", "在册患者数", D("8"), D("5"), "lte", "binding", D("4.5")),
    DemoIndicator("8", "在册严重精神障碍患者数", "count", "人", "", "", D("0"), D("0"), "gte", "expected", D("45"), "stock"),
    DemoIndicator("9", "建立精神卫生工作联席会议制度", "yes_no", "是/否", "", "", D("0"), D("1"), "eq", "expected", D("1")),
]
ANNUAL_SHARE = {2021: D("0.2"), 2022: D("0.4"), 2023: D("0.6"), 2024: D("0.8"), 2025: D("1")}


def _spread(code: str, salt: str) -> Decimal:
    """A stable number in [-1, 1] per region and indicator (no randomness: the demo is reproducible)."""
    digest = hashlib.sha256(f"{code}:{salt}".encode()).digest()
    return D(digest[0] - 128) / D(128)


def _q(value: Decimal, places: str = "0.1") -> Decimal:
    return value.quantize(D(places), rounding=ROUND_HALF_UP)


def _user(username: str, role: str, display_name: str, region: Region) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = user_create(username=username, password="demo1234", role=role, display_name=display_name)
    if role != LIAISON and not RegionStaff.objects.filter(user=user).exists():
        staff_place(user=user, region=region)
    return user


def province_accounts() -> list[str]:
    return ["province-supervisor", "province-evaluator"] + [f"supervisor-{code}" for code, _name, _pop in PREFECTURES]


@transaction.atomic
def seed_province_demo() -> dict[str, int]:
    if Plan.objects.filter(title=PROVINCE_PLAN_TITLE).exists():
        return {}
    province = Region.objects.get(code="420000")
    city = Region.objects.get(code="429900")
    prefectures = [city]
    population = {city.pk: DEMO_CITY_POPULATION}
    for code, name, people in PREFECTURES:
        region, _ = Region.objects.get_or_create(
            code=code, defaults={"name": name, "level": Region.Level.PREFECTURE, "parent": province}
        )
        prefectures.append(region)
        population[region.pk] = people
        commission, _ = Department.objects.get_or_create(
            region=region,
            code="wsjkw",
            defaults={"name": f"{name}卫生健康委员会", "short_name": f"{name}卫健委", "is_supervising": True},
        )
        liaison = _user(f"liaison-{code}", LIAISON, f"{name}卫健委联络员", region)
        Membership.objects.get_or_create(user=liaison, department=commission, role=Membership.Role.LIAISON)
        _user(f"supervisor-{code}", SUPERVISOR, f"{name}督导员", region)
    departments = {}
    for position, (code, name, short, supervising) in enumerate(PROVINCE_DEPARTMENTS, start=1):
        departments[code], _ = Department.objects.get_or_create(
            region=province, code=code, defaults={"name": name, "short_name": short, "is_supervising": supervising, "position": position}
        )
    province_supervisor = _user("province-supervisor", SUPERVISOR, "省督导员", province)
    _user("province-evaluator", EVALUATOR, "省评估专家", province)

    plan = Plan.objects.create(
        region=province, title=PROVINCE_PLAN_TITLE, start_year=2021, end_year=2025, status=Plan.Status.ACTIVE, cascade_acceptance=True
    )
    section = PlanSection.objects.create(plan=plan, code=SECTION[0], title=SECTION[1], position=1)
    tasks = []
    for position, (code, title, content, due) in enumerate(PROVINCE_TASKS, start=1):
        task = KeyTask.objects.create(
            plan=plan, section=section, code=code, position=position, title=title, content=content,
            start_date=datetime.date(2021, 1, 1), due_date=due, deadline_text=f"{due.year}年底前",
        )
        TaskDepartment.objects.create(task=task, department=departments["wsjkw"], role=TaskDepartment.Role.LEAD)
        tasks.append(task)
    indicators = []
    for position, spec in enumerate(PROVINCE_INDICATORS, start=1):
        indicator = Indicator.objects.create(
            plan=plan, code=spec.code, name=spec.name, unit_kind=spec.unit_kind, unit_label=spec.unit_label,
            numerator_label=spec.numerator, denominator_label=spec.denominator, aggregation=spec.aggregation,
            baseline_value=spec.baseline if spec.unit_kind != "count" else None, baseline_year=2020,
            target_value=spec.target if spec.unit_kind != "count" else None, comparison=spec.comparison,
            target_year=2025, nature=spec.nature, department=departments["wsjkw"], position=position,
            definition=f"{spec.numerator} ÷ {spec.denominator}" if spec.numerator else "",
        )
        if spec.unit_kind != "count":
            AnnualIndicatorTarget.objects.bulk_create(
                AnnualIndicatorTarget(indicator=indicator, year=year, value=_q(spec.baseline + (spec.target - spec.baseline) * share, "0.01"))
                for year, share in ANNUAL_SHARE.items()
            )
        indicators.append(indicator)

    cascade_tasks(plan=plan, tasks=tasks, regions=prefectures, actor=province_supervisor)
    cascade_indicators(plan=plan, indicators=indicators, regions=prefectures, actor=province_supervisor)
    counts = {"prefectures": len(prefectures), "tasks": len(tasks), "indicators": len(indicators)}
    counts["targets"] = _prefecture_targets(plan)
    counts["values"] = _values(plan, population)
    counts["reports"] = _reports(plan, province_supervisor)
    from assessment.demo import seed_demo_assessment

    # Computed, not signed off: a visitor can adjust a score, add a bonus and sign it off.
    seed_demo_assessment(plan, province_supervisor, year=2024, sign_off=False)
    return counts


def _prefecture_targets(plan: Plan) -> int:
    """Each prefecture's own targets: the province's, a little higher for the big cities."""
    changed = []
    for target in AnnualIndicatorTarget.objects.filter(indicator__parent__plan=plan).select_related("indicator__plan__region"):
        if target.value is None or target.indicator.unit_kind == "yes_no":
            continue
        nudge = _spread(target.indicator.plan.region.code or target.indicator.plan.region.name, "target") * D("0.02")
        target.value = _q(target.value * (1 + nudge), "0.01")
        changed.append(target)
    AnnualIndicatorTarget.objects.bulk_update(changed, ["value"])
    return len(changed)


def _figures(spec: DemoIndicator, region: Region, people: int, year: int) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
    """(value, numerator, denominator) of one prefecture and year."""
    lag = D("0.8") if region.code == LAGGING else D("1")
    drift = (D(year - 2024) * D("0.02")) + _spread(region.code or region.name, spec.code) * D("0.04")
    if spec.unit_kind == "yes_no":
        return (D(0) if region.code == LAGGING and year == 2023 else D(1)), None, None
    if spec.unit_kind == "count":
        return D(int(people * spec.level * (1 + drift))), None, None
    if spec.unit_kind == "per_100k":
        denominator = D(people * 10_000)
        rate = spec.level * lag * (1 + drift)
        numerator = _q(rate * denominator / D(100_000), "1")
        return _q(numerator / denominator * 100_000, "0.01"), numerator, denominator
    if spec.code == "6":  # counties offering community rehabilitation, of the prefecture's counties
        denominator = D(max(3, people // 60))
    elif spec.code == "4":  # followed-up patients
        denominator = D(int(people * 40))
    else:  # registered patients (about 4.5 per 1 000 residents)
        denominator = D(int(people * 45))
    if spec.comparison == "lte":
        rate = spec.level * (2 - lag) * (1 - drift)
    else:
        rate = min(D("99.5"), spec.level * lag * (1 + drift))
    numerator = _q(rate * denominator / 100, "1")
    return _q(numerator / denominator * 100, "0.01"), numerator, denominator


def _values(plan: Plan, population: dict[int, int]) -> int:
    """2023 and 2024 annual values of every prefecture, approved by the prefecture and accepted by
    the province (history); 2024's 规范管理率 of 武汉市 awaits the province's acceptance and 黄石市's
    was sent back (through the services)."""
    province_supervisor = User.objects.get(username="province-supervisor")
    rows = []
    live = []
    specs = {spec.code: spec for spec in PROVINCE_INDICATORS}
    for indicator in Indicator.objects.filter(parent__plan=plan).select_related("plan__region", "parent", "department"):
        region = indicator.plan.region
        spec = specs[indicator.parent.code]
        for year in (2023, 2024):
            value, numerator, denominator = _figures(spec, region, population[region.pk], year)
            if year == 2024 and spec.code == "1" and region.code in {"420100", "420200"}:
                live.append((indicator, value, numerator, denominator))
                continue
            decided = datetime.datetime(year + 1, 3, 25, 10, tzinfo=TZ)
            rows.append(
                IndicatorValue(
                    indicator=indicator, year=year, period_code=str(year), region=region, value=value,
                    numerator=numerator, denominator=denominator, source="严重精神障碍信息系统年报",
                    status=IndicatorValue.Status.APPROVED, due_on=datetime.date(year + 1, 3, 31),
                    submitted_at=decided - datetime.timedelta(days=5), decided_at=decided, round=1,
                    acceptance=Acceptance.ACCEPTED, accepted_at=decided + datetime.timedelta(days=3), accepted_by=province_supervisor,
                )
            )
    IndicatorValue.objects.bulk_create(rows)
    _live_values(live, province_supervisor)
    return len(rows) + len(live)


def _live_values(live, province_supervisor: User) -> None:
    from indicators import services
    from workflows import lifecycle

    for indicator, value, numerator, denominator in live:
        region = indicator.plan.region
        liaison = User.objects.get(username=f"liaison-{region.code}")
        supervisor = User.objects.get(username=f"supervisor-{region.code}")
        submitted = datetime.datetime(2025, 3, 20, 10, tzinfo=TZ)
        data = {"numerator": numerator, "denominator": denominator, "source": "严重精神障碍信息系统年报"}
        record = services.value_save(user=liaison, indicator=indicator, year=2024, data=data)
        assert record.value == value
        record = services.value_submit(record=record, user=liaison, at=submitted)
        record = services.value_approve(record=record, user=supervisor, at=submitted + datetime.timedelta(days=2))
        if region.code == "420200":
            lifecycle.review_accept(
                record, user=province_supervisor, accept=False, reason="分母口径与信息系统年报不一致，请核实在册患者数后重新报送。",
                at=submitted + datetime.timedelta(days=4),
            )


def _reports(plan: Plan, province_supervisor: User) -> int:
    """2024 Q4 reports of task 1 in five prefectures: accepted, awaiting acceptance, sent back,
    awaiting the prefecture, and a draft."""
    from tasks import progress
    from workflows import lifecycle

    count = 0
    codes = ["420100", "420500", "420200", "420600", "420300"]
    modes = ["accepted", "pending", "sent_back", "submitted", "draft"]
    for code, mode in zip(codes, modes, strict=True):
        task = KeyTask.objects.select_related("plan").get(parent__plan=plan, parent__code="1", plan__region__code=code)
        period = progress.reporting_period(plan=task.plan, cadence=task.cadence, year=2024, number=4)
        report = progress.report_open(
            task=task, period=period, department=task.primary_lead,
            at=timezone.make_aware(datetime.datetime.combine(period.starts_on, datetime.time(9)), TZ),
        )
        if report is None or report.assignee is None:
            continue
        count += 1
        data = {
            "percent_complete": 60 if code != LAGGING else 30,
            "achievements": "完成精神专科医院改扩建项目前期工作，新增精神科床位。",
            "next_steps": "推进县级综合医院精神科门诊设置。",
        }
        at = timezone.make_aware(datetime.datetime(2025, 1, 8, 10), TZ)
        if mode == "draft":
            progress.report_save(report=report, user=report.assignee, data=data, version=report.version)
            continue
        report = progress.report_submit(report=report, user=report.assignee, version=report.version, data=data, at=at)
        if mode == "submitted":
            continue
        supervisor = User.objects.get(username=f"supervisor-{code}")
        report = progress.report_approve(report=report, user=supervisor, at=at + datetime.timedelta(days=1))
        if mode == "accepted":
            lifecycle.review_accept(report, user=province_supervisor, accept=True, at=at + datetime.timedelta(days=3))
        elif mode == "sent_back":
            lifecycle.review_accept(
                report, user=province_supervisor, accept=False, reason="请补充床位数统计表。", at=at + datetime.timedelta(days=3)
            )
    return count
