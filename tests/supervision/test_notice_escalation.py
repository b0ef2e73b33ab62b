"""Notices left unanswered are escalated one level by the daily sweep: blue → yellow → red.

``notice``: 督办〔2024〕1号, blue, issued Monday 2024-06-03, due Tuesday 2024-06-11 (5 working
days; 端午节 2024-06-10 is a holiday).
"""
# ruff: noqa: F811 - the fixtures imported from notice_fixtures are redefined as test arguments

import datetime
import threading

import pytest
from django.db import connection
from django.utils import translation

from audit.models import AuditEntry
from notifications.models import Notification
from supervision import notices
from supervision.models import SupervisionNotice
from tests.factories import UserFactory, make_supervisor
from tests.supervision.notice_fixtures import head_a, media_root, notice, trail  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db
D = datetime.date


def fresh(notice) -> SupervisionNotice:
    return SupervisionNotice.objects.select_related("task__plan", "department").get(pk=notice.pk)


def escalations_of(user) -> int:
    return Notification.objects.filter(user=user, kind=Notification.Kind.ESCALATION).count()


def test_blue_becomes_yellow_then_red_and_red_stays_red_with_new_working_day_deadlines(notice):
    assert (notice.level, notice.response_due_on) == ("blue", D(2024, 6, 11))

    assert notices.notice_escalate(notice=fresh(notice), on=D(2024, 6, 12)) is True
    notice.refresh_from_db()
    # 5 working days after Wednesday 06-12: Thu 13, Fri 14, Mon 17, Tue 18, Wed 19.
    assert (notice.level, notice.response_due_on, notice.escalations) == ("yellow", D(2024, 6, 19), 1)

    assert notices.notice_escalate(notice=fresh(notice), on=D(2024, 6, 20)) is True
    notice.refresh_from_db()
    assert (notice.level, notice.response_due_on, notice.escalations) == ("red", D(2024, 6, 27), 2)

    # At red it stays red, but still counts and still gets a new deadline (across 国庆节 here).
    notice.response_due_on = D(2024, 9, 30)
    notice.save(update_fields=["response_due_on"])
    assert notices.notice_escalate(notice=fresh(notice), on=D(2024, 10, 1)) is True
    notice.refresh_from_db()
    # 10-01…10-07 are holidays; 10-08…10-11 count four, and Saturday 10-12 is a make-up working day (调休).
    assert (notice.level, notice.response_due_on, notice.escalations) == ("red", D(2024, 10, 12), 3)

    assert [(action, actor, before, after) for action, actor, before, after, _comment in trail(notice)[1:]] == [
        ("escalate", None, "blue", "yellow"),
        ("escalate", None, "yellow", "red"),
        ("escalate", None, "red", "red"),
    ]
    first = AuditEntry.objects.for_object(notice).filter(action="escalate").first()
    assert first.data == {"response_due_on": "2024-06-19", "previous_due_on": "2024-06-11", "escalations": 1}


def test_the_department_heads_liaisons_and_every_supervisor_are_told(notice, liaison_a, head_a, supervisor, liaison_b, evaluator):
    other_supervisor = make_supervisor("supervisor-2")
    someone = UserFactory(username="someone")
    notices.notice_escalate(notice=fresh(notice), on=D(2024, 6, 12))
    for user in (liaison_a, head_a, supervisor, other_supervisor):
        assert escalations_of(user) == 1, user
    for user in (liaison_b, evaluator, someone):
        assert escalations_of(user) == 0, user
    message = Notification.objects.get(user=liaison_a, kind="escalation")
    assert notice.reference in message.display_title and message.url == notice.get_absolute_url() and message.send_email


