import django_tables2 as tables
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from supervision.models import SupervisionNotice

LEVEL_CSS = {"blue": "primary", "yellow": "warning", "red": "danger"}
STATUS_CSS = {"issued": "secondary", "acknowledged": "info", "responded": "primary", "returned": "warning", "closed": "success"}


def level_badge(notice: SupervisionNotice):
    return format_html(
        '<span class="badge text-bg-{}" data-level="{}">{}</span>', LEVEL_CSS[notice.level], notice.level, notice.get_level_display()
    )


def status_badge(notice: SupervisionNotice):
    return format_html(
        '<span class="badge text-bg-{}" data-status="{}">{}</span>', STATUS_CSS[notice.status], notice.status, notice.get_status_display()
    )


class NoticeTable(tables.Table):
    reference = tables.Column(verbose_name=_("Reference number"), accessor="number", order_by=("year", "number"))
    level = tables.Column(verbose_name=_("Level"))
    task = tables.Column(verbose_name=_("Key task"), order_by=("task__position",))
    department = tables.Column(verbose_name=_("Department"))
    issued_at = tables.Column(verbose_name=_("Issued on"))
    response_due_on = tables.Column(verbose_name=_("Respond by"))
    status = tables.Column(verbose_name=_("Status"))
    overdue = tables.BooleanColumn(verbose_name=_("Overdue"), yesno=(_("Overdue"), ""))
    escalations = tables.Column(verbose_name=_("Escalations"))

    class Meta:
        model = SupervisionNotice
        fields = ["reference", "level", "task", "department", "issued_at", "response_due_on", "status", "overdue", "escalations"]
        order_by = ("-reference",)
        empty_text = _("No supervision notices.")
        attrs = {"class": "table table-sm table-hover align-middle", "id": "notice-table"}

    def render_reference(self, record):
        return format_html('<a href="{}" class="text-nowrap">{}</a>', record.get_absolute_url(), record.reference)

    def value_reference(self, record):
        return record.reference

    def render_level(self, record):
        return level_badge(record)

    def value_level(self, record):
        return record.get_level_display()

    def render_task(self, record):
        return f"{record.task.code} {record.task.title}"

    def value_task(self, record):
        return f"{record.task.code} {record.task.title}"

    def render_department(self, value):
        return value.name

    def value_department(self, value):
        return value.name

    def render_issued_at(self, value):
        return date_format(timezone.localdate(value))

    def value_issued_at(self, value):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")

    def render_response_due_on(self, record, value):
        if record.overdue:
            return format_html('<span class="text-danger fw-semibold">{}</span>', date_format(value))
        return date_format(value)

    def value_response_due_on(self, value):
        return value.isoformat()

    def render_status(self, record):
        return status_badge(record)

    def value_status(self, record):
        return record.get_status_display()
