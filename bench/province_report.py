"""Benchmark: a province's final report and bulletin (issue 14, point 4).

    make bench                      # SQLite scratch file (slow to build; figures are indicative only)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_report python bench/province_report.py

Builds (bulk inserts) a province plan cascaded to 17 prefecture plans × 120 tasks, 40 indicators
(cascaded, with five years of approved values), five years of quarterly reports, ~40 evidence rows
per task (two per report), supervision notices and funding lines; says how long that took. Then it
renders, each in a fresh process so that its peak resident memory is its own:

- the province's final report and its bulletin, without and with ``with_task_detail``;
- one prefecture's final report (a plan with no children: today's layout), without and with;

and prints per render: time, peak memory (tracemalloc, in a second run; ru_maxrss of the process),
page count (pypdf), queries, and the floor: the same table rows typeset by bare reportlab (a plain
``Table`` per table, strings, no Paragraphs, no table of contents).

Uses its own database: a scratch SQLite file by default, or DATABASE_URL, which it migrates and
FLUSHES: give it a database you can throw away.
"""

from __future__ import annotations

import datetime
import inspect
import io
import json
import os
import resource
import subprocess
import sys
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.scratch import django_setup  # noqa: E402

scratch = django_setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import translation  # noqa: E402

PREFECTURES = int(os.environ.get("BENCH_PREFECTURES", "17"))
TASKS = int(os.environ.get("BENCH_TASKS", "120"))
YEARS = int(os.environ.get("BENCH_YEARS", "5"))
INDICATORS = int(os.environ.get("BENCH_INDICATORS", "40"))
FILES_PER_REPORT = int(os.environ.get("BENCH_FILES_PER_REPORT", "2"))  # × 20 quarters = 40 per task
ON = datetime.date(2025, 12, 31)
BULLETIN_PERIOD = "2025Q4"


# --- the dataset -------------------------------------------------------------------------------


