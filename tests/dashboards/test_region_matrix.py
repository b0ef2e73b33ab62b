"""The province's view (issue 11 § 6): cascaded tasks × regions, the drill-down, the export, access."""

import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from tasks.models import KeyTask, Light, Plan, ProgressReport, Region
from tests.dashboards.conftest import cascade_world
from tests.factories import (
    DepartmentFactory,
    KeyTaskFactory,
    PlanFactory,
    RegionFactory,
    TaskDepartmentFactory,
    make_administrator,
    make_evaluator,
    make_liaison,
    make_supervisor,
)

pytestmark = pytest.mark.django_db


def _matrix(client, plan, **params):
    response = client.get(reverse("dashboards:regions", args=[plan.pk]), params)
    assert response.status_code == 200
    return response.content.decode()


def _cell(page, task, child):
    """The HTML of one cell of the matrix (a link to the region's task)."""
    match = re.search(rf'<a [^>]*data-cell="{task.parent_id}-{child.plan_id}">(.*?)</a>\s*</td>', page, re.S)
    assert match, f"no cell for task {task.pk}"
    return match.group(0)


def _footer(page):
    return page[page.index("<tfoot") : page.index("</tfoot>")]


@pytest.fixture
def world():
    return cascade_world(3, tasks=4, quarters=3)


@pytest.fixture
def province_supervisor(world):
    return make_supervisor("province-supervisor", region=world.province)


def test_each_cell_shows_the_regions_light_progress_latest_approved_period_and_acceptance(client, world, province_supervisor):
    client.force_login(province_supervisor)
    page = _matrix(client, world.plan)
    for region in world.prefectures:
        assert f'data-region="{region.pk}"' in page and region.name in page
    child = world.child_task(world.province_tasks[1], world.prefectures[2])
    report = ProgressReport.objects.filter(task=child, status="approved").order_by("-period__ends_on").first()
    cell = _cell(page, child, child)
    assert reverse("tasks:task_detail", args=[child.pk]) in cell
    assert f'data-light="{child.light}"' in cell and f"{child.progress}%" in cell
    # Q1 and Q2 approved, Q3 only submitted: the latest approved report is of Q2.
    assert report.period.number == 2 and str(report.period.label) in cell
    assert f'data-acceptance="{report.acceptance}"' in cell


def test_a_cell_without_an_approved_report_says_so_and_an_uncascaded_task_is_not_a_row(client, world, province_supervisor):
    child = world.child_task(world.province_tasks[0], world.prefectures[0])
    ProgressReport.objects.filter(task=child).update(status=ProgressReport.Status.SUBMITTED, acceptance="")
    lonely = KeyTaskFactory(plan=world.plan, code="99", title="只在省级的任务")
    client.force_login(province_supervisor)
    page = _matrix(client, world.plan)
    cell = _cell(page, child, child)
    assert "data-acceptance" not in cell and "2021" not in cell
    assert lonely.title not in page


def test_the_summary_row_gives_each_regions_shares_of_lights_and_average_progress(client, world, province_supervisor):
    region = world.prefectures[1]
    tasks = KeyTask.objects.filter(plan__region=region)
    tasks.update(light=Light.GREEN, progress=40)
    tasks.filter(code="1").update(light=Light.RED, progress=0)  # 3 of 4 green, 1 red; progress (0+40·3)/4 = 30
    client.force_login(province_supervisor)
    footer = _footer(_matrix(client, world.plan))
    region_footer = footer[footer.index(reverse("dashboards:region", args=[world.plan.pk, region.pk])) :]
    assert region_footer.index('data-tally="75/0/25"') < region_footer.index("</td>")
    assert "30%" in region_footer[: region_footer.index("</td>")]


def test_the_summary_column_gives_each_tasks_shares_over_the_regions(client, world, province_supervisor):
    task = world.province_tasks[2]
    KeyTask.objects.filter(parent=task).update(light=Light.YELLOW, progress=60)
    KeyTask.objects.filter(parent=task, plan__region=world.prefectures[0]).update(light=Light.GREEN, progress=90)
    client.force_login(province_supervisor)
    page = _matrix(client, world.plan)
    row = page[page.index(task.get_absolute_url()) :]
    row = row[: row.index("</tr>")]
    assert 'data-tally="33/67/0"' in row and "70%" in row  # (90 + 60 + 60) / 3


