"""Reporting completeness and timeliness per department, computed by the database."""

from django.urls import reverse

from indicators.selectors import department_completeness
from tests.indicators.conftest import LATE, approved, draft, make_indicator, submitted


def test_figures(plan, rate, dept_a, dept_b, liaison_a, liaison_b, supervisor, django_assert_num_queries):
    second = make_indicator(plan, dept_a, code="2", name="服药率")
    third = make_indicator(plan, dept_a, code="3", name="失访率")
    police = make_indicator(plan, dept_b, code="4", name="公安指标")
    approved(rate, liaison_a, supervisor, year=2024)  # on time
    submitted(second, liaison_a, year=2024, at=LATE)  # late
    draft(third, liaison_a, year=2024)  # not reported
    submitted(rate, liaison_a, year=2023)  # another year
    approved(rate, liaison_a, supervisor, year=2024, period_code="2024H1")  # a part of the year: not the annual value
    with django_assert_num_queries(1):
        rows = {d.code: d for d in department_completeness(plan, 2024)}
    a, b = rows["wsjkw"], rows["gaj"]
    assert (a.due, a.reported, a.on_time) == (3, 2, 1)
    assert a.share_reported == 66.7 and a.share_on_time == 33.3
    assert (b.due, b.reported, b.on_time, b.share_reported) == (1, 0, 0, 0.0)
    assert police.pk


def test_page(client, plan, rate, supervisor):
    client.force_login(supervisor)
    response = client.get(reverse("indicators:completeness"), {"plan": plan.pk, "year": 2024})
    assert response.status_code == 200
    assert 'data-department="wsjkw"' in response.content.decode()
