"""Forms of the evaluation pages. Rules stay in ``evaluation.services``; the score fields call
its ``score_value`` so that a bad score is reported on its own field."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import EVALUATOR, SUPERVISOR
from evaluation import services
from evaluation.models import Evaluation, GeneratedReport
from tasks.access import region_and_above_paths
from tasks.models import Department, Plan

TEXTAREA = {"class": "form-control", "rows": 4}


def _users_in(*groups: str, region=None):
    """Active users of ``groups``; with ``region``, only staff placed in it or above it (who see the
    plan: another prefecture's evaluator is no choice for this prefecture's evaluation)."""
    users = User.objects.filter(is_active=True, groups__name__in=groups)
    if region is not None:
        users = users.filter(region_staff__region__path__in=region_and_above_paths(region))
    return users.distinct().order_by("username")


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


class DepartmentsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class EvaluationForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=Evaluation.Kind.choices, widget=forms.Select(attrs={"class": "form-select"})
    )
    title = forms.CharField(
        label=_("Title"), max_length=300, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    lead = UserChoiceField(
        label=_("Evaluation lead"),
        queryset=User.objects.none(),
        widget=forms.Select(attrs={"class": "form-select"}),
        help_text=_(
            "A supervisor or an evaluator; they review the self-assessments, assign the evaluators and sign off."
        ),
    )
    spread_threshold = forms.DecimalField(
        label=_("Spread threshold"),
        initial=Decimal(15),
        min_value=Decimal(0),
        max_value=Decimal(100),
        decimal_places=2,
        widget=forms.NumberInput(attrs={"class": "form-control", "step": "0.01"}),
        help_text=_(
            "Evaluators disagree when their scores for a criterion differ by more than this many points of 100."
        ),
    )

    def __init__(self, *args, plan: Plan | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = _users_in(SUPERVISOR, EVALUATOR, region=plan.region if plan else None)


class AssignForm(forms.Form):
    evaluator = UserChoiceField(
        label=_("Evaluator"),
        queryset=User.objects.none(),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    departments = DepartmentsField(
        label=_("Departments to score"),
        queryset=Department.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, evaluation: Evaluation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evaluator"].queryset = _users_in(EVALUATOR, region=evaluation.plan.region)
        self.fields["departments"].queryset = services.participating_departments_query(evaluation.plan)


class CriterionScoresForm(forms.Form):
    """A score and a comment per criterion of the rubric (``score_<id>``, ``comment_<id>``)."""

    def __init__(self, *args, criteria, required_hint: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            self.fields[f"score_{criterion.pk}"] = forms.CharField(
                label=criterion.name,
                required=False,
                widget=forms.TextInput(
                    attrs={
                        "class": "form-control",
                        "inputmode": "decimal",
                        "placeholder": f"0–{criterion.scale_max}",
                    }
                ),
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=_("Comment"),
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}),
            )

    def clean(self):
        cleaned = super().clean()
        for criterion in self.criteria:
            value = (cleaned.get(f"score_{criterion.pk}") or "").strip()
            if value:
                try:
                    services.score_value(criterion, value)
                except ValidationError as error:
                    self.add_error(f"score_{criterion.pk}", error)
        return cleaned

    def rows(self):
        """(criterion, score field, comment field) for the template."""
        return [(c, self[f"score_{c.pk}"], self[f"comment_{c.pk}"]) for c in self.criteria]

    def scores(self) -> dict:
        return {
            c: (self.cleaned_data.get(f"score_{c.pk}", ""), self.cleaned_data.get(f"comment_{c.pk}", ""))
            for c in self.criteria
        }


class SelfAssessmentForm(CriterionScoresForm):
    """The department's self-assessment. ``version`` is what the writer loaded, so that a stale
    save (another liaison saved in between) is refused."""

    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    narrative = forms.CharField(
        label=_("Narrative"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 8}),
        help_text=_("What the department did for its key tasks, what it achieved, what is still open."),
    )

    def typed(self) -> dict:
        """What the writer typed, as the services take it (``narrative``, ``scores``, ``version``)."""
        return {
            "narrative": self.cleaned_data["narrative"],
            "scores": self.scores(),
            "version": self.cleaned_data["version"],
        }


class ScoringForm(CriterionScoresForm):
    conclusion = forms.CharField(
        label=_("Conclusion"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("Your conclusion on this department; it is printed in the final report."),
    )


class SignOffForm(forms.Form):
    conclusion = forms.CharField(
        label=_("Overall conclusion"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("Printed in the final report with the evaluators' conclusions."),
    )


class ReportRequestForm(forms.Form):
    plan = forms.ModelChoiceField(
        label=_("Plan"), queryset=Plan.objects.none(), widget=forms.Select(attrs={"class": "form-select"})
    )
    kind = forms.ChoiceField(
        label=_("Report"),
        choices=GeneratedReport.Kind.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    period_code = forms.CharField(
        label=_("Period (bulletins)"),
        required=False,
        max_length=8,
        widget=forms.TextInput(attrs={"class": "form-control", "placeholder": "2024Q2"}),
        help_text=_("A quarter (2024Q2), half-year (2024H1) or year (2024)."),
    )
    with_task_detail = forms.BooleanField(
        label=_("With task detail"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
        help_text=_(
            "Adds every key task and the names of its evidence files. A province's report otherwise sums them per prefecture and per section."
        ),
    )

    def __init__(self, *args, plans, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans


class CriterionRowForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(
        label=_("Criterion"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    weight = forms.DecimalField(
        label=_("Weight (%)"),
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(100),
        decimal_places=2,
        widget=forms.NumberInput(attrs={"class": "form-control", "step": "0.01"}),
    )
    scale_max = forms.IntegerField(
        label=_("Maximum score"),
        required=False,
        min_value=1,
        max_value=1000,
        initial=100,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )
    delete = forms.BooleanField(label=_("Remove"), required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("name", "").strip() and not cleaned.get("delete"):
            if cleaned.get("weight") is None:
                self.add_error("weight", _("Give the criterion a weight."))
            if cleaned.get("scale_max") is None:
                self.add_error("scale_max", _("Give the criterion a maximum score."))
        return cleaned


CriterionFormSet = forms.formset_factory(CriterionRowForm, extra=2)


class RubricNameForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=200, widget=forms.TextInput(attrs={"class": "form-control"})
    )
