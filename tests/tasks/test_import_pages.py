"""The administrator's web import: upload, preview, confirm — and nothing saved before that."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tasks.models import Department, KeyTask, Plan, PlanImport

pytestmark = pytest.mark.django_db


def _sheet(rows) -> SimpleUploadedFile:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["示范市精神卫生工作任务分工表"])
    sheet.append(["序号", "重点任务", "具体内容", "牵头单位", "配合单位", "完成时限"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("分工表.xlsx", buffer.getvalue())


def _counts():
    return Plan.objects.count(), KeyTask.objects.count(), Department.objects.count()


def _upload(client, region, upload, **extra):
    data = {"file": upload, "title": "新规划", "region": region.pk, "start_year": 2021, "end_year": 2025, **extra}
    return client.post(reverse("tasks:plan_import"), data)


def test_upload_preview_then_confirm_creates_the_plan(client, administrator, region, dept_a, dept_b):
    client.force_login(administrator)
    response = _upload(client, region, _sheet([[1, "信息化建设", "建设平台", "市卫生健康委", "市公安局", "2025年底前"]]))
    assert response.status_code == 302
    assert _counts() == (0, 0, 2), "nothing is saved before the confirmation"
    preview = client.get(response["Location"]).content.decode()
    assert "信息化建设" in preview and "confirm-import" in preview
    record = PlanImport.objects.get()
    response = client.post(reverse("tasks:plan_import_confirm", args=[record.pk]))
    plan = Plan.objects.get(title="新规划")
    assert response["Location"] == plan.get_absolute_url()
    task = plan.key_tasks.get()
    assert task.primary_lead == dept_a and task.cooperating_departments == [dept_b]
    record.refresh_from_db()
    assert record.status == "applied" and record.plan == plan


def test_a_second_confirmation_imports_nothing_more(client, administrator, region, dept_a):
    client.force_login(administrator)
    _upload(client, region, _sheet([[1, "信息化建设", "", "市卫生健康委", "", "2025年底前"]]))
    record = PlanImport.objects.get()
    client.post(reverse("tasks:plan_import_confirm", args=[record.pk]))
    before = _counts()
    client.post(reverse("tasks:plan_import_confirm", args=[record.pk]))
    assert _counts() == before


def test_the_preview_lists_every_problem_by_row_and_offers_no_confirmation(client, administrator, region, dept_a):
    client.force_login(administrator)
    response = _upload(
        client,
        region,
        _sheet([[1, "任务一", "", "", "", "2025年底前"], [2, "任务二", "", "市卫生健康委", "", None]]),
    )
    page = client.get(response["Location"]).content.decode()
    assert "import-problems" in page and "confirm-import" not in page
    assert "牵头单位" in page and "完成时限" in page
    assert ">3<" in page and ">4<" in page  # the sheet rows of the two bad lines
    record = PlanImport.objects.get()
    client.post(reverse("tasks:plan_import_confirm", args=[record.pk]))
    assert _counts() == (0, 0, 1)


def test_unknown_departments_are_created_only_when_asked(client, administrator, region, dept_a):
    client.force_login(administrator)
    row = [[1, "任务一", "", "市卫生健康委", "市文旅局", "2025年底前"]]
    response = _upload(client, region, _sheet(row))
    assert "市文旅局" in client.get(response["Location"]).content.decode()
    assert "confirm-import" not in client.get(response["Location"]).content.decode()
    response = _upload(client, region, _sheet(row), create_departments="on")
    record = PlanImport.objects.latest("pk")
    assert "confirm-import" in client.get(response["Location"]).content.decode()
    client.post(reverse("tasks:plan_import_confirm", args=[record.pk]))
    assert Department.objects.filter(name="市文旅局").exists()


@pytest.mark.parametrize(
    "upload, message",
    [
        (SimpleUploadedFile("plan.xlsx", b"MZ\x90\x00 not a workbook"), "xlsx"),
        (SimpleUploadedFile("plan.xls", b"\xd0\xcf\x11\xe0"), "xlsx"),
    ],
)
def test_a_file_that_is_not_a_workbook_is_refused_with_a_message(client, administrator, region, upload, message):
    client.force_login(administrator)
    response = _upload(client, region, upload)
    if response.status_code == 302:
        response = client.get(response["Location"])
    page = response.content.decode()
    assert message in page
    assert "confirm-import" not in page
    assert _counts() == (0, 0, 0)


def test_a_new_plan_needs_title_region_and_years(client, administrator, region):
    client.force_login(administrator)
    response = client.post(reverse("tasks:plan_import"), {"file": _sheet([])})
    assert response.status_code == 200
    assert response.content.decode().count("invalid-feedback") >= 4
    assert PlanImport.objects.count() == 0


def test_another_administrators_upload_is_not_reachable(client, administrator, region, dept_a):
    from tests.factories import make_administrator

    client.force_login(administrator)
    _upload(client, region, _sheet([[1, "任务一", "", "市卫生健康委", "", "2025年底前"]]))
    record = PlanImport.objects.get()
    client.force_login(make_administrator("admin2"))
    assert client.get(reverse("tasks:plan_import_preview", args=[record.pk])).status_code == 404
    assert client.post(reverse("tasks:plan_import_confirm", args=[record.pk])).status_code == 404


def test_liaisons_and_supervisors_cannot_import(client, liaison_a, supervisor, region):
    for user in (liaison_a, supervisor):
        client.force_login(user)
        assert client.get(reverse("tasks:plan_import")).status_code == 403
        assert _upload(client, region, _sheet([])).status_code == 403
