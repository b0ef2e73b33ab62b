"""Issuing a notice: who may, to whom, the response date, and the numbering per year."""
# ruff: noqa: F811 - the fixtures imported from notice_fixtures are redefined as test arguments

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from supervision import notices
from supervision.models import NoticeCounter, SupervisionNotice
from tasks.models import Membership
from tests.concurrency import race
from tests.factories import DepartmentFactory, MembershipFactory, TaskDepartmentFactory, make_supervisor
from tests.supervision.notice_fixtures import (  # noqa: F401 - fixtures
    ISSUED_AT,
    SHANGHAI,
    head_a,
    issue,
    media_root,
    process_of,
    snapshot,
)

pytestmark = pytest.mark.django_db
D = datetime.date


def on(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(10), SHANGHAI)


@pytest.fixture
def dept_no_liaison(region, task_a, head_a):
    """A department that co-operates on task_a and has a head, an inactive liaison, and no active one."""
    department = DepartmentFactory(region=region, name="示范市医疗保障局", short_name="市医保局", code="ybj")
    TaskDepartmentFactory(task=task_a, department=department, role="cooperating", position=1)
    MembershipFactory(department=department, role=Membership.Role.HEAD)
    MembershipFactory(department=department, role=Membership.Role.LIAISON, is_active=False)
    return department


def test_a_department_without_a_liaison_is_refused_with_the_reason_and_nothing_is_written(
    english, task_a, dept_no_liaison, supervisor, media_root
):
    before = snapshot(media_root)
    with pytest.raises(ValidationError) as refused:
        issue(task_a, dept_no_liaison, supervisor)
    assert refused.value.message_dict["department"] == [
        "示范市医疗保障局 has no liaison; add one before issuing a notice."
    ]
    assert snapshot(media_root) == before
    assert not SupervisionNotice.objects.exists() and not NoticeCounter.objects.exists()


def test_the_same_refusal_reaches_the_supervisor_on_the_page(client, task_a, dept_no_liaison, supervisor):
    client.force_login(supervisor)
    client.cookies["django_language"] = "en"
    url = f"/notices/new/?task={task_a.pk}"
    response = client.post(url, {"department": dept_no_liaison.pk, "level": "blue", "requirements": "请整改"})
    assert response.status_code == 400
    assert "示范市医疗保障局 has no liaison; add one before issuing a notice." in response.content.decode()
    assert not SupervisionNotice.objects.exists()


def test_numbers_run_per_year_and_restart_at_one(task_a, dept_a, liaison_a, supervisor):
    numbers = [issue(task_a, dept_a, supervisor, at=on(D(2024, month, 3))).reference for month in (2, 5, 11)]
    assert numbers == ["督办〔2024〕1号", "督办〔2024〕2号", "督办〔2024〕3号"]
    first_2025 = issue(task_a, dept_a, supervisor, at=on(D(2025, 1, 6)))
    assert (first_2025.year, first_2025.number, first_2025.reference) == (2025, 1, "督办〔2025〕1号")
    assert issue(task_a, dept_a, None, at=on(D(2024, 12, 30))).reference == "督办〔2024〕4号"
    assert issue(task_a, dept_a, supervisor, at=on(D(2025, 2, 10))).reference == "督办〔2025〕2号"
    assert dict(NoticeCounter.objects.values_list("year", "last")) == {2024: 4, 2025: 2}
    pairs = list(SupervisionNotice.objects.values_list("year", "number"))
    assert len(pairs) == len(set(pairs)) == 6


def test_the_year_is_that_of_the_issue_date_in_china(task_a, dept_a, liaison_a, supervisor):
    # 2024-12-31 17:00 UTC is already 2025-01-01 in Shanghai.
    new_year = datetime.datetime(2024, 12, 31, 17, 0, tzinfo=datetime.UTC)
    assert issue(task_a, dept_a, supervisor, at=new_year).reference == "督办〔2025〕1号"


