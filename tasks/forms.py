from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from common.forms import FAST_RENDERER
from tasks.models import Plan, ProgressReport, Region


class PlanImportForm(forms.Form):
    """Upload a task breakdown table: into a new plan, or added to an existing one."""

    file = forms.FileField(label=_("Task breakdown table (.xlsx, .xls or .csv)"))
    plan = forms.ModelChoiceField(
        label=_("Add to existing plan"),
        queryset=Plan.objects.exclude(status=Plan.Status.CLOSED),
        required=False,
        empty_label=_("— create a new plan —"),
    )
    title = forms.CharField(label=_("Title of the new plan"), max_length=200, required=False)
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.all(), required=False)
    start_year = forms.IntegerField(label=_("First year"), min_value=2000, max_value=2100, required=False)
    end_year = forms.IntegerField(label=_("Last year"), min_value=2000, max_value=2100, required=False)
    create_departments = forms.BooleanField(
        label=_("Create departments that are not in the directory"), required=False
    )
    sheet = forms.CharField(
        label=_("Worksheet"),
        max_length=100,
        required=False,
        help_text=_("Only needed when several sheets of the workbook hold a task table."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(max)d MB.") % {"max": settings.IMPORT_MAX_BYTES // (1024 * 1024)}
            )
        if not upload.name.lower().endswith((".xlsx", ".xlsm", ".xls", ".csv")):
            raise forms.ValidationError(_("Upload an Excel workbook (.xlsx or .xls) or a CSV file."))
        return upload

    def clean(self):
        data = super().clean()
        if data.get("plan") is None:
            missing = [
                name for name in ("title", "region", "start_year", "end_year") if not data.get(name) and name not in self.errors
            ]
            for name in missing:
                self.add_error(name, _("Needed for a new plan."))
            if data.get("start_year") and data.get("end_year") and data["end_year"] < data["start_year"]:
                self.add_error("end_year", _("The last year must not be before the first year."))
        return data


class ReportForm(forms.ModelForm):
    """The liaison's report. ``version`` is what they loaded, so a stale save is refused."""

    default_renderer = FAST_RENDERER  # the report page's widgets, written in Python (common/forms.py)
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = ProgressReport
        fields = ["percent_complete", "assessment", "achievements", "problems", "next_steps", "missing_contributions_reason"]
        widgets = {
            "percent_complete": forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1}),
            "achievements": forms.Textarea(attrs={"rows": 5}),
            "problems": forms.Textarea(attrs={"rows": 3}),
            "next_steps": forms.Textarea(attrs={"rows": 3}),
            "missing_contributions_reason": forms.Textarea(attrs={"rows": 2}),
        }


class ContributionForm(forms.Form):
    content = forms.CharField(
        label=_("What your department did"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6, "class": "form-control"})
    )


class MilestoneClaimForm(forms.Form):
    completed_on = forms.DateField(
        label=_("Completed on"), widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")
    )
    note = forms.CharField(
        label=_("What was completed"), max_length=3000, widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"})
    )


class ReassignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("Hand to"), queryset=None)

    def __init__(self, *args, department, **kwargs):
        super().__init__(*args, **kwargs)
        from accounts.models import User
        from tasks.models import Membership

        self.fields["assignee"].queryset = User.objects.filter(
            memberships__department=department, memberships__role=Membership.Role.LIAISON, memberships__is_active=True
        ).distinct()


class PeriodReopenForm(forms.Form):
    reason = forms.CharField(label=_("Why reopen it"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class PeriodCloseForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), required=False, max_length=1000)


class CascadeForm(forms.Form):
    """下达: which items of the plan go to which regions below it."""

    items = forms.ModelMultipleChoiceField(queryset=None, widget=forms.CheckboxSelectMultiple, label=_("Key tasks"))
    regions = forms.ModelMultipleChoiceField(queryset=None, widget=forms.CheckboxSelectMultiple, label=_("Regions"))

    def __init__(self, *args, items, regions, items_label=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].queryset = items
        self.fields["regions"].queryset = regions
        if items_label:
            self.fields["items"].label = items_label
        self.fields["items"].error_messages["required"] = _("Choose at least one item to cascade.")
        self.fields["regions"].error_messages["required"] = _("Choose at least one region.")


class SplitCorrectionForm(forms.Form):
    """The administrator's split of one department cell in the import preview: one name per line."""

    cell = forms.RegexField(regex=r"^\d{1,5}:(lead|cooperating)$", widget=forms.HiddenInput)
    names = forms.CharField(
        label=_("Names, one per line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Each name exactly as the cell writes it. Leave empty to go back to the reader's split."),
    )

    def clean_names(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["names"].splitlines() if line.strip()]


class PlanReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Why reopen the plan"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"})
    )
