"""Who may open which page: per role, per URL."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _urls(plan, task):
    return {
        "plan_list": reverse("tasks:plan_list"),
        "plan_detail": reverse("tasks:plan_detail", args=[plan.pk]),
        "task_list": reverse("tasks:task_list", args=[plan.pk]),
        "task_detail": reverse("tasks:task_detail", args=[task.pk]),
        "departments": reverse("tasks:department_list"),
        "export": reverse("tasks:plan_export", args=[plan.pk]),
        "import": reverse("tasks:plan_import"),
    }


def test_anonymous_users_are_sent_to_the_login_page(client, plan, task_a):
    for name, url in _urls(plan, task_a).items():
        response = client.get(url)
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("login")), name


def test_the_login_page_is_open_to_anonymous_users(client):
    assert client.get(reverse("login")).status_code == 200


@pytest.mark.parametrize(
    "who, expected",
    [
        ("supervisor", {"plan_list": 200, "plan_detail": 200, "task_list": 200, "task_detail": 200, "departments": 200, "export": 200, "import": 403}),
        ("evaluator", {"plan_list": 200, "plan_detail": 200, "task_list": 200, "task_detail": 200, "departments": 200, "export": 200, "import": 403}),
        ("administrator", {"plan_list": 200, "plan_detail": 200, "task_list": 200, "task_detail": 200, "departments": 200, "export": 200, "import": 200}),
        ("liaison_a", {"plan_list": 200, "plan_detail": 200, "task_list": 200, "task_detail": 200, "departments": 200, "export": 403, "import": 403}),
        ("outsider", {"plan_list": 200, "plan_detail": 404, "task_list": 404, "task_detail": 404, "departments": 200, "export": 404, "import": 403}),
    ],
)
def test_each_role_gets_what_it_may_see(request, client, plan, task_a, who, expected):
    client.force_login(request.getfixturevalue(who))
    for name, url in _urls(plan, task_a).items():
        assert client.get(url).status_code == expected[name], name


def test_a_liaison_cannot_open_another_departments_task(client, liaison_a, task_a, task_b_only):
    client.force_login(liaison_a)
    assert client.get(reverse("tasks:task_detail", args=[task_a.pk])).status_code == 200
    assert client.get(reverse("tasks:task_detail", args=[task_b_only.pk])).status_code == 404


def test_a_liaison_lists_only_their_departments_tasks(client, liaison_a, plan, task_a, task_b_only):
    client.force_login(liaison_a)
    page = client.get(reverse("tasks:task_list", args=[plan.pk])).content.decode()
    assert task_a.title in page
    assert task_b_only.title not in page
    outline = client.get(reverse("tasks:plan_detail", args=[plan.pk])).content.decode()
    assert task_a.title in outline
    assert task_b_only.title not in outline


def test_a_cooperating_department_sees_the_task_it_supports(client, liaison_b, task_a):
    client.force_login(liaison_b)
    assert client.get(reverse("tasks:task_detail", args=[task_a.pk])).status_code == 200


def test_a_liaisons_csv_export_holds_only_their_rows(client, liaison_a, plan, task_a, task_b_only):
    client.force_login(liaison_a)
    response = client.get(reverse("tasks:task_list", args=[plan.pk]), {"_export": "csv"})
    text = response.getvalue().decode("utf-8-sig")
    assert task_a.title in text
    assert task_b_only.title not in text


def test_liaisons_do_not_see_draft_plans(client, liaison_a, plan, task_a):
    plan.status = "draft"
    plan.save()
    client.force_login(liaison_a)
    assert client.get(reverse("tasks:plan_detail", args=[plan.pk])).status_code == 404


def test_a_liaison_cannot_open_the_admin(client, liaison_a):
    client.force_login(liaison_a)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_an_administrator_can_open_the_admin(client, administrator):
    client.force_login(administrator)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/tasks/keytask/").status_code == 200
