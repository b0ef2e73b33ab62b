"""Issue 12: task breakdown tables as offices actually send them.

Each shape is built here (openpyxl for .xlsx, xlwt for .xls, text for .csv): two-row headers
merged and unmerged, a header row far down, a cover sheet first, several sheets, both CSV
encodings, bracketed and 、-containing names, a name with a space, directory collisions, text
deadlines. The verbatim rule is checked as a property over a generated table of many names, and
every shape goes through export → import unchanged.
"""

from __future__ import annotations

import datetime
import io
import random
import re
import time
import zipfile

import openpyxl
import pytest
import xlwt
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from common.spreadsheets import TableError, load_sheets
from tasks.breakdown_table import read_breakdown_table, split_cell
from tasks.models import Department, DepartmentAlias, KeyTask, Plan, PlanImport
from tasks.services import ImportOptions, department_aliases_add, plan_export, plan_import
from tests.factories import DepartmentFactory
from tests.tasks.sheets import CLEAN_HEADER, row_counts, xlsx

D = datetime.date
n = None


def new_plan(region, **overrides) -> ImportOptions:
    values = {"title": "示范市规划", "region_id": region.pk, "start_year": 2016, "end_year": 2025, "create_departments": True}
    values.update(overrides)
    return ImportOptions(**values)


def refusal(data: bytes, options: ImportOptions) -> str:
    before = row_counts()
    with pytest.raises(TableError) as caught:
        plan_import(data=data, options=options)
    assert row_counts() == before
    return " ".join(str(p) for p in caught.value.problems)


def departments_of(task: KeyTask) -> tuple[list[str], list[str], str, str]:
    task = KeyTask.objects.prefetch_related("task_departments__department").get(pk=task.pk)
    return (
        [d.name for d in task.lead_departments],
        [d.name for d in task.cooperating_departments],
        task.lead_text,
        task.cooperating_text,
    )


def xlsx_sheets(sheets: dict[str, list[list]], merges: dict[str, list[str]] | None = None) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(list(row))
        for cell_range in (merges or {}).get(title, []):
            sheet.merge_cells(cell_range)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xls(rows: list[list], merges: list[tuple[int, int, int, int]] = (), sheet_title: str = "分工表") -> bytes:
    """An old Excel (.xls) workbook; ``merges`` as (first row, last row, first col, last col), 0-based."""
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet(sheet_title)
    merged_cells = set()
    for r1, r2, c1, c2 in merges:
        sheet.write_merge(r1, r2, c1, c2, rows[r1][c1])
        merged_cells |= {(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)}
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None and (r, c) not in merged_cells:
                sheet.write(r, c, value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list], encoding: str) -> bytes:
    import csv

    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows([["" if v is None else v for v in row] for row in rows])
    return buffer.getvalue().encode(encoding)


# --- two-row headers ----------------------------------------------------------------------------

TWO_ROW = [
    ["示范市重点任务分工表", n, n, n, n, n],
    ["序号", "重点任务", "责任单位", n, "完成时限", "备注"],
    [n, n, "牵头单位", "配合单位", n, n],
    [1, "建立协调机制", "市卫生健康委", "市民政局、市财政局", "2020年底前", ""],
    [2, "完善救助制度", "市民政局", "各县（市、区）人民政府", "至2020年", ""],
]
TWO_ROW_MERGES = ["A1:F1", "A2:A3", "B2:B3", "C2:D2", "E2:E3", "F2:F3"]


@pytest.mark.django_db
@pytest.mark.parametrize("merged", [True, False], ids=["merged", "unmerged"])
def test_a_two_row_header_reads_lead_and_cooperating_under_a_group_header(city, departments, merged):
    rows = [list(r) for r in TWO_ROW]
    if not merged:
        rows[1] = ["序号", "重点任务", "责任单位", n, "完成时限", "备注"]
    data = xlsx(rows, TWO_ROW_MERGES if merged else [])

    table = read_breakdown_table(data)

    assert table.header_rows == 2
    assert [t.code for t in table.tasks] == ["1", "2"]  # the sub-header row is no task
    assert table.labels["lead"] == "牵头单位" and table.labels["cooperating"] == "配合单位"
    result = plan_import(data=data, options=new_plan(city))
    first, second = result.plan.key_tasks.order_by("code")
    assert departments_of(first) == (["示范市卫生健康委员会"], ["示范市民政局", "示范市财政局"], "", "")
    assert departments_of(second) == (["示范市民政局"], [], "", "各县（市、区）人民政府")
    assert not Department.objects.filter(name__in=["牵头单位", "配合单位", "责任单位"]).exists()


