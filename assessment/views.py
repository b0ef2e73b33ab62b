"""Pages of the assessment (考核): one URL and view per action; rules live in services."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from assessment import access, selectors, services, sheets, verification
from assessment.charts import ranking_chart
from assessment.forms import (
    AdjustForm,
    BonusForm,
    CheckForm,
    ChooseForm,
    ItemAddForm,
    ItemForm,
    JudgeForm,
    RespondForm,
    SampleForm,
    SchemeForm,
    SchemeImportForm,
    SchemeTitleForm,
    SelfScoreForm,
    SettingsForm,
    SignOffForm,
    VetoForm,
)
from assessment.models import Judgement, Sample, SampledItem, SchemeItem
from common.spreadsheets import TableError
from common.views import add_errors
from evidence.services import with_evidence


def _manager(request: HttpRequest) -> None:
    if not access.can_manage(request.user):
        raise PermissionDenied


@require_GET
def scheme_list(request: HttpRequest, plan_pk: int) -> HttpResponse:
    plan = access.get_plan_for_assessment(request.user, plan_pk)
    schemes = access.visible_schemes(request.user).filter(plan=plan).order_by("-year")
    return render(
        request,
        "assessment/scheme_list.html",
        {
            "plan": plan,
            "schemes": schemes,
            "can_manage": access.can_manage(request.user),
            "form": SchemeForm(initial={"year": plan.start_year}),
        },
    )


@require_POST
def scheme_create(request: HttpRequest, plan_pk: int) -> HttpResponse:
    plan = access.get_plan_for_assessment(request.user, plan_pk)
    _manager(request)
    form = SchemeForm(request.POST)
    if form.is_valid():
        try:
            scheme = services.scheme_create(plan=plan, user=request.user, **form.cleaned_data)
            messages.success(request, _("The assessment scheme has been created: add its items."))
            return redirect("assessment:scheme_edit", scheme.pk)
        except ValidationError as exc:
            add_errors(form, exc, request)
    schemes = access.visible_schemes(request.user).filter(plan=plan).order_by("-year")
    return render(
        request,
        "assessment/scheme_list.html",
        {"plan": plan, "schemes": schemes, "can_manage": True, "form": form},
        status=400,
    )


def _bonus_items(scheme):
    return scheme.items.filter(rule__in=[SchemeItem.Rule.BONUS, SchemeItem.Rule.DEDUCTION])


def _render_edit(request, scheme, *, title_form=None, item_form=None, bonus_form=None, status=200):
    items = list(scheme.items.select_related("indicator"))
    regions = selectors.assessed_prefectures(scheme)
    return render(
        request,
        "assessment/scheme_edit.html",
        {
            "scheme": scheme,
            "plan": scheme.plan,
            "items": [
                (item, selectors.item_params(item), ItemForm(initial={"weight": item.weight, "rule": item.rule}, prefix=f"item{item.pk}"))
                for item in items
            ],
            "weights_total": services.weights_total(items),
            "title_form": title_form or SchemeTitleForm(initial={"title": scheme.title}),
            "item_form": item_form or ItemAddForm(scheme=scheme),
            "bonus_form": bonus_form or BonusForm(regions=regions, items=_bonus_items(scheme)),
            "veto_form": VetoForm(regions=regions, items=scheme.items.filter(rule=SchemeItem.Rule.VETO)),
            "settings_form": SettingsForm(initial={
                key: getattr(scheme, key) for key in SettingsForm.base_fields
            }),
            "import_form": SchemeImportForm(),
            "choose_form": ChooseForm(initial={"count": len(regions)}),
            "assessed": list(regions) if scheme.assessed_seed is not None else None,
            "bonuses": with_evidence(scheme.bonuses.select_related("region", "created_by", "item")),
            "vetoes": with_evidence(scheme.vetoes.select_related("region", "item", "notice")),
            "can_manage": access.can_manage(request.user) and not scheme.is_signed_off,
        },
        status=status,
    )


@require_GET
def scheme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = access.get_scheme_for_user(request.user, pk)
    return _render_edit(request, scheme)


@require_POST
def scheme_title(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = access.get_scheme_for_user(request.user, pk)
    _manager(request)
    form = SchemeTitleForm(request.POST)
    if form.is_valid():
        try:
            services.scheme_edit(scheme=scheme, title=form.cleaned_data["title"], user=request.user)
            messages.success(request, _("The title has been saved."))
            return redirect("assessment:scheme_edit", scheme.pk)
        except ValidationError as exc:
            add_errors(form, exc, request)
    return _render_edit(request, scheme, title_form=form, status=400)


@require_POST
def item_add(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = access.get_scheme_for_user(request.user, pk)
    _manager(request)
    form = ItemAddForm(request.POST, scheme=scheme)
    if form.is_valid():
        try:
            services.item_add(scheme=scheme, user=request.user, **form.cleaned_data)
            messages.success(request, _("The item has been added."))
            return redirect("assessment:scheme_edit", scheme.pk)
        except ValidationError as exc:
            add_errors(form, exc, request)
    return _render_edit(request, scheme, item_form=form, status=400)


@require_POST
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = access.get_item_for_user(request.user, pk)
    _manager(request)
    form = ItemForm(request.POST, prefix=f"item{item.pk}")
    if form.is_valid():
        data = dict(form.cleaned_data)
        for field in ("params", "source"):
            if form.add_prefix(field) not in request.POST:
                data.pop(field)  # not on the form sent: unchanged
        try:
            services.item_edit(item=item, user=request.user, **data)
            messages.success(request, _("The item has been saved."))
            return redirect("assessment:scheme_edit", item.scheme_id)
        except ValidationError as exc:
            add_errors(None, exc, request)
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    return _render_edit(request, item.scheme, status=400)


@require_POST
def item_remove(request: HttpRequest, pk: int) -> HttpResponse:
    item = access.get_item_for_user(request.user, pk)
    _manager(request)
    try:
        services.item_remove(item=item, user=request.user)
        messages.success(request, _("The item has been removed."))
    except ValidationError as exc:
        add_errors(None, exc, request)
    return redirect("assessment:scheme_edit", item.scheme_id)


@require_POST
def bonus_add(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = access.get_scheme_for_user(request.user, pk)
    _manager(request)
    form = BonusForm(request.POST, request.FILES, regions=selectors.assessed_prefectures(scheme), items=_bonus_items(scheme))
    if form.is_valid():
        try:
            services.bonus_add(scheme=scheme, user=request.user, **_with_upload(dict(form.cleaned_data)))
            messages.success(request, _("The bonus or deduction has been recorded."))
            return redirect("assessment:scheme_edit", scheme.pk)
        except ValidationError as exc:
            add_errors(form, exc, request)
    return _render_edit(request, scheme, bonus_form=form, status=400)


@require_POST
def bonus_remove(request: HttpRequest, pk: int) -> HttpResponse:
    bonus = access.get_bonus_for_user(request.user, pk)
    _manager(request)
    try:
        services.bonus_remove(bonus=bonus, user=request.user)
        messages.success(request, _("The bonus or deduction has been removed."))
    except ValidationError as exc:
        add_errors(None, exc, request)
    return redirect("assessment:scheme_edit", bonus.scheme_id)


def _render_results(request, scheme, *, adjust_form=None, sign_off_form=None, status=200):
    result = selectors.results(scheme)
    manage = access.can_manage(request.user) and not scheme.is_signed_off
    return render(
        request,
        "assessment/results.html",
        {
            "scheme": scheme,
            "plan": scheme.plan,
            "result": result,
            "can_rerun": access.can_manage(request.user) and scheme.is_signed_off and not scheme.reruns.exists(),
            "chart": ranking_chart(result) if result.rows else "",
            "can_manage": manage,
            "adjust_form": adjust_form or (AdjustForm(result=result) if manage else None),
            "sign_off_form": sign_off_form or SignOffForm(),
        },
        status=status,
    )


@require_GET
def results(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = access.get_scheme_for_user(request.user, pk)
    return _render_results(request, scheme)


@require_POST
def compute(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = access.get_scheme_for_user(request.user, pk)
    _manager(request)
    try:
        services.compute(scheme=scheme, user=request.user)
        messages.success(request, _("The scores have been computed from the tracked data."))
    except ValidationError as exc:
        add_errors(None, exc, request)
        return redirect(reverse("assessment:scheme_edit", args=[scheme.pk]))
    return redirect(scheme)


@require_POST
def adjust(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = access.get_scheme_for_user(request.user, pk)
    _manager(request)
    form = AdjustForm(request.POST, result=selectors.results(scheme))
    if form.is_valid():
        score = access.get_score_for_user(request.user, scheme, form.cleaned_data["score"])
        try:
            services.score_adjust(
                score=score, new_score=form.cleaned_data["new_score"], reason=form.cleaned_data["reason"], user=request.user
            )
            messages.success(request, _("The score has been adjusted."))
            return redirect(scheme)
        except ValidationError as exc:
            add_errors(form, exc, request)
    return _render_results(request, scheme, adjust_form=form, status=400)


@require_POST
def sign_off(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = access.get_scheme_for_user(request.user, pk)
    _manager(request)
    form = SignOffForm(request.POST)
    if form.is_valid():
        try:
            services.sign_off(scheme=scheme, user=request.user)
            messages.success(request, _("The assessment has been signed off; its ranking is now frozen."))
            return redirect(scheme)
        except ValidationError as exc:
            add_errors(form, exc, request)
    return _render_results(request, scheme, sign_off_form=form, status=400)


@require_GET
def export(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = access.get_scheme_for_user(request.user, pk)
    response = HttpResponse(
        selectors.export_xlsx(scheme),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = content_disposition_header(True, f"{scheme.title}.xlsx")
    return response


# --- issue 19: settings, vetoes, scheme sheets, prefectures, versions ---------------------------


@require_POST
def settings_save(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = access.get_scheme_for_user(request.user, pk)
    _manager(request)
    _act(
        request, SettingsForm(request.POST),
        lambda data: services.scheme_settings(scheme=scheme, user=request.user, **data),
        _("The settings have been saved."),
    )
    return redirect("assessment:scheme_edit", scheme.pk)


@require_POST
def veto_add(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = access.get_scheme_for_user(request.user, pk)
    _manager(request)
    form = VetoForm(
        request.POST, request.FILES, regions=selectors.assessed_prefectures(scheme),
        items=scheme.items.filter(rule=SchemeItem.Rule.VETO),
    )
    _act(
        request, form,
        lambda data: services.veto_add(scheme=scheme, user=request.user, **_with_upload(data)),
        _("The veto has been recorded."),
    )
    return redirect("assessment:scheme_edit", scheme.pk)


@require_POST
def veto_remove(request: HttpRequest, pk: int) -> HttpResponse:
    veto = access.get_veto_for_user(request.user, pk)
    _manager(request)
    try:
        services.veto_remove(veto=veto, user=request.user)
        messages.success(request, _("The veto has been removed."))
    except ValidationError as exc:
        add_errors(None, exc, request)
    return redirect("assessment:scheme_edit", veto.scheme_id)


def _xlsx(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


@require_GET
def scheme_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = access.get_scheme_for_user(request.user, pk)
    return _xlsx(sheets.write_scheme_sheet(scheme), f"{scheme.title}-考核方案.xlsx")


@require_POST
def scheme_import(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = access.get_scheme_for_user(request.user, pk)
    _manager(request)
    form = SchemeImportForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            created = sheets.scheme_import(scheme=scheme, data=upload.read(), filename=upload.name, user=request.user)
            messages.success(request, _("The scheme has been imported: %(count)d items.") % {"count": len(created)})
        except TableError as exc:
            messages.error(request, _("Nothing was imported:"))
            for problem in exc.problems:
                messages.error(request, str(problem))
        except ValidationError as exc:
            add_errors(None, exc, request)
    else:
        messages.error(request, _("Choose the scheme sheet."))
    return redirect("assessment:scheme_edit", scheme.pk)


@require_POST
def choose_prefectures(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = access.get_scheme_for_user(request.user, pk)
    _manager(request)
    _act(
        request, ChooseForm(request.POST),
        lambda data: verification.choose_prefectures(scheme=scheme, user=request.user, **data),
        lambda chosen: _("%(count)d prefectures will be assessed this year.") % {"count": len(chosen)},
    )
    return redirect("assessment:scheme_edit", scheme.pk)


@require_POST
def rerun(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = access.get_scheme_for_user(request.user, pk)
    _manager(request)
    try:
        new = services.rerun(scheme=scheme, user=request.user)
    except ValidationError as exc:
        add_errors(None, exc, request)
        return redirect(scheme)
    messages.success(request, _("Version %(version)d has been computed from today's data.") % {"version": new.version})
    return redirect("assessment:differences", new.pk)


@require_GET
def differences(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = access.get_scheme_for_user(request.user, pk)
    return render(
        request, "assessment/differences.html",
        {"scheme": scheme, "plan": scheme.plan, "previous": scheme.previous, "differences": selectors.differences(scheme)},
    )


@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """A prefecture's staff: the assessments of their prefecture, each linking to its own sheet."""
    region = access.own_prefecture(request.user)
    return render(
        request, "assessment/mine.html",
        {"region": region, "schemes": access.schemes_assessing(request.user)},
    )


