"""The demo province (demo.province): 湖北省 with its 17 市州 and 示范市, a cascaded plan, values
that differ (十堰市 lags), reports at both approval levels, one account per prefecture."""

import pytest

from accounts.models import User
from assessment.models import AssessmentScheme, RegionScore
from demo.plan import seed_demo
from demo.province import PROVINCE_PLAN_TITLE, seed_province_demo
from indicators.models import Indicator, IndicatorValue
from indicators.rollup import rollup
from tasks.models import KeyTask, Plan, ProgressReport, Region
from workflows.models import Acceptance

pytestmark = pytest.mark.django_db


def test_the_province_demo(db):
    seed_demo()
    counts = seed_province_demo()
    assert counts["prefectures"] == 18 and seed_province_demo() == {}  # idempotent

    province = Region.objects.get(code="420000")
    names = set(province.children.values_list("name", flat=True))
    assert {"武汉市", "十堰市", "恩施土家族苗族自治州", "神农架林区", "示范市"} <= names and len(names) == 18
    plan = Plan.objects.get(title=PROVINCE_PLAN_TITLE)
    # 示范市's own plan carries out the province's: linked, not duplicated.
    assert Plan.objects.get(region__code="429900", parent=plan).title == "示范市精神卫生“十四五”规划"
    assert KeyTask.objects.filter(parent__plan=plan).count() == 6 * 18

    indicator = Indicator.objects.get(plan=plan, code="1")
    result = rollup(indicator, 2024)
    by_name = {row.region.name: row for row in result.rows}
    assert len(result.rows) == 18
    assert min(result.rows, key=lambda row: row.figure.value or 999).region.name == "十堰市"
    assert by_name["十堰市"].state == "at_risk"
    assert by_name["宜昌市"].target != by_name["武汉市"].target  # each prefecture its own target
    assert IndicatorValue.objects.filter(acceptance=Acceptance.PENDING).count() == 1
    statuses = set(ProgressReport.objects.filter(task__parent__plan=plan).values_list("status", "acceptance"))
    assert ("approved", "accepted") in statuses and ("approved", "pending") in statuses and ("returned", "") in statuses

    for username in ("province-supervisor", "province-evaluator", "supervisor-420300", "liaison-420300"):
        assert User.objects.filter(username=username).exists()
    assert User.objects.get(username="supervisor").region_staff.region.name == "示范市"

    # 2024: version 1 signed off (frozen), version 2 re-run after a data correction, awaiting sign-off.
    scheme = AssessmentScheme.objects.get(plan=plan, year=2024, version=1)
    ranking = list(RegionScore.objects.filter(scheme=scheme).values_list("region__name", flat=True).distinct())
    assert len(ranking) == 18 and scheme.status == AssessmentScheme.Status.SIGNED_OFF
    rerun = AssessmentScheme.objects.get(plan=plan, year=2024, version=2)
    assert rerun.status == AssessmentScheme.Status.COMPUTED
