"""Region scope, role by role: staff see their region and everything below it, nothing beside it.

The world: the demo city 示范市 (prefecture A, with the demo plan and its activity), a sibling
prefecture 乙市 (B) with a plan of its own, both under the province 湖北省. Staff of A, of B and of
the province look at every list, export, dashboard and queue; B's see none of A's rows (and the
pages about A's objects answer 404), the province's see both. Notifications about A's work reach
A's and the province's supervisors, never B's; a B supervisor cannot approve A's report.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction
from django.test import Client

from accounts.models import User
from demo.plan import seed_demo, seed_demo_activity
from evaluation.models import Evaluation
from funding.models import FundingLine
from indicators.models import Indicator, IndicatorValue
from indicators.review_kinds import INDICATOR_VALUE
from notifications.models import Notification
from supervision import extensions, notices
from supervision.models import ExtensionRequest, SupervisionNotice
from tasks import access
from tasks.models import Department, KeyTask, ProgressReport, Region
from tasks.review_kinds import MILESTONE_CLAIM, PROGRESS_REPORT
from tests.factories import (
    DepartmentFactory,
    KeyTaskFactory,
    PlanFactory,
    TaskDepartmentFactory,
    make_administrator,
    make_evaluator,
    make_liaison,
    make_supervisor,
)
from workflows import lifecycle

pytestmark = pytest.mark.django_db

STAFF_A = ("supervisor_a", "evaluator_a", "administrator_a")
STAFF_PROVINCE = ("supervisor_province", "evaluator_province", "administrator_province")
STAFF_B = ("supervisor_b", "evaluator_b", "administrator_b")
# Names only prefecture A's pages may show: the city, a department (full and short), the plan.
A_NAMES = ("示范市", "市委政法委", "精神卫生“十四五”规划")


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module (the demo plan and its activity take a while), inside a
    transaction rolled back at the end; each test runs in a savepoint of its own (``db``)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


def build_world() -> dict:
    plan = seed_demo().plan
    seed_demo_activity(plan)
    city = plan.region
    province = city.parent
    other = Region.objects.create(name="乙市", code="429800", level=Region.Level.PREFECTURE, parent=province)
    plan_b = PlanFactory(region=other, title="乙市精神卫生工作规划")
    dept_b = DepartmentFactory(region=other, name="乙市卫生健康委员会", short_name="乙市卫健委", code="yswjw")
    task_b = KeyTaskFactory(plan=plan_b, code="1", title="乙市精神卫生信息化建设")
    TaskDepartmentFactory(task=task_b, department=dept_b)
    users = {
        "supervisor_a": User.objects.get(username="supervisor"),
        "evaluator_a": User.objects.get(username="evaluator"),
        "administrator_a": make_administrator("admin-a", region=city),
        "supervisor_province": make_supervisor("supervisor-province", region=province),
        "evaluator_province": make_evaluator("evaluator-province", region=province),
        "administrator_province": make_administrator("admin-province", region=province),
        "supervisor_b": make_supervisor("supervisor-b", region=other),
        "evaluator_b": make_evaluator("evaluator-b", region=other),
        "administrator_b": make_administrator("admin-b", region=other),
        "liaison_b": make_liaison(dept_b, "liaison-yswjw"),
    }
    return {"plan": plan, "plan_b": plan_b, "city": city, "other": other, "task_b": task_b, "dept_b": dept_b, "users": users}


def client_of(world, role: str) -> Client:
    client = Client()
    client.force_login(world["users"][role])
    client.cookies["django_language"] = "zh-hans"
    return client


def page(world, role: str, url: str):
    response = client_of(world, role).get(url, follow=True)
    body = response.getvalue().decode("utf-8", "replace") if response.status_code == 200 else ""
    return response.status_code, body


def a_rows(world) -> dict[str, str | None]:
    """For each list, a text only a row of prefecture A shows."""
    plan = world["plan"]
    notice = SupervisionNotice.objects.filter(task__plan=plan).order_by("pk").first()
    submitted = ProgressReport.objects.filter(task__plan=plan, status=ProgressReport.Status.SUBMITTED).select_related("task").first()
    approved = ProgressReport.objects.filter(task__plan=plan, status=ProgressReport.Status.APPROVED).select_related("task").first()
    indicator = Indicator.objects.filter(plan=plan).order_by("position", "pk").first()
    line = FundingLine.objects.filter(plan=plan).order_by("pk").first()
    evaluation = Evaluation.objects.filter(plan=plan).first()
    department = Department.objects.filter(region=world["city"]).order_by("position").first()
    assert all((notice, submitted, approved, indicator, line, evaluation, department))
    return {
        "/plans/": plan.title,
        "/departments/": department.name,
        "/notices/": notice.reference,
        "/notices/?_export=csv": notice.reference,
        "/work/archive/": approved.task.title,
        "/work/archive/?_export=csv": approved.task.title,
        "/work/queue/": submitted.task.title,
        "/work/queue/?_export=csv": submitted.task.title,
        # Lists of one plan (default: the latest in force): B's staff are shown their own plan's.
        f"/indicators/?plan={plan.pk}": indicator.name,
        f"/indicators/?plan={plan.pk}&_export=csv": indicator.name,
        f"/funding/?plan={plan.pk}": line.purpose,
        "/evaluations/": evaluation.title,
        # Pages whose rows the demo may lack: B's staff must not be shown any name of A there either.
        "/": None,
        "/work/": None,
        "/extensions/": None,
        "/generated-reports/": None,
        "/indicators/completeness/": None,
        "/notifications/": None,
    }


def test_lists_show_a_rows_to_a_and_the_province_not_to_b(world):
    rows = a_rows(world)
    problems = []
    for url, marker in rows.items():
        for role in (*STAFF_A, *STAFF_PROVINCE, *STAFF_B):
            if role in STAFF_B and "?plan=" in url:
                url_b = url.split("?plan=")[0] + ("?_export=csv" if "_export" in url else "")
                assert page(world, role, url)[0] in (403, 404), (url, role)
                status, body = page(world, role, url_b)
            else:
                status, body = page(world, role, url)
            if status == 403:  # the role has no such list at all (an evaluator's review queue)
                continue
            if status != 200:
                problems.append(f"{url} as {role}: {status}")
            elif role in STAFF_B and marker and marker in body:
                problems.append(f"{url} as {role}: shows 示范市's {marker!r}")
            elif role in STAFF_B and (leak := next((name for name in A_NAMES if name in body), None)):
                at = body.index(leak)  # not even in a filter's choices
                problems.append(f"{url} as {role}: names {leak}: …{body[max(0, at - 80):at + 40]}…")
            elif role in ("supervisor_a", "supervisor_province") and marker and marker not in body:
                problems.append(f"{url} as {role}: lacks 示范市's {marker!r}")
    assert not problems, "\n".join(problems)


def test_the_province_sees_both_prefectures_plans_each_prefecture_its_own(world):
    plan, plan_b = world["plan"], world["plan_b"]
    for role, seen, unseen in [
        ("supervisor_province", {plan, plan_b}, set()),
        ("administrator_province", {plan, plan_b}, set()),
        ("supervisor_a", {plan}, {plan_b}),
        ("supervisor_b", {plan_b}, {plan}),
        ("evaluator_b", {plan_b}, {plan}),
    ]:
        visible = set(access.visible_plans(world["users"][role]))
        assert seen <= visible and not (unseen & visible), role
        status, body = page(world, role, "/plans/")
        assert status == 200
        for each in seen:
            assert each.title in body, (role, each.title)
        for each in unseen:
            assert each.title not in body, (role, each.title)


def test_b_staff_get_404_for_a_plans_pages_dashboards_and_exports(world):
    plan = world["plan"]
    urls = [
        f"/plans/{plan.pk}/",
        f"/plans/{plan.pk}/tasks/",
        f"/plans/{plan.pk}/dashboard/",
        f"/plans/{plan.pk}/dashboard/funding/",
        f"/plans/{plan.pk}/dashboard/indicators/",
        f"/plans/{plan.pk}/export.xlsx",
        f"/indicators/?plan={plan.pk}",
        f"/funding/?plan={plan.pk}",
        f"/funding/?plan={plan.pk}&_export=csv",
    ]
    for url in urls:
        for role in STAFF_B:
            status, _body = page(world, role, url)
            assert status in (403, 404), (url, role, status)  # 403 only where the role lacks the permission anyway
            if status == 403:
                assert page(world, role.replace("_b", "_a"), url)[0] == 403, (url, role)
        assert page(world, "supervisor_a", url)[0] == 200, url
        assert page(world, "supervisor_province", url)[0] == 200, url


def test_b_staff_get_404_for_each_of_a_objects(world):
    plan = world["plan"]
    objects = {
        "task": KeyTask.objects.filter(plan=plan).first(),
        "report": ProgressReport.objects.filter(task__plan=plan).first(),
        "notice": SupervisionNotice.objects.filter(task__plan=plan).first(),
        "indicator": Indicator.objects.filter(plan=plan).first(),
        "value": IndicatorValue.objects.filter(indicator__plan=plan).first(),
        "line": FundingLine.objects.filter(plan=plan).first(),
        "evaluation": Evaluation.objects.filter(plan=plan).first(),
    }
    for name, obj in objects.items():
        assert obj is not None, name
        url = obj.get_absolute_url()
        for role in STAFF_B:
            assert page(world, role, url)[0] == 404, (name, url, role)
        assert page(world, "supervisor_province", url)[0] == 200, (name, url)
    for role in STAFF_B:  # the gatekeepers themselves, for what has no page of its own
        user = world["users"][role]
        assert not notices.visible_notices(user).filter(task__plan=plan).exists()
        assert not access.visible_reports(user).filter(task__plan=plan).exists()
        assert not ExtensionRequest.objects.filter(report__in=access.visible_reports(user)).exists()
    from evaluation import access as evaluation_access

    evaluation = objects["evaluation"]
    for role in STAFF_B:
        user = world["users"][role]
        assert not evaluation_access.visible_evaluations(user).exists()
        assert not evaluation_access.visible_self_assessments(user).exists()
        assert not evaluation_access.can_manage(user, evaluation)
    assert evaluation_access.can_manage(world["users"]["supervisor_province"], evaluation)


def test_the_review_queue_holds_only_the_users_regions_work(world):
    submitted = ProgressReport.objects.filter(task__plan=world["plan"], status=ProgressReport.Status.SUBMITTED).count()
    assert submitted
    from inbox.selectors import review_queue

    assert review_queue(user=world["users"]["supervisor_a"]).exists()
    assert review_queue(user=world["users"]["supervisor_province"]).count() == review_queue(user=world["users"]["supervisor_a"]).count()
    assert not review_queue(user=world["users"]["supervisor_b"]).exists()


def test_the_review_queue_is_one_page_of_queries_whatever_the_regions(world, django_assert_max_num_queries):
    client = client_of(world, "supervisor_province")
    client.get("/work/queue/")  # warm the session and caches
    with django_assert_max_num_queries(20):
        assert client.get("/work/queue/").status_code == 200


def test_recipients_of_a_work_are_its_region_and_the_province_never_the_sibling(world):
    users = world["users"]
    plan = world["plan"]
    report = ProgressReport.objects.filter(task__plan=plan).select_related("task__plan__region").first()
    value = IndicatorValue.objects.filter(indicator__plan=plan).select_related("indicator__plan__region").first()
    a_side = {users["supervisor_a"], users["supervisor_province"]}
    for recipients in (
        PROGRESS_REPORT.reviewers(report),
        INDICATOR_VALUE.reviewers(value),
        notices.supervisors(plan.region),
        list(extensions.supervisors(plan.region)),
        list(access.staff_overseeing(plan.region, "tasks.review_progressreport")),
    ):
        assert a_side <= set(recipients)
        assert users["supervisor_b"] not in recipients
    claim_reviewers = set(MILESTONE_CLAIM.reviewers(type("Claim", (), {"milestone": type("M", (), {"task": report.task})})()))
    assert a_side <= claim_reviewers and users["supervisor_b"] not in claim_reviewers
    # and B's own work goes to B and the province
    assert set(notices.supervisors(world["other"])) == {users["supervisor_b"], users["supervisor_province"]}


def test_submitting_a_report_of_a_notifies_a_and_the_province_not_b(world):
    report = (
        ProgressReport.objects.filter(task__plan=world["plan"], status=ProgressReport.Status.DRAFT, assignee__isnull=False)
        .select_related("assignee", "period")
        .first()
    )
    assert report is not None
    before = Notification.objects.count()
    lifecycle.review_submit(
        report,
        user=report.assignee,
        data={"achievements": "完成信息系统建设", "missing_contributions_reason": "配合单位材料另行报送"},
        at=datetime.datetime.combine(report.period.due_on, datetime.time(9), datetime.UTC),
    )
    told = set(Notification.objects.filter(pk__gt=0).order_by("pk")[before:].values_list("user__username", flat=True))
    assert {"supervisor", "supervisor-province"} <= told
    assert "supervisor-b" not in told


def test_a_b_supervisor_cannot_approve_a_report_of_a(world):
    report = ProgressReport.objects.filter(task__plan=world["plan"], status=ProgressReport.Status.SUBMITTED).first()
    before = Notification.objects.count()
    response = client_of(world, "supervisor_b").post(
        f"/reports/{report.pk}/decide/", {"decision": "approve", "round": report.round, "accept_files": "on"}
    )
    assert response.status_code == 404
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.SUBMITTED
    assert Notification.objects.count() == before
    # the province's supervisor may
    response = client_of(world, "supervisor_province").post(
        f"/reports/{report.pk}/decide/", {"decision": "approve", "round": report.round, "accept_files": "on"}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.APPROVED


def test_a_b_supervisor_cannot_issue_a_notice_on_a_task_of_a(world):
    task = KeyTask.objects.filter(plan=world["plan"]).first()
    department = task.task_departments.first().department
    before = SupervisionNotice.objects.count()
    response = client_of(world, "supervisor_b").post(
        f"/notices/new/?task={task.pk}", {"department": department.pk, "level": "blue", "requirements": "请说明进展"}
    )
    assert response.status_code == 404
    assert SupervisionNotice.objects.count() == before


def test_a_b_administrator_cannot_import_into_a_plan_of_a(world, media_root):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from demo.plan import demo_table
    from tasks.models import PlanImport

    client = client_of(world, "administrator_b")
    table = SimpleUploadedFile("表.xlsx", demo_table())
    response = client.post("/plans/import/", {"file": table, "plan": world["plan"].pk})
    assert response.status_code == 200  # the form again: that plan is not a choice
    assert not PlanImport.objects.exists()
    table = SimpleUploadedFile("表.xlsx", demo_table())
    response = client.post(
        "/plans/import/",
        {"file": table, "title": "新规划", "region": world["city"].pk, "start_year": 2021, "end_year": 2025},
    )
    assert response.status_code == 200
    assert not PlanImport.objects.exists()


def test_an_administrator_manages_only_the_accounts_of_their_regions(world):
    users = world["users"]
    admin_b = users["administrator_b"]
    managed = set(access.visible_users(admin_b))
    assert {users["supervisor_b"], users["liaison_b"], admin_b} <= managed
    assert not {users["supervisor_a"], users["supervisor_province"], users["administrator_a"]} & managed
    assert {users["supervisor_a"], users["supervisor_b"]} <= set(access.visible_users(users["administrator_province"]))
    client = client_of(world, "administrator_b")
    body = client.get("/admin/accounts/user/").content.decode()
    assert "supervisor-b" in body and "supervisor-province" not in body
    assert client.get(f"/admin/accounts/user/{users['supervisor_a'].pk}/change/").status_code != 200


def test_an_administrator_reads_the_audit_trail_of_their_regions_only(world):
    from audit.models import AuditEntry

    users = world["users"]
    b_entry = AuditEntry.objects.filter(actor=users["liaison_b"]).first() or AuditEntry.objects.create(
        actor=users["liaison_b"], action="test", content_type_id=1, object_id="1"
    )
    a_entry = AuditEntry.objects.filter(actor=users["supervisor_a"]).first()
    assert a_entry is not None
    body = client_of(world, "administrator_b").get(f"/admin/audit/auditentry/{a_entry.pk}/change/")
    assert body.status_code != 200
    assert client_of(world, "administrator_b").get(f"/admin/audit/auditentry/{b_entry.pk}/change/").status_code == 200
    assert client_of(world, "administrator_province").get(f"/admin/audit/auditentry/{a_entry.pk}/change/").status_code == 200


@pytest.mark.parametrize(
    "what",
    ["record on a funding line", "accept a notice's answer", "decide an extension", "approve a value", "close a period"],
)
def test_b_staff_acting_on_a_objects_get_404_and_change_nothing(world, what):
    from audit.models import AuditEntry
    from funding.models import LedgerEntry

    plan = world["plan"]
    line = FundingLine.objects.filter(plan=plan).first()
    notice = SupervisionNotice.objects.filter(task__plan=plan).first()
    extension = ExtensionRequest.objects.filter(report__task__plan=plan).first() or ExtensionRequest.objects.create(
        report=(report := ProgressReport.objects.filter(task__plan=plan).select_related("period").first()),
        current_due_on=report.period.due_on,
        requested_due_on=report.period.due_on + datetime.timedelta(days=14),
        reason="申请延期",
        requested_by=report.assignee,
    )
    value = IndicatorValue.objects.filter(indicator__plan=plan).first()
    period = ProgressReport.objects.filter(task__plan=plan).first().period
    url, data = {
        "record on a funding line": (
            f"/funding/lines/{line.pk}/entries/",
            {"kind": "allocation", "amount": "1000.00", "date": "2025-06-01", "document_number": "乙财〔2025〕1号"},
        ),
        "accept a notice's answer": (f"/notices/{notice.pk}/decide/", {"decision": "approve", "accept_files": "on"}),
        "decide an extension": (f"/extensions/{extension.pk}/decide/", {"decision": "approve", "reason": "同意"}),
        "approve a value": (f"/indicator-values/{value.pk}/decide/", {"decision": "approve", "accept_files": "on"}),
        "close a period": (f"/periods/{period.pk}/close/", {"comment": "关闭"}),
    }[what]
    before = (AuditEntry.objects.count(), LedgerEntry.objects.count(), Notification.objects.count())
    response = client_of(world, "supervisor_b").post(url, data)
    assert response.status_code == 404, (url, response.status_code)
    assert (AuditEntry.objects.count(), LedgerEntry.objects.count(), Notification.objects.count()) == before


def test_nothing_above_a_prefecture_staff_region(world):
    province = world["city"].parent
    plan = PlanFactory(region=province, title="湖北省精神卫生工作规划")
    assert page(world, "supervisor_province", plan.get_absolute_url())[0] == 200
    assert page(world, "administrator_province", f"/regions/{province.pk}/")[0] == 200
    for role in (*STAFF_A, *STAFF_B):
        assert page(world, role, plan.get_absolute_url())[0] == 404, role
        # The region pages are the administrators': others get 403 whatever the region.
        expected = (404,) if role.startswith("administrator") else (403, 404)
        assert page(world, role, f"/regions/{province.pk}/")[0] in expected, role
    for role in (*STAFF_A, *STAFF_B):
        assert plan not in access.visible_plans(world["users"][role])


def test_the_report_gate_answers_as_the_list_of_visible_reports(world):
    """``get_report_for_user`` decides on the report it read (``can_see_report``): for every role
    and every report of both prefectures (draft, submitted, returned, approved; a draft plan's
    too), the same answer as ``visible_reports`` — staff of A, B and the province, evaluators,
    administrators, a superuser, staff of another province and staff placed nowhere, every liaison
    and head of both."""
    from django.http import Http404

    from tasks.models import Membership

    draft_plan = PlanFactory(region=world["city"], title="草稿规划", status="draft")
    department = Department.objects.filter(region=world["city"], memberships__role="liaison").order_by("pk").first()
    draft_task = KeyTaskFactory(plan=draft_plan, code="9", title="草稿任务")
    TaskDepartmentFactory(task=draft_task, department=department)
    from tasks.progress import report_open, reporting_period

    report_open(task=draft_task, period=reporting_period(plan=draft_plan, cadence="quarterly", year=2024, number=1), department=department)
    b_report = report_open(
        task=world["task_b"], period=reporting_period(plan=world["plan_b"], cadence="quarterly", year=2024, number=1), department=world["dept_b"]
    )
    assert b_report is not None
    from tasks.models import RegionStaff

    nowhere = make_supervisor("supervisor-nowhere")
    RegionStaff.objects.filter(user=nowhere).delete()
    people = [
        *world["users"].values(),
        User.objects.create_superuser("root-gate", password="x"),
        make_supervisor("supervisor-other-province"),
        nowhere,
        *User.objects.filter(pk__in=Membership.objects.values("user_id")).order_by("pk"),
    ]
    reports = list(ProgressReport.objects.order_by("pk"))
    assert {r.status for r in reports} >= {"draft", "submitted", "approved"}
    seen = 0
    for person in people:
        person = User.objects.get(pk=person.pk)  # fresh: nothing cached from another test
        visible = set(access.visible_reports(person).values_list("pk", flat=True))
        for report in reports:
            try:
                got = access.get_report_for_user(person, report.pk)
            except Http404:
                got = None
            assert (got is not None) == (report.pk in visible), (person.username, report.pk, report.status)
        seen += len(visible)
    assert seen  # someone sees something