def _prefecture_context(request, scheme, region, own):
    """The prefecture's sheet from the ranking's reads (one pass over every prefecture's stored
    scores: its rank and grade depend on the others) and one read of its sampled items."""
    result = selectors.results(scheme)
    row = next((r for r in result.rows if r.region.pk == region.pk), None)
    lines = []
    for index, item in enumerate(result.items):
        cell = row.cells[index] if row else None
        own_score = row.self_scores[index] if row else None
        lines.append({
            "item": item, "params": selectors.item_params(item), "cell": cell, "self": own_score,
            "difference": (cell.effective - own_score) if (cell is not None and own_score is not None) else None,
            "working": selectors.working(item, cell),
        })
    sampled = list(
        SampledItem.objects.filter(sample__scheme=scheme, sample__region=region)
        .select_related("sample", "evidence", "report")
        .order_by("source", "pk")
    )
    sample = sampled[0].sample if sampled else Sample.objects.filter(scheme=scheme, region=region).first()
    manage = access.can_manage(request.user) and not own and not scheme.is_signed_off
    self_assess = access.can_self_assess(request.user, region) and not scheme.is_signed_off
    judged = [item for item in result.items if item.rule == SchemeItem.Rule.JUDGED]
    initial = {item.pk: value for item, value in zip(result.items, row.self_scores, strict=True)} if row else {}
    return {
        "scheme": scheme, "plan": scheme.plan, "region": region, "own": own, "row": row, "lines": lines,
        "sample": sample, "sampled": sampled, "can_manage": manage, "can_self_assess": self_assess,
        "judge_form": JudgeForm(items=scheme.items.filter(rule=SchemeItem.Rule.JUDGED)) if manage and judged else None,
        "sample_form": SampleForm() if manage and sample is None else None,
        "check_form": CheckForm() if manage else None,
        "respond_form": RespondForm() if self_assess else None,
        "self_form": SelfScoreForm(items=result.items, initial_scores=initial, prefix="self") if self_assess else None,
        "vetoes": with_evidence(row.vetoes) if row else [],
        "bonus_reasons": row.bonus_reasons if row else [],
        "judgements": with_evidence(
            Judgement.objects.filter(scheme=scheme, region=region).select_related("item", "judged_by").order_by("item__position", "pk")
        ) if judged else [],
    }


