import django_filters
from django.utils.translation import gettext_lazy as _

from evaluation.models import Evaluation, GeneratedReport
from tasks.models import Plan


class EvaluationFilter(django_filters.FilterSet):
    plan = django_filters.ModelChoiceFilter(
        label=_("Plan"), queryset=Plan.objects.all(), empty_label=_("All")
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Evaluation.Kind.choices, empty_label=_("All"))
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Evaluation.Status.choices, empty_label=_("All")
    )

    class Meta:
        model = Evaluation
        fields = ["plan", "kind", "status"]


class GeneratedReportFilter(django_filters.FilterSet):
    plan = django_filters.ModelChoiceFilter(
        label=_("Plan"), queryset=Plan.objects.all(), empty_label=_("All")
    )
    kind = django_filters.ChoiceFilter(
        label=_("Report"), choices=GeneratedReport.Kind.choices, empty_label=_("All")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=GeneratedReport.Status.choices, empty_label=_("All")
    )

    class Meta:
        model = GeneratedReport
        fields = ["plan", "kind", "status"]
