"""The notice list issues the same number of queries for 3 and for 30 notices (no query per row)."""
# ruff: noqa: F811 - the fixtures imported from notice_fixtures are redefined as test arguments

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from supervision import notices
from tests.factories import KeyTaskFactory, TaskDepartmentFactory
from tests.supervision.notice_fixtures import SHANGHAI, head_a, issue, media_root, responded  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def grow(plan, dept_a, dept_b, liaison_a, liaison_b, supervisor):
    """Add ``n`` tasks of dept A, each with a notice, in turn: closed, responded, issued and
    escalated (yellow, overdue), acknowledged (overdue), returned — so that the first three
    already fill every filtered page below."""
    steps = iter([4, 2, 0, 1, 3] * 1000)

    def add(n):
        for _ in range(n):
            task = KeyTaskFactory(plan=plan)
            TaskDepartmentFactory(task=task, department=dept_a, role="lead")
            TaskDepartmentFactory(task=task, department=dept_b, role="cooperating")
            step = next(steps)
            notice = issue(task, dept_a, supervisor, at=datetime.datetime(2024, 6, 3, 9, tzinfo=SHANGHAI))
            if step >= 1:
                notices.notice_acknowledge(notice=notice, user=liaison_a)
            if step >= 2:
                notices.notice_respond(notice=notice, user=liaison_a, response="已整改")
            if step == 3:
                notices.notice_return(notice=notice, user=supervisor, reason="不完整")
            if step == 4:
                notices.notice_accept(notice=notice, user=supervisor)
            if step == 0:
                notice.refresh_from_db()
                notices.notice_escalate(notice=notice, on=datetime.date(2024, 6, 12))

    return add


def _queries(client, url, params=None):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
        response.getvalue()  # a streamed export reads its rows while it is sent
    assert response.status_code == 200
    return len(ctx.captured_queries), response


PAGES = [
    # who, parameters, the notices listed once 30 exist
    ("supervisor", {}, 30),
    ("liaison_a", {}, 30),
    ("head_a", {}, 30),
    ("liaison_b", {}, 0),
    ("evaluator", {}, 6),  # closed ones only
    ("administrator", {}, 30),
    ("supervisor", {"status": "responded"}, 6),
    ("supervisor", {"level": "yellow", "overdue": "true"}, 6),
    ("supervisor", {"overdue": "false", "sort": "-task"}, 18),  # responded, returned (a new date), closed
    ("supervisor", {"page": "2"}, 30),
    ("supervisor", {"_export": "csv"}, None),
    ("supervisor", {"_export": "xlsx"}, None),
]


def test_the_notice_list_issues_the_same_number_of_queries_for_3_and_30_notices(request, en_client, grow, evaluator, administrator, head_a):
    grow(3)
    few = {}
    for who, params, _count in PAGES:
        en_client.force_login(request.getfixturevalue(who))
        few[(who, str(params))], _response = _queries(en_client, reverse("supervision:notice_list"), params)
    grow(27)
    for who, params, count in PAGES:
        en_client.force_login(request.getfixturevalue(who))
        many, response = _queries(en_client, reverse("supervision:notice_list"), params)
        assert many == few[(who, str(params))], (who, params)
        if count is not None:
            assert f'id="result-count">{count} notice' in response.content.decode(), (who, params)


def test_the_csv_export_has_one_row_per_notice_in_chinese_friendly_utf8(en_client, grow, supervisor):
    grow(5)
    en_client.force_login(supervisor)
    response = en_client.get(reverse("supervision:notice_list"), {"_export": "csv"})
    text = response.getvalue().decode("utf-8")
    assert text.startswith("\ufeff") and response["Content-Disposition"] == 'attachment; filename="supervision-notices.csv"'
    lines = text.strip().splitlines()
    assert len(lines) == 6
    assert "督办〔2024〕5号" in text and "示范市卫生健康委员会" in text
