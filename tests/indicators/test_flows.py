"""The value flow over HTTP through every branch: draft → submit → return → resubmit → approve,
the binding warning, the qualitative judgement and evidence."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from viewflow.workflow.models import Process, Task

from evidence.services import evidence_for
from indicators import services
from indicators.models import IndicatorValue
from notifications.models import Notification
from tasks.models import Membership
from tests.factories import MembershipFactory, make_user
from tests.indicators.conftest import approved, draft, submitted

PDF = b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"


def post_new(client, indicator, **fields):
    data = {"year": 2024, "period_code": "", "value": "78.6", "source": "信息系统年报"}
    data.update(fields)
    return client.post(reverse("indicators:value_new", args=[indicator.pk]), data)


def act(client, record, action, **fields):
    """One action on the value's page: each has its own URL (save and submit share the form's)."""
    if action in {"save", "submit"}:
        url, data = "indicators:value_edit", {action: "", **fields}
    elif action in {"approve", "return"}:
        url, data = "indicators:value_decide", {"decision": action, "round": record.round, **fields}
    else:
        url, data = f"indicators:value_{action}", fields
    return client.post(reverse(url, args=[record.pk]), data)


def test_every_branch(client, rate, liaison_a, supervisor, plan):
    client.force_login(liaison_a)
    response = post_new(client, rate, save="")
    record = IndicatorValue.objects.get()
    assert response.status_code == 302 and response.url == record.get_absolute_url()
    assert record.status == "draft" and record.value == Decimal("78.6") and record.period_code == "2024"
    process = Process.objects.get(artifact_object_id=record.pk, flow_class__icontains="IndicatorValueFlow")
    page = client.get(record.get_absolute_url()).content.decode()
    assert 'id="value-form"' in page and "data-warn-unsaved" in page and 'form="value-form"' in page

    response = act(client, record, "save", value="78.7", source="年报", version=record.version)
    record.refresh_from_db()
    assert response.status_code == 302 and record.value == Decimal("78.7")

    response = act(client, record, "submit", value="78.7", source="年报", version=record.version)
    record.refresh_from_db()
    assert response.status_code == 302 and record.status == "submitted" and record.reported_by == liaison_a
    assert record.round == 1

    client.force_login(supervisor)
    response = act(client, record, "return", reason="")
    assert response.status_code == 400
    record.refresh_from_db()
    assert record.status == "submitted"
    response = act(client, record, "return", reason="请附统计报表")
    record.refresh_from_db()
    assert response.status_code == 302 and record.status == "returned" and record.return_reason == "请附统计报表"

    client.force_login(liaison_a)
    page = client.get(record.get_absolute_url())
    assert "请附统计报表" in page.content.decode()
    # The upload posts the typed fields with it: what was typed is saved as the draft.
    upload = SimpleUploadedFile("统计报表.pdf", PDF, content_type="application/pdf")
    response = client.post(
        reverse("indicators:value_evidence_upload", args=[record.pk]),
        {"files": [upload], "value": "79.1", "source": "年报", "version": record.version},
    )
    record.refresh_from_db()
    assert response.status_code == 302 and record.value == Decimal("79.1") and record.status == "returned"
    response = act(client, record, "submit", value="79.1", source="年报", version=record.version)
    record.refresh_from_db()
    assert record.status == "submitted" and record.round == 2

    client.force_login(supervisor)
    page = client.get(record.get_absolute_url()).content.decode()
    assert 'name="accept_files"' in page and "/review/indicator_value/" in page  # the file's accept/reject controls
    response = act(client, record, "approve", reason="")
    record.refresh_from_db()
    assert response.status_code == 400 and record.status == "submitted"  # the file is undecided
    response = act(client, record, "approve", reason="", accept_files="on")
    record.refresh_from_db()
    assert response.status_code == 302 and record.status == "approved" and record.decided_by == supervisor
    process.refresh_from_db()
    assert process.status == "DONE"
    assert not Task.objects.filter(process=process, status__in=["NEW", "ASSIGNED", "STARTED"]).exists()
    # approved values are final
    client.force_login(liaison_a)
    assert act(client, record, "save", value="80", source="x", version=record.version).status_code == 400
    record.refresh_from_db()
    assert record.value == Decimal("79.1")
    detail = client.get(rate.get_absolute_url()).content.decode()
    assert 'data-attainment="met"' in detail  # 79.1 ≥ the 2024 annual target 79


def test_a_decision_on_a_round_not_read_is_refused(en_client, rate, liaison_a, supervisor):
    client = en_client
    record = submitted(rate, liaison_a)
    client.force_login(supervisor)
    response = act(client, record, "approve", round=record.round + 1)
    record.refresh_from_db()
    assert response.status_code == 400 and record.status == "submitted"
    assert "submitted again after you opened it" in response.content.decode()


def test_the_liaison_removes_a_file_keeping_what_was_typed(client, rate, liaison_a):
    record = draft(rate, liaison_a)
    [evidence] = services.value_attach_evidence(
        record=record, user=liaison_a, uploads=[SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf")]
    )
    record.refresh_from_db()
    client.force_login(liaison_a)
    response = client.post(
        reverse("indicators:value_evidence_remove", args=[record.pk, evidence.pk]),
        {"value": "77", "source": "年报", "version": record.version},
    )
    record.refresh_from_db()
    evidence.refresh_from_db()
    assert response.status_code == 302 and evidence.removed_at is not None and record.value == Decimal("77")


def test_submit_straight_from_the_indicator_page_and_late(client, rate, liaison_a):
    client.force_login(liaison_a)
    post_new(client, rate, year=2021, submit="")
    record = IndicatorValue.objects.get()
    assert record.status == "submitted" and record.is_late  # 2021's value was due 2022-03-31


def test_binding_indicator_at_risk_warns_supervisors_once(rate, liaison_a, supervisor):
    approved(rate, liaison_a, supervisor, year=2024, value="78.6")  # below the line and the target
    warnings = Notification.objects.filter(user=supervisor, kind="info")
    assert warnings.count() == 1 and rate.name in warnings.get().display_title
    approved(rate, liaison_a, supervisor, year=2024, period_code="2024H1", value="78")
    assert warnings.count() == 1


def test_on_track_or_expected_indicators_do_not_warn(plan, rate, liaison_a, supervisor):
    approved(rate, liaison_a, supervisor, year=2024, value="79.5")
    rate.nature = "expected"
    rate.save()
    approved(rate, liaison_a, supervisor, year=2023, value="70")
    assert not Notification.objects.filter(kind="info").exists()


def test_qualitative_judgement(client, qualitative, liaison_a, supervisor):
    record = submitted(qualitative, liaison_a)
    client.force_login(supervisor)
    response = act(client, record, "judge", judgement="met", comment="")
    assert response.status_code == 400
    response = act(client, record, "judge", judgement="met", comment="制度已印发，会议纪要齐全")
    record.refresh_from_db()
    assert response.status_code == 302 and record.supervisor_judgement == "met" and record.judged_by == supervisor
    assert act(client, record, "approve", reason="").status_code == 302
    page = client.get(record.get_absolute_url()).content.decode()
    assert 'data-attainment="met"' in page


def test_two_supervisors_deciding_the_same_value(rate, liaison_a, supervisor, english):
    from tests.factories import make_supervisor

    record = submitted(rate, liaison_a)
    services.value_approve(record=record, user=supervisor)
    with pytest.raises(ValidationError, match="already decided"):
        services.value_return(record=record, user=make_supervisor(), reason="晚了")
    with pytest.raises(ValidationError, match="This value was already decided"):
        services.value_approve(record=record, user=make_supervisor())


def test_the_lifecycle_wiring(rate, liaison_a, supervisor, english):
    """submit → return (with a reason) → resubmit → approve through the services: the process
    ends, everyone concerned is told, and a file left undecided holds the approval."""
    head = make_user("liaison", "head-a")
    MembershipFactory(user=head, department=rate.department, role=Membership.Role.HEAD)
    record = submitted(rate, liaison_a)
    assert Notification.objects.filter(user=supervisor, message="review.indicator_value.submitted").count() == 1
    record = services.value_return(record=record, user=supervisor, reason="口径不清", round=record.round)
    for user in (liaison_a, head):
        notification = Notification.objects.get(user=user, message="review.indicator_value.returned")
        assert notification.url == record.get_absolute_url()
    services.value_attach_evidence(
        record=record, user=liaison_a, uploads=[SimpleUploadedFile("口径说明.pdf", PDF, content_type="application/pdf")],
        data={"value": "79.5", "source": "卫健统计年报"}, version=record.version,
    )
    record = services.value_submit(record=record, user=liaison_a)
    assert record.round == 2 and record.value == Decimal("79.5")
    with pytest.raises(ValidationError, match="Decide every file"):
        services.value_approve(record=record, user=supervisor, round=record.round)
    record = services.value_approve(record=record, user=supervisor, round=record.round, accept_pending_evidence=True)
    assert record.status == "approved" and evidence_for(record).get().review_status == "accepted"
    process = Process.objects.get(artifact_object_id=record.pk, flow_class__icontains="IndicatorValueFlow")
    assert process.status == "DONE"
    for user in (liaison_a, head):
        assert Notification.objects.filter(user=user, message="review.indicator_value.approved").count() == 1
    assert not Notification.objects.filter(user=supervisor, message__startswith="review.indicator_value.r").exists()
