import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from common.filters import RowChoiceFilter
from supervision.models import SupervisionNotice
from supervision.notices import notice_search_q
from tasks.access import own_work_departments
from tasks.models import Department


def _departments(request):
    """Staff choose among their regions' departments, a liaison among their own (``tasks.access.own_work_departments``)."""
    if request is None:
        return Department.objects.none()
    return own_work_departments(request.user)


class NoticeFilter(django_filters.FilterSet):
    """Filters of the notice list (the queryset comes from ``notices.notice_rows``)."""

    q = django_filters.CharFilter(label=_("Search"), method="filter_text")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=SupervisionNotice.Status.choices, empty_label=_("All"))
    level = django_filters.ChoiceFilter(label=_("Level"), choices=SupervisionNotice.Level.choices, empty_label=_("All"))
    department = RowChoiceFilter(
        label=_("Department"), queryset=lambda request: _departments(request), empty_label=_("All")
    )
    overdue = django_filters.BooleanFilter(
        label=_("Overdue"),
        widget=forms.Select(choices=[("", _("All")), ("true", _("Overdue")), ("false", _("Not overdue"))]),
    )
    year = django_filters.NumberFilter(label=_("Year"), widget=forms.NumberInput(attrs={"min": 2000, "max": 2100}))

    class Meta:
        model = SupervisionNotice
        fields = ["q", "status", "level", "department", "overdue", "year"]

    def filter_text(self, queryset, name, value):
        """A number (督办〔2024〕12号, 2024-12, 12) or part of the key task's title (the header's search too)."""
        value = " ".join(value.split())
        return queryset.filter(notice_search_q(value)) if value else queryset
