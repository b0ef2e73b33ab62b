"""Each flow through every branch, as users drive it over HTTP with the real URLs."""

import datetime

import pytest
from django.urls import reverse
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from audit.models import AuditEntry
from evidence.models import Evidence
from evidence.services import evidence_for
from notifications.models import Notification
from tasks import progress
from tasks.models import Contribution, KeyTask, Milestone, MilestoneClaim, ProgressReport, ReportSubmission
from tests.progress.conftest import fill, pdf, process_of

pytestmark = pytest.mark.django_db


def _page(response) -> str:
    return response.content.decode()


def _trail(subject):
    return [
        (e.action, e.actor.username if e.actor else None, e.from_state, e.to_state, e.comment)
        for e in AuditEntry.objects.for_object(subject).select_related("actor")
    ]


def test_a_report_is_drafted_submitted_returned_revised_and_approved(
    en_client, report, liaison_a, supervisor, task_a
):
    client = en_client
    edit = reverse("tasks:report_edit", args=[report.pk])
    decide = reverse("tasks:report_decide", args=[report.pk])
    detail = reverse("tasks:report_detail", args=[report.pk])

    # The liaison saves a draft.
    client.force_login(liaison_a)
    page = _page(client.post(edit, {**fill(report, achievements="初稿：完成需求调研", percent_complete=20), "save": ""}, follow=True))
    assert "The draft has been saved." in page
    report.refresh_from_db()
    assert (report.status, report.achievements, report.percent_complete) == ("draft", "初稿：完成需求调研", 20)
    assert not report.submissions.exists()

    # … attaches a file and submits (the co-operating department has not written yet: they say why).
    page = _page(client.post(reverse("tasks:report_evidence_upload", args=[report.pk]), {"files": [pdf("调研报告.pdf")]}, follow=True))
    assert "1 file(s) attached." in page and "调研报告.pdf" in page
    page = _page(
        client.post(
            edit,
            {**fill(report, achievements="完成需求调研和系统招标", percent_complete=30, missing_contributions_reason="公安局材料下期补报"), "submit": ""},
            follow=True,
        )
    )
    assert "The report has been submitted for review." in page
    report.refresh_from_db()
    assert (report.status, report.round, report.submitted_by) == ("submitted", 1, liaison_a)
    assert 'id="report-form"' not in page  # no longer editable

    # The supervisor returns it with a reason.
    client.force_login(supervisor)
    assert 'id="decision-form"' in _page(client.get(detail))
    page = _page(client.post(decide, {"decision": "return", "reason": "请补充招标文件和时间节点"}, follow=True))
    assert "The report has been returned to the liaison." in page
    report.refresh_from_db()
    assert (report.status, report.return_reason, report.decided_by) == ("returned", "请补充招标文件和时间节点", supervisor)
    assert report.submissions.get().decision == ReportSubmission.Decision.RETURNED

    # The liaison sees why, in their inbox and on the report page.
    client.force_login(liaison_a)
    assert task_a.title in _page(client.get(reverse("inbox:inbox")))
    page = _page(client.get(detail))
    assert 'id="return-reason"' in page and "请补充招标文件和时间节点" in page
    assert 'id="report-form"' in page

    # … revises and resubmits; the page shows what changed since the returned version.
    client.post(reverse("tasks:report_evidence_upload", args=[report.pk]), {"files": [pdf("招标文件.pdf")]})
    page = _page(
        client.post(
            edit,
            {**fill(report, achievements="完成需求调研和系统招标，签订建设合同", percent_complete=60, missing_contributions_reason="公安局材料下期补报"), "submit": ""},
            follow=True,
        )
    )
    assert "The report has been submitted for review." in page
    report.refresh_from_db()
    assert (report.status, report.round, report.return_reason) == ("submitted", 2, "")
    assert 'id="changes"' in page
    changes = page[page.index('id="changes"') :]
    assert "完成需求调研和系统招标，签订建设合同" in changes and "30" in changes and "60" in changes and "招标文件.pdf" in changes

    # The supervisor judges the file, then approves.
    client.force_login(supervisor)
    for file in evidence_for(report):
        client.post(reverse("review:evidence_decide", args=["progress_report", report.pk, file.pk]), {"decision": "accept"})
    page = _page(client.post(decide, {"decision": "approve", "reason": "同意"}, follow=True))
    assert "The report has been approved." in page
    report.refresh_from_db()
    assert (report.status, report.decided_by) == ("approved", supervisor)
    assert list(report.submissions.values_list("round", "decision")) == [(1, "returned"), (2, "approved")]

    # The task's progress and status follow the approved report.
    task_a.refresh_from_db()
    assert (task_a.progress, task_a.status) == (60, KeyTask.Status.IN_PROGRESS)
    assert "60%" in _page(client.get(reverse("tasks:task_detail", args=[task_a.pk])))

    # The report is now immutable: a further edit says so and changes nothing.
    client.force_login(liaison_a)
    before = ProgressReport.objects.filter(pk=report.pk).values().get()
    page = _page(client.post(edit, {**fill(report, achievements="改动", percent_complete=99), "save": ""}, follow=True))
    assert "This report has been submitted and can no longer be changed." in page
    assert ProgressReport.objects.filter(pk=report.pk).values().get() == before
    page = _page(client.post(edit, {**fill(report, achievements="改动", percent_complete=99), "submit": ""}, follow=True))
    assert "can no longer be changed" in page
    assert ProgressReport.objects.filter(pk=report.pk).values().get() == before
    client.post(reverse("tasks:report_evidence_upload", args=[report.pk]), {"files": [pdf("追加.pdf")]})
    assert [e.original_name for e in evidence_for(report)] == ["调研报告.pdf", "招标文件.pdf"]

    # The viewflow process is done, no human task is left open.
    process = process_of(report)
    assert process.status == "DONE"
    assert not Task.objects.filter(process=process, status__in=[STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED]).exists()

    # The audit trail has every transition: actor, from, to, comment.
    trail = _trail(report)
    opened = AuditEntry.objects.for_object(report).get(action="open")
    assert trail[0][:4] == ("open", None, "", "draft") and opened.data["period"].startswith("2024")  # shown as a label
    assert trail[1:] == [
        ("submit", "liaison-a", "draft", "submitted", ""),
        ("return", "supervisor", "submitted", "returned", "请补充招标文件和时间节点"),
        ("submit", "liaison-a", "returned", "submitted", ""),
        ("approve", "supervisor", "submitted", "approved", "同意"),
    ]
    # Both submissions came after the 2024 Q2 due date: the trail says so in its data, in no language.
    assert [e.data["late"] for e in AuditEntry.objects.for_object(report).filter(action="submit")] == [True, True]
    assert [(e.action, e.from_state, e.to_state) for e in AuditEntry.objects.for_object(task_a)] == [
        ("progress", "not_started", "in_progress")
    ]