@require_GET
def prefecture(request: HttpRequest, pk: int, region_pk: int) -> HttpResponse:
    scheme, region, own = access.get_prefecture_for_user(request.user, pk, region_pk)
    return render(request, "assessment/prefecture.html", _prefecture_context(request, scheme, region, own))


def _back(scheme, region):
    return redirect("assessment:prefecture", scheme.pk, region.pk)


def _act(request: HttpRequest, form, action, success) -> None:
    """The POST of a small form: ``action(data)`` with the form's cleaned data when it is valid, then
    ``success`` (a message, or a function of what ``action`` returned) as a message; the form's or
    the service's errors as messages otherwise (the page redirects back either way)."""
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return
    try:
        result = action(dict(form.cleaned_data))
    except ValidationError as exc:
        add_errors(None, exc, request)
        return
    messages.success(request, success(result) if callable(success) else success)


def _with_upload(data: dict) -> dict:
    """The form's data with its optional ``evidence`` file as the services' list of uploads."""
    upload = data.pop("evidence")
    return {**data, "evidence": [upload] if upload else []}


@require_POST
def self_assess(request: HttpRequest, pk: int, region_pk: int) -> HttpResponse:
    scheme, region, own = access.get_prefecture_for_user(request.user, pk, region_pk)
    if not access.can_self_assess(request.user, region):
        raise PermissionDenied
    form = SelfScoreForm(request.POST, items=[item for item in scheme.items.all() if item.in_total], prefix="self")
    _act(
        request, form,
        lambda _data: services.self_score(scheme=scheme, region=region, scores=form.scores(), user=request.user),
        _("The self-assessment has been saved."),
    )
    return _back(scheme, region)


