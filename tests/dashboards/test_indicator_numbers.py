"""The indicator dashboard writes values as the plan does: yes/no as 是/否 (Yes/No), ratios as 1:N,
rates with their %, never 0/1 or bare numbers."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from indicators.models import Indicator, IndicatorValue
from tests.indicators.conftest import make_indicator

pytestmark = pytest.mark.django_db


def approved(indicator, year, value):
    return IndicatorValue.objects.create(
        indicator=indicator, year=year, period_code=str(year), region=indicator.plan.region, value=Decimal(value),
        status=IndicatorValue.Status.APPROVED, due_on=datetime.date(year + 1, 3, 31),
    )


def test_yes_no_ratio_and_rate_read_as_written(en_client, plan, dept_a, supervisor):
    meeting = make_indicator(
        plan, dept_a, code="8", name="建立联席会议制度", unit_kind=Indicator.UnitKind.YES_NO, unit_label="", baseline_value=Decimal(0),
        target_value=Decimal(1), comparison=Indicator.Comparison.EQ, annual=(1, 1, 1, 1, 1),
    )
    ratio = make_indicator(
        plan, dept_a, code="5", name="心理健康教师配比", unit_kind=Indicator.UnitKind.RATIO, unit_label="", baseline_value=Decimal(5000),
        target_value=Decimal(4000), comparison=Indicator.Comparison.GTE, annual=None,
    )
    rate = make_indicator(plan, dept_a, code="1")
    approved(meeting, 2024, 1), approved(ratio, 2024, 3000), approved(rate, 2024, "78.6")

    en_client.force_login(supervisor)
    html = en_client.get(reverse("dashboards:indicators", args=[plan.pk])).content.decode()
    board = html[html.index("<tbody>"): html.index("</tbody>")]
    row = {name: board[board.index(name): board.index("</tr>", board.index(name))] for name in ("建立联席会议制度", "心理健康教师配比", "严重精神障碍患者规范管理率")}
    assert "Yes" in row["建立联席会议制度"] and ">1 <" not in row["建立联席会议制度"]
    assert "1:3000" in row["心理健康教师配比"] and "1:4000" in row["心理健康教师配比"]
    assert "78.6%" in row["严重精神障碍患者规范管理率"] and "75%" in row["严重精神障碍患者规范管理率"]


def test_the_latest_value_says_which_target_it_is_measured_against(en_client, plan, dept_a, supervisor):
    rate = make_indicator(plan, dept_a, code="1")  # annual targets 76 … 80 (2021–2025)
    approved(rate, 2024, "78.6")
    en_client.force_login(supervisor)
    html = en_client.get(reverse("dashboards:indicators", args=[plan.pk])).content.decode()
    assert "against 2024&#x27;s target 79%" in html or "against 2024's target 79%" in html
