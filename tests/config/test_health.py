"""/health/: database, cache, storage and (when configured) the Redis broker; open to anyone; 200 or
500 naming the failing component, never a secret."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db(transaction=True)


def _get(client, path, **headers):
    """The view is async: call it from a thread of its own, as a server would (Playwright's sync
    API, used by the browser tests in the same process, leaves an event loop on the main thread)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(client.get, path, **headers).result()


def _json(client, **headers):
    response = _get(client, reverse("health") + "?format=json", **headers)
    return response.status_code, response.json()


def test_healthy_without_logging_in(client):
    status, checks = _json(client)
    assert status == 200, checks
    assert set(checks) == {"Database(alias='default')", "Cache(alias='default')", "Storage(alias='default')"}
    assert set(checks.values()) == {"OK"}


def test_the_page_for_people_is_chinese_and_styled(client):
    response = _get(client, reverse("health"), HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    page = response.content.decode()
    assert "系统状态" in page and "css/app.css" in page
    assert "Content-Security-Policy" in response.headers


def test_a_failing_storage_is_named_with_500(client, settings, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    settings.MEDIA_ROOT = blocker / "media"  # cannot be created
    status, checks = _json(client)
    assert status == 500
    assert checks["Storage(alias='default')"] != "OK"
    assert checks["Database(alias='default')"] == "OK"


def test_the_broker_is_checked_when_configured_and_its_password_never_shown(client, settings):
    settings.CELERY_BROKER_URL = "redis://:s3cret-password@127.0.0.1:1/3"  # nothing listens on port 1
    settings.HEALTH_CHECK_TIMEOUT_SECONDS = 1
    response = _get(client, reverse("health") + "?format=json")
    assert response.status_code == 500
    checks = response.json()
    [redis] = [name for name in checks if name.startswith("Redis(")]
    assert "127.0.0.1" in redis and checks[redis].startswith("Unavailable")
    assert "s3cret" not in response.content.decode()
    html = _get(client, reverse("health"), HTTP_ACCEPT="text/html").content.decode()
    assert "s3cret" not in html


def test_no_broker_check_when_tasks_run_eagerly(client, settings):
    settings.CELERY_BROKER_URL = ""
    _, checks = _json(client)
    assert not any(name.startswith("Redis(") for name in checks)
