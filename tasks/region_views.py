"""The region pages: the tree, a region with its departments and staff, and the sheet import.

Thin: the gatekeepers and services in ``tasks.regions`` decide; a region outside the user's
subtree answers 404, a page for a user who does not manage regions 403.
"""

from __future__ import annotations

import os
import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.pagination import paginate_rows
from common.spreadsheets import TableError
from common.views import add_errors
from tasks import access, regions
from tasks.region_forms import (
    DepartmentForm,
    RegionCreateForm,
    RegionEditForm,
    RegionImportForm,
    StaffPlaceForm,
)

TREE_PAGE_SIZE = 100
SESSION_KEY = "region_imports"


def region_tree(request: HttpRequest) -> HttpResponse:
    regions.require_region_admin(request.user)
    page = paginate_rows(request, regions.region_tree(request.user), per_page=TREE_PAGE_SIZE)
    own = access.staff_region(request.user)
    top_depth = own.depth if own is not None and not request.user.is_superuser else 1
    rows = [(region, range(max(region.depth - top_depth, 0))) for region in page.object_list]
    return render(
        request,
        "tasks/regions/tree.html",
        {"page": page, "rows": rows, "may_import": request.user.has_perm("tasks.add_region")},
    )


def region_detail(request: HttpRequest, pk: int) -> HttpResponse:
    region = regions.get_region_for_user(request.user, pk)
    user = request.user
    return render(
        request,
        "tasks/regions/detail.html",
        {
            "region": region,
            "ancestors": regions.region_ancestors(user, region),
            "children": regions.region_tree(user).filter(parent=region),
            "departments": region.departments.order_by("-is_active", "position", "name"),
            "staff": regions.region_staff(region),
            "may_edit": regions.can_edit_region(user, region),
            "may_add_child": regions.can_add_region(user, region),
            "may_change_departments": regions.can_change_departments(user, region),
            "may_place_staff": regions.can_place_staff(user, region),
            "staff_form": StaffPlaceForm(actor=user),
        },
    )


def region_create(request: HttpRequest) -> HttpResponse:
    regions.require_region_admin(request.user)
    initial = {}
    if parent_pk := request.GET.get("parent", "").strip():
        if parent_pk.isdigit():
            initial["parent"] = regions.get_region_for_user(request.user, int(parent_pk))
    form = RegionCreateForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not regions.can_add_region(request.user, data["parent"]):
            raise PermissionDenied
        try:
            region = regions.region_create(
                actor=request.user, parent=data["parent"], name=data["name"], code=data["code"], level=data["level"] or None
            )
        except ValidationError as exc:
            add_errors(form, exc, request)
        else:
            messages.success(request, _("The region %(region)s was created.") % {"region": region.name})
            return redirect("tasks:region_detail", pk=region.pk)
    return render(request, "tasks/regions/form.html", {"form": form, "title": _("New region")})


