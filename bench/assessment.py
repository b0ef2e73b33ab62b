"""Benchmark: the assessment (考核) of a province's prefectures — compute and export.

    python bench/assessment.py          # scratch SQLite: 17 prefectures × 120 cascaded tasks × 5 years of quarterly reports, 40 indicators
    BENCH_PREFECTURES=17 BENCH_TASKS=120 DATABASE_URL=postgres://… python bench/assessment.py

The callable itself is ``assessment.benchmark.assessment_bench(plan, year, user)`` (the province
benchmark can call it on its own world). Uses its own database (a scratch SQLite file by default).
"""

import datetime
import os
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # before bench/: ``assessment`` is the app, not this file
scratch = None
if not os.environ.get("DATABASE_URL"):
    scratch = Path(tempfile.mkdtemp()) / "bench.sqlite3"
    os.environ["DATABASE_URL"] = f"sqlite:///{scratch}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "bench")
os.environ.setdefault("DATABASE_CONN_MAX_AGE", "0")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from assessment.benchmark import assessment_bench  # noqa: E402
from indicators.models import AnnualIndicatorTarget, Indicator, IndicatorValue  # noqa: E402
from tasks.models import Department, KeyTask, Plan, ProgressReport, Region, ReportingPeriod  # noqa: E402
from tests.factories import ProvinceFactory, make_supervisor  # noqa: E402

PREFECTURES = int(os.environ.get("BENCH_PREFECTURES", "17"))
TASKS = int(os.environ.get("BENCH_TASKS", "120"))
INDICATORS = int(os.environ.get("BENCH_INDICATORS", "40"))
YEARS = range(2021, 2026)


def build():
    province = ProvinceFactory()
    plan = Plan.objects.create(region=province, title="湖北省精神卫生“十四五”规划", start_year=2021, end_year=2025, status="active")
    provincial = Department.objects.create(region=province, code="hbwsjkw", name="湖北省卫生健康委员会")
    tasks = KeyTask.objects.bulk_create(
        [KeyTask(plan=plan, code=str(n + 1), position=n, title=f"重点任务{n + 1}", start_date=datetime.date(2021, 1, 1),
                 due_date=datetime.date(2025, 12, 31)) for n in range(TASKS)]
    )
    indicators = Indicator.objects.bulk_create(
        [Indicator(plan=plan, code=str(n + 1), name=f"指标{n + 1}", unit_kind="percent", baseline_value=Decimal(60),
                   baseline_year=2020, target_value=Decimal(90), target_year=2025, position=n, department=provincial) for n in range(INDICATORS)]
    )
    for p in range(PREFECTURES):
        region = Region.objects.create(name=f"市州{p + 1}", level="prefecture", parent=province, code=f"42{p + 1:02d}00")
        department = Department.objects.create(region=region, code=f"wsjkw{p}", name=f"市州{p + 1}卫生健康委")
        child = Plan.objects.create(region=region, parent=plan, title=f"市州{p + 1}规划", start_year=2021, end_year=2025, status="active")
        child_tasks = KeyTask.objects.bulk_create(
            [KeyTask(plan=child, parent=t, code=t.code, position=t.position, title=t.title, start_date=t.start_date,
                     due_date=t.due_date, status="completed" if (n + p) % 4 == 0 else "in_progress") for n, t in enumerate(tasks)]
        )
        children = Indicator.objects.bulk_create(
            [Indicator(plan=child, parent=i, code=i.code, name=i.name, unit_kind="percent", baseline_value=Decimal(60),
                       baseline_year=2020, target_value=Decimal(90), target_year=2025, position=i.position, department=department) for i in indicators]
        )
        AnnualIndicatorTarget.objects.bulk_create(
            [AnnualIndicatorTarget(indicator=c, year=y, value=Decimal(70 + (y - 2021) * 5 - p % 3)) for c in children for y in YEARS]
        )
        IndicatorValue.objects.bulk_create(
            [IndicatorValue(indicator=c, year=y, period_code=str(y), region=region, value=Decimal(60 + (y - 2021) * 5 + (n + p) % 20),
                            status="approved", due_on=datetime.date(y + 1, 1, 31)) for n, c in enumerate(children) for y in YEARS]
        )
        periods = [
            ReportingPeriod.objects.create(
                plan=child, cadence="quarterly", year=y, number=q, starts_on=datetime.date(y, 3 * q - 2, 1),
                ends_on=datetime.date(y, 3 * q, 28), due_on=datetime.date(y, 3 * q, 28), contribution_due_on=datetime.date(y, 3 * q, 20))
            for y in YEARS for q in range(1, 5)
        ]
        ProgressReport.objects.bulk_create(
            [ProgressReport(task=t, period=per, department=department, status="approved", due_on=per.due_on, round=1,
                            submitted_at=datetime.datetime(per.year, 12, 1, tzinfo=datetime.UTC), is_late=(n + per.number + p) % 7 == 0,
                            assessment="on_track" if (n + p) % 3 else "behind") for n, t in enumerate(child_tasks) for per in periods],
            batch_size=2000,
        )
    return plan


def main() -> None:
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    plan = build()
    user = make_supervisor("bench-province-supervisor", region=plan.region)
    built = time.perf_counter() - started
    print(f"database            {connection.vendor} ({'scratch file' if scratch else os.environ['DATABASE_URL']})")
    print(f"province            {PREFECTURES} prefectures × {TASKS} tasks, {INDICATORS} indicators, {ProgressReport.objects.count():,} reports")
    print(f"built in            {built:.1f} s")
    for line in assessment_bench(plan, 2024, user):
        print(line)


if __name__ == "__main__":
    main()
