"""A co-operating department reading an approved report sees every contribution in it, but links
only to those it may open (no link that answers 404)."""

import pytest

from tasks import progress
from tasks.models import TaskDepartment
from tests.factories import DepartmentFactory, make_liaison
from tests.progress.conftest import ON_TIME, WORK_DONE

pytestmark = pytest.mark.django_db


def test_only_openable_contributions_are_links(client, task_a, period, dept_a, liaison_a, liaison_b, supervisor, region):
    dept_c = DepartmentFactory(region=region, name="示范市民政局", short_name="市民政局", code="mzj")
    make_liaison(dept_c, "liaison-c")  # its contribution gets an assignee
    TaskDepartment.objects.create(task=task_a, department=dept_c, role=TaskDepartment.Role.COOPERATING, position=2)
    report = progress.report_open(task=task_a, period=period, department=dept_a)
    for contribution in report.contributions.select_related("assignee"):
        progress.contribution_submit(contribution=contribution, user=contribution.assignee, content="本部门配合材料", at=ON_TIME)
    report.refresh_from_db()
    report = progress.report_submit(report=report, user=liaison_a, version=report.version, data={"achievements": WORK_DONE}, at=ON_TIME)
    progress.report_approve(report=report, user=supervisor, accept_pending_evidence=True)
    own = report.contributions.get(department__code="gaj")
    other = report.contributions.get(department=dept_c)

    client.force_login(liaison_b)
    page = client.get(report.get_absolute_url()).content.decode()
    assert f'href="{own.get_absolute_url()}"' in page
    assert f'href="{other.get_absolute_url()}"' not in page and "市民政局" in page
    assert client.get(other.get_absolute_url()).status_code == 404

    client.force_login(liaison_a)  # the lead's liaison opens every contribution to the report
    page = client.get(report.get_absolute_url()).content.decode()
    assert f'href="{own.get_absolute_url()}"' in page and f'href="{other.get_absolute_url()}"' in page