def test_a_milestone_is_claimed_returned_revised_and_approved(en_client, milestone, liaison_a, supervisor):
    client = en_client
    client.force_login(liaison_a)
    new = reverse("tasks:milestone_claim_new", args=[milestone.pk])
    assert client.get(new).status_code == 200

    response = client.post(
        new, {"completed_on": "2023-12-20", "note": "平台已上线试运行", "files": [pdf("上线通知.pdf")]}, follow=True
    )
    assert "The milestone has been claimed complete and awaits verification." in _page(response)
    claim = MilestoneClaim.objects.get()
    detail = reverse("tasks:milestone_claim_detail", args=[claim.pk])
    assert response.redirect_chain[-1][0] == detail
    milestone.refresh_from_db()
    assert (claim.status, claim.completed_on, milestone.status) == ("submitted", datetime.date(2023, 12, 20), "claimed")
    assert [e.original_name for e in evidence_for(claim)] == ["上线通知.pdf"]

    # The supervisor returns it.
    client.force_login(supervisor)
    assert milestone.title in _page(client.get(reverse("inbox:queue")))
    decide = reverse("tasks:milestone_claim_decide", args=[claim.pk])
    page = _page(client.post(decide, {"decision": "return", "reason": "缺少验收报告"}, follow=True))
    assert "The claim has been returned." in page
    claim.refresh_from_db()
    milestone.refresh_from_db()
    assert (claim.status, claim.return_reason, milestone.status) == ("returned", "缺少验收报告", "returned")

    # The liaison sees why (inbox and claim page) and revises.
    client.force_login(liaison_a)
    assert "缺少验收报告" in _page(client.get(reverse("inbox:inbox")))
    page = _page(client.get(detail))
    assert 'id="return-reason"' in page and "缺少验收报告" in page and 'id="revise-form"' in page
    revise = reverse("tasks:milestone_claim_revise", args=[claim.pk])
    page = _page(
        client.post(revise, {"completed_on": "2023-12-28", "note": "平台通过验收", "files": [pdf("验收报告.pdf")]}, follow=True)
    )
    assert "The milestone has been claimed again." in page
    claim.refresh_from_db()
    milestone.refresh_from_db()
    assert (claim.status, claim.round, claim.completed_on, claim.note) == ("submitted", 2, datetime.date(2023, 12, 28), "平台通过验收")
    assert milestone.status == "claimed" and milestone.completed_on is None

    # The supervisor approves: the completion date is recorded on the milestone.
    client.force_login(supervisor)
    # Approval is refused while a file is undecided, unless the supervisor accepts them with it.
    page = _page(client.post(decide, {"decision": "approve", "reason": ""}))
    assert "Decide every file before approving" in page and "上线通知.pdf" in page
    page = _page(client.post(decide, {"decision": "approve", "reason": "", "accept_files": "on"}, follow=True))
    assert "The milestone has been approved." in page
    claim.refresh_from_db()
    milestone.refresh_from_db()
    assert claim.status == "approved" and claim.decided_by == supervisor
    assert (milestone.status, milestone.completed_on) == (Milestone.Status.APPROVED, datetime.date(2023, 12, 28))
    assert process_of(claim).status == "DONE"
    assert [(a, who, f, t, c) for a, who, f, t, c in _trail(milestone)] == [
        ("claim", "liaison-a", "draft", "submitted", ""),
        ("return", "supervisor", "submitted", "returned", "缺少验收报告"),
        ("claim", "liaison-a", "returned", "submitted", ""),
        ("approve", "supervisor", "submitted", "approved", ""),
    ]
    assert sorted(e.original_name for e in evidence_for(claim)) == ["上线通知.pdf", "验收报告.pdf"]
    # Everyone concerned heard of each step: the supervisors of each claim, the claimant of each decision.
    heard = lambda user: sorted(Notification.objects.filter(user=user, message__startswith="review.milestone_claim.").values_list("message", flat=True))  # noqa: E731
    assert heard(supervisor) == ["review.milestone_claim.submitted"] * 2
    assert heard(liaison_a) == ["review.milestone_claim.approved", "review.milestone_claim.returned"]


