"""Celery jobs of the evaluation app."""

from celery import shared_task


@shared_task(acks_late=True)
def generate_report(pk: int) -> str:
    from evaluation.generation import report_generate

    return report_generate(pk).status
