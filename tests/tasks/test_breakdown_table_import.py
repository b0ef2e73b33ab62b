"""Importing a task breakdown table (任务分工表): tasks.breakdown_table.read_breakdown_table,
tasks.services.plan_import and the import_plan management command.

Every spreadsheet is built here with openpyxl; there are no binary fixture files.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.utils.translation import gettext

from tasks.breakdown_table import TableError, parse_deadline, read_breakdown_table
from tasks.models import AnnualTarget, Department, KeyTask, Plan, PlanSection, TaskDepartment
from tasks.services import DepartmentDirectory, ImportOptions, plan_import
from tests.factories import KeyTaskFactory, PlanFactory, PlanSectionFactory, RegionFactory
from tests.tasks.sheets import CLEAN_HEADER, clean_table, row_counts, xlsx

D = datetime.date

# The importer's messages (gettext msgids). Tests compare against gettext() of them, so they pass
# whether or not the zh-hans catalogue translates them yet.
NOT_XLSX = "The file is not an Excel workbook (.xlsx). Save it as .xlsx and try again."
EMPTY_FILE = "The file is empty."
EMPTY_SHEET = "The spreadsheet is empty."
NO_HEADER = "No header row found: the table needs a row with the columns 重点任务 (or 具体内容) and 牵头单位."
NO_ROWS = "The table has a header but no task rows."
CODE_USED = "the number %(code)s is already used in row %(other)d"
CODE_EXISTS = "the number %(code)s already exists in the plan"
SINGLE_VALUE = "This row has a single value and is neither a chapter heading (一、…) nor a section heading (（一）…)."


def new_plan(region, **overrides) -> ImportOptions:
    """Options that create a new 2021–2025 plan in ``region``."""
    values = {"title": "示范市精神卫生“十四五”规划", "region_id": region.pk, "start_year": 2021, "end_year": 2025}
    values.update(overrides)
    return ImportOptions(**values)


def tasks_by_code(plan: Plan) -> dict[str, KeyTask]:
    tasks = plan.key_tasks.prefetch_related("task_departments__department", "annual_targets", "milestones")
    return {task.code: task for task in tasks}


def import_error(data: bytes, options: ImportOptions) -> TableError:
    """Import ``data`` expecting it to be refused; checks that no row was written or changed."""
    before = row_counts()
    with pytest.raises(TableError) as excinfo:
        plan_import(data=data, options=options)
    assert row_counts() == before
    return excinfo.value


# --- a clean table ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_clean_table_creates_plan_with_tasks_departments_and_deadlines(city, departments):
    data = clean_table(
        [1, "统筹推进精神卫生信息化建设", "打破信息孤岛，为精神卫生工作提供数据支撑。", "市卫生健康委、市公安局", "市财政局、市民政局", "2025年底前"],
        [2, "建立信息共享机制", "推动建立部门间精神卫生信息共享机制。", "市民政局", "市卫生健康委、市残联、市司法局", "2022年6月底前"],
        [3, "心理健康教育纳入课程", "将心理健康教育纳入教育课程。", "市教育局", "", "2023年底前"],
    )

    result = plan_import(data=data, options=new_plan(city))

    plan = Plan.objects.get()
    assert result.plan == plan
    assert (plan.title, plan.region, plan.start_year, plan.end_year) == ("示范市精神卫生“十四五”规划", city, 2021, 2025)
    assert result.created_tasks == 3 and KeyTask.objects.count() == 3
    assert result.created_departments == [] and result.unknown_departments == []
    tasks = tasks_by_code(plan)
    assert list(tasks) == ["1", "2", "3"]

    first = tasks["1"]
    assert first.title == "统筹推进精神卫生信息化建设"
    assert first.content == "打破信息孤岛，为精神卫生工作提供数据支撑。"
    assert first.lead_departments == [departments["wsjkw"], departments["gaj"]]
    assert first.primary_lead == departments["wsjkw"]
    assert first.cooperating_departments == [departments["czj"], departments["mzj"]]
    assert (first.start_date, first.due_date, first.deadline_text) == (D(2021, 1, 1), D(2025, 12, 31), "2025年底前")
    assert not first.is_ongoing and first.cadence == KeyTask.Cadence.QUARTERLY

    second = tasks["2"]
    assert second.primary_lead == departments["mzj"]
    assert second.cooperating_departments == [departments["wsjkw"], departments["cl"], departments["sfj"]]
    assert second.due_date == D(2022, 6, 30)

    third = tasks["3"]
    assert third.lead_departments == [departments["jyj"]]
    assert third.cooperating_departments == [] and third.cooperating_text == ""
    assert third.due_date == D(2023, 12, 31)

    assert TaskDepartment.objects.count() == 2 + 2 + 1 + 3 + 1
    assert plan.sections.count() == 0
    # The tasks keep the order of the table.
    assert list(plan.key_tasks.order_by("position").values_list("code", flat=True)) == ["1", "2", "3"]


@pytest.mark.django_db
def test_plain_year_columns_become_annual_targets(city, departments):
    header = [*CLEAN_HEADER, "2021年", "2022年", "2023年", "2024年", "2025年"]
    data = clean_table(
        [1, "统筹推进信息化建设", "", "市卫生健康委", "", "2025年底前", "制定方案", "—", "平台上线", None, "全面建成"],
        [2, "建立联席会议制度", "", "市卫生健康委", "", "2021年底前", None, None, None, None, None],
        header=header,
    )

    result = plan_import(data=data, options=new_plan(city))

    assert result.table.years == [2021, 2022, 2023, 2024, 2025]
    assert result.created_targets == 3
    task = KeyTask.objects.get(code="1")
    assert {t.year: t.target for t in task.annual_targets.all()} == {2021: "制定方案", 2023: "平台上线", 2025: "全面建成"}
    assert not AnnualTarget.objects.filter(task__code="2").exists()


# --- a messy, real-world-shaped table -----------------------------------------------------------


def messy_table() -> bytes:
    """The shape of the tables departments circulate (columns A–K, header in rows 3–4)."""
    n = None
    rows = [
        ["XX市精神卫生工作任务分工表", n, n, n, n, n, n, n, n, n, n],  # 1, merged A1:K1
        [n, n, n, n, n, n, n, n, n, n, "2021年3月"],  # 2: a date row
        ["序号", "重点任务", "具体内容", "牵头单位（排在首位的为主要牵头单位）", "配合单位", "完成时限", "年度目标", n, n, n, n],
        [n, n, n, n, n, n, "2021年", "2022年", "2023年", "2024年", "2025年"],  # 4: years under 年度目标
        ["一、完善服务体系", n, n, n, n, n, n, n, n, n, n],  # 5, merged A5:K5
        ["（一）加强信息化", n, n, n, n, n, n, n, n, n, n],  # 6
        [1, "统筹推进精神卫生信息化建设", "统筹推进精神卫生信息化建设，打破信息孤岛；提供数据支撑。",
         "卫健委（牵头）、示范市公安局", "市财政局，民政局; 残联", "2025年底前",
         "制定方案", "—", "平台上线", n, "全面建成"],  # 7
        [2, "贯彻实施精神卫生法", "推动各地认真贯彻实施精神卫生法。", "各区县人民政府", "各相关部门", "长期坚持",
         n, n, n, n, n],  # 8
        [3, "加强队伍建设", "扩大精神科医师队伍。", "市教育局\n市卫生健康委", n, "2023年6月底前", n, n, n, n, n],  # 9
        [n, n, "落实精神卫生工作人员待遇。", "市民政局", "卫生健康委", "每年", n, n, n, n, n],  # 10
        [n, n, "开展心理援助热线培训。", "司法局", "", datetime.datetime(2024, 9, 30), n, n, n, n, n],  # 11
        ["（二）强化保障", n, n, n, n, n, n, n, n, n, n],  # 12
        [4, "保障经费投入", "将精神卫生工作经费列入本级财政预算。", "市财政局", "", "2021—2025年", n, n, n, n, n],  # 13
        ["二、督导与评估", n, n, n, n, n, n, n, n, n, n],  # 14
        [5, "规划中期评估", "开展规划实施中期评估。", "示范市卫生健康委员会;市公安局", "各相关部门、残联", "2022年底前",
         n, "完成中期评估", n, n, n],  # 15
        ["注：排在首位的为主要牵头单位，其他为配合单位。", n, n, n, n, n, n, n, n, n, n],  # 16
    ]
    merges = [
        "A1:K1",
        "A3:A4", "B3:B4", "C3:C4", "D3:D4", "E3:E4", "F3:F4", "G3:K3",
        "A5:K5",
        "A9:A11", "B9:B11",
        "A14:K14",
        "A16:K16",
    ]
    return xlsx(rows, merges)


@pytest.mark.django_db
def test_messy_table_is_read_like_a_person_would(city, departments):
    result = plan_import(data=messy_table(), options=new_plan(city))

    plan = result.plan
    assert result.table.title == "XX市精神卫生工作任务分工表"
    assert result.table.years == [2021, 2022, 2023, 2024, 2025]
    tasks = tasks_by_code(plan)
    # The 序号 merged over rows 9–11 gives three tasks that share the 重点任务.
    assert list(tasks) == ["1", "2", "3.1", "3.2", "3.3", "4", "5"]
    assert result.created_tasks == 7
    assert [tasks[c].title for c in ("3.1", "3.2", "3.3")] == ["加强队伍建设"] * 3
    assert [tasks[c].content for c in ("3.1", "3.2", "3.3")] == [
        "扩大精神科医师队伍。",
        "落实精神卫生工作人员待遇。",
        "开展心理援助热线培训。",
    ]

    # Chapter and section rows become sections; the 注 row is not a task.
    paths = {code: _section_path(task.section) for code, task in tasks.items()}
    assert paths == {
        "1": ["一、完善服务体系", "（一）加强信息化"],
        "2": ["一、完善服务体系", "（一）加强信息化"],
        "3.1": ["一、完善服务体系", "（一）加强信息化"],
        "3.2": ["一、完善服务体系", "（一）加强信息化"],
        "3.3": ["一、完善服务体系", "（一）加强信息化"],
        "4": ["一、完善服务体系", "（二）强化保障"],
        "5": ["二、督导与评估"],
    }
    assert PlanSection.objects.filter(plan=plan).count() == result.created_sections == 4

    # Departments: separators 、，, ; and new lines; annotations such as （牵头） dropped.
    first = tasks["1"]
    assert first.lead_departments == [departments["wsjkw"], departments["gaj"]]
    assert first.primary_lead == departments["wsjkw"]
    assert first.cooperating_departments == [departments["czj"], departments["mzj"], departments["cl"]]
    assert tasks["3.1"].lead_departments == [departments["jyj"], departments["wsjkw"]]
    assert tasks["3.2"].lead_departments == [departments["mzj"]]
    assert tasks["3.2"].cooperating_departments == [departments["wsjkw"]]
    assert tasks["3.3"].lead_departments == [departments["sfj"]]
    assert tasks["5"].lead_departments == [departments["wsjkw"], departments["gaj"]]
    assert tasks["5"].cooperating_departments == [departments["cl"]]
    assert tasks["5"].cooperating_text == "各相关部门"

    # Generic names are kept as text, not departments.
    generic = tasks["2"]
    assert generic.lead_departments == [] and generic.primary_lead is None
    assert generic.lead_text == "各区县人民政府"
    assert generic.cooperating_text == "各相关部门"
    assert generic.lead_display == "各区县人民政府"

    # Deadlines.
    assert (first.due_date, first.deadline_text, first.is_ongoing) == (D(2025, 12, 31), "2025年底前", False)
    assert (generic.due_date, generic.deadline_text, generic.is_ongoing) == (D(2025, 12, 31), "长期坚持", True)
    assert tasks["3.1"].due_date == D(2023, 6, 30)
    assert tasks["3.2"].is_ongoing and tasks["3.2"].cadence == KeyTask.Cadence.YEARLY
    assert tasks["3.2"].due_date == plan.end_date
    assert (tasks["3.3"].due_date, tasks["3.3"].deadline_text) == (D(2024, 9, 30), "")
    assert (tasks["4"].start_date, tasks["4"].due_date) == (D(2021, 1, 1), D(2025, 12, 31))
    assert tasks["4"].deadline_text == "2021—2025年"
    assert tasks["5"].due_date == D(2022, 12, 31)

    # Yearly targets from the columns under the merged 年度目标 header ("—" means none).
    assert {t.year: t.target for t in first.annual_targets.all()} == {2021: "制定方案", 2023: "平台上线", 2025: "全面建成"}
    assert {t.year: t.target for t in tasks["5"].annual_targets.all()} == {2022: "完成中期评估"}
    assert result.created_targets == AnnualTarget.objects.count() == 4


@pytest.mark.django_db
def test_text_is_stored_as_written_without_folding_full_width_punctuation(city, departments):
    """Chinese punctuation （，；：） in titles, contents and targets must not turn into ASCII (,;:)."""
    header = [*CLEAN_HEADER, "阶段节点", "规划条款", "2021年"]
    data = clean_table(
        [1, "乡镇（街道）成立综合管理小组", "乡镇人民政府、街道办事处成立小组，负责辖区内工作；每年报告。",
         "市卫生健康委", "", "2022年底前", "2021年6月底前：印发方案（佐证：正式文件）", "第四章：保障措施。", "完成：50%"],
        header=header,
    )

    plan_import(data=data, options=new_plan(city))

    task = KeyTask.objects.get()
    assert task.title == "乡镇（街道）成立综合管理小组"
    assert task.content == "乡镇人民政府、街道办事处成立小组，负责辖区内工作；每年报告。"
    assert task.source_clause == "第四章：保障措施。"
    assert task.annual_targets.get().target == "完成：50%"
    milestone = task.milestones.get()
    assert (milestone.title, milestone.due_date, milestone.evidence_required) == ("印发方案", D(2021, 6, 30), "正式文件")


@pytest.mark.django_db
def test_messy_table_reports_no_warnings_for_rows_it_understood(city, departments):
    result = plan_import(data=messy_table(), options=new_plan(city))
    assert result.warnings == []


@pytest.mark.django_db
def test_an_empty_deadline_cell_is_refused(city, departments):
    """Issue 12: a 完成时限 cell is refused only when it is empty (text is kept, see test_real_sheets)."""
    data = clean_table([1, "建立制度", "", "市卫生健康委", "", None])

    error = import_error(data, new_plan(city, start_year=2021, end_year=2030))

    assert [(p.row, p.column) for p in error.problems] == [(2, "完成时限")]


@pytest.mark.django_db
def test_without_a_deadline_column_the_plan_end_is_used_with_a_warning(city, departments):
    data = clean_table([1, "建立制度", "", "市卫生健康委", ""], header=CLEAN_HEADER[:5])

    result = plan_import(data=data, options=new_plan(city, start_year=2021, end_year=2030))

    task = KeyTask.objects.get()
    assert task.due_date == D(2030, 12, 31) and not task.is_ongoing and not task.deadline_undated
    assert [w.row for w in result.warnings] == [2]


def _section_path(section: PlanSection | None) -> list[str]:
    path = []
    while section is not None:
        path.append(str(section))
        section = section.parent
    return list(reversed(path))


# --- department matching ---------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("示范市卫生健康委员会", "wsjkw"),  # full name
        ("市卫生健康委", "wsjkw"),  # short name
        ("卫健委", "wsjkw"),  # alias
        ("卫生健康委员会", "wsjkw"),  # full name without the region prefix
        ("示范市公安局", "gaj"),
        ("市公安局", "gaj"),
        ("公安局", "gaj"),  # neither alias nor short name: the region prefix comes off
        ("示范市残联", "cl"),  # alias with the region prefix
        ("财政部门", "czj"),
        ("示范市档案局", None),
        ("公安", None),
    ],
)
def test_department_directory_finds_full_short_alias_and_prefixed_names(departments, city, written, code):
    directory = DepartmentDirectory(city)
    found = directory.find(written)
    assert found == (departments[code] if code else None)


@pytest.mark.django_db
def test_directory_ignores_other_regions_and_inactive_departments(departments, city):
    other = RegionFactory(name="邻市")
    Department.objects.create(region=other, code="dajj", name="邻市档案局", short_name="市档案局")
    departments["sfj"].is_active = False
    departments["sfj"].save()

    directory = DepartmentDirectory(city)

    assert directory.find("市档案局") is None
    assert directory.find("示范市司法局") is None


@pytest.mark.django_db
def test_import_links_every_spelling_of_a_department_to_the_same_one(city, departments):
    data = clean_table(
        [1, "任务一", "", "示范市公安局", "卫健委", "2025年底前"],
        [2, "任务二", "", "公安局", "市卫生健康委", "2025年底前"],
        [3, "任务三", "", "市公安局", "示范市卫生健康委员会", "2025年底前"],
    )

    plan_import(data=data, options=new_plan(city))

    for task in KeyTask.objects.prefetch_related("task_departments__department"):
        assert task.lead_departments == [departments["gaj"]]
        assert task.cooperating_departments == [departments["wsjkw"]]
    assert Department.objects.count() == len(departments)


@pytest.mark.django_db
def test_a_department_named_as_lead_and_cooperating_is_linked_once(city, departments):
    data = clean_table([1, "任务一", "", "卫健委、市公安局", "市卫生健康委、市民政局", "2025年底前"])

    plan_import(data=data, options=new_plan(city))

    task = KeyTask.objects.prefetch_related("task_departments__department").get()
    assert task.lead_departments == [departments["wsjkw"], departments["gaj"]]
    assert task.cooperating_departments == [departments["mzj"]]


# --- bad files: a message, and nothing written ----------------------------------------------


def _text_file_renamed() -> bytes:
    return "序号,重点任务,牵头单位\n1,统筹推进,市卫生健康委\n".encode()


def _empty_workbook() -> bytes:
    return xlsx([])


def _no_header() -> bytes:
    return xlsx([["XX市任务分工表"], ["1", "统筹推进信息化建设", "市卫生健康委", "2025年底前"]])


def _header_without_rows() -> bytes:
    return clean_table()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("make_data", "message"),
    [
        (lambda: bytes(range(256)) * 8, NOT_XLSX),
        (_text_file_renamed, NOT_XLSX),
        (lambda: b"", EMPTY_FILE),
        (_empty_workbook, EMPTY_SHEET),
        (_no_header, NO_HEADER),
        (_header_without_rows, NO_ROWS),
    ],
    ids=["random-bytes", "text-renamed-xlsx", "empty-upload", "empty-workbook", "no-header", "header-only"],
)
def test_unreadable_files_are_refused_with_a_message(city, departments, make_data, message):
    error = import_error(make_data(), new_plan(city))

    [problem] = error.problems
    assert str(problem) == str(error) == gettext(message)
    assert problem.row is None


@pytest.mark.django_db
def test_duplicate_codes_are_reported_with_both_rows(city, departments):
    rows = [[str(n), f"任务{n}", "", "市卫生健康委", "", "2025年底前"] for n in range(1, 11)]
    rows[9][0] = "7"  # row 12 repeats the 序号 of row 9
    data = xlsx([["XX市任务分工表"], CLEAN_HEADER, *rows])

    error = import_error(data, new_plan(city))

    [problem] = error.problems
    assert (problem.row, problem.column, problem.column_letter) == (12, "序号", "A")
    assert str(problem.message) == gettext(CODE_USED) % {"code": "7", "other": 9}
    text = str(problem)
    assert "12" in text and "7" in text and "9" in text


@pytest.mark.django_db
def test_empty_lead_cell_is_reported_with_row_and_column(city, departments):
    data = xlsx(
        [
            ["XX市任务分工表"],
            [],
            ["序号", "重点任务", "具体内容", "牵头单位（排在首位的为主要牵头单位）", "配合单位", "完成时限"],
            [1, "任务一", "", "市卫生健康委", "", "2025年底前"],
            [2, "任务二", "", None, "市公安局", "2025年底前"],
        ]
    )

    error = import_error(data, new_plan(city))

    [problem] = error.problems
    assert (problem.row, problem.column, problem.column_letter) == (5, "牵头单位", "D")
    assert "5" in str(problem) and "牵头单位" in str(problem)


@pytest.mark.django_db
def test_undatable_deadline_is_kept_as_text_and_flagged(city, departments):
    data = clean_table(
        [1, "任务一", "", "市卫生健康委", "", "2025年底前"],
        [2, "任务二", "", "市卫生健康委", "", "尽快完成"],
    )

    result = plan_import(data=data, options=new_plan(city))

    [warning] = result.warnings
    assert (warning.row, warning.column) == (3, "完成时限")
    assert "“尽快完成”" in str(warning)
    task = KeyTask.objects.get(code="2")
    assert (task.deadline_text, task.deadline_undated, task.due_date) == ("尽快完成", True, D(2025, 12, 31))


@pytest.mark.django_db
def test_every_problem_of_a_table_is_reported_at_once(city, departments):
    data = clean_table(
        [1, "任务一", "", None, "", "2025年底前"],
        [2, "任务二", "", "市卫生健康委", "", None],
        [2, "任务三", "", "市卫生健康委", "", "2025年底前"],
    )

    error = import_error(data, new_plan(city))

    assert sorted((p.row, p.column) for p in error.problems) == [(2, "牵头单位"), (3, "完成时限"), (4, "序号")]


@pytest.mark.django_db
def test_unknown_department_is_listed_and_nothing_is_written(city, departments):
    data = clean_table(
        [1, "任务一", "", "市卫生健康委", "示范市档案局", "2025年底前"],
        [2, "任务二", "", "市信访局", "", "2025年底前"],
    )

    error = import_error(data, new_plan(city))

    assert sorted((p.row, p.column) for p in error.problems) == [(2, "牵头单位"), (3, "牵头单位")]
    by_row = {p.row: str(p) for p in error.problems}
    assert "示范市档案局" in by_row[2] and "市信访局" in by_row[3]


@pytest.mark.django_db
def test_unknown_department_is_created_when_asked(city, departments):
    data = clean_table(
        [1, "任务一", "", "市卫生健康委", "示范市档案局", "2025年底前"],
        [2, "任务二", "", "示范市档案局", "市公安局", "2025年底前"],
    )

    result = plan_import(data=data, options=new_plan(city, create_departments=True))

    assert result.created_departments == ["示范市档案局"]
    archive = Department.objects.get(region=city, name="示范市档案局")
    assert archive.is_active
    tasks = tasks_by_code(result.plan)
    assert tasks["1"].cooperating_departments == [archive]
    assert tasks["2"].lead_departments == [archive]
    assert tasks["2"].cooperating_departments == [departments["gaj"]]
    assert Department.objects.count() == len(departments) + 1


@pytest.mark.django_db
def test_created_department_is_created_once_however_it_is_spelled(city, departments):
    """示范市档案局, 市档案局 and 档案局 are one department: creating it must not make three."""
    data = clean_table(
        [1, "任务一", "", "示范市档案局", "", "2025年底前"],
        [2, "任务二", "", "市档案局", "", "2025年底前"],
        [3, "任务三", "", "档案局", "", "2025年底前"],
    )

    result = plan_import(data=data, options=new_plan(city, create_departments=True))

    assert Department.objects.count() == len(departments) + 1
    archive = Department.objects.get(name="示范市档案局")
    assert result.created_departments == ["示范市档案局"]
    assert {task.code: task.lead_departments for task in tasks_by_code(result.plan).values()} == {
        "1": [archive],
        "2": [archive],
        "3": [archive],
    }


@pytest.mark.django_db
def test_year_column_outside_the_plan_period_is_refused(city, departments):
    header = [*CLEAN_HEADER, "2025年", "2026年"]
    data = clean_table([1, "任务一", "", "市卫生健康委", "", "2025年底前", "完成", "巩固"], header=header)

    error = import_error(data, new_plan(city))

    [problem] = error.problems
    assert "2026" in str(problem) and "2021" in str(problem) and "2025" in str(problem)


@pytest.mark.django_db
def test_invalid_plan_years_are_reported_not_crashed_on(city, departments):
    data = clean_table([1, "任务一", "", "市卫生健康委", "", "2025年底前"])

    error = import_error(data, new_plan(city, start_year=1999, end_year=2005))

    assert error.problems and all(p.row is None for p in error.problems)


@pytest.mark.django_db
def test_a_plan_title_that_exists_in_the_region_is_refused(city, departments):
    PlanFactory(region=city, title="已有规划")
    data = clean_table([1, "任务一", "", "市卫生健康委", "", "2025年底前"])

    error = import_error(data, new_plan(city, title="已有规划"))

    assert "已有规划" in str(error)


@pytest.mark.django_db
def test_deadline_before_the_plan_period_is_refused(city, departments):
    data = clean_table([1, "任务一", "", "市卫生健康委", "", "2020年底前"])

    error = import_error(data, new_plan(city))

    [problem] = error.problems
    assert (problem.row, problem.column) == (2, "完成时限") and "2020-12-31" in str(problem)


# --- dry run ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_dry_run_validates_counts_and_writes_nothing(city, departments):
    before = row_counts()

    result = plan_import(data=messy_table(), options=new_plan(city, dry_run=True))

    assert result.dry_run is True
    assert result.plan is None
    assert (result.created_tasks, result.created_sections, result.created_targets) == (7, 4, 4)
    assert row_counts() == before


@pytest.mark.django_db
def test_dry_run_counts_departments_it_would_create_without_creating_them(city, departments):
    data = clean_table([1, "任务一", "", "示范市档案局", "", "2025年底前"])
    before = row_counts()

    result = plan_import(data=data, options=new_plan(city, dry_run=True, create_departments=True))

    assert result.created_departments == ["示范市档案局"]
    assert row_counts() == before


@pytest.mark.django_db
def test_dry_run_still_reports_problems(city, departments):
    data = clean_table([1, "任务一", "", "示范市档案局", "", "2025年底前"])

    error = import_error(data, new_plan(city, dry_run=True))

    assert "示范市档案局" in str(error)


# --- adding to an existing plan ----------------------------------------------------------------


def _existing_plan(city, departments):
    plan = PlanFactory(region=city, title="示范市规划")
    chapter = PlanSectionFactory(plan=plan, code="一、", title="完善服务体系", position=1)
    section = PlanSectionFactory(plan=plan, parent=chapter, code="（一）", title="加强信息化", position=2)
    KeyTaskFactory(plan=plan, section=section, code="1", position=1, title="已有任务")
    return plan, chapter, section


@pytest.mark.django_db
def test_adding_to_an_existing_plan_appends_tasks_and_reuses_sections(city, departments):
    plan, chapter, section = _existing_plan(city, departments)
    data = xlsx(
        [
            CLEAN_HEADER,
            ["一、完善服务体系"],
            ["（一）加强信息化"],
            [2, "新任务二", "", "市公安局", "", "2024年底前"],
            ["（二）强化保障"],
            [3, "新任务三", "", "市财政局", "", "2023年底前"],
        ]
    )

    result = plan_import(data=data, options=ImportOptions(plan_id=plan.pk, title="ignored"))

    assert result.plan == plan
    assert Plan.objects.count() == 1
    assert result.created_tasks == 2 and result.created_sections == 1
    assert list(plan.key_tasks.order_by("position").values_list("code", flat=True)) == ["1", "2", "3"]
    tasks = tasks_by_code(plan)
    assert tasks["2"].section == section
    assert tasks["3"].section.parent == chapter
    assert str(tasks["3"].section) == "（二）强化保障"
    assert plan.sections.count() == 3
    assert tasks["2"].lead_departments == [departments["gaj"]]


@pytest.mark.django_db
def test_adding_a_code_that_exists_in_the_plan_is_refused(city, departments):
    plan, _chapter, _section = _existing_plan(city, departments)
    data = xlsx([["XX市任务分工表"], CLEAN_HEADER, [2, "新任务", "", "市公安局", "", "2024年底前"], [1, "重复", "", "市公安局", "", "2024年底前"]])

    error = import_error(data, ImportOptions(plan_id=plan.pk))

    [problem] = error.problems
    assert (problem.row, problem.column) == (4, "序号")
    assert str(problem.message) == gettext(CODE_EXISTS) % {"code": "1"}
    assert "4" in str(problem)
    assert plan.key_tasks.count() == 1


@pytest.mark.django_db
def test_adding_to_a_closed_or_missing_plan_is_refused(city, departments):
    plan = PlanFactory(region=city, status=Plan.Status.CLOSED)
    data = clean_table([1, "任务一", "", "市卫生健康委", "", "2025年底前"])

    assert plan.title in str(import_error(data, ImportOptions(plan_id=plan.pk)))
    assert "999999" in str(import_error(data, ImportOptions(plan_id=999999)))


# --- the import_plan command -------------------------------------------------------------------


@pytest.fixture
def table_file(tmp_path):
    def write(data: bytes, name: str = "任务分工表.xlsx"):
        path = tmp_path / name
        path.write_bytes(data)
        return path

    return write


@pytest.mark.django_db
def test_import_command_creates_the_plan(city, departments, table_file, capsys):
    path = table_file(messy_table())

    call_command("import_plan", str(path), "--title", "示范市规划", "--region", city.code, "--start", "2021", "--end", "2025")

    plan = Plan.objects.get(title="示范市规划")
    assert plan.region == city and (plan.start_year, plan.end_year) == (2021, 2025)
    assert plan.key_tasks.count() == 7
    out = capsys.readouterr().out
    assert "7" in out and str(plan.pk) in out


@pytest.mark.django_db
def test_import_command_finds_the_region_by_name(city, departments, table_file):
    path = table_file(clean_table([1, "任务一", "", "市卫生健康委", "", "2025年底前"]))

    call_command("import_plan", str(path), "--title", "示范市规划", "--region", "示范市", "--start", "2021", "--end", "2025")

    assert Plan.objects.get().region == city


@pytest.mark.django_db
def test_import_command_refuses_a_bad_file_and_writes_nothing(city, departments, table_file, capsys):
    path = table_file(clean_table([1, "任务一", "", None, "", None]))
    before = row_counts()

    with pytest.raises(CommandError) as excinfo:
        call_command("import_plan", str(path), "--title", "示范市规划", "--region", city.code, "--start", "2021", "--end", "2025")

    assert excinfo.value.returncode != 0
    assert "2" in str(excinfo.value)  # two problems
    err = capsys.readouterr().err
    assert "牵头单位" in err and "完成时限" in err
    assert row_counts() == before


@pytest.mark.django_db
def test_import_command_refuses_a_file_that_is_not_a_spreadsheet(city, table_file):
    path = table_file(b"just some text, not a workbook", name="plan.xlsx")
    before = row_counts()

    with pytest.raises(CommandError):
        call_command("import_plan", str(path), "--title", "示范市规划", "--region", city.code, "--start", "2021", "--end", "2025")

    assert row_counts() == before


@pytest.mark.django_db
def test_import_command_refuses_bad_years_with_a_command_error(city, departments, table_file):
    path = table_file(clean_table([1, "任务一", "", "市卫生健康委", "", "2025年底前"]))
    before = row_counts()

    with pytest.raises(CommandError):
        call_command("import_plan", str(path), "--title", "示范市规划", "--region", city.code, "--start", "1999", "--end", "2003")

    assert row_counts() == before


@pytest.mark.django_db
def test_import_command_refuses_unknown_region_and_missing_file(city, departments, table_file, tmp_path):
    path = table_file(clean_table([1, "任务一", "", "市卫生健康委", "", "2025年底前"]))

    with pytest.raises(CommandError, match="不存在的市"):
        call_command("import_plan", str(path), "--title", "规划", "--region", "不存在的市", "--start", "2021", "--end", "2025")
    with pytest.raises(CommandError, match="missing.xlsx"):
        call_command("import_plan", str(tmp_path / "missing.xlsx"), "--title", "规划", "--region", city.code)
    assert Plan.objects.count() == 0


@pytest.mark.django_db
def test_import_command_dry_run_writes_nothing(city, departments, table_file, capsys):
    path = table_file(messy_table())
    before = row_counts()

    call_command(
        "import_plan", str(path), "--title", "示范市规划", "--region", city.code, "--start", "2021", "--end", "2025", "--dry-run"
    )

    assert row_counts() == before
    assert "7" in capsys.readouterr().out


@pytest.mark.django_db
def test_import_command_adds_to_a_plan_and_refuses_existing_codes(city, departments, table_file):
    plan, _chapter, _section = _existing_plan(city, departments)
    good = table_file(clean_table([2, "新任务", "", "市公安局", "", "2024年底前"]), name="good.xlsx")
    clash = table_file(clean_table([3, "新任务三", "", "市公安局", "", "2024年底前"], [1, "重复", "", "市公安局", "", "2024年底前"]), name="clash.xlsx")

    call_command("import_plan", str(good), "--plan", str(plan.pk))
    assert list(plan.key_tasks.values_list("code", flat=True).order_by("position")) == ["1", "2"]

    before = row_counts()
    with pytest.raises(CommandError):
        call_command("import_plan", str(clash), "--plan", str(plan.pk))
    assert row_counts() == before


@pytest.mark.django_db
def test_import_command_creates_departments_when_asked(city, departments, table_file):
    path = table_file(clean_table([1, "任务一", "", "示范市档案局", "", "2025年底前"]))
    args = [str(path), "--title", "示范市规划", "--region", city.code, "--start", "2021", "--end", "2025"]

    with pytest.raises(CommandError):
        call_command("import_plan", *args)
    call_command("import_plan", *args, "--create-departments")

    assert KeyTask.objects.get().primary_lead == Department.objects.get(name="示范市档案局")


# --- reading without the database --------------------------------------------------------------


def test_read_breakdown_table_accepts_header_synonyms_without_a_code_column():
    data = xlsx(
        [
            ["工作任务", "工作措施", "责任单位", "协同单位", "完成时间"],
            ["建立制度", "建立联席会议制度。", "卫健委", "公安局", "2021年底前"],
            [None, "开展心理健康教育。每学期一次。", "教育局", "", "每季度"],
        ]
    )

    table = read_breakdown_table(data)

    assert [t.code for t in table.tasks] == ["1", "2"]
    assert table.tasks[0].title == "建立制度" and table.tasks[0].cooperating_names == ["公安局"]
    # Without a 重点任务 the title is the content's first sentence.
    assert table.tasks[1].title == "开展心理健康教育"
    assert table.tasks[1].cadence == "quarterly" and table.tasks[1].is_ongoing
    assert table.labels["lead"] == "责任单位"


def test_read_breakdown_table_reports_a_stray_single_value_row():
    data = clean_table([1, "任务一", "", "卫健委", "", "2025年底前"], [None, "这一行不是标题"])

    with pytest.raises(TableError) as excinfo:
        read_breakdown_table(data)

    [problem] = excinfo.value.problems
    assert problem.row == 3 and str(problem.message) == gettext(SINGLE_VALUE)


def test_read_breakdown_table_reports_a_row_with_only_a_number():
    data = clean_table([1, "任务一", "", "卫健委", "", "2025年底前"], [2])

    with pytest.raises(TableError) as excinfo:
        read_breakdown_table(data)

    assert sorted((p.row, p.column) for p in excinfo.value.problems) == [(3, "完成时限"), (3, "牵头单位"), (3, "重点任务")]


# --- parse_deadline --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "due", "start", "ongoing", "cadence"),
    [
        ("2025年底前", D(2025, 12, 31), None, False, ""),
        ("2025年底", D(2025, 12, 31), None, False, ""),
        ("2025年末", D(2025, 12, 31), None, False, ""),
        ("2025年", D(2025, 12, 31), None, False, ""),
        ("2025年底前完成", D(2025, 12, 31), None, False, ""),
        ("２０２５年底前", D(2025, 12, 31), None, False, ""),
        (2025, D(2025, 12, 31), None, False, ""),
        (2025.0, D(2025, 12, 31), None, False, ""),
        ("2023年6月底前", D(2023, 6, 30), None, False, ""),
        ("2024年2月底前", D(2024, 2, 29), None, False, ""),
        ("2023年6月", D(2023, 6, 30), None, False, ""),
        ("2025年12月31日", D(2025, 12, 31), None, False, ""),
        ("2023-12-31", D(2023, 12, 31), None, False, ""),
        ("2023/06/30", D(2023, 6, 30), None, False, ""),
        ("2023.6", D(2023, 6, 30), None, False, ""),
        ("2024年上半年", D(2024, 6, 30), None, False, ""),
        ("2024年下半年", D(2024, 12, 31), None, False, ""),
        ("2022年第三季度", D(2022, 9, 30), None, False, ""),
        ("2022年3季度", D(2022, 9, 30), None, False, ""),
        ("2022年第一季度末前", D(2022, 3, 31), None, False, ""),
        ("2021—2025年", D(2025, 12, 31), D(2021, 1, 1), False, ""),
        ("2022-2024年", D(2024, 12, 31), D(2022, 1, 1), False, ""),
        ("2022年至2024年底", D(2024, 12, 31), D(2022, 1, 1), False, ""),
        ("长期坚持", None, None, True, ""),
        ("持续推进", None, None, True, ""),
        ("常态化", None, None, True, ""),
        ("每年", None, None, True, "yearly"),
        ("每半年", None, None, True, "half_yearly"),
        ("每季度", None, None, True, "quarterly"),
        ("每月", None, None, True, "monthly"),
        ("", None, None, False, ""),
        (None, None, None, False, ""),
        (datetime.datetime(2024, 9, 30, 0, 0), D(2024, 9, 30), None, False, ""),
        (D(2024, 9, 30), D(2024, 9, 30), None, False, ""),
    ],
)
def test_parse_deadline_accepts(value, due, start, ongoing, cadence):
    deadline = parse_deadline(value)
    assert (deadline.due_date, deadline.start_date, deadline.is_ongoing, deadline.cadence) == (due, start, ongoing, cadence)


@pytest.mark.parametrize(
    "value",
    ["尽快", "明年", "abc", "2025年13月", "2023年2月30日", "2025—2021年", "1999年底前", "下半年", "2025年底前后", "Q3"],
)
def test_parse_deadline_refuses_nonsense(value):
    with pytest.raises(ValueError):
        parse_deadline(value)


def test_table_title_is_the_title_row_not_the_last_task_title():
    data = xlsx([["XX市精神卫生工作任务分工表"], CLEAN_HEADER, [1, "最后一项任务", "", "卫健委", "", "2025年底前"]])

    assert read_breakdown_table(data).title == "XX市精神卫生工作任务分工表"


@pytest.mark.django_db
def test_naming_an_inactive_department_with_create_departments_is_a_problem_not_a_crash(city, departments):
    departments["sfj"].is_active = False
    departments["sfj"].save()
    data = clean_table([1, "任务一", "", "市卫生健康委", "", "2025年底前"], [2, "任务二", "", "示范市司法局", "", "2025年底前"])

    error = import_error(data, new_plan(city, create_departments=True))

    [problem] = error.problems
    assert problem.row == 3 and "示范市司法局" in str(problem)


def test_chapter_and_section_numbers_in_the_code_column_are_headings():
    data = clean_table(
        ["一", "完善服务体系", None, None, None, None],
        ["（一）", "加强信息化", None, None, None, None],
        [1, "任务一", "", "卫健委", "", "2025年底前"],
    )

    [task] = read_breakdown_table(data).tasks

    assert task.section_path == [("一、", "完善服务体系"), ("（一）", "加强信息化")]


@pytest.mark.django_db
def test_bad_milestones_cadence_and_start_are_reported_by_row_and_column(city, departments):
    header = [*CLEAN_HEADER, "开始时间", "报告周期", "阶段节点"]
    data = clean_table(
        [1, "任务一", "", "卫健委", "", "2025年底前", "下个月", None, None],
        [2, "任务二", "", "卫健委", "", "2025年底前", None, "每两周", None],
        [3, "任务三", "", "卫健委", "", "2025年底前", None, None, "尽快完成方案"],
        header=header,
    )

    error = import_error(data, new_plan(city))

    assert sorted((p.row, p.column) for p in error.problems) == [(2, "开始时间"), (3, "报告周期"), (4, "阶段节点")]


@pytest.mark.django_db
def test_milestone_outside_the_plan_period_is_refused(city, departments):
    header = [*CLEAN_HEADER, "阶段节点"]
    data = clean_table([1, "任务一", "", "卫健委", "", "2025年底前", "2030年底前：完成评估（佐证：报告）"], header=header)

    error = import_error(data, new_plan(city))

    [problem] = error.problems
    assert (problem.row, problem.column) == (2, "阶段节点") and "完成评估" in str(problem)


@pytest.mark.django_db
def test_a_district_department_does_not_match_the_citys_department(departments, city):
    directory = DepartmentDirectory(city)
    assert directory.find("市公安局") == departments["gaj"]
    assert directory.find("示范市公安局") == departments["gaj"]
    assert directory.find("公安局") == departments["gaj"]
    assert directory.find("区公安局") is None
    assert directory.find("县公安局") is None


def test_a_row_with_a_duplicate_number_is_still_checked_for_its_other_problems():
    data = clean_table([1, "任务一", "", "市卫生健康委", "", "2025年底前"], [1, "任务二", "", "", "", ""])
    with pytest.raises(TableError) as caught:
        read_breakdown_table(data)
    found = {(p.row, p.column) for p in caught.value.problems}
    assert found == {(3, "序号"), (3, "牵头单位"), (3, "完成时限")}
