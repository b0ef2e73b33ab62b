"""A department head hands a report to another liaison of the department."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from audit.models import AuditEntry
from tasks import progress
from tasks.models import Membership
from tests.progress.conftest import approved, fill, pdf, process_of, snapshot, submitted

pytestmark = pytest.mark.django_db


def _page(response) -> str:
    return response.content.decode()


def _open_draft_task(report):
    return Task.objects.get(process=process_of(report), status__in=[STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED])


def test_a_head_hands_a_draft_to_another_liaison_who_then_owns_it(en_client, report, liaison_a, liaison_a2, head_a):
    client = en_client
    detail = reverse("tasks:report_detail", args=[report.pk])
    client.force_login(head_a)
    page = _page(client.get(detail))
    assert 'id="reassign-form"' in page and 'id="report-form"' not in page

    page = _page(client.post(reverse("tasks:report_reassign", args=[report.pk]), {"assignee": liaison_a2.pk}, follow=True))
    assert f"The report has been handed to {liaison_a2}." in page
    report.refresh_from_db()
    assert report.assignee == liaison_a2
    assert _open_draft_task(report).owner == liaison_a2
    entry = AuditEntry.objects.for_object(report).get(action="reassign")
    assert (entry.actor, entry.from_state, entry.to_state) == (head_a, "liaison-a", "liaison-a2")

    # The new liaison finds it in their inbox and may edit it …
    client.force_login(liaison_a2)
    assert detail in _page(client.get(reverse("inbox:inbox")))
    assert 'id="report-form"' in _page(client.get(detail))
    page = _page(client.post(reverse("tasks:report_edit", args=[report.pk]), {**fill(report, achievements="接手后填写"), "save": ""}, follow=True))
    assert "The draft has been saved." in page
    report.refresh_from_db()
    assert report.achievements == "接手后填写"

    # … the old one no longer.
    client.force_login(liaison_a)
    assert detail not in _page(client.get(reverse("inbox:inbox")))
    assert 'id="report-form"' not in _page(client.get(detail))
    before = snapshot()
    assert client.post(reverse("tasks:report_edit", args=[report.pk]), {**fill(report, achievements="旧联络员"), "save": ""}).status_code == 403
    assert client.post(reverse("tasks:report_evidence_upload", args=[report.pk]), {"files": [pdf()]}).status_code == 403
    assert snapshot() == before

    # The new liaison carries the report through.
    report.refresh_from_db()
    submitted(report, liaison_a2)
    report.refresh_from_db()
    assert (report.status, report.submitted_by) == ("submitted", liaison_a2)
    assert _open_draft_task(report).flow_task.name == "review"


def test_a_returned_report_can_be_handed_over_too(report, liaison_a, liaison_a2, head_a, supervisor):
    submitted(report, liaison_a)
    progress.report_return(report=report, user=supervisor, reason="补充")
    progress.report_reassign(report=report, user=head_a, assignee=liaison_a2)
    report.refresh_from_db()
    assert _open_draft_task(report).owner == liaison_a2
    submitted(report, liaison_a2, achievements="补充后")
    report.refresh_from_db()
    assert (report.status, report.round) == ("submitted", 2)


def test_a_head_of_another_department_cannot_reassign(en_client, report, liaison_a, liaison_a2, head_b, supervisor):
    en_client.force_login(head_b)
    url = reverse("tasks:report_reassign", args=[report.pk])
    before = snapshot()
    assert en_client.post(url, {"assignee": liaison_a2.pk}).status_code == 404  # B does not see A's draft
    with pytest.raises(PermissionDenied):
        progress.report_reassign(report=report, user=head_b, assignee=liaison_a2)
    assert snapshot() == before
    # A report B does see (approved, B co-operates) is refused all the same, without a form.
    approved(report, liaison_a, supervisor)
    assert 'id="reassign-form"' not in _page(en_client.get(reverse("tasks:report_detail", args=[report.pk])))
    before = snapshot()
    assert en_client.post(url, {"assignee": liaison_a2.pk}).status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize("who", ["supervisor", "liaison_b", "head_a", "outsider", "inactive_liaison"])
def test_only_a_liaison_of_the_department_can_be_given_a_report(request, en_client, english, report, head_a, liaison_a, who):
    if who == "inactive_liaison":
        assignee = request.getfixturevalue("liaison_a2")
        Membership.objects.filter(user=assignee).update(is_active=False)
    else:
        assignee = request.getfixturevalue(who)
    en_client.force_login(head_a)
    before = snapshot()
    page = _page(en_client.post(reverse("tasks:report_reassign", args=[report.pk]), {"assignee": assignee.pk}, follow=True))
    assert "Choose a liaison of the same department." in page
    with pytest.raises(ValidationError, match="Choose a liaison of the same department."):
        progress.report_reassign(report=report, user=head_a, assignee=assignee)
    assert snapshot() == before
    report.refresh_from_db()
    assert report.assignee == liaison_a


@pytest.mark.parametrize("state", ["submitted", "approved"])
def test_a_report_no_longer_being_written_cannot_be_handed_over(english, report, liaison_a, liaison_a2, head_a, supervisor, state):
    if state == "submitted":
        submitted(report, liaison_a)
    else:
        approved(report, liaison_a, supervisor)
    before = snapshot()
    with pytest.raises(ValidationError, match="Only a report that is being written can be handed to someone else."):
        progress.report_reassign(report=report, user=head_a, assignee=liaison_a2)
    assert snapshot() == before
