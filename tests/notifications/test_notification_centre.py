"""站内通知: the notification centre lists only the user's own notifications, newest first, 20 a
page; marking read (one, all, by following the link) touches only the user's own and lowers the
bell's count; the link goes only to a path on this site; the list's queries do not grow."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from notifications.messages import register_message
from notifications.models import Notification
from notifications.services import notify, unread_count

pytestmark = pytest.mark.django_db

LIST = reverse("notifications:notification_list")
READ_ALL = reverse("notifications:notification_read_all")
T0 = timezone.make_aware(datetime.datetime(2025, 3, 1, 9, 0))
TEXT = "tests.centre.text"  # a message that shows its parameter as it is
register_message(TEXT, title="%(text)s")


def _read(pk):
    return reverse("notifications:notification_read", args=[pk])


def _open(pk):
    return reverse("notifications:notification_open", args=[pk])


def _notes(user, n, *, start=0, url="/work/", kind=Notification.Kind.INFO):
    """``n`` notifications for ``user``, the i-th created i minutes after T0."""
    return [
        notify(users=[user], kind=kind, message=TEXT, params={"text": f"{user.username} 通知{i}"}, url=url, at=T0 + datetime.timedelta(minutes=i))[0]
        for i in range(start, start + n)
    ]


def _page(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def _bell(page: str) -> int:
    found = re.search(r'id="unread-count">(\d+)<', page)
    return int(found.group(1)) if found else 0


def _state():
    return list(Notification.objects.order_by("pk").values("pk", "user_id", "read_at"))


# --- the list --------------------------------------------------------------------------------


def test_the_list_shows_only_the_users_own_notifications_newest_first(client, liaison_a, liaison_b):
    mine = _notes(liaison_a, 3)
    theirs = _notes(liaison_b, 2)
    client.force_login(liaison_a)
    page = _page(client.get(LIST))
    positions = [page.index(f"liaison-a 通知{i}") for i in (2, 1, 0)]
    assert positions == sorted(positions)  # newest first
    for note in theirs:
        assert note.display_title not in page and _open(note.pk) not in page
    for note in mine:
        assert _open(note.pk) in page


def test_unread_ones_are_highlighted_and_the_filter_shows_only_them(client, liaison_a):
    read, unread = _notes(liaison_a, 2)
    Notification.objects.filter(pk=read.pk).update(read_at=timezone.now())
    client.force_login(liaison_a)
    page = _page(client.get(LIST))
    assert page.count("notification-unread") == 1
    item = re.search(rf'<li class="[^"]*" data-notification="{unread.pk}">', page).group(0)
    assert "notification-unread" in item
    only_unread = _page(client.get(LIST, {"show": "unread"}))
    assert unread.display_title in only_unread and read.display_title not in only_unread
    everything = _page(client.get(LIST, {"show": "nonsense"}))  # unknown filter: all
    assert unread.display_title in everything and read.display_title in everything


def test_the_list_is_paginated_20_a_page(client, liaison_a):
    _notes(liaison_a, 25)
    client.force_login(liaison_a)
    first = _page(client.get(LIST))
    second = _page(client.get(LIST, {"page": 2}))
    assert first.count("data-notification=") == 20 and second.count("data-notification=") == 5
    assert "liaison-a 通知24" in first and "liaison-a 通知4<" not in first
    assert "liaison-a 通知4<" in second and "liaison-a 通知0<" in second
    assert _page(client.get(LIST, {"page": "x"})).count("data-notification=") == 20


def test_a_notification_without_a_link_is_shown_without_one(client, liaison_a):
    [note] = notify(users=[liaison_a], kind=Notification.Kind.INFO, message=TEXT, params={"text": "无链接通知"})
    client.force_login(liaison_a)
    page = _page(client.get(LIST))
    assert "无链接通知" in page and _open(note.pk) not in page


def test_an_empty_centre_says_so(en_client, liaison_a):
    en_client.force_login(liaison_a)
    assert "No notifications yet." in _page(en_client.get(LIST))
    assert "No unread notifications." in _page(en_client.get(LIST, {"show": "unread"}))


# --- marking read ----------------------------------------------------------------------------


def test_mark_one_read_touches_only_that_one_and_the_bell_goes_down(client, liaison_a, liaison_b):
    first, second, third = _notes(liaison_a, 3)
    _notes(liaison_b, 1)
    client.force_login(liaison_a)
    assert _bell(_page(client.get(LIST))) == 3
    response = client.post(_read(second.pk), {"next": f"{LIST}?show=unread"})
    assert response.status_code == 302 and response["Location"] == f"{LIST}?show=unread"
    assert list(Notification.objects.filter(user=liaison_a, read_at__isnull=False).values_list("pk", flat=True)) == [second.pk]
    assert _bell(_page(client.get(LIST))) == 2
    assert unread_count(liaison_b) == 1


def test_marking_a_read_notification_again_keeps_its_first_read_time(client, liaison_a):
    [note] = _notes(liaison_a, 1)
    client.force_login(liaison_a)
    client.post(_read(note.pk))
    note.refresh_from_db()
    first_read = note.read_at
    assert client.post(_read(note.pk)).status_code == 302
    note.refresh_from_db()
    assert note.read_at == first_read


def test_mark_all_read_touches_only_the_users_own(client, liaison_a, liaison_b):
    _notes(liaison_a, 3)
    _notes(liaison_b, 2)
    client.force_login(liaison_a)
    response = client.post(READ_ALL)
    assert response.status_code == 302 and response["Location"] == LIST
    assert unread_count(liaison_a) == 0 and unread_count(liaison_b) == 2
    page = _page(client.get(LIST))
    assert 'id="unread-count"' not in page and 'id="mark-all-read"' not in page


def test_another_users_notification_cannot_be_marked_read_or_opened(client, liaison_a, liaison_b):
    [theirs] = _notes(liaison_b, 1, url="/secret/")
    client.force_login(liaison_a)
    before = _state()
    assert client.post(_read(theirs.pk)).status_code == 404
    assert client.get(_open(theirs.pk)).status_code == 404
    assert client.post(_read(999999)).status_code == 404
    assert _state() == before


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example/", "notifications/"])
def test_after_marking_read_the_user_is_sent_back_only_into_the_notification_centre(client, liaison_a, target):
    [note] = _notes(liaison_a, 1)
    client.force_login(liaison_a)
    response = client.post(_read(note.pk), {"next": target})
    assert response.status_code == 302 and response["Location"] == LIST
    response = client.post(READ_ALL, {"next": "/work/"})  # a path of the site, but not of the centre
    assert response["Location"] == LIST


def test_read_actions_need_a_post(client, liaison_a):
    [note] = _notes(liaison_a, 1)
    client.force_login(liaison_a)
    assert client.get(_read(note.pk)).status_code == 405
    assert client.get(READ_ALL).status_code == 405
    assert unread_count(liaison_a) == 1


# --- following the link ----------------------------------------------------------------------


def test_opening_a_notification_marks_it_read_and_follows_its_link(client, liaison_a):
    first, second = _notes(liaison_a, 2, url="/work/queue/?status=submitted")
    client.force_login(liaison_a)
    response = client.get(_open(first.pk))
    assert response.status_code == 302 and response["Location"] == "/work/queue/?status=submitted"
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is not None and second.read_at is None
    assert _bell(_page(client.get(LIST))) == 1


@pytest.mark.parametrize(
    "url",
    ["https://evil.example/phish", "//evil.example/phish", "/\\evil.example/phish", "http:/evil.example", "javascript:alert(1)", "reports/1/", ""],
)
def test_a_link_off_the_site_is_never_followed(client, liaison_a, url):
    [note] = notify(users=[liaison_a], kind=Notification.Kind.INFO, message=TEXT, params={"text": "外部链接"}, url=url)
    client.force_login(liaison_a)
    response = client.get(_open(note.pk))
    assert response.status_code == 302 and response["Location"] == LIST
    note.refresh_from_db()
    assert note.read_at is not None


# --- who may ---------------------------------------------------------------------------------


def test_anonymous_users_are_sent_to_the_login_page(client, liaison_a):
    [note] = _notes(liaison_a, 1)
    before = _state()
    for method, url in [("get", LIST), ("post", READ_ALL), ("post", _read(note.pk)), ("get", _open(note.pk))]:
        response = getattr(client, method)(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url
    assert _state() == before


@pytest.mark.parametrize("who", ["liaison_a", "supervisor", "evaluator", "administrator", "outsider"])
def test_every_signed_in_user_has_a_notification_centre(request, client, who):
    user = request.getfixturevalue(who)
    _notes(user, 2)
    client.force_login(user)
    page = _page(client.get(LIST))
    assert page.count("data-notification=") == 2 and _bell(page) == 2


# --- queries ---------------------------------------------------------------------------------


def _queries(client, params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(LIST, params)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


@pytest.mark.parametrize("params", [{}, {"show": "unread"}, {"page": 2}], ids=["all", "unread", "page-2"])
def test_the_list_issues_the_same_number_of_queries_for_3_and_30_notifications(client, liaison_a, params):
    client.force_login(liaison_a)
    _notes(liaison_a, 3, kind=Notification.Kind.REMINDER)
    few, _page_few = _queries(client, params)
    _notes(liaison_a, 27, start=3, kind=Notification.Kind.EXTENSION)
    many, page = _queries(client, params)
    assert many == few
    assert _bell(page) == 30