def test_filter_by_section_and_by_light(client, world, province_supervisor):
    client.force_login(province_supervisor)
    first, second = world.province_tasks[0], world.province_tasks[1]
    page = _matrix(client, world.plan, section=first.section_id)
    assert first.get_absolute_url() in page and second.get_absolute_url() not in page
    KeyTask.objects.filter(plan__parent=world.plan).update(light=Light.GREEN)
    KeyTask.objects.filter(parent=second, plan__region=world.prefectures[2]).update(light=Light.RED)
    page = _matrix(client, world.plan, light="red")
    assert second.get_absolute_url() in page and first.get_absolute_url() not in page
    # The summaries are over the rows shown: the row's three regions, each region's one cell.
    assert 'data-tally="67/0/33"' in page and 'data-tally="0/0/100"' in _footer(page)


def test_the_xlsx_export_has_every_row_the_regions_and_their_summary_and_is_formula_safe(client, world, province_supervisor):
    KeyTask.objects.filter(pk=world.province_tasks[0].pk).update(title='=HYPERLINK("http://evil.example","点我")')
    client.force_login(province_supervisor)
    response = client.get(reverse("dashboards:regions", args=[world.plan.pk]), {"_export": "xlsx", "per_page": 1})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    rows = list(sheet.iter_rows())
    header = [c.value for c in rows[0]]
    assert header[1:4] == [r.name for r in world.prefectures] and len(header) == 5
    assert len(rows) == 1 + 4 + 1  # header, every task (not one page), the regions' summary
    title_cell = rows[1][0]
    assert title_cell.value.startswith("1 =HYPERLINK") or title_cell.value.startswith("=")
    dangerous = [c for row in rows for c in row if isinstance(c.value, str) and c.value[:1] in "=+-@"]
    assert all(c.quotePrefix for c in dangerous)
    child = world.child_task(world.province_tasks[1], world.prefectures[0])
    assert f"{child.progress}%" in rows[2][1].value
    assert "%" in rows[-1][1].value and "%" in rows[-1][-1].value


def test_a_formula_at_the_start_of_a_cell_is_quote_prefixed(client, world, province_supervisor):
    KeyTask.objects.filter(pk=world.province_tasks[0].pk).update(code="=1+1")
    client.force_login(province_supervisor)
    response = client.get(reverse("dashboards:regions", args=[world.plan.pk]), {"_export": "xlsx"})
    cell = load_workbook(io.BytesIO(response.getvalue())).active.cell(2, 1)
    assert cell.value.startswith("=1+1") and cell.data_type == "s" and cell.quotePrefix


# --- queries do not grow with the number of prefectures -------------------------------------------------


@pytest.mark.parametrize("export", [False, True])
def test_the_matrix_and_its_export_issue_as_many_queries_for_17_prefectures_as_for_3(client, export):
    supervisor = make_supervisor("province-supervisor")  # placed in the province
    small = cascade_world(3, tasks=5, quarters=2)
    big = cascade_world(17, tasks=5, quarters=2, province=small.province)
    client.force_login(supervisor)
    params = {"_export": "xlsx"} if export else {}
    counts = []
    for world in (small, big):
        url = reverse("dashboards:regions", args=[world.plan.pk])
        client.get(url, params)  # warm the session
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, params)
        assert response.status_code == 200
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1]
    if not export:
        assert all(r.name in response.content.decode() for r in big.prefectures)


def test_the_region_page_issues_as_many_queries_for_many_tasks_as_for_few(client):
    supervisor = make_supervisor("province-supervisor")
    small = cascade_world(2, tasks=2, quarters=2)
    big = cascade_world(2, tasks=12, quarters=3, province=small.province)
    client.force_login(supervisor)
    counts = []
    for world in (small, big):
        url = reverse("dashboards:region", args=[world.plan.pk, world.prefectures[0].pk])
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1]


# --- drill-down ------------------------------------------------------------------------------------------


