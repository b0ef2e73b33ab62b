import django_filters
from django.utils.translation import gettext_lazy as _

from evaluation.models import Evaluation, GeneratedReport
from tasks.access import visible_plans
from tasks.models import Plan


def _plans(request):
    """The plans the user sees (their regions'), not every plan in the country."""
    return visible_plans(request.user) if request is not None else Plan.objects.none()


class EvaluationFilter(django_filters.FilterSet):
    plan = django_filters.ModelChoiceFilter(
        label=_("Plan"), queryset=_plans, empty_label=_("All")
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
        label=_("Plan"), queryset=_plans, empty_label=_("All")
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
