"""A plan's lifecycle on its page: put in force, close, reopen with a reason — by supervisors and
administrators overseeing its region, audited; nobody else changes anything."""

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from tasks.models import Plan
from tests.factories import PlanFactory, RegionFactory, make_administrator, make_supervisor

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(region):
    return PlanFactory(region=region, title="示范市精神卫生“十四五”规划", status=Plan.Status.DRAFT)


def status_of(plan) -> str:
    plan.refresh_from_db()
    return plan.status


def test_supervisor_puts_a_draft_in_force_closes_it_and_reopens_it_with_a_reason(client, supervisor, draft):
    client.force_login(supervisor)
    page = client.get(draft.get_absolute_url())
    html = page.content.decode()
    assert 'id="plan-activate"' in html and "data-confirm=" in html

    response = client.post(reverse("tasks:plan_activate", args=[draft.pk]), follow=True)
    assert status_of(draft) == Plan.Status.ACTIVE
    assert 'id="plan-close"' in response.content.decode()

    client.post(reverse("tasks:plan_close", args=[draft.pk]))
    assert status_of(draft) == Plan.Status.CLOSED

    response = client.post(reverse("tasks:plan_reopen", args=[draft.pk]), {"reason": "补录2025年第四季度进展"}, follow=True)
    assert status_of(draft) == Plan.Status.ACTIVE
    entries = list(AuditEntry.objects.for_object(draft).order_by("at", "pk").values_list("action", "from_state", "to_state", "actor__username", "comment"))
    assert entries == [
        ("status", "draft", "active", "supervisor", ""),
        ("status", "active", "closed", "supervisor", ""),
        ("reopen", "closed", "active", "supervisor", "补录2025年第四季度进展"),
    ]


def test_administrator_of_the_region_manages_the_plan(client, region, draft):
    administrator = make_administrator("region-admin", region=region)
    client.force_login(administrator)
    assert 'id="plan-activate"' in client.get(draft.get_absolute_url()).content.decode()
    client.post(reverse("tasks:plan_activate", args=[draft.pk]))
    assert status_of(draft) == Plan.Status.ACTIVE


def test_reopening_needs_a_reason(en_client, supervisor, plan):
    plan.status = Plan.Status.CLOSED
    plan.save()
    en_client.force_login(supervisor)
    response = en_client.post(reverse("tasks:plan_reopen", args=[plan.pk]), {"reason": "  "}, follow=True)
    assert status_of(plan) == Plan.Status.CLOSED
    assert "Say why the plan is reopened." in response.content.decode()
    assert not AuditEntry.objects.for_object(plan).exists()


@pytest.mark.parametrize(
    ("status", "url_name", "message"),
    [
        (Plan.Status.ACTIVE, "tasks:plan_activate", "A plan can only move forward"),
        (Plan.Status.CLOSED, "tasks:plan_close", "A plan can only move forward"),
        (Plan.Status.ACTIVE, "tasks:plan_reopen", "Only a closed plan can be reopened"),
    ],
)
def test_an_invalid_transition_says_why_and_changes_nothing(en_client, supervisor, plan, status, url_name, message):
    plan.status = status
    plan.save()
    en_client.force_login(supervisor)
    response = en_client.post(reverse(url_name, args=[plan.pk]), {"reason": "再议"}, follow=True)
    assert status_of(plan) == status
    assert message in response.content.decode()
    assert not AuditEntry.objects.for_object(plan).exists()


def test_a_liaison_may_not_change_a_plan_in_force(client, liaison_a, plan):
    client.force_login(liaison_a)
    assert 'id="plan-close"' not in client.get(plan.get_absolute_url()).content.decode()
    assert client.post(reverse("tasks:plan_close", args=[plan.pk])).status_code == 403
    assert status_of(plan) == Plan.Status.ACTIVE


def test_a_liaison_does_not_even_see_a_draft(client, liaison_a, draft):
    client.force_login(liaison_a)
    assert client.post(reverse("tasks:plan_activate", args=[draft.pk])).status_code == 404
    assert status_of(draft) == Plan.Status.DRAFT


def test_another_regions_staff_get_404(client, draft):
    elsewhere = make_supervisor("supervisor-elsewhere", region=RegionFactory(name="外地市"))
    client.force_login(elsewhere)
    assert client.post(reverse("tasks:plan_activate", args=[draft.pk])).status_code == 404
    assert status_of(draft) == Plan.Status.DRAFT


def test_an_evaluator_sees_no_buttons_and_is_refused(client, evaluator, draft):
    client.force_login(evaluator)
    assert 'id="plan-lifecycle"' not in client.get(draft.get_absolute_url()).content.decode()
    assert client.post(reverse("tasks:plan_activate", args=[draft.pk])).status_code == 403
    assert status_of(draft) == Plan.Status.DRAFT


def test_the_status_views_take_only_post(client, supervisor, draft):
    client.force_login(supervisor)
    assert client.get(reverse("tasks:plan_activate", args=[draft.pk])).status_code == 405
    assert status_of(draft) == Plan.Status.DRAFT
