import django_tables2 as tables
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from evaluation.models import Evaluation, GeneratedReport, SelfAssessment

EVALUATION_CSS = {"open": "info", "scoring": "primary", "signed_off": "success"}
ASSESSMENT_CSS = {"draft": "secondary", "submitted": "primary", "returned": "warning", "accepted": "success"}
REPORT_CSS = {"queued": "secondary", "running": "info", "done": "success", "failed": "danger"}


def badge(css: dict, value: str, label) -> str:
    return format_html('<span class="badge text-bg-{}" data-status="{}">{}</span>', css[value], value, label)


class EvaluationTable(tables.Table):
    title = tables.Column(verbose_name=_("Evaluation"))
    plan = tables.Column(verbose_name=_("Plan"), order_by=("plan__title",))
    kind = tables.Column(verbose_name=_("Kind"))
    lead = tables.Column(verbose_name=_("Evaluation lead"), order_by=("lead__username",))
    status = tables.Column(verbose_name=_("Status"))
    created_at = tables.Column(verbose_name=_("Opened"))

    class Meta:
        model = Evaluation
        fields = ["title", "plan", "kind", "lead", "status", "created_at"]
        order_by = ("-created_at",)
        empty_text = _("No evaluations.")
        attrs = {"class": "table table-sm table-hover align-middle", "id": "evaluation-table"}

    def render_title(self, record):
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), record.title)

    def render_status(self, record):
        return badge(EVALUATION_CSS, record.status, record.get_status_display())

    def render_created_at(self, value):
        return date_format(localtime(value).date())


class SelfAssessmentTable(tables.Table):
    evaluation = tables.Column(verbose_name=_("Evaluation"), order_by=("evaluation__title",))
    department = tables.Column(verbose_name=_("Department"), order_by=("department__position",))
    status = tables.Column(verbose_name=_("Status"))
    round = tables.Column(verbose_name=_("Round"))
    submitted_at = tables.Column(verbose_name=_("Submitted"))

    class Meta:
        model = SelfAssessment
        fields = ["evaluation", "department", "status", "round", "submitted_at"]
        order_by = ("-evaluation",)
        empty_text = _("No self-assessments.")
        attrs = {"class": "table table-sm table-hover align-middle", "id": "self-assessment-table"}

    def render_evaluation(self, record):
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), record.evaluation.title)

    def render_status(self, record):
        return badge(ASSESSMENT_CSS, record.status, record.get_status_display())

    def render_submitted_at(self, value):
        return date_format(localtime(value), "SHORT_DATETIME_FORMAT")


class GeneratedReportTable(tables.Table):
    report = tables.Column(
        verbose_name=_("Report"), accessor="kind", order_by=("kind", "period_code", "version")
    )
    plan = tables.Column(verbose_name=_("Plan"), order_by=("plan__title",))
    version = tables.Column(verbose_name=_("Version"))
    status = tables.Column(verbose_name=_("Status"))
    requested_by = tables.Column(verbose_name=_("Requested by"), order_by=("requested_by__username",))
    requested_at = tables.Column(verbose_name=_("Requested"))
    size = tables.Column(verbose_name=_("Size"))
    download = tables.Column(verbose_name="", accessor="pk", orderable=False, exclude_from_export=True)

    class Meta:
        model = GeneratedReport
        fields = ["report", "plan", "version", "status", "requested_by", "requested_at", "size", "download"]
        order_by = ("-requested_at",)
        empty_text = _("No report has been generated yet.")
        attrs = {"class": "table table-sm table-hover align-middle", "id": "generated-report-table"}

    def render_report(self, record):
        label = record.get_kind_display()
        if record.period_code:
            label = f"{label} {record.period_code}"
        if record.with_task_detail:
            label = _("%(report)s with task detail") % {"report": label}
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), label)

    def render_version(self, value):
        return f"v{value}"

    def render_status(self, record):
        return badge(REPORT_CSS, record.status, record.get_status_display())

    def render_requested_at(self, value):
        return date_format(localtime(value), "SHORT_DATETIME_FORMAT")

    def render_size(self, record):
        from django.template.defaultfilters import filesizeformat

        return filesizeformat(record.size) if record.size else "—"

    def render_download(self, record):
        if record.status != GeneratedReport.Status.DONE:
            return ""
        from django.urls import reverse

        return format_html(
            '<a class="btn btn-sm btn-outline-primary" href="{}" download><i class="bi bi-download"></i> PDF</a>',
            reverse("evaluation:report_download", args=[record.pk]),
        )
