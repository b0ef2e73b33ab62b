"""Pages of progress reporting: work lists, reports, contributions, milestone claims. Thin:
they read through the gatekeeper and selectors and act through ``tasks.progress``; the review
parts (evidence, decision) are the shared templates under ``templates/review/``."""

import copy

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from audit.models import AuditEntry
from common.pagination import paginate
from common.views import add_errors, requested_export
from evidence.services import evidence_for
from exports.views import export_list
from tasks import access, progress, selectors
from tasks.filters import ReportFilter
from tasks.forms import ContributionForm, MilestoneClaimForm, ReassignForm, ReportForm
from tasks.models import Milestone, ProgressReport
from tasks.tables import ReportTable
from workflows.forms import DecisionForm
from workflows.lifecycle import undecided_evidence
from workflows.views import WriterPage, decide_view, evidence_remove_view, evidence_upload_view

PAGE_SIZE = 25


def report_list_page(request: HttpRequest, queryset, *, title: str, name: str, extra: dict | None = None) -> HttpResponse:
    filterset = ReportFilter(request.GET or None, queryset=queryset, request=request)
    table = ReportTable(filterset.qs)
    export_format = requested_export(request)
    if export_format:
        return export_list(request, table, export_format, name)
    paginate(request, table, default=PAGE_SIZE)
    return render(
        request, "tasks/progress/work_list.html", {"title": title, "filter": filterset, "table": table, "list_name": name, **(extra or {})}
    )


def archive(request: HttpRequest) -> HttpResponse:
    """已办结: approved reports the user may read."""
    return report_list_page(request, selectors.archive_reports(user=request.user), title=_("Archive"), name="archive")


@require_safe
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = access.get_report_for_user(request.user, pk)
    form = ReportForm(instance=report, initial={"version": report.version}) if access.can_edit_report(request.user, report) else None
    return render_report_page(request, report, form=form, fresh=True)


# Other apps add panels to the report page (extension requests …): each provider is called with
# the user, the report and the keyword arguments given for it, and returns template context.
REPORT_PAGE_PANELS: list = []


def register_report_panel(provider) -> None:
    if provider not in REPORT_PAGE_PANELS:
        REPORT_PAGE_PANELS.append(provider)


def render_report_page(
    request, report, *, form=None, decision_form=None, status=200, panels=None, fresh=False, **_ignored
):
    """The report page: the writer's form, the evidence, the reviewer's decision, the history.

    ``fresh``: the report was just read through the gatekeeper; otherwise (after an action) it
    is read again, with what the page shows of its task, plan, period and people (a bare
    refresh would drop those and load each of them again)."""
    if not fresh:
        report.refresh_from_db(from_queryset=ProgressReport.objects.select_related(*access.REPORT_PAGE_RELATED))
    can_edit = access.can_edit_report(request.user, report)
    can_decide = access.can_review(request.user) and report.status == ProgressReport.Status.SUBMITTED
    if can_edit and form is None:
        form = ReportForm(instance=report, initial={"version": report.version})
    reassign_form = None
    if report.is_editable and access.is_department_head(request.user, report.department_id):
        reassign_form = ReassignForm(department=report.department, initial={"assignee": report.assignee_id})
    # A report never submitted has no submissions (each submission writes the row of its round).
    # The page names who submitted each round and each contribution's department (no one else).
    submissions = list(report.submissions.select_related("submitted_by")) if report.round else []
    contributions = list(report.contributions.select_related("department"))
    context = {
        "report": report,
        "task": report.task,
        "form": form if can_edit else None,
        "can_edit": can_edit,
        "can_decide": can_decide,
        "decision_form": (decision_form or DecisionForm()) if can_decide else decision_form,
        "reassign_form": reassign_form,
        "contributions": contributions,
        # A co-operating department reading an approved report sees the others' contributions in it,
        # but may open only its own: the others are shown without a link (no link that answers 404).
        "openable_contributions": access.openable_contribution_ids(request.user, report, contributions),
        "evidence": evidence_for(report),
        "pending_files": can_decide and bool(undecided_evidence(report)),
        "changes": progress.report_changes(report, submissions) if report.round > 1 else [],
        "submissions": submissions,
        "timeline": AuditEntry.objects.for_object(report).select_related("actor"),
    }
    for provider in REPORT_PAGE_PANELS:
        context.update(provider(request.user, report, **(panels or {})))
    return render(request, "tasks/progress/report_detail.html", context, status=status)


