"""On PostgreSQL: the test database (created as the tests create it) makes trigrams of Chinese, and
a search of three characters or more reads the trigram indexes of ``tasks.0010`` and
``indicators.0006``; one of two characters has no trigram to look up. Skipped on SQLite, where the
migrations create nothing."""

import datetime

import pytest
from django.db import connection

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm is PostgreSQL's"),
]


def _plan(sql: str, params=()) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny test table: ask whether the index *can* serve
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_chinese_has_trigrams_in_the_test_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT datctype FROM pg_database WHERE datname = current_database()")
        ctype = cursor.fetchone()[0]
        cursor.execute("SELECT show_trgm('精神卫生'), show_trgm('精神')")
        four, two = cursor.fetchone()
    assert len(four) == 5, (ctype, four)  # "  精", " 精神", "精神卫", "神卫生", "生 " — hashed: not ASCII
    assert len(two) == 3, (ctype, two)  # only padded ones: none lies inside a longer title


@pytest.mark.parametrize(
    ("table", "column", "index"),
    [
        ("tasks_keytask", "title", "search_keytask_title_trgm"),
        ("tasks_plan", "title", "search_plan_title_trgm"),
        ("tasks_department", "name", "search_department_name_trgm"),
        ("tasks_department", "short_name", "search_department_short_trgm"),
        ("tasks_departmentalias", "alias", "search_departmentalias_trgm"),
        ("indicators_indicator", "name", "search_indicator_name_trgm"),
    ],
)
def test_trigram_index_on_what_icontains_compares(table, column, index):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = %s AND indexname = %s", [table, index])
        (definition,) = cursor.fetchone()
    assert f"gin (upper(({column})::text) gin_trgm_ops)" in definition


@pytest.fixture
def many_tasks(plan):
    """Enough tasks, with fresh statistics, that the planner weighs the index against the table."""
    from tasks.models import KeyTask

    KeyTask.objects.bulk_create(
        KeyTask(plan=plan, code=str(n), position=n, start_date=datetime.date(2021, 1, 1), due_date=datetime.date(2025, 12, 31), title=f"重点任务{n}：完善{'精神卫生' if n % 50 == 0 else '社区康复'}服务体系")
        for n in range(2000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE tasks_keytask")


def test_a_search_of_three_characters_can_read_the_task_index(many_tasks):
    # Whether the search's own query reads it is the planner's choice by the user's scope (a
    # region's staff: their plans' tasks first); bench/search.py reports it on the national data.
    sql = 'SELECT 1 FROM "tasks_keytask" WHERE UPPER("tasks_keytask"."title"::text) LIKE UPPER(%s)'
    assert "search_keytask_title_trgm" in _plan(sql, ["%精神卫生%"])


def test_two_characters_have_no_trigram_to_look_up():
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN ANALYZE SELECT 1 FROM tasks_keytask WHERE UPPER(title::text) LIKE UPPER(%s)", ["%精神%"])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    # Forced onto the index, pg_trgm can only scan all of it (no trigram narrows it): the search
    # relies on the scope and the early stop instead (search.selectors).
    assert "Seq Scan" in plan or "search_keytask_title_trgm" in plan
