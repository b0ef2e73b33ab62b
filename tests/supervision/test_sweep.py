"""The deadline sweep at its boundaries, its idempotency, and the daily digest."""

import datetime
import threading
from unittest import mock

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from notifications.models import Notification
from notifications.services import CLAIM_EXPIRES, deliver, deliver_pending, notify
from supervision.models import DeadlineAlert
from supervision.sweep import digest_send, sweep_deadlines
from tasks import progress
from tests.factories import KeyTaskFactory, MembershipFactory, TaskDepartmentFactory, UserFactory

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
D = datetime.date
NOTICE_DUE = "supervision.notice.due_soon"


def at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), SHANGHAI)


@pytest.fixture
def report(plan, task_a, dept_a, liaison_a):
    period = progress.reporting_period(plan=plan, cadence="quarterly", year=2024, number=2)
    assert period.due_on == D(2024, 7, 10)
    return progress.report_open(task=task_a, period=period, department=dept_a)


def reminders(user):
    return list(Notification.objects.filter(user=user).order_by("pk").values_list("kind", flat=True))


@pytest.mark.django_db
class TestReportReminders:
    def test_nothing_eight_days_before(self, report, liaison_a):
        assert sweep_deadlines(now=at(D(2024, 7, 2))).reminders == 0
        assert reminders(liaison_a) == []

    def test_seven_days_before_once_however_often_it_runs(self, report, liaison_a):
        assert sweep_deadlines(now=at(D(2024, 7, 3))).reminders == 1
        assert sweep_deadlines(now=at(D(2024, 7, 3), 15)).reminders == 0
        assert sweep_deadlines(now=at(D(2024, 7, 5))).reminders == 0  # still the 7-day reminder's window
        assert reminders(liaison_a) == ["reminder"]
        assert "7" in Notification.objects.get(user=liaison_a).display_title

    def test_the_day_before_then_nothing_on_the_due_day_then_overdue_the_day_after(self, report, liaison_a, dept_a):
        head = UserFactory(username="head-a")
        MembershipFactory(user=head, department=dept_a, role="head")
        sweep_deadlines(now=at(D(2024, 7, 3)))
        assert sweep_deadlines(now=at(D(2024, 7, 9))).reminders == 1  # the day before
        result = sweep_deadlines(now=at(D(2024, 7, 10)))  # the due day itself
        assert (result.reminders, result.overdue) == (0, 0)
        result = sweep_deadlines(now=at(D(2024, 7, 11)))  # the day after
        assert (result.reminders, result.overdue) == (0, 1)
        assert reminders(liaison_a) == ["reminder", "reminder", "overdue"]
        assert reminders(head) == ["overdue"]
        assert sweep_deadlines(now=at(D(2024, 7, 12))).overdue == 0

    def test_a_late_start_sends_only_the_nearest_reminder(self, report, liaison_a):
        assert sweep_deadlines(now=at(D(2024, 7, 9))).reminders == 1
        assert DeadlineAlert.objects.get().kind == "remind-1"

    def test_a_submitted_report_is_not_chased(self, report, liaison_a):
        data = {"achievements": "完成", "missing_contributions_reason": "配合单位未参与本期工作"}
        progress.report_submit(report=report, user=liaison_a, version=report.version, data=data, at=at(D(2024, 7, 1)))
        result = sweep_deadlines(now=at(D(2024, 7, 11)))
        assert (result.reminders, result.overdue) == (0, 0)

    def test_an_extension_moves_the_reminders_and_the_overdue_notice(self, report, liaison_a):
        sweep_deadlines(now=at(D(2024, 7, 11)))
        report.due_on = D(2024, 7, 31)
        report.save(update_fields=["due_on"])
        assert sweep_deadlines(now=at(D(2024, 7, 24))).reminders == 1
        assert sweep_deadlines(now=at(D(2024, 8, 1))).overdue == 1

    def test_the_plans_own_reminder_days(self, plan, report, liaison_a):
        plan.reminder_days = [3]
        plan.save()
        assert sweep_deadlines(now=at(D(2024, 7, 3))).reminders == 0
        assert sweep_deadlines(now=at(D(2024, 7, 7))).reminders == 1


