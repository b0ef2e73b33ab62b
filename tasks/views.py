from django.contrib import messages
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.pagination import paginate
from common.views import requested_export
from exports.views import export_list
from tasks import access, selectors
from tasks.breakdown_table import TableError, read_breakdown_table
from tasks.filters import DepartmentFilter, KeyTaskFilter
from tasks.forms import PlanImportForm, PlanReopenForm, SplitCorrectionForm
from tasks.models import Plan, PlanImport
from tasks.services import ImportOptions, plan_export, plan_import, record_split_correction
from tasks.tables import DepartmentTable, KeyTaskTable

PAGE_SIZE = 25


def home(request: HttpRequest) -> HttpResponse:
    plans = list(access.visible_plans(request.user))
    if len(plans) == 1:
        return redirect(plans[0])
    return render(request, "tasks/plan_list.html", {"plans": plans})


def plan_list(request: HttpRequest) -> HttpResponse:
    plans = access.visible_plans(request.user)  # in the order of their regions (武汉、黄石、十堰…)
    return render(request, "tasks/plan_list.html", {"plans": plans})


def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = access.get_plan_for_user(request.user, pk)
    return render(
        request,
        "tasks/plan_detail.html",
        {
            "plan": plan,
            "outline": selectors.plan_outline(user=request.user, plan=plan),
            "summary": selectors.plan_summary(user=request.user, plan=plan),
            "department_lights": selectors.department_lights(user=request.user, plan=plan),
            "can_export": request.user.has_perm("tasks.export_plan") and access.sees_all_tasks(request.user),
            "can_cascade": access.can_cascade(request.user, plan),
            "can_manage_status": access.can_manage_plan_status(request.user, plan),
            "reopen_form": PlanReopenForm(),
            "parent_visible": plan.parent_id is not None and access.visible_plans(request.user).filter(pk=plan.parent_id).exists(),
        },
    )


def key_task_list(request: HttpRequest, plan_pk: int) -> HttpResponse:
    plan = access.get_plan_for_user(request.user, plan_pk)
    filterset = KeyTaskFilter(request.GET or None, queryset=selectors.key_task_rows(user=request.user, plan=plan), plan=plan)
    table = KeyTaskTable(filterset.qs)
    export_format = requested_export(request)
    if export_format:
        return export_list(request, table, export_format, f"key-tasks-{plan.pk}")
    paginate(request, table, default=PAGE_SIZE)
    return render(request, "tasks/key_task_list.html", {"plan": plan, "filter": filterset, "table": table})


def key_task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.key_task_detail(user=request.user, pk=pk)
    reports = selectors.report_rows(user=request.user).filter(task=task).order_by("-period__starts_on")
    visible_claims = list(access.visible_claims(request.user).filter(milestone__task=task).order_by("created_at"))
    claims = {claim.milestone_id: claim for claim in visible_claims}
    return render(
        request,
        "tasks/key_task_detail.html",
        {
            "task": task,
            "plan": task.plan,
            "reports": reports,
            "milestone_rows": [(m, claims.get(m.pk)) for m in task.milestones.all()],
            "may_claim": bool(access.claiming_department_of_task(request.user, task)),
            "timeline": selectors.task_timeline(task=task, user=request.user, claims=visible_claims),
            "parent_visible": task.parent_id is not None and access.visible_key_tasks(request.user).filter(pk=task.parent_id).exists(),
            "can_date_deadline": task.deadline_undated and access.can_review_in(request.user, task.plan),
        },
    )


def department_list(request: HttpRequest) -> HttpResponse:
    filterset = DepartmentFilter(request.GET or None, queryset=selectors.department_rows(user=request.user), request=request)
    table = paginate(request, DepartmentTable(filterset.qs), default=PAGE_SIZE)
    return render(request, "tasks/department_list.html", {"filter": filterset, "table": table})