@pytest.mark.django_db
def test_a_two_row_header_without_a_deadline_column_never_imports_the_sub_header(city, departments):
    rows = [[c for i, c in enumerate(r) if i != 4] for r in TWO_ROW]
    data = xlsx(rows, ["A2:A3", "B2:B3", "C2:D2"])

    result = plan_import(data=data, options=new_plan(city))

    assert sorted(result.plan.key_tasks.values_list("title", flat=True)) == ["完善救助制度", "建立协调机制"]
    assert not Department.objects.filter(name="牵头单位").exists()


@pytest.mark.django_db
def test_header_synonyms_and_a_header_row_far_down(city, departments):
    rows = [["说明：本表由市政府办公室印发"], *[[f"第{i}行备注"] for i in range(1, 8)]]
    rows += [["编号", "工作任务", "主责单位", "协办单位", "时间节点"], ["1", "推进试点", "市教育局", "市司法局", "2019年底前(完成试点)"]]

    result = plan_import(data=xlsx(rows), options=new_plan(city))

    task = result.plan.key_tasks.get()
    assert departments_of(task)[:2] == (["示范市教育局"], ["示范市司法局"])
    assert (task.deadline_text, task.due_date, task.deadline_undated) == ("2019年底前(完成试点)", D(2019, 12, 31), False)


@pytest.mark.django_db
def test_years_under_a_merged_annual_targets_header(city, departments):
    rows = [
        ["序号", "重点任务", "牵头单位", "完成时限", "年度目标", n],
        [n, n, n, n, "2021年", "2022年"],
        [1, "建设平台", "市卫生健康委", "2022年底前", "立项", "上线"],
    ]
    table = read_breakdown_table(xlsx(rows, ["A1:A2", "B1:B2", "C1:C2", "D1:D2", "E1:F1"]))
    assert table.years == [2021, 2022]
    assert [(t.code, t.annual_targets) for t in table.tasks] == [("1", {2021: "立项", 2022: "上线"})]


# --- every sheet ----------------------------------------------------------------------------------

TABLE = [CLEAN_HEADER, [1, "建立协调机制", "", "市卫生健康委", "市民政局", "2020年底前"]]


@pytest.mark.django_db
def test_a_cover_sheet_first_the_table_on_the_second_sheet_is_used_and_named(city, departments):
    data = xlsx_sheets({"说明": [["填表说明"], ["牵头单位填写部门全称"]], "任务分工": TABLE})

    result = plan_import(data=data, options=new_plan(city))

    assert result.table.sheet_name == "任务分工" and result.table.sheets == ["说明", "任务分工"]
    assert result.created_tasks == 1


@pytest.mark.django_db
def test_several_sheets_with_a_table_are_refused_listing_them_until_one_is_chosen(city, departments, english):
    data = xlsx_sheets({"说明": [["填表说明"]], "2021年": TABLE, "2022年": TABLE})

    message = refusal(data, new_plan(city))
    assert "Several sheets" in message and "“2021年”" in message and "“2022年”" in message

    result = plan_import(data=data, options=new_plan(city, sheet="2022年"))
    assert result.table.sheet_name == "2022年"


@pytest.mark.django_db
def test_no_sheet_with_a_table_is_refused_listing_the_sheets(city, departments, english):
    data = xlsx_sheets({"封面": [["示范市规划"]], "附件": [["名称", "数量"]]})
    message = refusal(data, new_plan(city))
    assert "No header row found" in message and "“封面”、“附件”" in message
    assert "no sheet “别的”" in refusal(data, new_plan(city, sheet="别的"))


