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
