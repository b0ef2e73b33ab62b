"""延期申请: the assignee asks for a later due date, a supervisor grants or refuses it.

``report`` is 2024 Q2 of ``task_a`` (period due 2024-07-10), assigned to ``liaison_a``. Granting
moves ``report.due_on`` and leaves ``report.period.due_on`` alone; a submission before the new
date is then on time. Every refusal leaves the data exactly as it was.
"""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from audit.models import AuditEntry
from notifications.models import Notification
from supervision import extensions
from supervision.models import ExtensionRequest
from tasks import progress
from tasks.models import ProgressReport
from tests.concurrency import race
from tests.factories import KeyTaskFactory, TaskDepartmentFactory, make_supervisor, make_user
from tests.progress.conftest import snapshot as progress_snapshot
from tests.progress.conftest import submitted

pytestmark = pytest.mark.django_db

D = datetime.date
ORIGINAL = D(2024, 7, 10)
NEW = D(2024, 8, 10)
REASON = "信息系统升级改造，数据迁移需延后两周。"
LIST = reverse("supervision:extension_list")


@pytest.fixture
def period(plan):
    return progress.reporting_period(plan=plan, cadence="quarterly", year=2024, number=2)


@pytest.fixture
def report(task_a, period, dept_a, liaison_a, liaison_b) -> ProgressReport:
    opened = progress.report_open(task=task_a, period=period, department=dept_a)
    assert opened.assignee == liaison_a and opened.due_on == ORIGINAL
    return opened


@pytest.fixture
def liaison_c(region):
    from tests.factories import DepartmentFactory, make_liaison

    return make_liaison(DepartmentFactory(region=region, name="示范市民政局", short_name="市民政局", code="mzj"), "liaison-c")


@pytest.fixture
def liaison_a2(dept_a):
    from tests.factories import make_liaison

    return make_liaison(dept_a, "liaison-a2")


def snapshot():
    """Everything an extension action could change: reports and what tasks.progress watches,
    the extension requests, the notifications and the audit trail."""
    return (
        progress_snapshot(),
        list(ExtensionRequest.objects.order_by("pk").values()),
        list(Notification.objects.order_by("pk").values()),
    )


def ask(report, user, due=NEW, reason=REASON):
    return extensions.extension_request(report=report, user=user, requested_due_on=due, reason=reason)