@pytest.mark.django_db
def test_the_command_takes_sheet_and_reads_csv(city, departments, tmp_path, capsys):
    book = tmp_path / "分工表.xlsx"
    book.write_bytes(xlsx_sheets({"A": TABLE, "B": TABLE}))
    with pytest.raises(CommandError):
        call_command("import_plan", str(book), "--title", "规划一", "--region", city.code, "--start", "2016", "--end", "2025")
    assert "“A”、“B”" in capsys.readouterr().err
    call_command(
        "import_plan", str(book), "--sheet", "B", "--title", "规划一", "--region", city.code, "--start", "2016", "--end", "2025"
    )
    assert "“B”" in capsys.readouterr().out

    table = tmp_path / "分工表.csv"
    table.write_bytes(csv_bytes(TABLE, "gbk"))
    call_command("import_plan", str(table), "--title", "规划二", "--region", city.code, "--start", "2016", "--end", "2025")
    assert Plan.objects.get(title="规划二").key_tasks.get().title == "建立协调机制"


# --- formats --------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_in_every_encoding_reads_the_same(city, departments, encoding):
    rows = [["示范市任务分工表"], CLEAN_HEADER, [1, "建立机制", "", "市卫生健康委、乡镇（街道）综合管理小组", "", "2020年前"]]
    data = csv_bytes(rows, encoding)
    if encoding == "utf-8-sig":
        assert data.startswith(b"\xef\xbb\xbf")

    result = plan_import(data=data, options=new_plan(city, filename="分工表.csv"))

    task = result.plan.key_tasks.get()
    assert departments_of(task)[0] == ["示范市卫生健康委员会", "乡镇（街道）综合管理小组"]
    assert task.due_date == D(2020, 12, 31)


@pytest.mark.django_db
def test_an_old_excel_file_with_merged_cells(city, departments):
    rows = [
        ["示范市任务分工表", n, n, n, n],
        ["序号", "重点任务", "责任单位", n, "完成时限"],
        [n, n, "牵头单位", "配合单位", n],
        [1, "建立机制", "市卫生健康委", "市民政局", "2020年底前"],
        [n, "完善制度", "市民政局", "", "2021年底前"],
    ]
    data = xls(rows, merges=[(0, 0, 0, 4), (1, 2, 0, 0), (1, 2, 1, 1), (1, 1, 2, 3), (1, 2, 4, 4), (3, 4, 0, 0)])

    result = plan_import(data=data, options=new_plan(city, filename="分工表.xls"))

    assert result.table.title == "示范市任务分工表"
    assert sorted(result.plan.key_tasks.values_list("code", "title")) == [("1.1", "建立机制"), ("1.2", "完善制度")]


def test_one_reader_for_every_format():
    rows = [CLEAN_HEADER, ["1", "建立机制", "", "市卫生健康委", "", "2020年底前"]]
    grids = [
        load_sheets(xlsx(rows))[0].grid,
        load_sheets(xls(rows), "a.xls")[0].grid,
        load_sheets(csv_bytes(rows, "gbk"), "a.csv")[0].grid,
        load_sheets(csv_bytes(rows, "utf-8-sig"), "a.csv")[0].grid,
    ]
    texts = [[[str(v or "") for v in row] for row in grid] for grid in grids]
    assert all(t == texts[0] for t in texts)


# --- names verbatim ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "names", "generic", "cooperating"),
    [
        ("乡镇（街道）综合管理小组", ["乡镇（街道）综合管理小组"], [], []),
        ("各县（市、区）人民政府", [], ["各县（市、区）人民政府"], []),
        ("市 民政局", ["市民政局"], [], []),
        ("市卫生健康委 市民政局", ["市卫生健康委", "市民政局"], [], []),
        ("市卫生健康委（牵头）、市公安局（配合）", ["市卫生健康委"], [], ["市公安局"]),
        ("市卫生健康委（排名第一为牵头单位）、市民政局", ["市卫生健康委", "市民政局"], [], []),
        ("市疾控中心（市卫生监督局）", ["市疾控中心（市卫生监督局）"], [], []),
        ("各县（市、区）人民政府、市民政局等", ["市民政局"], ["各县（市、区）人民政府"], []),
    ],
)
def test_department_cells_split_only_into_names(cell, names, generic, cooperating):
    split = split_cell(cell)
    assert (split.names, split.generic, split.cooperating, split.unsure) == (names, generic, cooperating, False)


