"""Benchmark: the final assessment report of a large plan.

    make bench                      # SQLite scratch file: 150 tasks, 40 indicators, 5 years of quarterly reports
    BENCH_TASKS=150 DATABASE_URL=postgres://postgres@127.0.0.1:5432/plansupervisor_bench python bench/report.py

Prints the build time, the render time, the number of queries and the peak memory (tracemalloc).
Uses its own database: a scratch SQLite file by default, or DATABASE_URL (which it migrates and
fills: give it a database you can throw away).
"""

import datetime
import os
import sys
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.scratch import django_setup  # noqa: E402

scratch = django_setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import translation  # noqa: E402

from evaluation import services  # noqa: E402
from evaluation.facts import department_facts  # noqa: E402
from evaluation.report import render_final_report, report_font  # noqa: E402
from evaluation.services import department_scorecards  # noqa: E402
from indicators.models import Indicator, IndicatorValue  # noqa: E402
from tasks.models import KeyTask, Light, PlanSection, ProgressReport, ReportingPeriod, TaskDepartment  # noqa: E402
from tests.factories import DepartmentFactory, PlanFactory, make_evaluator, make_liaison, make_supervisor  # noqa: E402

TASKS = int(os.environ.get("BENCH_TASKS", "150"))
INDICATORS = int(os.environ.get("BENCH_INDICATORS", "40"))
YEARS = 5


def main() -> None:
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    plan = PlanFactory(start_year=2021, end_year=2025)
    departments = [DepartmentFactory(region=plan.region, name=f"示范市第{n}局", short_name=f"第{n}局", position=n) for n in range(12)]
    liaison = make_liaison(departments[0], "bench-liaison")
    sections = [PlanSection.objects.create(plan=plan, title=f"第{n}章", position=n) for n in range(8)]
    periods = [
        ReportingPeriod.objects.create(
            plan=plan, cadence="quarterly", year=2021 + i // 4, number=i % 4 + 1,
            starts_on=datetime.date(2021 + i // 4, 3 * (i % 4) + 1, 1), ends_on=datetime.date(2021 + i // 4, 3 * (i % 4) + 3, 28),
            due_on=datetime.date(2021 + i // 4, 3 * (i % 4) + 3, 28), contribution_due_on=datetime.date(2021 + i // 4, 3 * (i % 4) + 3, 20),
        )
        for i in range(4 * YEARS)
    ]
    lights = list(Light.values)
    tasks = KeyTask.objects.bulk_create(
        [
            KeyTask(
                plan=plan, section=sections[n % len(sections)], code=str(n + 1), position=n, title=f"重点任务{n + 1}",
                start_date=datetime.date(2021, 1, 1), due_date=datetime.date(2025, 12, 31),
                status=KeyTask.Status.COMPLETED if n % 3 == 0 else KeyTask.Status.IN_PROGRESS, progress=(n * 7) % 101, light=lights[n % 3],
            )
            for n in range(TASKS)
        ]
    )
    TaskDepartment.objects.bulk_create(
        [TaskDepartment(task=t, department=departments[n % len(departments)], role="lead") for n, t in enumerate(tasks)]
    )
    ProgressReport.objects.bulk_create(
        [
            ProgressReport(task=t, period=p, department=departments[n % len(departments)], assignee=liaison, status="approved",
                           due_on=p.due_on, round=1, is_late=(n + p.number) % 7 == 0, percent_complete=50)
            for n, t in enumerate(tasks)
            for p in periods
        ],
        batch_size=2000,
    )
    indicators = Indicator.objects.bulk_create(
        [
            Indicator(plan=plan, code=str(n + 1), name=f"指标{n + 1}", unit_kind="count", baseline_value=Decimal(10), baseline_year=2020,
                      target_value=Decimal(20), target_year=2025, position=n, department=departments[n % len(departments)])
            for n in range(INDICATORS)
        ]
    )
    IndicatorValue.objects.bulk_create(
        [
            IndicatorValue(indicator=i, year=year, period_code=str(year), region=plan.region, value=Decimal(10 + year - 2020 + n % 5),
                           status="approved", due_on=datetime.date(year + 1, 3, 31))
            for n, i in enumerate(indicators)
            for year in range(2021, 2026)
        ]
    )
    evaluation = _signed_off_evaluation(plan, departments)
    built = time.perf_counter() - started

    with translation.override("zh-hans"), CaptureQueriesContext(connection) as queries:
        t0 = time.perf_counter()
        data = render_final_report(plan, on=datetime.date(2025, 12, 31))
        elapsed = time.perf_counter() - t0
    # Peak memory in a second run: tracemalloc slows the run it watches.
    tracemalloc.start()
    with translation.override("zh-hans"):
        render_final_report(plan, on=datetime.date(2025, 12, 31))
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    print(f"database            {connection.vendor} ({'scratch file' if scratch else os.environ['DATABASE_URL']})")
    print(f"plan                {TASKS} tasks, {INDICATORS} indicators, {ProgressReport.objects.count():,} quarterly reports")
    print(f"built in            {built:.1f} s")
    print(f"final report        {elapsed:.2f} s, {len(queries.captured_queries)} queries, {len(data) / 1024:.0f} KiB")
    print(f"peak memory         {peak / 1024 / 1024:.1f} MiB (tracemalloc)")
    font = report_font()
    print(f"font                {'embedded TrueType subset' if font == 'ReportCJK' else 'built-in CID ' + font}")

    with CaptureQueriesContext(connection) as queries:
        t0 = time.perf_counter()
        facts = department_facts(plan, departments[0], on=datetime.date(2025, 12, 31))
        elapsed = time.perf_counter() - t0
    print(f"facts for scoring   {elapsed * 1000:.0f} ms, {len(queries.captured_queries)} queries ({len(facts.tasks)} tasks of one department)")
    with CaptureQueriesContext(connection) as queries:
        t0 = time.perf_counter()
        rows = department_scorecards(evaluation)
        elapsed = time.perf_counter() - t0
    print(f"scorecards          {elapsed * 1000:.0f} ms, {len(queries.captured_queries)} queries ({len(rows)} departments, 2 evaluators each)")


def _signed_off_evaluation(plan, departments):
    """A mid-term evaluation scored by two evaluators per department and signed off (through the services)."""
    supervisor = make_supervisor("bench-supervisor")
    evaluators = [make_evaluator(f"bench-evaluator-{n}") for n in range(2)]
    evaluation = services.evaluation_create(plan=plan, kind="mid_term", title="中期评估", lead=supervisor, user=supervisor)
    criteria = list(evaluation.rubric.criteria.all())
    for n, department in enumerate(departments):
        for k, evaluator in enumerate(evaluators):
            assignment = services.evaluator_assign(evaluation=evaluation, evaluator=evaluator, department=department, user=supervisor)
            scores = {c: (60 + (n * 7 + k * 11 + i * 5) % 40, "") for i, c in enumerate(criteria)}
            services.scores_save(assignment=assignment, user=evaluator, scores=scores, conclusion=f"第{n}局总体较好。", submit=True)
    return services.sign_off(evaluation=evaluation, user=supervisor, conclusion="总体完成中期目标。")


if __name__ == "__main__":
    main()