def _messages(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _page(client, report) -> str:
    response = client.get(reverse("tasks:report_detail", args=[report.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _new(report):
    return reverse("supervision:extension_new", args=[report.pk])


def _decide(extension):
    return reverse("supervision:extension_decide", args=[extension.pk])


# --- the whole way through -------------------------------------------------------------------


def test_a_granted_extension_moves_the_reports_due_date_but_not_the_periods(report, liaison_a, supervisor, evaluator, period):
    extension = ask(report, liaison_a)
    assert (extension.status, extension.current_due_on, extension.requested_due_on) == ("pending", ORIGINAL, NEW)
    assert extension.requested_by == liaison_a and extension.reason == REASON
    [to_supervisor] = Notification.objects.filter(kind=Notification.Kind.EXTENSION)
    assert to_supervisor.user == supervisor and to_supervisor.send_email
    assert to_supervisor.url == report.get_absolute_url()
    with translation.override("zh-hans"):  # rendered in the reader's language
        assert "2024年8月10日" in to_supervisor.display_body and REASON in to_supervisor.display_body
    with translation.override("en"):
        assert "Aug. 10, 2024" in to_supervisor.display_body and REASON in to_supervisor.display_body
    report.refresh_from_db()
    assert report.due_on == ORIGINAL  # nothing moves before a decision

    extensions.extension_approve(extension=extension, user=supervisor, comment="同意延期")
    extension.refresh_from_db()
    report.refresh_from_db()
    period.refresh_from_db()
    assert (extension.status, extension.decided_by, extension.decision_reason) == ("approved", supervisor, "同意延期")
    assert report.due_on == NEW and report.is_extended
    assert period.due_on == ORIGINAL and report.original_due_on == ORIGINAL
    extend = AuditEntry.objects.for_object(report).get(action="extend")
    assert (extend.actor, extend.from_state, extend.to_state) == (supervisor, "2024-07-10", "2024-08-10")
    [to_liaison] = Notification.objects.filter(user=liaison_a)
    assert to_liaison.kind == Notification.Kind.EXTENSION and to_liaison.send_email
    with translation.override("zh-hans"):
        assert "2024年8月10日" in to_liaison.display_title and to_liaison.display_body == "同意延期"

    # After the original date, before the new one: on time.
    after_original = timezone.make_aware(datetime.datetime(2024, 8, 1, 10, 0))
    submitted(report, liaison_a, at=after_original)
    report.refresh_from_db()
    assert (report.status, report.is_late) == ("submitted", False)
    assert report.submissions.get().is_late is False
    assert AuditEntry.objects.for_object(report).get(action="submit").data["late"] is False


def test_after_the_new_date_a_submission_is_late_again(report, liaison_a, supervisor):
    extensions.extension_approve(extension=ask(report, liaison_a), user=supervisor)
    submitted(report, liaison_a, at=timezone.make_aware(datetime.datetime(2024, 8, 11, 9, 0)))
    report.refresh_from_db()
    assert report.is_late is True


def test_over_the_web_the_liaison_asks_and_the_supervisor_grants_on_the_report_page(client, report, liaison_a, supervisor):
    client.force_login(liaison_a)
    page = _page(client, report)
    assert 'id="extension-form"' in page and f'action="{_new(report)}"' in page
    response = client.post(_new(report), {"requested_due_on": "2024-08-10", "reason": REASON})
    assert response.status_code == 302 and response["Location"] == report.get_absolute_url()
    extension = ExtensionRequest.objects.get()
    page = _page(client, report)
    assert 'id="pending-extension"' in page and 'id="extension-form"' not in page
    assert 'id="extension-decision-form"' not in page  # the liaison does not decide

    client.force_login(supervisor)
    page = _page(client, report)
    assert 'id="extension-decision-form"' in page and f'action="{_decide(extension)}"' in page
    response = client.post(_decide(extension), {"decision": "approve", "reason": ""})
    assert response.status_code == 302 and response["Location"] == report.get_absolute_url()
    report.refresh_from_db()
    assert report.due_on == NEW
    page = _page(client, report)
    assert "2024年8月10日（" in page and "2024年7月10日）" in page  # due X (originally Y)
    assert 'id="extension-history"' in page and 'id="extension-decision-form"' not in page


def test_the_report_page_shows_the_new_and_the_original_due_date(en_client, report, liaison_a, supervisor):
    extensions.extension_approve(extension=ask(report, liaison_a), user=supervisor)
    en_client.force_login(liaison_a)
    page = _page(en_client, report)
    assert "Due Aug. 10, 2024 (originally July 10, 2024)" in page


def test_a_supervisor_refuses_with_a_reason_and_the_liaison_is_told(en_client, report, liaison_a, supervisor, english):
    extension = ask(report, liaison_a)
    en_client.force_login(supervisor)
    response = en_client.post(_decide(extension), {"decision": "reject", "reason": "时间充裕，请按期报送"})
    assert response.status_code == 302
    extension.refresh_from_db()
    report.refresh_from_db()
    assert (extension.status, extension.decided_by, extension.decision_reason) == ("rejected", supervisor, "时间充裕，请按期报送")
    assert report.due_on == ORIGINAL and not report.is_extended
    assert not AuditEntry.objects.for_object(report).filter(action="extend").exists()
    assert AuditEntry.objects.for_object(extension).get(action="reject").comment == "时间充裕，请按期报送"
    [told] = Notification.objects.filter(user=liaison_a)
    assert told.display_body == "时间充裕，请按期报送" and told.send_email
    en_client.force_login(liaison_a)
    page = _page(en_client, report)
    assert "时间充裕，请按期报送" in page and 'id="extension-form"' in page  # may ask again


def test_after_a_refusal_the_liaison_may_ask_again(report, liaison_a, supervisor):
    extensions.extension_reject(extension=ask(report, liaison_a), user=supervisor, reason="理由不充分")
    again = ask(report, liaison_a, due=D(2024, 7, 20))
    assert again.status == "pending"
    assert ExtensionRequest.objects.count() == 2


def test_a_granted_extension_can_be_extended_again_from_the_new_date(report, liaison_a, supervisor, english):
    extensions.extension_approve(extension=ask(report, liaison_a), user=supervisor)
    report.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        ask(report, liaison_a, due=D(2024, 8, 1))  # later than the original, not than the current date
    assert "later than the current one" in _messages(exc.value)
    second = ask(report, liaison_a, due=NEW + datetime.timedelta(days=90))
    assert second.current_due_on == NEW


# --- bad input: refused with a clear message, nothing changed ----------------------------------


BAD_REQUESTS = [
    (ORIGINAL, REASON, "requested_due_on", "The new due date must be later than the current one (July 10, 2024)."),
    (D(2024, 7, 1), REASON, "requested_due_on", "The new due date must be later than the current one (July 10, 2024)."),
    (ORIGINAL + datetime.timedelta(days=91), REASON, "requested_due_on", "An extension may be at most 90 days: choose Oct. 8, 2024 or earlier."),
    (None, REASON, "requested_due_on", "Give the new due date."),
    (NEW, "", "reason", "Say why the report needs more time."),
    (NEW, "   \n ", "reason", "Say why the report needs more time."),
    (NEW, "因" * 2001, "reason", "Ensure the reason has at most 2000 characters (it has 2001)."),
]  # fmt: skip
BAD_IDS = ["same-date", "earlier", "91-days", "no-date", "no-reason", "blank-reason", "long-reason"]


@pytest.mark.parametrize("due, reason, field, message", BAD_REQUESTS, ids=BAD_IDS)
def test_a_bad_request_is_refused_by_the_service(report, liaison_a, supervisor, english, due, reason, field, message):
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        ask(report, liaison_a, due=due, reason=reason)
    assert exc.value.message_dict[field] == [message]
    assert snapshot() == before


def test_exactly_90_days_is_allowed(report, liaison_a):
    assert ask(report, liaison_a, due=ORIGINAL + datetime.timedelta(days=90)).requested_due_on == D(2024, 10, 8)


FORM_BAD = [
    ({"requested_due_on": "2024-07-10", "reason": REASON}, "The new due date must be later than the current one (July 10, 2024)."),
    ({"requested_due_on": "2024-10-09", "reason": REASON}, "An extension may be at most 90 days: choose Oct. 8, 2024 or earlier."),
    ({"requested_due_on": "", "reason": REASON}, "Give the new due date."),
    ({"requested_due_on": "2024-13-40", "reason": REASON}, "Enter a valid date."),
    ({"requested_due_on": "2024-08-10", "reason": ""}, "Say why the report needs more time."),
    ({"requested_due_on": "2024-08-10", "reason": "因" * 2001}, "Ensure this value has at most 2000 characters (it has 2001)."),
]  # fmt: skip


@pytest.mark.parametrize("data, message", FORM_BAD, ids=["same-date", "91-days", "no-date", "not-a-date", "no-reason", "long-reason"])
def test_a_bad_request_over_the_web_shows_the_report_page_again_with_the_message(en_client, report, liaison_a, data, message):
    en_client.force_login(liaison_a)
    before = snapshot()
    response = en_client.post(_new(report), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page and 'id="extension-form"' in page and 'id="report-form"' in page
    if data["reason"] and len(data["reason"]) < 100:
        assert REASON in page  # what was typed is kept
    assert snapshot() == before


def test_a_second_pending_request_is_refused_with_a_message_not_an_integrity_error(en_client, report, liaison_a, english):
    ask(report, liaison_a)
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        ask(report, liaison_a, due=D(2024, 7, 20))
    assert "already awaiting a decision" in _messages(exc.value)
    assert snapshot() == before
    en_client.force_login(liaison_a)
    response = en_client.post(_new(report), {"requested_due_on": "2024-07-20", "reason": "再次申请"})
    assert response.status_code == 400
    assert "An extension request for this report is already awaiting a decision" in response.content.decode()
    assert snapshot() == before


def test_the_constraint_still_answers_with_the_message_when_the_check_is_passed_by(report, liaison_a, english, monkeypatch):
    """Should two requests slip past the check, the unique constraint's error becomes the message."""
    ask(report, liaison_a)
    monkeypatch.setattr(
        extensions.ExtensionRequest.objects, "filter", lambda *a, **k: ExtensionRequest.objects.none()
    )
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        ask(report, liaison_a, due=D(2024, 7, 20))
    assert "already awaiting a decision" in _messages(exc.value)
    monkeypatch.undo()
    assert snapshot() == before


@pytest.mark.parametrize("state", ["submitted", "approved"])
def test_a_submitted_or_approved_report_cannot_be_extended(en_client, report, liaison_a, supervisor, english, state):
    submitted(report, liaison_a)
    if state == "approved":
        progress.report_approve(report=report, user=supervisor)
    report.refresh_from_db()
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        ask(report, liaison_a)
    assert "an extension can be requested only while it is being written" in _messages(exc.value)
    en_client.force_login(liaison_a)
    assert 'id="extension-form"' not in _page(en_client, report)
    response = en_client.post(_new(report), {"requested_due_on": "2024-08-10", "reason": REASON})
    assert response.status_code == 400 and "only while it is being written" in response.content.decode()
    assert snapshot() == before


def test_a_returned_report_may_be_extended(report, liaison_a, supervisor):
    submitted(report, liaison_a)
    progress.report_return(report=report, user=supervisor, reason="请补充材料")
    report.refresh_from_db()
    extensions.extension_approve(extension=ask(report, liaison_a), user=supervisor)
    report.refresh_from_db()
    assert (report.status, report.due_on) == ("returned", NEW)


def test_a_request_left_pending_when_the_report_is_submitted_can_only_be_refused(en_client, report, liaison_a, supervisor, english):
    extension = ask(report, liaison_a)
    submitted(report, liaison_a)
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        extensions.extension_approve(extension=extension, user=supervisor)
    assert "its due date can no longer change" in _messages(exc.value)
    assert snapshot() == before
    en_client.force_login(supervisor)
    page = _page(en_client, report)
    assert 'id="extension-decision-form"' in page and 'id="reject-extension"' in page
    assert 'id="approve-extension"' not in page
    listed = en_client.get(LIST).content.decode()
    assert _decide(extension) in listed and 'value="approve"' not in listed and "Submitted" in listed
    extensions.extension_reject(extension=extension, user=supervisor, reason="报告已报送，无需延期")
    extension.refresh_from_db()
    assert extension.status == "rejected"


def test_refusing_needs_a_reason(en_client, report, liaison_a, supervisor, english):
    extension = ask(report, liaison_a)
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        extensions.extension_reject(extension=extension, user=supervisor, reason="  ")
    assert exc.value.message_dict == {"reason": ["Say why the extension is refused."]}
    en_client.force_login(supervisor)
    response = en_client.post(_decide(extension), {"decision": "reject", "reason": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Say why the extension is refused." in page and 'id="extension-decision-form"' in page
    response = en_client.post(_decide(extension), {"decision": "maybe", "reason": "x"})
    assert response.status_code == 400 and "Choose whether to approve or to reject the request." in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize("first, second", [("approve", "approve"), ("approve", "reject"), ("reject", "approve"), ("reject", "reject")])
def test_deciding_twice_is_refused_with_a_message(en_client, report, liaison_a, supervisor, english, first, second):
    other = make_supervisor("supervisor-2")
    extension = ask(report, liaison_a)
    decide = {
        "approve": lambda user: extensions.extension_approve(extension=extension, user=user),
        "reject": lambda user: extensions.extension_reject(extension=extension, user=user, reason="不同意"),
    }
    decide[first](supervisor)
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        decide[second](other)
    status = {"approve": "Approved", "reject": "Rejected"}[first]
    assert _messages(exc.value) == f"This extension request was already decided ({status}); nothing was changed."
    en_client.force_login(other)
    response = en_client.post(_decide(extension), {"decision": second, "reason": "不同意"})
    assert response.status_code == 400 and "was already decided" in response.content.decode()
    assert snapshot() == before


# --- who may ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["liaison_a2", "liaison_b", "liaison_c", "supervisor", "evaluator", "administrator", "outsider"])
def test_only_the_assignee_may_ask_for_an_extension(request, report, who):
    user = request.getfixturevalue(who)
    before = snapshot()
    with pytest.raises(PermissionDenied):
        ask(report, user)
    assert snapshot() == before


@pytest.mark.parametrize("who", ["liaison_a", "liaison_a2", "liaison_b", "evaluator", "administrator", "outsider"])
def test_only_a_supervisor_may_decide(request, report, liaison_a, who):
    extension = ask(report, liaison_a)
    user = request.getfixturevalue(who)
    before = snapshot()
    with pytest.raises(PermissionDenied):
        extensions.extension_approve(extension=extension, user=user)
    with pytest.raises(PermissionDenied):
        extensions.extension_reject(extension=extension, user=user, reason="越权")
    assert snapshot() == before


def test_an_inactive_supervisor_may_not_decide(report, liaison_a, supervisor):
    extension = ask(report, liaison_a)
    supervisor.is_active = False
    supervisor.save()
    with pytest.raises(PermissionDenied):
        extensions.extension_approve(extension=extension, user=supervisor)


ROLES = ["liaison_a", "liaison_a2", "liaison_b", "liaison_c", "supervisor", "evaluator", "administrator", "outsider"]
URL_EXPECTED = {
    #               liaison_a liaison_a2 liaison_b liaison_c supervisor evaluator administrator outsider
    "list":         (403, 403, 403, 403, 200, 403, 403, 403),
    "new":          (302, 403, 404, 404, 403, 404, 403, 404),
    "approve":      (403, 403, 404, 404, 302, 404, 403, 404),
    "reject":       (403, 403, 404, 404, 302, 404, 403, 404),
}  # fmt: skip


@pytest.fixture
def pending(report, liaison_a, liaison_a2, liaison_b, liaison_c, supervisor, evaluator, administrator, outsider):
    """A pending request on a second report (2024 Q3) of task_a; ``report`` itself has none."""
    period = progress.reporting_period(plan=report.task.plan, cadence="quarterly", year=2024, number=3)
    other = progress.report_open(task=report.task, period=period, department=report.department)
    return ask(other, liaison_a, due=D(2024, 10, 20))


def _requests(report, pending):
    return {
        "list": ("get", LIST, {}),
        "new": ("post", _new(report), {"requested_due_on": "2024-08-10", "reason": REASON}),
        "approve": ("post", _decide(pending), {"decision": "approve", "reason": ""}),
        "reject": ("post", _decide(pending), {"decision": "reject", "reason": "不同意"}),
    }


@pytest.mark.parametrize("action", list(URL_EXPECTED))
@pytest.mark.parametrize("who", ROLES)
def test_each_role_per_url(request, client, report, pending, who, action):
    client.force_login(request.getfixturevalue(who))
    method, url, data = _requests(report, pending)[action]
    expected = URL_EXPECTED[action][ROLES.index(who)]
    before = snapshot()
    response = getattr(client, method)(url, data)
    assert response.status_code == expected
    if expected != 302 and method == "post":
        assert snapshot() == before


@pytest.mark.parametrize("action", list(URL_EXPECTED))
def test_anonymous_users_are_sent_to_the_login_page(client, report, pending, action):
    method, url, data = _requests(report, pending)[action]
    before = snapshot()
    response = getattr(client, method)(url, data)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert snapshot() == before


def test_the_forms_appear_only_for_those_who_may_use_them(client, report, pending, liaison_a, liaison_a2, supervisor, administrator):
    pending_report = pending.report
    client.force_login(liaison_a)
    assert 'id="extension-form"' in _page(client, report)
    assert 'id="extension-form"' not in _page(client, pending_report)  # one is pending already
    for user in (liaison_a2, supervisor, administrator):
        client.force_login(user)
        assert 'id="extension-form"' not in _page(client, report)
    for user, shown in ((supervisor, True), (liaison_a, False), (liaison_a2, False), (administrator, False)):
        client.force_login(user)
        assert ('id="extension-decision-form"' in _page(client, pending_report)) is shown


def test_get_on_the_actions_is_not_allowed(client, report, pending, liaison_a, supervisor):
    client.force_login(liaison_a)
    assert client.get(_new(report)).status_code == 405
    client.force_login(supervisor)
    assert client.get(_decide(pending)).status_code == 405


# --- who is told -----------------------------------------------------------------------------


def test_supervisors_are_the_active_holders_of_either_permission(db, liaison_a, evaluator, administrator):
    reviewer = make_supervisor("reviewer")
    inactive = make_supervisor("gone")
    inactive.is_active = False
    inactive.save()
    notice_issuer = make_user("liaison", "notice-issuer")
    notice_issuer.user_permissions.add(Permission.objects.get(codename="issue_supervisionnotice", content_type__app_label="supervision"))
    boss = make_user("administrator", "boss")
    boss.is_superuser = True
    boss.save()
    assert list(extensions.supervisors()) == [reviewer, notice_issuer]


def test_every_supervisor_is_notified_once_and_nobody_else(report, liaison_a, supervisor, evaluator, administrator):
    other = make_supervisor("supervisor-2")
    ask(report, liaison_a)
    assert sorted(Notification.objects.values_list("user__username", flat=True)) == sorted([supervisor.username, other.username])


def test_the_liaison_who_asked_and_the_current_assignee_hear_the_decision(report, liaison_a, liaison_a2, supervisor):
    extension = ask(report, liaison_a)
    ProgressReport.objects.filter(pk=report.pk).update(assignee=liaison_a2)
    extensions.extension_reject(extension=extension, user=supervisor, reason="不同意")
    assert sorted(Notification.objects.filter(kind="extension").exclude(user=supervisor).values_list("user__username", flat=True)) == [
        "liaison-a",
        "liaison-a2",
    ]


# --- the supervisors' list -------------------------------------------------------------------


def test_the_list_shows_pending_requests_only_with_their_forms(en_client, report, pending, liaison_a, supervisor):
    decided = ask(report, liaison_a)
    extensions.extension_reject(extension=decided, user=supervisor, reason="不同意")
    en_client.force_login(supervisor)
    response = en_client.get(LIST)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="result-count">1 awaiting a decision' in page
    assert _decide(pending) in page and _decide(decided) not in page
    assert pending.report.get_absolute_url() in page and "+10 days" in page


def test_deciding_from_the_list_comes_back_to_the_list(client, pending, supervisor):
    client.force_login(supervisor)
    response = client.post(_decide(pending), {"decision": "approve", "reason": "", "next": LIST})
    assert response.status_code == 302 and response["Location"] == LIST
    response = client.post(_decide(pending), {"decision": "approve", "next": "https://evil.example/"})
    assert response.status_code == 400  # already decided; and never sent off the site


def _grow(plan, dept_a, liaison_a, n):
    period = progress.reporting_period(plan=plan, cadence="quarterly", year=2024, number=4)
    for _ in range(n):
        task = KeyTaskFactory(plan=plan)
        TaskDepartmentFactory(task=task, department=dept_a, role="lead")
        ask(progress.report_open(task=task, period=period, department=dept_a), liaison_a, due=D(2025, 2, 1))


def test_the_list_issues_the_same_number_of_queries_for_3_and_30_requests(en_client, plan, dept_a, liaison_a, supervisor):
    en_client.force_login(supervisor)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = en_client.get(LIST)
        assert response.status_code == 200
        return len(ctx.captured_queries), response.content.decode()

    _grow(plan, dept_a, liaison_a, 3)
    few, _ = count()
    _grow(plan, dept_a, liaison_a, 27)
    many, page = count()
    assert many == few
    assert 'id="result-count">30 awaiting a decision' in page and page.count('class="d-flex flex-column gap-1 extension-decision"') == 25


# --- PostgreSQL: at the same moment ----------------------------------------------------------


_race = race


@pytest.mark.parametrize("round_", range(3))
@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
@pytest.mark.django_db(transaction=True)
def test_two_supervisors_deciding_at_once_leave_exactly_one_decision(report, liaison_a, supervisor, round_):
    other = make_supervisor("supervisor-2")
    extension = ask(report, liaison_a)

    def approve():
        extensions.extension_approve(extension=ExtensionRequest.objects.get(pk=extension.pk), user=supervisor)

    def reject():
        extensions.extension_reject(extension=ExtensionRequest.objects.get(pk=extension.pk), user=other, reason="不同意")

    calls = [approve, reject] if round_ % 2 == 0 else [reject, approve]
    outcomes = _race(*calls)
    assert outcomes.count("ok") == 1, outcomes
    loser = next(o for o in outcomes if o != "ok")
    assert isinstance(loser, ValidationError) and "already decided" in _messages(loser)
    extension.refresh_from_db()
    report.refresh_from_db()
    assert report.due_on == (NEW if extension.status == "approved" else ORIGINAL)
    assert AuditEntry.objects.for_object(extension).exclude(action="request").count() == 1


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
@pytest.mark.django_db(transaction=True)
def test_two_requests_at_once_leave_one_pending(report, liaison_a):
    def request_one():
        ask(ProgressReport.objects.get(pk=report.pk), liaison_a)

    outcomes = _race(request_one, request_one)
    assert outcomes.count("ok") == 1, outcomes
    loser = next(o for o in outcomes if o != "ok")
    with translation.override("en"):  # the message is lazy: it renders in the asserting thread's language
        assert isinstance(loser, ValidationError) and "already awaiting a decision" in _messages(loser)
    assert ExtensionRequest.objects.filter(status="pending").count() == 1