@pytest.mark.parametrize("cell", ["市、县卫生健康委", "市卫健 委", "市卫生健康委（牵头、市民政局"])
def test_a_split_the_reader_is_unsure_of_is_marked(cell):
    split = split_cell(cell)
    assert split.unsure
    for name in split.pieces:
        assert re.sub(r"\s+", "", name) in re.sub(r"\s+", "", cell)


@pytest.mark.django_db
def test_a_name_with_a_space_is_one_department_and_no_department_called_shi(city, departments):
    data = xlsx([CLEAN_HEADER, [1, "救助", "", "市 民政局", "市 财政局、市 公安局", "2020年底前"]])

    result = plan_import(data=data, options=new_plan(city))

    task = result.plan.key_tasks.get()
    assert departments_of(task)[:2] == (["示范市民政局"], ["示范市财政局", "示范市公安局"])
    assert result.created_departments == [] and not Department.objects.filter(name="市").exists()


NAME_PARTS = ["卫生健康委", "民政局", "财政局", "教育局", "综合管理小组", "疾病预防控制中心", "医疗保障局", "残疾人联合会"]
PREFIXES = ["市", "示范市", "乡镇（街道）", "县（市、区）", "区", "市 "]
SEPARATORS = ["、", "，", ",", "；", ";", "\n", " ", "、 "]
ANNOTATIONS = ["", "", "", "（牵头）", "（配合）", "(牵头)", "（排名第一为牵头单位）"]


def _generated_cells(count: int, seed: int = 12) -> list[str]:
    chance = random.Random(seed)
    cells = []
    for _ in range(count):
        names = [chance.choice(PREFIXES) + chance.choice(NAME_PARTS) + chance.choice(ANNOTATIONS) for _ in range(chance.randint(1, 4))]
        if chance.random() < 0.2:
            names.append(chance.choice(["各县（市、区）人民政府", "各相关部门", "各成员单位"]))
        text = names[0]
        for name in names[1:]:
            text += chance.choice(SEPARATORS) + name
        cells.append(text)
    return cells


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.django_db
def test_property_every_stored_name_appears_in_its_source_cell(city, departments):
    """The verbatim rule over a generated table of many names: every department name the reader
    takes from a cell, every generic text and every department the import creates is written in
    that cell (whitespace aside); a lone place word never becomes a department."""
    cells = _generated_cells(300)
    rows = [CLEAN_HEADER] + [[i, f"任务{i}", "", cell, cells[-i], "2020年底前"] for i, cell in enumerate(cells, start=1)]
    data = xlsx(rows)

    table = read_breakdown_table(data)
    for i, task in enumerate(table.tasks, start=1):
        lead_cell, cooperating_cell = _squeeze(cells[i - 1]), _squeeze(cells[-i])
        for name in task.splits["lead"].pieces + task.lead_text.split("、"):
            assert _squeeze(name) in lead_cell, (name, cells[i - 1])
        for name in task.splits["cooperating"].pieces:
            assert _squeeze(name) in cooperating_cell, (name, cells[-i])
        assert set(task.lead_names + task.cooperating_names) <= set(task.splits["lead"].pieces + task.splits["cooperating"].pieces)

    result = plan_import(data=data, options=new_plan(city))
    assert result.plan.key_tasks.count() == len(cells)
    for name in result.created_departments:
        assert name not in {"市", "区", "县"} and any(_squeeze(name) in _squeeze(cell) for cell in cells), name
    for task in result.plan.key_tasks.all():
        for text in filter(None, [*task.lead_text.split("、"), *task.cooperating_text.split("、")]):
            assert any(_squeeze(text) in _squeeze(cell) for cell in cells)


# --- the preview: how each cell was split, and the administrator's correction ------------------------------


