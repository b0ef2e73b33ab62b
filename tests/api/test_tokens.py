"""Tokens (shown once, stored hashed, expiring, revocable, audited), the command that makes them,
the browser's session with CSRF, rate limiting, conditional GET and the schema and docs pages."""

from __future__ import annotations

import datetime
import re
from io import StringIO

import pytest
from django.contrib.staticfiles import finders
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from api.models import ApiCall, ApiToken
from api.tokens import digest_of, token_revoke
from audit.models import AuditEntry
from tasks.models import Membership
from tests.api.conftest import client_with, token_for

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/"


def test_a_token_is_stored_as_its_digest_only(liaison_a):
    raw = token_for(liaison_a)
    token = ApiToken.objects.get()
    assert raw.startswith(f"ps_{token.prefix}_")
    assert token.digest == digest_of(raw) and raw not in token.digest
    assert client_with(raw).get(ME).json()["username"] == "liaison-a"
    assert AuditEntry.objects.for_object(token).filter(action="create").exists()


@pytest.mark.parametrize(
    ("header", "code"),
    [(None, "not_authenticated"), ("Bearer ps_nope_nope", "token_invalid"), ("Bearer", "token_malformed")],
)
def test_no_or_a_wrong_token_is_401(header, code):
    client = client_with(None)
    if header:
        client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get(ME)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["type"].endswith(code)


def test_problems_are_in_the_callers_language():
    chinese = client_with(None, "zh-hans").get(ME)
    english = client_with(None, "en").get(ME)
    assert english.json()["detail"] == "Authentication credentials were not provided."
    assert chinese.json()["detail"] != english.json()["detail"] and chinese["Content-Language"] == "zh-hans"
    assert client_with(None, "fr, en;q=0.5").get(ME)["Content-Language"] == "en"
    assert client_with(None, "").get(ME)["Content-Language"] == "zh-hans"  # Chinese first


def test_an_expired_token_is_refused(liaison_a):
    raw = token_for(liaison_a, lifetime=datetime.timedelta(hours=1))
    ApiToken.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    response = client_with(raw).get(ME)
    assert response.status_code == 401
    assert response.json()["type"].endswith("token_expired")


def test_a_revoked_token_is_refused_at_once_and_the_revocation_audited(liaison_a, administrator):
    raw = token_for(liaison_a)
    client = client_with(raw, "zh-hans")
    assert client.get(ME).status_code == 200
    token_revoke(token=ApiToken.objects.get(), user=administrator)
    response = client.get(ME)
    assert response.status_code == 401
    assert response.json()["type"].endswith("token_revoked")
    assert AuditEntry.objects.filter(action="revoke", actor=administrator).count() == 1
    # Every call, refused ones included, is in the record.
    assert list(ApiCall.objects.order_by("pk").values_list("status", flat=True)) == [200, 401]


def test_a_disabled_account_cannot_use_its_token(liaison_a):
    raw = token_for(liaison_a)
    liaison_a.is_active = False
    liaison_a.save()
    assert client_with(raw).get(ME).status_code == 401


def test_the_command_prints_a_token_once(liaison_a):
    out = StringIO()
    call_command("create_api_token", "liaison-a", "--expires", "30d", stdout=out, stderr=StringIO())
    raw = out.getvalue().strip()
    token = ApiToken.objects.get()
    assert token.digest == digest_of(raw)
    assert abs((token.expires_at - timezone.now()) - datetime.timedelta(days=30)) < datetime.timedelta(minutes=1)
    assert client_with(raw).get(ME).json()["token"]["kind"] == "personal"


def test_the_command_makes_a_system_account_scoped_to_a_region_and_department(region, dept_a):
    out = StringIO()
    call_command(
        "create_api_token", "smd-platform", "--system", "--create", "--region", str(region.pk), "--department", dept_a.code,
        "--name", "省严重精神障碍信息系统", stdout=out, stderr=StringIO(),
    )
    token = ApiToken.objects.select_related("user").get()
    assert (token.kind, token.region, token.department) == ("system", region, dept_a)
    assert not token.user.has_usable_password()
    assert Membership.objects.filter(user=token.user, department=dept_a, role=Membership.Role.LIAISON).exists()
    me = client_with(out.getvalue().strip()).get(ME).json()
    assert me["token"]["region"] == region.pk and me["token"]["department"] == dept_a.pk


@pytest.mark.parametrize("arguments", [["--expires", "soon"], ["--system"], ["--region", "nowhere"]])
def test_the_command_refuses_what_it_cannot_do(liaison_a, arguments):
    with pytest.raises(CommandError):
        call_command("create_api_token", "liaison-a", *arguments, stdout=StringIO(), stderr=StringIO())
    assert not ApiToken.objects.exists()