def test_a_cooperating_department_contributes_to_the_lead_report(en_client, report, contribution, liaison_a, liaison_b, dept_b):
    client = en_client
    detail = reverse("tasks:contribution_detail", args=[contribution.pk])
    edit = reverse("tasks:contribution_edit", args=[contribution.pk])
    report_page = reverse("tasks:report_detail", args=[report.pk])

    # The co-operating liaison finds it in their inbox and saves a draft.
    client.force_login(liaison_b)
    assert reverse("tasks:contribution_detail", args=[contribution.pk]) in _page(client.get(reverse("inbox:inbox")))
    page = _page(client.post(edit, {"content": "公安局草稿：排查在册患者", "save": ""}, follow=True))
    assert "The draft has been saved." in page
    contribution.refresh_from_db()
    assert (contribution.status, contribution.content) == ("pending", "公安局草稿：排查在册患者")

    # The lead cannot submit while it is missing, unless they say why.
    client.force_login(liaison_a)
    assert "公安局草稿" not in _page(client.get(report_page))
    version = report.version
    page = _page(client.post(reverse("tasks:report_edit", args=[report.pk]), {**fill(report), "submit": ""}))
    assert "Contributions are missing from 市公安局" in page
    report.refresh_from_db()
    assert (report.status, report.version, report.achievements) == ("draft", version, "")
    assert not report.submissions.exists()

    # The co-operating liaison submits.
    client.force_login(liaison_b)
    page = _page(client.post(edit, {"content": "公安局：完成在册患者排查312人", "submit": ""}, follow=True))
    assert "Your contribution has been submitted to the lead department." in page
    contribution.refresh_from_db()
    assert (contribution.status, contribution.submitted_by) == ("submitted", liaison_b)
    assert 'id="contribution-form"' not in _page(client.get(detail))  # no longer editable
    # … and it waits in the lead liaison's inbox for acceptance (the engine's review task).
    review = Task.objects.get(process=process_of(contribution), flow_task_type="HUMAN", status=STATUS.ASSIGNED)
    assert (review.flow_task.name, review.owner) == ("review", liaison_a)

    # The lead's report page shows it, and now the lead may submit without a reason.
    client.force_login(liaison_a)
    page = _page(client.get(report_page))
    assert "公安局：完成在册患者排查312人" in page[page.index('id="contributions"') :]
    page = _page(client.post(reverse("tasks:report_edit", args=[report.pk]), {**fill(report), "submit": ""}, follow=True))
    assert "The report has been submitted for review." in page
    report.refresh_from_db()
    assert report.status == "submitted"
    assert report.submissions.get().content["contributions"] == [
        {"department": str(dept_b), "content": "公安局：完成在册患者排查312人", "status": Contribution.Status.ACCEPTED}
    ]

    # Submitting the report consolidated the contribution: accepted by the lead's liaison, its
    # process ended, and its department heard of it.
    contribution.refresh_from_db()
    assert (contribution.status, contribution.decided_by) == ("accepted", liaison_a)
    assert process_of(contribution).status == "DONE"
    assert Notification.objects.filter(user=liaison_b, url=detail, message="review.contribution.approved").exists()


