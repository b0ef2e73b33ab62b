"""The list page costs the same number of queries for 3 indicators as for 30."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.indicators.conftest import approved, make_indicator


def _fill(plan, department, liaison, supervisor, count):
    for n in range(count):
        indicator = make_indicator(plan, department, code=f"{count}-{n}", name=f"指标{count}-{n}")
        approved(indicator, liaison, supervisor, year=2024, value=("79.5", "78.6", "72")[n % 3])  # met, at risk, at risk


def _queries(client, plan, **params):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("indicators:indicator_list"), {"plan": plan.pk, "year": 2024, **params})
        response.getvalue()  # a streamed export reads its rows while it is sent
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("params", [{}, {"attainment": "met"}, {"sort": "department"}, {"_export": "csv"}])
def test_list_page_queries_do_not_grow(client, plan, dept_a, liaison_a, supervisor, params):
    client.force_login(supervisor)
    _fill(plan, dept_a, liaison_a, supervisor, 3)
    few = _queries(client, plan, **params)
    _fill(plan, dept_a, liaison_a, supervisor, 27)
    many = _queries(client, plan, **params)
    assert many == few


def test_liaison_list_is_constant_too(client, plan, dept_a, liaison_a, supervisor):
    client.force_login(liaison_a)
    _fill(plan, dept_a, liaison_a, supervisor, 3)
    few = _queries(client, plan)
    _fill(plan, dept_a, liaison_a, supervisor, 27)
    assert _queries(client, plan) == few
