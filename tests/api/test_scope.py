"""Scope per role and region, through the API: the same world as tests/test_region_scope.py (the
demo city 示范市 = A with its plan and activity, a sibling prefecture 乙市 = B with a plan of its
own, the province above both). Every list answers exactly the rows the pages' gatekeeper gives
the account; B's staff get none of A's rows and a 404 for A's objects; the province sees both; a
liaison sees their own department's work; a token narrows further to its region and department."""

from __future__ import annotations

import pytest
from django.db import transaction

from api import scope
from api.models import ApiToken
from evaluation import access as evaluation_access
from funding import access as funding_access
from indicators import access as indicator_access
from supervision import notices
from tasks import access
from tasks.models import Membership, ProgressReport
from tests.api.conftest import client_with, token_for
from tests.test_region_scope import build_world

pytestmark = pytest.mark.django_db

# endpoint → the pages' gatekeeper for it (what the list pages and detail pages are built on)
GATEKEEPERS = {
    "plans": access.visible_plans,
    "tasks": access.visible_key_tasks,
    "progress-reports": access.visible_reports,
    "notices": notices.visible_notices,
    "indicators": indicator_access.visible_indicators,
    "indicator-values": indicator_access.visible_values,
    "funding-lines": funding_access.visible_lines,
    "departments": access.visible_departments,
}
ROLES = (
    "supervisor_a", "evaluator_a", "administrator_a", "supervisor_province", "evaluator_province",
    "supervisor_b", "evaluator_b", "administrator_b", "liaison_b", "liaison_a",
)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        world = build_world()
        plan = world["plan"]
        liaison = Membership.objects.filter(
            department__region=world["city"], role=Membership.Role.LIAISON, department__indicators__plan=plan
        ).select_related("user", "department").first()
        world["users"]["liaison_a"] = liaison.user
        world["dept_a"] = liaison.department
        world["tokens"] = {role: token_for(user) for role, user in world["users"].items()}
        yield world
        transaction.set_rollback(True)


def ids(client, endpoint: str) -> set[int]:
    """Every id of a list, following the cursor."""
    found, url = set(), f"/api/v1/{endpoint}/?limit=500"
    while url:
        response = client.get(url)
        assert response.status_code == 200, (endpoint, response.content[:300])
        page = response.json()
        found |= {row["id"] for row in page["results"]}
        url = page["next"]
    return found


def test_every_list_is_what_the_pages_gatekeeper_gives(world):
    problems = []
    for role in ROLES:
        user = world["users"][role]
        client = client_with(world["tokens"][role])
        for endpoint, gatekeeper in GATEKEEPERS.items():
            expected = set(gatekeeper(user).values_list("pk", flat=True))
            got = ids(client, endpoint)
            if got != expected:
                problems.append(f"{role} {endpoint}: {len(got)} rows, the pages show {len(expected)}")
    assert not problems, "\n".join(problems)


def test_staff_of_another_prefecture_see_nothing_of_a(world):
    plan = world["plan"]
    a_tasks = set(plan.key_tasks.values_list("pk", flat=True))
    a_report = ProgressReport.objects.filter(task__plan=plan).first()
    for role in ("supervisor_b", "evaluator_b", "administrator_b", "liaison_b"):
        client = client_with(world["tokens"][role])
        assert not ids(client, "tasks") & a_tasks, role
        assert plan.pk not in ids(client, "plans"), role
        for url in (f"/api/v1/plans/{plan.pk}/", f"/api/v1/tasks/{min(a_tasks)}/", f"/api/v1/progress-reports/{a_report.pk}/"):
            response = client.get(url)
            assert response.status_code == 404, (role, url)
            assert response["Content-Type"] == "application/problem+json"
    # …while B's own plan is theirs, and the province sees both.
    assert world["plan_b"].pk in ids(client_with(world["tokens"]["supervisor_b"]), "plans")
    province = ids(client_with(world["tokens"]["supervisor_province"]), "plans")
    assert {plan.pk, world["plan_b"].pk} <= province


def test_a_liaison_sees_their_departments_tasks_only(world):
    user, department = world["users"]["liaison_a"], world["dept_a"]
    client = client_with(world["tokens"]["liaison_a"])
    tasks = client.get("/api/v1/tasks/?limit=500").json()["results"]
    assert tasks
    assert all(any(d["id"] == department.pk for d in task["departments"]) for task in tasks)
    others = world["plan"].key_tasks.exclude(task_departments__department=department)
    assert others.exists()
    assert client.get(f"/api/v1/tasks/{others.first().pk}/").status_code == 404
    assert {row["department"] for row in client.get("/api/v1/indicators/?limit=500").json()["results"]} == {department.pk}
    assert user  # the liaison of the world


def test_an_evaluator_reads_approved_reports_only(world):
    statuses = {
        row["status"] for row in client_with(world["tokens"]["evaluator_a"]).get("/api/v1/progress-reports/?limit=500").json()["results"]
    }
    assert statuses == {ProgressReport.Status.APPROVED}


def test_a_token_narrows_to_its_region_and_department(world):
    province_supervisor = world["users"]["supervisor_province"]
    to_b = client_with(token_for(province_supervisor, kind=ApiToken.Kind.SYSTEM, region=world["other"]))
    assert ids(to_b, "plans") == {world["plan_b"].pk}
    assert client_with(token_for(province_supervisor)).get(f"/api/v1/plans/{world['plan'].pk}/").status_code == 200
    assert to_b.get(f"/api/v1/plans/{world['plan'].pk}/").status_code == 404
    dept = world["dept_a"]
    to_dept = client_with(token_for(world["users"]["supervisor_a"], region=world["city"], department=dept))
    for task in to_dept.get("/api/v1/tasks/?limit=500").json()["results"]:
        assert dept.pk in [d["id"] for d in task["departments"]]
    assert {row["department"] for row in to_dept.get("/api/v1/progress-reports/?limit=500").json()["results"]} <= {dept.pk}


def test_filters_refuse_ids_outside_the_scope(world):
    client = client_with(world["tokens"]["supervisor_b"])
    response = client.get(f"/api/v1/tasks/?plan={world['plan'].pk}")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "plan"


def test_evaluations_are_served_once_signed_off_with_their_results(world):
    from evaluation.models import Evaluation

    evaluation = Evaluation.objects.filter(plan=world["plan"]).first()
    client = client_with(world["tokens"]["supervisor_a"])
    Evaluation.objects.filter(pk=evaluation.pk).update(status=Evaluation.Status.OPEN)
    assert evaluation.pk not in ids(client, "evaluations")
    assert client.get(f"/api/v1/evaluations/{evaluation.pk}/").status_code == 404
    Evaluation.objects.filter(pk=evaluation.pk).update(status=Evaluation.Status.SIGNED_OFF)
    user = world["users"]["supervisor_a"]
    listed = ids(client, "evaluations")
    assert evaluation.pk in listed
    assert listed == set(scope.evaluations(user).values_list("pk", flat=True))
    assert set(scope.evaluations(user).values_list("pk", flat=True)) <= set(evaluation_access.visible_evaluations(user).values_list("pk", flat=True))
    detail = client.get(f"/api/v1/evaluations/{evaluation.pk}/").json()
    assert isinstance(detail["results"], list)
    assert all({"department", "weighted_total", "complete"} <= set(row) for row in detail["results"])
    assert client_with(world["tokens"]["supervisor_b"]).get(f"/api/v1/evaluations/{evaluation.pk}/").status_code == 404
