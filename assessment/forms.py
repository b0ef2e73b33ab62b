from django import forms
from django.utils.translation import gettext_lazy as _

from assessment.models import AssessmentScheme, SchemeItem
from common.forms import DataOptionsSelect

SELECT = {"class": "form-select"}
TEXT = {"class": "form-control"}
NUMBER = {"class": "form-control", "step": "0.01", "inputmode": "decimal"}


class SchemeForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), widget=forms.NumberInput(attrs=TEXT))
    title = forms.CharField(label=_("Title"), max_length=200, widget=forms.TextInput(attrs=TEXT))


class SchemeTitleForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, widget=forms.TextInput(attrs=TEXT))


PARAMS_HELP = _(
    "key=value, separated by ;  — 参考值=90 (proportional, yes/no); 达标值=85 (threshold); 分档=90:1,80:0.5 "
    "(stepped: bar:share); 下限分位=10; 上限分位=90; 保底=0.6 (banded); 最高等级=良好 (veto)."
)


class ItemForm(forms.Form):
    """Weight, rule and parameters of an item (the kind and indicator are chosen when it is added)."""

    weight = forms.DecimalField(label=_("Points"), max_digits=7, decimal_places=2, widget=forms.NumberInput(attrs=NUMBER))
    rule = forms.ChoiceField(label=_("Scoring rule"), choices=SchemeItem.Rule.choices, widget=forms.Select(attrs=SELECT))
    reference = forms.DecimalField(
        label=_("Reference value"),
        required=False,
        max_digits=16,
        decimal_places=4,
        help_text=SchemeItem._meta.get_field("reference").help_text,
        widget=forms.NumberInput(attrs={**NUMBER, "step": "any"}),
    )
    floor_share = forms.DecimalField(
        label=_("Floor share"),
        required=False,
        max_digits=4,
        decimal_places=2,
        initial="0.60",
        help_text=SchemeItem._meta.get_field("floor_share").help_text,
        widget=forms.NumberInput(attrs=NUMBER),
    )
    params = forms.CharField(label=_("Parameters"), required=False, max_length=300, help_text=PARAMS_HELP, widget=forms.TextInput(attrs=TEXT))
    source = forms.CharField(label=_("Data source"), required=False, max_length=200, widget=forms.TextInput(attrs=TEXT))


