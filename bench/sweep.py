"""Benchmark: the deadline sweep over a large table of reports, few of them due.

    make bench                      # SQLite scratch file, 200 000 reports
    BENCH_REPORTS=1000000 DATABASE_URL=postgres://postgres@127.0.0.1:5432/plansupervisor_bench make bench

Prints the time, the number of queries and the rows the sweep read. Uses its own database: a
scratch SQLite file by default, or DATABASE_URL (which it migrates and fills: give it a database
you can throw away).
"""

import datetime
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.scratch import django_setup  # noqa: E402

scratch = django_setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from supervision.sweep import sweep_deadlines  # noqa: E402
from tasks.models import KeyTask, ProgressReport, ReportingPeriod, TaskDepartment  # noqa: E402
from tests.factories import DepartmentFactory, PlanFactory, make_liaison  # noqa: E402

REPORTS = int(os.environ.get("BENCH_REPORTS", "200000"))
DUE = int(os.environ.get("BENCH_DUE", "200"))
TZ = datetime.timezone(datetime.timedelta(hours=8))


def main() -> None:
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    plan = PlanFactory(start_year=2021, end_year=2030)
    department = DepartmentFactory(region=plan.region)
    liaison = make_liaison(department, "bench-liaison")
    periods = [
        ReportingPeriod.objects.create(
            plan=plan, cadence="monthly", year=2021 + i // 12, number=i % 12 + 1,
            starts_on=datetime.date(2021 + i // 12, i % 12 + 1, 1), ends_on=datetime.date(2021 + i // 12, i % 12 + 1, 28),
            due_on=datetime.date(2021 + i // 12, i % 12 + 1, 28), contribution_due_on=datetime.date(2021 + i // 12, i % 12 + 1, 20),
        )
        for i in range(120)
    ]
    tasks_needed = REPORTS // len(periods) + 1
    tasks = KeyTask.objects.bulk_create(
        [KeyTask(plan=plan, code=str(n), title=f"任务{n}", start_date=datetime.date(2021, 1, 1), due_date=datetime.date(2030, 12, 31)) for n in range(tasks_needed)],
        batch_size=2000,
    )
    TaskDepartment.objects.bulk_create([TaskDepartment(task=t, department=department, role="lead") for t in tasks], batch_size=2000)
    today = datetime.date(2025, 6, 1)
    rows, n = [], 0
    for task in tasks:
        for period in periods:
            if n >= REPORTS:
                break
            # History is approved; only the DUE reports are open (periods open only once begun).
            due = today + datetime.timedelta(days=3) if n < DUE else period.due_on
            status = "draft" if n < DUE else "approved"
            rows.append(ProgressReport(task=task, period=period, department=department, assignee=liaison, status=status, due_on=due))
            n += 1
        if len(rows) >= 20000:
            ProgressReport.objects.bulk_create(rows, batch_size=5000)
            rows = []
    ProgressReport.objects.bulk_create(rows, batch_size=5000)
    with connection.cursor() as cursor:  # what autovacuum does after a bulk load
        cursor.execute("ANALYZE")
    # The history is settled: everything overdue before today was already alerted.
    from supervision.sweep import sweep_deadlines as first_sweep

    first_sweep(now=datetime.datetime.combine(today - datetime.timedelta(days=10), datetime.time(9), TZ))
    built = time.perf_counter() - started
    open_overdue = ProgressReport.objects.filter(status="draft", due_on__lt=today).count()

    with CaptureQueriesContext(connection) as queries:
        t0 = time.perf_counter()
        result = sweep_deadlines(now=datetime.datetime.combine(today, datetime.time(9), TZ))
        elapsed = time.perf_counter() - t0
    t0 = time.perf_counter()
    again = sweep_deadlines(now=datetime.datetime.combine(today, datetime.time(15), TZ))
    second = time.perf_counter() - t0

    print(f"database            {connection.vendor} ({'scratch file' if scratch else os.environ['DATABASE_URL']})")
    print(f"reports             {ProgressReport.objects.count():,} ({DUE} due within 7 days, {open_overdue:,} open and overdue)")
    print(f"built in            {built:.1f} s")
    print(f"sweep               {elapsed * 1000:.0f} ms, {len(queries.captured_queries)} queries, reminders sent {result.reminders}")
    print(f"second sweep        {second * 1000:.0f} ms, reminders sent {again.reminders} (idempotent)")


if __name__ == "__main__":
    main()
