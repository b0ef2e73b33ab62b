import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.indicators.conftest import approved, make_indicator

pytestmark = pytest.mark.django_db


def test_the_indicator_dashboard_shows_attainment_and_a_trend_chart_per_indicator(client, supervisor, plan, dept_a, liaison_a):
    indicator = make_indicator(plan, dept_a, name="严重精神障碍患者规范管理率")
    approved(indicator, liaison_a, supervisor, year=2024, value="79.5")
    client.force_login(supervisor)
    page = client.get(reverse("dashboards:indicators", args=[plan.pk])).content.decode()
    assert 'id="attainment-table"' in page and "严重精神障碍患者规范管理率" in page
    assert "79.5" in page and 'data-attainment="met"' in page  # 2024's annual target is 79
    assert page.count("<svg") == 1


def test_the_indicator_dashboard_issues_the_same_number_of_queries_for_3_and_30_indicators(client, supervisor, plan, dept_a, liaison_a):
    client.force_login(supervisor)
    url = reverse("dashboards:indicators", args=[plan.pk])
    for n in range(3):
        approved(make_indicator(plan, dept_a, code=f"a{n}", name=f"指标{n}"), liaison_a, supervisor, year=2024)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(3, 30):
        approved(make_indicator(plan, dept_a, code=f"a{n}", name=f"指标{n}"), liaison_a, supervisor, year=2024)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(few.captured_queries) == len(many.captured_queries)


def test_a_liaison_sees_only_their_departments_indicators(client, supervisor, plan, dept_a, dept_b, liaison_b):
    make_indicator(plan, dept_a, name="规范管理率")
    client.force_login(liaison_b)
    assert "规范管理率" not in client.get(reverse("dashboards:indicators", args=[plan.pk])).content.decode()
