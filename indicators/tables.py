import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from indicators.attainment import CSS, LABELS, NO_DATA
from indicators.models import Indicator

STATUS_CSS = {"draft": "secondary", "submitted": "primary", "returned": "warning", "approved": "success"}


def attainment_badge(state: str):
    return format_html('<span class="badge text-bg-{}" data-attainment="{}">{}</span>', CSS[state], state, LABELS[state])


class IndicatorTable(tables.Table):
    code = tables.Column(verbose_name=_("No."), order_by=("position", "pk"))
    name = tables.Column(verbose_name=_("Indicator"), linkify=True)
    unit = tables.Column(verbose_name=_("Unit"), accessor="unit_kind", order_by=("unit_kind",))
    baseline = tables.Column(verbose_name=_("Baseline"), accessor="baseline_value", order_by=("baseline_value",))
    target = tables.Column(verbose_name=_("Target"), accessor="target_value", order_by=("target_value",))
    nature = tables.Column(verbose_name=_("Nature"))
    department = tables.Column(verbose_name=_("Responsible department"), order_by=("department__position",))
    latest = tables.Column(verbose_name=_("Value"), empty_values=(), orderable=False)
    attainment = tables.Column(verbose_name=_("Attainment"), empty_values=(), orderable=False)

    class Meta:
        model = Indicator
        fields = ["code", "name", "unit", "baseline", "target", "nature", "department", "latest", "attainment"]
        order_by = ("code",)
        empty_text = _("No indicators match.")
        attrs = {"class": "table table-sm table-hover align-middle", "id": "indicator-table"}

    def __init__(self, *args, statuses=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.statuses = statuses or {}

    def _status(self, record):
        return self.statuses.get(record.pk)

    def render_unit(self, record):
        return record.unit_label or record.get_unit_kind_display()

    def value_unit(self, record):
        return str(self.render_unit(record))

    def render_baseline(self, record):
        year = f"（{record.baseline_year}）" if record.baseline_year else ""
        return f"{record.baseline_display}{year}"

    def render_target(self, record):
        return f"{record.target_display}（{record.target_year}）"

    def value_target(self, record):
        return self.render_target(record)

    def render_nature(self, record):
        css = "danger" if record.nature == Indicator.Nature.BINDING else "secondary"
        return format_html('<span class="badge text-bg-{}">{}</span>', css, record.get_nature_display())

    def value_nature(self, record):
        return record.get_nature_display()

    def render_latest(self, record):
        status = self._status(record)
        return status.value.display if status and status.value else "—"

    def value_latest(self, record):
        return self.render_latest(record)

    def render_attainment(self, record):
        status = self._status(record)
        return attainment_badge(status.attainment if status else NO_DATA)

    def value_attainment(self, record):
        status = self._status(record)
        return str(LABELS[status.attainment if status else NO_DATA])