def build() -> dict:
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command

    from evidence.models import Evidence
    from funding.models import FundingLine, Source
    from indicators.models import AnnualIndicatorTarget, Indicator, IndicatorValue
    from supervision.models import SupervisionNotice
    from tasks.models import Department, ProgressReport
    from tests.dashboards.conftest import cascade_world
    from tests.factories import make_supervisor

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    started = time.perf_counter()
    world = cascade_world(PREFECTURES, tasks=TASKS, quarters=4 * YEARS)
    supervisor = make_supervisor("bench-report-supervisor", region=world.province)
    health = Department.objects.create(
        region=world.province, code="bench-wsjkw", name="湖北省卫生健康委员会", short_name="省卫健委", is_supervising=True
    )
    years = range(world.plan.start_year, world.plan.end_year + 1)

    # Indicators: the province's, cascaded to every prefecture, with annual targets and values.
    parents = Indicator.objects.bulk_create(
        Indicator(
            plan=world.plan, code=str(n + 1), name=f"指标{n + 1}", unit_kind="percent", baseline_value=Decimal(60),
            baseline_year=2020, target_value=Decimal(90), target_year=world.plan.end_year, position=n, department=health,
        )
        for n in range(INDICATORS)
    )
    IndicatorValue.objects.bulk_create(
        IndicatorValue(
            indicator=i, year=y, period_code=str(y), region=world.province, value=Decimal(62 + (y - years[0]) * 6 + n % 7),
            status="approved", due_on=datetime.date(y + 1, 3, 31),
        )
        for n, i in enumerate(parents)
        for y in years
    )
    children = Indicator.objects.bulk_create(
        [
            Indicator(
                plan=plan, parent=i, code=i.code, name=i.name, unit_kind="percent", baseline_value=Decimal(60), baseline_year=2020,
                target_value=Decimal(90), target_year=world.plan.end_year, position=i.position,
                department=world.departments[plan.region_id][0],
            )
            for plan in world.child_plans
            for i in parents
        ],
        batch_size=2000,
    )
    AnnualIndicatorTarget.objects.bulk_create(
        (AnnualIndicatorTarget(indicator=c, year=y, value=Decimal(70 + (y - years[0]) * 5)) for c in children for y in years),
        batch_size=5000,
    )
    region_of = {p.pk: p.region_id for p in world.child_plans}
    IndicatorValue.objects.bulk_create(
        (
            IndicatorValue(
                indicator=c, year=y, period_code=str(y), region_id=region_of[c.plan_id],
                value=Decimal(60 + (y - years[0]) * 5) + Decimal(n % 200) / 10, status="approved", due_on=datetime.date(y + 1, 3, 31),
            )
            for n, c in enumerate(children)
            for y in years
        ),
        batch_size=5000,
    )

    # Evidence: FILES_PER_REPORT files on every report (40 per task over 20 quarters).
    report_type = ContentType.objects.get_for_model(ProgressReport)
    reports = ProgressReport.objects.filter(task__plan__parent=world.plan).values_list("pk", "task_id", "period__year")
    Evidence.objects.bulk_create(
        (
            Evidence(
                content_type=report_type, object_id=pk, file=f"evidence/bench/{pk}-{k}.pdf",
                original_name=f"任务{task_id}佐证材料{year}年第{k + 1}份.pdf", media_type="application/pdf", size=123456,
                sha256="0" * 64, uploaded_by=supervisor, review_status="accepted",
            )
            for pk, task_id, year in reports.iterator(chunk_size=5000)
            for k in range(FILES_PER_REPORT)
        ),
        batch_size=5000,
    )

    # Notices: one for every fourth task, spread over the plan's last year; funding: a line per prefecture and year.
    number = 0
    notices = []
    for n, task in enumerate(world.child_tasks):
        if n % 4:
            continue
        number += 1
        issued = datetime.datetime(2025, 1 + (n // 4) % 12, 10, 9, tzinfo=datetime.UTC)
        answered = n % 8 == 0
        notices.append(
            SupervisionNotice(
                year=2025, number=number, task=task, department=world.departments[region_of[task.plan_id]][n % 2],
                level=("blue", "yellow", "red")[n % 3], requirements="请按期报送进展。", response_due_on=issued.date() + datetime.timedelta(days=15),
                status="closed" if answered else "issued", issued_by=supervisor, issued_at=issued,
                responded_at=issued + datetime.timedelta(days=5) if answered else None, response="已整改。" if answered else "",
            )
        )
    SupervisionNotice.objects.bulk_create(notices, batch_size=2000)
    # The last quarter's report of every tenth task still a draft after its due date: overdue.
    last = ProgressReport.objects.filter(task__plan__parent=world.plan, period__year=2025, period__number=4)
    last.filter(task_id__in=[t.pk for t in world.child_tasks[::10]]).update(status="draft", round=0)
    FundingLine.objects.bulk_create(
        FundingLine(
            plan=plan, code=f"{plan.pk}-{y}", fiscal_year=y, source=Source.values[y % len(Source.values)], purpose="精神卫生专项",
            department=world.departments[plan.region_id][0], created_by=supervisor,
        )
        for plan in world.child_plans
        for y in years
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # fresh statistics, as autovacuum would leave them
    built = time.perf_counter() - started
    return {
        "plan": world.plan.pk,
        "prefecture_plan": world.child_plans[0].pk,
        "built": built,
        "tasks": len(world.child_tasks),
        "reports": ProgressReport.objects.count(),
        "evidence": Evidence.objects.count(),
        "notices": len(notices),
    }


# --- one render, in its own process -------------------------------------------------------------


def _capture_tables(report_module) -> list[list[list[str]]]:
    """Wrap ``_table`` to keep every table's rows as strings (the floor typesets the same rows)."""
    captured: list[list[list[str]]] = []
    original = report_module._table

    def spy(header, rows, styles, widths=None, **options):
        captured.append([[str(h) for h in header]] + [["" if v is None else str(v) for v in row] for row in rows])
        return original(header, rows, styles, widths, **options)

    report_module._table = spy
    return captured


def _floor(tables: list[list[list[str]]]) -> tuple[float, int]:
    """The same rows as plain strings in bare reportlab Tables, one build: seconds and pages."""
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import SimpleDocTemplate, Table, TableStyle

    from evaluation.report import report_font

    font = report_font()
    started = time.perf_counter()
    story = []
    for rows in tables:
        table = Table(rows, repeatRows=1)
        table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), font), ("FONTSIZE", (0, 0), (-1, -1), 8)]))
        story.append(table)
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4)
    document.build(story)
    return time.perf_counter() - started, document.page