def region_edit(request: HttpRequest, pk: int) -> HttpResponse:
    region = regions.get_region_for_user(request.user, pk)
    if not regions.can_edit_region(request.user, region):
        raise PermissionDenied
    initial = {"name": region.name, "code": region.code, "parent": region.parent}
    form = RegionEditForm(request.POST or None, user=request.user, region=region, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            regions.region_update(
                actor=request.user, region=region, name=data["name"], code=data["code"], parent=data["parent"]
            )
        except ValidationError as exc:
            add_errors(form, exc, request)
        else:
            messages.success(request, _("The region was saved."))
            return redirect("tasks:region_detail", pk=region.pk)
    return render(request, "tasks/regions/form.html", {"form": form, "region": region, "title": _("Edit region")})


def department_new(request: HttpRequest, pk: int) -> HttpResponse:
    region = regions.get_region_for_user(request.user, pk)
    if not regions.can_change_departments(request.user, region):
        raise PermissionDenied
    form = DepartmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            regions.region_department_create(actor=request.user, region=region, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc, request)
        else:
            messages.success(request, _("The department was added."))
            return redirect(reverse("tasks:region_detail", args=[region.pk]) + "#departments")
    return render(request, "tasks/regions/form.html", {"form": form, "region": region, "title": _("New department")})


def department_edit(request: HttpRequest, pk: int) -> HttpResponse:
    department = regions.get_department_for_user(request.user, pk)
    region = department.region
    if not regions.can_change_departments(request.user, region):
        raise PermissionDenied
    initial = {f: getattr(department, f) for f in ("name", "short_name", "code", "is_supervising")}
    form = DepartmentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            regions.region_department_update(actor=request.user, department=department, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc, request)
        else:
            messages.success(request, _("The department was saved."))
            return redirect(reverse("tasks:region_detail", args=[region.pk]) + "#departments")
    return render(
        request, "tasks/regions/form.html", {"form": form, "region": region, "department": department, "title": _("Edit department")}
    )


@require_POST
def department_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    department = regions.get_department_for_user(request.user, pk)
    if request.POST.get("active") not in ("0", "1"):  # say which: an empty post changes nothing
        return HttpResponseBadRequest()
    active = request.POST["active"] == "1"
    try:
        regions.region_department_set_active(actor=request.user, department=department, active=active)
    except ValidationError as exc:
        add_errors(None, exc, request)
    else:
        if active:
            messages.success(request, _("%(department)s is active again.") % {"department": department.name})
        else:
            messages.success(request, _("%(department)s was deactivated.") % {"department": department.name})
    return redirect(reverse("tasks:region_detail", args=[department.region_id]) + "#departments")


@require_POST
def staff_place(request: HttpRequest, pk: int) -> HttpResponse:
    region = regions.get_region_for_user(request.user, pk)
    form = StaffPlaceForm(request.POST, actor=request.user)
    if form.is_valid():
        user = form.cleaned_data["user"]
        try:
            regions.region_staff_place(actor=request.user, user=user, region=region)
        except ValidationError as exc:
            add_errors(None, exc, request)
        else:
            messages.success(request, _("%(user)s now serves %(region)s.") % {"user": user, "region": region.name})
    else:
        messages.error(request, _("Choose a supervisor, evaluator or administrator you administer."))
    return redirect(reverse("tasks:region_detail", args=[region.pk]) + "#staff")


# --- import ----------------------------------------------------------------------------------


def region_import(request: HttpRequest) -> HttpResponse:
    """Step 1: upload. The file is kept (storage + session) for the preview and the confirmation."""
    regions.require_region_admin(request.user)
    if not request.user.has_perm("tasks.add_region"):
        raise PermissionDenied
    form = RegionImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        token = uuid.uuid4().hex
        extension = os.path.splitext(upload.name)[1].lower()
        path = default_storage.save(f"region-imports/{token}{extension}", ContentFile(upload.read()))
        uploads = request.session.get(SESSION_KEY, {})
        under = form.cleaned_data["under"]
        uploads[token] = {"path": path, "name": upload.name[:255], "under": under.pk if under else None}
        request.session[SESSION_KEY] = uploads
        return redirect("tasks:region_import_preview", token=token)
    return render(request, "tasks/regions/import.html", {"form": form})


def _upload(request: HttpRequest, token: str) -> tuple[dict, bytes, regions.Region | None]:
    regions.require_region_admin(request.user)
    record = request.session.get(SESSION_KEY, {}).get(token)
    if record is None or not default_storage.exists(record["path"]):
        raise Http404
    with default_storage.open(record["path"], "rb") as fh:
        data = fh.read()
    under = regions.get_region_for_user(request.user, record["under"]) if record["under"] else None
    return record, data, under


def region_import_preview(request: HttpRequest, token: str) -> HttpResponse:
    """Step 2: what would be created and updated, with every problem per row. Nothing is saved."""
    record, data, under = _upload(request, token)
    context = {"record": record, "token": token, "under": under}
    try:
        context["result"] = regions.regions_import(
            data=data, filename=record["name"], actor=request.user, under=under, dry_run=True
        )
    except TableError as exc:
        context["sheet_problems"] = exc.problems
    return render(request, "tasks/regions/import_preview.html", context)


@require_POST
def region_import_confirm(request: HttpRequest, token: str) -> HttpResponse:
    record, data, under = _upload(request, token)
    try:
        result = regions.regions_import(data=data, filename=record["name"], actor=request.user, under=under)
    except TableError:
        result = None
    if result is None or not result.applied:
        messages.error(request, _("The sheet has problems; nothing was imported."))
        return redirect("tasks:region_import_preview", token=token)
    default_storage.delete(record["path"])
    uploads = request.session.get(SESSION_KEY, {})
    uploads.pop(token, None)
    request.session[SESSION_KEY] = uploads
    messages.success(
        request,
        _("Regions imported: %(created)d created, %(updated)d updated.") % {"created": result.created, "updated": result.updated},
    )
    return redirect("tasks:region_tree")
