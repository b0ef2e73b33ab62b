"""List exports that scale (issue 14): CSV streamed, xlsx written in write-only mode, and lists over
``EXPORT_BACKGROUND_ROWS`` prepared by a background job for the user who asked — with the page's
scope, filters and sort — downloadable by that user only, deleted when they expire."""

from __future__ import annotations

import csv
import datetime
import io
from pathlib import Path

import openpyxl
import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from common.exports import as_text, csv_text, table_rows
from common.views import export_table
from exports.models import ExportJob
from exports.services import export_generate, exports_delete_expired
from tasks import progress, selectors
from tasks.tables import KeyTaskTable
from tests.factories import KeyTaskFactory, TaskDepartmentFactory, make_liaison
from tests.progress.conftest import submitted

FORMULA = '=HYPERLINK("http://evil.example/","点击")'

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def chinese():
    """The headers these tests read are the Chinese ones, whatever language an earlier test left active."""
    from django.utils import translation

    with translation.override("zh-hans"):
        yield


@pytest.fixture(autouse=True)
def _media(media_root):
    return media_root


@pytest.fixture
def many_tasks(plan, dept_a, dept_b, task_a, task_b_only):
    """Seven tasks of dept A (one with a formula for a title), two of dept B."""
    for number in range(3, 9):
        task = KeyTaskFactory(plan=plan, code=str(number), title=FORMULA if number == 3 else f"精神卫生任务{number}")
        TaskDepartmentFactory(task=task, department=dept_a, role="lead", position=0)
    other = KeyTaskFactory(plan=plan, code="9", title="公安局自己的任务")
    TaskDepartmentFactory(task=other, department=dept_b, role="lead", position=0)
    return plan


@pytest.fixture
def background(settings):
    """Exports of more than three rows go to a job (10,000 in production)."""
    settings.EXPORT_BACKGROUND_ROWS = 3
    return settings


def _old_csv(table) -> bytes:
    """What ``export_table`` gave before issue 14: the whole text built in memory."""
    rows = ([as_text(value) for value in row] for row in table.as_values())
    return ("\ufeff" + csv_text(rows)).encode()


def _table(user, plan):
    return KeyTaskTable(selectors.key_task_rows(user=user, plan=plan).order_by("position", "pk"))


def _csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


# --- immediate exports ----------------------------------------------------------------------------


def test_the_streamed_csv_is_byte_for_byte_the_old_export(many_tasks, supervisor):
    response = export_table(_table(supervisor, many_tasks), "csv", "key-tasks")
    assert isinstance(response, StreamingHttpResponse)
    streamed = response.getvalue()
    assert streamed == _old_csv(_table(supervisor, many_tasks))
    rows = _csv_rows(streamed)
    assert streamed.startswith("\ufeff".encode()) and "重点任务" in rows[0]
    titles = [row[rows[0].index("重点任务")] for row in rows[1:]]
    assert "'" + FORMULA in titles and "精神卫生任务4" in titles and len(titles) == 9


def test_rows_are_read_in_chunks_and_still_all_there(many_tasks, supervisor):
    whole = list(table_rows(_table(supervisor, many_tasks)))
    chunked = list(table_rows(_table(supervisor, many_tasks), chunk_size=2))
    assert chunked == whole and len(whole) == 10


