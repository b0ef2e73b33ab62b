"""Exporting a plan as a task breakdown table (tasks.services.plan_export, the export_plan command),
and the round trip export → import, which must reproduce the plan."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils.translation import gettext
from openpyxl import load_workbook

from demo.plan import PLAN_TITLE, TASKS, seed_demo
from tasks.breakdown_table import TableError, read_breakdown_table
from tasks.models import AnnualTarget, KeyTask, Milestone, Plan, PlanSection, TaskDepartment
from tasks.services import ImportOptions, plan_export, plan_import
from tests.factories import (
    KeyTaskFactory,
    MilestoneFactory,
    PlanFactory,
    PlanSectionFactory,
    TaskDepartmentFactory,
)

D = datetime.date


def snapshot(plan: Plan) -> list[dict]:
    """Everything a task breakdown table carries about each task of ``plan``, in the plan's order."""
    sections = {s.pk: s for s in plan.sections.all()}

    def path(section_id):
        parts = []
        while section_id is not None:
            section = sections[section_id]
            parts.append((section.code, section.title))
            section_id = section.parent_id
        return list(reversed(parts))

    tasks = plan.key_tasks.order_by("position", "pk").prefetch_related(
        "task_departments__department", "annual_targets", "milestones"
    )
    return [
        {
            "code": task.code,
            "title": task.title,
            "content": task.content,
            "source_clause": task.source_clause,
            "section": path(task.section_id),
            "lead": [d.pk for d in task.lead_departments],
            "cooperating": [d.pk for d in task.cooperating_departments],
            "lead_text": task.lead_text,
            "cooperating_text": task.cooperating_text,
            "start_date": task.start_date,
            "due_date": task.due_date,
            "deadline_text": task.deadline_text,
            "is_ongoing": task.is_ongoing,
            "cadence": task.cadence,
            "targets": {t.year: t.target for t in task.annual_targets.all()},
            "milestones": [(m.title, m.due_date, m.evidence_required) for m in task.milestones.all()],
        }
        for task in tasks
    ]


def reimport(plan: Plan, title: str = "导入的副本") -> Plan:
    """Export ``plan`` and import the bytes as a new plan of the same region and years."""
    result = plan_import(
        data=plan_export(plan=plan),
        options=ImportOptions(title=title, region_id=plan.region_id, start_year=plan.start_year, end_year=plan.end_year),
    )
    assert result.created_departments == []
    return result.plan


def sheet_of(data: bytes):
    return load_workbook(io.BytesIO(data)).worksheets[0]


# --- the demo plan -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_demo_plan_survives_export_and_import_task_by_task():
    demo = seed_demo().plan
    original = snapshot(demo)
    assert len(original) == len(TASKS) == 22

    copy = reimport(demo)

    assert copy.pk != demo.pk and copy.region_id == demo.region_id
    copied = snapshot(copy)
    assert [t["code"] for t in copied] == [t["code"] for t in original]
    for before, after in zip(original, copied, strict=True):
        assert after == before, before["code"]
    # The copy has its own sections, built like the original's: 三、(六), 四、(一)–(四), 五、.
    assert copy.sections.count() == demo.sections.count() == 8


