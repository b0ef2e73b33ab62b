"""Benchmark: list exports at 100,000 and 1,000,000 rows in constant memory (issue 14, point 3).

    make bench                                           # SQLite scratch file, 100 000 approved reports
    BENCH_EXPORT_ROWS=1000000 DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_exports .venv/bin/python bench/exports.py

Builds the archive (已办结: approved progress reports) with bulk inserts, then exports it as the
supervisor through the code the pages use, each export in a fresh subprocess so that its peak
memory is its own:

- ``stream-csv``: the archive page's immediate download (``exports.views.export_list`` →
  StreamingHttpResponse), the body read to the end and thrown away;
- ``job-csv`` / ``job-xlsx``: the background job (``exports.services.export_generate``), which replays
  the archive page as the supervisor and writes the file (xlsx in openpyxl's write-only mode);
- ``old-csv`` / ``old-xlsx`` (only with ``BENCH_EXPORT_OLD=1``): the export as it was before — the
  whole table through ``as_values()`` into one string / one in-memory workbook — for comparison.

Each line gives the time and the peak RSS of the export's process (VmHWM — the whole process:
Python, Django and every app loaded — reset just before the export starts), what the RSS grew by
during the export, and the peak of Python allocations tracemalloc saw in a second run of the same
export (tracemalloc slows Python down, so it never runs in the timed one; ``BENCH_TRACEMALLOC=0``
skips the traced runs). Target: 1,000,000 rows in ≤ 150 MB peak.
``BENCH_EXPORT_MODES=stream-csv,job-xlsx`` chooses the exports. The dataset is kept in DATABASE_URL
and reused when it already has the rows asked for (give it a database you can throw away).
"""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
scratch = None
if not os.environ.get("DATABASE_URL"):
    scratch = Path(tempfile.mkdtemp()) / "bench-exports.sqlite3"
    os.environ["DATABASE_URL"] = f"sqlite:///{scratch}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "bench")
os.environ.setdefault("DATABASE_CONN_MAX_AGE", "0")
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="bench-exports-media-"))

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from tasks.models import KeyTask, Plan, ProgressReport, ReportingPeriod, TaskDepartment  # noqa: E402

ROWS = int(os.environ.get("BENCH_EXPORT_ROWS", "100000"))
MODES = os.environ.get("BENCH_EXPORT_MODES", "stream-csv,job-csv,job-xlsx").split(",")
if os.environ.get("BENCH_EXPORT_OLD") == "1":
    MODES += ["old-csv", "old-xlsx"]
TRACEMALLOC = os.environ.get("BENCH_TRACEMALLOC", "1") != "0"  # a second, traced run of each export
PERIODS = 120  # ten years of months
PLAN_TITLE = "导出基准市精神卫生“十四五”规划"
SUPERVISOR = "bench-export-supervisor"
MB = 1024 * 1024


def memory_mb(key: str) -> float:
    """VmRSS (now) or VmHWM (peak) of this process, from /proc. Not ru_maxrss: Linux carries it over
    fork and exec, so a subprocess would report its parent's peak."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(key)


def reset_peak() -> None:
    """Start VmHWM again from the current RSS (Linux ≥ 4.0), so that the peak is the export's."""
    with open("/proc/self/clear_refs", "w") as clear_refs:
        clear_refs.write("5")


# --- the dataset ---------------------------------------------------------------------------------