def test_the_response_date_defaults_to_the_plans_working_days_and_may_be_given(task_a, dept_a, liaison_a, supervisor, plan):
    plan.notice_response_working_days = 3
    plan.save(update_fields=["notice_response_working_days"])
    task_a.refresh_from_db()
    # Friday 2024-09-13: 中秋节 09-15…17 (Sunday–Tuesday), Saturday 09-14 is a make-up working day.
    assert issue(task_a, dept_a, supervisor, at=on(D(2024, 9, 13))).response_due_on == D(2024, 9, 19)
    given = issue(task_a, dept_a, supervisor, at=on(D(2024, 9, 13)), response_due_on=D(2024, 9, 30))
    assert given.response_due_on == D(2024, 9, 30)
    same_day = issue(task_a, dept_a, supervisor, at=on(D(2024, 9, 13)), response_due_on=D(2024, 9, 13))
    assert same_day.response_due_on == D(2024, 9, 13)


@pytest.mark.parametrize(
    "fields, field, message",
    [
        ({"requirements": "  "}, "requirements", "Write what the department must do."),
        ({"requirements": "要" * 3001}, "requirements", "Keep the requirements within 3000 characters."),
        ({"response_due_on": D(2024, 6, 2)}, "response_due_on", "The response date cannot be in the past."),
        ({"level": "green"}, "level", "Choose the level of the notice."),
    ],
)
def test_bad_input_is_refused_field_by_field_and_nothing_is_written(
    english, task_a, dept_a, liaison_a, supervisor, media_root, fields, field, message
):
    before = snapshot(media_root)
    with pytest.raises(ValidationError) as refused:
        issue(task_a, dept_a, supervisor, **fields)
    assert refused.value.message_dict == {field: [message]}
    assert snapshot(media_root) == before


def test_only_a_department_of_the_task_may_receive_its_notice(english, task_b_only, dept_a, liaison_a, supervisor):
    with pytest.raises(ValidationError) as refused:
        issue(task_b_only, dept_a, supervisor)
    assert refused.value.message_dict == {"department": ["Choose a department that leads or co-operates on this task."]}


def test_a_co_operating_department_may_receive_a_notice(task_a, dept_b, liaison_b, supervisor):
    notice = issue(task_a, dept_b, supervisor)
    assert notice.department == dept_b and process_of(notice).status == "NEW"


def test_the_overdue_report_must_be_of_the_same_task(english, task_a, task_b_only, dept_a, dept_b, liaison_a, supervisor, plan):
    from tasks import progress

    period = progress.reporting_period(plan=plan, cadence="quarterly", year=2024, number=1)
    other = progress.report_open(task=task_b_only, period=period, department=dept_b)
    with pytest.raises(ValidationError) as refused:
        issue(task_a, dept_a, supervisor, report=other)
    assert refused.value.message_dict == {"report": ["The overdue report belongs to another task."]}
    mine = progress.report_open(task=task_a, period=period, department=dept_a)
    assert issue(task_a, dept_a, None, report=mine).report == mine


@pytest.mark.parametrize("who", ["liaison_a", "head_a", "evaluator", "administrator", "outsider"])
def test_only_supervisors_or_the_system_may_issue(request, task_a, dept_a, liaison_a, media_root, who):
    before = snapshot(media_root)
    with pytest.raises(PermissionDenied):
        issue(task_a, dept_a, request.getfixturevalue(who))
    assert snapshot(media_root) == before


def test_the_supervisor_role_has_the_issue_permission(supervisor, evaluator, administrator, liaison_a):
    assert notices.can_issue(supervisor)
    assert not any(notices.can_issue(user) for user in (evaluator, administrator, liaison_a, None))
    assert notices.supervisors() == [supervisor]


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("existing", [False, True])
def test_notices_issued_at_the_same_moment_get_different_numbers(task_a, dept_a, liaison_a, supervisor, existing):
    """Also for the first notice of a year, when the counter row does not exist yet."""
    if existing:
        issue(task_a, dept_a, supervisor)
    others = [make_supervisor(f"supervisor-{i}") for i in range(4)]
    outcomes = race(*[(lambda user=user: issue(task_a, dept_a, user).number) for user in others])
    first = 2 if existing else 1
    assert sorted(outcomes) == list(range(first, first + 4)), outcomes
    assert NoticeCounter.objects.get(year=2024).last == first + 3
