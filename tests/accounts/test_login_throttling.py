"""Login throttling (django-axes): LOGIN_FAILURE_LIMIT failures for one user name from one address
lock that pair out for LOGIN_COOLOFF_MINUTES, with a translated page; administrators unlock."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.test import RequestFactory, override_settings
from django.urls import reverse

from accounts.throttling import client_ip
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"
ADDRESS = "198.51.100.4"


def _login(client, username, password, address=ADDRESS):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def _fail(client, username, times, address=ADDRESS):
    return [_login(client, username, "wrong", address).status_code for _ in range(times)]


def _logged_in(client) -> bool:
    return SESSION_KEY in client.session


def test_the_defaults_are_ten_failures_and_fifteen_minutes():
    assert settings.AXES_FAILURE_LIMIT == 10
    assert settings.AXES_COOLOFF_TIME == datetime.timedelta(minutes=15)
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


def test_nine_failures_do_not_lock_and_the_right_password_then_works(client, supervisor):
    assert _fail(client, "supervisor", 9) == [200] * 9
    assert _login(client, "supervisor", PASSWORD).status_code == 302
    assert _logged_in(client)
    assert not AccessAttempt.objects.exists(), "a success resets the count"


def test_ten_failures_lock_and_even_the_right_password_gets_the_lockout_page(client, supervisor):
    assert _fail(client, "supervisor", 10) == [200] * 9 + [429]
    response = _login(client, "supervisor", PASSWORD)
    assert response.status_code == 429
    assert not _logged_in(client)
    page = response.content.decode()
    assert "登录失败次数过多" in page
    assert "15 分钟" in page
    assert "css/app.css" in page and 'href="/accounts/login/"' in page
    assert "Content-Security-Policy" in response.headers


def test_the_lockout_page_in_english(client, supervisor):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    _fail(client, "supervisor", 10)
    page = _login(client, "supervisor", PASSWORD).content.decode()
    assert "Too many failed logins" in page and "15 minutes" in page


def test_another_user_or_another_address_is_not_affected(client, supervisor, evaluator):
    _fail(client, "supervisor", 10)
    assert _login(client, "evaluator", PASSWORD).status_code == 302
    client.post(reverse("logout"))
    assert _login(client, "supervisor", PASSWORD, address="198.51.100.99").status_code == 302


def test_after_the_cool_off_the_right_password_works(client, supervisor):
    _fail(client, "supervisor", 10)
    assert _login(client, "supervisor", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=16))
    assert _login(client, "supervisor", PASSWORD).status_code == 302
    assert _logged_in(client)


def test_attempts_during_the_lockout_do_not_extend_it(client, supervisor):
    _fail(client, "supervisor", 10)
    AccessAttempt.objects.update(attempt_time=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=14))
    _fail(client, "supervisor", 3)
    AccessAttempt.objects.update(attempt_time=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=16))
    assert _login(client, "supervisor", PASSWORD).status_code == 302


def test_an_administrator_unlocks_in_the_admin(client, supervisor, administrator):
    locked = client.__class__()
    _fail(locked, "supervisor", 10)
    [attempt] = AccessAttempt.objects.all()
    client.force_login(administrator)
    changelist = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert changelist.status_code == 200 and "supervisor" in changelist.content.decode()
    response = client.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert _login(locked, "supervisor", PASSWORD).status_code == 302


def test_the_admin_login_is_throttled_too(client, administrator):
    for _ in range(10):
        client.post(reverse("admin:login"), {"username": "admin", "password": "wrong"}, REMOTE_ADDR=ADDRESS)
    response = client.post(reverse("admin:login"), {"username": "admin", "password": PASSWORD}, REMOTE_ADDR=ADDRESS)
    assert response.status_code == 429


@override_settings(AXES_FAILURE_LIMIT=3)
def test_the_limit_comes_from_the_settings(client, supervisor):
    assert _fail(client, "supervisor", 3) == [200, 200, 429]


def test_behind_the_proxy_the_address_is_the_one_nginx_appended(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.9.9.9, 203.0.113.7")
    settings.BEHIND_PROXY = False
    assert client_ip(request) == "127.0.0.1"
    settings.BEHIND_PROXY = True
    assert client_ip(request) == "203.0.113.7", "the forged first entry is ignored"