def test_the_lead_returns_a_contribution_and_the_department_revises_it(en_client, report, contribution, liaison_a, liaison_b):
    client = en_client
    progress.contribution_submit(contribution=contribution, user=liaison_b, content="公安局：数字待核")
    client.force_login(liaison_a)
    decide = reverse("tasks:contribution_decide", args=[contribution.pk])
    assert _page(client.post(decide, {"decision": "return", "reason": ""})).count("Say why the contribution is returned.") == 1
    page = _page(client.post(decide, {"decision": "return", "reason": "请核实312人"}, follow=True))
    assert "The contribution has been returned to its department." in page
    contribution.refresh_from_db()
    assert (contribution.status, contribution.return_reason) == ("returned", "请核实312人")
    assert Notification.objects.filter(user=liaison_b, message="review.contribution.returned").exists()
    progress.contribution_submit(contribution=contribution, user=liaison_b, content="公安局：核实为312人")
    page = _page(client.post(decide, {"decision": "approve"}, follow=True))
    assert "The contribution has been accepted." in page
    contribution.refresh_from_db()
    assert (contribution.status, contribution.round) == ("accepted", 2)
    assert process_of(contribution).status == "DONE"


def test_a_report_submitted_without_a_contribution_with_a_reason(en_client, report, contribution, liaison_a):
    en_client.force_login(liaison_a)
    data = {**fill(report, missing_contributions_reason="公安局因专项行动延期报送"), "submit": ""}
    page = _page(en_client.post(reverse("tasks:report_edit", args=[report.pk]), data, follow=True))
    assert "The report has been submitted for review." in page
    report.refresh_from_db()
    assert (report.status, report.missing_contributions_reason) == ("submitted", "公安局因专项行动延期报送")
    assert "公安局因专项行动延期报送" in page
    assert Evidence.objects.count() == 0


