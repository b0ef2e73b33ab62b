"""The meeting pages: the list, the meeting with its decisions and agenda, one view per action.
Thin: objects come through ``meetings.access``, every change through ``meetings.services``."""

from __future__ import annotations

import os
import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.pagination import paginate
from common.spreadsheets import TableError
from common.views import add_errors
from evidence.services import evidence_for
from evidence.views import content_disposition
from meetings import access, selectors, services
from meetings.filters import MeetingFilter
from meetings.forms import (
    DecisionForm,
    DecisionImportForm,
    DecisionNoticeForm,
    DecisionTaskForm,
    MeetingForm,
    MinutesFileForm,
)
from meetings.models import Decision, Meeting
from meetings.pdf import meeting_summary_pdf
from meetings.tables import STATE_CSS, MeetingTable
from tasks import access as task_access
from tasks.models import Department, Plan, Region

PAGE_SIZE = 25
SESSION_KEY = "meeting_imports"


def _denied(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "meetings/denied.html", {"message": message}, status=403)


def _manage_or_denied(request: HttpRequest, region: Region) -> HttpResponse | None:
    if access.can_manage(request.user, region):
        return None
    return _denied(request, _("Only supervisors and administrators of the region may create or change joint meetings and turn decisions into work."))


def meeting_list(request: HttpRequest) -> HttpResponse:
    filterset = MeetingFilter(request.GET or None, queryset=selectors.meeting_rows(user=request.user))
    table = paginate(request, MeetingTable(filterset.qs), default=PAGE_SIZE)
    return render(
        request,
        "meetings/meeting_list.html",
        {"filter": filterset, "table": table, "can_create": access.managed_regions(request.user).exists()},
    )


def _new_meeting_region(request: HttpRequest) -> tuple[Region | None, Plan | None]:
    plan = region = None
    if (plan_id := request.GET.get("plan", "")).isdigit():
        plan = task_access.visible_plans(request.user).filter(pk=int(plan_id)).first()
        region = plan.region if plan else None
    elif (region_id := request.GET.get("region", "")).isdigit():
        region = access.managed_regions(request.user).filter(pk=int(region_id)).first()
    return region or task_access.staff_region(request.user) or access.managed_regions(request.user).first(), plan


