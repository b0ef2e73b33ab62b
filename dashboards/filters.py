"""Filters of the province's view."""

import django_filters
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from dashboards import province
from tasks.models import Department, KeyTask, Light, Plan, TaskDepartment


class MatrixFilter(django_filters.FilterSet):
    """Rows of the matrix: by section of the higher-level plan, and by the light of their cells."""

    section = django_filters.ModelChoiceFilter(
        label=_("Section"), queryset=None, method="filter_section", empty_label=_("All")
    )
    light = django_filters.ChoiceFilter(
        label=_("A region's light"), choices=Light.choices, empty_label=_("All"), method="filter_light"
    )

    class Meta:
        model = KeyTask
        fields = ["section", "light"]

    def __init__(self, *args, plan: Plan, plans: list[Plan], **kwargs):
        super().__init__(*args, **kwargs)
        self.plans = plans
        self.filters["section"].queryset = plan.sections.order_by("position")

    def filter_section(self, queryset, name, value):
        # A chapter matches the tasks of its sections too (as on the task list).
        return queryset.filter(section_id__in=[value.pk, *value.children.values_list("pk", flat=True)])

    def filter_light(self, queryset, name, value):
        return province.rows_with_light(queryset, plans=self.plans, light=value)


class RegionTaskFilter(django_filters.FilterSet):
    """One region's copies of the cascaded tasks, by lead department."""

    department = django_filters.ModelChoiceFilter(
        label=_("Lead department"), queryset=None, method="filter_department", empty_label=_("All")
    )
    light = django_filters.ChoiceFilter(label=_("Light"), choices=Light.choices, empty_label=_("All"))

    class Meta:
        model = KeyTask
        fields = ["department", "light"]

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["department"].queryset = Department.objects.filter(region_id=plan.region_id, is_active=True)

    def filter_department(self, queryset, name, value):
        leads = TaskDepartment.objects.filter(task=OuterRef("pk"), department=value, role=TaskDepartment.Role.LEAD)
        return queryset.filter(Exists(leads))
