"""The plan pages as a user sees them: lists, filters, exports, query counts."""

import datetime
import io
import re

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import DepartmentFactory, KeyTaskFactory, PlanSectionFactory, TaskDepartmentFactory

pytestmark = pytest.mark.django_db


def _make_tasks(plan, departments, count):
    section = PlanSectionFactory(plan=plan)
    first = plan.key_tasks.count()
    for n in range(first, first + count):
        task = KeyTaskFactory(plan=plan, section=section, code=f"x{n}", position=n)
        TaskDepartmentFactory(task=task, department=departments[n % len(departments)], role="lead", position=0)
        if len(departments) > 1:
            other = departments[(n + 1) % len(departments)]
            TaskDepartmentFactory(task=task, department=other, role="cooperating", position=0)


def _queries(client, url, params=None):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("view", ["tasks:task_list", "tasks:plan_detail"])
def test_the_task_pages_issue_the_same_number_of_queries_for_10_and_200_tasks(client, supervisor, plan, region, view):
    departments = [DepartmentFactory(region=region) for _ in range(3)]
    client.force_login(supervisor)
    url = reverse(view, args=[plan.pk])
    _make_tasks(plan, departments, 10)
    few = _queries(client, url)
    _make_tasks(plan, departments, 190)
    many = _queries(client, url)
    assert few == many


def test_the_department_list_issues_the_same_number_of_queries_for_5_and_50_departments(client, supervisor, region):
    client.force_login(supervisor)
    for _ in range(5):
        DepartmentFactory(region=region)
    few = _queries(client, reverse("tasks:department_list"))
    for _ in range(45):
        DepartmentFactory(region=region)
    assert _queries(client, reverse("tasks:department_list")) == few


def test_the_department_list_is_paginated_and_searchable(client, supervisor, plan, region):
    """25 departments a page (a province has hundreds); a name, short name or alias finds one; the
    counts link to the task list of the plan in force in the department's region."""
    from tasks.models import DepartmentAlias

    plan.status = "active"
    plan.save()
    departments = [DepartmentFactory(region=region, name=f"部门{n:02d}", short_name=f"短{n:02d}", position=n) for n in range(30)]
    DepartmentAlias.objects.create(department=departments[7], alias="第七别名")
    _make_tasks(plan, departments[:1], 2)
    client.force_login(supervisor)
    first = client.get(reverse("tasks:department_list")).content.decode()
    assert "部门00" in first and "部门29" not in first and ("30 departments" in first or "30 个部门" in first)
    last = client.get(reverse("tasks:department_list"), {"page": 2}).content.decode()
    assert "部门29" in last and "部门00" not in last
    found = client.get(reverse("tasks:department_list"), {"q": "第七别名"}).content.decode()
    assert "部门07" in found and "部门08" not in found
    assert f'{reverse("tasks:task_list", args=[plan.pk])}?department={departments[0].pk}&amp;role=lead">2<' in first


def test_the_task_list_paginates_on_the_database(client, supervisor, plan, region):
    _make_tasks(plan, [DepartmentFactory(region=region)], 30)
    client.force_login(supervisor)
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(reverse("tasks:task_list", args=[plan.pk]), {"page": 2}).content.decode()
    assert "x29" in page and "x0<" not in page
    # Rows 26–30 only: the last page is read from the end of the sort (common.pagination.TailPaginator).
    assert any("LIMIT 5" in q["sql"] and "DESC" in q["sql"] for q in ctx.captured_queries)


def test_filtering_by_department_and_role(client, supervisor, plan, task_a, task_b_only, dept_b):
    client.force_login(supervisor)
    url = reverse("tasks:task_list", args=[plan.pk])
    either = client.get(url, {"department": dept_b.pk}).content.decode()
    assert task_a.title in either and task_b_only.title in either
    lead = client.get(url, {"department": dept_b.pk, "role": "lead"}).content.decode()
    assert task_b_only.title in lead and task_a.title not in lead


def test_filtering_by_text_status_section_and_due_date(client, supervisor, plan, task_a, task_b_only):
    client.force_login(supervisor)
    url = reverse("tasks:task_list", args=[plan.pk])
    page = client.get(url, {"q": "信息化"}).content.decode()
    assert task_a.title in page and task_b_only.title not in page
    task_b_only.status = "completed"
    task_b_only.save()
    page = client.get(url, {"status": "completed"}).content.decode()
    assert task_b_only.title in page and task_a.title not in page
    section = PlanSectionFactory(plan=plan, code="四、", title="保障措施")
    child = PlanSectionFactory(plan=plan, parent=section, code="（一）", title="强化政府领导")
    task_a.section = child
    task_a.save()
    page = client.get(url, {"section": section.pk}).content.decode()
    assert task_a.title in page and task_b_only.title not in page
    task_a.due_date = task_a.due_date.replace(year=2022)
    task_a.save()
    page = client.get(url, {"due_before": "2023-01-01"}).content.decode()
    assert task_a.title in page and task_b_only.title not in page


