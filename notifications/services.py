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
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation

from accounts.models import User
from notifications.models import Notification

logger = logging.getLogger(__name__)
CLAIM_EXPIRES = datetime.timedelta(minutes=10)


def notify(
    *,
    users: Iterable[User],
    kind: str,
    title: str = "",
    body: str = "",
    message: str = "",
    params: dict | None = None,
    url: str = "",
    send_email: bool = False,
    at: datetime.datetime | None = None,
) -> list[Notification]:
    """Notify each user once (duplicates in ``users`` are dropped)."""
    if message:
        from notifications.messages import render

        with translation.override(settings.LANGUAGE_CODE):
            title, body = render(message, params)
    unique = {user.pk: user for user in users if user is not None and user.is_active}
    rows = Notification.objects.bulk_create(
        [
            Notification(user=user, kind=kind, title=str(title)[:200], body=str(body), url=url, send_email=send_email, created_at=at or timezone.now())
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
        with translation.override(settings.LANGUAGE_CODE):
            send_mail(
                subject=f"【{_site_title()}】{notification.title}",
                message=_email_body(notification),
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


def _email_body(notification: Notification) -> str:
    lines = [notification.title, "", notification.body]
    if notification.url:
        lines += ["", settings.SITE_URL.rstrip("/") + notification.url]
    return "\n".join(line for line in lines if line is not None)


def mark_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read (all unread ones when ``ids`` is None)."""
    rows = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    return rows.update(read_at=timezone.now())


def unread_count(user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
