"""Forms of the region pages. Rules (levels, unique names and codes, scope) are checked by the
services in ``tasks.regions``; the forms only offer the right choices."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tasks.models import Region
from tasks.regions import parent_choices, region_label, staff_candidates


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Region) -> str:
        return "　" * max(obj.depth - 1, 0) + f"{region_label(obj)} · {obj.get_level_display()}"


class RegionCreateForm(forms.Form):
    parent = RegionChoiceField(label=_("Parent region"), queryset=Region.objects.none())
    level = forms.ChoiceField(
        label=pgettext_lazy("region", "Level"),
        choices=[("", _("— follows from the parent —")), *Region.Level.choices],
        required=False,
    )
    name = forms.CharField(label=_("Name"), max_length=100)
    code = forms.CharField(
        label=_("Division code"),
        max_length=12,
        required=False,
        help_text=_("Optional: 6 digits (GB/T 2260), 9 or 12 for a township."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = parent_choices(user)


class RegionEditForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    code = forms.CharField(
        label=_("Division code"),
        max_length=12,
        required=False,
        help_text=_("Optional: 6 digits (GB/T 2260), 9 or 12 for a township."),
    )
    parent = RegionChoiceField(
        label=_("Parent region"),
        queryset=Region.objects.none(),
        required=False,
        help_text=_("Move the region (with everything below it) under another region of the level above."),
    )

    def __init__(self, *args, user, region: Region, **kwargs):
        super().__init__(*args, **kwargs)
        choices = parent_choices(user).exclude(path__startswith=region.path)
        if region.parent_id:
            choices = choices | Region.objects.filter(pk=region.parent_id)
        self.fields["parent"].queryset = choices.order_by("path")


class DepartmentForm(forms.Form):
    name = forms.CharField(label=_("Full name"), max_length=100)
    short_name = forms.CharField(label=_("Short name"), max_length=50, required=False)
    code = forms.SlugField(
        label=_("Code"),
        max_length=32,
        required=False,
        help_text=_("Short Latin code, used in account names, e.g. wsjkw. Left empty, one is made up."),
    )
    is_supervising = forms.BooleanField(
        label=_("Supervising department (卫生健康委)"),
        required=False,
        help_text=_("The health commission that supervises the plan; a region has at most one."),
    )


class StaffPlaceForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Staff member"), queryset=None)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = staff_candidates(actor)
        self.fields["user"].label_from_instance = self._label

    @staticmethod
    def _label(user) -> str:
        placement = getattr(user, "region_staff", None)
        where = placement.region.name if placement else _("not placed")
        return f"{user} · {where}"


class RegionImportForm(forms.Form):
    file = forms.FileField(label=_("Region sheet (.xlsx, .xls or .csv)"))
    under = RegionChoiceField(
        label=_("Rows without a parent go under"),
        queryset=Region.objects.none(),
        required=False,
        empty_label=_("— the region their code belongs to —"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["under"].queryset = parent_choices(user)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(max)d MB.") % {"max": settings.IMPORT_MAX_BYTES // (1024 * 1024)}
            )
        if not upload.name.lower().endswith((".xlsx", ".xls", ".csv")):
            raise forms.ValidationError(_("Upload an Excel workbook (.xlsx or .xls) or a CSV file."))
        return upload
