"""The work lists issue the same number of queries for 3 and for 30 reports (no query per row)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tasks import progress
from tests.factories import KeyTaskFactory, MilestoneFactory, TaskDepartmentFactory
from tests.progress.conftest import submitted

URL_NAMES = {"inbox": "inbox:inbox", "queue": "inbox:queue", "archive": "tasks:archive"}

pytestmark = pytest.mark.django_db


@pytest.fixture
def grow(plan, dept_a, dept_b, liaison_a, liaison_b, supervisor):
    """Add ``n`` tasks (A leads, B co-operates), each with an approved, a submitted and a draft
    report (opened by report_open), a milestone claim awaiting verification and one returned."""
    periods = [progress.reporting_period(plan=plan, cadence="quarterly", year=2024, number=n) for n in (1, 2, 3)]

    def add(n):
        for _ in range(n):
            task = KeyTaskFactory(plan=plan)
            TaskDepartmentFactory(task=task, department=dept_a, role="lead")
            TaskDepartmentFactory(task=task, department=dept_b, role="cooperating")
            done, waiting, _draft = (progress.report_open(task=task, period=p, department=dept_a) for p in periods)
            submitted(done, liaison_a)
            progress.report_approve(report=done, user=supervisor)
            submitted(waiting, liaison_a)
            for number, returned in ((1, False), (2, True)):
                claim = progress.milestone_claim_submit(
                    milestone=MilestoneFactory(task=task, title=f"节点{number}"),
                    user=liaison_a,
                    completed_on=datetime.date(2023, 12, 1),
                    note="完成",
                )
                if returned:
                    progress.milestone_claim_return(claim=claim, user=supervisor, reason="补充材料")

    return add


def _queries(client, url, params=None):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
        response.getvalue()  # a streamed export reads its rows while it is sent
    assert response.status_code == 200
    return len(ctx.captured_queries), response


PAGES = [
    # who, page, parameters, the rows it lists once 30 tasks exist (the inbox and the queue list
    # every kind of work: reports, contributions, claims …)
    ("liaison_a", "inbox", {}, 60),  # 30 drafts and 30 returned claims
    ("liaison_b", "inbox", {}, 60),  # the contributions B owes (those of approved reports are closed)
    ("supervisor", "inbox", {}, 0),
    ("supervisor", "queue", {}, 60),  # 30 submitted reports and 30 claims awaiting verification
    ("supervisor", "archive", {}, 30),
    ("liaison_a", "archive", {}, 30),
    ("liaison_b", "archive", {}, 30),  # approved reports of tasks B co-operates on
    ("evaluator", "archive", {}, 30),
    ("supervisor", "queue", {"kind": "progress_report", "overdue": "false"}, 30),
    ("supervisor", "archive", {"_export": "csv"}, None),
]


def test_the_work_lists_issue_the_same_number_of_queries_for_3_and_30_reports(request, en_client, grow, evaluator):
    grow(3)
    few = {}
    for who, name, params, _count in PAGES:
        en_client.force_login(request.getfixturevalue(who))
        few[(who, name, str(params))], _response = _queries(en_client, reverse(URL_NAMES[name]), params)
    grow(27)
    for who, name, params, count in PAGES:
        en_client.force_login(request.getfixturevalue(who))
        many, response = _queries(en_client, reverse(URL_NAMES[name]), params)
        assert many == few[(who, name, str(params))], (who, name, params)
        if count is not None:
            page = response.content.decode()
            unit = "item" if name in {"inbox", "queue"} else "report"
            assert f'id="result-count">{count} {unit}' in page, (who, name, params)
    # The inbox is one table of every kind of work, paginated on the database: B owes 60
    # contributions, the page shows 25 of them.
    en_client.force_login(request.getfixturevalue("liaison_b"))
    page = en_client.get(reverse("inbox:inbox")).content.decode()
    assert 'id="result-count">60 items' in page and page.count('data-kind="contribution"') == 25


def test_the_archive_filters_by_a_period_of_the_calendar_across_plans(en_client, grow, supervisor, region, dept_a, liaison_a):
    """The period filter offers each quarter once, however many plans report in it (a province has
    dozens), and keeps the reports of that quarter in every plan."""
    from tests.factories import PlanFactory

    grow(2)
    other = PlanFactory(region=region)
    task = KeyTaskFactory(plan=other)
    TaskDepartmentFactory(task=task, department=dept_a, role="lead")
    report = progress.report_open(task=task, period=progress.reporting_period(plan=other, cadence="quarterly", year=2024, number=1),
                                  department=dept_a)
    submitted(report, liaison_a)
    progress.report_approve(report=report, user=supervisor)
    en_client.force_login(supervisor)
    page = en_client.get(reverse("tasks:archive")).content.decode()
    assert page.count('<option value="2024Q1">') == 1 and '<option value="2024Q3">' in page
    filtered = en_client.get(reverse("tasks:archive"), {"period": "2024Q1"}).content.decode()
    assert 'id="result-count">3 reports' in filtered  # two of the first plan, one of the other
    assert 'id="result-count">0 reports' in en_client.get(reverse("tasks:archive"), {"period": "2023Q4"}).content.decode()
