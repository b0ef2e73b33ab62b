"""Filters of the work lists: by kind of work, department and overdue, all on the database."""

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.filters import RowChoiceFilter
from inbox.selectors import DEPARTMENT_STEPS
from inbox.selectors import node_names as _node_names
from tasks.access import own_work_departments
from tasks.models import Department, KeyTask, Light
from workflows.listing import work_kinds


def _departments(request):
    """Staff choose among their regions' departments, a liaison among their own (``tasks.access.own_work_departments``)."""
    if request is None:
        return Department.objects.none()
    return own_work_departments(request.user)


def _kind_choices():
    return [(kind.key, kind.label) for kind in work_kinds()]


class WorkFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("Kind of work"), choices=_kind_choices, method="filter_kind")
    department = RowChoiceFilter(
        label=_("Department"), queryset=_departments, method="filter_department"
    )
    overdue = django_filters.BooleanFilter(
        label=_("Overdue"),
        method="filter_overdue",
        widget=forms.Select(choices=[("", "---------"), ("true", _("Yes")), ("false", _("No"))]),
    )
    light = django_filters.ChoiceFilter(label=_("Light"), choices=Light.choices, method="filter_light")

    def filter_kind(self, queryset, name, value):
        return queryset.filter(process__data__kind=value)

    def filter_department(self, queryset, name, value):
        return queryset.filter(process__data__department_id=value.pk)

    def filter_overdue(self, queryset, name, value):
        """The writers' steps past their due date (reviews wait on the reviewer, not the department)."""
        late = queryset.filter(due_on__lt=timezone.localdate().isoformat()).exclude(due_on="").filter(_node_names(DEPARTMENT_STEPS))
        return late if value else queryset.exclude(pk__in=late.values("pk"))

    def filter_light(self, queryset, name, value):
        """The light of the key task the work is about (the one light: ``tasks.lights``)."""
        return queryset.filter(task_pk__in=KeyTask.objects.filter(light=value).values("pk"))
