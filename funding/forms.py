from django import forms
from django.utils.translation import gettext_lazy as _

from funding.models import DEFAULT_EXECUTION_MARGIN, LedgerEntry, Source
from tasks.models import Department, Plan


class LineForm(forms.Form):
    fiscal_year = forms.IntegerField(label=_("Fiscal year"))
    source = forms.ChoiceField(label=_("Source"), choices=Source.choices)
    budget_subject = forms.CharField(label=_("Budget subject"), max_length=200, required=False)
    purpose = forms.CharField(label=_("Purpose"), max_length=300)
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.none())
    tasks = forms.ModelMultipleChoiceField(
        label=_("Key tasks paid for"), queryset=None, required=False, widget=forms.SelectMultiple(attrs={"size": 8})
    )
    code = forms.CharField(
        label=_("Number"), max_length=30, required=False, help_text=_("Empty: numbered automatically, e.g. 2025-001.")
    )
    execution_margin = forms.IntegerField(
        label=_("Execution warning margin (percentage points)"), min_value=0, max_value=100, initial=DEFAULT_EXECUTION_MARGIN
    )

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(region=plan.region, is_active=True)
        self.fields["tasks"].queryset = plan.key_tasks.order_by("position", "pk")
        self.fields["fiscal_year"].min_value = plan.start_year
        self.fields["fiscal_year"].max_value = plan.end_year
        self.fields["fiscal_year"].widget.attrs.update({"min": plan.start_year, "max": plan.end_year})
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select | forms.SelectMultiple) else "form-control"
            field.widget.attrs.setdefault("class", css)


class EntryForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=LedgerEntry.Kind.choices)
    amount = forms.DecimalField(
        label=_("Amount (yuan)"),
        max_digits=16,
        decimal_places=2,
        error_messages={
            "invalid": _("Enter the amount as a number of yuan, e.g. 12500.00."),
            "max_decimal_places": _("Amounts are in yuan with at most two decimals (fen)."),
            "max_digits": _("The amount is implausibly large (more than 1,000,000,000,000 yuan); check the unit."),
            "max_whole_digits": _("The amount is implausibly large (more than 1,000,000,000,000 yuan); check the unit."),
        },
    )
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    document_number = forms.CharField(label=_("Document number"), max_length=100)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    over_limit_reason = forms.CharField(
        label=_("Reason for exceeding the limit"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only if this entry knowingly takes disbursements above allocations or spending above disbursements."),
    )

    def __init__(self, *args, kinds: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k, label) for k, label in LedgerEntry.Kind.choices if k in kinds]
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)


class ReverseForm(forms.Form):
    entry = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}))
