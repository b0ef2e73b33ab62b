"""Both importers (task breakdown tables, indicator sheets) are bounded in common.spreadsheets:
the file's size, what its zip unpacks to (checked before openpyxl opens it), rows and columns."""

import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from common import spreadsheets
from common.spreadsheets import TableError, load_grid
from indicators.sheet import read_indicator_sheet
from tasks.breakdown_table import read_breakdown_table
from tasks.models import Plan, PlanImport
from tests.tasks.sheets import CLEAN_HEADER, clean_table, xlsx

READERS = [read_breakdown_table, read_indicator_sheet]


def _refusal(reader, data) -> str:
    with pytest.raises(TableError) as caught:
        reader(data)
    return " ".join(str(p) for p in caught.value.problems)


def _with_entry(data: bytes, name: str, content: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.namelist():
            target.writestr(item, source.read(item))
        target.writestr(name, content)
    return buffer.getvalue()


@pytest.fixture
def no_openpyxl(monkeypatch):
    """Fails the test if openpyxl is asked to open the workbook."""

    def refuse(*args, **kwargs):
        raise AssertionError("openpyxl must not open this file")

    monkeypatch.setattr(spreadsheets, "load_workbook", refuse)


@pytest.mark.parametrize("reader", READERS)
def test_a_file_over_the_size_limit_is_refused_before_opening(english, settings, no_openpyxl, reader):
    settings.IMPORT_MAX_BYTES = 1024 * 1024
    message = _refusal(reader, clean_table().ljust(1024 * 1024 + 1, b"\x00"))
    assert message == "The file is too large: workbooks may be at most 1 MB."


@pytest.mark.parametrize("reader", READERS)
def test_a_zip_bomb_is_refused_before_openpyxl_opens_it(english, no_openpyxl, reader):
    bomb = _with_entry(clean_table(), "xl/media/image1.bin", b"\x00" * (4 * 1024 * 1024))
    assert len(bomb) < 100 * 1024
    assert "The workbook unpacks to too much data" in _refusal(reader, bomb)


@pytest.mark.parametrize("reader", READERS)
def test_a_workbook_unpacking_past_the_total_limit_is_refused(english, settings, no_openpyxl, reader):
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 1024 * 1024
    stored = _with_entry(clean_table(), "xl/media/image1.bin", bytes(range(256)) * 5000)  # 1.2 MB, barely compressible
    assert "more than 1 MB" in _refusal(reader, stored)


@pytest.mark.parametrize("reader", READERS)
def test_too_many_rows_are_refused(english, settings, reader):
    settings.IMPORT_MAX_ROWS = 10
    rows = [[str(n), f"任务{n}", "内容", "市卫生健康委", "", "2025年底前"] for n in range(1, 11)]
    assert "The sheet has more than 10 rows." in _refusal(reader, clean_table(*rows))


@pytest.mark.parametrize("reader", READERS)
def test_too_many_columns_are_refused(english, settings, reader):
    settings.IMPORT_MAX_COLUMNS = 8
    header = [*CLEAN_HEADER, "备注1", "备注2", "备注3"]
    assert "The sheet has more than 8 columns." in _refusal(reader, xlsx([header, ["1", "任务", "内容", "市卫生健康委", "", "2025年底前", "a", "b", "c"]]))


def test_formatting_far_to_the_right_does_not_count_as_columns(settings):
    """A styled but empty cell in column ZZ stretches the sheet's dimensions, not its content."""
    settings.IMPORT_MAX_COLUMNS = 50
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(CLEAN_HEADER)
    sheet.append(["1", "任务", "内容", "市卫生健康委", "", "2025年底前"])
    sheet["ZZ2"].font = openpyxl.styles.Font(bold=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    _title, grid, _spans = load_grid(buffer.getvalue())
    assert len(grid) == 2 and len(grid[0]) == len(CLEAN_HEADER)


@pytest.mark.django_db
def test_the_import_page_shows_the_refusal_and_saves_nothing(en_client, administrator, region, settings):
    """The page keeps the uploaded file for the preview; the preview reads it and shows why not."""
    en_client.force_login(administrator)
    bomb = _with_entry(clean_table(), "xl/media/image1.bin", b"\x00" * (4 * 1024 * 1024))
    data = {"file": SimpleUploadedFile("分工表.xlsx", bomb), "title": "新规划", "region": region.pk, "start_year": 2021, "end_year": 2025}
    response = en_client.post(reverse("tasks:plan_import"), data)
    preview = en_client.get(response["Location"])
    assert preview.status_code == 200
    assert "The workbook unpacks to too much data" in preview.content.decode()
    assert "confirm-import" not in preview.content.decode()
    assert not Plan.objects.exists()
    assert PlanImport.objects.count() == 1


@pytest.mark.django_db
def test_the_import_form_refuses_a_file_over_the_limit(en_client, administrator, region, settings):
    settings.IMPORT_MAX_BYTES = 1024 * 1024
    en_client.force_login(administrator)
    data = {"file": SimpleUploadedFile("分工表.xlsx", b"PK" + b"\x00" * (1024 * 1024 + 1)), "title": "新规划", "region": region.pk, "start_year": 2021, "end_year": 2025}
    response = en_client.post(reverse("tasks:plan_import"), data)
    assert response.status_code == 200
    assert "The file is larger than 1 MB." in response.content.decode()
    assert not PlanImport.objects.exists()
