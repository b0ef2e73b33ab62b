import django_tables2 as tables
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from tasks.models import KeyTask, ProgressReport


def _department_names(task: KeyTask, role: str) -> list[str]:
    departments = task.lead_departments if role == "lead" else task.cooperating_departments
    generic = task.lead_text if role == "lead" else task.cooperating_text
    return [str(d) for d in departments] + ([generic] if generic else [])


LIGHT_CSS = {"red": "danger", "yellow": "warning", "green": "success"}
LIGHT_LABELS = {"red": _("Red"), "yellow": _("Yellow"), "green": _("Green")}
REPORT_STATUS_CSS = {"draft": "secondary", "submitted": "primary", "returned": "warning", "approved": "success"}


def light_badge(light: str):
    return format_html(
        '<span class="badge rounded-pill text-bg-{}" data-light="{}">●&nbsp;{}</span>', LIGHT_CSS[light], light, LIGHT_LABELS[light]
    )


class KeyTaskTable(tables.Table):
    light = tables.Column(verbose_name=_("Light"), attrs={"th": {"class": "text-nowrap"}})
    code = tables.Column(verbose_name=_("No."), order_by=("position", "pk"), attrs={"th": {"class": "text-nowrap"}})
    title = tables.Column(verbose_name=_("Key task"), linkify=True, attrs={"td": {"class": "w-25"}})
    section = tables.Column(verbose_name=_("Section"), order_by=("section__position",))
    lead = tables.Column(
        verbose_name=_("Lead"), empty_values=(), orderable=False, attrs={"th": {"class": "text-nowrap"}, "td": {"style": "min-width: 7rem"}}
    )
    cooperating = tables.Column(verbose_name=_("Co-operating"), empty_values=(), orderable=False)
    due_date = tables.Column(verbose_name=_("Deadline"))
    status = tables.Column(verbose_name=_("Status"))
    progress = tables.Column(verbose_name=_("Progress"))

    class Meta:
        model = KeyTask
        fields = ["light", "code", "title", "section", "lead", "cooperating", "due_date", "status", "progress"]
        order_by = ("code",)
        empty_text = _("No key tasks match.")
        attrs = {"class": "table table-sm table-hover align-middle", "id": "key-task-table"}

    def render_light(self, record):
        return light_badge(record.light)

    def value_light(self, record):
        return str(LIGHT_LABELS[record.light])

    def render_section(self, value):
        return value.title

    def value_section(self, value):
        return str(value) if value else ""

    def render_lead(self, record):
        names = _department_names(record, "lead")
        if not names:
            return "—"
        first, rest = names[0], names[1:]
        return format_html(
            '<strong title="{}">{}</strong>{}',
            _("Primary lead department"),
            first,
            format_html_join("", "、{}", ((n,) for n in rest)),
        )

    def value_lead(self, record):
        return "、".join(_department_names(record, "lead"))

    def render_cooperating(self, record):
        return "、".join(_department_names(record, "cooperating")) or "—"

    def value_cooperating(self, record):
        return "、".join(_department_names(record, "cooperating"))

    def render_due_date(self, record, value):
        if record.deadline_undated:
            return format_html(
                '{}<br><span class="badge text-bg-warning">{}</span>', record.deadline_text, _("needs a date")
            )
        if record.deadline_text:
            return format_html('{}<br><small class="text-body-secondary">{}</small>', record.deadline_text, date_format(value))
        return date_format(value)

    def value_due_date(self, record, value):
        return record.deadline_text or value.isoformat()

    def render_status(self, record):
        css = {"not_started": "secondary", "in_progress": "primary", "completed": "success"}[record.status]
        return format_html('<span class="badge text-bg-{}">{}</span>', css, record.get_status_display())

    def value_status(self, record):
        return record.get_status_display()

    def render_progress(self, value):
        return format_html(
            '<div class="progress" role="progressbar" aria-label="{1}" aria-valuenow="{0}" aria-valuemin="0" aria-valuemax="100" style="min-width:4rem">'
            '<div class="progress-bar" style="width: {0}%">{0}%</div></div>',
            value,
            _("Progress"),
        )


