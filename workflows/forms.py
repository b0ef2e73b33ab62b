"""The forms every reviewable thing shares."""

from django import forms
from django.utils.translation import gettext_lazy as _

from common.forms import FAST_RENDERER


class DecisionForm(forms.Form):
    """A reviewer's decision. The service says what is missing (a reason to return …)."""

    default_renderer = FAST_RENDERER  # on the report page: its widgets written in Python (common/forms.py)

    decision = forms.ChoiceField(
        choices=[("approve", _("Approve")), ("return", _("Return for revision"))], required=False, widget=forms.HiddenInput
    )
    reason = forms.CharField(
        label=_("Reason / comment"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )
    round = forms.IntegerField(required=False, widget=forms.HiddenInput, help_text="The submission the reviewer read")
    accept_files = forms.BooleanField(
        label=_("Accept the files still awaiting review"),
        required=False,
        help_text=_("Without this, approval is refused while a file is undecided."),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") not in {"approve", "return"}:
            raise forms.ValidationError(_("Choose whether to approve or to return."))
        return data


class EvidenceDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("reject", _("Reject"))])
    reason = forms.CharField(required=False, max_length=500)


class AcceptanceForm(forms.Form):
    """The higher level's decision on a lower level's approval."""

    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("send_back", _("Send back"))], widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason / comment"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )
