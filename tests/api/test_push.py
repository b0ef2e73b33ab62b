"""Indicator values pushed by an external system: the same lifecycle as typed values, idempotent by
external_id, bulk all or nothing, every refusal a problem-details answer that names the field and
changes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from api.models import ApiCall, ValuePush
from audit.models import AuditEntry
from indicators import services as indicator_services
from indicators.models import IndicatorValue
from tests.api.conftest import client_with, token_for
from tests.factories import RegionFactory

pytestmark = pytest.mark.django_db

PUSH = "/api/v1/indicator-values/push/"
BULK = "/api/v1/indicator-values/bulk/"


def body(rate, **changes):
    data = {
        "external_id": "smd-2025Q2-0001", "indicator": rate.pk, "year": 2025, "period_code": "2025Q2",
        "value": "82.5", "source": "省严重精神障碍信息系统",
    }
    data.update(changes)
    return data


def snapshot():
    return (
        list(IndicatorValue.objects.values_list("pk", "value", "status", "version")),
        ValuePush.objects.count(),
        AuditEntry.objects.count(),
    )


def test_a_push_enters_the_review_lifecycle_as_a_typed_value_does(system_client, rate, supervisor, system_account):
    response = system_client.post(PUSH, body(rate), format="json")
    assert response.status_code == 201, response.content
    assert response.json()["outcome"] == "created"
    record = IndicatorValue.objects.get()
    assert (record.value, record.status, record.period_code, record.region_id) == (
        Decimal("82.5"), IndicatorValue.Status.SUBMITTED, "2025Q2", rate.plan.region_id
    )
    assert record.reported_by == system_account[0]
    actions = list(AuditEntry.objects.for_object(record).values_list("action", flat=True))
    assert "submit" in actions and "api_push" in actions
    # The supervisor approves it as any other value: it counts for attainment.
    indicator_services.value_approve(record=record, user=supervisor)
    assert IndicatorValue.objects.get().status == IndicatorValue.Status.APPROVED


def test_a_draft_push_stays_a_draft(system_client, rate):
    response = system_client.post(PUSH, body(rate, submit=False), format="json")
    assert response.status_code == 201
    assert IndicatorValue.objects.get().status == IndicatorValue.Status.DRAFT


def test_the_same_push_twice_changes_nothing(system_client, rate):
    assert system_client.post(PUSH, body(rate), format="json").status_code == 201
    before = snapshot()
    again = system_client.post(PUSH, body(rate), format="json")
    assert again.status_code == 200
    assert again.json()["outcome"] == "unchanged"
    assert snapshot() == before


def test_the_same_external_id_with_other_content_is_a_conflict(system_client, rate):
    system_client.post(PUSH, body(rate), format="json")
    before = snapshot()
    response = system_client.post(PUSH, body(rate, value="90"), format="json")
    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == "external_id"
    assert snapshot() == before


def test_a_changed_value_for_an_approved_period_is_refused_until_returned(system_client, rate, supervisor):
    system_client.post(PUSH, body(rate), format="json")
    record = IndicatorValue.objects.get()
    indicator_services.value_approve(record=record, user=supervisor)
    before = snapshot()
    refused = system_client.post(PUSH, body(rate, external_id="smd-2025Q2-0002", value="85"), format="json")
    assert refused.status_code == 409
    assert refused.json()["errors"][0]["field"] == "value"
    assert snapshot() == before
    # The same figure under a new id is no change at all.
    same = system_client.post(PUSH, body(rate, external_id="smd-2025Q2-0003"), format="json")
    assert same.status_code == 200 and same.json()["outcome"] == "unchanged"


def test_a_returned_value_takes_a_corrected_push(system_client, rate, supervisor):
    system_client.post(PUSH, body(rate), format="json")
    record = IndicatorValue.objects.get()
    indicator_services.value_return(record=record, user=supervisor, reason="请核对分母")
    response = system_client.post(PUSH, body(rate, external_id="smd-2025Q2-0002", value="81"), format="json")
    assert response.status_code == 200, response.content
    assert response.json()["outcome"] == "updated"
    record.refresh_from_db()
    assert (record.value, record.status, record.round) == (Decimal("81"), IndicatorValue.Status.SUBMITTED, 2)


@pytest.mark.parametrize(
    ("changes", "status", "field"),
    [
        ({"indicator": "seven"}, 400, "indicator"),  # wrong type
        ({"year": "2025"}, 400, "year"),  # a number as a string
        ({"submit": "yes"}, 400, "submit"),
        ({"value": {"n": 1}}, 400, "value"),
        ({"source": ""}, 400, "source"),
        ({"indicator": 999999}, 422, "indicator"),  # unknown id
        ({"value": "120"}, 422, "value"),  # out of range for a percent
        ({"value": "5‰"}, 422, "value"),  # the wrong unit
        ({"value": "-3"}, 422, "value"),
        ({"period_code": "2025Q7"}, 422, "period_code"),
        ({"year": 2040}, 422, "year"),
        ({"value": 1e308}, 422, "value"),
        # Found by schemathesis: a numerator of 8.6e307 crashed the numerator's check (a 500).
        ({"value": None, "numerator": 8.6e307, "denominator": "100"}, 422, "numerator"),
        ({"value": None, "numerator": "50", "denominator": "0"}, 422, "denominator"),
    ],
)
def test_bad_input_is_a_problem_naming_the_field_and_changes_nothing(system_client, rate, changes, status, field):
    before = snapshot()
    response = system_client.post(PUSH, body(rate, **changes), format="json")
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == status and problem["title"] and problem["detail"]
    assert field in [error["field"] for error in problem["errors"]]
    assert snapshot() == before


def test_an_indicator_of_another_region_is_unknown(system_client, rate, region):
    from tests.factories import DepartmentFactory, PlanFactory
    from tests.indicators.conftest import make_indicator

    elsewhere = RegionFactory(name="乙市", parent=region.parent)
    other = make_indicator(PlanFactory(region=elsewhere), DepartmentFactory(region=elsewhere), code="1")
    response = system_client.post(PUSH, body(rate, indicator=other.pk), format="json")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "indicator"
    assert not IndicatorValue.objects.exists()


def test_a_region_outside_the_plan_is_refused(system_client, rate, region):
    elsewhere = RegionFactory(name="乙市", parent=region.parent)
    response = system_client.post(PUSH, body(rate, region=elsewhere.pk), format="json")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "region"


def test_a_liaison_of_another_department_may_not_push(liaison_b, rate):
    response = client_with(token_for(liaison_b)).post(PUSH, body(rate), format="json")
    assert response.status_code == 422  # the indicator is not in their scope: as if unknown
    assert not IndicatorValue.objects.exists()


def test_an_oversized_body_is_refused(system_client, rate, settings):
    settings.API_BODY_MAX_BYTES = 2000
    response = system_client.post(PUSH, body(rate, source="x" * 3000), format="json")
    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"
    assert not IndicatorValue.objects.exists()


def test_problems_follow_accept_language(system_account, rate):
    chinese = client_with(system_account[1], "zh-hans").post(PUSH, body(rate, value="120"), format="json")
    english = client_with(system_account[1], "en").post(PUSH, body(rate, value="120"), format="json")
    assert "between" in english.json()["errors"][0]["detail"]
    assert chinese.json()["errors"][0]["detail"] != english.json()["errors"][0]["detail"]
    assert chinese["Content-Language"] == "zh-hans"


# --- bulk ------------------------------------------------------------------------------------


PERIODS = ("2025", "2025Q1", "2025Q2", "2025Q3", "2025Q4", "2025H1", "2025H2")


def items(rate, count, region_ids):
    """``count`` values, each of its own (period, region)."""
    return [
        body(rate, external_id=f"bulk-{n}", period_code=PERIODS[n % 7], region=region_ids[n // 7 % len(region_ids)], value=str(70 + n % 20))
        for n in range(count)
    ]


def test_bulk_saves_every_value(system_client, rate, region):
    counties = [region.pk] + [RegionFactory(name=f"县{n}", parent=region, level="county").pk for n in range(3)]
    response = system_client.post(BULK, {"items": items(rate, 16, counties)}, format="json")
    assert response.status_code == 200, response.content
    assert [r["outcome"] for r in response.json()["results"]] == ["created"] * 16
    assert IndicatorValue.objects.count() == 16
    again = system_client.post(BULK, {"items": items(rate, 16, counties)}, format="json")
    assert {r["outcome"] for r in again.json()["results"]} == {"unchanged"}


def test_bulk_is_all_or_nothing_with_every_error_by_index(system_client, rate, region):
    batch = items(rate, 6, [region.pk])
    batch[2]["value"] = "150"
    batch[4]["indicator"] = 999999
    before = snapshot()
    response = system_client.post(BULK, {"items": batch}, format="json")
    assert response.status_code == 422
    fields = [error["field"] for error in response.json()["errors"]]
    assert fields == ["items.2.value", "items.4.indicator"]
    assert snapshot() == before


def test_bulk_refuses_more_than_a_thousand(system_client, rate, region):
    response = system_client.post(BULK, {"items": items(rate, 1001, [region.pk])}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "items"
    assert not IndicatorValue.objects.exists()


def test_every_call_is_audited(system_client, rate, system_account):
    system_client.post(PUSH, body(rate), format="json")
    system_client.get("/api/v1/indicator-values/")
    calls = list(ApiCall.objects.order_by("pk").values_list("method", "path", "status", "user__username", "token__kind"))
    assert calls == [
        ("POST", PUSH, 201, "smd-system", "system"),
        ("GET", "/api/v1/indicator-values/", 200, "smd-system", "system"),
    ]
    assert ApiCall.objects.order_by("pk").first().summary.startswith("push smd-2025Q2-0001: created")


# --- progress report drafts ------------------------------------------------------------------


@pytest.fixture
def report(task_a, liaison_a):
    from tasks.progress import report_open, reporting_period

    return report_open(task=task_a, period=reporting_period(plan=task_a.plan, cadence="quarterly", year=2025, number=2), department=task_a.task_departments.get(role="lead").department)


def test_the_reports_liaison_saves_a_draft_by_api_but_does_not_submit(report, liaison_a, liaison_b):
    from tasks.models import ProgressReport

    url = f"/api/v1/progress-reports/{report.pk}/"
    client = client_with(token_for(liaison_a))
    response = client.patch(url, {"version": report.version, "percent_complete": 60, "achievements": "完成平台对接"}, format="json")
    assert response.status_code == 200, response.content
    report.refresh_from_db()
    assert (report.percent_complete, report.achievements, report.status) == (60, "完成平台对接", ProgressReport.Status.DRAFT)
    stale = client.patch(url, {"version": 0, "percent_complete": 70}, format="json")
    assert stale.status_code == 409 and stale.json()["errors"][0]["field"] == "version"
    wrong = client.patch(url, {"version": report.version, "percent_complete": 170}, format="json")
    assert wrong.status_code == 400 and wrong.json()["errors"][0]["field"] == "percent_complete"
    # Someone else's report: the co-operating department reads it at most; it may not write it.
    other = client_with(token_for(liaison_b)).patch(url, {"version": report.version, "percent_complete": 10}, format="json")
    assert other.status_code in (403, 404)
    report.refresh_from_db()
    assert report.percent_complete == 60


def test_a_body_that_is_not_json_is_a_problem(system_client, rate):
    broken = system_client.post(PUSH, "{not json", content_type="application/json")
    assert broken.status_code == 400 and broken["Content-Type"] == "application/problem+json"
    form = system_client.post(PUSH, {"external_id": "x"})  # multipart: not what the API reads
    assert form.status_code == 415 and form["Content-Type"] == "application/problem+json"
    assert not IndicatorValue.objects.exists()