def test_a_contribution_draft_stays_with_its_department_until_submitted(client, contribution, liaison_a, liaison_b, supervisor):
    progress.contribution_save(contribution=contribution, user=liaison_b, content="公安局草稿：尚未核实的数字")
    url = reverse("tasks:contribution_detail", args=[contribution.pk])
    for reader in (liaison_a, supervisor):
        client.force_login(reader)
        response = client.get(url)
        assert response.status_code == 200
        assert "尚未核实的数字" not in response.content.decode()
    client.force_login(liaison_b)
    assert "尚未核实的数字" in client.get(url).content.decode()
    progress.contribution_submit(contribution=contribution, user=liaison_b, content="公安局：核实后的数字")
    for reader in (liaison_a, supervisor):
        client.force_login(reader)
        assert "公安局：核实后的数字" in client.get(url).content.decode()


def test_a_contribution_still_owed_when_the_report_is_approved_is_closed(en_client, report, contribution, liaison_a, liaison_b, supervisor):
    from tests.progress.conftest import approved, snapshot

    approved(report, liaison_a, supervisor)
    url = reverse("tasks:contribution_detail", args=[contribution.pk])
    en_client.force_login(liaison_b)
    assert url not in _page(en_client.get(reverse("inbox:inbox")))  # nothing left to do
    assert 'id="contribution-form"' not in _page(en_client.get(url))
    before = snapshot()
    for button in ("save", "submit"):
        response = en_client.post(reverse("tasks:contribution_edit", args=[contribution.pk]), {"content": "审核通过后才写", button: ""})
        assert response.status_code == 400
        assert "The report has already been approved; the contribution is closed." in _page(response)
    assert snapshot() == before


def test_files_are_removed_while_drafting_and_judged_while_awaiting_review(en_client, report, liaison_a, supervisor, plan, task_a, dept_a):
    from tests.progress.conftest import snapshot, submitted

    client = en_client
    client.force_login(liaison_a)
    client.post(reverse("tasks:report_evidence_upload", args=[report.pk]), {"files": [pdf("错传.pdf"), pdf("会议纪要.pdf")]})
    wrong, minutes = evidence_for(report)
    page = _page(client.post(reverse("tasks:report_evidence_remove", args=[report.pk, wrong.pk]), follow=True))
    assert "The file has been removed from the draft." in page
    assert [e.original_name for e in evidence_for(report)] == ["会议纪要.pdf"]
    assert Evidence.objects.get(pk=wrong.pk).removed_by == liaison_a  # hidden, not deleted

    # A file cannot be removed through another report's address.
    other = progress.report_open(
        task=task_a, period=progress.reporting_period(plan=plan, cadence="quarterly", year=2024, number=3), department=dept_a
    )
    before = snapshot()
    assert client.post(reverse("tasks:report_evidence_remove", args=[other.pk, minutes.pk])).status_code == 403
    assert snapshot() == before

    submitted(report, liaison_a)
    review = reverse("review:evidence_decide", args=["progress_report", report.pk, minutes.pk])
    client.force_login(supervisor)
    before = snapshot()
    page = _page(client.post(review, {"decision": "reject", "reason": ""}, follow=True))
    assert "Give the reason for rejecting “会议纪要.pdf”." in page
    assert snapshot() == before
    page = _page(client.post(review, {"decision": "reject", "reason": "未盖章"}, follow=True))
    minutes.refresh_from_db()
    assert (minutes.review_status, minutes.review_reason, minutes.reviewed_by) == ("rejected", "未盖章", supervisor)
    assert "未盖章" in page
    client.post(review, {"decision": "accept"})
    minutes.refresh_from_db()
    assert minutes.review_status == "accepted"

    # Once decided, files are no longer judged.
    progress.report_approve(report=report, user=supervisor)
    before = snapshot()
    page = _page(client.post(review, {"decision": "reject", "reason": "迟到的意见"}, follow=True))
    assert "Files can be judged only while the report awaits review." in page
    assert snapshot() == before
