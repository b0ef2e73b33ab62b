"""The funding list's totals row: allocated / disbursed / spent of the filtered lines (every page),
summed by the database, with the rates of those sums."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from funding import services
from tests.funding.conftest import D, Kind

pytestmark = pytest.mark.django_db


def totals_row(response) -> list[str]:
    html = response.content.decode()
    match = re.search(r'<tfoot id="funding-totals"[^>]*>(.*?)</tfoot>', html, re.S)
    assert match, "no totals row"
    cells = [re.sub(r"<[^>]+>|\s+", " ", cell).split() for cell in re.findall(r"<td[^>]*>(.*?)</td>", match.group(1), re.S)]
    return [cell[0] if cell else "" for cell in cells]  # an amount's first line: yuan


@pytest.fixture
def lines(funded, record, plan, dept_b, supervisor):
    """funded (2024: 100,000 / 60,000 / 40,000) and a 2023 line of dept_b (50,000 / 50,000 / 50,000)."""
    other = services.line_create(plan=plan, fiscal_year=2023, source="social", purpose="社会资本投入", department=dept_b, user=supervisor)
    record(other, Kind.ALLOCATION, D("50000.00"))
    record(other, Kind.DISBURSEMENT, D("50000.00"))
    record(other, Kind.EXPENDITURE, D("50000.00"))  # all spent: not lagging
    return funded, other


def test_totals_row_sums_every_filtered_line_on_every_page(client, supervisor, plan, lines):
    client.force_login(supervisor)
    url = reverse("funding:line_list")
    row = totals_row(client.get(url, {"plan": plan.pk, "per_page": "1"}))  # one line per page, totals of both
    assert row[0] == "Total" or row[0] == "合计"
    assert row[5:10] == ["150,000.00", "110,000.00", "90,000.00", "73.3%", "60.0%"]  # disbursed ÷ allocated, spent ÷ allocated of the sums

    row = totals_row(client.get(url, {"plan": plan.pk, "fiscal_year": "2023"}))
    assert row[5:10] == ["50,000.00", "50,000.00", "50,000.00", "100.0%", "100.0%"]

    row = totals_row(client.get(url, {"plan": plan.pk, "lagging": "true"}))
    assert row[5:8] == ["100,000.00", "60,000.00", "40,000.00"]


def test_totals_only_of_lines_the_user_sees(client, liaison_a, plan, lines):
    client.force_login(liaison_a)
    row = totals_row(client.get(reverse("funding:line_list"), {"plan": plan.pk}))
    assert row[5:8] == ["100,000.00", "60,000.00", "40,000.00"]


def test_no_lines_total_zero(client, supervisor, plan, line):
    client.force_login(supervisor)
    row = totals_row(client.get(reverse("funding:line_list"), {"plan": plan.pk, "fiscal_year": "2024"}))
    assert row[5:10] == ["0.00", "0.00", "0.00", "—", "—"]  # no allocation: no rate


def test_totals_cost_one_query(client, supervisor, plan, lines):
    client.force_login(supervisor)
    url = reverse("funding:line_list")
    with CaptureQueriesContext(connection) as ctx:
        client.get(url, {"plan": plan.pk})
    assert sum("funding_ledgerentry" in q["sql"] and "SUM(" in q["sql"].upper() for q in ctx.captured_queries) >= 1
    # the export carries the lines only (no totals row)
    csv = client.get(url, {"plan": plan.pk, "_export": "csv"}).getvalue().decode("utf-8-sig")
    assert "150000.00" not in csv


def test_the_pages_count_the_filtered_lines(client, supervisor, plan, lines):
    """The list counts its lines without their figures, and through them when filtered on the flag."""
    client.force_login(supervisor)
    url = reverse("funding:line_list")
    both = client.get(url, {"plan": plan.pk, "per_page": "1"})
    lagging = client.get(url, {"plan": plan.pk, "per_page": "1", "lagging": "true"})
    on_track = client.get(url, {"plan": plan.pk, "per_page": "1", "lagging": "false", "page": "2"})

    assert both.context["table"].paginator.count == 2 and "page=2" in both.content.decode()
    assert lagging.context["table"].paginator.count == 1 and "page=2" not in lagging.content.decode()
    assert on_track.context["table"].paginator.count == 1 and "社会资本投入" in on_track.content.decode()
