"""The gatekeeper for plans and key tasks. Views get these objects only through here.

Who sees what:
- supervisors, evaluators and administrators (``tasks.view_all_tasks``) see every plan and task;
- a liaison or department head sees plans in force and only the key tasks in which one of
  their departments is lead or co-operating;
- importing a task breakdown table needs ``tasks.import_plan`` (administrators).
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from accounts.models import User
from tasks.models import Department, KeyTask, Membership, Plan, TaskDepartment


def user_department_ids(user: User) -> frozenset[int]:
    """The departments a user belongs to (active memberships), cached on the user for the request."""
    cached = getattr(user, "_department_ids", None)
    if cached is None:
        cached = frozenset(
            Membership.objects.filter(user=user, is_active=True, department__is_active=True).values_list(
                "department_id", flat=True
            )
        )
        user._department_ids = cached
    return cached


def sees_all_tasks(user: User) -> bool:
    return user.is_active and user.has_perm("tasks.view_all_tasks")


def visible_plans(user: User) -> QuerySet[Plan]:
    plans = Plan.objects.select_related("region")
    if not user.is_authenticated:
        return plans.none()
    if sees_all_tasks(user):
        return plans
    if not user_department_ids(user):
        return plans.none()
    return plans.exclude(status=Plan.Status.DRAFT)


def get_plan_for_user(user: User, pk: int) -> Plan:
    try:
        return visible_plans(user).get(pk=pk)
    except Plan.DoesNotExist as exc:
        raise Http404 from exc


def visible_key_tasks(user: User) -> QuerySet[KeyTask]:
    tasks = KeyTask.objects.filter(plan__in=visible_plans(user))
    if sees_all_tasks(user):
        return tasks
    mine = TaskDepartment.objects.filter(task=OuterRef("pk"), department_id__in=user_department_ids(user))
    return tasks.filter(Exists(mine))


def get_key_task_for_user(user: User, pk: int) -> KeyTask:
    """The task, or 404 — a liaison learns nothing about other departments' tasks."""
    try:
        return visible_key_tasks(user).get(pk=pk)
    except KeyTask.DoesNotExist as exc:
        raise Http404 from exc


def visible_departments(user: User) -> QuerySet[Department]:
    """Every user may see the department directory (it is public within the government)."""
    if not user.is_authenticated:
        return Department.objects.none()
    return Department.objects.select_related("region")


def require_plan_import(user: User) -> None:
    if not user.has_perm("tasks.import_plan"):
        raise PermissionDenied


def require_plan_export(user: User, plan: Plan) -> None:
    """Exporting the whole table shows every department's tasks: only for those who see them all."""
    if not (user.has_perm("tasks.export_plan") and sees_all_tasks(user)):
        raise PermissionDenied
