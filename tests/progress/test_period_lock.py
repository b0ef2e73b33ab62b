"""报告期关闭: a closed period takes no submission until a supervisor reopens it (tasks.periods).

``report`` is 2024 Q2 of ``task_a`` (due 2024-07-10), with a contribution of dept B.
"""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from supervision.sweep import sweep_deadlines
from tasks import periods, progress
from tasks.models import Contribution, ProgressReport
from tests.progress.conftest import WORK_DONE, approved, fill, snapshot, submitted

pytestmark = pytest.mark.django_db

D = datetime.date
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
MESSAGE = "此报告期已关闭"


def at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), SHANGHAI)


@pytest.fixture
def closed(period, supervisor):
    return periods.period_close(period=period, user=supervisor)


# --- submissions refused --------------------------------------------------------------------


def test_a_report_cannot_be_submitted_into_a_closed_period_and_nothing_changes(client, liaison_a, report, closed):
    before = snapshot()
    client.force_login(liaison_a)
    response = client.post(reverse("tasks:report_edit", args=[report.pk]), {**fill(report, missing_contributions_reason="另报"), "submit": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert MESSAGE in page and "请联系督导员重新开放" in page
    assert snapshot() == before
    assert ProgressReport.objects.get(pk=report.pk).status == "draft"


def test_the_service_refuses_with_the_message(english, liaison_a, report, closed):
    with pytest.raises(ValidationError, match="is closed.*Ask a supervisor to reopen it"):
        submitted(report, liaison_a, at=timezone.now())


def test_a_contribution_cannot_be_submitted_into_a_closed_period(client, liaison_b, contribution, closed):
    before = snapshot()
    client.force_login(liaison_b)
    response = client.post(reverse("tasks:contribution_edit", args=[contribution.pk]), {"content": "已完成", "submit": ""})
    assert response.status_code == 400 and MESSAGE in response.content.decode()
    assert snapshot() == before
    assert Contribution.objects.get(pk=contribution.pk).status == "pending"


def test_the_report_page_says_the_period_is_closed(client, liaison_a, report, closed):
    client.force_login(liaison_a)
    assert 'id="period-closed"' in client.get(report.get_absolute_url()).content.decode()


def test_a_draft_can_still_be_saved(liaison_a, report, closed):
    progress.report_save(report=report, user=liaison_a, data={"achievements": WORK_DONE}, version=report.version)
    assert ProgressReport.objects.get(pk=report.pk).achievements == WORK_DONE


def test_a_submission_dated_before_the_closing_is_accepted(liaison_a, report, period, supervisor):
    periods.period_close(period=period, user=supervisor, at=at(D(2024, 8, 1)))
    submitted(report, liaison_a, at=at(D(2024, 7, 5)))
    assert ProgressReport.objects.get(pk=report.pk).status == "submitted"


# --- reopening ------------------------------------------------------------------------------


def test_a_supervisor_reopens_with_a_reason_audited_and_the_report_goes_in(client, supervisor, liaison_a, report, period, closed):
    client.force_login(supervisor)
    response = client.post(reverse("tasks:period_reopen", args=[period.pk]), {"reason": "联络员系统故障，补报"})
    assert response.status_code == 302
    period.refresh_from_db()
    assert period.closed_at is None and period.reopened_by == supervisor and period.reopen_reason == "联络员系统故障，补报"
    entry = AuditEntry.objects.for_object(period).get(action="reopen")
    assert (entry.actor, entry.from_state, entry.to_state, entry.comment) == (supervisor, "closed", "open", "联络员系统故障，补报")
    assert AuditEntry.objects.for_object(period).filter(action="close", actor=supervisor).exists()
    submitted(report, liaison_a, at=timezone.now())
    assert ProgressReport.objects.get(pk=report.pk).status == "submitted"


def test_reopening_needs_a_reason(client, supervisor, period, closed):
    client.force_login(supervisor)
    client.post(reverse("tasks:period_reopen", args=[period.pk]), {"reason": "  "})
    period.refresh_from_db()
    assert period.closed_at is not None
    with pytest.raises(ValidationError):
        periods.period_reopen(period=period, user=supervisor, reason="")


@pytest.mark.parametrize("action", ["period_reopen", "period_close"])
def test_a_liaison_may_neither_reopen_nor_close(client, liaison_a, period, closed, action):
    client.force_login(liaison_a)
    response = client.post(reverse(f"tasks:{action}", args=[period.pk]), {"reason": "我要补报"})
    assert response.status_code == 403
    period.refresh_from_db()
    assert period.closed_at is not None
    assert not AuditEntry.objects.for_object(period).filter(action="reopen").exists()
    with pytest.raises(PermissionDenied):
        periods.period_reopen(period=period, user=liaison_a, reason="我要补报")


def test_the_period_page_lists_the_periods_with_buttons_for_supervisors_only(client, supervisor, liaison_a, plan, report, period, closed):
    url = reverse("tasks:period_list", args=[plan.pk])
    client.force_login(supervisor)
    page = client.get(url).content.decode()
    assert f'id="period-{period.pk}" data-state="closed"' in page and reverse("tasks:period_reopen", args=[period.pk]) in page
    client.force_login(liaison_a)
    page = client.get(url).content.decode()
    assert f'id="period-{period.pk}"' in page and reverse("tasks:period_reopen", args=[period.pk]) not in page


def test_a_supervisor_closes_a_period_by_hand(client, supervisor, period, report):
    client.force_login(supervisor)
    assert client.post(reverse("tasks:period_close", args=[period.pk]), {"comment": "年度结账"}).status_code == 302
    period.refresh_from_db()
    assert period.closed_by == supervisor and periods.period_is_locked(period)
    assert AuditEntry.objects.for_object(period).get(action="close").comment == "年度结账"


# --- the sweep closes them ------------------------------------------------------------------


def test_the_sweep_closes_a_period_its_lock_days_after_the_due_date(plan, report, period, liaison_a):
    assert plan.period_lock_days == 30
    assert sweep_deadlines(now=at(D(2024, 8, 9))).periods_closed == 0  # 30 days after 2024-07-10
    assert sweep_deadlines(now=at(D(2024, 8, 10))).periods_closed == 1
    period.refresh_from_db()
    assert period.closed_by is None and periods.period_is_locked(period, D(2024, 8, 10))
    assert not periods.period_is_locked(period, D(2024, 8, 9))
    entry = AuditEntry.objects.for_object(period).get(action="close")
    assert entry.actor is None and entry.to_state == "closed"
    assert sweep_deadlines(now=at(D(2024, 8, 11))).periods_closed == 0  # closed once
    with pytest.raises(ValidationError):
        submitted(report, liaison_a, at=at(D(2024, 8, 12)))


def test_an_extension_keeps_the_period_open_until_its_lock_days_after_the_new_date(plan, report, period):
    report.due_on = D(2024, 8, 31)
    report.save(update_fields=["due_on"])
    assert sweep_deadlines(now=at(D(2024, 9, 30))).periods_closed == 0
    assert sweep_deadlines(now=at(D(2024, 10, 1))).periods_closed == 1


def test_a_period_whose_reports_are_all_approved_closes_after_its_due_date(report, period, liaison_a, supervisor):
    approved(report, liaison_a, supervisor)
    assert sweep_deadlines(now=at(D(2024, 7, 10))).periods_closed == 0  # the due day itself
    assert sweep_deadlines(now=at(D(2024, 7, 11))).periods_closed == 1


def test_lock_days_0_never_closes_by_date(plan, report, period):
    plan.period_lock_days = 0
    plan.save()
    assert sweep_deadlines(now=at(D(2026, 1, 1))).periods_closed == 0


def test_a_reopened_period_gets_its_lock_days_again(plan, report, period, supervisor):
    sweep_deadlines(now=at(D(2024, 8, 10)))
    periods.period_reopen(period=period, user=supervisor, reason="补报", at=at(D(2024, 9, 1)))
    assert sweep_deadlines(now=at(D(2024, 10, 1))).periods_closed == 0
    assert sweep_deadlines(now=at(D(2024, 10, 2))).periods_closed == 1
