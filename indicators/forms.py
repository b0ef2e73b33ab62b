from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from indicators.models import Indicator, IndicatorValue
from tasks.models import Plan


class ValueForm(forms.Form):
    """A liaison's value. The number is typed as text: the service checks it against the unit."""

    value = forms.CharField(label=_("Value"), required=False, max_length=40)
    text = forms.CharField(label=_("Result in words"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=3000)
    source = forms.CharField(label=pgettext_lazy("data", "Source"), required=False, max_length=300, help_text=_("Where the figure comes from."))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    numerator = forms.CharField(required=False, max_length=40)
    denominator = forms.CharField(required=False, max_length=40)

    def __init__(self, *args, indicator, **kwargs):
        super().__init__(*args, **kwargs)
        if indicator.is_numeric:
            del self.fields["text"]
            self.fields["value"].help_text = _("In %(unit)s.") % {"unit": indicator.unit_display} if indicator.unit_display else ""
        else:
            del self.fields["value"]
        if indicator.has_fraction:
            self.fields["numerator"].label = indicator.numerator_label or _("Numerator")
            self.fields["denominator"].label = indicator.denominator_label or (
                _("Population") if indicator.unit_kind == indicator.UnitKind.PER_100K else _("Denominator")
            )
            self.fields["value"].required = False
            self.fields["value"].help_text = _("Computed from the numerator and the denominator when left empty (in %(unit)s).") % {
                "unit": indicator.unit_display or "—"
            }
            self.order_fields(["numerator", "denominator", "value"])
        else:
            del self.fields["numerator"]
            del self.fields["denominator"]
        for field in self.fields.values():
            if not isinstance(field.widget, forms.HiddenInput):
                field.widget.attrs.setdefault("class", "form-control")


class NewValueForm(ValueForm):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)
    period_code = forms.CharField(
        label=_("Period"), required=False, max_length=8, help_text=_("Empty for the whole year, or e.g. 2024Q2.")
    )

    def __init__(self, *args, indicator, **kwargs):
        super().__init__(*args, indicator=indicator, **kwargs)
        self.fields["year"].choices = [(y, y) for y in range(indicator.plan.start_year, indicator.plan.end_year + 1)]
        self.fields["year"].widget.attrs["class"] = "form-select"
        self.fields["period_code"].widget.attrs["class"] = "form-control"
        self.order_fields(["year", "period_code", "numerator", "denominator", "value"])


class JudgementForm(forms.Form):
    judgement = forms.ChoiceField(
        label=_("Judgement"), choices=IndicatorValue.Judgement.choices, widget=forms.Select(attrs={"class": "form-select"})
    )
    comment = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}), max_length=2000
    )


IMPORT_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv")


class IndicatorImportForm(forms.Form):
    """Upload an indicator sheet (主要指标表) into an existing plan."""

    file = forms.FileField(label=_("Indicator sheet (.xlsx, .xls or .csv)"), widget=forms.ClearableFileInput(attrs={"class": "form-control"}))
    plan = forms.ModelChoiceField(label=_("Plan"), queryset=Plan.objects.exclude(status=Plan.Status.CLOSED))
    sheet = forms.CharField(
        label=_("Worksheet"),
        max_length=100,
        required=False,
        help_text=_("Leave empty: the worksheet that holds the indicator table is found."),
    )
    create_departments = forms.BooleanField(label=_("Create departments that are not in the directory"), required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(max)d MB.") % {"max": settings.IMPORT_MAX_BYTES // (1024 * 1024)}
            )
        if not upload.name.lower().endswith(IMPORT_SUFFIXES):
            raise forms.ValidationError(_("Upload an Excel workbook (.xlsx or .xls) or a .csv file."))
        return upload


def target_field_name(indicator_pk: int, year: int) -> str:
    return f"t-{indicator_pk}-{year}"


class RegionTargetsForm(forms.Form):
    """The grid of per-region annual targets: one text field per region × year (the service reads
    each against the indicator's unit)."""

    def __init__(self, *args, grid, **kwargs):
        super().__init__(*args, **kwargs)
        self.grid = grid
        for row in grid.rows:
            for year in grid.years:
                initial = row.initial.get(year)
                self.fields[target_field_name(row.indicator.pk, year)] = forms.CharField(
                    label=f"{row.region.name} {year}",
                    required=False,
                    max_length=40,
                    initial="" if initial is None else f"{initial.normalize():f}",
                    widget=forms.TextInput(attrs={"class": "form-control form-control-sm", "inputmode": "decimal"}),
                )

    def values(self) -> dict[tuple[int, int], str]:
        return {
            (row.indicator.pk, year): self.cleaned_data.get(target_field_name(row.indicator.pk, year), "")
            for row in self.grid.rows
            for year in self.grid.years
        }

    def cells(self):
        """(row, [(year, bound field)]) for the template."""
        return [(row, [(year, self[target_field_name(row.indicator.pk, year)]) for year in self.grid.years]) for row in self.grid.rows]


class TargetSheetForm(forms.Form):
    file = forms.FileField(label=_("Sheet of targets (.xlsx)"), widget=forms.ClearableFileInput(attrs={"class": "form-control"}))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(max)d MB.") % {"max": settings.IMPORT_MAX_BYTES // (1024 * 1024)}
            )
        if not upload.name.lower().endswith((".xlsx", ".xlsm")):
            raise forms.ValidationError(_("Upload an Excel workbook (.xlsx). Save .xls files as .xlsx first."))
        return upload


class IndicatorDefinitionForm(forms.ModelForm):
    """What an indicator is computed from and how it rolls up across regions."""

    class Meta:
        model = Indicator
        fields = ["definition", "aggregation", "numerator_label", "denominator_label"]
        widgets = {
            "definition": forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
            "aggregation": forms.Select(attrs={"class": "form-select"}),
            "numerator_label": forms.TextInput(attrs={"class": "form-control"}),
            "denominator_label": forms.TextInput(attrs={"class": "form-control"}),
        }
