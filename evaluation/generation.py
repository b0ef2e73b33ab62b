"""Generating the final report and bulletins from the UI: a Celery job per request, with its
progress stored on the ``GeneratedReport`` row (the page polls it), and every generation kept
as a new version. ``render_report`` (the command) renders synchronously instead."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import audit_record
from common.jobs import job_fail, job_progress, job_start, job_store
from evaluation import access
from evaluation.models import GeneratedReport
from evaluation.report import PeriodError, parse_period, render_bulletin, render_final_report
from tasks.models import Plan

log = logging.getLogger(__name__)


@transaction.atomic
def report_request(
    *, plan: Plan, kind: str, user: User, period_code: str = "", with_task_detail: bool = False
) -> GeneratedReport:
    """Queue a new version of the plan's final report (or of a period's bulletin); with
    ``with_task_detail`` it lists every key task and evidence file name (see evaluation.report)."""
    if not access.can_generate_reports(user):
        raise PermissionDenied
    if kind not in GeneratedReport.Kind.values:
        raise ValidationError(_("Choose the final report or a bulletin."))
    period_code = period_code.strip().upper() if kind == GeneratedReport.Kind.BULLETIN else ""
    if kind == GeneratedReport.Kind.BULLETIN:
        if not period_code:
            raise ValidationError({"period_code": _("A bulletin needs a period, e.g. 2024Q2.")})
        try:
            period = parse_period(period_code)
        except PeriodError as error:
            raise ValidationError({"period_code": str(error)}) from error
        if period.ends_on.year < plan.start_year or period.starts_on.year > plan.end_year:
            raise ValidationError(
                {
                    "period_code": _("The period %(period)s is outside the plan's years %(start)s–%(end)s.")
                    % {"period": period_code, "start": plan.start_year, "end": plan.end_year}
                }
            )
    Plan.objects.select_for_update().get(pk=plan.pk)  # one version number at a time per plan
    latest = GeneratedReport.objects.filter(plan=plan, kind=kind, period_code=period_code).aggregate(
        latest=Max("version")
    )["latest"]
    report = GeneratedReport.objects.create(
        plan=plan,
        kind=kind,
        period_code=period_code,
        version=(latest or 0) + 1,
        requested_by=user,
        with_task_detail=with_task_detail,
    )
    audit_record(
        subject=report, actor=user, action="request_report", to_state=report.status, comment=str(report)
    )
    transaction.on_commit(lambda: _enqueue(report.pk))
    return report


def _enqueue(pk: int) -> None:
    from evaluation.tasks import generate_report

    generate_report.delay(pk)


def report_generate(pk: int) -> GeneratedReport:
    """The job: render the PDF, store it, mark the version ready (or failed, with the reason).
    Idempotent: a version already finished is left as it is."""
    report = job_start(GeneratedReport, pk)
    if report is None:
        return GeneratedReport.objects.get(pk=pk)
    try:
        if report.kind == GeneratedReport.Kind.BULLETIN:
            data = render_bulletin(
                report.plan, report.period_code, progress=job_progress(GeneratedReport, pk), with_task_detail=report.with_task_detail
            )
        else:
            data = render_final_report(report.plan, progress=job_progress(GeneratedReport, pk), with_task_detail=report.with_task_detail)
    except Exception as error:  # the reason goes on the row, for the person who asked
        log.exception("Generating report %s failed", pk)
        report = job_fail(GeneratedReport, pk, str(error))
        audit_record(
            subject=report, action="fail", from_state=GeneratedReport.Status.RUNNING, to_state=report.status
        )
        return report
    with transaction.atomic():
        report = job_store(GeneratedReport, pk, field="file", name=report.storage_name, content=ContentFile(data))
        audit_record(
            subject=report,
            action="generate",
            from_state=GeneratedReport.Status.RUNNING,
            to_state=report.status,
        )
    return report