class ItemAddForm(ItemForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=SchemeItem.Kind.choices, widget=forms.Select(attrs=SELECT))
    indicator = forms.ModelChoiceField(
        label=_("Indicator"), queryset=None, required=False, widget=forms.Select(attrs=SELECT)
    )
    title = forms.CharField(
        label=_("Title"), required=False, max_length=200, widget=forms.TextInput(attrs=TEXT),
        help_text=_("Items judged by the assessors, bonus, deduction and veto items: the item's title."),
    )
    field_order = ["kind", "indicator", "title", "weight", "rule", "params", "reference", "floor_share", "source"]

    def __init__(self, *args, scheme: AssessmentScheme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = scheme.plan.indicators.order_by("position", "pk")


class BonusForm(forms.Form):
    item = forms.ModelChoiceField(label=_("Bonus or deduction item"), queryset=None, required=False, widget=forms.Select(attrs=SELECT))
    region = forms.ModelChoiceField(label=_("Prefecture"), queryset=None, widget=forms.Select(attrs=SELECT))
    points = forms.DecimalField(
        label=_("Points (+ bonus, − deduction)"), max_digits=7, decimal_places=2, widget=forms.NumberInput(attrs=NUMBER)
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={**TEXT, "rows": 2})
    )
    evidence = forms.FileField(label=_("Evidence"), required=False, widget=forms.ClearableFileInput(attrs={"class": "form-control"}))

    def __init__(self, *args, regions, items=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        self.fields["item"].queryset = items if items is not None else SchemeItem.objects.none()


class VetoForm(forms.Form):
    item = forms.ModelChoiceField(label=_("Veto item"), queryset=None, widget=forms.Select(attrs=SELECT))
    region = forms.ModelChoiceField(label=_("Prefecture"), queryset=None, widget=forms.Select(attrs=SELECT))
    incident = forms.CharField(label=_("Incident"), max_length=1000, widget=forms.Textarea(attrs={**TEXT, "rows": 2}))
    link = forms.URLField(label=_("Link to the incident record"), required=False, assume_scheme="https", widget=forms.URLInput(attrs=TEXT))
    evidence = forms.FileField(label=_("Evidence"), required=False, widget=forms.ClearableFileInput(attrs={"class": "form-control"}))

    def __init__(self, *args, regions, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        self.fields["item"].queryset = items


class SettingsForm(forms.Form):
    total_points = forms.DecimalField(label=_("Total points"), max_digits=7, decimal_places=2, widget=forms.NumberInput(attrs=NUMBER))
    excellent_from = forms.DecimalField(label=_("Excellent from"), max_digits=7, decimal_places=2, widget=forms.NumberInput(attrs=NUMBER))
    good_from = forms.DecimalField(label=_("Good from"), max_digits=7, decimal_places=2, widget=forms.NumberInput(attrs=NUMBER))
    pass_from = forms.DecimalField(label=_("Pass from"), max_digits=7, decimal_places=2, widget=forms.NumberInput(attrs=NUMBER))
    bonus_cap = forms.DecimalField(label=_("Bonus cap per prefecture"), required=False, max_digits=7, decimal_places=2, widget=forms.NumberInput(attrs=NUMBER))
    deduction_cap = forms.DecimalField(label=_("Deduction cap per prefecture"), required=False, max_digits=7, decimal_places=2, widget=forms.NumberInput(attrs=NUMBER))
    verified_replaces = forms.BooleanField(label=_("A value verified on site replaces the reported one"), required=False)
    discrepancy_points = forms.DecimalField(label=_("Points taken off per discrepancy"), max_digits=7, decimal_places=2, widget=forms.NumberInput(attrs=NUMBER))


class SchemeImportForm(forms.Form):
    file = forms.FileField(label=_("Scheme sheet (.xlsx, .xls or .csv)"), widget=forms.ClearableFileInput(attrs={"class": "form-control"}))


class ChooseForm(forms.Form):
    count = forms.IntegerField(label=_("Prefectures to assess"), min_value=1, widget=forms.NumberInput(attrs=TEXT))
    seed = forms.IntegerField(label=_("Seed (empty: drawn at random and recorded)"), required=False, widget=forms.NumberInput(attrs=TEXT))


class JudgeForm(forms.Form):
    item = forms.ModelChoiceField(label=_("Item"), queryset=None, widget=forms.Select(attrs=SELECT))
    met = forms.TypedChoiceField(
        label=_("Met"), choices=[("1", _("Yes")), ("0", _("No"))], coerce=lambda v: v == "1", widget=forms.Select(attrs=SELECT)
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=1000, widget=forms.Textarea(attrs={**TEXT, "rows": 2}))
    evidence = forms.FileField(label=_("Evidence"), required=False, widget=forms.ClearableFileInput(attrs={"class": "form-control"}))

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items


class SelfScoreForm(forms.Form):
    """One field per item counted in the total: the prefecture's own score."""

    def __init__(self, *args, items, initial_scores=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        for item in self.items:
            self.fields[f"item_{item.pk}"] = forms.DecimalField(
                label=f"{item.label}（{item.weight.normalize():f}）", required=False, max_digits=7, decimal_places=2,
                min_value=0, initial=(initial_scores or {}).get(item.pk), widget=forms.NumberInput(attrs=NUMBER),
            )

    def scores(self) -> dict:
        return {item: self.cleaned_data.get(f"item_{item.pk}") for item in self.items}


class SampleForm(forms.Form):
    reports_each = forms.IntegerField(label=_("Approved reports per indicator or task"), min_value=0, initial=2, widget=forms.NumberInput(attrs=TEXT))
    files_each = forms.IntegerField(label=_("Evidence files per indicator or task"), min_value=0, initial=1, widget=forms.NumberInput(attrs=TEXT))
    seed = forms.IntegerField(label=_("Seed (empty: drawn at random and recorded)"), required=False, widget=forms.NumberInput(attrs=TEXT))


class CheckForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Finding"), choices=[("confirmed", _("Confirmed")), ("discrepancy", _("Discrepancy"))], widget=forms.Select(attrs=SELECT)
    )
    corrected_value = forms.DecimalField(label=_("Verified value"), required=False, max_digits=16, decimal_places=4, widget=forms.NumberInput(attrs={**NUMBER, "step": "any"}))
    note = forms.CharField(label=_("Note"), required=False, max_length=1000, widget=forms.TextInput(attrs=TEXT))


class RespondForm(forms.Form):
    response = forms.CharField(label=_("Response"), max_length=2000, widget=forms.Textarea(attrs={**TEXT, "rows": 2}))


class AdjustForm(forms.Form):
    score = forms.ChoiceField(label=_("Prefecture and item"), widget=DataOptionsSelect(attrs=SELECT))
    new_score = forms.DecimalField(
        label=_("New score"), max_digits=7, decimal_places=2, widget=forms.NumberInput(attrs=NUMBER)
    )
    reason = forms.CharField(label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={**TEXT, "rows": 2}))

    def __init__(self, *args, result=None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = []
        if result is not None:
            for row in sorted(result.rows, key=lambda r: (r.region.code or "", r.region.name)):
                for item, cell in zip(result.items, row.cells, strict=True):
                    if cell is not None:
                        choices.append((str(cell.pk), f"{row.region.name} · {item.label} ({cell.effective})"))
        self.fields["score"].choices = choices


class SignOffForm(forms.Form):
    confirm = forms.BooleanField(label=_("The scores are final: freeze them and publish the ranking"))