def test_the_page_streams_its_csv_and_writes_its_xlsx_in_write_only_mode(client, supervisor, many_tasks):
    client.force_login(supervisor)
    url = reverse("tasks:task_list", args=[many_tasks.pk])
    response = client.get(url, {"_export": "csv", "sort": "-code"})
    assert isinstance(response, StreamingHttpResponse) and response["Content-Type"].startswith("text/csv")
    rows = _csv_rows(response.getvalue())
    codes = [row[0] for row in rows[1:]]
    assert codes == sorted(codes, reverse=True)  # the page's sort

    response = client.get(url, {"_export": "xlsx"})
    assert 'filename="key-tasks-' in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.getvalue())).active
    header = [cell.value for cell in sheet[1]]
    assert sheet["A1"].font.bold and sheet.freeze_panes == "A2"
    titles = [row[header.index("重点任务")] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert len(titles) == 9 and FORMULA in titles
    formula_cell = next(cell for row in sheet.iter_rows(min_row=2) for cell in row if cell.value == FORMULA)
    assert formula_cell.data_type == "s" and formula_cell.quotePrefix  # shown as text, never run


# --- large exports: a job ------------------------------------------------------------------------


def test_a_large_export_is_prepared_by_a_job_for_its_requester_only(
    en_client, supervisor, many_tasks, background, django_capture_on_commit_callbacks, dept_a
):
    en_client.force_login(supervisor)
    url = reverse("tasks:task_list", args=[many_tasks.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = en_client.get(url, {"_export": "xlsx", "sort": "-code"})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert (job.requested_by, job.export_format, job.path) == (supervisor, "xlsx", url)

    job.refresh_from_db()
    assert (job.status, job.progress, job.rows) == (ExportJob.Status.DONE, 100, 9)
    page = en_client.get(job.get_absolute_url()).content.decode()
    assert "The export is ready" in page and reverse("exports:download", args=[job.pk]) in page
    status = en_client.get(reverse("exports:status", args=[job.pk])).json()
    assert status["finished"] and status["status"] == "done"

    download = en_client.get(reverse("exports:download", args=[job.pk]))
    assert download.status_code == 200 and f'filename="key-tasks-{many_tasks.pk}.xlsx"' in download["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(download.getvalue())).active
    codes = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert len(codes) == 9 and codes == sorted(codes, reverse=True)  # the page's sort, in the job
    assert AuditEntry.objects.filter(action="download", actor=supervisor).exists()

    other = make_liaison(dept_a, "another-user")
    en_client.force_login(other)
    for name in ("detail", "status", "download"):
        assert en_client.get(reverse(f"exports:{name}", args=[job.pk])).status_code == 404, name


def test_the_page_says_the_export_is_being_prepared_until_the_job_ran(en_client, supervisor, many_tasks, background):
    en_client.force_login(supervisor)
    response = en_client.get(reverse("tasks:task_list", args=[many_tasks.pk]), {"_export": "csv"})  # job not run yet
    job = ExportJob.objects.get()
    page = en_client.get(response["Location"]).content.decode()
    assert "The export is being prepared" in page and 'data-job-progress' in page
    assert en_client.get(reverse("exports:download", args=[job.pk])).status_code == 404  # not ready
    assert en_client.get(reverse("exports:status", args=[job.pk])).json()["finished"] is False


def test_the_job_keeps_the_liaisons_scope_and_the_filters(
    client, liaison_a, many_tasks, background, django_capture_on_commit_callbacks, dept_a
):
    client.force_login(liaison_a)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(reverse("tasks:task_list", args=[many_tasks.pk]), {"_export": "csv", "q": "精神卫生"})
    job = ExportJob.objects.get()
    rows = _csv_rows(client.get(reverse("exports:download", args=[job.pk])).getvalue())
    titles = [row[rows[0].index("重点任务")] for row in rows[1:]]
    # Dept A's tasks matching the search; nothing of dept B's own tasks, nothing the search leaves out.
    assert sorted(titles) == sorted([f"精神卫生任务{n}" for n in range(4, 9)] + ["统筹推进精神卫生信息化建设"])
    assert "公安局自己的任务" not in titles and "肇事肇祸风险患者应急处置" not in titles


def test_the_archive_export_job_holds_only_the_liaisons_reports(
    client, liaison_a, liaison_b, background, django_capture_on_commit_callbacks, plan, dept_a, dept_b, supervisor
):
    period = progress.reporting_period(plan=plan, cadence="quarterly", year=2024, number=2)
    for number in range(4):
        for department, liaison in ((dept_a, liaison_a), (dept_b, liaison_b)):
            task = KeyTaskFactory(plan=plan, code=f"{department.code}{number}", title=f"{department.code}任务{number}")
            TaskDepartmentFactory(task=task, department=department, role="lead", position=0)
            report = progress.report_open(task=task, period=period, department=department)
            submitted(report, liaison)
            progress.report_approve(report=report, user=supervisor)
    client.force_login(liaison_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("tasks:archive"), {"_export": "csv"})
    job = ExportJob.objects.get(requested_by=liaison_a)
    assert response["Location"] == job.get_absolute_url() and job.rows == 4
    text = client.get(reverse("exports:download", args=[job.pk])).getvalue().decode("utf-8-sig")
    assert all(f"wsjkw任务{n}" in text for n in range(4))
    assert "gaj任务" not in text


def test_a_job_whose_user_lost_access_fails_and_writes_nothing(client, liaison_a, many_tasks, background):
    client.force_login(liaison_a)
    client.get(reverse("tasks:task_list", args=[many_tasks.pk]), {"_export": "csv"})  # queued, not yet run
    liaison_a.is_active = False
    liaison_a.save(update_fields=["is_active"])
    job = export_generate(ExportJob.objects.get().pk)
    assert job.status == ExportJob.Status.FAILED and not job.file


def test_old_exports_and_their_files_are_deleted(client, supervisor, many_tasks, background, django_capture_on_commit_callbacks, settings):
    client.force_login(supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(reverse("tasks:task_list", args=[many_tasks.pk]), {"_export": "csv"})
    job = ExportJob.objects.get()
    path = job.file.path
    assert exports_delete_expired() == 0
    later = timezone.now() + datetime.timedelta(hours=settings.EXPORT_KEEP_HOURS, minutes=1)
    assert exports_delete_expired(now=later) == 1
    assert not ExportJob.objects.exists() and not Path(path).exists()
