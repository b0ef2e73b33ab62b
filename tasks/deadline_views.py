"""A supervisor dates a deadline given in words (``tasks.deadlines``)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from common.views import add_errors
from tasks import access
from tasks.deadlines import task_date_deadline


class DeadlineDateForm(forms.Form):
    due_date = forms.DateField(label=gettext_lazy("Due date"), widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}))


def can_date(user, task) -> bool:
    return access.can_review_in(user, task.plan)


@require_POST
def task_date_deadline_view(request: HttpRequest, pk: int) -> HttpResponse:
    task = access.get_key_task_for_user(request.user, pk)
    if not can_date(request.user, task):
        raise PermissionDenied
    form = DeadlineDateForm(request.POST)
    try:
        task_date_deadline(task=task, due_date=form.cleaned_data["due_date"] if form.is_valid() else None, actor=request.user)
        messages.success(request, _("The deadline is dated."))
    except ValidationError as exc:
        add_errors(None, exc, request)
    return redirect(task)
