"""Fixtures of the indicator tests (issue 5). tests/conftest.py's cast is used as it is:
``dept_a`` (卫生健康委) is responsible for every indicator here, ``liaison_a`` reports.

- ``rate``: 规范管理率 ≥ 80% (binding), baseline 75% (2020), annual targets 76…80 (2021–2025);
- ``qualitative``: 联席会议制度, judged by a supervisor.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from indicators import services
from indicators.models import AnnualIndicatorTarget, Indicator, IndicatorValue

ON_TIME = timezone.make_aware(datetime.datetime(2025, 3, 1, 10, 0))
LATE = timezone.make_aware(datetime.datetime(2025, 4, 10, 10, 0))


@pytest.fixture(autouse=True)
def media_root(media_root) -> Path:
    """Every test here gets its own MEDIA_ROOT (see tests/conftest.py)."""
    return media_root


def make_indicator(plan, department, *, code="1", annual=(76, 77, 78, 79, 80), **fields) -> Indicator:
    values = {
        "name": "严重精神障碍患者规范管理率",
        "definition": "规范管理患者数 ÷ 在册患者数 × 100%",
        "unit_kind": Indicator.UnitKind.PERCENT,
        "unit_label": "%",
        "baseline_value": Decimal("75"),
        "baseline_year": 2020,
        "target_value": Decimal("80"),
        "comparison": Indicator.Comparison.GTE,
        "target_year": 2025,
        "nature": Indicator.Nature.BINDING,
    }
    values.update(fields)
    indicator = Indicator.objects.create(plan=plan, department=department, code=code, position=int(code) if code.isdigit() else 0, **values)
    for offset, target in enumerate(annual or ()):
        AnnualIndicatorTarget.objects.create(indicator=indicator, year=2021 + offset, value=Decimal(str(target)))
    return indicator


@pytest.fixture
def rate(plan, dept_a):
    return make_indicator(plan, dept_a)


@pytest.fixture
def qualitative(plan, dept_a):
    return make_indicator(
        plan, dept_a, code="9", name="建立精神卫生工作联席会议制度", unit_kind=Indicator.UnitKind.QUALITATIVE, unit_label="",
        baseline_value=None, target_value=None, target_text="建立并定期召开", nature=Indicator.Nature.EXPECTED, annual=None,
    )


def draft(indicator, user, *, year=2024, value="78.6", source="信息系统年报", **kwargs) -> IndicatorValue:
    data = {"source": source}
    if indicator.is_numeric:
        data["value"] = value
    else:
        data["text"] = kwargs.pop("text", "已建立，每半年召开一次")
    return services.value_save(user=user, indicator=indicator, year=year, data=data, **kwargs)


def submitted(indicator, user, *, at=ON_TIME, **kwargs) -> IndicatorValue:
    return services.value_submit(record=draft(indicator, user, **kwargs), user=user, at=at)


def approved(indicator, liaison, supervisor, **kwargs) -> IndicatorValue:
    return services.value_approve(record=submitted(indicator, liaison, **kwargs), user=supervisor)


def snapshot(media_root: Path | None = None):
    from viewflow.workflow.models import Task

    from audit.models import AuditEntry
    from evidence.models import Evidence
    from notifications.models import Notification

    return (
        list(Indicator.objects.order_by("pk").values()),
        list(IndicatorValue.objects.order_by("pk").values()),
        list(Evidence.objects.order_by("pk").values_list("pk", flat=True)),
        list(AuditEntry.objects.order_by("pk").values_list("pk", flat=True)),
        list(Task.objects.order_by("pk").values("pk", "status", "owner_id")),
        list(Notification.objects.order_by("pk").values_list("pk", flat=True)),
        sorted(str(p) for p in (media_root or Path(settings.MEDIA_ROOT)).rglob("*") if p.is_file()),
    )


# --- a province indicator cascaded to prefectures (and counties) -------------------------------


def make_value(indicator, region=None, *, year=2024, period_code="", value=None, numerator=None, denominator=None,
               text="", status=IndicatorValue.Status.APPROVED) -> IndicatorValue:
    """A reported value written straight to the table (roll-up maths needs no workflow)."""
    from indicators.models import value_due_on

    code = period_code or str(year)
    record = IndicatorValue(
        indicator=indicator,
        region=region or indicator.plan.region,
        year=year,
        period_code=code,
        status=status,
        due_on=value_due_on(year, code),
        text=text,
        value=None if value is None else Decimal(str(value)),
        numerator=None if numerator is None else Decimal(str(numerator)),
        denominator=None if denominator is None else Decimal(str(denominator)),
    )
    if record.value is None and record.numerator is not None:
        record.value = Decimal(indicator.fraction_value(record.numerator, record.denominator)).quantize(Decimal("0.01"))
    record.save()
    return record


def make_regions(parent, count: int, *, level=None, prefix="市") -> list:
    """``count`` regions under ``parent`` (prefectures under a province, counties under a prefecture);
    the ones that exist already (by code) are reused."""
    from tasks.models import Region

    level = level or {Region.Level.PROVINCE: Region.Level.PREFECTURE, Region.Level.PREFECTURE: Region.Level.COUNTY}[parent.level]
    base = int(parent.code[:2]) if parent.code else 42
    step = 100 if level == Region.Level.PREFECTURE else 1
    regions = []
    for n in range(1, count + 1):
        code = f"{base:02d}{n * step:04d}" if level == Region.Level.PREFECTURE else f"{parent.code[:4]}{n:02d}"
        regions.append(Region.objects.filter(code=code).first() or Region.objects.create(name=f"{prefix}{n:02d}", code=code, level=level, parent=parent))
    return regions


def cascaded_indicator(parent_indicator, regions, *, targets=None) -> list[Indicator]:
    """What the cascade service (下达) makes: in each region a plan below ``parent_indicator``'s plan
    and a copy of the indicator (parent = it), its annual targets copied (or ``targets[region]``:
    {year: value} overriding them for that region). Returns the copies in ``regions``' order."""
    from tasks.models import Department, Plan
    from tests.factories import DepartmentFactory, PlanFactory

    parent_plan = parent_indicator.plan
    annual = {t.year: t.value for t in parent_indicator.annual_targets.all()}
    copies = []
    for region in regions:
        plan = Plan.objects.filter(region=region, parent=parent_plan).first() or PlanFactory(
            region=region, parent=parent_plan, title=f"{region.name}精神卫生规划",
            start_year=parent_plan.start_year, end_year=parent_plan.end_year,
        )
        department = Department.objects.filter(region=region, name=f"{region.name}卫生健康委员会").first() or DepartmentFactory(
            region=region, name=f"{region.name}卫生健康委员会", short_name=f"{region.name}卫健委"
        )
        copy = Indicator.objects.create(
            plan=plan, parent=parent_indicator, department=department, code=parent_indicator.code,
            name=parent_indicator.name, definition=parent_indicator.definition, unit_kind=parent_indicator.unit_kind,
            unit_label=parent_indicator.unit_label, baseline_value=parent_indicator.baseline_value,
            baseline_year=parent_indicator.baseline_year, target_value=parent_indicator.target_value,
            comparison=parent_indicator.comparison, target_year=parent_indicator.target_year,
            nature=parent_indicator.nature, aggregation=parent_indicator.aggregation,
            numerator_label=parent_indicator.numerator_label, denominator_label=parent_indicator.denominator_label,
            position=parent_indicator.position,
        )
        own = {**annual, **((targets or {}).get(region, {}))}
        AnnualIndicatorTarget.objects.bulk_create(
            AnnualIndicatorTarget(indicator=copy, year=year, value=None if value is None else Decimal(str(value)))
            for year, value in sorted(own.items())
        )
        copies.append(copy)
    return copies


@pytest.fixture
def province(db):
    from tests.factories import ProvinceFactory

    return ProvinceFactory()


@pytest.fixture
def province_plan(province):
    from tests.factories import PlanFactory

    return PlanFactory(region=province, title="湖北省精神卫生“十四五”规划")


@pytest.fixture
def province_dept(province):
    from tests.factories import DepartmentFactory

    return DepartmentFactory(region=province, name="湖北省卫生健康委员会", short_name="省卫生健康委", code="hbwsjkw")


@pytest.fixture
def province_rate(province_plan, province_dept):
    """规范管理率 ≥ 80% of the province plan, annual targets 76…80."""
    return make_indicator(province_plan, province_dept, numerator_label="规范管理患者数", denominator_label="在册患者数")
