import re

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from common.filters import RowChoiceFilter
from tasks import access
from tasks.models import Department, KeyTask, Light, Plan, ProgressReport, ReportingPeriod, TaskDepartment


class KeyTaskFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_text")
    section = django_filters.ModelChoiceFilter(
        label=_("Section"), queryset=None, method="filter_section", empty_label=_("All")
    )
    department = RowChoiceFilter(
        label=_("Department"), queryset=None, method="filter_department", empty_label=_("All")
    )
    role = django_filters.ChoiceFilter(
        label=_("As"),
        choices=TaskDepartment.Role.choices,
        empty_label=_("Lead or co-operating"),
        method="filter_noop",
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=KeyTask.Status.choices, empty_label=_("All"))
    light = django_filters.ChoiceFilter(label=_("Light"), choices=Light.choices, empty_label=_("All"))
    due_before = django_filters.DateFilter(
        label=_("Due on or before"),
        field_name="due_date",
        lookup_expr="lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    deadline_undated = django_filters.BooleanFilter(
        label=_("Needs a date"),
        widget=forms.Select(choices=[("", _("All")), ("true", _("Yes")), ("false", _("No"))]),
    )

    class Meta:
        model = KeyTask
        fields = ["q", "section", "department", "role", "status", "light", "due_before", "deadline_undated"]

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["section"].queryset = plan.sections.order_by("position")
        self.filters["department"].queryset = Department.objects.filter(region=plan.region, is_active=True)

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(content__icontains=value) | Q(code=value))

    def filter_section(self, queryset, name, value):
        # A chapter matches the tasks of its sections too.
        ids = [value.pk, *value.children.values_list("pk", flat=True)]
        return queryset.filter(section_id__in=ids)

    def filter_department(self, queryset, name, value):
        links = TaskDepartment.objects.filter(task=OuterRef("pk"), department=value)
        role = self.form.cleaned_data.get("role")
        if role:
            links = links.filter(role=role)
        return queryset.filter(Exists(links))

    def filter_noop(self, queryset, name, value):
        return queryset  # read by filter_department


def _departments(request):
    """The departments of the user's regions (region scope), not every department in the country."""
    if request is None:
        return Department.objects.none()
    return access.visible_departments(request.user).filter(is_active=True)


PERIOD_CHOICES = 24  # the latest periods offered; older ones are reached by the year in the code


def _period_choices(request) -> list[tuple[str, str]]:
    """The latest reporting periods of the user's plans, as codes (2024Q2): one choice per period
    of the calendar, however many plans share it (a province has 21 plans with the same quarters)."""
    if request is None:
        return []
    rows = (
        ReportingPeriod.objects.filter(plan__in=access.visible_plans(request.user))
        .values_list("cadence", "year", "number")
        .distinct()
        .order_by("-year", "-number", "cadence")[:PERIOD_CHOICES]
    )
    periods = [ReportingPeriod(cadence=c, year=y, number=n) for c, y, n in rows]
    return [(p.code, p.label) for p in periods]


PERIOD_CODE = re.compile(r"(\d{4})(?:([QHM])(\d{1,2}))?")


class PeriodCodeFilter(django_filters.ChoiceFilter):
    """A reporting period by its code (2024Q2, 2024H1, 2024M07, 2024), across plans. The choices
    are set by the filter set (``_period_choices``); an older code typed into the address works too."""

    def filter(self, queryset, value):
        if not value:
            return queryset
        match = PERIOD_CODE.fullmatch(value)
        if match is None:
            return queryset.none()
        kind = match.group(2)
        cadence = {"Q": "quarterly", "H": "half_yearly", "M": "monthly", None: "yearly"}[kind]
        queryset = queryset.filter(period__year=int(match.group(1)), period__cadence=cadence)
        return queryset.filter(period__number=int(match.group(3))) if kind else queryset


class ReportFilter(django_filters.FilterSet):
    """Filters of the inbox, queue and archive tables."""

    q = django_filters.CharFilter(label=_("Search"), method="filter_text")
    department = RowChoiceFilter(
        label=_("Department"), queryset=lambda request: _departments(request), empty_label=_("All")
    )
    period = PeriodCodeFilter(label=_("Reporting period"), choices=[], empty_label=_("All"))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ProgressReport.Status.choices, empty_label=_("All"))
    is_late = django_filters.BooleanFilter(
        label=_("Late"),
        widget=forms.Select(choices=[("", _("All")), ("true", _("Late")), ("false", _("On time"))]),
    )
    overdue = django_filters.BooleanFilter(
        label=_("Overdue"),
        method="filter_overdue",
        widget=forms.Select(choices=[("", _("All")), ("true", _("Overdue, not submitted")), ("false", _("Not overdue"))]),
    )
    light = django_filters.ChoiceFilter(
        label=_("Light"), field_name="task__light", choices=Light.choices, empty_label=_("All")
    )

    class Meta:
        model = ProgressReport
        fields = ["q", "department", "period", "status", "is_late", "overdue", "light"]

    def __init__(self, data=None, *args, request=None, **kwargs):
        super().__init__(data, *args, request=request, **kwargs)
        choices = _period_choices(request)
        asked = (data or {}).get("period") or ""
        if asked and PERIOD_CODE.fullmatch(asked) and asked not in dict(choices):
            choices.append((asked, ReportingPeriod.label_of_code(asked)))
        self.filters["period"].extra["choices"] = choices

    def filter_text(self, queryset, name, value):
        """Part of the title of the report's key task (as the header's search finds reports): the
        tasks as a subquery, found through their title's trigram index on PostgreSQL."""
        value = " ".join(value.split())
        return queryset.filter(task__in=KeyTask.objects.filter(title__icontains=value).values("pk")) if value else queryset

    def filter_overdue(self, queryset, name, value):
        # The querysets of the work lists carry the ``overdue`` annotation (selectors.report_rows).
        if value is None:
            return queryset
        return queryset.filter(overdue=value)


class DepartmentFilter(django_filters.FilterSet):
    """Filters of the department list: a name (full, short or an alias) and a region of the user's."""

    q = django_filters.CharFilter(label=_("Search"), method="filter_text")
    region = django_filters.ModelChoiceFilter(
        label=_("Region"), queryset=lambda request: access.scoped_regions(request.user) if request else Department.objects.none(),
        method="filter_region", empty_label=_("All"),
    )

    class Meta:
        model = Department
        fields = ["q", "region"]

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(short_name__icontains=value) | Q(aliases__alias__icontains=value)).distinct()

    def filter_region(self, queryset, name, value):
        return queryset.filter(region__path__startswith=value.path)
