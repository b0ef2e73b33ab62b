"""Shared fixtures: the fixed cast of every access test (STYLE.md, habit 7).

- ``dept_a`` and ``dept_b``: two departments of one region;
- ``liaison_a`` (of dept A), ``liaison_b`` (of dept B), ``supervisor``, ``evaluator``,
  ``administrator``, and ``outsider`` (signed in, no role, no department);
- ``plan`` with ``task_a`` (dept A leads, B co-operates) and ``task_b_only`` (only B).
"""

from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from tests.factories import (
    DepartmentFactory,
    KeyTaskFactory,
    PlanFactory,
    RegionFactory,
    TaskDepartmentFactory,
    UserFactory,
    make_administrator,
    make_evaluator,
    make_liaison,
    make_supervisor,
)


@pytest.fixture
def region(db):
    return RegionFactory()


@pytest.fixture
def dept_a(region):
    return DepartmentFactory(region=region, name="示范市卫生健康委员会", short_name="市卫生健康委", code="wsjkw")


@pytest.fixture
def dept_b(region):
    return DepartmentFactory(region=region, name="示范市公安局", short_name="市公安局", code="gaj")


@pytest.fixture
def liaison_a(dept_a):
    return make_liaison(dept_a, "liaison-a")


@pytest.fixture
def liaison_b(dept_b):
    return make_liaison(dept_b, "liaison-b")


@pytest.fixture
def supervisor(db):
    return make_supervisor("supervisor")


@pytest.fixture
def evaluator(db):
    return make_evaluator("evaluator")


@pytest.fixture
def administrator(db):
    return make_administrator("admin")


@pytest.fixture
def outsider(db):
    return UserFactory(username="outsider")


@pytest.fixture
def plan(region):
    return PlanFactory(region=region, title="示范市精神卫生“十四五”规划")


@pytest.fixture
def task_a(plan, dept_a, dept_b):
    task = KeyTaskFactory(plan=plan, code="1", title="统筹推进精神卫生信息化建设")
    TaskDepartmentFactory(task=task, department=dept_a, role="lead", position=0)
    TaskDepartmentFactory(task=task, department=dept_b, role="cooperating", position=0)
    return task


@pytest.fixture
def task_b_only(plan, dept_b):
    task = KeyTaskFactory(plan=plan, code="2", title="肇事肇祸风险患者应急处置")
    TaskDepartmentFactory(task=task, department=dept_b, role="lead", position=0)
    return task


# --- shared helpers of many folders -------------------------------------------------------


@pytest.fixture
def media_root(settings, tmp_path) -> Path:
    """A MEDIA_ROOT of the test's own, so that stored files can be counted. Folders whose every
    test stores files make it autouse with a one-line override in their conftest."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def english():
    """Service messages asserted in English (the zh-hans catalogue translates them)."""
    with translation.override("en"):
        yield


@pytest.fixture
def en_client(client):
    """The test client with the language switcher set to English."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client
