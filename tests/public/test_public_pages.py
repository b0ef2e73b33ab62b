"""The public progress page (政务公开, issue 17): published by an administrator of the plan's region,
shown to anyone without login, from the cache, with approved data only."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from audit.models import AuditEntry
from indicators import services as indicator_services
from indicators.models import IndicatorValue
from public.models import PlanPublication
from public.services import publication_set
from tasks.models import Region
from tests.factories import make_administrator
from tests.indicators.conftest import approved, draft, make_indicator

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(plan, task_a, task_b_only, dept_a, liaison_a, supervisor):
    indicator = make_indicator(plan, dept_a)
    approved(indicator, liaison_a, supervisor, year=2024, value="78.6")
    return {"plan": plan, "indicator": indicator}


@pytest.fixture
def published(world, administrator):
    publication_set(plan=world["plan"], user=administrator, published=True)
    return world["plan"]


def _urls(plan) -> list[str]:
    return [reverse(name, args=[plan.pk]) for name in ("public:plan", "public:plan_json", "public:tasks_csv", "public:indicators_csv")]


def zh(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    return client


# --- access -----------------------------------------------------------------------------------


def test_anonymous_reads_a_published_plan_without_any_cookie(published):
    client = zh(Client())
    index = client.get(reverse("public:index"))
    assert index.status_code == 200
    assert published.title in index.content.decode()
    for url in _urls(published):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.cookies == {} or set(response.cookies) <= {settings.LANGUAGE_COOKIE_NAME}, url
        assert settings.SESSION_COOKIE_NAME not in response.cookies and settings.CSRF_COOKIE_NAME not in response.cookies
        assert response["Cache-Control"] == f"public, max-age={settings.PUBLIC_HTTP_MAX_AGE}"
        assert "Cookie" in response["Vary"]
    page = client.get(reverse("public:plan", args=[published.pk])).content.decode()
    assert "统筹推进精神卫生信息化建设" in page and "市卫生健康委" in page  # a task and its lead department
    assert "严重精神障碍患者规范管理率" in page and "78.6%" in page  # an indicator and its approved value
    assert "公开页面" not in page  # no link back into the system's pages


def test_a_plan_not_published_is_a_translated_404(world):
    client = zh(Client())
    for url in _urls(world["plan"]):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "未公开" in response.content.decode() or "不存在" in response.content.decode()
        assert settings.CSRF_COOKIE_NAME not in response.cookies
    english = Client()
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "is not published" in english.get(_urls(world["plan"])[0]).content.decode()


def test_administrator_of_the_region_publishes_with_an_audit_entry(world, administrator):
    client = Client()
    client.force_login(administrator)
    plan_page = client.get(reverse("tasks:plan_detail", args=[world["plan"].pk])).content.decode()
    assert 'id="plan-publish"' in plan_page and "data-confirm" in plan_page
    response = client.post(reverse("public:publish", args=[world["plan"].pk]), {"published": "1"})
    assert response.status_code == 302
    assert PlanPublication.objects.get(plan=world["plan"]).is_published
    entry = AuditEntry.objects.filter(action="publish").get()
    assert entry.actor == administrator and entry.object_id == str(world["plan"].pk)
    plan_page = client.get(reverse("tasks:plan_detail", args=[world["plan"].pk])).content.decode()
    assert reverse("public:plan", args=[world["plan"].pk]) in plan_page and "plan-public-link" in plan_page
    assert Client().get(reverse("public:plan", args=[world["plan"].pk])).status_code == 200


def test_who_may_not_publish(world, region, liaison_a, supervisor):
    other = Region.objects.create(name="乙市", code="429800", level=Region.Level.PREFECTURE, parent=region.parent)
    url = reverse("public:publish", args=[world["plan"].pk])
    cases = {
        make_administrator("admin-b", region=other): 404,  # the plan is out of their sight
        liaison_a: 403,
        supervisor: 403,  # supervisors review; publishing is the administrators'
    }
    for user, status in cases.items():
        client = Client()
        client.force_login(user)
        assert client.post(url, {"published": "1"}).status_code == status, user.username
        page = client.get(reverse("tasks:plan_detail", args=[world["plan"].pk])).content.decode()
        assert 'id="plan-publish"' not in page
    anonymous = Client().post(url, {"published": "1"})
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert not PlanPublication.objects.filter(is_published=True).exists()


# --- cache --------------------------------------------------------------------------------------


def test_query_counts_cold_and_warm(published, django_assert_max_num_queries, django_assert_num_queries):
    client = zh(Client())
    url = reverse("public:plan", args=[published.pk])
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200
    with django_assert_num_queries(0):
        assert client.get(url).status_code == 200
        for other in _urls(published)[1:]:
            assert client.get(other).status_code == 200  # built from the cached snapshot...
    with django_assert_num_queries(0):
        for other in _urls(published)[1:]:
            assert client.get(other).status_code == 200  # ...and then cached as they are
    with django_assert_num_queries(1):
        assert client.get(reverse("public:index")).status_code == 200
    with django_assert_num_queries(0):
        assert client.get(reverse("public:index")).status_code == 200


def test_unpublishing_is_a_404_at_once_though_cached(published, administrator):
    client = zh(Client())
    url = reverse("public:plan", args=[published.pk])
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200  # cached now
    admin = Client()
    admin.force_login(administrator)
    admin.post(reverse("public:publish", args=[published.pk]), {"published": "0"})
    for each in _urls(published):
        assert client.get(each).status_code == 404, each
    assert published.title not in client.get(reverse("public:index")).content.decode()
    assert AuditEntry.objects.filter(action="unpublish").count() == 1


def test_a_new_approval_shows_at_once(published, world, liaison_a, supervisor):
    client = zh(Client())
    url = reverse("public:plan_json", args=[published.pk])
    before = json.loads(client.get(url).content)
    assert before["indicators"][0]["latest_value"] == "78.6"
    approved(world["indicator"], liaison_a, supervisor, year=2025, value="81.2")
    after = json.loads(client.get(url).content)
    assert after["indicators"][0]["latest_value"] == "81.2"
    assert after["indicators"][0]["attainment"] == "met"
    assert "81.2%" in client.get(reverse("public:plan", args=[published.pk])).content.decode()


def test_an_unapproved_value_is_not_shown(published, world, liaison_a, supervisor):
    client = zh(Client())
    record = draft(world["indicator"], liaison_a, year=2025, value="99.1234")
    indicator_services.value_submit(record=record, user=liaison_a, version=record.version)
    assert IndicatorValue.objects.get(pk=record.pk).status == IndicatorValue.Status.SUBMITTED
    for url in _urls(published):
        assert "99.1234" not in client.get(url).content.decode(), url
    data = json.loads(client.get(reverse("public:plan_json", args=[published.pk])).content)
    assert data["indicators"][0]["latest_value"] == "78.6"
    assert Decimal(data["summary"]["average_progress"]) >= 0


# --- language --------------------------------------------------------------------------------------


def test_language_switch_without_login(published):
    client = Client()
    url = reverse("public:plan", args=[published.pk])
    assert "关键" in client.get(url).content.decode() or "重点任务" in client.get(url).content.decode()
    switch = client.get(reverse("public:language"), {"language": "en", "next": url})
    assert switch.status_code == 302 and switch["Location"] == url
    assert switch.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert set(switch.cookies) == {settings.LANGUAGE_COOKIE_NAME}
    english = client.get(url).content.decode()
    assert "Key tasks" in english and "Indicators" in english
    csv_text = client.get(reverse("public:tasks_csv", args=[published.pk])).content.decode("utf-8-sig")
    assert csv_text.startswith("Section,Number,Key task")
    away = client.get(reverse("public:language"), {"language": "zh-hans", "next": "https://evil.example/"})
    assert away["Location"] == reverse("public:index")


def test_a_withdrawal_by_another_worker_reaches_this_one(published):
    """Without a shared cache each gunicorn worker caches in its own memory: the worker that
    withdrew the page tells the others through the database's stamp file."""
    from public import cache as public_cache

    client = zh(Client())
    url = reverse("public:plan", args=[published.pk])
    assert client.get(url).status_code == 200
    PlanPublication.objects.filter(plan=published).update(is_published=False)  # written elsewhere, no signal here
    assert client.get(url).status_code == 200  # still this worker's cached page
    public_cache.stamp_path().write_text("another-worker-bumped-the-version")  # what the other worker's bump leaves
    assert client.get(url).status_code == 404
