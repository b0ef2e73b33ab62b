"""The demo's two joint meetings: decisions in several states, one a key task, one a notice."""

import pytest
from django.utils import timezone

from demo.plan import seed_demo
from meetings import demo
from meetings.models import Decision, Meeting
from meetings.selectors import open_decisions_before

pytestmark = pytest.mark.django_db


def test_the_demo_meetings():
    plan = seed_demo().plan
    assert demo.seed(plan) == 2
    assert demo.seed(plan) == 0  # idempotent
    first, second = Meeting.objects.filter(plan=plan).order_by("held_on")
    today = timezone.localdate()
    decisions = list(Decision.objects.filter(meeting__plan=plan).select_related("task", "notice"))
    states = {d.state_on(today) for d in decisions}
    assert states == {"open", "in_progress", "done", "overdue"}
    assert sum(d.task_id is not None for d in decisions) == 2
    assert sum(d.notice_id is not None for d in decisions) == 1
    # The later meeting reviews the earlier one's decision still open (the notice), not the done one.
    from accounts.models import User

    agenda = open_decisions_before(meeting=second, user=User.objects.get(username="supervisor"))
    assert [d.meeting_id for d in agenda] == [first.pk] and agenda[0].notice_id is not None
