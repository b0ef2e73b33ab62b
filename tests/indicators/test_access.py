"""Who may open and act on what: every role × every URL."""

import pytest
from django.urls import reverse

from indicators.models import IndicatorValue
from tests.indicators.conftest import approved, draft, make_indicator, submitted

ROLES = ["liaison_a", "liaison_b", "supervisor", "evaluator", "administrator", "outsider"]


@pytest.fixture
def cast(request, liaison_a, liaison_b, supervisor, evaluator, administrator, outsider):
    return {name: request.getfixturevalue(name) for name in ROLES}


@pytest.fixture
def records(plan, rate, dept_b, liaison_a, liaison_b, supervisor):
    other = make_indicator(plan, dept_b, code="2", name="公安指标", nature="expected")
    return {
        "draft": draft(rate, liaison_a, year=2024),
        "submitted": submitted(rate, liaison_a, year=2023),
        "approved": approved(rate, liaison_a, supervisor, year=2022, value="77"),
        "other_dept": draft(other, liaison_b, year=2024),
        "other_indicator": other,
    }


# (role, what) → expected status of GET
EXPECTED_VALUE = {
    "liaison_a": {"draft": 200, "submitted": 200, "approved": 200, "other_dept": 404},
    "liaison_b": {"draft": 404, "submitted": 404, "approved": 404, "other_dept": 200},
    "supervisor": {"draft": 200, "submitted": 200, "approved": 200, "other_dept": 200},
    "evaluator": {"draft": 404, "submitted": 404, "approved": 200, "other_dept": 404},
    "administrator": {"draft": 200, "submitted": 200, "approved": 200, "other_dept": 200},
    "outsider": {"draft": 404, "submitted": 404, "approved": 404, "other_dept": 404},
}


@pytest.mark.parametrize("role", ROLES)
def test_value_pages(client, cast, records, role):
    client.force_login(cast[role])
    for what, status in EXPECTED_VALUE[role].items():
        assert client.get(records[what].get_absolute_url()).status_code == status, (role, what)


@pytest.mark.parametrize(
    "role, own, other",
    [
        ("liaison_a", 200, 404),
        ("liaison_b", 404, 200),
        ("supervisor", 200, 200),
        ("evaluator", 200, 200),
        ("administrator", 200, 200),
        ("outsider", 404, 404),
    ],
)
def test_indicator_pages_and_list(client, cast, records, rate, role, own, other):
    client.force_login(cast[role])
    assert client.get(rate.get_absolute_url()).status_code == own
    assert client.get(records["other_indicator"].get_absolute_url()).status_code == other
    listing = client.get(reverse("indicators:indicator_list"))
    assert listing.status_code == 200
    shown = {row.record.pk for row in listing.context["table"].page.object_list} if listing.context["plan"] else set()
    assert (rate.pk in shown) == (own == 200)
    assert (records["other_indicator"].pk in shown) == (other == 200)


@pytest.mark.parametrize(
    "role, status", [("liaison_a", 403), ("liaison_b", 403), ("supervisor", 200), ("evaluator", 200), ("administrator", 200), ("outsider", 403)]
)
def test_completeness_page(client, cast, records, plan, role, status):
    client.force_login(cast[role])
    assert client.get(reverse("indicators:completeness"), {"plan": plan.pk}).status_code == status


@pytest.mark.parametrize("role", ["liaison_b", "supervisor", "evaluator", "administrator"])
def test_only_the_responsible_liaison_reports(client, cast, rate, role):
    client.force_login(cast[role])
    response = client.post(reverse("indicators:value_new", args=[rate.pk]), {"year": 2024, "value": "79", "source": "x", "save": ""})
    assert response.status_code in {403, 404}
    assert not IndicatorValue.objects.exists()


@pytest.mark.parametrize("role", ["liaison_a", "liaison_b", "evaluator", "administrator"])
def test_only_supervisors_decide(client, cast, records, role):
    record = records["submitted"]
    client.force_login(cast[role])
    decide, judge = reverse("indicators:value_decide", args=[record.pk]), reverse("indicators:value_judge", args=[record.pk])
    for url, data in [
        (decide, {"decision": "approve", "reason": "x", "round": record.round}),
        (decide, {"decision": "return", "reason": "x", "round": record.round}),
        (judge, {"judgement": "met", "comment": "x"}),
    ]:
        response = client.post(url, data)
        assert response.status_code in {403, 404}
    record.refresh_from_db()
    assert record.status == "submitted"


def test_anonymous_is_sent_to_login(client, records):
    for url in [reverse("indicators:indicator_list"), records["draft"].get_absolute_url(), reverse("indicators:completeness")]:
        response = client.get(url)
        assert response.status_code == 302 and "login" in response.url


def test_evidence_download_follows_the_value(client, records, rate, liaison_a, liaison_b, supervisor):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from indicators import services

    pdf = SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    [evidence] = services.value_attach_evidence(record=records["draft"], user=liaison_a, uploads=[pdf])
    url = reverse("evidence:download", args=[evidence.public_id])
    client.force_login(liaison_a)
    assert client.get(url).status_code == 200
    client.force_login(liaison_b)
    assert client.get(url).status_code == 404
