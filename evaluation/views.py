"""Pages of evaluations, self-assessments, evaluator scoring, rubrics and generated reports.
Thin: objects come through ``evaluation.access``, every change through ``evaluation.services``
or ``evaluation.generation``."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import prefetch_related_objects
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST, require_safe

from audit.models import AuditEntry
from audit.services import audit_record
from common.jobs import job_status
from common.pagination import paginate
from common.views import add_errors, requested_export
from evaluation import access, facts, generation, services
from evaluation.filters import EvaluationFilter, GeneratedReportFilter
from evaluation.forms import (
    AssignForm,
    CriterionFormSet,
    EvaluationForm,
    ReportRequestForm,
    RubricNameForm,
    ScoringForm,
    SelfAssessmentForm,
    SignOffForm,
)
from evaluation.models import EvaluatorAssignment, GeneratedReport, ScoringRubric
from evaluation.tables import (
    ASSESSMENT_CSS,
    EVALUATION_CSS,
    REPORT_CSS,
    EvaluationTable,
    GeneratedReportTable,
    SelfAssessmentTable,
)
from evidence.services import evidence_for
from evidence.views import content_disposition
from exports.views import export_list
from tasks.access import get_plan_for_user, visible_plans
from workflows import lifecycle
from workflows.forms import DecisionForm as ReviewDecisionForm
from workflows.views import WriterPage, decide_view, evidence_remove_view, evidence_upload_view

PAGE_SIZE = 25


def _messages(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


# --- evaluations ---------------------------------------------------------------------------


def evaluation_list(request: HttpRequest) -> HttpResponse:
    """评估: the evaluations the user runs or scores, and their department's self-assessments."""
    user = request.user
    filterset = EvaluationFilter(request.GET or None, queryset=access.visible_evaluations(user), request=request)
    filterset.filters["plan"].queryset = visible_plans(user)
    table = EvaluationTable(filterset.qs)
    paginate(request, table, default=PAGE_SIZE)
    own = access.visible_self_assessments(user).filter(department_id__in=access.user_department_ids(user))
    assessments = SelfAssessmentTable(own, prefix="sa-")
    paginate(request, assessments, default=PAGE_SIZE)
    assignments = (
        EvaluatorAssignment.objects.filter(evaluator=user)
        .select_related("evaluation", "department")
        .order_by("submitted_at", "evaluation__pk", "department__position")
    )
    return render(
        request,
        "evaluation/evaluation_list.html",
        {
            "filter": filterset,
            "table": table,
            "assessments": assessments if own.exists() else None,
            "assignments": assignments,
            "can_open": access.can_open(user),
            "plans": visible_plans(user),
        },
    )


