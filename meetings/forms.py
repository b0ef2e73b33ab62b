"""Forms of the meeting pages. They only read input; ``meetings.services`` applies every rule."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from evidence.validation import ACCEPT_ATTRIBUTE
from meetings.models import Meeting
from supervision.models import SupervisionNotice
from tasks.models import Department, KeyTask, Plan, Region

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _department_label(department: Department) -> str:
    return department.name


class MeetingForm(forms.Form):
    plan = forms.ModelChoiceField(label=_("Plan"), queryset=Plan.objects.none(), required=False, empty_label=_("None (the region's meeting)"))
    kind = forms.ChoiceField(label=_("Kind"), choices=Meeting.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200, help_text=_("e.g. 2024年第二次联席会议"))
    held_on = forms.DateField(label=_("Date"), widget=DATE)
    convenor = forms.CharField(label=_("Convenor"), max_length=100)
    present = forms.ModelMultipleChoiceField(
        label=_("Member departments present"), queryset=Department.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    absent = forms.ModelMultipleChoiceField(
        label=_("Member departments absent"), queryset=Department.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    minutes = forms.CharField(label=_("Minutes"), required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args, region: Region, plans, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        departments = Department.objects.filter(region=region, is_active=True).order_by("position", "name")
        for name in ("present", "absent"):
            self.fields[name].queryset = departments
            self.fields[name].label_from_instance = _department_label
        if editing:
            del self.fields["plan"]
        else:
            self.fields["plan"].queryset = plans


class DecisionForm(forms.Form):
    text = forms.CharField(label=_("Agreed item"), max_length=3000, widget=forms.Textarea(attrs={"rows": 3}))
    departments = forms.ModelMultipleChoiceField(
        label=_("Responsible departments"), queryset=Department.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    deadline = forms.DateField(label=_("Deadline"), widget=DATE, required=False)

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departments"].queryset = Department.objects.filter(region_id=meeting.region_id, is_active=True).order_by("position", "name")
        self.fields["departments"].label_from_instance = _department_label

    def ordered_departments(self) -> list[Department]:
        """In the order the form lists them (a multiple select posts no order of its own)."""
        return list(self.cleaned_data["departments"])


class DecisionTaskForm(forms.Form):
    plan = forms.ModelChoiceField(label=_("Plan"), queryset=Plan.objects.none(), required=False)
    code = forms.CharField(label=_("Task number"), max_length=20)
    title = forms.CharField(label=_("Key task"), max_length=300)
    leads = forms.ModelMultipleChoiceField(label=_("Lead departments"), queryset=Department.objects.none(), widget=forms.CheckboxSelectMultiple)
    cooperating = forms.ModelMultipleChoiceField(
        label=_("Co-operating departments"), queryset=Department.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    due_date = forms.DateField(label=_("Deadline"), widget=DATE)
    cadence = forms.ChoiceField(label=_("Reporting cadence"), choices=KeyTask.Cadence.choices, initial=KeyTask.Cadence.QUARTERLY)

    def __init__(self, *args, meeting: Meeting, plans, **kwargs):
        super().__init__(*args, **kwargs)
        departments = Department.objects.filter(region_id=meeting.region_id, is_active=True).order_by("position", "name")
        for name in ("leads", "cooperating"):
            self.fields[name].queryset = departments
            self.fields[name].label_from_instance = _department_label
        if meeting.plan_id:
            del self.fields["plan"]
        else:
            self.fields["plan"].queryset = plans
            self.fields["plan"].required = True


class DecisionNoticeForm(forms.Form):
    task = forms.ModelChoiceField(label=_("Key task"), queryset=KeyTask.objects.none())
    department = forms.ModelChoiceField(label=_("To department"), queryset=Department.objects.none(), empty_label=None)
    level = forms.ChoiceField(label=_("Level"), choices=SupervisionNotice.Level.choices, initial=SupervisionNotice.Level.BLUE)
    requirements = forms.CharField(label=_("Requirements"), max_length=3000, widget=forms.Textarea(attrs={"rows": 5}))
    response_due_on = forms.DateField(label=_("Respond by"), required=False, widget=DATE)

    def __init__(self, *args, tasks, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["task"].queryset = tasks
        self.fields["task"].label_from_instance = lambda task: f"{task.code} {task.title}"
        self.fields["department"].queryset = departments
        self.fields["department"].label_from_instance = _department_label


class MinutesFileForm(forms.Form):
    file = forms.FileField(label=_("Minutes file"), widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}))


class DecisionImportForm(forms.Form):
    file = forms.FileField(
        label=_("Sheet of decisions"),
        help_text=_("Columns 序号 · 议定事项 · 责任单位 · 完成时限; .xlsx, .xls or .csv (UTF-8 or GBK)."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.csv"}),
    )
