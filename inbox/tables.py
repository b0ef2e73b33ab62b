"""The one table of the work lists: a row per open task of the engine."""

import django_tables2 as tables
from django.utils.dateparse import parse_date
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from common.templatetags.ui import data_lang
from tasks.models import ReportingPeriod
from tasks.tables import light_badge
from workflows.listing import work_kind

# On a phone the table keeps kind, subject, due date and light; the rest shows from md up.
WIDE_ONLY = {"th": {"class": "d-none d-md-table-cell"}, "td": {"class": "d-none d-md-table-cell"}}


class WorkTable(tables.Table):
    # Approvals awaiting this level's acceptance can be ticked and accepted together (bulk_accept.html).
    pick = tables.Column(
        verbose_name=_("Choose"),
        empty_values=(),
        orderable=False,
        exclude_from_export=True,
    )
    kind = tables.Column(verbose_name=_("Kind"), accessor="process__data__kind", orderable=False)
    subject = tables.Column(verbose_name=_("Subject"), accessor="process__data__title", orderable=False)
    step = tables.Column(verbose_name=_("Step"), accessor="flow_task", orderable=False, attrs=WIDE_ONLY)
    department = tables.Column(verbose_name=_("Department"), empty_values=(), orderable=False, attrs=WIDE_ONLY)
    due_on = tables.Column(verbose_name=_("Due"), orderable=False, attrs={"td": {"class": "text-nowrap"}})
    overdue = tables.Column(verbose_name=_("Overdue"), empty_values=(), orderable=False)
    light = tables.Column(verbose_name=_("Light"), empty_values=(), orderable=False)
    note = tables.Column(verbose_name=_("Note"), accessor="process__data__reason", orderable=False, attrs=WIDE_ONLY)

    class Meta:
        attrs = {"class": "table table-sm table-hover align-middle mb-0", "id": "work-table"}
        row_attrs = {"data-kind": lambda record: (record.process.data or {}).get("kind", "")}
        empty_text = _("Nothing waits for you here.")

    def render_pick(self, record):
        if record.flow_task.name != "accept":
            return ""
        data = record.process.data or {}
        return format_html(
            '<input type="checkbox" class="form-check-input" name="subject" form="bulk-accept" value="{}:{}" aria-label="{}"{}>',
            data.get("kind", ""),
            record.process.artifact_object_id,
            ReportingPeriod.labels_in(data.get("title", "")),
            data_lang(data.get("title", "")),  # its name is the subject's (Chinese) title
        )

    def render_kind(self, value):
        kind = work_kind(value)
        return kind.label if kind else value

    def value_kind(self, value):
        return str(self.render_kind(value))

    def render_subject(self, value, record):
        value = ReportingPeriod.labels_in(value)  # titles keep period codes; the reader sees labels
        url = record.facts.url if hasattr(record, "facts") else ""
        return format_html('<a href="{}">{}</a>', url, value) if url else value

    def value_subject(self, value):
        return ReportingPeriod.labels_in(value)

    def render_step(self, value):
        return getattr(value, "task_title", "") or value.name

    def value_step(self, value):
        return str(self.render_step(value))

    def render_department(self, record):
        return record.facts.department if hasattr(record, "facts") else ""

    def render_due_on(self, value):
        return parse_date(value) if value else "—"

    def render_overdue(self, record):
        facts = getattr(record, "facts", None)
        if facts and facts.overdue:
            return format_html('<span class="badge text-bg-danger" data-overdue="true">{}</span>', _("Overdue"))
        if facts and facts.late:
            return format_html('<span class="badge text-bg-warning" data-late="true">{}</span>', _("Submitted late"))
        return ""

    def value_overdue(self, record):
        facts = getattr(record, "facts", None)
        if facts and facts.overdue:
            return str(_("Overdue"))
        return str(_("Submitted late")) if facts and facts.late else ""

    def render_light(self, record):
        light = record.facts.light if hasattr(record, "facts") else ""
        return light_badge(light) if light else ""

    def value_light(self, record):
        return record.facts.light if hasattr(record, "facts") else ""
