"""Fixtures for the task breakdown table (任务分工表) import/export tests.

Only new fixture names here: tests/conftest.py's cast (region, dept_a, plan …) is used by other tests
in this folder and must not be shadowed.
"""

from __future__ import annotations

import pytest

from tasks.models import Department, DepartmentAlias, Region
from tests.factories import DepartmentFactory, RegionFactory

# code: (full name, short name, aliases) — written the way the seed document names them.
DIRECTORY = {
    "wsjkw": ("示范市卫生健康委员会", "市卫生健康委", ["卫健委", "卫生健康委"]),
    "gaj": ("示范市公安局", "市公安局", []),
    "mzj": ("示范市民政局", "市民政局", []),
    "czj": ("示范市财政局", "市财政局", ["财政部门"]),
    "jyj": ("示范市教育局", "市教育局", []),
    "cl": ("示范市残疾人联合会", "市残联", ["残联"]),
    "sfj": ("示范市司法局", "市司法局", []),
}


@pytest.fixture
def city(db) -> Region:
    """A prefecture called 示范市."""
    return RegionFactory()


@pytest.fixture
def departments(city) -> dict[str, Department]:
    """The departments of ``city`` the test tables name, by code (wsjkw, gaj …), with their aliases."""
    result = {}
    for position, (code, (name, short_name, aliases)) in enumerate(DIRECTORY.items(), start=1):
        department = DepartmentFactory(region=city, code=code, name=name, short_name=short_name, position=position)
        for alias in aliases:
            DepartmentAlias.objects.create(department=department, alias=alias)
        result[code] = department
    return result
