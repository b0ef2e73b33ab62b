"""The value flow over HTTP through every branch: draft → submit → return → resubmit → approve,
the binding warning, the qualitative judgement and evidence."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from viewflow.workflow.models import Process, Task

from indicators.models import IndicatorValue
from notifications.models import Notification
from tests.indicators.conftest import approved, submitted

PDF = b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"


def post_new(client, indicator, **fields):
    data = {"year": 2024, "period_code": "", "value": "78.6", "source": "信息系统年报"}
    data.update(fields)
    return client.post(reverse("indicators:indicator_detail", args=[indicator.pk]), data)


def act(client, record, action, **fields):
    data = {"action": action, **fields}
    return client.post(reverse("indicators:value_detail", args=[record.pk]), data)


def test_every_branch(client, rate, liaison_a, supervisor, plan):
    client.force_login(liaison_a)
    response = post_new(client, rate, save="")
    record = IndicatorValue.objects.get()
    assert response.status_code == 302 and response.url == record.get_absolute_url()
    assert record.status == "draft" and record.value == Decimal("78.6") and record.period_code == "2024"
    process = Process.objects.get(artifact_object_id=record.pk, flow_class__icontains="IndicatorValueFlow")

    response = act(client, record, "save", value="78.7", source="年报", version=record.version)
    record.refresh_from_db()
    assert response.status_code == 302 and record.value == Decimal("78.7")

    response = act(client, record, "submit", value="78.7", source="年报", version=record.version)
    record.refresh_from_db()
    assert response.status_code == 302 and record.status == "submitted" and record.reported_by == liaison_a

    client.force_login(supervisor)
    response = act(client, record, "return", reason="", version=record.version)
    assert response.status_code == 400
    record.refresh_from_db()
    assert record.status == "submitted"
    response = act(client, record, "return", reason="请附统计报表", version=record.version)
    record.refresh_from_db()
    assert response.status_code == 302 and record.status == "returned" and record.return_reason == "请附统计报表"

    client.force_login(liaison_a)
    page = client.get(record.get_absolute_url())
    assert "请附统计报表" in page.content.decode()
    upload = SimpleUploadedFile("统计报表.pdf", PDF, content_type="application/pdf")
    response = client.post(record.get_absolute_url(), {"action": "evidence", "files": [upload]})
    assert response.status_code == 302
    response = act(client, record, "submit", value="79.1", source="年报", version=record.version)
    record.refresh_from_db()
    assert record.status == "submitted"

    client.force_login(supervisor)
    response = act(client, record, "approve", reason="", version=record.version)
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
    response = client.post(record.get_absolute_url(), {"action": "judge", "judgement": "met", "comment": ""})
    assert response.status_code == 400
    response = client.post(record.get_absolute_url(), {"action": "judge", "judgement": "met", "comment": "制度已印发，会议纪要齐全"})
    record.refresh_from_db()
    assert response.status_code == 302 and record.supervisor_judgement == "met" and record.judged_by == supervisor
    assert act(client, record, "approve", reason="", version=record.version).status_code == 302
    page = client.get(record.get_absolute_url()).content.decode()
    assert 'data-attainment="met"' in page


def test_two_supervisors_deciding_the_same_value(rate, liaison_a, supervisor, english):
    from django.core.exceptions import ValidationError

    from indicators import services
    from tests.factories import make_supervisor

    record = submitted(rate, liaison_a)
    services.value_approve(record=record, user=supervisor)
    with pytest.raises(ValidationError, match="already decided"):
        services.value_return(record=record, user=make_supervisor(), reason="晚了")
