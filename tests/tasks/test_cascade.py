"""下达: a province hands key tasks and indicators down to its prefectures, which may hand them on
to their counties (tasks.cascade, indicators.cascade, and their pages)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from audit.models import AuditEntry
from indicators.cascade import cascade_indicators
from indicators.models import AnnualIndicatorTarget, Indicator
from tasks.cascade import cascade_tasks
from tasks.models import AnnualTarget, KeyTask, Milestone, Plan, PlanSection, Region, TaskDepartment
from tests.factories import (
    DepartmentFactory,
    KeyTaskFactory,
    PlanFactory,
    ProvinceFactory,
    RegionFactory,
    make_liaison,
    make_supervisor,
)
from tests.indicators.conftest import make_indicator

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def province():
    return ProvinceFactory()


@pytest.fixture
def prefectures(province):
    regions = [
        RegionFactory(parent=province, name=name, code=code)
        for name, code in (("武汉市", "420100"), ("黄石市", "420200"), ("十堰市", "420300"))
    ]
    for region in regions:
        DepartmentFactory(region=region, name=f"{region.name}卫生健康委员会", short_name=f"{region.name}卫健委", is_supervising=True)
    return regions


@pytest.fixture
def province_plan(province):
    health = DepartmentFactory(region=province, name="湖北省卫生健康委员会", short_name="省卫健委", is_supervising=True)
    plan = PlanFactory(region=province, title="湖北省精神卫生“十四五”规划")
    section = PlanSection.objects.create(plan=plan, code="一、", title="健全服务体系", position=1)
    for number in (1, 2, 3):
        task = KeyTaskFactory(plan=plan, code=str(number), title=f"省级任务{number}", section=section)
        TaskDepartment.objects.create(task=task, department=health, role=TaskDepartment.Role.LEAD)
        AnnualTarget.objects.create(task=task, year=2024, target=f"2024年目标{number}")
        Milestone.objects.create(task=task, title=f"节点{number}", due_date=datetime.date(2024, 6, 30))
    plan.health = health
    return plan


def tasks_of(plan, *codes):
    return list(KeyTask.objects.filter(plan=plan, code__in=codes))


def test_cascading_gives_each_region_a_linked_plan_with_linked_tasks(province_plan, prefectures):
    supervisor = make_supervisor("province-sup")
    wuhan, huangshi, _shiyan = prefectures

    result = cascade_tasks(plan=province_plan, tasks=tasks_of(province_plan, "1", "2"), regions=[wuhan, huangshi], actor=supervisor)

    assert result.tasks_created == 4 and len(result.plans_created) == 2
    child = Plan.objects.get(parent=province_plan, region=wuhan)
    assert child.title == "武汉市精神卫生“十四五”规划"
    assert (child.start_year, child.end_year, child.status) == (province_plan.start_year, province_plan.end_year, province_plan.status)
    copies = list(child.key_tasks.order_by("position"))
    assert [(t.code, t.title, t.parent.code) for t in copies] == [("1", "省级任务1", "1"), ("2", "省级任务2", "2")]
    # The prefecture's health commission answers for them; section, targets and milestones came along.
    assert [str(t.primary_lead) for t in copies] == ["武汉市卫健委", "武汉市卫健委"]
    assert copies[0].section.title == "健全服务体系" and copies[0].section.plan == child
    assert AnnualTarget.objects.get(task=copies[0]).target == "2024年目标1"
    assert Milestone.objects.filter(task__plan=child).count() == 2
    assert not Plan.objects.filter(parent=province_plan, region=prefectures[2]).exists()
    assert AuditEntry.objects.filter(action="cascade_tasks").count() == 3  # two children and the province plan


def test_cascading_more_tasks_later_reuses_the_child_plan(province_plan, prefectures):
    wuhan = prefectures[0]
    cascade_tasks(plan=province_plan, tasks=tasks_of(province_plan, "1"), regions=[wuhan], actor=None)
    result = cascade_tasks(plan=province_plan, tasks=tasks_of(province_plan, "3"), regions=[wuhan], actor=None)
    assert result.plans_created == []
    assert Plan.objects.filter(parent=province_plan).count() == 1
    assert list(Plan.objects.get(parent=province_plan).key_tasks.values_list("code", flat=True)) == ["1", "3"]


def test_a_regions_own_plan_of_the_same_title_is_linked_not_duplicated(province_plan, prefectures):
    wuhan = prefectures[0]
    own = PlanFactory(region=wuhan, title="武汉市精神卫生“十四五”规划")
    KeyTaskFactory(plan=own, code="1", title="市级自己的任务")
    result = cascade_tasks(plan=province_plan, tasks=tasks_of(province_plan, "1"), regions=[wuhan], actor=None)
    own.refresh_from_db()
    assert own.parent == province_plan and result.plans_linked == [own]
    codes = sorted(own.key_tasks.values_list("code", flat=True))
    assert len(codes) == 2 and "1" in codes  # the province's task 1 gets another number, the city's keeps its own


def test_cascading_a_task_twice_to_the_same_region_is_refused_and_changes_nothing(province_plan, prefectures):
    wuhan, huangshi, _ = prefectures
    cascade_tasks(plan=province_plan, tasks=tasks_of(province_plan, "1"), regions=[wuhan], actor=None)
    before = KeyTask.objects.count(), Plan.objects.count()

    with pytest.raises(ValidationError) as caught:
        cascade_tasks(plan=province_plan, tasks=tasks_of(province_plan, "1", "2"), regions=[huangshi, wuhan], actor=None)

    assert "省级任务1" in " ".join(caught.value.messages) and "武汉市" in " ".join(caught.value.messages)
    assert (KeyTask.objects.count(), Plan.objects.count()) == before  # not even 黄石市 got anything


def test_only_regions_directly_below_receive(province_plan, prefectures):
    county = Region.objects.create(name="江岸区", code="420102", level=Region.Level.COUNTY, parent=prefectures[0])
    with pytest.raises(ValidationError, match="not a region directly below"):
        cascade_tasks(plan=province_plan, tasks=tasks_of(province_plan, "1"), regions=[county], actor=None)
    assert not Plan.objects.filter(parent=province_plan).exists()


def test_a_prefecture_cascades_again_to_its_counties(province_plan, prefectures):
    wuhan = prefectures[0]
    county = Region.objects.create(name="江岸区", code="420102", level=Region.Level.COUNTY, parent=wuhan)
    DepartmentFactory(region=county, name="江岸区卫生健康局", short_name="区卫健局", is_supervising=True)
    cascade_tasks(plan=province_plan, tasks=tasks_of(province_plan, "1"), regions=[wuhan], actor=None)
    city_plan = Plan.objects.get(parent=province_plan)
    city_task = city_plan.key_tasks.get()

    cascade_tasks(plan=city_plan, tasks=[city_task], regions=[county], actor=None)

    county_task = KeyTask.objects.get(plan__region=county)
    assert county_task.parent == city_task and county_task.parent.parent.plan == province_plan
    assert county_task.plan.title == "江岸区精神卫生“十四五”规划" and county_task.plan.parent == city_plan
    assert str(county_task.primary_lead) == "区卫健局"


def test_a_region_without_a_health_commission_gets_a_generic_lead(province_plan, province):
    bare = RegionFactory(parent=province, name="神农架林区", code="429021")
    cascade_tasks(plan=province_plan, tasks=tasks_of(province_plan, "1"), regions=[bare], actor=None)
    task = KeyTask.objects.get(plan__region=bare)
    assert task.primary_lead is None and task.lead_text


# --- indicators ---------------------------------------------------------------------------


@pytest.fixture
def province_indicator(province_plan):
    return make_indicator(province_plan, province_plan.health, annual=(76, 77, 78, 79, 80))


def test_indicators_cascade_with_the_provinces_annual_targets_as_defaults(province_plan, prefectures, province_indicator):
    result = cascade_indicators(plan=province_plan, indicators=[province_indicator], regions=prefectures[:2], actor=None)
    assert result.indicators_created == 2
    copy = Indicator.objects.get(parent=province_indicator, plan__region=prefectures[0])
    assert copy.plan.parent == province_plan and copy.name == province_indicator.name
    assert str(copy.department) == "武汉市卫健委"
    assert list(AnnualIndicatorTarget.objects.filter(indicator=copy).order_by("year").values_list("value", flat=True)) == [
        Decimal(v) for v in ("76", "77", "78", "79", "80")
    ]


def test_tasks_and_indicators_share_the_child_plan(province_plan, prefectures, province_indicator):
    cascade_tasks(plan=province_plan, tasks=tasks_of(province_plan, "1"), regions=prefectures[:1], actor=None)
    cascade_indicators(plan=province_plan, indicators=[province_indicator], regions=prefectures[:1], actor=None)
    assert Plan.objects.filter(parent=province_plan).count() == 1


def test_an_indicator_cascaded_twice_or_to_a_region_without_commission_is_refused(province_plan, prefectures, province, province_indicator):
    cascade_indicators(plan=province_plan, indicators=[province_indicator], regions=prefectures[:1], actor=None)
    bare = RegionFactory(parent=province, name="神农架林区", code="429021")
    count = Indicator.objects.count()
    with pytest.raises(ValidationError) as caught:
        cascade_indicators(plan=province_plan, indicators=[province_indicator], regions=[prefectures[0], bare], actor=None)
    text = " ".join(caught.value.messages)
    assert "already been cascaded to 武汉市" in text and "神农架林区 has no health commission" in text
    assert Indicator.objects.count() == count


# --- the pages ------------------------------------------------------------------------------


def test_the_province_supervisor_cascades_on_the_page(en_client, province_plan, prefectures, province):
    client = en_client
    client.force_login(make_supervisor("province-sup", region=province))
    url = reverse("tasks:cascade_tasks", args=[province_plan.pk])
    page = client.get(url)
    assert page.status_code == 200 and "黄石市" in page.content.decode()

    task = KeyTask.objects.get(plan=province_plan, code="2")
    response = client.post(url, {"items": [task.pk], "regions": [prefectures[1].pk]}, follow=True)
    assert response.redirect_chain == [(url, 302)]
    assert KeyTask.objects.filter(parent=task, plan__region=prefectures[1]).exists()

    again = client.post(url, {"items": [task.pk], "regions": [prefectures[1].pk]})
    assert again.status_code == 200 and "already been cascaded to 黄石市" in again.content.decode()
    assert KeyTask.objects.filter(parent=task).count() == 1


def test_the_indicator_page_cascades_too(client, province_plan, prefectures, province, province_indicator):
    client.force_login(make_supervisor("province-sup", region=province))
    url = reverse("indicators:cascade", args=[province_plan.pk])
    response = client.post(url, {"items": [province_indicator.pk], "regions": [p.pk for p in prefectures]})
    assert response.status_code == 302
    assert Indicator.objects.filter(parent=province_indicator).count() == 3


def test_a_prefecture_supervisor_cannot_reach_the_provinces_cascade_page(client, province_plan, prefectures):
    client.force_login(make_supervisor("wuhan-sup", region=prefectures[0]))
    for name in ("tasks:cascade_tasks", "indicators:cascade"):
        assert client.get(reverse(name, args=[province_plan.pk])).status_code == 404


def test_a_liaison_may_not_cascade(client, province_plan):
    client.force_login(make_liaison(province_plan.health, "province-liaison"))
    assert client.get(reverse("tasks:cascade_tasks", args=[province_plan.pk])).status_code == 403
    assert client.post(reverse("tasks:cascade_tasks", args=[province_plan.pk]), {}).status_code == 403