def plan_export_download(request: HttpRequest, pk: int) -> HttpResponse:
    plan = access.get_plan_for_user(request.user, pk)
    access.require_plan_export(request.user, plan)
    response = HttpResponse(
        plan_export(plan=plan), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="plan-{plan.pk}-task-breakdown.xlsx"'
    return response


def plan_import_upload(request: HttpRequest) -> HttpResponse:
    """Step 1: upload and validate. Nothing is saved to the plan; the file is kept for step 2."""
    access.require_plan_import(request.user)
    form = PlanImportForm(request.POST or None, request.FILES or None)
    # Only into the plans and regions of the administrator's own region and below.
    form.fields["plan"].queryset = access.visible_plans(request.user).exclude(status=Plan.Status.CLOSED)
    form.fields["region"].queryset = access.scoped_regions(request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data["file"]
        options = ImportOptions(
            plan_id=data["plan"].pk if data["plan"] else None,
            title=data["title"] or "",
            region_id=data["region"].pk if data["region"] else None,
            start_year=data["start_year"],
            end_year=data["end_year"],
            create_departments=data["create_departments"],
            filename=upload.name[:255],
            sheet=data["sheet"].strip(),
        )
        content = upload.read()
        record = PlanImport(original_name=upload.name[:255], uploaded_by=request.user, options=options.__dict__)
        record.file.save("table.xlsx", ContentFile(content), save=False)
        record.save()
        return redirect("tasks:plan_import_preview", pk=record.pk)
    return render(request, "tasks/plan_import.html", {"form": form})


def _import_record(request: HttpRequest, pk: int) -> PlanImport:
    access.require_plan_import(request.user)
    return get_object_or_404(PlanImport, pk=pk, uploaded_by=request.user)


def plan_import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """Step 2: what the import would create, or every problem found; confirm to save."""
    record = _import_record(request, pk)
    options = ImportOptions(**{**record.options, "dry_run": True})
    context = {"record": record, "options": options}
    with record.file.open("rb") as fh:
        data = fh.read()
    try:
        context["result"] = result = plan_import(data=data, options=options, actor=request.user)
    except TableError as exc:
        context["problems"] = exc.problems
        try:  # the table read well and the problems are the directory's: still show how cells were split
            context["table"] = read_breakdown_table(data, options.filename, sheet=options.sheet or None, splits=options.splits)
        except TableError:
            pass
    else:
        context["table"] = result.table
    if table := context.get("table"):
        context["unsure"] = sum(split.unsure and not split.corrected for t in table.tasks for split in t.splits.values())
    labels = {"lead": _("Lead"), "cooperating": _("Co-operating")}
    if table := context.get("table"):
        labels.update({name: table.labels[name] for name in labels if name in table.labels})
    context["corrected"] = [
        (cell, int(cell.split(":")[0]), labels.get(cell.split(":")[1], ""), names) for cell, names in sorted(options.splits.items())
    ]
    return render(request, "tasks/plan_import_preview.html", context)


@require_POST
def plan_import_split(request: HttpRequest, pk: int) -> HttpResponse:
    """In the preview: the administrator corrects how one department cell was split (or resets it)."""
    record = _import_record(request, pk)
    form = SplitCorrectionForm(request.POST)
    if record.status != PlanImport.Status.PREVIEWED:
        messages.error(request, _("This upload has already been imported."))
    elif not form.is_valid():
        messages.error(request, _("The correction could not be read; nothing was changed."))
    else:
        record_split_correction(record=record, cell=form.cleaned_data["cell"], names=form.cleaned_data["names"])
    return redirect("tasks:plan_import_preview", pk=record.pk)


@require_POST
def plan_import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    record = _import_record(request, pk)
    with transaction.atomic():
        record = PlanImport.objects.select_for_update().get(pk=record.pk)
        if record.status != PlanImport.Status.PREVIEWED:
            messages.error(request, _("This upload has already been imported."))
            return redirect(record.plan or "tasks:plan_list")
        with record.file.open("rb") as fh:
            data = fh.read()
        try:
            result = plan_import(data=data, options=ImportOptions(**{**record.options, "dry_run": False}), actor=request.user)
        except TableError:
            messages.error(request, _("The table has problems; nothing was imported."))
            return redirect("tasks:plan_import_preview", pk=record.pk)
        record.status, record.plan = PlanImport.Status.APPLIED, result.plan
        record.save(update_fields=["status", "plan"])
    messages.success(
        request,
        _("Imported %(tasks)d key tasks into “%(plan)s”.") % {"tasks": result.created_tasks, "plan": result.plan},
    )
    return redirect(result.plan)
