"""The meeting tests' cast: tests/conftest.py's (region 示范市, dept_a 卫健委, dept_b 公安局, their
liaisons, supervisor/evaluator/administrator of the province, plan, task_a) plus a meeting of the
plan held on 2024-03-15 with dept A present and dept B absent, and a sibling prefecture's staff."""

from __future__ import annotations

import datetime

import pytest

from meetings import services
from meetings.models import Meeting
from tasks.models import Region
from tests.factories import DepartmentFactory, make_administrator, make_supervisor

HELD_ON = datetime.date(2024, 3, 15)


@pytest.fixture(autouse=True)
def media_root(media_root):
    return media_root


@pytest.fixture
def meeting(plan, dept_a, dept_b, supervisor) -> Meeting:
    return services.meeting_create(
        region=plan.region, plan=plan, kind=Meeting.Kind.PLENARY, title="2024年第一次联席会议", held_on=HELD_ON,
        convenor="副市长 张某某", present=[dept_a], absent=[dept_b], actor=supervisor,
    )


@pytest.fixture
def dept_c(region):
    """A department of the region that is not a member of the meeting."""
    return DepartmentFactory(region=region, name="示范市民政局", short_name="市民政局", code="mzj")


@pytest.fixture
def other_region(region) -> Region:
    return Region.objects.create(name="乙市", code="439900", level=Region.Level.PREFECTURE, parent=region.parent)


@pytest.fixture
def supervisor_b(other_region):
    return make_supervisor("supervisor-b", region=other_region)


@pytest.fixture
def administrator_b(other_region):
    return make_administrator("admin-b", region=other_region)


@pytest.fixture
def city_supervisor(region):
    return make_supervisor("city-supervisor", region=region)