def render(kind: str, plan_pk: int, detail: bool) -> dict:
    from pypdf import PdfReader

    from evaluation import report
    from tasks.models import Plan

    start_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Django and the apps loaded
    plan = Plan.objects.get(pk=plan_pk)
    function = report.render_bulletin if kind == "bulletin" else report.render_final_report
    args = (plan, BULLETIN_PERIOD) if kind == "bulletin" else (plan,)
    supported = "with_task_detail" in inspect.signature(function).parameters  # the code before issue 14 lacks it
    kwargs = {"on": ON} | ({"with_task_detail": detail} if supported else {})
    report.report_font()  # the font is loaded once per process, as in the worker
    tables = _capture_tables(report)
    with translation.override("zh-hans"), CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        data = function(*args, **kwargs)
        elapsed = time.perf_counter() - started
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # before tracemalloc's own bookkeeping
    rows = sum(len(t) - 1 for t in tables)
    floor_seconds, floor_pages = _floor(tables)
    tables.clear()
    tracemalloc.start()  # a second run: tracemalloc slows the run it watches
    with translation.override("zh-hans"):
        function(*args, **kwargs)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "seconds": elapsed,
        "queries": len(queries.captured_queries),
        "pages": len(PdfReader(io.BytesIO(data)).pages),
        "kib": len(data) / 1024,
        "tracemalloc_mib": peak / 1024 / 1024,
        "maxrss_mib": maxrss,
        "start_rss_mib": start_rss,
        "rows": rows,
        "floor_seconds": floor_seconds,
        "floor_pages": floor_pages,
        "detail_supported": supported,
    }


def _spawn(*arguments: str) -> dict:
    """Run this script with ``arguments`` in a new process and read the JSON line it prints. The
    parent builds nothing itself: a child's ru_maxrss starts from its parent's (kept across exec)."""
    command = [sys.executable, __file__, *arguments]
    output = subprocess.run(command, check=True, capture_output=True, text=True, env=os.environ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    if "--build" in sys.argv:
        print(json.dumps(build()))
        return
    if "--render" in sys.argv:
        index = sys.argv.index("--render")
        print(json.dumps(render(sys.argv[index + 1], int(sys.argv[index + 2]), "--detail" in sys.argv)))
        return
    data = _spawn("--build")
    print(f"database            {connection.vendor} ({'scratch file' if scratch else os.environ['DATABASE_URL']})")
    print(
        f"province            1 province plan + {PREFECTURES} prefecture plans × {TASKS} tasks = {data['tasks']:,} tasks, "
        f"{INDICATORS} indicators, {data['reports']:,} quarterly reports, {data['evidence']:,} evidence files, "
        f"{data['notices']:,} notices"
    )
    print(f"built in            {data['built']:.1f} s")
    targets = []
    for label, kind, plan_pk in [
        ("province final report", "final", data["plan"]),
        (f"province bulletin {BULLETIN_PERIOD}", "bulletin", data["plan"]),
        ("one prefecture's final report", "final", data["prefecture_plan"]),
    ]:
        for detail in (False, True):
            result = _spawn("--render", kind, str(plan_pk), *(["--detail"] if detail else []))
            name = f"{label}{', with task detail' if detail else ''}"
            if detail and not result["detail_supported"]:
                name += " (no such option: the same report)"
            print(
                f"{name:<58} {result['seconds']:6.2f} s  {result['queries']:3d} queries  {result['pages']:4d} pages  "
                f"{result['kib']:6.0f} KiB  peak {result['tracemalloc_mib']:6.1f} MiB tracemalloc, "
                f"{result['maxrss_mib']:6.1f} MiB ru_maxrss (from {result['start_rss_mib']:.0f})  |  floor: {result['rows']:,} rows in bare reportlab "
                f"{result['floor_seconds']:5.2f} s, {result['floor_pages']} pages"
            )
            if plan_pk == data["plan"] and not detail:
                targets.append(result["seconds"] <= 3 and result["maxrss_mib"] <= 300)
    print(f"targets (≤ 3 s, ≤ 300 MB, province without task detail): {sum(targets)} of {len(targets)} met")


if __name__ == "__main__":
    main()