def build() -> float:
    """The archive: ROWS approved reports of one plan (reused when the database already has them)."""
    from tests.factories import DepartmentFactory, PlanFactory, make_liaison, make_supervisor

    call_command("migrate", verbosity=0)
    plan = Plan.objects.filter(title=PLAN_TITLE).first()
    if plan and ProgressReport.objects.filter(task__plan=plan, status="approved").count() == ROWS:
        return 0.0
    if plan:
        raise SystemExit(f"{connection.settings_dict['NAME']} holds another size of the export dataset: use a fresh database")
    started = time.perf_counter()
    plan = PlanFactory(title=PLAN_TITLE, start_year=2021, end_year=2030)
    make_supervisor(SUPERVISOR, region=plan.region)
    departments = [DepartmentFactory(region=plan.region, name=f"示范市第{n}局", short_name=f"第{n}局", code=f"d{n}") for n in range(12)]
    liaisons = [make_liaison(department, f"bench-export-liaison-{n}") for n, department in enumerate(departments)]
    periods = [
        ReportingPeriod.objects.create(
            plan=plan, cadence="monthly", year=2021 + i // 12, number=i % 12 + 1,
            starts_on=datetime.date(2021 + i // 12, i % 12 + 1, 1), ends_on=datetime.date(2021 + i // 12, i % 12 + 1, 28),
            due_on=datetime.date(2021 + i // 12, i % 12 + 1, 28), contribution_due_on=datetime.date(2021 + i // 12, i % 12 + 1, 20),
        )
        for i in range(PERIODS)
    ]
    tasks = KeyTask.objects.bulk_create(
        [
            KeyTask(
                plan=plan, code=f"{n // 10 + 1}.{n % 10 + 1}", position=n,
                title=f"健全精神卫生服务体系第{n}项：=完善社区康复与心理援助" if n % 50 == 0 else f"健全精神卫生服务体系第{n}项",
                start_date=datetime.date(2021, 1, 1), due_date=datetime.date(2030, 12, 31),
            )
            for n in range(ROWS // PERIODS + 1)
        ],
        batch_size=2000,
    )
    TaskDepartment.objects.bulk_create(
        [TaskDepartment(task=task, department=departments[n % 12], role="lead") for n, task in enumerate(tasks)], batch_size=2000
    )
    decided = timezone.now() - datetime.timedelta(days=400)
    batch, made = [], 0
    for n, task in enumerate(tasks):
        for period in periods:
            if made >= ROWS:
                break
            batch.append(
                ProgressReport(
                    task=task, period=period, department=departments[n % 12], assignee=liaisons[n % 12],
                    status="approved", due_on=period.due_on, percent_complete=made % 101, is_late=made % 7 == 0,
                    round=1, version=3, decided_at=decided + datetime.timedelta(seconds=made),
                )
            )
            made += 1
        if len(batch) >= 20000:
            ProgressReport.objects.bulk_create(batch, batch_size=5000)
            batch = []
    ProgressReport.objects.bulk_create(batch, batch_size=5000)
    with connection.cursor() as cursor:  # what autovacuum does after a bulk load
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return time.perf_counter() - started


# --- one export, in a process of its own ----------------------------------------------------------


def _archive_request(user: User, query: str):
    """The archive page's GET, as the supervisor (what a browser sends, without the middleware)."""
    from exports.services import page_request

    return page_request(user=user, path=reverse("tasks:archive"), query=query, language="zh-hans")


def child(mode: str) -> None:
    import tracemalloc

    from exports.models import ExportJob
    from tasks import progress_views

    traced = os.environ.get("BENCH_TRACEMALLOC", "1") != "0"
    user = User.objects.get(username=SUPERVISOR)
    export_format = mode.split("-")[1]
    settings.EXPORT_BACKGROUND_ROWS = ROWS * 10  # stream-csv: the immediate download, not a job
    connection.close()
    reset_peak()
    before = memory_mb("VmRSS")
    if traced:
        tracemalloc.start()
    started = time.perf_counter()
    size = 0
    if mode == "stream-csv":
        response = progress_views.archive(_archive_request(user, "_export=csv"))
        for chunk in response.streaming_content:
            size += len(chunk)
        response.close()
    elif mode.startswith("job-"):
        from exports.services import export_generate

        job = ExportJob.objects.create(
            requested_by=user, name="archive", export_format=export_format,
            path=reverse("tasks:archive"), query=f"_export={export_format}", language="zh-hans",
        )
        job = export_generate(job.pk)
        if job.status != ExportJob.Status.DONE:
            raise SystemExit(f"export failed: {job.error}")
        size = job.size
        job.file.delete(save=False)
        job.delete()
    else:  # the export as it was before issue 14: the whole table in memory
        from django_tables2 import RequestConfig

        from common.exports import as_text, csv_text, xlsx_bytes
        from tasks import selectors
        from tasks.filters import ReportFilter
        from tasks.tables import ReportTable

        request = _archive_request(user, f"_export={export_format}")
        table = ReportTable(ReportFilter(request.GET, queryset=selectors.archive_reports(user=user), request=request).qs)
        RequestConfig(request, paginate=False).configure(table)
        rows = ([as_text(value) for value in row] for row in table.as_values())
        size = len(("\ufeff" + csv_text(rows)).encode() if export_format == "csv" else xlsx_bytes(rows, title="archive"))
    elapsed = time.perf_counter() - started
    traced_peak = tracemalloc.get_traced_memory()[1] / MB if traced else None
    print(json.dumps({"seconds": elapsed, "peak_rss": memory_mb("VmHWM"), "rss_before": before, "traced_peak": traced_peak, "bytes": size}))


def run(mode: str, *, traced: bool) -> dict:
    env = {**os.environ, "BENCH_TRACEMALLOC": "1" if traced else "0"}
    result = subprocess.run([sys.executable, __file__, "--child", mode], env=env, capture_output=True, text=True, check=False)
    if result.returncode:
        raise SystemExit(f"{mode} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    built = build()
    print(f"database            {connection.vendor} ({'scratch file' if scratch else connection.settings_dict['NAME']})")
    print(f"rows                {ROWS:,} approved reports in the archive, exported as the supervisor")
    print(f"built in            {built:.1f} s" if built else "built in            (reused)")
    connection.close()
    print(f"{'export':<12}{'rows':>10}{'seconds':>10}{'peak RSS MB':>13}{'RSS grew MB':>13}{'tracemalloc MB':>16}{'file MB':>10}")
    worst = 0.0
    for mode in MODES:
        figures = run(mode, traced=False)  # time and RSS without tracemalloc's overhead
        if not mode.startswith("old-"):
            worst = max(worst, figures["peak_rss"])
        traced = f"{run(mode, traced=True)['traced_peak']:.1f}" if TRACEMALLOC else "-"
        print(
            f"{mode:<12}{ROWS:>10,}{figures['seconds']:>10.1f}{figures['peak_rss']:>13.1f}"
            f"{figures['peak_rss'] - figures['rss_before']:>13.1f}{traced:>16}{figures['bytes'] / MB:>10.1f}"
        )
    verdict = "within" if worst <= 150 else "OVER"
    print(f"EXPORTS rows={ROWS} worst_peak_rss_mb={worst:.0f} target=150 {verdict}")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        child(sys.argv[2])
    else:
        main()
