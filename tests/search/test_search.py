"""The header's search (/search/): it finds exactly what the list pages show each role — through
the same gatekeepers — grouped by kind, and refuses empty, too short and too long queries with a
message."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from supervision.models import SupervisionNotice
from tasks import progress
from tasks.models import DepartmentAlias, ProgressReport, Region
from tests.factories import (
    DepartmentFactory,
    KeyTaskFactory,
    PlanFactory,
    TaskDepartmentFactory,
    make_evaluator,
    make_supervisor,
)
from tests.indicators.conftest import make_indicator

pytestmark = pytest.mark.django_db

URL = reverse("search:search")


@pytest.fixture
def world(plan, task_a, task_b_only, dept_a, dept_b, region):
    """Prefecture A (the conftest's plan: task_a led by A with B co-operating, task_b_only of B),
    and a sibling prefecture 乙市 with a plan, task, department, report, notice and indicator."""
    other = Region.objects.create(name="乙市", code="429800", level=Region.Level.PREFECTURE, parent=region.parent)
    plan_b = PlanFactory(region=other, title="乙市精神卫生工作规划")
    dept_other = DepartmentFactory(region=other, name="乙市卫生健康委员会", short_name="乙市卫健委", code="yswjw")
    task_other = KeyTaskFactory(plan=plan_b, code="1", title="乙市精神卫生信息化建设")
    TaskDepartmentFactory(task=task_other, department=dept_other)
    DepartmentAlias.objects.create(department=dept_b, alias="公安部门")
    period = progress.reporting_period(plan=plan, cadence="quarterly", year=2024, number=2)
    period_b = progress.reporting_period(plan=plan_b, cadence="quarterly", year=2024, number=2)
    reports = {
        "a": _report(task_a, period, dept_a, ProgressReport.Status.DRAFT),
        "b": _report(task_b_only, period, dept_b, ProgressReport.Status.APPROVED),
        "other": _report(task_other, period_b, dept_other, ProgressReport.Status.APPROVED),
    }
    notices = {
        "a": _notice(task_a, dept_a, 12, SupervisionNotice.Status.ISSUED),
        "b": _notice(task_b_only, dept_b, 13, SupervisionNotice.Status.CLOSED),
        "other": _notice(task_other, dept_other, 14, SupervisionNotice.Status.CLOSED),
    }
    indicators = {
        "a": make_indicator(plan, dept_a, code="1", name="精神卫生专业机构覆盖率"),
        "b": make_indicator(plan, dept_b, code="2", name="肇事肇祸患者处置及时率"),
        "other": make_indicator(plan_b, dept_other, code="1", name="乙市精神卫生专业人员数"),
    }
    return {
        "plan": plan, "plan_b": plan_b, "other": other, "task_other": task_other, "dept_other": dept_other,
        "reports": reports, "notices": notices, "indicators": indicators,
    }


def _report(task, period, department, status):
    approved = status == ProgressReport.Status.APPROVED
    return ProgressReport.objects.create(
        task=task, period=period, department=department, status=status, due_on=period.due_on,
        decided_at=datetime.datetime(2024, 7, 10, tzinfo=datetime.UTC) if approved else None,
    )


def _notice(task, department, number, status):
    return SupervisionNotice.objects.create(
        year=2024, number=number, task=task, department=department, requirements="限期整改", status=status,
        response_due_on=datetime.date(2024, 8, 1),
    )


def _found(client, user, q, **params):
    """What the results page links to, by kind: {kind: [url, …]}."""
    client.force_login(user)
    response = client.get(URL, {"q": q, **params})
    assert response.status_code == 200
    return {
        group.kind.key: [hit.url for hit in group.hits] for group in response.context["groups"] if group.count
    }


def _urls(*objects):
    return sorted(o.get_absolute_url() for o in objects)


def test_prefecture_supervisor_finds_their_prefecture_not_the_sibling(client, world, region, task_a, task_b_only):
    supervisor_a = make_supervisor("supervisor-a", region=region)
    found = _found(client, supervisor_a, "精神卫生")
    assert found["plans"] == [world["plan"].get_absolute_url()]
    assert found["tasks"] == [task_a.get_absolute_url()]
    assert found["reports"] == [world["reports"]["a"].get_absolute_url()]
    assert found["notices"] == [world["notices"]["a"].get_absolute_url()]
    assert found["indicators"] == [world["indicators"]["a"].get_absolute_url()]
    # and by the other tasks' words: B's task, report, notice (the supervisor sees all of A's region)
    found = _found(client, supervisor_a, "应急处置")
    assert found == {
        "tasks": [task_b_only.get_absolute_url()],
        "reports": [world["reports"]["b"].get_absolute_url()],
        "notices": [world["notices"]["b"].get_absolute_url()],
    }


def test_sibling_prefecture_supervisor_does_not_find_prefecture_a(client, world):
    supervisor_b = make_supervisor("supervisor-b", region=world["other"])
    found = _found(client, supervisor_b, "精神卫生")
    assert found["plans"] == [world["plan_b"].get_absolute_url()]
    assert found["tasks"] == [world["task_other"].get_absolute_url()]
    assert found["reports"] == [world["reports"]["other"].get_absolute_url()]
    assert found["notices"] == [world["notices"]["other"].get_absolute_url()]
    assert found["indicators"] == [world["indicators"]["other"].get_absolute_url()]
    assert _found(client, supervisor_b, "示范市") == {}  # not even A's departments


def test_province_supervisor_finds_both_prefectures(client, world, supervisor):
    found = _found(client, supervisor, "精神卫生")
    assert sorted(found["plans"]) == _urls(world["plan"], world["plan_b"])
    assert len(found["reports"]) == 2 and len(found["notices"]) == 2 and len(found["indicators"]) == 2


def test_liaison_finds_only_what_their_department_may_open(client, world, liaison_a, liaison_b, task_a, task_b_only):
    # A leads task_a: its task, its draft report, its notice, its indicator; nothing of B's own work.
    found = _found(client, liaison_a, "精神")
    assert found["tasks"] == [task_a.get_absolute_url()]
    assert found["reports"] == [world["reports"]["a"].get_absolute_url()]
    assert found["notices"] == [world["notices"]["a"].get_absolute_url()]
    assert found["indicators"] == [world["indicators"]["a"].get_absolute_url()]
    assert _found(client, liaison_a, "应急处置") == {}
    assert _found(client, liaison_a, "乙市") == {}  # another prefecture: not even its departments
    # B co-operates on task_a: the task, but not A's draft report nor A's notice.
    found = _found(client, liaison_b, "信息化")
    assert found == {"tasks": [task_a.get_absolute_url()]}
    found = _found(client, liaison_b, "应急处置")
    assert found["reports"] == [world["reports"]["b"].get_absolute_url()]
    assert found["notices"] == [world["notices"]["b"].get_absolute_url()]


def test_evaluator_finds_approved_reports_and_closed_notices_only(client, world, region, task_a):
    evaluator_a = make_evaluator("evaluator-a", region=region)
    found = _found(client, evaluator_a, "精神卫生")
    assert found["tasks"] == [task_a.get_absolute_url()]
    assert "reports" not in found and "notices" not in found  # A's report is a draft, its notice open
    found = _found(client, evaluator_a, "应急处置")
    assert found["reports"] == [world["reports"]["b"].get_absolute_url()]
    assert found["notices"] == [world["notices"]["b"].get_absolute_url()]


def test_departments_by_name_short_name_and_alias(client, world, supervisor, dept_b):
    link = reverse("tasks:department_list") + "?q=" + "%E7%A4%BA%E8%8C%83%E5%B8%82%E5%85%AC%E5%AE%89%E5%B1%80"
    for q in ("示范市公安局", "市公安局", "公安部门"):
        assert _found(client, supervisor, q)["departments"] == [link], q


@pytest.mark.parametrize("q", ["督办〔2024〕13号", "〔2024〕13", "2024-13", "13", "第13号"])
def test_notice_by_its_number(client, world, supervisor, q):
    assert _found(client, supervisor, q)["notices"] == [world["notices"]["b"].get_absolute_url()]


def test_notice_list_searches_the_same_way(client, world, liaison_b):
    client.force_login(liaison_b)
    response = client.get(reverse("supervision:notice_list"), {"q": "应急处置"})
    assert [row.record for row in response.context["table"].page.object_list] == [world["notices"]["b"]]
    response = client.get(reverse("supervision:notice_list"), {"q": "信息化"})  # A's notice: not B's to see
    assert list(response.context["table"].page.object_list) == []


def test_reports_link_to_the_archive_filtered_with_the_same_words(client, world, liaison_b):
    client.force_login(liaison_b)
    response = client.get(URL, {"q": "应急处置"})
    group = next(g for g in response.context["groups"] if g.kind.key == "reports")
    archive = client.get(group.also_url)
    assert [row.record for row in archive.context["table"].page.object_list] == [world["reports"]["b"]]
    assert client.get(reverse("tasks:archive"), {"q": "信息化"}).context["table"].paginator.count == 0


def test_groups_show_ten_with_the_count_and_a_link_to_every_match(en_client, world, supervisor, plan, dept_a):
    for n in range(12):
        TaskDepartmentFactory(task=KeyTaskFactory(plan=plan, title=f"心理援助热线建设{n:02d}"), department=dept_a)
    en_client.force_login(supervisor)
    response = en_client.get(URL, {"q": "心理援助"})
    group = next(g for g in response.context["groups"] if g.kind.key == "tasks")
    assert (group.count, len(group.hits), group.capped) == (12, 10, False)
    content = response.content.decode()
    assert "Key tasks" in content and f'href="{group.all_url.replace("&", "&amp;")}">See all 12<' in content
    page = en_client.get(group.all_url)
    assert page.context["page"].paginator.count == 12
    assert sorted(hit.title.split(" ", 1)[1] for hit in page.context["hits"]) == [f"心理援助热线建设{n:02d}" for n in range(12)]


def test_a_group_counts_up_to_the_cap(client, world, supervisor, plan, dept_a, monkeypatch):
    from search import selectors

    monkeypatch.setattr(selectors, "COUNT_CAP", 5)
    for n in range(7):
        TaskDepartmentFactory(task=KeyTaskFactory(plan=plan, title=f"心理援助热线建设{n:02d}"), department=dept_a)
    client.force_login(supervisor)
    group = next(g for g in client.get(URL, {"q": "心理援助"}).context["groups"] if g.kind.key == "tasks")
    assert (group.count, group.capped, len(group.hits)) == (5, True, 7)  # "5+" (the cap is below the 10 shown here)


@pytest.mark.parametrize(
    ("q", "message"),
    [
        ("", "Type a name, a title or a number"),
        ("   ", "Type a name, a title or a number"),
        ("精", "Type at least 2 characters"),
        ("精" * 101, "too long: at most 100 characters"),
    ],
)
def test_queries_not_searched_get_a_message(en_client, world, supervisor, q, message):
    en_client.force_login(supervisor)
    response = en_client.get(URL, {"q": q})
    assert response.status_code == 200
    assert "groups" not in response.context
    assert message in response.content.decode()


@pytest.mark.parametrize("q", ["\x00\x00", "精\x00"])
def test_nul_characters_are_dropped(en_client, world, supervisor, q):
    en_client.force_login(supervisor)
    response = en_client.get(URL, {"q": q})
    assert response.status_code == 200
    assert "Type" in response.context["problem"]


def test_administrator_of_the_prefecture_finds_every_state(client, world, region):
    from tests.factories import make_administrator

    administrator_a = make_administrator("admin-a", region=region)
    found = _found(client, administrator_a, "精神卫生")
    assert found["reports"] == [world["reports"]["a"].get_absolute_url()]  # a draft: administrators read everything
    assert found["notices"] == [world["notices"]["a"].get_absolute_url()]  # open
    assert _found(client, administrator_a, "乙市") == {}  # the sibling prefecture: nothing, not even its departments


@pytest.mark.parametrize("q", ["%%", "__", "\\\\", "100%", "a_b", "'; DROP TABLE tasks_plan; --", "精神%卫生"])
def test_like_wildcards_are_matched_literally(client, world, supervisor, plan, dept_a, q):
    assert _found(client, supervisor, q) == {}  # nothing has them: no error, and % or _ match no "anything"
    task = KeyTaskFactory(plan=plan, title=f"含有{q}的任务")
    TaskDepartmentFactory(task=task, department=dept_a)
    assert _found(client, supervisor, q)["tasks"] == [task.get_absolute_url()]


def test_header_box_on_every_page(client, world, liaison_a):
    client.force_login(liaison_a)
    content = client.get(reverse("tasks:plan_list")).content.decode()
    assert f'action="{URL}"' in content and 'id="header-search-q"' in content


def test_unknown_kind_shows_every_kind_and_a_bad_page_number_the_first(client, world, supervisor):
    client.force_login(supervisor)
    response = client.get(URL, {"q": "精神卫生", "kind": "nonsense"})
    assert len([g for g in response.context["groups"] if g.count]) == 5
    response = client.get(URL, {"q": "精神卫生", "kind": "plans", "page": "x'"})
    assert response.context["page"].number == 1
