"""Celery jobs that e-mail notifications: thin, idempotent (``deliver`` claims a row first)."""

from celery import shared_task


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=8)
def deliver_notifications(ids: list[int]) -> int:
    from notifications.services import deliver

    return sum(deliver(pk) for pk in ids)


@shared_task(acks_late=True)
def deliver_pending_notifications() -> int:
    from notifications.services import deliver_pending

    return deliver_pending()
