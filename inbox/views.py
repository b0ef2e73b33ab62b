"""我的待办, 审核队列 and the department queue: every kind of pending work, read from the engine's
tasks (``inbox.selectors``), in one table filterable by kind, department and overdue."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from common.pagination import paginate
from common.views import requested_export
from exports.views import export_list
from inbox import selectors
from inbox.filters import WorkFilter
from inbox.tables import WorkTable

PAGE_SIZE = 25


def _work_page(request: HttpRequest, tasks, *, title: str, name: str) -> HttpResponse:
    filterset = WorkFilter(request.GET or None, queryset=tasks, request=request)
    export_format = requested_export(request)
    if export_format:
        today = timezone.localdate()
        return export_list(
            request, WorkTable(filterset.qs), export_format, name, prepare=lambda rows: selectors.attach_row_facts(rows, today=today)
        )
    table = WorkTable(filterset.qs)
    paginate(request, table, default=PAGE_SIZE)
    rows = [row.record for row in table.page.object_list]
    # Only the review queue holds approvals awaiting acceptance: the tick column for bulk
    # acceptance, when the page shows one (read from the page's rows, not from the whole queue).
    bulk = name == "queue" and any(row.flow_task.name == "accept" for row in rows)
    if not bulk:
        table.exclude = ("pick",)
    selectors.attach_row_facts(rows, today=timezone.localdate())
    context = {"title": title, "filter": filterset, "table": table, "list_name": name, "bulk_accept": bulk}
    return render(request, "inbox/work_list.html", context)


def inbox(request: HttpRequest) -> HttpResponse:
    """我的待办: what is assigned to me and what my departments owe."""
    return _work_page(request, selectors.my_work(user=request.user), title=_("My inbox"), name="inbox")


def queue(request: HttpRequest) -> HttpResponse:
    """审核队列: what waits for a reviewer holding my permissions."""
    if not selectors.reviews_anything(request.user):
        raise PermissionDenied
    return _work_page(request, selectors.review_queue(user=request.user), title=_("Review queue"), name="queue")


def department_queue(request: HttpRequest) -> HttpResponse:
    """部门待办: everything assigned to the liaisons of the departments I head."""
    if not selectors.headed_department_ids(request.user):
        raise PermissionDenied
    return _work_page(request, selectors.department_work(user=request.user), title=_("Department queue"), name="department")