@pytest.mark.django_db
def test_demo_plan_has_what_the_seed_table_says():
    """The seeded plan itself is right, so the round trip above compares something meaningful."""
    plan = seed_demo().plan
    plan.refresh_from_db()  # seed_demo returns the plan as imported, before it was put in force
    tasks = {t["code"]: t for t in snapshot(plan)}

    assert plan.title == PLAN_TITLE and plan.status == Plan.Status.ACTIVE
    first = KeyTask.objects.get(plan=plan, code="1")
    assert first.primary_lead.code == "wsjkw"
    assert [d.code for d in first.cooperating_departments] == ["fgw", "czj"]
    assert first.content == TASKS[0].content  # punctuation as written in demo.py
    assert tasks["7"]["lead"] == [] and tasks["7"]["lead_text"] == "各区县人民政府"
    assert tasks["7"]["cooperating_text"] == "各相关部门" and tasks["7"]["is_ongoing"]
    assert tasks["3"]["cadence"] == KeyTask.Cadence.QUARTERLY and tasks["3"]["is_ongoing"]
    assert tasks["11"]["cadence"] == KeyTask.Cadence.YEARLY
    assert tasks["2"]["milestones"] == [
        ("市级精神专科医院电子病历系统上线", D(2022, 6, 30), "系统验收报告"),
        ("实现与省严重精神障碍信息系统数据交换", D(2023, 12, 31), "数据交换测试报告"),
    ]
    assert tasks["1"]["targets"] == {2021: "制定建设方案", 2022: "方案通过评审", 2023: "平台一期上线", 2024: "平台二期上线", 2025: "全面建成"}
    assert tasks["1"]["section"] == [("三、", "主要任务"), ("（六）", "积极推动精神卫生信息化建设，提升智能服务管理水平")]
    assert Milestone.objects.filter(task__plan=plan).count() == sum(len(t.milestones) for t in TASKS)


@pytest.mark.django_db
def test_seed_demo_is_idempotent():
    first = seed_demo()
    counts = (Plan.objects.count(), KeyTask.objects.count(), PlanSection.objects.count(), TaskDepartment.objects.count())

    second = seed_demo()

    assert first.created and not second.created and second.plan == first.plan
    assert (Plan.objects.count(), KeyTask.objects.count(), PlanSection.objects.count(), TaskDepartment.objects.count()) == counts


# --- a plan built with factories ------------------------------------------------------------------


@pytest.fixture
def built_plan(city, departments) -> Plan:
    """A plan with every kind of task the table can carry, built directly in the database."""
    plan = PlanFactory(region=city, title="示范市心理健康促进规划", start_year=2021, end_year=2025)
    chapter = PlanSectionFactory(plan=plan, code="一、", title="完善服务体系，提升服务能力", position=1)
    section = PlanSectionFactory(plan=plan, parent=chapter, code="（一）", title="加强信息化", position=2)
    other = PlanSectionFactory(plan=plan, code="二、", title="保障措施", position=3)

    dated = KeyTaskFactory(
        plan=plan,
        section=section,
        code="1",
        position=1,
        title="建设心理援助热线",
        content="建设心理援助热线，24小时提供服务；覆盖全市。",
        source_clause="第三章：主要任务。",
        start_date=D(2022, 3, 1),
        due_date=D(2024, 6, 30),
        deadline_text="",
        cadence=KeyTask.Cadence.MONTHLY,
    )
    TaskDepartmentFactory(task=dated, department=departments["wsjkw"], role="lead", position=0)
    TaskDepartmentFactory(task=dated, department=departments["gaj"], role="lead", position=1)
    TaskDepartmentFactory(task=dated, department=departments["czj"], role="cooperating", position=0)
    TaskDepartmentFactory(task=dated, department=departments["cl"], role="cooperating", position=1)
    MilestoneFactory(task=dated, title="热线试运行", due_date=D(2022, 12, 31), evidence_required="运行报告", position=0)
    MilestoneFactory(task=dated, title="热线正式开通", due_date=D(2023, 6, 30), evidence_required="", position=1)
    AnnualTarget.objects.create(task=dated, year=2022, target="完成招标")
    AnnualTarget.objects.create(task=dated, year=2023, target="试运行（覆盖50%）")

    generic = KeyTaskFactory(
        plan=plan,
        section=other,
        code="2",
        position=2,
        title="乡镇（街道）成立综合管理小组",
        content="",
        lead_text="各区县人民政府",
        cooperating_text="各相关部门",
        due_date=D(2023, 6, 30),
        deadline_text="2023年6月底前",
    )
    TaskDepartmentFactory(task=generic, department=departments["mzj"], role="cooperating", position=0)

    ongoing = KeyTaskFactory(
        plan=plan,
        section=None,
        code="3.1",
        position=3,
        title="加强患者隐私保护",
        deadline_text="长期坚持",
        is_ongoing=True,
        cadence=KeyTask.Cadence.HALF_YEARLY,
    )
    TaskDepartmentFactory(task=ongoing, department=departments["mzj"], role="lead", position=0)

    yearly = KeyTaskFactory(
        plan=plan, section=section, code="3.2", position=4, title="年度评价", deadline_text="每年", is_ongoing=True,
        cadence=KeyTask.Cadence.YEARLY,
    )
    TaskDepartmentFactory(task=yearly, department=departments["wsjkw"], role="lead", position=0)

    ranged = KeyTaskFactory(
        plan=plan, section=other, code="4", position=5, title="开展流行病学调查", deadline_text="2022—2024年",
        start_date=D(2022, 1, 1), due_date=D(2024, 12, 31),
    )
    TaskDepartmentFactory(task=ranged, department=departments["jyj"], role="lead", position=0)

    # A start date that differs from what the deadline text implies.
    ranged_late = KeyTaskFactory(
        plan=plan, section=other, code="5", position=6, title="开展中期评估", deadline_text="2023年底前",
        start_date=D(2023, 4, 1), due_date=D(2023, 12, 31),
    )
    TaskDepartmentFactory(task=ranged_late, department=departments["sfj"], role="lead", position=0)
    return plan