def test_escalating_twice_on_the_same_day_escalates_once(notice, liaison_a):
    assert notices.notice_escalate(notice=fresh(notice), on=D(2024, 6, 12)) is True
    assert notices.notice_escalate(notice=fresh(notice), on=D(2024, 6, 12)) is False
    assert notices.notice_escalate(notice=notice, on=D(2024, 6, 12)) is False  # the stale copy, too
    notice.refresh_from_db()
    assert (notice.level, notice.escalations) == ("yellow", 1)
    assert escalations_of(liaison_a) == 1
    assert AuditEntry.objects.for_object(notice).filter(action="escalate").count() == 1


def test_two_sweeps_holding_the_same_state_escalate_once(notice, liaison_a):
    first, second = fresh(notice), fresh(notice)
    assert notices.notice_escalate(notice=first, on=D(2024, 6, 12)) is True
    assert notices.notice_escalate(notice=second, on=D(2024, 6, 12)) is False
    # … even when the second sweep runs a day later with what it read the day before.
    assert notices.notice_escalate(notice=second, on=D(2024, 6, 13)) is False
    notice.refresh_from_db()
    assert (notice.level, notice.response_due_on, notice.escalations) == ("yellow", D(2024, 6, 19), 1)


def test_no_escalation_on_or_before_the_due_date(notice, liaison_a):
    assert notices.notice_escalate(notice=fresh(notice), on=D(2024, 6, 11)) is False
    assert notices.notice_escalate(notice=fresh(notice), on=D(2024, 6, 5)) is False
    notice.refresh_from_db()
    assert (notice.level, notice.escalations) == ("blue", 0)
    assert not Notification.objects.filter(kind="escalation").exists()


@pytest.mark.parametrize("steps", [["acknowledge"], ["acknowledge", "respond", "return"]])
def test_acknowledged_or_returned_notices_are_escalated_too(notice, liaison_a, supervisor, steps):
    notices.notice_acknowledge(notice=notice, user=liaison_a)
    if "respond" in steps:
        notices.notice_respond(notice=notice, user=liaison_a, response="已整改")
        notices.notice_return(notice=notice, user=supervisor, reason="不完整")
    notice.refresh_from_db()
    day_after = notice.response_due_on + datetime.timedelta(days=1)
    assert notices.notice_escalate(notice=fresh(notice), on=day_after) is True
    notice.refresh_from_db()
    assert notice.level == "yellow" and notice.status in {"acknowledged", "returned"}


@pytest.mark.parametrize("accept", [False, True])
def test_responded_or_closed_notices_are_not_escalated(notice, liaison_a, supervisor, accept):
    notices.notice_acknowledge(notice=notice, user=liaison_a)
    notices.notice_respond(notice=notice, user=liaison_a, response="已整改")
    if accept:
        notices.notice_accept(notice=notice, user=supervisor)
    assert notices.notice_escalate(notice=fresh(notice), on=D(2024, 12, 31)) is False
    notice.refresh_from_db()
    assert (notice.level, notice.escalations) == ("blue", 0)


def test_escalation_gives_way_to_a_response_that_came_in_meanwhile(notice, liaison_a):
    stale = fresh(notice)  # the sweep read the notice …
    notices.notice_acknowledge(notice=notice, user=liaison_a)
    notices.notice_respond(notice=notice, user=liaison_a, response="已整改")  # … then the answer came in
    assert notices.notice_escalate(notice=stale, on=D(2024, 6, 12)) is False
    notice.refresh_from_db()
    assert (notice.level, notice.status) == ("blue", "responded")


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(3))
def test_two_sweeps_at_the_same_moment_escalate_once(notice, liaison_a, round_):
    barrier = threading.Barrier(2)
    outcomes = [None, None]

    def run(index):
        try:
            with translation.override("en"):
                copy = fresh(notice)
                barrier.wait()
                outcomes[index] = notices.notice_escalate(notice=copy, on=D(2024, 6, 12))
        except Exception as exc:  # noqa: BLE001 - reported below
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == [False, True], outcomes
    notice.refresh_from_db()
    assert (notice.level, notice.escalations) == ("yellow", 1)
    assert escalations_of(liaison_a) == 1
    assert AuditEntry.objects.for_object(notice).filter(action="escalate").count() == 1
