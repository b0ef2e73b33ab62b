from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.views import add_errors
from evidence.models import Evidence
from workflows import lifecycle
from workflows.forms import EvidenceDecisionForm
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