def _typed_report(request: HttpRequest, report: ProgressReport) -> tuple[ReportForm, dict | None, int | None]:
    """The writer's form as posted, and its data when valid (an upload or removal saves it too)."""
    # A copy of the report as read (the form writes what was typed into its instance; the
    # services lock and read the row again, and a refused form's page reads it again too).
    form = ReportForm(request.POST, instance=copy.copy(report))
    if "version" not in request.POST or not form.is_valid():
        return form, None, None
    return form, {field: form.cleaned_data[field] for field in form.Meta.fields}, form.cleaned_data["version"]


@require_POST
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the draft, or save and submit (button ``submit``)."""
    # What the services need (they lock and read the row again); a refused form's page reads the rest.
    report = access.get_report_for_user(request.user, pk, related=())
    form, data, version = _typed_report(request, report)
    if data is not None:
        try:
            if "submit" in request.POST:
                progress.report_submit(report=report, user=request.user, version=version, data=data)
                messages.success(request, _("The report has been submitted for review."))
            else:
                progress.report_save(report=report, user=request.user, data=data, version=version)
                messages.success(request, _("The draft has been saved."))
            return redirect(report)
        except ValidationError as exc:
            add_errors(form, exc, request)
    return render_report_page(request, report, form=form, status=400)


report_decide = decide_view(
    get_subject=access.get_report_for_user,
    render=lambda request, report, form, status: render_report_page(request, report, decision_form=form, status=status),
)


def _report_typed(request: HttpRequest, report: ProgressReport) -> tuple[ReportForm | None, dict | None]:
    if "version" not in request.POST:
        return None, {}
    form, data, version = _typed_report(request, report)
    return form, (None if data is None else {"data": data, "version": version})


REPORT_PAGE = WriterPage(
    get_subject=access.get_report_for_user,
    typed=_report_typed,
    attach=lambda report, user, uploads, **typed: progress.report_attach_evidence(report=report, user=user, uploads=uploads, **typed),
    remove=lambda report, user, evidence, **typed: progress.report_remove_evidence(report=report, user=user, evidence=evidence, **typed),
    render=lambda request, report, form, status: render_report_page(request, report, form=form, status=status),
)
report_evidence_upload = evidence_upload_view(REPORT_PAGE)
report_evidence_remove = evidence_remove_view(REPORT_PAGE)


@require_POST
def report_reassign(request: HttpRequest, pk: int) -> HttpResponse:
    report = access.get_report_for_user(request.user, pk)
    form = ReassignForm(request.POST, department=report.department)
    if form.is_valid():
        try:
            progress.report_reassign(report=report, user=request.user, assignee=form.cleaned_data["assignee"])
            messages.success(request, _("The report has been handed to %(user)s.") % {"user": form.cleaned_data["assignee"]})
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, _("Choose a liaison of the same department."))
    return redirect(report)


# --- contributions ---------------------------------------------------------------------------


def render_contribution_page(request, contribution, *, form=None, decision_form=None, status=200, fresh=False):
    if not fresh:  # ``fresh``: just read by the gatekeeper, with its relations (a GET)
        contribution.refresh_from_db()
    can_edit = progress.contribution_can_edit(request.user, contribution)
    if can_edit and form is None:
        form = ContributionForm(initial={"content": contribution.content})
    context = {
        "contribution": contribution,
        "report": contribution.report,
        "form": form if can_edit else None,
        "can_edit": can_edit,
        "can_decide": progress.contribution_can_decide(request.user, contribution),
        "decision_form": decision_form or DecisionForm(),
    }
    return render(request, "tasks/progress/contribution_detail.html", context, status=status)


@require_safe
def contribution_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_contribution_page(request, access.get_contribution_for_user(request.user, pk), fresh=True)


@require_POST
def contribution_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the draft, or save and submit to the lead department (button ``submit``)."""
    contribution = access.get_contribution_for_user(request.user, pk)
    if contribution.department_id not in access.user_department_ids(request.user):
        raise PermissionDenied
    form = ContributionForm(request.POST)
    if form.is_valid():
        content = form.cleaned_data["content"]
        try:
            if "submit" in request.POST:
                progress.contribution_submit(contribution=contribution, user=request.user, content=content)
                messages.success(request, _("Your contribution has been submitted to the lead department."))
            else:
                progress.contribution_save(contribution=contribution, user=request.user, content=content)
                messages.success(request, _("The draft has been saved."))
            return redirect(contribution)
        except ValidationError as exc:
            add_errors(form, exc, request)
    return render_contribution_page(request, contribution, form=form, status=400)


