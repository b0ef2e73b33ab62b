import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from meetings.models import Meeting

STATE_CSS = {"open": "secondary", "in_progress": "primary", "done": "success", "overdue": "danger"}


class MeetingTable(tables.Table):
    held_on = tables.Column(verbose_name=_("Date"))
    title = tables.Column(verbose_name=_("Meeting"))
    kind = tables.Column(verbose_name=_("Kind"))
    region = tables.Column(verbose_name=_("Region"), order_by=("region__path",))
    plan = tables.Column(verbose_name=_("Plan"), order_by=("plan__title",))
    decision_count = tables.Column(verbose_name=_("Agreed items"))

    class Meta:
        model = Meeting
        fields = ["held_on", "title", "kind", "region", "plan", "decision_count"]
        order_by = ("-held_on",)
        empty_text = _("No joint meetings.")
        attrs = {"class": "table table-sm table-hover align-middle", "id": "meeting-table"}

    def render_title(self, record):
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), record.title)

    def value_title(self, record):
        return record.title
