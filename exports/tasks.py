"""Celery jobs of the exports app: thin, taking ids (the work is in ``exports.services``)."""

from celery import shared_task


@shared_task(acks_late=True)
def generate_export(pk: int) -> str:
    from exports.services import export_generate

    return export_generate(pk).status


@shared_task
def delete_expired_exports() -> int:
    from exports.services import exports_delete_expired

    return exports_delete_expired()
