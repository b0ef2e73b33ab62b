"""Benchmark: every list, dashboard and detail page at national scale (issue 14).

    make bench                                   # BENCH_SCALE=0.01 on a scratch SQLite file
    createdb -h 127.0.0.1 -U postgres bench_pages
    BENCH_SCALE=1.0 DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_pages python bench/pages.py

``BENCH_SCALE`` (0.01–1.0) scales the dataset of ``bench/national.py``; 1.0 is 340 prefecture
plans, 816,000 progress reports, 1.9 million evidence rows, 1.5 million audit entries. Above 0.05
it needs ``DATABASE_URL`` to a PostgreSQL database you can throw away (it is emptied first).

The pages are rendered by Django's test client with ``DEBUG=0`` settings, as the province's
supervisor and as a department's liaison. One line per page and variant::

    PAGE <name> role=<role> rows=<rows behind it> queries=<n> ms=<median of 5> admin_ms=<…> raw_ms=<…> [ok|MISS …]

- ``admin_ms``: Django admin's changelist of the same rows (the same queryset, 25 a page, the same
  page), asked for through the test client as the pages are (bench/admin_urls.py), median of 5; ``-`` for pages with no changelist counterpart (detail pages, dashboards);
- ``raw_ms``: the page's main query (its slowest), run again as plain SQL through the cursor;
- the targets: ≤ 12 queries; ``ms`` ≤ 0.5 × ``admin_ms``; the main query as the page ran it ≤ 3 ×
  ``raw_ms`` (or under 5 ms, where the ratio is noise) and no sequential scan of a big table in its
  plan (``EXPLAIN`` printed with ``BENCH_EXPLAIN=1``, and for every page that misses on it).

The last line counts the pages that meet every target.
"""

from __future__ import annotations

import math
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SCALE = float(os.environ.get("BENCH_SCALE", "0.01"))
scratch = None
if not os.environ.get("DATABASE_URL"):
    if SCALE > 0.05:
        sys.exit("BENCH_SCALE above 0.05 needs DATABASE_URL to a PostgreSQL database you can throw away.")
    scratch = Path(tempfile.mkdtemp()) / "bench.sqlite3"
    os.environ["DATABASE_URL"] = f"sqlite:///{scratch}"
os.environ["DEBUG"] = "0"
os.environ.setdefault("SECRET_KEY", "bench-pages")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("HTTPS", "0")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "1")
os.environ.setdefault("STATIC_ROOT", str(Path(tempfile.mkdtemp()) / "static"))
os.environ.setdefault("DATABASE_CONN_MAX_AGE", "0")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402
from django.conf import settings  # noqa: E402

django.setup()
settings.ROOT_URLCONF = "bench.admin_urls"  # the product's URLs and the bench's admin changelists

from django.contrib import admin  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment, teardown_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from bench import national as dataset  # noqa: E402

PER_PAGE = 25
RUNS = 5
QUERY_LIMIT = 12
RAW_FLOOR_MS = 5.0  # below this a query's time is the round trip and the client, and ratios of it are noise


@dataclass
class Page:
    name: str
    url: Callable[[dataset.National], str]
    roles: tuple[str, ...] = ("supervisor", "liaison")
    params: dict | None = None  # the filtered and sorted variant
    paged: bool = True  # a list: first and last page are measured
    admin: Callable | None = None  # (national, user) → (model, queryset) of the same rows


def _admin_rows(model_path: str, rows: Callable):
    def admin_rows(national, user):
        from django.apps import apps

        return apps.get_model(model_path), rows(user)

    return admin_rows


def _scoped(selector: str, **kwargs):
    def rows(user):
        module, name = selector.rsplit(".", 1)
        return getattr(__import__(module, fromlist=[name]), name)(user=user, **kwargs)

    return rows


def _visible(function: str):
    def rows(user):
        module, name = function.rsplit(".", 1)
        return getattr(__import__(module, fromlist=[name]), name)(user)

    return rows


