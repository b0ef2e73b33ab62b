from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from tasks.models import Plan, Region


class PlanImportForm(forms.Form):
    """Upload a task breakdown table: into a new plan, or added to an existing one."""

    file = forms.FileField(label=_("Task breakdown table (.xlsx)"))
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

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(max)d MB.") % {"max": settings.UPLOAD_MAX_BYTES // (1024 * 1024)}
            )
        if not upload.name.lower().endswith((".xlsx", ".xlsm")):
            raise forms.ValidationError(_("Upload an Excel workbook (.xlsx). Save .xls files as .xlsx first."))
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
