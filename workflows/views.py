from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.views import add_errors
from evidence.models import Evidence
from workflows import lifecycle
from workflows.forms import AcceptanceForm, DecisionForm, EvidenceDecisionForm
from workflows.lifecycle import kind_of


def open_subject_page(request, **kwargs):
    """Every human step is done on the subject's own page (report, contribution, claim).

    The flows are driven by the services in ``tasks.progress``; this view only sends someone who
    follows a viewflow task link to that page.
    """
    return redirect(request.activation.process.artifact.get_absolute_url())


@require_POST
def evidence_decide(request: HttpRequest, kind: str, pk: int, evidence_pk: int) -> HttpResponse:
    """Accept or reject one file of any reviewable thing (the same control everywhere)."""
    try:
        review_kind = kind_of(kind)
    except KeyError as exc:
        raise Http404 from exc
    subject = review_kind.get_for_user(request.user, pk)
    evidence = get_object_or_404(Evidence, pk=evidence_pk, removed_at__isnull=True)
    form = EvidenceDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether to accept or to reject the file."))
        return redirect(subject)
    try:
        lifecycle.review_decide_evidence(
            subject,
            user=request.user,
            evidence=evidence,
            accepted=form.cleaned_data["decision"] == "accept",
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        add_errors(None, exc, request)
    return redirect(subject)


@require_POST
def accept(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """The higher level accepts a lower level's approval, or sends it back with a reason."""
    try:
        review_kind = kind_of(kind)
    except KeyError as exc:
        raise Http404 from exc
    subject = review_kind.get_for_user(request.user, pk)
    if not review_kind.can_accept(request.user, subject):
        raise PermissionDenied
    form = AcceptanceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether to accept or to send back."))
        return redirect(subject)
    accepted = form.cleaned_data["decision"] == "accept"
    try:
        lifecycle.review_accept(subject, user=request.user, accept=accepted, reason=form.cleaned_data["reason"])
        messages.success(request, _("Accepted.") if accepted else _("Sent back to the lower level for revision."))
    except ValidationError as exc:
        add_errors(None, exc, request)
    return redirect(subject)


@require_POST
def accept_many(request: HttpRequest) -> HttpResponse:
    """Bulk acceptance from the review queue: the ticked approvals accepted (or sent back) at once."""
    form = AcceptanceForm(request.POST)
    back = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = "/"
    if not form.is_valid():
        messages.error(request, _("Choose whether to accept or to send back."))
        return redirect(back)
    subjects = []
    for ref in request.POST.getlist("subject"):
        key, _sep, pk = ref.partition(":")
        try:
            review_kind = kind_of(key)
        except KeyError as exc:
            raise Http404 from exc
        if not pk.isdigit():
            raise Http404
        subject = review_kind.get_for_user(request.user, int(pk))
        if not review_kind.can_accept(request.user, subject):
            raise PermissionDenied
        subjects.append(subject)
    accepted = form.cleaned_data["decision"] == "accept"
    try:
        count = lifecycle.review_accept_many(subjects, user=request.user, accept=accepted, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        add_errors(None, exc, request)
    else:
        message = _("%(count)d accepted.") if accepted else _("%(count)d sent back to the lower level for revision.")
        messages.success(request, message % {"count": count})
    return redirect(back)


# --- the writer's file actions, the same on every subject's page -------------------------------


@dataclass(frozen=True)
class WriterPage:
    """What the shared file views need to know of a subject's page.

    ``typed(request, subject)`` returns the writer's form as posted with the file action and the
    keyword arguments that save what was typed (``{}`` when no form was posted, ``None`` when the
    posted form is invalid: the page is shown again with its errors, nothing typed is lost).
    ``attach`` and ``remove`` are the subject's services; ``render(request, subject, form, status)``
    shows its page."""

    get_subject: Callable[[Any, int], Any]
    typed: Callable[[HttpRequest, Any], tuple[Any, dict | None]]
    attach: Callable[..., list]
    remove: Callable[..., Any]
    render: Callable[..., HttpResponse]


def evidence_upload_view(page: WriterPage):
    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        """Attach files; the typed fields posted with them are saved as the draft first."""
        subject = page.get_subject(request.user, pk)
        form, typed = page.typed(request, subject)
        if typed is not None:
            try:
                attached = page.attach(subject, request.user, request.FILES.getlist("files"), **typed)
                messages.success(request, _("%(count)d file(s) attached.") % {"count": len(attached)})
                return redirect(subject)
            except ValidationError as exc:
                add_errors(form, exc, request)
        return page.render(request, subject, form, 400)

    return view


def evidence_remove_view(page: WriterPage):
    @require_POST
    def view(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
        """Remove a file from the draft; the typed fields posted with it are saved first."""
        subject = page.get_subject(request.user, pk)
        evidence = get_object_or_404(Evidence, pk=evidence_pk, removed_at__isnull=True)
        form, typed = page.typed(request, subject)
        if typed is not None:
            try:
                page.remove(subject, request.user, evidence, **typed)
                messages.success(request, _("The file has been removed from the draft."))
                return redirect(subject)
            except ValidationError as exc:
                add_errors(form, exc, request)
        return page.render(request, subject, form, 400)

    return view


def decide_view(*, get_subject: Callable[[Any, int], Any], render: Callable[..., HttpResponse]):
    """The reviewer's decision on any subject: approve (with ``accept_files``: every file still
    awaiting review accepted in the same action) or return with a reason; the page again with
    the form's errors otherwise. ``render(request, subject, decision_form, status)``."""

    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        subject = get_subject(request.user, pk)
        kind = kind_of(subject)
        if not kind.can_review(request.user, subject):
            raise PermissionDenied
        form = DecisionForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            approve = data["decision"] == "approve"
            try:
                lifecycle.review_decide(
                    subject,
                    user=request.user,
                    approve=approve,
                    reason=data["reason"],
                    round=data["round"],
                    accept_pending_evidence=approve and data["accept_files"],
                )
                messages.success(request, kind.approved_message if approve else kind.returned_message)
                return redirect(subject)
            except ValidationError as exc:
                add_errors(form, exc, request)
        return render(request, subject, form, 400)

    return view
