"""站内通知: the signed-in user's notification centre. Each user sees and touches only their own
notifications (another user's id answers 404); following a notification's link marks it read
and goes only to a path on this site."""

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from common.pagination import paginate_rows
from notifications.models import Notification
from notifications.services import mark_read

PAGE_SIZE = 20
FILTERS = ("all", "unread")


def _own(request: HttpRequest, pk: int) -> Notification:
    return get_object_or_404(Notification, pk=pk, user=request.user)


def _local_path(url: str) -> str | None:
    """``url`` if it is a path on this site ("/reports/3/"), else None: no scheme, no host."""
    if url and url.startswith("/") and url_has_allowed_host_and_scheme(url, allowed_hosts=set()):
        return url
    return None


def _back(request: HttpRequest) -> HttpResponseRedirect:
    """Back to the list the form was posted from (only a path of the notification centre)."""
    target = request.POST.get("next", "")
    base = reverse("notifications:notification_list")
    if _local_path(target) and target.startswith(base):
        return HttpResponseRedirect(target)
    return redirect("notifications:notification_list")


@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    show = request.GET.get("show", "all")
    if show not in FILTERS:
        show = "all"
    rows = Notification.objects.filter(user=request.user).only(
        "pk", "kind", "message", "params", "legacy_title", "legacy_body", "url", "created_at", "read_at"
    )
    if show == "unread":
        rows = rows.filter(read_at__isnull=True)
    page = paginate_rows(request, rows.order_by("-created_at", "-pk"), per_page=PAGE_SIZE)
    return render(
        request,
        "notifications/notification_list.html",
        {"page": page, "show": show, "next": request.get_full_path()},
    )


@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = _own(request, pk)
    mark_read(user=request.user, ids=[notification.pk])
    return _back(request)


@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    mark_read(user=request.user)
    return _back(request)


@require_GET
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark read, then follow the link — a path on this site only, never another host."""
    notification = _own(request, pk)
    mark_read(user=request.user, ids=[notification.pk])
    target = _local_path(notification.url)
    return HttpResponseRedirect(target) if target else redirect("notifications:notification_list")
