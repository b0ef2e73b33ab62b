from django import forms
from django.utils.translation import gettext_lazy as _

from assessment.models import AssessmentScheme, SchemeItem

SELECT = {"class": "form-select"}
TEXT = {"class": "form-control"}
NUMBER = {"class": "form-control", "step": "0.01", "inputmode": "decimal"}


class SchemeForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), widget=forms.NumberInput(attrs=TEXT))
    title = forms.CharField(label=_("Title"), max_length=200, widget=forms.TextInput(attrs=TEXT))


class SchemeTitleForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, widget=forms.TextInput(attrs=TEXT))


class ItemForm(forms.Form):
    """Weight and rule of an item (the kind and indicator are chosen when it is added)."""

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


class ItemAddForm(ItemForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=SchemeItem.Kind.choices, widget=forms.Select(attrs=SELECT))
    indicator = forms.ModelChoiceField(
        label=_("Indicator"), queryset=None, required=False, widget=forms.Select(attrs=SELECT)
    )
    field_order = ["kind", "indicator", "weight", "rule", "reference", "floor_share"]

    def __init__(self, *args, scheme: AssessmentScheme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = scheme.plan.indicators.order_by("position", "pk")


class BonusForm(forms.Form):
    region = forms.ModelChoiceField(label=_("Prefecture"), queryset=None, widget=forms.Select(attrs=SELECT))
    points = forms.DecimalField(
        label=_("Points (+ bonus, − deduction)"), max_digits=7, decimal_places=2, widget=forms.NumberInput(attrs=NUMBER)
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={**TEXT, "rows": 2})
    )

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions


class AdjustForm(forms.Form):
    score = forms.ChoiceField(label=_("Prefecture and item"), widget=forms.Select(attrs=SELECT))
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
