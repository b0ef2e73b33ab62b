import django_filters
from django.utils.translation import gettext_lazy as _

from common.filters import RowChoiceFilter
from indicators.attainment import LABELS
from indicators.models import Indicator
from tasks.models import Department


class IndicatorFilter(django_filters.FilterSet):
    plan = django_filters.ChoiceFilter(label=_("Plan"), choices=[], method="filter_noop", empty_label=None)
    q = django_filters.CharFilter(label=_("Search"), method="filter_text")
    nature = django_filters.ChoiceFilter(label=_("Nature"), choices=Indicator.Nature.choices, empty_label=_("All"))
    department = RowChoiceFilter(
        label=_("Responsible department"), queryset=Department.objects.filter(is_active=True), empty_label=_("All")
    )
    # A short label for the list's filter: the kind's own label quotes Chinese units as examples.
    unit_kind = django_filters.ChoiceFilter(
        label=_("Unit kind"),
        choices=[
            (value, _("Number with another unit") if value == Indicator.UnitKind.NUMBER else label)
            for value, label in Indicator.UnitKind.choices
        ],
        empty_label=_("All"),
    )
    attainment = django_filters.ChoiceFilter(
        label=_("Attainment"), choices=list(LABELS.items()), empty_label=_("All"), method="filter_attainment"
    )
    year = django_filters.NumberFilter(label=_("Year"), method="filter_noop")

    class Meta:
        model = Indicator
        fields = ["plan", "q", "nature", "department", "unit_kind", "attainment", "year"]

    def __init__(self, *args, statuses=None, plans=None, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The plans the user sees, read once (the choices and their check, no query per plan).
        self.filters["plan"].extra["choices"] = [(str(pk), title) for pk, title in plans.values_list("pk", "title")] if plans is not None else []
        if plan is not None:  # the departments of the plan's region, not the country's
            self.filters["department"].queryset = Department.objects.filter(is_active=True, region_id=plan.region_id)
        elif plans is not None:
            self.filters["department"].queryset = Department.objects.filter(is_active=True, region__in=plans.values("region_id"))
        self.statuses = statuses  # callable: queryset → {id: IndicatorStatus}, set by the view

    def filter_text(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(name__icontains=value) if value else queryset

    def filter_attainment(self, queryset, name, value):
        statuses = self.statuses(queryset)
        return queryset.filter(pk__in=[pk for pk, status in statuses.items() if status.attainment == value])

    def filter_noop(self, queryset, name, value):
        return queryset
