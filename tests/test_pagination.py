"""Bounded lists: common.pagination clamps the page size and keeps the page number in range."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from common.pagination import MAX_PER_PAGE, clamp_per_page, page_number, paginate, paginate_rows
from tasks.tables import KeyTaskTable
from tests.factories import KeyTaskFactory, TaskDepartmentFactory


@pytest.mark.parametrize(
    "raw, expected",
    [(None, 25), ("", 25), ("abc", 25), ("-1", 1), ("0", 1), ("1", 1), ("50", 50), ("100", 100), ("101", 100), ("10" * 30, 100), ("1e3", 25)],
)
def test_per_page_is_clamped(raw, expected):
    assert clamp_per_page(raw) == expected


@pytest.mark.parametrize(
    "raw, expected", [(None, 1), ("abc", 1), ("-2", 1), ("0", 1), ("2", 2), ("3", 3), ("4", 3), ("9" * 40, 3), ("last", 1)]
)
def test_page_number_stays_in_range(raw, expected):
    assert page_number(raw, last=3) == expected


@pytest.mark.django_db
def test_a_table_page_beyond_the_end_shows_the_last_page(plan, dept_a):
    for _ in range(7):
        TaskDepartmentFactory(task=KeyTaskFactory(plan=plan), department=dept_a)
    request = RequestFactory().get("/", {"per_page": "3", "page": "99"})
    table = paginate(request, KeyTaskTable(plan.key_tasks.all()))
    assert table.paginator.per_page == 3 and table.page.number == 3 and len(table.page.object_list) == 1
    table = paginate(RequestFactory().get("/", {"per_page": "-1", "page": "x"}), KeyTaskTable(plan.key_tasks.all()))
    assert table.paginator.per_page == 1 and table.page.number == 1


def test_rows_are_paged_the_same_way():
    page = paginate_rows(RequestFactory().get("/", {"page": "500"}), list(range(45)), per_page=20)
    assert page.number == 3 and list(page.object_list) == [40, 41, 42, 43, 44]
    assert paginate_rows(RequestFactory().get("/", {"page": "x"}), [], per_page=20).number == 1


def test_page_size_never_exceeds_the_maximum():
    assert MAX_PER_PAGE == 100


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["inbox:inbox", "tasks:archive", "indicators:indicator_list", "supervision:notice_list", "funding:line_list", "evaluation:evaluation_list", "notifications:notification_list"])
@pytest.mark.parametrize("query", [{"per_page": "-1"}, {"per_page": "0", "page": "-5"}, {"per_page": "1000000", "page": "99999"}, {"page": "abc"}])
def test_lists_answer_bad_paging_with_a_page(client, supervisor, plan, task_a, url_name, query):
    client.force_login(supervisor)
    assert client.get(reverse(url_name), query).status_code == 200


@pytest.mark.django_db
def test_the_key_task_list_clamps_a_huge_page_size(client, supervisor, plan, dept_a):
    for _ in range(3):
        TaskDepartmentFactory(task=KeyTaskFactory(plan=plan), department=dept_a)
    client.force_login(supervisor)
    response = client.get(reverse("tasks:task_list", args=[plan.pk]), {"per_page": "-1", "page": "7"})
    assert response.status_code == 200
    table = response.context["table"]
    assert table.paginator.per_page == 1 and table.page.number == 3


@pytest.mark.django_db
def test_every_row_is_on_exactly_one_page_when_the_tail_is_read_backwards(plan, dept_a):
    """Pages past the middle are read from the end (TailPaginator): walking every page, in a sort
    with ties (many tasks share a due date), shows each task once and in the order of the sort."""
    import datetime

    for n in range(23):
        TaskDepartmentFactory(task=KeyTaskFactory(plan=plan, due_date=datetime.date(2025, 1 + n % 3, 1)), department=dept_a)
    expected = list(plan.key_tasks.order_by("-due_date", "pk").values_list("pk", flat=True))
    seen = []
    for number in range(1, 6):
        request = RequestFactory().get("/", {"per_page": "5", "page": str(number), "sort": "-due_date"})
        table = paginate(request, KeyTaskTable(plan.key_tasks.all()))
        seen += [row.record.pk for row in table.page.object_list]
    assert seen == expected


@pytest.mark.django_db
def test_the_last_page_is_read_with_a_small_offset_from_the_end(plan, dept_a, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(30):
        TaskDepartmentFactory(task=KeyTaskFactory(plan=plan), department=dept_a)
    with CaptureQueriesContext(connection) as queries:
        page = paginate_rows(RequestFactory().get("/", {"page": "6"}), plan.key_tasks.order_by("code"), per_page=5)
        rows = list(page.object_list)
    assert [t.pk for t in rows] == list(plan.key_tasks.order_by("code", "pk").values_list("pk", flat=True))[25:]
    assert "DESC" in queries.captured_queries[-1]["sql"] and "OFFSET" not in queries.captured_queries[-1]["sql"]


@pytest.mark.django_db
def test_a_list_that_matches_nothing_shows_an_empty_page_without_reading_rows(plan, monkeypatch):
    from django.db.models import QuerySet

    from common.pagination import TailPaginator
    from tasks.models import KeyTask

    table = KeyTaskTable(KeyTask.objects.filter(plan=plan).order_by("position", "pk"))
    request = RequestFactory().get("/", {"page": "3"})
    request.user = None

    def no_slicing(self, key):
        raise AssertionError("an empty list's rows were read")

    monkeypatch.setattr(QuerySet, "__getitem__", no_slicing)
    paginate(request, table)

    assert isinstance(table.paginator, TailPaginator) and table.paginator.count == 0
    assert table.page.number == 1 and list(table.page.object_list) == []
    assert paginate_rows(request, KeyTask.objects.filter(plan=plan)).object_list == []