@require_POST
def judge(request: HttpRequest, pk: int, region_pk: int) -> HttpResponse:
    scheme, region, own = access.get_prefecture_for_user(request.user, pk, region_pk)
    if own:
        raise PermissionDenied
    _manager(request)
    _act(
        request, JudgeForm(request.POST, request.FILES, items=scheme.items.filter(rule=SchemeItem.Rule.JUDGED)),
        lambda data: services.judge(scheme=scheme, region=region, user=request.user, **_with_upload(data)),
        _("The judgement has been recorded."),
    )
    return _back(scheme, region)


@require_POST
def sample_draw(request: HttpRequest, pk: int, region_pk: int) -> HttpResponse:
    scheme, region, own = access.get_prefecture_for_user(request.user, pk, region_pk)
    if own:
        raise PermissionDenied
    _manager(request)
    _act(
        request, SampleForm(request.POST),
        lambda data: verification.draw(scheme=scheme, region=region, user=request.user, **data),
        lambda sample: _("The sample has been drawn (seed %(seed)d).") % {"seed": sample.seed},
    )
    return _back(scheme, region)


@require_POST
def sampled_check(request: HttpRequest, pk: int) -> HttpResponse:
    sampled, own = access.get_sampled_for_user(request.user, pk)
    if own:
        raise PermissionDenied
    _manager(request)
    _act(
        request, CheckForm(request.POST),
        lambda data: verification.check(sampled=sampled, user=request.user, **data),
        _("The finding has been recorded."),
    )
    return _back(sampled.sample.scheme, sampled.sample.region)


@require_POST
def sampled_respond(request: HttpRequest, pk: int) -> HttpResponse:
    sampled, own = access.get_sampled_for_user(request.user, pk)
    if not access.can_self_assess(request.user, sampled.sample.region):
        raise PermissionDenied
    _act(
        request, RespondForm(request.POST),
        lambda data: verification.respond(sampled=sampled, user=request.user, **data),
        _("The response has been sent to the province."),
    )
    return _back(sampled.sample.scheme, sampled.sample.region)



