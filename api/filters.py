"""Filters of the list endpoints. Ids in filters are checked against the caller's scope: an id of
another region is refused (400, the parameter named) exactly like an id that does not exist."""

from __future__ import annotations

import django_filters as filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from api import scope
from evaluation.models import Evaluation
from funding.models import FundingLine, Source
from indicators.models import Indicator, IndicatorValue
from supervision.models import SupervisionNotice
from tasks.models import KeyTask, Light, Plan, PlanSection, ProgressReport, Region, ReportingPeriod


class IntFilter(filters.NumberFilter):
    field_class = forms.IntegerField


@extend_schema_field({"type": "integer", "minimum": 2000, "maximum": 2100})
class YearFilter(IntFilter):
    pass


def year_filter(**kwargs):
    return YearFilter(min_value=2000, max_value=2100, **kwargs)


UPDATED_SINCE = _("Only rows changed at or after this moment (ISO 8601), for incremental sync.")


def _plans(request):
    return scope.plans(request.user) if request else Plan.objects.none()


def _departments(request):
    return scope.departments(request.user) if request else Plan.objects.none()


def _periods(request):
    return scope.periods(request.user) if request else ReportingPeriod.objects.none()


def _indicators(request):
    return scope.indicators(request.user) if request else Indicator.objects.none()


def _region_subtree(field: str):
    def apply(queryset, name, region):
        if region is None:
            return queryset
        return queryset.filter(**{f"{field}__path__startswith": region.path})

    return apply


@extend_schema_field(OpenApiTypes.INT)
class RegionFilter(filters.ModelChoiceFilter):
    """A region and every region below it."""

    def __init__(self, field: str, **kwargs):
        super().__init__(
            queryset=Region.objects.all(), method=_region_subtree(field),
            help_text=_("A region id: rows of that region and of the regions below it."), **kwargs
        )


class PlanFilterSet(filters.FilterSet):
    region = RegionFilter("region")
    status = filters.ChoiceFilter(choices=Plan.Status.choices)
    updated_since = filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte", help_text=UPDATED_SINCE)

    class Meta:
        model = Plan
        fields = ["region", "status", "updated_since"]


class SectionFilterSet(filters.FilterSet):
    plan = filters.ModelChoiceFilter(queryset=_plans)

    class Meta:
        model = PlanSection
        fields = ["plan"]


class KeyTaskFilterSet(filters.FilterSet):
    plan = filters.ModelChoiceFilter(queryset=_plans)
    region = RegionFilter("plan__region")
    department = filters.ModelChoiceFilter(queryset=_departments, field_name="task_departments__department", distinct=False)
    status = filters.ChoiceFilter(choices=KeyTask.Status.choices)
    light = filters.ChoiceFilter(choices=Light.choices)
    updated_since = filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte", help_text=UPDATED_SINCE)

    class Meta:
        model = KeyTask
        fields = ["plan", "region", "department", "status", "light", "updated_since"]


class PeriodFilterSet(filters.FilterSet):
    plan = filters.ModelChoiceFilter(queryset=_plans)
    cadence = filters.ChoiceFilter(choices=KeyTask.Cadence.choices)
    year = year_filter()

    class Meta:
        model = ReportingPeriod
        fields = ["plan", "cadence", "year"]


class ReportFilterSet(filters.FilterSet):
    plan = filters.ModelChoiceFilter(queryset=_plans, field_name="task__plan")
    region = RegionFilter("task__plan__region")
    department = filters.ModelChoiceFilter(queryset=_departments)
    period = filters.ModelChoiceFilter(queryset=_periods)
    status = filters.ChoiceFilter(choices=ProgressReport.Status.choices)
    updated_since = filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte", help_text=UPDATED_SINCE)

    class Meta:
        model = ProgressReport
        fields = ["plan", "region", "department", "period", "status", "updated_since"]


class NoticeFilterSet(filters.FilterSet):
    plan = filters.ModelChoiceFilter(queryset=_plans, field_name="task__plan")
    region = RegionFilter("task__plan__region")
    department = filters.ModelChoiceFilter(queryset=_departments)
    status = filters.ChoiceFilter(choices=SupervisionNotice.Status.choices)
    updated_since = filters.IsoDateTimeFilter(
        method="changed_since", help_text=_("Only notices issued, acknowledged, answered or decided at or after this moment (ISO 8601).")
    )

    class Meta:
        model = SupervisionNotice
        fields = ["plan", "region", "department", "status", "updated_since"]

    def changed_since(self, queryset, name, moment):
        if moment is None:
            return queryset
        return queryset.filter(
            Q(issued_at__gte=moment) | Q(acknowledged_at__gte=moment) | Q(responded_at__gte=moment) | Q(decided_at__gte=moment)
        )


class IndicatorFilterSet(filters.FilterSet):
    plan = filters.ModelChoiceFilter(queryset=_plans)
    region = RegionFilter("plan__region")
    department = filters.ModelChoiceFilter(queryset=_departments)
    updated_since = filters.IsoDateTimeFilter(
        method="values_changed_since", help_text=_("Only indicators with a value changed at or after this moment (ISO 8601).")
    )

    class Meta:
        model = Indicator
        fields = ["plan", "region", "department", "updated_since"]

    def values_changed_since(self, queryset, name, moment):
        if moment is None:
            return queryset
        return queryset.filter(pk__in=IndicatorValue.objects.filter(updated_at__gte=moment).values("indicator_id"))


class ValueFilterSet(filters.FilterSet):
    plan = filters.ModelChoiceFilter(queryset=_plans, field_name="indicator__plan")
    indicator = filters.ModelChoiceFilter(queryset=_indicators)
    region = RegionFilter("region")
    department = filters.ModelChoiceFilter(queryset=_departments, field_name="indicator__department")
    year = year_filter()
    period = filters.CharFilter(field_name="period_code", help_text=_("2024, 2024Q1–Q4 or 2024H1/H2."))
    status = filters.ChoiceFilter(choices=IndicatorValue.Status.choices)
    updated_since = filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte", help_text=UPDATED_SINCE)

    class Meta:
        model = IndicatorValue
        fields = ["plan", "indicator", "region", "department", "year", "period", "status", "updated_since"]


class FundingLineFilterSet(filters.FilterSet):
    plan = filters.ModelChoiceFilter(queryset=_plans)
    region = RegionFilter("plan__region")
    department = filters.ModelChoiceFilter(queryset=_departments)
    fiscal_year = year_filter()
    source = filters.ChoiceFilter(choices=Source.choices)

    class Meta:
        model = FundingLine
        fields = ["plan", "region", "department", "fiscal_year", "source"]


class EvaluationFilterSet(filters.FilterSet):
    plan = filters.ModelChoiceFilter(queryset=_plans)
    kind = filters.ChoiceFilter(choices=Evaluation.Kind.choices)

    class Meta:
        model = Evaluation
        fields = ["plan", "kind"]
