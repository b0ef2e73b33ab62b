import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.filters import RowChoiceFilter
from funding import selectors
from funding.models import FundingLine, Source
from tasks.models import Department, Plan


class FundingLineFilter(django_filters.FilterSet):
    plan = django_filters.ChoiceFilter(label=_("Plan"), choices=[], method="filter_noop", empty_label=None)
    q = django_filters.CharFilter(label=_("Search"), method="filter_text")
    fiscal_year = django_filters.ChoiceFilter(label=_("Fiscal year"), choices=[], empty_label=_("All"))
    source = django_filters.ChoiceFilter(label=_("Source"), choices=Source.choices, empty_label=_("All"))
    department = RowChoiceFilter(label=_("Department"), queryset=Department.objects.none(), empty_label=_("All"))
    lagging = django_filters.BooleanFilter(
        label=_("Lagging"),
        method="filter_lagging",
        widget=forms.Select(choices=[("", _("All")), ("true", _("Lagging")), ("false", _("On track"))]),
    )

    class Meta:
        model = FundingLine
        fields = ["plan", "q", "fiscal_year", "source", "department", "lagging"]

    def __init__(self, *args, plan: Plan, plans, **kwargs):
        super().__init__(*args, **kwargs)
        # The plans the user sees, read once (the choices and their check, no query per plan).
        self.filters["plan"].extra["choices"] = [(str(pk), title) for pk, title in plans.values_list("pk", "title")]
        self.filters["fiscal_year"].extra["choices"] = [(year, str(year)) for year in plan.years]
        self.filters["department"].queryset = Department.objects.filter(region=plan.region, is_active=True)
        self.plan = plan
        self.form.initial.setdefault("plan", str(plan.pk))  # builds the form: last

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(purpose__icontains=value) | Q(budget_subject__icontains=value) | Q(code=value))

    def filter_lagging(self, queryset, name, value):
        if value is None:
            return queryset
        return selectors.with_figures(queryset, plan=self.plan).filter(is_lagging=value)

    def filter_noop(self, queryset, name, value):
        return queryset  # the view chose the plan
