"""Funding pages: access per role and URL, forms with bad input, export, constant query counts."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from funding import services
from funding.models import FundingLine, LedgerEntry
from tests.funding.conftest import D, Kind

pytestmark = pytest.mark.django_db

ROLES = ["supervisor", "administrator", "evaluator", "liaison_a", "liaison_b", "outsider"]


@pytest.fixture
def as_user(client, request):
    def login(name):
        client.force_login(request.getfixturevalue(name))
        return client

    return login


@pytest.mark.parametrize(
    ("role", "list_sees", "detail", "new_line"),
    [
        ("supervisor", True, 200, 200),
        ("administrator", True, 200, 200),
        ("evaluator", True, 200, 403),
        ("liaison_a", True, 200, 403),
        ("liaison_b", False, 404, 403),
        ("outsider", False, 404, 403),
    ],
)
def test_read_access(as_user, funded, plan, role, list_sees, detail, new_line):
    client = as_user(role)
    response = client.get(reverse("funding:line_list"), {"plan": plan.pk})
    if role == "outsider":
        assert response.status_code == 404  # sees no plan
    else:
        assert response.status_code == 200
        assert (funded.purpose in response.content.decode()) is list_sees
    assert client.get(reverse("funding:line_detail", args=[funded.pk])).status_code == detail
    assert client.get(reverse("funding:line_new"), {"plan": plan.pk}).status_code == new_line


def test_anonymous_redirected_to_login(client, funded):
    response = client.get(reverse("funding:line_detail", args=[funded.pk]))
    assert response.status_code == 302 and "login" in response.url


def _entry(kind="expenditure", amount="100.00", **extra):
    return {"kind": kind, "amount": amount, "date": "2024-06-02", "document_number": "记-1", "note": "", "over_limit_reason": "", **extra}


@pytest.mark.parametrize(
    ("role", "kind", "status"),
    [
        ("supervisor", "disbursement", 302),
        ("administrator", "allocation", 302),
        ("supervisor", "expenditure", 302),
        ("liaison_a", "expenditure", 302),
        ("liaison_a", "disbursement", 400),  # not a choice for a liaison: nothing written
        ("liaison_b", "expenditure", 404),
        ("evaluator", "expenditure", 403),
        ("outsider", "expenditure", 404),
    ],
)
def test_record_access(as_user, funded, role, kind, status):
    before = LedgerEntry.objects.count()
    response = as_user(role).post(reverse("funding:entry_new", args=[funded.pk]), _entry(kind))
    assert response.status_code == status
    assert LedgerEntry.objects.count() == before + (1 if status == 302 else 0)


@pytest.mark.parametrize(
    ("role", "status"),
    [("supervisor", 302), ("liaison_a", 302), ("evaluator", 403), ("liaison_b", 404)],
)
def test_reverse_access(as_user, funded, role, status):
    expenditure = LedgerEntry.objects.get(line=funded, kind=Kind.EXPENDITURE)
    response = as_user(role).post(reverse("funding:entry_reverse", args=[funded.pk]), {"entry": expenditure.pk, "reason": "错误"})
    assert response.status_code == status
    assert LedgerEntry.objects.filter(reverses=expenditure).exists() is (status == 302)


def test_liaison_cannot_reverse_an_allocation(as_user, funded):
    allocation = LedgerEntry.objects.get(line=funded, kind=Kind.ALLOCATION)
    response = as_user("liaison_a").post(reverse("funding:entry_reverse", args=[funded.pk]), {"entry": allocation.pk, "reason": "x"})
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("data", "field_message"),
    [
        (_entry(amount="-5"), "must be positive"),
        (_entry(amount="1.001"), "at most two decimals"),
        (_entry(amount="十万元"), "as a number"),
        (_entry(amount="abc"), "as a number"),
        (_entry(amount="10000000000000"), "implausibly large"),
        (_entry(amount="1000000000000000"), "implausibly large"),
        (_entry(amount="20000.01"), "would exceed the disbursements"),
        (_entry(amount=""), "required"),
        (_entry(date=""), "required"),
        (_entry(date="2030-01-01"), "fiscal year 2024"),
        (_entry(document_number=""), "required"),
    ],
)
def test_bad_input_through_the_form_changes_nothing(as_user, funded, data, field_message):
    client = as_user("supervisor")
    client.cookies["django_language"] = "en"
    before = list(LedgerEntry.objects.values_list("pk", flat=True))
    response = client.post(reverse("funding:entry_new", args=[funded.pk]), data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert field_message in response.content.decode()
    assert list(LedgerEntry.objects.values_list("pk", flat=True)) == before


def test_override_through_the_form(as_user, funded):
    response = as_user("supervisor").post(
        reverse("funding:entry_new", args=[funded.pk]), _entry("disbursement", "50000", over_limit_reason="先行拨付")
    )
    assert response.status_code == 302
    assert LedgerEntry.objects.filter(line=funded, over_limit_reason="先行拨付").exists()


def test_detail_shows_totals_rates_reversals_and_files(as_user, funded, supervisor):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("拨付通知.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", content_type="application/pdf")
    entry = services.entry_record(
        line=funded, kind=Kind.DISBURSEMENT, amount=D("1000"), date=datetime.date(2024, 7, 1), document_number="拨-9",
        user=supervisor, uploads=[upload],
    )
    services.entry_reverse(entry=entry, user=supervisor, reason="金额有误")
    page = as_user("supervisor").get(reverse("funding:line_detail", args=[funded.pk])).content.decode()
    assert "100,000.00" in page and "10.00" in page  # 元 and 万元
    assert "40.0%" in page and "60.0%" in page
    assert "金额有误" in page and "拨付通知.pdf" in page
    assert 'id="entry-form"' in page


def test_empty_line_shows_dash(as_user, line):
    page = as_user("supervisor").get(reverse("funding:line_detail", args=[line.pk])).content.decode()
    assert '<span id="execution-rate">—</span>' in page


def test_create_line_form(as_user, plan, dept_a, task_a):
    client = as_user("supervisor")
    url = reverse("funding:line_new") + f"?plan={plan.pk}"
    bad = client.post(url, {"fiscal_year": "2030", "source": "local_budget", "purpose": "", "department": dept_a.pk, "execution_margin": 20})
    assert bad.status_code == 400 and not FundingLine.objects.exists()
    good = client.post(
        url,
        {"fiscal_year": "2024", "source": "special", "purpose": "精神卫生信息化建设", "department": dept_a.pk, "tasks": [task_a.pk], "execution_margin": 20},
    )
    assert good.status_code == 302
    line = FundingLine.objects.get()
    assert line.code == "2024-001" and list(line.tasks.all()) == [task_a]


def test_list_filters_and_export(as_user, funded, plan, dept_b, supervisor):
    services.line_create(plan=plan, fiscal_year=2023, source="social", purpose="社会资本投入", department=dept_b, user=supervisor)
    client = as_user("supervisor")
    url = reverse("funding:line_list")
    page = client.get(url, {"plan": plan.pk, "source": "social"}).content.decode()
    assert "社会资本投入" in page and funded.purpose not in page
    page = client.get(url, {"plan": plan.pk, "fiscal_year": "2024"}).content.decode()
    assert funded.purpose in page and "社会资本投入" not in page
    page = client.get(url, {"plan": plan.pk, "lagging": "true"}).content.decode()
    assert funded.purpose in page  # 40 % spent in a past year
    csv = client.get(url, {"plan": plan.pk, "_export": "csv", "sort": "-allocated"})
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
    text = csv.getvalue().decode("utf-8-sig")
    assert "100000.00" in text and text.index(funded.purpose) < text.index("社会资本投入")
    xlsx = client.get(url, {"plan": plan.pk, "_export": "xlsx"})
    assert xlsx.status_code == 200


def _grow(plan, dept_a, supervisor, n):
    for i in range(n):
        line = services.line_create(plan=plan, fiscal_year=2024, source="local_budget", purpose=f"经费{i}", department=dept_a, user=supervisor)
        for kind, amount in ((Kind.ALLOCATION, "1000"), (Kind.DISBURSEMENT, "500"), (Kind.EXPENDITURE, "100")):
            services.entry_record(line=line, kind=kind, amount=amount, date=datetime.date(2024, 3, 1), document_number="x", user=supervisor)


@pytest.mark.parametrize("role", ["supervisor", "liaison_a"])
def test_list_queries_constant(as_user, plan, dept_a, supervisor, role):
    client = as_user(role)
    url = reverse("funding:line_list")
    counts = []
    for n in (3, 27):
        _grow(plan, dept_a, supervisor, n)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url, {"plan": plan.pk, "sort": "-execution_rate"})
        assert response.status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