@pytest.mark.django_db
def test_the_preview_shows_the_split_and_lets_the_administrator_correct_it(client, administrator, city, departments):
    client.force_login(administrator)
    data = xlsx([["示范市任务分工表"], CLEAN_HEADER, [1, "建立机制", "", "市、县卫生健康委", "市民政局市财政局", "2020年底前"]])
    upload = SimpleUploadedFile("分工表.xlsx", data)
    response = client.post(
        reverse("tasks:plan_import"),
        {"file": upload, "title": "新规划", "region": city.pk, "start_year": 2016, "end_year": 2025, "create_departments": "on"},
    )
    preview_url = response["Location"]
    page = client.get(preview_url).content.decode()
    assert 'id="split-unsure"' in page and "split-unsure" in page
    assert "市、县卫生健康委" in page  # the cell as written, and the piece the reader kept whole
    record = PlanImport.objects.get()

    # A correction naming something not written in the cell is a problem on that cell.
    client.post(reverse("tasks:plan_import_split", args=[record.pk]), {"cell": "3:lead", "names": "市卫生健康委\n县医保局"})
    page = client.get(preview_url).content.decode()
    assert "import-problems" in page and "县医保局" in page and "confirm-import" not in page

    # Only names written in the cell: 市、县卫生健康委 cannot become 市卫生健康委 (not written so).
    client.post(reverse("tasks:plan_import_split", args=[record.pk]), {"cell": "3:lead", "names": "县卫生健康委"})
    client.post(reverse("tasks:plan_import_split", args=[record.pk]), {"cell": "3:cooperating", "names": "市民政局\n市财政局"})
    page = client.get(preview_url).content.decode()
    assert "confirm-import" in page and "split-corrections" in page
    assert 'id="split-unsure"' not in page

    client.post(reverse("tasks:plan_import_confirm", args=[record.pk]))
    task = KeyTask.objects.get()
    assert departments_of(task)[:2] == (["县卫生健康委"], ["示范市民政局", "示范市财政局"])


@pytest.mark.django_db
def test_the_web_page_takes_xls_and_csv_and_names_the_sheet(client, administrator, city, departments):
    client.force_login(administrator)
    for name, data in [("分工表.xls", xls(TABLE)), ("分工表.csv", csv_bytes(TABLE, "utf-8-sig"))]:
        response = client.post(
            reverse("tasks:plan_import"),
            {"file": SimpleUploadedFile(name, data), "title": f"规划{name}", "region": city.pk, "start_year": 2016, "end_year": 2025},
        )
        assert response.status_code == 302, response.content.decode()[:500]
        page = client.get(response["Location"]).content.decode()
        assert "confirm-import" in page and "建立协调机制" in page
    response = client.post(
        reverse("tasks:plan_import"),
        {"file": SimpleUploadedFile("b.xlsx", xlsx_sheets({"封面": [["x"]], "表二": TABLE})), "title": "规划三", "region": city.pk, "start_year": 2016, "end_year": 2025},
    )
    assert "“表二”" in client.get(response["Location"]).content.decode()


# --- collisions ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_two_directory_entries_matching_one_name_stop_the_import_naming_both(city, departments):
    DepartmentFactory(region=city, code="jkzx", name="示范市疾病预防控制中心", short_name="疾控中心")
    other = DepartmentFactory(region=city, code="wsjd", name="示范市卫生监督所", short_name="市卫生监督所")
    DepartmentAlias.objects.create(department=other, alias="疾控中心")  # a mistake in the directory
    data = xlsx([CLEAN_HEADER, [1, "防控", "", "市卫生健康委", "疾控中心", "2020年底前"]])

    message = refusal(data, new_plan(city))

    assert "疾控中心" in message and "示范市疾病预防控制中心" in message and "示范市卫生监督所" in message


@pytest.mark.django_db
def test_an_alias_is_unique_in_its_region(city, departments):
    with pytest.raises(ValidationError):
        department_aliases_add(department=departments["mzj"], aliases=["卫健委"])
    alias = DepartmentAlias(department=departments["mzj"], alias="市卫生健康委")
    with pytest.raises(ValidationError):
        alias.full_clean()
    department_aliases_add(department=departments["mzj"], aliases=["民政部门"])
    assert departments["mzj"].aliases.filter(alias="民政部门").exists()