@pytest.mark.django_db
def test_factory_plan_survives_export_and_import(built_plan):
    original = snapshot(built_plan)

    copy = reimport(built_plan)

    copied = snapshot(copy)
    assert len(copied) == 6
    for before, after in zip(original, copied, strict=True):
        assert after == before, before["code"]


@pytest.mark.django_db
def test_task_with_a_real_due_date_is_exported_as_a_date_cell(built_plan, departments):
    sheet = sheet_of(plan_export(plan=built_plan))

    assert sheet["A1"].value == "示范市心理健康促进规划重点任务分工表"
    headers = [c.value for c in sheet[2]]
    assert headers[:11] == [
        "序号", "章节", "重点任务", "具体内容", "牵头单位（排在首位的为主要牵头单位）", "配合单位",
        "完成时限", "开始时间", "报告周期", "阶段节点", "规划条款",
    ]
    assert headers[11:] == ["2021年", "2022年", "2023年", "2024年", "2025年"]
    first = {header: cell.value for header, cell in zip(headers, sheet[3], strict=True)}
    assert first["序号"] == "1"
    assert first["章节"] == "一、完善服务体系，提升服务能力 / （一）加强信息化"
    assert first["牵头单位（排在首位的为主要牵头单位）"] == "示范市卫生健康委员会、示范市公安局"
    assert first["配合单位"] == "示范市财政局、示范市残疾人联合会"
    assert first["完成时限"] == datetime.datetime(2024, 6, 30)
    assert first["开始时间"] == datetime.datetime(2022, 3, 1)
    assert first["报告周期"] == "月度"
    assert first["阶段节点"] == "2022-12-31：热线试运行（佐证：运行报告）\n2023-06-30：热线正式开通"
    assert (first["2022年"], first["2023年"], first["2021年"]) == ("完成招标", "试运行（覆盖50%）", None)

    generic = {header: cell.value for header, cell in zip(headers, sheet[4], strict=True)}
    assert generic["牵头单位（排在首位的为主要牵头单位）"] == "各区县人民政府"
    assert generic["配合单位"] == "示范市民政局、各相关部门"
    assert generic["完成时限"] == "2023年6月底前"
    assert generic["开始时间"] is None  # the plan's first day is implied
    assert sheet.max_row == 2 + 6


@pytest.mark.django_db
def test_export_reads_back_with_the_same_codes_and_sections(built_plan):
    table = read_breakdown_table(plan_export(plan=built_plan))

    assert [t.code for t in table.tasks] == ["1", "2", "3.1", "3.2", "4", "5"]
    assert table.title == "示范市心理健康促进规划重点任务分工表"
    assert table.tasks[0].section_path == [("一、", "完善服务体系，提升服务能力"), ("（一）", "加强信息化")]
    assert table.tasks[2].section_path == []
    assert table.warnings == []