contribution_decide = decide_view(
    get_subject=access.get_contribution_for_user,
    render=lambda request, contribution, form, status: render_contribution_page(
        request, contribution, decision_form=form, status=status
    ),
)


# --- milestone claims ------------------------------------------------------------------------


def milestone_claim_new(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = get_object_or_404(Milestone.objects.select_related("task"), pk=pk)
    access.get_key_task_for_user(request.user, milestone.task_id)
    if access.claiming_department(request.user, milestone) is None:
        raise PermissionDenied
    form = MilestoneClaimForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            claim = progress.milestone_claim_submit(
                milestone=milestone, user=request.user, uploads=request.FILES.getlist("files"), **form.cleaned_data
            )
            messages.success(request, _("The milestone has been claimed complete and awaits verification."))
            return redirect(claim)
        except ValidationError as exc:
            add_errors(form, exc, request)
    return render(
        request, "tasks/progress/milestone_claim_form.html", {"milestone": milestone, "task": milestone.task, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def render_claim_page(request, claim, *, revise_form=None, decision_form=None, status=200, fresh=False):
    if not fresh:  # ``fresh``: just read by the gatekeeper, with its relations (a GET)
        claim.refresh_from_db()
    can_revise = claim.is_editable and claim.created_by_id == request.user.pk
    if can_revise and revise_form is None:
        revise_form = MilestoneClaimForm(initial={"completed_on": claim.completed_on, "note": claim.note})
    can_decide = access.can_review(request.user) and claim.status == claim.Status.SUBMITTED
    context = {
        "claim": claim,
        "milestone": claim.milestone,
        "task": claim.milestone.task,
        "evidence": evidence_for(claim),
        "pending_files": can_decide and bool(undecided_evidence(claim)),
        "can_decide": can_decide,
        "decision_form": decision_form or DecisionForm(),
        "revise_form": revise_form if can_revise else None,
        "timeline": AuditEntry.objects.for_object(claim.milestone).select_related("actor"),
    }
    return render(request, "tasks/progress/milestone_claim_detail.html", context, status=status)


@require_safe
def milestone_claim_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_claim_page(request, access.get_claim_for_user(request.user, pk), fresh=True)


@require_POST
def milestone_claim_revise(request: HttpRequest, pk: int) -> HttpResponse:
    claim = access.get_claim_for_user(request.user, pk)
    form = MilestoneClaimForm(request.POST)
    if form.is_valid():
        try:
            progress.milestone_claim_resubmit(claim=claim, user=request.user, uploads=request.FILES.getlist("files"), **form.cleaned_data)
            messages.success(request, _("The milestone has been claimed again."))
            return redirect(claim)
        except ValidationError as exc:
            add_errors(form, exc, request)
    return render_claim_page(request, claim, revise_form=form, status=400)


milestone_claim_decide = decide_view(
    get_subject=access.get_claim_for_user,
    render=lambda request, claim, form, status: render_claim_page(request, claim, decision_form=form, status=status),
)