def _plan_tasks(user):
    from tasks.models import KeyTask

    return KeyTask.objects.filter(plan_id=NATIONAL.plan.pk)


def _plan_indicators(user):
    from indicators.models import Indicator

    return Indicator.objects.filter(plan_id=NATIONAL.plan.pk)


def _plan_lines(user):
    from funding.models import FundingLine

    return FundingLine.objects.filter(plan_id=NATIONAL.plan.pk)


def _url(name: str, *keys: str):
    def url(national):
        return reverse(name, args=[national.sample[k] for k in keys])

    return url


PAGES = [
    Page("task list", _url("tasks:task_list", "plan"), params={"status": "in_progress", "sort": "-due_date"},
         admin=_admin_rows("tasks.KeyTask", _plan_tasks)),
    Page("inbox", lambda n: reverse("inbox:inbox"), params={"overdue": "true", "sort": "due"},
         admin=_admin_rows("viewflow.Task", _scoped("inbox.selectors.my_work"))),
    Page("review queue", lambda n: reverse("inbox:queue"), roles=("supervisor",), params={"sort": "-due"},
         admin=_admin_rows("viewflow.Task", _scoped("inbox.selectors.review_queue"))),
    Page("archive", lambda n: reverse("tasks:archive"), params={"is_late": "true", "sort": "period"},
         admin=_admin_rows("tasks.ProgressReport", _scoped("tasks.selectors.archive_reports"))),
    Page("notice list", lambda n: reverse("supervision:notice_list"), params={"status": "closed", "sort": "-issued_at"},
         admin=_admin_rows("supervision.SupervisionNotice", _visible("supervision.notices.visible_notices"))),
    Page("indicator list", lambda n: reverse("indicators:indicator_list") + f"?plan={n.sample['plan']}",
         params={"sort": "name"}, admin=_admin_rows("indicators.Indicator", _plan_indicators)),
    Page("funding list", lambda n: reverse("funding:line_list") + f"?plan={n.sample['plan']}", params={"fiscal_year": "2023"},
         admin=_admin_rows("funding.FundingLine", _plan_lines)),
    Page("department list", lambda n: reverse("tasks:department_list"), params={"q": "卫生"},
         admin=_admin_rows("tasks.Department", _visible("tasks.access.visible_departments"))),
    Page("plan list", lambda n: reverse("tasks:plan_list"), paged=False),
    Page("notifications", lambda n: reverse("notifications:notification_list"), paged=False),
    Page("plan dashboard", _url("dashboards:plan", "plan"), paged=False, roles=("supervisor",)),
    Page("indicator dashboard", _url("dashboards:indicators", "plan"), paged=False, roles=("supervisor",)),
    Page("funding dashboard", _url("dashboards:funding", "plan"), paged=False, roles=("supervisor",)),
    Page("plan detail", _url("tasks:plan_detail", "plan"), paged=False),
    Page("task detail", _url("tasks:task_detail", "task"), paged=False),
    Page("report detail (approved)", _url("tasks:report_detail", "approved"), paged=False),
    Page("report detail (submitted)", _url("tasks:report_detail", "submitted"), paged=False),
    Page("notice detail", _url("supervision:notice_detail", "notice"), paged=False),
    Page("period list", _url("tasks:period_list", "plan"), paged=False, roles=("supervisor",)),
    # the header's search: a word every task has (trigram index), two characters (no trigram), a rare title
    Page("search", lambda n: reverse("search:search") + "?q=精神卫生", paged=False),
    Page("search (2 characters)", lambda n: reverse("search:search") + "?q=精神", paged=False),
    Page("search (rare)", lambda n: reverse("search:search") + "?q=重点任务37：", paged=False),
]


@dataclass
class Result:
    line: str
    ok: bool


def _timed(call: Callable) -> tuple[float, list[dict]]:
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        call()
        elapsed = (time.perf_counter() - started) * 1000
    return elapsed, queries.captured_queries