def test_the_browser_session_works_and_writes_need_csrf(liaison_a, plan):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(liaison_a)
    assert browser.get(ME).json()["username"] == "liaison-a"
    response = browser.post("/api/v1/indicator-values/push/", {}, content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_the_rate_limit_is_per_token(liaison_a, liaison_b, settings):
    settings.API_RATE_PER_MINUTE = 3
    first, second = client_with(token_for(liaison_a)), client_with(token_for(liaison_b))
    assert [first.get(ME).status_code for _ in range(4)] == [200, 200, 200, 429]
    limited = first.get(ME)
    assert limited["Content-Type"] == "application/problem+json" and int(limited["Retry-After"]) > 0
    assert second.get(ME).status_code == 200


def test_lists_and_objects_answer_conditional_gets(supervisor, plan):
    client = client_with(token_for(supervisor))
    first = client.get(f"/api/v1/plans/{plan.pk}/")
    assert first["ETag"] and first["Last-Modified"]
    assert client.get(f"/api/v1/plans/{plan.pk}/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert client.get(f"/api/v1/plans/{plan.pk}/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
    listing = client.get("/api/v1/plans/")
    assert client.get("/api/v1/plans/", HTTP_IF_NONE_MATCH=listing["ETag"]).status_code == 304
    plan.title = "改名后的规划"
    plan.save()
    assert client.get("/api/v1/plans/", HTTP_IF_NONE_MATCH=listing["ETag"]).status_code == 200


def test_updated_since_returns_what_changed(supervisor, task_a, task_b_only):
    client = client_with(token_for(supervisor))
    moment = timezone.now()
    task_b_only.progress = 40
    task_b_only.save()
    rows = client.get("/api/v1/tasks/", {"updated_since": moment.isoformat()}).json()["results"]
    assert [row["id"] for row in rows] == [task_b_only.pk]
    bad = client.get("/api/v1/tasks/", {"updated_since": "yesterday"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "updated_since"


def test_cursor_pages_cover_every_row_once(supervisor, plan):
    from tests.factories import KeyTaskFactory

    created = {KeyTaskFactory(plan=plan, code=str(n)).pk for n in range(7)}
    client, seen, url = client_with(token_for(supervisor)), [], "/api/v1/tasks/?limit=3"
    while url:
        page = client.get(url).json()
        seen += [row["id"] for row in page["results"]]
        url = page["next"]
    assert sorted(seen) == sorted(created)
    assert client.get("/api/v1/tasks/?limit=0").status_code == 400


def test_the_schema_and_the_docs_page_are_served_from_our_own_files():
    schema = Client().get("/api/schema/", HTTP_ACCEPT="application/json").json()
    assert schema["openapi"].startswith("3.")
    assert {"/api/v1/tasks/", "/api/v1/indicator-values/push/", "/api/v1/indicator-values/bulk/"} <= set(schema["paths"])
    push = schema["paths"]["/api/v1/indicator-values/push/"]["post"]
    assert "·" in push["summary"] and "Push" in push["summary"] and "推送" in push["summary"]
    assert "examples" in push["requestBody"]["content"]["application/json"]
    docs = Client().get("/api/docs/")
    page = docs.content.decode()
    assert docs.status_code == 200
    assert "https://" not in page and "http://" not in page  # nothing from another origin
    assert "<script>" not in page and "<style" not in page  # CSP: no inline code
    for asset in ("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js", "js/api-docs.js", "css/api-docs.css"):
        assert f"/static/{asset}" in page and finders.find(asset), asset


def test_lists_read_no_query_per_row(supervisor, plan, dept_a, liaison_a):
    """The same number of queries for 2 rows and for 8 (no per-row queries)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from indicators import services
    from tests.factories import KeyTaskFactory, TaskDepartmentFactory
    from tests.indicators.conftest import make_indicator

    client = client_with(token_for(supervisor))

    def add(count: int) -> None:
        for _ in range(count):
            n = KeyTaskFactory._meta.model.objects.count() + 1
            task = KeyTaskFactory(plan=plan, code=f"t{n}")
            TaskDepartmentFactory(task=task, department=dept_a, role="lead")
            indicator = make_indicator(plan, dept_a, code=f"i{n}")
            services.value_save(user=liaison_a, indicator=indicator, year=2024, data={"value": "78", "source": "系统"})

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    urls = ("/api/v1/tasks/", "/api/v1/indicators/?year=2024", "/api/v1/indicator-values/", "/api/v1/funding-lines/")
    add(2)
    for url in urls:  # the first call also fills per-process caches (content types, …)
        queries(url)
    few = {url: queries(url) for url in urls}
    add(6)
    assert {url: queries(url) for url in urls} == few


def test_an_administrator_creates_a_system_token_in_the_admin_and_revokes_it(client, region, dept_a, liaison_a):
    from tests.factories import make_administrator

    administrator = make_administrator("token-admin", region=region)
    administrator.is_staff = True
    administrator.save()
    client.force_login(administrator)
    expires = (timezone.localtime() + datetime.timedelta(days=90)).strftime("%Y-%m-%d")
    response = client.post(
        "/admin/api/apitoken/add/",
        {"user": liaison_a.pk, "kind": "system", "name": "省严重精神障碍信息系统", "region": region.pk,
         "department": dept_a.pk, "expires_at_0": expires, "expires_at_1": "00:00:00"},
        follow=True,
    )
    assert response.status_code == 200
    token = ApiToken.objects.get()
    shown = [str(m) for m in response.context["messages"]]
    raw = next(match.group() for message in shown for match in [re.search(r"ps_[\w-]+", message)] if match)
    assert token.digest == digest_of(raw) and token.created_by == administrator
    assert client_with(raw).get(ME).json()["token"]["kind"] == "system"
    client.post("/admin/api/apitoken/", {"action": "revoke", "_selected_action": [token.pk]}, follow=True)
    assert client_with(raw).get(ME).status_code == 401
    assert client.get("/admin/api/apicall/").status_code == 200