def test_a_bad_filter_value_is_reported_not_crashed(client, supervisor, plan, task_a):
    client.force_login(supervisor)
    response = client.get(reverse("tasks:task_list", args=[plan.pk]), {"due_before": "not-a-date", "section": "999999"})
    assert response.status_code == 200
    assert "invalid-feedback" in response.content.decode()


def test_csv_and_excel_exports_hold_the_filtered_rows(client, supervisor, plan, task_a, task_b_only, dept_a):
    client.force_login(supervisor)
    url = reverse("tasks:task_list", args=[plan.pk])
    csv = client.get(url, {"department": dept_a.pk, "_export": "csv"})
    assert csv["Content-Type"].startswith("text/csv")
    text = csv.getvalue().decode("utf-8")
    assert text.startswith("\ufeff")
    assert task_a.title in text and task_b_only.title not in text
    assert "市卫生健康委" in text
    xlsx = client.get(url, {"_export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.getvalue())).active
    header = [cell.value for cell in sheet[1]]
    column = header.index("重点任务")
    titles = [row[column] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert set(titles) == {task_a.title, task_b_only.title}


def test_the_task_page_shows_departments_milestones_targets_and_clause(client, supervisor, task_a):
    from tasks.models import AnnualTarget
    from tests.factories import MilestoneFactory

    task_a.source_clause = "统筹推进精神卫生信息化建设，打破信息孤岛。"
    task_a.save()
    MilestoneFactory(task=task_a, title="平台一期上线", evidence_required="验收报告")
    AnnualTarget.objects.create(task=task_a, year=2022, target="完成建设方案")
    client.force_login(supervisor)
    page = client.get(reverse("tasks:task_detail", args=[task_a.pk])).content.decode()
    for text in ["示范市卫生健康委员会", "示范市公安局", "平台一期上线", "验收报告", "完成建设方案", "打破信息孤岛"]:
        assert text in page


def test_the_plan_export_downloads_the_task_breakdown_table(client, supervisor, plan, task_a):
    client.force_login(supervisor)
    response = client.get(reverse("tasks:plan_export", args=[plan.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet["A2"].value == "序号"
    assert sheet["C3"].value == task_a.title


def test_the_task_page_marks_a_milestone_past_due_with_the_departments_part_to_do(client, supervisor, task_a):
    from tasks.models import Milestone
    from tests.factories import MilestoneFactory

    today = timezone.localdate()
    late = MilestoneFactory(task=task_a, title="方案编制", due_date=today - datetime.timedelta(days=1))
    MilestoneFactory(task=task_a, title="验收", due_date=today - datetime.timedelta(days=1), status=Milestone.Status.APPROVED)
    MilestoneFactory(task=task_a, title="待审", due_date=today - datetime.timedelta(days=1), status=Milestone.Status.CLAIMED)
    MilestoneFactory(task=task_a, title="明年", due_date=today + datetime.timedelta(days=1))
    client.force_login(supervisor)
    page = client.get(reverse("tasks:task_detail", args=[task_a.pk])).content.decode()
    rows = re.findall(r"<tr><td>.*?</tr>", page.split('id="milestones"')[1].split("</table>")[0], re.S)
    marked = [row for row in rows if "data-overdue" in row]
    assert len(marked) == 1 and late.title in marked[0]


def test_a_province_supervisor_sees_the_plans_in_the_order_of_their_regions_division_codes(client):
    from tests.factories import PlanFactory, ProvinceFactory, RegionFactory, make_supervisor

    province = ProvinceFactory()
    for code, name in [("420300", "十堰市"), ("420100", "武汉市"), ("420200", "黄石市")]:
        PlanFactory(region=RegionFactory(code=code, name=name, parent=province), title=f"{name}精神卫生“十四五”规划")
    PlanFactory(region=province, title="湖北省精神卫生“十四五”规划")
    client.force_login(make_supervisor("province-supervisor", province))
    page = client.get(reverse("tasks:plan_list")).content.decode()
    titles = re.findall(r'<h2 class="h5"><a [^>]*>(?:<span lang="zh">)?(\w+?)精神卫生', page)
    assert titles == ["湖北省", "武汉市", "黄石市", "十堰市"]