def test_drill_down_from_the_matrix_to_a_region_its_department_and_a_report(client, world, province_supervisor):
    region = world.prefectures[0]
    client.force_login(province_supervisor)
    matrix = _matrix(client, world.plan)
    region_url = reverse("dashboards:region", args=[world.plan.pk, region.pk])
    assert region_url in matrix

    page = client.get(region_url).content.decode()
    child_plan = Plan.objects.get(parent=world.plan, region=region)
    child = world.child_task(world.province_tasks[0], region)
    lead = world.departments[region.pk][0]
    assert reverse("dashboards:plan", args=[child_plan.pk]) in page  # the region's dashboard
    assert reverse("tasks:task_detail", args=[child.pk]) in page
    report = ProgressReport.objects.filter(task=child, status="approved").order_by("-period__ends_on").first()
    assert reverse("tasks:report_detail", args=[report.pk]) in page
    assert f"{reverse('tasks:task_list', args=[child_plan.pk])}?department={lead.pk}" in page
    assert f"{region_url}?department={lead.pk}" in page
    crumbs = page[page.index('id="cascade-breadcrumb"') :]
    crumbs = crumbs[: crumbs.index("</ol>")]
    assert world.province.name in crumbs and region.name in crumbs

    page = client.get(region_url, {"department": lead.pk}).content.decode()
    crumbs = page[page.index('id="cascade-breadcrumb"') :]
    crumbs = crumbs[: crumbs.index("</ol>")]
    assert crumbs.index(world.province.name) < crumbs.index(region.name) < crumbs.index(str(lead))
    other = world.child_task(world.province_tasks[1], region)  # led by the other department
    assert reverse("tasks:task_detail", args=[child.pk]) in page
    assert reverse("tasks:task_detail", args=[other.pk]) not in page
    assert 'id="department-tasks-link"' in page

    # every page of the chain opens for the province supervisor
    for url in (reverse("dashboards:plan", args=[child_plan.pk]), reverse("tasks:task_detail", args=[child.pk]),
                reverse("tasks:report_detail", args=[report.pk]), f"{reverse('tasks:task_list', args=[child_plan.pk])}?department={lead.pk}"):
        assert client.get(url).status_code == 200, url


def test_a_region_the_plan_was_not_cascaded_to_answers_404(client, world, province_supervisor):
    stranger = RegionFactory(name="外省市", parent=world.province)
    client.force_login(province_supervisor)
    assert client.get(reverse("dashboards:region", args=[world.plan.pk, stranger.pk])).status_code == 404


def test_the_dashboards_link_the_matrix_and_the_region_back_to_the_province(client, world, province_supervisor):
    client.force_login(province_supervisor)
    page = client.get(reverse("dashboards:plan", args=[world.plan.pk])).content.decode()
    assert f'href="{reverse("dashboards:regions", args=[world.plan.pk])}"' in page
    child_plan = world.child_plans[0]
    page = client.get(reverse("dashboards:plan", args=[child_plan.pk])).content.decode()
    assert 'id="region-matrix-link"' not in page  # not cascaded further
    crumbs = page[page.index('id="cascade-breadcrumb"') :]
    crumbs = crumbs[: crumbs.index("</ol>")]
    assert reverse("dashboards:regions", args=[world.plan.pk]) in crumbs
    assert reverse("dashboards:region", args=[world.plan.pk, child_plan.region_id]) in crumbs


# --- access ----------------------------------------------------------------------------------------------


def test_access_per_role(client, world):
    url = reverse("dashboards:regions", args=[world.plan.pk])
    region_url = reverse("dashboards:region", args=[world.plan.pk, world.prefectures[0].pk])
    assert client.get(url).status_code == 302  # to the login page

    for user in (
        make_supervisor("p-supervisor", region=world.province),
        make_evaluator("p-evaluator", region=world.province),
        make_administrator("p-admin", region=world.province),
    ):
        client.force_login(user)
        assert client.get(url).status_code == 200, user
        assert client.get(region_url).status_code == 200, user

    province_department = DepartmentFactory(region=world.province, name="湖北省卫生健康委员会")
    TaskDepartmentFactory(task=world.province_tasks[0], department=province_department)
    for user in (
        make_liaison(province_department, "province-liaison"),  # sees the province plan, not this page
        make_liaison(world.departments[world.prefectures[0].pk][0], "prefecture-liaison"),
        make_supervisor("prefecture-supervisor", region=world.prefectures[0]),  # does not see the province plan
    ):
        client.force_login(user)
        assert client.get(url).status_code == 404, user
        assert client.get(region_url).status_code == 404, user