def overdue_badge():
    """逾期: a report still being written after its due date (``ProgressReport.is_overdue``)."""
    return format_html('<span class="badge text-bg-danger" data-overdue="true">{}</span>', _("Overdue"))


class ReportTable(tables.Table):
    # The light of the report's task: the same one as on the task list and page (tasks.lights).
    light = tables.Column(verbose_name=_("Light"), accessor="task__light", orderable=False)
    task = tables.Column(verbose_name=_("Key task"), accessor="task__title", order_by=("task__position",))
    department = tables.Column(verbose_name=_("Department"))
    period = tables.Column(verbose_name=_("Reporting period"), order_by=("period__starts_on",))
    due = tables.Column(verbose_name=_("Due"), accessor="due_on")
    status = tables.Column(verbose_name=_("Status"))
    percent_complete = tables.Column(verbose_name=_("Progress"))
    is_late = tables.Column(verbose_name=_("Late"), empty_values=(), order_by=("is_late", "due_on"))
    assignee = tables.Column(verbose_name=_("Liaison"), orderable=False)

    class Meta:
        model = ProgressReport
        fields = ["light", "task", "department", "period", "due", "status", "percent_complete", "is_late", "assignee"]
        empty_text = _("Nothing here.")
        attrs = {"class": "table table-sm table-hover align-middle", "id": "report-table"}

    def render_light(self, record):
        return light_badge(record.task.light)

    def value_light(self, record):
        return str(LIGHT_LABELS[record.task.light])

    def render_is_late(self, record):
        """逾期: overdue while being written (from the due date on), or submitted late."""
        if record.is_overdue:
            return overdue_badge()
        return _("Late") if record.is_late else ""

    def value_is_late(self, record):
        if record.is_overdue:
            return str(_("Overdue"))
        return str(_("Late")) if record.is_late else ""

    def render_task(self, record):
        return format_html('<a href="{}">{} {}</a>', record.get_absolute_url(), record.task.code, record.task.title)

    def value_task(self, record):
        return f"{record.task.code} {record.task.title}"

    def render_status(self, record):
        return format_html(
            '<span class="badge text-bg-{}">{}</span>', REPORT_STATUS_CSS[record.status], record.get_status_display()
        )

    def value_status(self, record):
        return record.get_status_display()

    def render_percent_complete(self, value):
        return f"{value}%"

    def render_due(self, value):
        return date_format(value)


class DepartmentTable(tables.Table):
    """部门: the departments of the user's regions, with the key tasks they lead and support (each
    count links to the task list of the plan of the department's region)."""

    name = tables.Column(verbose_name=_("Department"), order_by=("name",))
    short_name = tables.Column(verbose_name=_("Short name"))
    aliases = tables.Column(verbose_name=_("Also written as"), empty_values=(), orderable=False, attrs={"td": {"class": "small text-body-secondary"}})
    region = tables.Column(verbose_name=_("Region"), order_by=("region__code", "position"))
    lead_count = tables.Column(verbose_name=_("Leads"), attrs={"td": {"class": "text-end"}, "th": {"class": "text-end"}})
    cooperating_count = tables.Column(verbose_name=_("Co-operates on"), attrs={"td": {"class": "text-end"}, "th": {"class": "text-end"}})

    class Meta:
        attrs = {"class": "table table-sm table-hover mb-0", "id": "department-table"}
        empty_text = _("No departments yet.")
        order_by = ("region",)
        orderable = True

    def render_name(self, record, value):
        if record.is_supervising:
            return format_html('{} <span class="badge text-bg-danger">{}</span>', value, _("supervising"))
        return value

    def render_aliases(self, record):
        return "、".join(a.alias for a in record.aliases.all())

    def value_aliases(self, record):
        return self.render_aliases(record)

    def _count_link(self, record, value, role):
        plan_id = getattr(record, "plan_id", None)
        if not plan_id:
            return value
        from django.urls import reverse

        url = reverse("tasks:task_list", args=[plan_id])
        return format_html('<a href="{}?department={}&amp;role={}">{}</a>', url, record.pk, role, value)

    def render_lead_count(self, record, value):
        return self._count_link(record, value, "lead")

    def render_cooperating_count(self, record, value):
        return self._count_link(record, value, "cooperating")
