"""Forms of the supervision pages. They only read input; the services in ``supervision.notices``
apply every rule (so a rule holds whichever entry point is used)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from supervision.models import SupervisionNotice
from tasks.models import Department, KeyTask


class NoticeIssueForm(forms.Form):
    """A supervisor's notice about one task: to one of the task's departments (its answerable
    lead pre-selected), with a level, the requirements and, optionally, a response date."""

    department = forms.ModelChoiceField(label=_("To department"), queryset=Department.objects.none(), empty_label=None)
    level = forms.ChoiceField(
        label=_("Level"),
        choices=SupervisionNotice.Level.choices,
        initial=SupervisionNotice.Level.BLUE,
        widget=forms.RadioSelect,
    )
    requirements = forms.CharField(
        label=_("Requirements"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What the department must do, and what it must send back."),
    )
    response_due_on = forms.DateField(
        label=_("Respond by"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, task: KeyTask, default_due_on=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(task_links__task=task).order_by(
            "-task_links__role", "task_links__position"  # lead before co-operating
        )
        self.fields["department"].label_from_instance = lambda department: department.name
        if task.primary_lead is not None:
            self.fields["department"].initial = task.primary_lead.pk
        if default_due_on is not None:
            self.fields["response_due_on"].help_text = _("Empty: %(date)s (the plan's response time in working days).") % {
                "date": default_due_on.isoformat()
            }


class NoticeResponseForm(forms.Form):
    """The department's answer. Empty is fine for a draft; submitting asks for the measures.
    ``version`` is what the liaison loaded, so that a colleague's later save is not overwritten."""

    response = forms.CharField(
        label=_("Measures taken"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What your department has done about the notice, and by when the rest will be done."),
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