# --- deadlines ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_text_deadlines_are_kept_flagged_shown_and_filterable(client, supervisor, city, departments):
    rows = [
        CLEAN_HEADER,
        [1, "甲", "", "市卫生健康委", "", "至2020年"],
        [2, "乙", "", "市卫生健康委", "", "2020年前"],
        [3, "丙", "", "市卫生健康委", "", "2019年底前(完成试点)"],
        [4, "丁", "", "市卫生健康委", "", "试点验收前（待定）"],
    ]
    result = plan_import(data=xlsx(rows), options=new_plan(city))

    tasks = {t.code: t for t in result.plan.key_tasks.all()}
    assert [(tasks[c].due_date, tasks[c].deadline_undated) for c in "123"] == [(D(2020, 12, 31), False)] * 2 + [(D(2019, 12, 31), False)]
    assert tasks["3"].deadline_text == "2019年底前(完成试点)"
    undated = tasks["4"]
    assert (undated.deadline_text, undated.deadline_undated, undated.due_date) == ("试点验收前（待定）", True, result.plan.end_date)
    [warning] = result.warnings
    assert "“试点验收前（待定）”" in str(warning) and warning.row == 5  # quoted exactly as written

    client.force_login(supervisor)
    page = client.get(reverse("tasks:task_detail", args=[undated.pk])).content.decode()
    assert 'id="deadline-undated"' in page
    listing = client.get(reverse("tasks:task_list", args=[result.plan.pk]), {"deadline_undated": "true"}).content.decode()
    assert "丁" in listing and ">甲<" not in listing


@pytest.mark.django_db
def test_only_an_empty_deadline_cell_is_refused_and_messages_quote_cells(city, departments):
    empty = xlsx([CLEAN_HEADER, [1, "甲", "", "市卫生健康委", "", None]])
    assert "完成时限" in refusal(empty, new_plan(city))
    unknown = xlsx([CLEAN_HEADER, [2, "乙", "", "某 某 局（筹）", "", "2020年底前"]])
    assert "“某某局（筹）”" in refusal(unknown, new_plan(city, create_departments=False))


# --- export → import round trip of every shape -----------------------------------------------------------

SHAPES = {
    "two-row-merged": lambda: xlsx(TWO_ROW, TWO_ROW_MERGES),
    "cover-sheet-first": lambda: xlsx_sheets({"说明": [["填表说明"]], "任务分工": TABLE}),
    "xls": lambda: xls([["示范市任务分工表"], CLEAN_HEADER, [1, "建立机制", "", "市卫生健康委、市 民政局", "", "2020年底前"]]),
    "csv-gbk": lambda: csv_bytes([CLEAN_HEADER, [1, "建立机制", "", "市卫生健康委（牵头）、各县（市、区）人民政府", "市 民政局", "试点验收前"]], "gbk"),
    "csv-utf8-bom": lambda: csv_bytes([CLEAN_HEADER, [1, "建立机制", "", "乡镇（街道）综合管理小组", "市民政局、各相关部门", "2019年底前(完成试点)"]], "utf-8-sig"),
    "synonyms-far-down": lambda: xlsx([[f"备注{i}"] for i in range(8)] + [["编号", "工作任务", "主责单位", "协办单位", "时间节点"], ["1", "推进试点", "市教育局", "市司法局", "至2020年"]]),
}
FILENAMES = {"xls": "a.xls", "csv-gbk": "a.csv", "csv-utf8-bom": "a.csv"}


def _snapshot(plan: Plan) -> list[tuple]:
    rows = []
    for task in plan.key_tasks.order_by("position"):
        lead, cooperating, lead_text, cooperating_text = departments_of(task)
        rows.append((task.code, task.title, lead, cooperating, lead_text, cooperating_text, task.due_date, task.deadline_text, task.deadline_undated, task.is_ongoing))
    return rows


@pytest.mark.django_db
@pytest.mark.parametrize("shape", list(SHAPES))
def test_export_then_import_reproduces_every_shape(city, departments, shape):
    first = plan_import(data=SHAPES[shape](), options=new_plan(city, filename=FILENAMES.get(shape, "a.xlsx"))).plan
    assert first.key_tasks.exists()

    again = plan_import(data=plan_export(plan=first), options=new_plan(city, title="副本")).plan

    assert _snapshot(again) == _snapshot(first)
    assert Department.objects.filter(region=city).count() == len({*Department.objects.filter(region=city).values_list("name", flat=True)})


# --- bounds and damaged files -------------------------------------------------------------------------------