def meeting_create(request: HttpRequest) -> HttpResponse:
    """A supervisor or administrator records a meeting of their region (``?region=`` / ``?plan=``)."""
    region, plan = _new_meeting_region(request)
    if region is None or not access.can_manage(request.user, region):
        return _manage_or_denied(request, Region())
    plans = task_access.visible_plans(request.user).filter(region=region).exclude(status=Plan.Status.CLOSED)
    form = MeetingForm(request.POST or None, region=region, plans=plans, initial={"plan": plan, "held_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.meeting_create(
                region=region, plan=data["plan"], kind=data["kind"], title=data["title"], held_on=data["held_on"],
                convenor=data["convenor"], minutes=data["minutes"], present=list(data["present"]), absent=list(data["absent"]),
                actor=request.user,
            )
        except ValidationError as exc:
            add_errors(form, exc, request)
        else:
            messages.success(request, _("The meeting “%(meeting)s” has been recorded.") % {"meeting": meeting})
            return redirect(meeting)
    return render(
        request,
        "meetings/meeting_form.html",
        {"form": form, "region": region, "regions": access.managed_regions(request.user).order_by("path")[:200]},
        status=400 if request.method == "POST" else 200,
    )


def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access.get_meeting_for_user(request.user, pk)
    if denied := _manage_or_denied(request, meeting.region):
        return denied
    attendance = selectors.meeting_attendance(meeting=meeting)
    initial = {
        "kind": meeting.kind, "title": meeting.title, "held_on": meeting.held_on, "convenor": meeting.convenor, "minutes": meeting.minutes,
        "present": [a.department_id for a in attendance if a.present], "absent": [a.department_id for a in attendance if not a.present],
    }
    form = MeetingForm(request.POST or None, region=meeting.region, plans=None, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.meeting_update(
                meeting=meeting, kind=data["kind"], title=data["title"], held_on=data["held_on"], convenor=data["convenor"],
                minutes=data["minutes"], present=list(data["present"]), absent=list(data["absent"]), actor=request.user,
            )
        except ValidationError as exc:
            add_errors(form, exc, request)
        else:
            messages.success(request, _("The meeting has been saved."))
            return redirect(meeting)
    return render(
        request, "meetings/meeting_form.html", {"form": form, "meeting": meeting, "region": meeting.region},
        status=400 if request.method == "POST" else 200,
    )


def _decision_rows(decisions: list[Decision]) -> list[tuple[Decision, str]]:
    today = timezone.localdate()
    return [(d, d.state_on(today)) for d in decisions]


def meeting_detail(request: HttpRequest, pk: int, *, decision_form: DecisionForm | None = None, status: int = 200) -> HttpResponse:
    meeting = access.get_meeting_for_user(request.user, pk)
    can_manage = access.can_manage(request.user, meeting.region)
    decisions = _decision_rows(selectors.meeting_decisions(meeting=meeting))
    attendance = selectors.meeting_attendance(meeting=meeting)
    return render(
        request,
        "meetings/meeting_detail.html",
        {
            "meeting": meeting,
            "present": [a.department.name for a in attendance if a.present],
            "absent": [a.department.name for a in attendance if not a.present],
            "decisions": decisions,
            "agenda": _decision_rows(selectors.open_decisions_before(meeting=meeting, user=request.user)),
            "files": list(evidence_for(meeting)),
            "can_manage": can_manage,
            "can_issue": can_manage and request.user.has_perm("supervision.issue_supervisionnotice"),
            "decision_form": decision_form or (DecisionForm(meeting=meeting) if can_manage else None),
            "minutes_form": MinutesFileForm() if can_manage else None,
            "state_css": STATE_CSS,
            "state_labels": dict(Decision.State.choices),
        },
        status=status,
    )


@require_POST
def decision_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access.get_meeting_for_user(request.user, pk)
    if denied := _manage_or_denied(request, meeting.region):
        return denied
    form = DecisionForm(request.POST, meeting=meeting)
    if form.is_valid():
        try:
            decision = services.decision_add(
                meeting=meeting, text=form.cleaned_data["text"], departments=form.ordered_departments(),
                deadline=form.cleaned_data["deadline"], actor=request.user,
            )
        except ValidationError as exc:
            add_errors(form, exc, request)
        else:
            messages.success(request, _("Decision %(number)d has been added.") % {"number": decision.number})
            return redirect(meeting)
    return meeting_detail(request, pk, decision_form=form, status=400)


@require_POST
def minutes_upload(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access.get_meeting_for_user(request.user, pk)
    if denied := _manage_or_denied(request, meeting.region):
        return denied
    form = MinutesFileForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose the minutes file to upload."))
    else:
        try:
            services.minutes_attach(meeting=meeting, upload=form.cleaned_data["file"], actor=request.user)
        except ValidationError as exc:
            add_errors(None, exc, request)
        else:
            messages.success(request, _("The minutes file has been attached."))
    return redirect(meeting)


def meeting_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access.get_meeting_for_user(request.user, pk)
    response = HttpResponse(meeting_summary_pdf(meeting), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(f"{meeting.title}.pdf")
    return response


# --- a decision becomes work -----------------------------------------------------------------------


def _decision_or_denied(request: HttpRequest, pk: int) -> tuple[Decision, HttpResponse | None]:
    decision = access.get_decision_for_user(request.user, pk)
    denied = _manage_or_denied(request, decision.meeting.region)
    if denied is None and decision.has_work:
        messages.error(request, _("Decision %(number)d has already been turned into work; nothing was changed.") % {"number": decision.number})
        denied = redirect(decision.meeting)
    return decision, denied


def decision_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct a decision not yet turned into work."""
    decision, denied = _decision_or_denied(request, pk)
    if denied:
        return denied
    meeting = decision.meeting
    initial = {
        "text": decision.text, "deadline": decision.deadline,
        "departments": list(decision.decision_departments.values_list("department_id", flat=True)),
    }
    form = DecisionForm(request.POST or None, meeting=meeting, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.decision_update(
                decision=decision, text=form.cleaned_data["text"], departments=form.ordered_departments(),
                deadline=form.cleaned_data["deadline"], actor=request.user,
            )
        except ValidationError as exc:
            add_errors(form, exc, request)
        else:
            messages.success(request, _("Decision %(number)d has been saved.") % {"number": decision.number})
            return redirect(meeting)
    return render(
        request, "meetings/decision_edit.html", {"decision": decision, "meeting": meeting, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def decision_task(request: HttpRequest, pk: int) -> HttpResponse:
    """The decision becomes a new key task (number, title, departments, deadline and cadence
    proposed from the decision)."""
    decision, denied = _decision_or_denied(request, pk)
    if denied:
        return denied
    meeting = decision.meeting
    responsible = [link.department for link in decision.decision_departments.select_related("department").order_by("position")]
    plans = task_access.visible_plans(request.user).filter(region_id=meeting.region_id).exclude(status=Plan.Status.CLOSED)
    initial = {
        "code": f"H{meeting.held_on:%y%m}-{decision.number}",
        "title": decision.text.splitlines()[0][:300],
        "leads": responsible[:1],
        "cooperating": responsible[1:],
        "due_date": decision.deadline,
    }
    form = DecisionTaskForm(request.POST or None, meeting=meeting, plans=plans, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            task = services.decision_to_task(
                decision=decision, actor=request.user, code=data["code"], title=data["title"], leads=list(data["leads"]),
                cooperating=list(data["cooperating"]), due_date=data["due_date"], cadence=data["cadence"], plan=data.get("plan"),
            )
        except ValidationError as exc:
            add_errors(form, exc, request)
        else:
            messages.success(request, _("Decision %(number)d is now key task %(task)s.") % {"number": decision.number, "task": task})
            return redirect(meeting)
    return render(
        request, "meetings/decision_task.html", {"decision": decision, "meeting": meeting, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def decision_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """The decision becomes a supervision notice on an existing task, to a responsible department."""
    decision, denied = _decision_or_denied(request, pk)
    if denied:
        return denied
    if not request.user.has_perm("supervision.issue_supervisionnotice"):
        return _denied(request, _("Only supervisors issue supervision notices."))
    meeting = decision.meeting
    tasks = task_access.visible_key_tasks(request.user).filter(plan__region_id=meeting.region_id).order_by("plan", "position", "pk")
    if meeting.plan_id:
        tasks = tasks.filter(plan_id=meeting.plan_id)
    departments = Department.objects.filter(decision_links__decision=decision).order_by("decision_links__position")
    form = DecisionNoticeForm(
        request.POST or None, tasks=tasks, departments=departments,
        initial={"requirements": _("Joint meeting “%(meeting)s”, decision %(number)d: %(text)s") % {
            "meeting": meeting.title, "number": decision.number, "text": decision.text}},
    )
    if request.method == "POST" and form.is_valid():
        try:
            notice = services.decision_to_notice(decision=decision, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc, request)
        else:
            messages.success(request, _("Decision %(number)d is now supervision notice %(reference)s.") % {
                "number": decision.number, "reference": notice.reference})
            return redirect(meeting)
    return render(
        request, "meetings/decision_notice.html", {"decision": decision, "meeting": meeting, "form": form},
        status=400 if request.method == "POST" else 200,
    )


# --- import of decisions from a sheet -----------------------------------------------------------


def decision_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Step 1: upload. The file is kept (storage + session) for the preview and the confirmation."""
    meeting = access.get_meeting_for_user(request.user, pk)
    if denied := _manage_or_denied(request, meeting.region):
        return denied
    form = DecisionImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        token = uuid.uuid4().hex
        extension = os.path.splitext(upload.name)[1].lower()[:8]
        path = default_storage.save(f"meeting-imports/{token}{extension}", ContentFile(upload.read()))
        uploads = request.session.get(SESSION_KEY, {})
        uploads[token] = {"path": path, "name": upload.name[:255], "meeting": meeting.pk}
        request.session[SESSION_KEY] = uploads
        return redirect("meetings:decision_import_preview", pk=meeting.pk, token=token)
    return render(request, "meetings/decision_import.html", {"meeting": meeting, "form": form})


def _upload(request: HttpRequest, pk: int, token: str) -> tuple[Meeting, dict, bytes]:
    meeting = access.get_meeting_for_user(request.user, pk)
    record = request.session.get(SESSION_KEY, {}).get(token)
    if record is None or record["meeting"] != meeting.pk or not default_storage.exists(record["path"]):
        raise Http404
    with default_storage.open(record["path"], "rb") as fh:
        return meeting, record, fh.read()


def decision_import_preview(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    """Step 2: the decisions that would be added, the reader's questions, or every problem."""
    meeting, record, data = _upload(request, pk, token)
    if denied := _manage_or_denied(request, meeting.region):
        return denied
    context: dict = {"meeting": meeting, "record": record, "token": token}
    try:
        context["result"] = services.decisions_import(meeting=meeting, data=data, filename=record["name"], actor=request.user, dry_run=True)
    except TableError as exc:
        context["problems"] = exc.problems
    return render(request, "meetings/decision_import_preview.html", context)


@require_POST
def decision_import_confirm(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    meeting, record, data = _upload(request, pk, token)
    if denied := _manage_or_denied(request, meeting.region):
        return denied
    try:
        preview = services.decisions_import(meeting=meeting, data=data, filename=record["name"], actor=request.user, dry_run=True)
    except TableError:
        messages.error(request, _("The sheet has problems; nothing was imported."))
        return redirect("meetings:decision_import_preview", pk=meeting.pk, token=token)
    if preview.questions and not request.POST.get("checked"):
        messages.error(request, _("Answer the questions first: confirm that you have checked them; nothing was imported."))
        return redirect("meetings:decision_import_preview", pk=meeting.pk, token=token)
    try:
        result = services.decisions_import(meeting=meeting, data=data, filename=record["name"], actor=request.user)
    except TableError:
        messages.error(request, _("The sheet has problems; nothing was imported."))
        return redirect("meetings:decision_import_preview", pk=meeting.pk, token=token)
    default_storage.delete(record["path"])
    uploads = request.session.get(SESSION_KEY, {})
    uploads.pop(token, None)
    request.session[SESSION_KEY] = uploads
    messages.success(request, _("%(count)d decisions imported.") % {"count": len(result.decisions)})
    return redirect(meeting)
