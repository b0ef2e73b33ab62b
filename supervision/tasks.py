"""Celery jobs: thin, idempotent, each calling one service. ``acks_late`` everywhere: a worker
killed mid-job gets its message redelivered, and the services' claims make the rerun send
nothing twice."""

from celery import shared_task


@shared_task(acks_late=True)
def open_reporting_periods() -> dict:
    from tasks.progress import periods_open

    result = periods_open()
    return {"reports": result.reports, "contributions": result.contributions}


@shared_task(acks_late=True)
def sweep_deadlines() -> dict:
    from supervision.sweep import sweep_deadlines as sweep

    return sweep().as_dict()


@shared_task(acks_late=True)
def send_daily_digest() -> int:
    from supervision.sweep import digest_send

    return digest_send()