@pytest.mark.django_db
def test_due_dates_in_working_days_skip_the_national_day_holiday(plan, task_a, dept_a, liaison_a):
    plan.due_in_working_days = True
    plan.save()
    period = progress.reporting_period(plan=plan, cadence="quarterly", year=2025, number=3)
    # 10 working days after 30 September 2025: 9, 10, 11 (Saturday, 调休), 13, 14, 15, 16, 17, 20, 21 October.
    assert period.due_on == D(2025, 10, 21)
    report = progress.report_open(task=task_a, period=period, department=dept_a)
    assert report.due_on == D(2025, 10, 21)
    assert sweep_deadlines(now=at(D(2025, 10, 14))).reminders == 1  # 7 days before
    assert sweep_deadlines(now=at(D(2025, 10, 22))).overdue == 1


@pytest.mark.django_db
def test_the_sweep_touches_only_due_rows(plan, dept_a, liaison_a):
    """The number of queries does not grow with reports that are not due."""

    def open_reports(count, year):
        for _ in range(count):
            task = KeyTaskFactory(plan=plan, start_date=D(2021, 1, 1), due_date=D(2025, 12, 31))
            TaskDepartmentFactory(task=task, department=dept_a, role="lead")
            period = progress.reporting_period(plan=plan, cadence="quarterly", year=year, number=4)
            progress.report_open(task=task, period=period, department=dept_a)

    open_reports(1, 2024)  # due 2025-01-10: reminded on 2025-01-03
    open_reports(3, 2025)  # due 2026-01-10: not due
    with CaptureQueriesContext(connection) as few:
        sweep_deadlines(now=at(D(2025, 1, 3)))
    DeadlineAlert.objects.all().delete()
    Notification.objects.all().delete()
    open_reports(30, 2025)
    with CaptureQueriesContext(connection) as many:
        sweep_deadlines(now=at(D(2025, 1, 3)))
    sweep_queries = [q for q in many.captured_queries if "tasks_progressreport" in q["sql"]]
    assert len(many.captured_queries) - len(few.captured_queries) <= 2, "only the lights' task scan may grow"
    assert all("due_on" in q["sql"] or "keytask" in q["sql"] for q in sweep_queries)


@pytest.mark.django_db
def test_the_command_prints_what_it_did(report, capsys):
    call_command("sweep_deadlines", "--now", "2024-07-03T09:00")
    out = capsys.readouterr().out
    assert "1" in out and ("催办" in out or "Reminders" in out or "提醒" in out)
    with pytest.raises(CommandError):
        call_command("sweep_deadlines", "--now", "next tuesday")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_send_each_reminder_once(report, liaison_a):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers")
    barrier = threading.Barrier(2)
    results, errors = [], []

    def sweep():
        try:
            barrier.wait()
            results.append(sweep_deadlines(now=at(D(2024, 7, 3))).reminders)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(results) == [0, 1]
    assert Notification.objects.filter(user=liaison_a).count() == 1