def evaluation_new(request: HttpRequest, plan_pk: int) -> HttpResponse:
    if not access.can_open(request.user):
        raise PermissionDenied
    plan = get_plan_for_user(request.user, plan_pk)
    form = EvaluationForm(request.POST or None, initial={"lead": request.user.pk}, plan=plan)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            evaluation = services.evaluation_create(
                plan=plan,
                kind=data["kind"],
                title=data["title"],
                lead=data["lead"],
                user=request.user,
                rubric=plan.rubrics.order_by("-pk").first(),
                spread_threshold=data["spread_threshold"],
                language=request.LANGUAGE_CODE,
            )
            messages.success(
                request,
                _(
                    "The evaluation has been opened; %(count)d departments have been asked for a self-assessment."
                )
                % {"count": evaluation.self_assessments.count()},
            )
            return redirect(evaluation)
        except ValidationError as exc:
            add_errors(form, exc, request)
    return render(
        request,
        "evaluation/evaluation_form.html",
        {"plan": plan, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def evaluation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = access.get_evaluation_for_user(request.user, pk)
    return _render_evaluation(request, evaluation)


def _render_evaluation(
    request, evaluation, *, assign_form=None, sign_off_form=None, status=200
) -> HttpResponse:
    user = request.user
    can_manage = access.can_manage(user, evaluation)
    prefetch_related_objects([evaluation], "rubric__criteria")  # read by every part below
    criteria = list(evaluation.rubric.criteria.all())
    assignments = services.scored_assignments(evaluation)
    assessments = list(
        evaluation.self_assessments.select_related("department").order_by("department__position", "department__pk")
    )
    results = services.consolidate(evaluation, assignments)
    scorecards = services.department_scorecards(evaluation, results)
    return render(
        request,
        "evaluation/evaluation_detail.html",
        {
            "evaluation": evaluation,
            "plan": evaluation.plan,
            "status_css": EVALUATION_CSS[evaluation.status],
            "assessment_css": ASSESSMENT_CSS,
            "criteria": criteria,
            "results": [(result, [result.criteria[c] for c in criteria]) for result in results],
            "scorecards": scorecards,
            "assessments": assessments,
            "assignments": assignments,
            "can_manage": can_manage and not evaluation.is_locked,
            "blockers": services.sign_off_blockers(evaluation, assignments, assessments)
            if can_manage and not evaluation.is_locked
            else [],
            "assign_form": assign_form or AssignForm(evaluation=evaluation),
            "sign_off_form": sign_off_form or SignOffForm(),
            "can_edit_rubric": access.can_edit_rubric(user) and not services.rubric_in_use(evaluation.rubric),
            "timeline": AuditEntry.objects.for_object(evaluation).select_related("actor"),
        },
        status=status,
    )


@require_POST
def evaluation_assign(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = access.get_evaluation_for_user(request.user, pk)
    if not access.can_manage(request.user, evaluation):
        raise PermissionDenied
    form = AssignForm(request.POST, evaluation=evaluation)
    if form.is_valid():
        evaluator = form.cleaned_data["evaluator"]
        try:
            services.evaluators_assign(
                evaluation=evaluation,
                evaluator=evaluator,
                departments=form.cleaned_data["departments"],
                user=request.user,
            )
        except ValidationError as exc:
            add_errors(form, exc, request)
        else:
            messages.success(
                request,
                _("%(evaluator)s will score %(count)d department(s).")
                % {"evaluator": evaluator, "count": len(form.cleaned_data["departments"])},
            )
            return redirect(evaluation)
    evaluation.refresh_from_db()
    return _render_evaluation(request, evaluation, assign_form=form, status=400)


@require_POST
def assignment_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = access.get_assignment_for_user(request.user, pk)
    evaluation = assignment.evaluation
    if not access.can_manage(request.user, evaluation):
        raise PermissionDenied
    try:
        services.evaluator_unassign(assignment=assignment, user=request.user)
        messages.success(request, _("The assignment has been withdrawn."))
    except ValidationError as exc:
        _messages(request, exc)
    return redirect(evaluation)


@require_POST
def evaluation_sign_off(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = access.get_evaluation_for_user(request.user, pk)
    if not access.can_manage(request.user, evaluation):
        raise PermissionDenied
    form = SignOffForm(request.POST)
    if form.is_valid():
        try:
            services.sign_off(
                evaluation=evaluation, user=request.user, conclusion=form.cleaned_data["conclusion"]
            )
            messages.success(request, _("The evaluation has been signed off; its results are now locked."))
            return redirect(evaluation)
        except ValidationError as exc:
            add_errors(form, exc, request)
    evaluation.refresh_from_db()
    return _render_evaluation(request, evaluation, sign_off_form=form, status=400)


@require_GET
def evaluation_scorecards(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = access.get_evaluation_for_user(request.user, pk)
    response = HttpResponse(
        services.scorecards_xlsx(evaluation),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = content_disposition(f"{evaluation.title}-{_('Scorecards')}.xlsx")
    return response


# --- self-assessments: one URL per action (the review lifecycle's shared templates) ---------


def _initial_self_assessment_form(assessment, criteria) -> SelfAssessmentForm:
    initial = {"narrative": assessment.narrative, "version": assessment.version}
    for score in assessment.scores.all():
        initial[f"score_{score.criterion_id}"] = _plain(score.score)
        initial[f"comment_{score.criterion_id}"] = score.comment
    return SelfAssessmentForm(initial=initial, criteria=criteria)


def render_self_assessment_page(request, assessment, *, form=None, decision_form=None, status=200, fresh=False):
    """The self-assessment page: the department's form (scores, narrative), the evidence, the
    lead's decision, the computed facts and the history. ``fresh``: the self-assessment was just
    read by the gatekeeper, with its relations (a GET)."""
    if not fresh:
        assessment.refresh_from_db()
    prefetch_related_objects([assessment], "scores")  # the form and the scores shown read them
    kind, user = lifecycle.kind_of(assessment), request.user
    criteria = list(assessment.evaluation.rubric.criteria.all())
    can_edit = kind.can_write(user, assessment) and kind.is_editable(assessment)
    can_decide = (
        kind.can_review(user, assessment)
        and assessment.status == assessment.Status.SUBMITTED
        and not assessment.evaluation.is_locked
    )
    if can_edit and form is None:
        form = _initial_self_assessment_form(assessment, criteria)
    scores = {s.criterion_id: s for s in assessment.scores.all()}
    context = {
        "assessment": assessment,
        "evaluation": assessment.evaluation,
        "status_css": ASSESSMENT_CSS[assessment.status],
        "form": form if can_edit else None,
        "can_edit": can_edit,
        "scored": [(c, scores.get(c.pk)) for c in criteria],
        "can_decide": can_decide,
        "decision_form": decision_form or ReviewDecisionForm(),
        "evidence": evidence_for(assessment),
        "pending_files": can_decide and bool(lifecycle.undecided_evidence(assessment)),
        "facts": facts.department_facts(assessment.evaluation.plan, assessment.department),
        "timeline": AuditEntry.objects.for_object(assessment).select_related("actor"),
    }
    return render(request, "evaluation/self_assessment_detail.html", context, status=status)


def _plain(value) -> str:
    return format(value.normalize(), "f")


@require_safe
def self_assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_self_assessment_page(request, access.get_self_assessment_for_user(request.user, pk), fresh=True)


def _typed_self_assessment(
    request: HttpRequest, assessment, *, posted: bool = True
) -> tuple[SelfAssessmentForm | None, dict | None]:
    """The department's form as posted, and what was typed when it is valid. (None, None) for an
    upload or a removal posted without the form (``posted=False`` and no narrative in the request)."""
    if not lifecycle.kind_of(assessment).can_write(request.user, assessment):
        raise PermissionDenied  # rights first: someone who may not write learns nothing more
    if not posted and "narrative" not in request.POST:
        return None, None
    form = SelfAssessmentForm(request.POST, criteria=list(assessment.evaluation.rubric.criteria.all()))
    return form, form.typed() if form.is_valid() else None


@require_POST
def self_assessment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the draft, or save and submit to the evaluation lead (button ``submit``)."""
    assessment = access.get_self_assessment_for_user(request.user, pk)
    form, typed = _typed_self_assessment(request, assessment)
    if typed is not None:
        try:
            if "submit" in request.POST:
                services.self_assessment_submit(assessment=assessment, user=request.user, **typed)
                messages.success(request, _("Your self-assessment has been sent to the evaluation lead."))
            else:
                services.self_assessment_save(assessment=assessment, user=request.user, **typed)
                messages.success(request, _("Your self-assessment has been saved as a draft."))
            return redirect(assessment)
        except ValidationError as exc:
            add_errors(form, exc, request)
    return render_self_assessment_page(request, assessment, form=form, status=400)


self_assessment_decide = decide_view(
    get_subject=access.get_self_assessment_for_user,
    render=lambda request, assessment, form, status: render_self_assessment_page(
        request, assessment, decision_form=form, status=status
    ),
)


def _assessment_typed(request: HttpRequest, assessment) -> tuple[SelfAssessmentForm | None, dict | None]:
    form, typed = _typed_self_assessment(request, assessment, posted=False)  # rights first
    return form, ({} if form is None else typed)


SELF_ASSESSMENT_PAGE = WriterPage(
    get_subject=access.get_self_assessment_for_user,
    typed=_assessment_typed,
    attach=lambda assessment, user, uploads, **typed: services.self_assessment_attach(
        assessment=assessment, user=user, uploads=uploads, **typed
    ),
    remove=lambda assessment, user, evidence, **typed: services.self_assessment_remove_evidence(
        assessment=assessment, user=user, evidence=evidence, **typed
    ),
    render=lambda request, assessment, form, status: render_self_assessment_page(request, assessment, form=form, status=status),
)
self_assessment_evidence = evidence_upload_view(SELF_ASSESSMENT_PAGE)
self_assessment_evidence_remove = evidence_remove_view(SELF_ASSESSMENT_PAGE)


# --- evaluator scoring ---------------------------------------------------------------------


def render_scoring_page(request: HttpRequest, assignment, *, form=None, status=200) -> HttpResponse:
    """The evaluator's page: the self-assessment and the computed facts beside each task, and a
    score and comment per criterion with a conclusion."""
    evaluation = assignment.evaluation
    criteria = list(evaluation.rubric.criteria.all())
    can_score = assignment.evaluator_id == request.user.pk and not assignment.is_submitted and not evaluation.is_locked
    if can_score and form is None:
        initial = {"conclusion": assignment.conclusion}
        for score in assignment.scores.all():
            initial[f"score_{score.criterion_id}"] = _plain(score.score)
            initial[f"comment_{score.criterion_id}"] = score.comment
        form = ScoringForm(initial=initial, criteria=criteria)
    self_assessment = evaluation.self_assessments.filter(department=assignment.department).first()
    self_scores = {s.criterion_id: s for s in self_assessment.scores.all()} if self_assessment else {}
    own_scores = {s.criterion_id: s for s in assignment.scores.all()}
    context = {
        "assignment": assignment,
        "evaluation": evaluation,
        "form": form if can_score else None,
        "criteria_rows": [(c, self_scores.get(c.pk), own_scores.get(c.pk)) for c in criteria],
        "self_assessment": self_assessment,
        "self_evidence": evidence_for(self_assessment) if self_assessment else [],
        "facts": facts.department_facts(evaluation.plan, assignment.department),
    }
    return render(request, "evaluation/scoring.html", context, status=status)


@require_safe
def scoring(request: HttpRequest, pk: int) -> HttpResponse:
    return render_scoring_page(request, access.get_assignment_for_user(request.user, pk))


@require_POST
def scoring_save(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the scores, or save and submit them to the lead (button ``submit``)."""
    assignment = access.get_assignment_for_user(request.user, pk)
    if assignment.evaluator_id != request.user.pk:
        raise PermissionDenied
    if assignment.is_submitted or assignment.evaluation.is_locked:
        messages.error(request, _("You have submitted these scores; they can no longer be changed."))
        return redirect(assignment)
    form = ScoringForm(request.POST, criteria=list(assignment.evaluation.rubric.criteria.all()))
    if form.is_valid():
        submit = "submit" in request.POST
        try:
            services.scores_save(
                assignment=assignment, user=request.user, scores=form.scores(), conclusion=form.cleaned_data["conclusion"], submit=submit
            )
            if submit:
                messages.success(request, _("Your scores have been submitted to the evaluation lead."))
            else:
                messages.success(request, _("Your scores have been saved; submit them when they are complete."))
            return redirect(assignment)
        except ValidationError as exc:
            add_errors(form, exc, request)
    return render_scoring_page(request, assignment, form=form, status=400)


# --- rubric --------------------------------------------------------------------------------


def rubric_edit(request: HttpRequest, pk: int) -> HttpResponse:
    if not access.can_edit_rubric(request.user):
        raise PermissionDenied
    rubric = get_object_or_404(ScoringRubric.objects.select_related("plan"), pk=pk)
    get_plan_for_user(request.user, rubric.plan_id)
    in_use = services.rubric_in_use(rubric)
    if request.method == "POST":
        name_form = RubricNameForm(request.POST)
        formset = CriterionFormSet(request.POST, prefix="criteria")
        if name_form.is_valid() and formset.is_valid():
            try:
                services.rubric_update(
                    rubric=rubric,
                    user=request.user,
                    name=name_form.cleaned_data["name"],
                    criteria=[row for row in formset.cleaned_data if row],
                )
                messages.success(request, _("The scoring rubric has been saved."))
                return redirect("evaluation:rubric_edit", pk=rubric.pk)
            except ValidationError as exc:
                _messages(request, exc)
        status = 400
    else:
        name_form = RubricNameForm(initial={"name": rubric.name})
        formset = CriterionFormSet(
            prefix="criteria",
            initial=[
                {"id": c.pk, "name": c.name, "weight": c.weight, "scale_max": c.scale_max}
                for c in rubric.criteria.all()
            ],
        )
        status = 200
    return render(
        request,
        "evaluation/rubric_form.html",
        {"rubric": rubric, "name_form": name_form, "formset": formset, "in_use": in_use},
        status=status,
    )


# --- generated reports ---------------------------------------------------------------------


def report_list(request: HttpRequest) -> HttpResponse:
    """报告: the generated versions of final reports and bulletins, and the form to generate one."""
    if not access.can_view_reports(request.user):
        raise PermissionDenied
    plans = visible_plans(request.user)
    filterset = GeneratedReportFilter(request.GET or None, queryset=access.visible_reports(request.user), request=request)
    filterset.filters["plan"].queryset = plans
    table = GeneratedReportTable(filterset.qs)
    export_format = requested_export(request)
    if export_format:
        return export_list(request, table, export_format, "generated-reports")
    paginate(request, table, default=PAGE_SIZE)
    form = None
    if access.can_generate_reports(request.user):
        form = ReportRequestForm(request.POST or None, plans=plans, initial={"plan": plans.first()})
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                report = generation.report_request(
                    plan=form.cleaned_data["plan"],
                    kind=form.cleaned_data["kind"],
                    period_code=form.cleaned_data["period_code"],
                    with_task_detail=form.cleaned_data["with_task_detail"],
                    user=request.user,
                )
                messages.success(request, _("%(report)s is being generated.") % {"report": report})
                return redirect(report)
            except ValidationError as exc:
                add_errors(form, exc, request)
        status = 400
    return render(
        request,
        "evaluation/report_list.html",
        {"filter": filterset, "table": table, "form": form},
        status=status,
    )


def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = access.get_report_for_user(request.user, pk)
    return render(
        request,
        "evaluation/report_detail.html",
        {
            "report": report,
            "status_css": REPORT_CSS[report.status],
            "timeline": AuditEntry.objects.for_object(report).select_related("actor"),
        },
    )


@require_GET
def report_status(request: HttpRequest, pk: int) -> JsonResponse:
    """What the progress bar polls."""
    report = access.get_report_for_user(request.user, pk)
    return JsonResponse(job_status(report))


@require_GET
def report_download(request: HttpRequest, pk: int) -> FileResponse:
    report = access.get_report_for_user(request.user, pk)
    if report.status != GeneratedReport.Status.DONE:
        raise Http404
    audit_record(subject=report, actor=request.user, action="download", comment=str(report))
    return FileResponse(
        report.file.open("rb"),
        as_attachment=True,
        filename=report.download_name,
        content_type="application/pdf",
    )
