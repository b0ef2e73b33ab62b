"""Two-level approval: a report (or indicator value) on a task cascaded from a province plan with
``cascade_acceptance``, approved by the prefecture's supervisor, goes on to the province's
supervisor, who accepts it (locking it) or sends it back with a reason (reopening it at the
prefecture, everyone told). One lifecycle (workflows.lifecycle), one more step."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from audit.models import AuditEntry
from indicators import services as values
from indicators.cascade import cascade_indicators
from indicators.models import Indicator, IndicatorValue
from notifications.models import Notification
from tasks import progress
from tasks.cascade import cascade_tasks
from tasks.models import KeyTask, ProgressReport
from tests.factories import (
    DepartmentFactory,
    KeyTaskFactory,
    PlanFactory,
    ProvinceFactory,
    RegionFactory,
    make_liaison,
    make_supervisor,
)
from tests.indicators.conftest import make_indicator
from tests.progress.conftest import ON_TIME, WORK_DONE
from workflows import lifecycle
from workflows.models import Acceptance

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def world():
    province = ProvinceFactory()
    province_health = DepartmentFactory(region=province, name="湖北省卫生健康委员会", short_name="省卫健委", is_supervising=True)
    plan = PlanFactory(region=province, title="湖北省精神卫生“十四五”规划", cascade_acceptance=True)
    task = KeyTaskFactory(plan=plan, code="1", title="建设省级平台")
    indicator = make_indicator(plan, province_health)
    wuhan = RegionFactory(parent=province, name="武汉市", code="420100")
    huangshi = RegionFactory(parent=province, name="黄石市", code="420200")
    commissions = {
        region: DepartmentFactory(region=region, name=f"{region.name}卫生健康委员会", short_name=f"{region.name}卫健委", is_supervising=True)
        for region in (wuhan, huangshi)
    }
    cascade_tasks(plan=plan, tasks=[task], regions=[wuhan, huangshi], actor=None)
    cascade_indicators(plan=plan, indicators=[indicator], regions=[wuhan], actor=None)
    w = type("World", (), {})()
    w.plan, w.task, w.indicator = plan, task, indicator
    w.city_task = KeyTask.objects.get(parent=task, plan__region=wuhan)
    w.city_indicator = Indicator.objects.get(parent=indicator)
    w.liaison = make_liaison(commissions[wuhan], "wuhan-liaison")
    w.city_supervisor = make_supervisor("wuhan-supervisor", region=wuhan)
    w.other_city_supervisor = make_supervisor("huangshi-supervisor", region=huangshi)
    w.province_supervisor = make_supervisor("province-supervisor", region=province)
    return w


def submitted_report(w) -> ProgressReport:
    period = progress.reporting_period(plan=w.city_task.plan, cadence="quarterly", year=2024, number=2)
    report = progress.report_open(task=w.city_task, period=period, department=w.city_task.primary_lead)
    return progress.report_submit(
        report=report, user=w.liaison, version=report.version, data={"achievements": WORK_DONE, "percent_complete": 40}, at=ON_TIME
    )


def open_steps(subject) -> list[str]:
    return sorted(t.flow_task.name for t in lifecycle.open_tasks(subject))


def test_approval_below_waits_for_the_province_which_accepts_and_locks_it(world):
    report = submitted_report(world)
    report = progress.report_approve(report=report, user=world.city_supervisor, round=report.round)

    assert (report.status, report.acceptance) == (ProgressReport.Status.APPROVED, Acceptance.PENDING)
    assert open_steps(report) == ["accept"]
    assert Notification.objects.filter(user=world.province_supervisor, message="review.progress_report.awaiting_acceptance").exists()
    assert not Notification.objects.filter(user=world.other_city_supervisor, message="review.progress_report.awaiting_acceptance").exists()

    report = lifecycle.review_accept(report, user=world.province_supervisor, accept=True)

    assert report.acceptance == Acceptance.ACCEPTED and report.accepted_by == world.province_supervisor
    assert open_steps(report) == []
    assert AuditEntry.objects.filter(action="accept_higher", from_state="pending", to_state="accepted").count() == 1
    with pytest.raises(ValidationError, match="already accepted"):
        lifecycle.review_accept(report, user=world.province_supervisor, accept=False, reason="再看看")
    with pytest.raises(ValidationError):  # the lower level's approval is locked for good
        progress.report_save(report=report, user=world.liaison, data={"achievements": "改"}, version=report.version)


def test_the_province_sends_back_with_a_reason_and_the_report_goes_round_again(world):
    report = submitted_report(world)
    report = progress.report_approve(report=report, user=world.city_supervisor, round=report.round)

    with pytest.raises(ValidationError):
        lifecycle.review_accept(report, user=world.province_supervisor, accept=False, reason="  ")
    report.refresh_from_db()
    assert report.acceptance == Acceptance.PENDING

    report = lifecycle.review_accept(report, user=world.province_supervisor, accept=False, reason="缺少佐证材料")

    assert (report.status, report.acceptance, report.return_reason) == (ProgressReport.Status.RETURNED, "", "缺少佐证材料")
    assert open_steps(report) == ["write"]
    told = set(Notification.objects.filter(message="review.progress_report.sent_back").values_list("user__username", flat=True))
    assert told == {"wuhan-liaison", "wuhan-supervisor"}
    assert AuditEntry.objects.filter(action="send_back", from_state="approved", to_state="returned", comment="缺少佐证材料").exists()

    report = progress.report_submit(report=report, user=world.liaison, version=report.version, data={"achievements": WORK_DONE + "补充材料。"})
    report = progress.report_approve(report=report, user=world.city_supervisor, round=report.round)
    assert report.acceptance == Acceptance.PENDING and report.round == 2
    lifecycle.review_accept(report, user=world.province_supervisor, accept=True)


def test_the_province_cannot_accept_before_the_prefecture_approved(world):
    report = submitted_report(world)
    with pytest.raises(ValidationError, match="not been approved by the lower level"):
        lifecycle.review_accept(report, user=world.province_supervisor, accept=True)
    report.refresh_from_db()
    assert (report.status, report.acceptance) == (ProgressReport.Status.SUBMITTED, "")


def test_only_a_supervisor_of_the_higher_region_accepts(world):
    report = submitted_report(world)
    report = progress.report_approve(report=report, user=world.city_supervisor, round=report.round)
    for user in (world.city_supervisor, world.liaison):
        with pytest.raises(PermissionDenied):
            lifecycle.review_accept(report, user=user, accept=True)
    report.refresh_from_db()
    assert report.acceptance == Acceptance.PENDING


def test_without_the_plan_setting_approval_is_final_at_the_prefecture(world):
    world.plan.cascade_acceptance = False
    world.plan.save()
    report = submitted_report(world)
    report = progress.report_approve(report=report, user=world.city_supervisor, round=report.round)
    assert (report.status, report.acceptance) == (ProgressReport.Status.APPROVED, "")
    assert open_steps(report) == []


def test_accepting_on_the_page(client, world):
    report = submitted_report(world)
    report = progress.report_approve(report=report, user=world.city_supervisor, round=report.round)
    url = reverse("review:accept", args=["progress_report", report.pk])

    client.force_login(world.other_city_supervisor)  # another prefecture: the report does not exist for them
    assert client.post(url, {"decision": "accept"}).status_code == 404
    client.force_login(world.city_supervisor)
    page = client.get(report.get_absolute_url())
    assert 'id="acceptance-panel"' in page.content.decode() and 'id="acceptance-form"' not in page.content.decode()
    assert client.post(url, {"decision": "accept"}).status_code == 403

    client.force_login(world.province_supervisor)
    page = client.get(report.get_absolute_url())
    assert 'id="acceptance-form"' in page.content.decode()
    response = client.post(url, {"decision": "send_back", "reason": ""})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.acceptance == Acceptance.PENDING  # a send-back without a reason changes nothing
    client.post(url, {"decision": "accept"})
    report.refresh_from_db()
    assert report.acceptance == Acceptance.ACCEPTED


def test_indicator_values_follow_the_same_path(world):
    record = values.value_save(user=world.liaison, indicator=world.city_indicator, year=2024, data={"value": "81", "source": "年报"})
    assert record.region.name == "武汉市"
    record = values.value_submit(record=record, user=world.liaison, version=record.version)
    record = values.value_approve(record=record, user=world.city_supervisor, round=record.round)
    assert record.acceptance == Acceptance.PENDING

    record = lifecycle.review_accept(record, user=world.province_supervisor, accept=False, reason="口径不一致")
    assert (record.status, record.return_reason) == (IndicatorValue.Status.RETURNED, "口径不一致")
    record = values.value_submit(record=record, user=world.liaison, version=record.version, data={"value": "80.5", "source": "年报"})
    record = values.value_approve(record=record, user=world.city_supervisor, round=record.round)
    record = lifecycle.review_accept(record, user=world.province_supervisor, accept=True)
    assert record.acceptance == Acceptance.ACCEPTED
    assert Task.objects.filter(process__artifact_object_id=record.pk, status=STATUS.NEW).count() == 0


def test_the_acceptance_step_waits_in_the_province_queue_only(client, world):
    report = submitted_report(world)
    progress.report_approve(report=report, user=world.city_supervisor, round=report.round)
    client.force_login(world.province_supervisor)
    assert "建设省级平台" in client.get(reverse("inbox:queue")).content.decode()
    client.force_login(world.city_supervisor)
    assert "建设省级平台" not in client.get(reverse("inbox:queue")).content.decode()


def test_a_late_accept_is_recorded_with_its_time(world):
    report = submitted_report(world)
    report = progress.report_approve(report=report, user=world.city_supervisor, round=report.round)
    at = datetime.datetime(2024, 8, 1, 9, tzinfo=datetime.UTC)
    report = lifecycle.review_accept(report, user=world.province_supervisor, accept=True, at=at)
    assert report.accepted_at == at


def approved_below(world, *regions_tasks):
    """Reports of the cascaded task in 武汉市 for Q2 and Q3, approved by 武汉市 and awaiting the province."""
    reports = []
    for number in (2, 3):
        period = progress.reporting_period(plan=world.city_task.plan, cadence="quarterly", year=2024, number=number)
        report = progress.report_open(task=world.city_task, period=period, department=world.city_task.primary_lead)
        report = progress.report_submit(
            report=report, user=world.liaison, version=report.version, data={"achievements": WORK_DONE}, at=ON_TIME
        )
        reports.append(progress.report_approve(report=report, user=world.city_supervisor, round=report.round))
    return reports


def test_the_province_accepts_many_at_once_from_its_queue(client, world):
    first, second = approved_below(world)
    client.force_login(world.province_supervisor)
    queue = client.get(reverse("inbox:queue")).content.decode()
    assert f'value="progress_report:{first.pk}"' in queue and 'id="bulk-accept"' in queue

    response = client.post(
        reverse("review:accept_many"),
        {"subject": [f"progress_report:{first.pk}", f"progress_report:{second.pk}"], "decision": "accept", "next": reverse("inbox:queue")},
    )
    assert response.status_code == 302 and response.url == reverse("inbox:queue")
    assert set(ProgressReport.objects.filter(pk__in=[first.pk, second.pk]).values_list("acceptance", flat=True)) == {"accepted"}
    assert 'id="bulk-accept"' not in client.get(reverse("inbox:queue")).content.decode()


def test_bulk_acceptance_is_all_or_nothing(world):
    first, second = approved_below(world)
    lifecycle.review_accept(second, user=world.province_supervisor, accept=True)  # decided meanwhile
    with pytest.raises(ValidationError, match="Nothing was changed"):
        lifecycle.review_accept_many([first, second], user=world.province_supervisor, accept=True)
    first.refresh_from_db()
    assert first.acceptance == Acceptance.PENDING
    with pytest.raises(ValidationError):  # sending back needs a reason, for all of them
        lifecycle.review_accept_many([first], user=world.province_supervisor, accept=False, reason="")


def test_bulk_acceptance_of_another_prefectures_work_is_not_found(client, world):
    first, _second = approved_below(world)
    client.force_login(world.other_city_supervisor)
    response = client.post(reverse("review:accept_many"), {"subject": [f"progress_report:{first.pk}"], "decision": "accept"})
    assert response.status_code == 404
    first.refresh_from_db()
    assert first.acceptance == Acceptance.PENDING