def _rewrite(data: bytes, name: str, content: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.namelist():
            target.writestr(item, content if item == name else source.read(item))
    return buffer.getvalue()


def test_a_single_cell_in_column_xfd_is_refused_without_building_the_grid(english):
    workbook = openpyxl.Workbook()
    workbook.active.append(CLEAN_HEADER)
    workbook.active["XFD1"] = "x"
    buffer = io.BytesIO()
    workbook.save(buffer)
    started = time.monotonic()
    with pytest.raises(TableError) as caught:
        read_breakdown_table(buffer.getvalue())
    assert "more than 200 columns" in str(caught.value)
    assert time.monotonic() - started < 5


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: _rewrite(data, "xl/worksheets/sheet1.xml", b"<worksheet><sheetData><row><c r='A1'"),
        lambda data: _rewrite(data, "xl/styles.xml", b"<styleSheet xmlns='http://schemas.openxmlformats.org/spreadsheetml/2006/main'><cellXfs><xf numFmtId='x'/></cellXfs>"),
        lambda data: _rewrite(data, "xl/workbook.xml", b"\x00\x01 not xml"),
        lambda data: data[: len(data) // 2],
        lambda data: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64 + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 512,
        lambda data: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 4,
    ],
    ids=["malformed-sheet-xml", "bad-styles", "bad-workbook-xml", "truncated", "encrypted", "damaged-xls"],
)
def test_damaged_files_are_a_clear_message(damage):
    data = damage(xlsx([CLEAN_HEADER, [1, "甲", "", "市卫生健康委", "", "2020年底前"]]))
    with pytest.raises(TableError) as caught:
        read_breakdown_table(data, "a.xlsx")
    assert str(caught.value) and "Traceback" not in str(caught.value)


@pytest.mark.parametrize(
    ("rows", "limit", "message"),
    [
        ([CLEAN_HEADER] + [[i, "甲", "", "市卫生健康委", "", "2020年底前"] for i in range(1, 12)], {"IMPORT_MAX_ROWS": 10}, "more than 10 rows"),
        ([CLEAN_HEADER + [f"列{i}" for i in range(10)]], {"IMPORT_MAX_COLUMNS": 12}, "more than 12 columns"),
    ],
    ids=["rows", "columns"],
)
def test_rows_and_columns_are_bounded_before_openpyxl_parses_the_workbook(english, settings, monkeypatch, rows, limit, message):
    from common import spreadsheets

    for name, value in limit.items():
        setattr(settings, name, value)
    data = xlsx(rows)
    monkeypatch.setattr(spreadsheets, "load_workbook", lambda *a, **k: pytest.fail("openpyxl must not open this file"))
    with pytest.raises(TableError) as caught:
        read_breakdown_table(data)
    assert message in str(caught.value)


def test_a_correction_keeps_role_annotations_and_refuses_names_not_in_the_cell():
    rows = [CLEAN_HEADER, [1, "甲", "", "市卫生健康委（牵头）市民政局（配合）", "", "2020年底前"]]
    table = read_breakdown_table(xlsx(rows), splits={"2:lead": ["市卫生健康委（牵头）", "市民政局（配合）"]})
    [task] = table.tasks
    assert (task.lead_names, task.cooperating_names, task.splits["lead"].corrected) == (["市卫生健康委"], ["市民政局"], True)
    assert task.splits["lead"].editable == "市卫生健康委\n市民政局（配合）"
    with pytest.raises(TableError) as caught:
        read_breakdown_table(xlsx(rows), splits={"2:lead": ["市卫生健康委", "市财政局"]})
    assert "市财政局" in str(caught.value)


@pytest.mark.django_db
def test_the_indicator_import_stops_on_a_name_two_directory_entries_match(plan, dept_a):
    """Item 7 holds for the indicator sheet too (the same DepartmentDirectory)."""
    from indicators.models import Indicator
    from indicators.services import indicators_import

    DepartmentFactory(region=plan.region, code="jkzx", name="示范市疾病预防控制中心", short_name="疾控中心")
    other = DepartmentFactory(region=plan.region, code="wsjd", name="示范市卫生监督所", short_name="市卫生监督所")
    DepartmentAlias.objects.create(department=other, alias="疾控中心")
    data = xlsx([["序号", "指标名称", "单位", "基期值", "目标值", "属性", "责任单位"], [1, "规范管理率", "%", 75, 80, "约束性", "疾控中心"]])
    with pytest.raises(TableError) as caught:
        indicators_import(data=data, plan=plan, create_departments=True)
    assert "示范市疾病预防控制中心" in str(caught.value) and "示范市卫生监督所" in str(caught.value)
    assert not Indicator.objects.exists()
