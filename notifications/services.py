"""Notifications: written with the action that causes them, e-mailed after it commits.

- ``notify`` inserts the rows inside the caller's transaction: a rolled-back action notifies no
  one, and a committed one can never lose its notifications.
- After commit it asks Celery to e-mail those that want e-mail. If the broker is down, the
  request fails quietly and the rows simply stay unsent: ``deliver_pending`` (a beat job every
  minute) sends them once the broker is back.
- ``deliver`` claims a row with a conditional UPDATE before sending and marks it sent after:
  two workers, a retry, or a redelivered message (``acks_late``) cannot send it twice. A worker
  killed between sending and marking leaves the claim to expire; the row is then sent again
  (at least once beats never).
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation

from accounts.models import User
from notifications.messages import check_message, check_params
from notifications.models import Notification

logger = logging.getLogger(__name__)
CLAIM_EXPIRES = datetime.timedelta(minutes=10)


def notify(
    *,
    users: Iterable[User],
    kind: str,
    message: str,
    params: Mapping[str, Any] | None = None,
    url: str = "",
    send_email: bool = False,
    at: datetime.datetime | None = None,
) -> list[Notification]:
    """Notify each user once (duplicates in ``users`` are dropped) with the registered ``message``
    and its ``params``, rendered in each reader's language when shown.

    ValueError for a key that is not registered (``notifications.messages.register_message``) or
    params that leave a placeholder of its templates empty; TypeError for params that are not
    plain JSON values (a lazy translation, a date, a model instance)."""
    params = check_params(params)
    check_message(message, params)
    unique = {user.pk: user for user in users if user is not None and user.is_active}
    created_at = at or timezone.now()
    rows = Notification.objects.bulk_create(
        [
            Notification(
                user=user, kind=kind, message=message, params=params, url=url, send_email=send_email, created_at=created_at
            )
            for user in unique.values()
        ]
    )
    ids = [row.pk for row in rows if row.send_email]
    if ids:
        transaction.on_commit(lambda: enqueue_delivery(ids))
    return rows


def enqueue_delivery(ids: list[int]) -> None:
    from notifications.tasks import deliver_notifications

    try:
        deliver_notifications.delay(ids)
    except Exception:  # the broker is down: deliver_pending sends them later
        logger.warning("Could not enqueue the e-mail of notifications %s; they stay pending", ids, exc_info=True)


def deliver(notification_id: int) -> bool:
    """E-mail one notification if nobody else has (claim, send, mark). True if this call sent it."""
    now = timezone.now()
    claimed = (
        Notification.objects.filter(pk=notification_id, send_email=True, emailed_at__isnull=True)
        .filter(Q(email_claimed_at__isnull=True) | Q(email_claimed_at__lt=now - CLAIM_EXPIRES))
        .update(email_claimed_at=now)
    )
    if not claimed:
        return False
    notification = Notification.objects.select_related("user").get(pk=notification_id)
    if notification.user.email:
        with translation.override(email_language(notification.user)):
            title, body = notification.rendered()
            send_mail(
                subject=f"【{_site_title()}】{' '.join(title.split())}",  # one line, whatever the params hold
                message=_email_body(title, body, notification.url),
                from_email=None,
                recipient_list=[notification.user.email],
            )
    Notification.objects.filter(pk=notification_id).update(emailed_at=timezone.now())
    return True


def deliver_pending(*, limit: int = 500) -> int:
    """Send what is still unsent (after a broker outage, or an expired claim). Returns how many."""
    now = timezone.now()
    pending = (
        Notification.objects.filter(send_email=True, emailed_at__isnull=True)
        .filter(Q(email_claimed_at__isnull=True) | Q(email_claimed_at__lt=now - CLAIM_EXPIRES))
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(deliver(pk) for pk in list(pending))


def _site_title() -> str:
    return str(settings.SITE_TITLE)


def email_language(user: User) -> str:
    """The language of the e-mails ``user`` receives (notifications, the daily digest).

    Users have no language preference yet (the site's language is a cookie of the browser), so
    e-mail goes out in the site's language, settings.LANGUAGE_CODE. The one place to change when a
    per-user preference arrives."""
    return settings.LANGUAGE_CODE


def _email_body(title: str, body: str, url: str) -> str:
    lines = [title, "", body]
    if url:
        lines += ["", settings.SITE_URL.rstrip("/") + url]
    return "\n".join(lines)


def mark_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read (all unread ones when ``ids`` is None)."""
    rows = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    return rows.update(read_at=timezone.now())


def unread_count(user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
