import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from funding.services import entry_record, line_create

pytestmark = pytest.mark.django_db


def _lines(plan, department, supervisor, count, start=0):
    for n in range(start, start + count):
        line = line_create(
            plan=plan, fiscal_year=2024, source="local_budget", budget_subject="2100410 精神卫生", purpose=f"经费{n}",
            department=department, user=supervisor, code=f"JF{n:03d}",
        )
        entry_record(line=line, kind="allocation", amount=Decimal("1000000"), date=datetime.date(2024, 3, 1), document_number=f"示财〔2024〕{n}号", user=supervisor)
        entry_record(line=line, kind="disbursement", amount=Decimal("600000"), date=datetime.date(2024, 5, 1), document_number=f"示财拨〔2024〕{n}号", user=supervisor)


def test_the_funding_dashboard_charts_execution_with_its_numbers(client, supervisor, plan, dept_a):
    _lines(plan, dept_a, supervisor, 2)
    client.force_login(supervisor)
    page = client.get(reverse("dashboards:funding", args=[plan.pk])).content.decode()
    assert page.count("<svg") == 3
    assert 'id="funding-table-source"' in page
    assert "200.00" in page  # 2 × 1 000 000 yuan allocated = 200 万元


def test_the_funding_dashboard_issues_the_same_number_of_queries_for_3_and_30_lines(client, supervisor, plan, dept_a):
    client.force_login(supervisor)
    url = reverse("dashboards:funding", args=[plan.pk])
    _lines(plan, dept_a, supervisor, 3)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    _lines(plan, dept_a, supervisor, 27, start=3)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(few.captured_queries) == len(many.captured_queries)


def test_a_liaison_sees_only_their_departments_money(client, supervisor, plan, dept_a, dept_b, liaison_b):
    _lines(plan, dept_a, supervisor, 1)
    client.force_login(liaison_b)
    page = client.get(reverse("dashboards:funding", args=[plan.pk])).content.decode()
    assert "100.00" not in page
