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

from assessment import access, selectors, services
from assessment.charts import ranking_chart
from assessment.forms import (
    AdjustForm,
    BonusForm,
    ItemAddForm,
    ItemForm,
    SchemeForm,
    SchemeTitleForm,
    SignOffForm,
)
from common.views import add_errors


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


def _render_edit(request, scheme, *, title_form=None, item_form=None, bonus_form=None, status=200):
    items = list(scheme.items.select_related("indicator"))
    return render(
        request,
        "assessment/scheme_edit.html",
        {
            "scheme": scheme,
            "plan": scheme.plan,
            "items": [(item, ItemForm(initial={"weight": item.weight, "rule": item.rule, "reference": item.reference, "floor_share": item.floor_share}, prefix=f"item{item.pk}")) for item in items],
            "weights_total": services.weights_total(items),
            "title_form": title_form or SchemeTitleForm(initial={"title": scheme.title}),
            "item_form": item_form or ItemAddForm(scheme=scheme),
            "bonus_form": bonus_form or BonusForm(regions=selectors.prefectures(scheme)),
            "bonuses": scheme.bonuses.select_related("region", "created_by"),
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
        try:
            services.item_edit(item=item, user=request.user, **form.cleaned_data)
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
    form = BonusForm(request.POST, regions=selectors.prefectures(scheme))
    if form.is_valid():
        try:
            services.bonus_add(scheme=scheme, user=request.user, **form.cleaned_data)
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