# --- digest --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_digest_lists_each_users_due_soon_and_overdue_items_in_one_email(plan, report, liaison_a, task_b_only, dept_b, liaison_b):
    liaison_a.email, liaison_b.email = "a@example.gov.cn", "b@example.gov.cn"
    liaison_a.save()
    liaison_b.save()
    other = progress.report_open(
        task=task_b_only, period=progress.reporting_period(plan=plan, cadence="quarterly", year=2024, number=3), department=dept_b
    )
    assert other.due_on == D(2024, 10, 10)
    earlier = progress.report_open(
        task=report.task, period=progress.reporting_period(plan=plan, cadence="quarterly", year=2024, number=1), department=report.department
    )
    assert earlier.due_on == D(2024, 4, 10)

    # A: two reports (one overdue). B: the contribution owed to A's report (due 5 July), not
    # B's own report, which is not due for months.
    assert digest_send(on=D(2024, 7, 5)) == 2
    by_recipient = {m.to[0]: m for m in mail.outbox}
    for_b = by_recipient["b@example.gov.cn"].body
    assert report.task.title in for_b and "2024-07-05" in for_b and task_b_only.title not in for_b
    message = by_recipient["a@example.gov.cn"]
    assert report.task.title in message.body and "2024-07-10" in message.body
    assert message.body.index("2024-04-10") < message.body.index("2024-07-10")  # overdue first
    assert "example.gov.cn" not in message.body.replace("a@example.gov.cn", "")
    assert digest_send(on=D(2024, 7, 5)) == 0  # once a day
    assert digest_send(on=D(2024, 7, 6)) == 2


@pytest.mark.django_db
def test_no_digest_for_an_empty_list(report, liaison_a):
    liaison_a.email = "a@example.gov.cn"
    liaison_a.save()
    assert digest_send(on=D(2024, 5, 1)) == 0
    assert mail.outbox == []


# --- notifications: broker down, worker killed ------------------------------------------


@pytest.mark.django_db
def test_with_the_broker_down_the_action_succeeds_and_the_email_goes_out_later(liaison_a, django_capture_on_commit_callbacks):
    from kombu.exceptions import OperationalError

    liaison_a.email = "a@example.gov.cn"
    liaison_a.save()
    with mock.patch("notifications.tasks.deliver_notifications.delay", side_effect=OperationalError("broker down")):
        with django_capture_on_commit_callbacks(execute=True):
            notify(users=[liaison_a], kind="notice", message=NOTICE_DUE, params={"reference": "督办〔2024〕1号", "date": "2024-07-05"}, send_email=True)
    notification = Notification.objects.get()
    assert notification.emailed_at is None and mail.outbox == []
    assert deliver_pending() == 1  # the broker is back: the beat job sends it
    assert len(mail.outbox) == 1 and "督办〔2024〕1号" in mail.outbox[0].subject
    assert deliver_pending() == 0 and len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_notification_is_emailed_once_even_when_delivered_twice(liaison_a, django_capture_on_commit_callbacks):
    liaison_a.email = "a@example.gov.cn"
    liaison_a.save()
    with django_capture_on_commit_callbacks(execute=True):
        (notification,) = notify(users=[liaison_a], kind="notice", message=NOTICE_DUE, params={"reference": "督办", "date": "2024-07-05"}, send_email=True)
    assert len(mail.outbox) == 1  # sent by the (eager) job after commit
    assert deliver(notification.pk) is False  # a redelivered message
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_worker_killed_mid_send_leaves_the_claim_to_expire_then_sends_once(liaison_a):
    from django.utils import timezone

    liaison_a.email = "a@example.gov.cn"
    liaison_a.save()
    (notification,) = notify(users=[liaison_a], kind="notice", message=NOTICE_DUE, params={"reference": "督办", "date": "2024-07-05"}, send_email=True)
    # A worker claimed it and died before sending.
    Notification.objects.filter(pk=notification.pk).update(email_claimed_at=timezone.now())
    assert deliver(notification.pk) is False and deliver_pending() == 0
    Notification.objects.filter(pk=notification.pk).update(email_claimed_at=timezone.now() - CLAIM_EXPIRES - datetime.timedelta(seconds=1))
    assert deliver_pending() == 1 and deliver_pending() == 0
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_rolled_back_action_notifies_no_one(liaison_a, django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                notify(users=[liaison_a], kind="notice", message=NOTICE_DUE, params={"reference": "督办", "date": "2024-07-05"}, send_email=True)
                raise RuntimeError
    assert Notification.objects.count() == 0 and mail.outbox == []