def test_the_liaison_sees_no_link_to_the_matrix_on_the_dashboard(client, world):
    province_department = DepartmentFactory(region=world.province, name="湖北省卫生健康委员会")
    TaskDepartmentFactory(task=world.province_tasks[0], department=province_department)
    client.force_login(make_liaison(province_department, "province-liaison"))
    page = client.get(reverse("dashboards:plan", args=[world.plan.pk])).content.decode()
    assert 'id="region-matrix-link"' not in page


def test_the_matrix_shows_only_the_regions_in_the_viewers_scope(client):
    """A prefecture's plan cascaded to its counties — and, wrongly, to a county of another
    prefecture: the prefecture's supervisor sees only their own counties."""
    prefecture = RegionFactory(name="武汉市")
    elsewhere = RegionFactory(name="黄石市")
    own_county = RegionFactory(name="江岸区", level=Region.Level.COUNTY, parent=prefecture)
    far_county = RegionFactory(name="大冶市", level=Region.Level.COUNTY, parent=elsewhere)
    plan = PlanFactory(region=prefecture)
    task = KeyTaskFactory(plan=plan)
    for county in (own_county, far_county):
        child_plan = PlanFactory(region=county, parent=plan)
        child = KeyTaskFactory(plan=child_plan, parent=task)
        TaskDepartmentFactory(task=child, department=DepartmentFactory(region=county))
    client.force_login(make_supervisor("wuhan", region=prefecture))
    page = _matrix(client, plan)
    assert "江岸区" in page and "大冶市" not in page
    assert client.get(reverse("dashboards:region", args=[plan.pk, far_county.pk])).status_code == 404
    client.force_login(make_supervisor("hubei"))  # the province sees both
    page = _matrix(client, plan)
    assert "江岸区" in page and "大冶市" in page


def test_the_plan_page_links_the_matrix_for_staff_when_the_plan_was_cascaded(client, world, province_supervisor):
    client.force_login(province_supervisor)
    page = client.get(world.plan.get_absolute_url()).content.decode()
    assert f'href="{reverse("dashboards:regions", args=[world.plan.pk])}"' in page
    page = client.get(world.child_plans[0].get_absolute_url()).content.decode()
    assert 'id="plan-region-matrix-link"' not in page


def test_a_plan_that_was_not_cascaded_shows_an_empty_matrix(client, world, province_supervisor):
    plan = PlanFactory(region=world.province, title="未下达的规划")
    KeyTaskFactory(plan=plan)
    client.force_login(province_supervisor)
    page = _matrix(client, plan)
    assert "cascade-matrix" in page and 'data-cell="' not in page


def test_the_csv_export_has_the_same_rows(client, world, province_supervisor):
    client.force_login(province_supervisor)
    response = client.get(reverse("dashboards:regions", args=[world.plan.pk]), {"_export": "csv", "sort": "-task"})
    lines = response.getvalue().decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 1 + 4 + 1
    assert lines[1].startswith("4 ") and lines[4].startswith("1 ")  # sorted as asked


def test_the_matrix_reads_what_the_cascade_service_wrote(client):
    from tasks.cascade import cascade_tasks
    from tests.factories import ProvinceFactory

    province = ProvinceFactory()
    plan = PlanFactory(region=province, title="湖北省精神卫生规划")
    tasks = [KeyTaskFactory(plan=plan, code=str(n), title=f"省任务{n}") for n in (1, 2)]
    regions = [RegionFactory(name=name, parent=province) for name in ("武汉市", "宜昌市")]
    commission = DepartmentFactory(region=regions[0], name="武汉市卫生健康委员会", short_name="武汉市卫健委", is_supervising=True)
    supervisor = make_supervisor("hubei", region=province)
    cascade_tasks(plan=plan, tasks=tasks[:1], regions=regions, actor=supervisor)
    client.force_login(supervisor)
    page = _matrix(client, plan)
    assert "武汉市" in page and "宜昌市" in page
    assert tasks[0].get_absolute_url() in page and tasks[1].get_absolute_url() not in page
    assert page.count('data-cell="') == 2
    page = client.get(reverse("dashboards:region", args=[plan.pk, regions[0].pk])).content.decode()
    assert f'data-department="{commission.pk}"' in page
