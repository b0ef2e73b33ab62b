"""Under DEBUG (make run), users who are not staff see the translated 404 page, not Django's
technical one; staff keep the technical page; without DEBUG everyone gets the translated page."""

import pytest
from django.urls import reverse

from tests.factories import KeyTaskFactory

pytestmark = pytest.mark.django_db

TECHNICAL = "DEBUG = True"  # Django's technical 404 page says why you see it


@pytest.fixture
def debug(settings):
    settings.DEBUG = True


@pytest.fixture
def other_task(plan):
    return KeyTaskFactory(plan=plan, code="9", title="别人的任务")  # no department of liaison_a in it


def friendly(response) -> bool:
    html = response.content.decode()
    return response.status_code == 404 and "页面不存在" in html and TECHNICAL not in html and "404.html" in [t.name for t in response.templates]


def test_liaison_following_a_link_to_a_task_not_theirs_gets_the_translated_page(debug, client, liaison_a, other_task):
    client.force_login(liaison_a)
    response = client.get(reverse("tasks:task_detail", args=[other_task.pk]))
    assert friendly(response)
    assert 'id="current-user"' in response.content.decode()  # the site's own page, with its header


def test_unknown_address_gives_the_translated_page(debug, client, liaison_a):
    client.force_login(liaison_a)
    assert friendly(client.get("/no-such-page/"))


def test_anonymous_unknown_address_gives_the_translated_page(debug, client):
    assert friendly(client.get("/no-such-page/"))


def test_staff_keep_the_technical_page_under_debug(debug, client, administrator, liaison_a, other_task):
    administrator.is_staff = True
    administrator.save()
    client.force_login(administrator)
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and TECHNICAL in response.content.decode()


def test_without_debug_everyone_gets_the_translated_page(client, liaison_a, other_task):
    client.force_login(liaison_a)
    assert friendly(client.get(reverse("tasks:task_detail", args=[other_task.pk])))