@pytest.mark.django_db
def test_round_trip_into_the_same_plan_is_refused_because_the_codes_exist(built_plan):
    data = plan_export(plan=built_plan)
    before = KeyTask.objects.count()

    with pytest.raises(TableError) as excinfo:
        plan_import(data=data, options=ImportOptions(plan_id=built_plan.pk))

    assert [str(p.message) for p in excinfo.value.problems] == [
        gettext("the number %(code)s already exists in the plan") % {"code": code} for code in ["1", "2", "3.1", "3.2", "4", "5"]
    ]
    assert KeyTask.objects.count() == before


@pytest.mark.django_db
def test_export_of_an_empty_plan_is_a_header_only_table(city):
    plan = PlanFactory(region=city, start_year=2021, end_year=2023)

    sheet = sheet_of(plan_export(plan=plan))

    assert sheet.max_row == 2
    assert [c.value for c in sheet[2]][-3:] == ["2021年", "2022年", "2023年"]


# --- the export_plan command -------------------------------------------------------------------------


@pytest.mark.django_db
def test_export_command_writes_the_table(built_plan, tmp_path, capsys):
    out = tmp_path / "分工表.xlsx"

    call_command("export_plan", built_plan.pk, out)

    assert out.is_file()
    assert [t.code for t in read_breakdown_table(out.read_bytes()).tasks] == ["1", "2", "3.1", "3.2", "4", "5"]
    assert "6" in capsys.readouterr().out


@pytest.mark.django_db
def test_export_then_import_commands_reproduce_the_plan(built_plan, tmp_path):
    out = tmp_path / "export.xlsx"
    call_command("export_plan", built_plan.pk, out)

    call_command(
        "import_plan", str(out), "--title", "命令导入", "--region", built_plan.region.code, "--start", "2021", "--end", "2025"
    )

    assert snapshot(Plan.objects.get(title="命令导入")) == snapshot(built_plan)


@pytest.mark.django_db
def test_export_command_refuses_an_unknown_plan(tmp_path):
    out = tmp_path / "none.xlsx"

    with pytest.raises(CommandError, match="424242"):
        call_command("export_plan", 424242, out)

    assert not out.exists()


@pytest.mark.django_db
def test_a_due_date_changed_after_import_wins_over_the_old_deadline_text(city, departments):
    """The text 2025年底前 no longer says the task's due date: the export must not bring the old date back."""
    plan = PlanFactory(region=city)
    task = KeyTaskFactory(plan=plan, code="1", deadline_text="2025年底前", due_date=D(2024, 6, 30))
    TaskDepartmentFactory(task=task, department=departments["wsjkw"])
    ranged = KeyTaskFactory(
        plan=plan, code="2", deadline_text="2022—2024年", start_date=D(2022, 1, 1), due_date=D(2023, 12, 31)
    )
    TaskDepartmentFactory(task=ranged, department=departments["gaj"])

    sheet = sheet_of(plan_export(plan=plan))
    copy = reimport(plan)

    assert sheet["G3"].value == datetime.datetime(2024, 6, 30)
    assert sheet["G4"].value == datetime.datetime(2023, 12, 31) and sheet["H4"].value == datetime.datetime(2022, 1, 1)
    copied = {t.code: t for t in copy.key_tasks.all()}
    assert copied["1"].due_date == D(2024, 6, 30)
    assert (copied["2"].start_date, copied["2"].due_date) == (D(2022, 1, 1), D(2023, 12, 31))


@pytest.mark.django_db
def test_an_ongoing_task_without_deadline_text_stays_ongoing(city, departments):
    plan = PlanFactory(region=city)
    task = KeyTaskFactory(plan=plan, code="1", deadline_text="", is_ongoing=True, due_date=plan.end_date)
    TaskDepartmentFactory(task=task, department=departments["wsjkw"])

    assert sheet_of(plan_export(plan=plan))["G3"].value == "长期坚持"
    copied = reimport(plan).key_tasks.get()
    assert copied.is_ongoing and copied.due_date == plan.end_date
