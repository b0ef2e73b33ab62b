import pytest
from django.test import override_settings
from django.urls import reverse

from demo.plan import seed_demo

pytestmark = pytest.mark.django_db


def test_the_ui_is_chinese_by_default_even_for_an_english_browser(client, supervisor):
    client.force_login(supervisor)
    page = client.get(reverse("tasks:plan_list"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="zh-hans">' in page
    assert "规划督导平台" in page


def test_the_language_switcher_turns_the_ui_english_and_back(client, supervisor):
    client.force_login(supervisor)
    client.post(reverse("set_language"), {"language": "en", "next": "/plans/"})
    page = client.get(reverse("tasks:plan_list")).content.decode()
    assert '<html lang="en">' in page and "Plan Supervisor" in page
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/plans/"})
    assert "规划督导平台" in client.get(reverse("tasks:plan_list")).content.decode()


def test_the_language_switcher_works_before_logging_in(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert '<html lang="en">' in client.get(reverse("login")).content.decode()


@override_settings(SHOW_DEMO_ACCOUNTS=True)
def test_the_login_page_lists_the_demo_accounts_in_debug(client):
    seed_demo()
    page = client.get(reverse("login")).content.decode()
    assert "liaison-wsjkw" in page and "supervisor" in page and "demo1234" in page


@override_settings(SHOW_DEMO_ACCOUNTS=False)
def test_the_login_page_never_lists_accounts_otherwise(client):
    seed_demo()
    page = client.get(reverse("login")).content.decode()
    assert "liaison-wsjkw" not in page and "demo1234" not in page


def test_demo_accounts_can_log_in_with_the_demo_password(client):
    seed_demo()
    for username in ["admin", "supervisor", "evaluator", "liaison-wsjkw", "liaison-gaj"]:
        response = client.post(reverse("login"), {"username": username, "password": "demo1234"})
        assert response.status_code == 302, username
        client.post(reverse("logout"))


def test_a_wrong_password_is_refused_with_a_message(client, supervisor):
    response = client.post(reverse("login"), {"username": "supervisor", "password": "wrong"})
    assert response.status_code == 200
    assert "alert-danger" in response.content.decode()


def test_seed_demo_is_idempotent():
    from accounts.models import User
    from tasks.models import Department, KeyTask, Milestone, Plan

    seed_demo()
    counts = [Plan.objects.count(), KeyTask.objects.count(), Milestone.objects.count(), Department.objects.count(), User.objects.count()]
    seed_demo()
    assert counts == [Plan.objects.count(), KeyTask.objects.count(), Milestone.objects.count(), Department.objects.count(), User.objects.count()]
    assert counts[1] == 22
    plan = Plan.objects.get()
    assert plan.status == "active"
    sections = {str(s) for s in plan.sections.all()}
    assert {"四、保障措施", "（三）保障经费投入", "五、督导与评估"} <= sections