def _median(call: Callable) -> tuple[float, list[dict]]:
    """The median time of RUNS calls, and the queries of the last with each query's time replaced
    by its median over the runs (one run's figure of a sub-millisecond query is noise)."""
    call()  # warm-up: templates, translations, the session
    runs = [_timed(call) for _ in range(RUNS)]
    queries = [dict(q) for q in runs[-1][1]]
    for n, query in enumerate(queries):
        times = [float(run[1][n]["time"]) for run in runs if len(run[1]) > n and run[1][n]["sql"] == query["sql"]]
        query["time"] = str(statistics.median(times))
    return statistics.median(ms for ms, _ in runs), queries


def _raw_ms(sql: str) -> float:
    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql)
            cursor.fetchall()

    run()
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _explain(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(("EXPLAIN " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN ") + sql)
        return "\n".join("      " + " ".join(str(c) for c in row) for row in cursor.fetchall())


def _seq_scan_of_big_table(plan: str) -> bool:
    big = ("tasks_progressreport", "evidence_evidence", "audit_auditentry", "viewflow_task", "viewflow_process")
    return any(f"Seq Scan on {table}" in plan for table in big)


def _admin_registered(labels: dict[str, list[str]]) -> None:
    """Every model compared gets a changelist on the bench's own admin site (bench/admin_urls.py)
    with the columns and filters of its ModelAdmin in the product; the models the product keeps out
    of the admin (reports, notices, engine tasks) get the columns given here."""
    from django.apps import apps

    from bench import admin_urls

    for label in ("tasks.KeyTask", "tasks.Department", "indicators.Indicator", "funding.FundingLine", *labels):
        model = apps.get_model(label)
        registered = type(admin.site._registry[model]) if admin.site.is_registered(model) else type(
            f"{model.__name__}BenchAdmin", (admin.ModelAdmin,), {"list_display": labels[label]}
        )
        admin_urls.register(model, registered)


def _admin_changelist(model, queryset, params: dict) -> Callable:
    """Django admin's changelist over ``queryset`` (the page's rows), as a superuser sees it, asked
    for through the test client like the product's pages (middleware, session, signed-in user)."""
    from accounts.models import User
    from bench import admin_urls

    superuser = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser("bench-admin", "", "x")
    client = Client()
    client.force_login(superuser)
    url = admin_urls.show(model, queryset)

    def call():
        response = client.get(url, params)
        if response.status_code != 200:
            raise RuntimeError(f"the admin changelist {url} answered {response.status_code}")

    return call


def _rows_of(response) -> int | None:
    for context in response.context or []:
        table = context.get("table") if hasattr(context, "get") else None
        if table is not None and hasattr(table, "paginator"):
            return table.paginator.count
        page = context.get("page_obj") if hasattr(context, "get") else None
        if page is not None:
            return page.paginator.count
    return None


def measure(page: Page, role: str, client: Client, user, variant: str) -> Result:
    url = page.url(NATIONAL)
    params: dict = {}
    if variant == "filtered":
        params = dict(page.params or {})
    # The rows behind the page, from the context of one rendering recorded as tests record it;
    # the timed renderings run without that instrumentation (it copies every template context).
    setup_test_environment()
    try:
        response = client.get(url, params)
    finally:
        teardown_test_environment()
    if response.status_code != 200:
        return Result(f"PAGE {page.name} [{variant}] role={role} status={response.status_code}", False)
    rows = _rows_of(response)
    if variant == "last" and rows:
        params = {"page": max(1, math.ceil(rows / PER_PAGE))}
    ms, queries = _median(lambda: client.get(url, params))
    reads = [q for q in queries if q["sql"].lstrip().upper().startswith("SELECT")]
    main = max(reads, key=lambda q: float(q.get("time") or 0)) if reads else None
    main_ms = float(main["time"]) * 1000 if main else 0.0
    raw_ms = _raw_ms(main["sql"]) if main else None
    plan = _explain(main["sql"]) if main else ""
    admin_ms = None
    if page.admin and variant in ("first", "last"):
        model, queryset = page.admin(NATIONAL, user)
        admin_params = {"p": params["page"]} if variant == "last" and "page" in params else {}
        admin_ms, _ = _median(_admin_changelist(model, queryset, admin_params))
    misses = []
    if len(queries) > QUERY_LIMIT:
        misses.append(f"queries>{QUERY_LIMIT}")
    if admin_ms is not None and ms > 0.5 * admin_ms:
        misses.append("ms>0.5×admin")
    if raw_ms is not None and main_ms > 3 * raw_ms and main_ms > RAW_FLOOR_MS:
        misses.append("main>3×raw")
    if connection.vendor == "postgresql" and _seq_scan_of_big_table(plan):
        misses.append("seq scan")
    line = (
        f"PAGE {page.name}{'' if variant == 'first' else f' [{variant}]'} role={role} rows={rows if rows is not None else '-'} "
        f"queries={len(queries)} ms={ms:.1f} admin_ms={f'{admin_ms:.1f}' if admin_ms is not None else '-'} "
        f"raw_ms={f'{raw_ms:.1f}' if raw_ms is not None else '-'} {'ok' if not misses else 'MISS ' + ','.join(misses)}"
    )
    if os.environ.get("BENCH_EXPLAIN") or (misses and connection.vendor == "postgresql" and "seq scan" in misses):
        line += "\n" + plan
    return Result(line, not misses)


NATIONAL: dataset.National = None


def main() -> None:
    global NATIONAL
    _admin_registered({
        "tasks.ProgressReport": ["task", "period", "department", "status", "percent_complete", "is_late", "decided_at"],
        "supervision.SupervisionNotice": ["year", "number", "task", "department", "level", "status", "issued_at", "response_due_on"],
        "viewflow.Task": ["flow_task", "status", "owner", "created", "process"],
    })
    started = time.perf_counter()
    reuse = os.environ.get("BENCH_REUSE") == "1"
    if connection.vendor == "postgresql" and _migrated() and not reuse:
        call_command("flush", "--noinput", verbosity=0)
    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    NATIONAL = dataset.load(SCALE) if reuse else None
    how = "reused from an earlier run"
    if NATIONAL is None:
        NATIONAL = dataset.build(SCALE)
        how = "bulk COPY" if connection.vendor == "postgresql" else "bulk INSERT"
    built = time.perf_counter() - started
    started = time.perf_counter()
    dataset.analyze()
    analyzed = time.perf_counter() - started
    print(f"database            {connection.vendor} ({'scratch file' if scratch else os.environ['DATABASE_URL']})")
    print(f"scale               {SCALE} — " + ", ".join(f"{n:,} {name}" for name, n in NATIONAL.counts.items()))
    print(f"built in            {built:.1f} s ({how}), VACUUM ANALYZE {analyzed:.1f} s")
    clients = {}
    for role, user in (("supervisor", NATIONAL.supervisor), ("liaison", NATIONAL.liaison)):
        client = Client()
        client.force_login(user)
        clients[role] = (client, user)
    results = []
    for page in PAGES:
        for role in page.roles:
            client, user = clients[role]
            variants = ("first", "last", "filtered") if page.paged else ("first",)
            for variant in variants:
                if variant == "filtered" and not page.params:
                    continue
                result = measure(page, role, client, user, variant)
                print(result.line, flush=True)
                results.append(result)
    met = sum(r.ok for r in results)
    print(f"SUMMARY {met}/{len(results)} pages meet the targets (≤ {QUERY_LIMIT} queries, ≤ 0.5× admin, main query ≤ 3× raw, no seq scan)")


def _migrated() -> bool:
    return "django_migrations" in connection.introspection.table_names()


if __name__ == "__main__":
    main()
