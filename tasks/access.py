"""The gatekeeper for plans and key tasks. Views get these objects only through here.

Who sees what:
- supervisors, evaluators and administrators (``tasks.view_all_tasks``) see every plan and task of
  their region and the regions below it (``RegionStaff``; see "region scope" below);
- a liaison or department head sees plans in force and only the key tasks in which one of
  their departments is lead or co-operating;
- importing a task breakdown table needs ``tasks.import_plan`` (administrators).

Region scope runs both ways: what staff *see* (``visible_plans`` and every gatekeeper built on it:
404 beside or above their region), and who is *told* ("the supervisors" of a piece of work are
``staff_overseeing(plan.region, permission)``: that region's and the regions' above it, never a
sibling prefecture's). A permission such as ``tasks.review_progressreport`` is global; which
objects it applies to always comes from the scoped querysets (``get_*_for_user``).
"""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from accounts.models import User
from tasks.models import (
    Contribution,
    Department,
    KeyTask,
    Membership,
    MilestoneClaim,
    Plan,
    ProgressReport,
    Region,
    RegionStaff,
    TaskDepartment,
)


def user_memberships(user: User) -> tuple[tuple[int, int, str, bool], ...]:
    """The user's active memberships as (department, its region, role, department active), read
    once per request and cached on the user: every question below about one's departments (and the
    menu's "heads a department") is answered from it."""
    cached = getattr(user, "_memberships", None)
    if cached is None:
        cached = tuple(
            Membership.objects.filter(user=user, is_active=True).values_list(
                "department_id", "department__region_id", "role", "department__is_active"
            )
        ) if user.is_authenticated else ()
        user._memberships = cached
    return cached


def user_department_ids(user: User) -> frozenset[int]:
    """The departments a user belongs to (active memberships of active departments)."""
    return frozenset(department for department, _region, _role, active in user_memberships(user) if active)


def headed_department_ids(user: User) -> list[int]:
    """The departments the user heads (active head memberships)."""
    return sorted({department for department, _region, role, _active in user_memberships(user) if role == Membership.Role.HEAD})


def sees_all_tasks(user: User) -> bool:
    """Staff (supervisors, evaluators, administrators): every department's work — of their region."""
    return user.is_active and user.has_perm("tasks.view_all_tasks")


# --- region scope ------------------------------------------------------------------------
#
# Staff belong to a region's health commission (``RegionStaff``) and see that region and every
# region below it, nothing beside or above. A superuser sees every region; staff placed in no
# region see none. Liaisons are scoped by their departments instead (the plans of their
# departments' regions, the tasks their departments are part of).


def staff_region(user: User) -> Region | None:
    """The region whose health commission ``user`` serves (cached on the user for the request)."""
    if not user.is_authenticated:
        return None
    if not hasattr(user, "_staff_region"):
        if "region_staff" in user._state.fields_cache:  # read with the user (tasks.apps)
            placement = user._state.fields_cache["region_staff"]
        else:
            placement = RegionStaff.objects.select_related("region").filter(user=user).first()
        user._staff_region = placement.region if placement else None
    return user._staff_region


def region_scope_q(user: User, field: str = "region") -> Q:
    """A filter on ``field`` (a path to a Region; empty for regions themselves) keeping the regions
    ``user`` oversees."""
    if user.is_authenticated and user.is_superuser:
        return Q()
    region = staff_region(user)
    if region is None:
        return Q(pk__in=[])
    return Q(**{f"{field}__path__startswith" if field else "path__startswith": region.path})


def scoped_regions(user: User) -> QuerySet[Region]:
    """The regions ``user`` oversees: their region and everything below it."""
    if user.is_authenticated and user.is_superuser:
        return Region.objects.all()
    region = staff_region(user)
    return region.subtree() if region is not None else Region.objects.none()


def oversees_region(user: User, region: Region | None) -> bool:
    if region is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    own = staff_region(user)
    return own is not None and own.contains(region)


def region_and_above_paths(region: Region) -> list[str]:
    """The paths of ``region`` and of every region above it ("/1/7/42/" → "/1/", "/1/7/", "/1/7/42/")."""
    ids = [part for part in region.path.split("/") if part]
    return ["/" + "/".join(ids[: depth + 1]) + "/" for depth in range(len(ids))]


def staff_overseeing(region: Region, *permissions: str, exclude_permission: str | None = None) -> QuerySet[User]:
    """Who hears of work in ``region``: active staff placed in it or in a region above it, holding
    one of ``permissions`` (through a group or directly), without ``exclude_permission``.

    Every recipient list of "the supervisors" is computed here, so that a prefecture's work is
    told to that prefecture's and the province's health commission, never to another prefecture's.
    Superusers are left out unless they hold the permission and are placed like anyone else."""
    holders = Q()
    for permission in permissions:
        holders |= Q(pk__in=User.objects.with_perm(permission, include_superusers=False).values("pk"))
    users = User.objects.filter(holders, is_active=True, region_staff__region__path__in=region_and_above_paths(region))
    if exclude_permission:
        users = users.exclude(pk__in=User.objects.with_perm(exclude_permission, include_superusers=False).values("pk"))
    return users.order_by("pk")


def user_region_ids(user: User) -> frozenset[int]:
    """The regions of a liaison's departments."""
    return frozenset(region for _department, region, _role, active in user_memberships(user) if active)


def visible_plans(user: User) -> QuerySet[Plan]:
    """The plans the user may see, newest period first, then in the official order of their regions
    (division codes: a province's own plan, then its prefectures' as the province lists them)."""
    plans = Plan.objects.select_related("region").order_by("-start_year", "region__code", "region__name", "title")
    if not user.is_authenticated:
        return plans.none()
    if sees_all_tasks(user):
        return plans.filter(region_scope_q(user))
    if not user_department_ids(user):
        return plans.none()
    return plans.exclude(status=Plan.Status.DRAFT).filter(region_id__in=user_region_ids(user))


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


def get_key_task_for_user(user: User, pk: int, *, loading: Callable[[QuerySet[KeyTask]], QuerySet[KeyTask]] | None = None) -> KeyTask:
    """The task, or 404 — a liaison learns nothing about other departments' tasks. ``loading``
    adds the ``select_related``/``prefetch_related`` a page needs, in the same query."""
    tasks = visible_key_tasks(user)
    try:
        return (loading(tasks) if loading else tasks).get(pk=pk)
    except KeyTask.DoesNotExist as exc:
        raise Http404 from exc


def visible_departments(user: User) -> QuerySet[Department]:
    """The department directory: staff see their regions' departments, liaisons their own regions'."""
    if not user.is_authenticated:
        return Department.objects.none()
    departments = Department.objects.select_related("region")
    if sees_all_tasks(user) or _reads_everything(user):
        return departments.filter(region_scope_q(user))
    return departments.filter(region_id__in=user_region_ids(user))


def region_users(user: User) -> QuerySet[User]:
    """The people of ``user``'s regions: staff placed in them, members of their departments."""
    users = User.objects.all()
    if not user.is_authenticated:
        return users.none()
    if user.is_superuser:
        return users
    if staff_region(user) is None:
        return users.none()
    return users.filter(
        Q(pk__in=RegionStaff.objects.filter(region_scope_q(user)).values("user_id"))
        | Q(pk__in=Membership.objects.filter(region_scope_q(user, "department__region")).values("user_id"))
    )


def visible_users(user: User) -> QuerySet[User]:
    """The accounts an administrator manages: the people of their regions (``region_users``) and
    accounts placed nowhere yet (so that a new account can be placed)."""
    if not user.is_authenticated or (not user.is_superuser and staff_region(user) is None):
        return User.objects.none()
    placed = User.objects.filter(Q(region_staff__isnull=False) | Q(memberships__isnull=False)).values("pk")
    return User.objects.filter(Q(pk__in=region_users(user).values("pk")) | ~Q(pk__in=placed))


def require_plan_import(user: User) -> None:
    if not user.has_perm("tasks.import_plan"):
        raise PermissionDenied


def require_plan_export(user: User, plan: Plan) -> None:
    """Exporting the whole table shows every department's tasks: only for those who see them all."""
    if not (user.has_perm("tasks.export_plan") and sees_all_tasks(user)):
        raise PermissionDenied


# --- progress: reports, contributions, milestone claims ------------------------------------
#
# - supervisors (``tasks.review_progressreport``) and administrators see all of them;
# - evaluators read approved records only;
# - a liaison sees their department's reports in every state, the approved reports of tasks
#   their department co-operates on, their own contributions and those to their reports, and
#   their department's milestone claims; they act only on what is assigned to them.


def can_review(user: User) -> bool:
    return user.is_active and user.has_perm("tasks.review_progressreport")


def _reads_everything(user: User) -> bool:
    return can_review(user) or user.has_perm("tasks.import_plan")


def is_department_head(user: User, department_id: int) -> bool:
    return department_id in headed_department_ids(user)


def visible_reports(user: User) -> QuerySet[ProgressReport]:
    reports = ProgressReport.objects.filter(task__plan__in=visible_plans(user))
    if _reads_everything(user):
        return reports
    approved = Q(status=ProgressReport.Status.APPROVED)
    if sees_all_tasks(user):  # evaluators
        return reports.filter(approved)
    mine = user_department_ids(user)
    # The tasks they co-operate on, as a set (not a test per report): the database reads the two
    # small sets of reports through their indexes rather than testing every report in the plans.
    cooperating = TaskDepartment.objects.filter(department_id__in=mine, role=TaskDepartment.Role.COOPERATING).values("task_id")
    return reports.filter(Q(department_id__in=mine) | (approved & Q(task_id__in=cooperating)))


# What the report page reads of a report besides its own row (the plan's region: for the gate).
REPORT_PAGE_RELATED = ("task__plan__region", "period", "department", "assignee")


def can_see_report(user: User, report: ProgressReport) -> bool:
    """Is ``report`` one of ``visible_reports(user)``? The same rules, applied to the report read
    with its task's plan and region (``REPORT_PAGE_RELATED``): no query, but for a liaison's
    approved report of another department (does one of theirs co-operate on the task?).
    tests/test_region_scope.py holds the two to the same answer for every role and report."""
    if not user.is_authenticated:
        return False
    plan = report.task.plan
    staff = sees_all_tasks(user)
    # visible_plans
    if staff:
        if not user.is_superuser:
            region = staff_region(user)
            if region is None or not plan.region.path.startswith(region.path):
                return False
    elif not user_department_ids(user) or plan.status == Plan.Status.DRAFT or plan.region_id not in user_region_ids(user):
        return False
    if _reads_everything(user):
        return True
    approved = report.status == ProgressReport.Status.APPROVED
    if staff:  # evaluators
        return approved
    mine = user_department_ids(user)
    if report.department_id in mine:
        return True
    return approved and TaskDepartment.objects.filter(
        task_id=report.task_id, department_id__in=mine, role=TaskDepartment.Role.COOPERATING
    ).exists()


def get_report_for_user(user: User, pk: int, *, related: tuple[str, ...] = REPORT_PAGE_RELATED) -> ProgressReport:
    """The report with what its page shows (``related``: less for an action that does not show
    it, but always its plan and region), or 404: read by its key, then ``can_see_report`` (the
    rules of ``visible_reports`` without building and planning their query each request)."""
    try:
        report = ProgressReport.objects.select_related("task__plan__region", *related).get(pk=pk)
    except ProgressReport.DoesNotExist as exc:
        raise Http404 from exc
    if not can_see_report(user, report):
        raise Http404
    return report


def is_report_assignee(user: User, report: ProgressReport) -> bool:
    """The liaison the report is assigned to, while still in its department (whatever its state)."""
    return (
        user.is_authenticated
        and report.assignee_id == user.pk
        and report.department_id in user_department_ids(user)
    )


def can_edit_report(user: User, report: ProgressReport) -> bool:
    return report.is_editable and is_report_assignee(user, report)


def visible_contributions(user: User) -> QuerySet[Contribution]:
    contributions = Contribution.objects.filter(report__task__plan__in=visible_plans(user))
    if _reads_everything(user):
        return contributions
    if sees_all_tasks(user):
        return contributions.filter(report__status=ProgressReport.Status.APPROVED)
    mine = user_department_ids(user)
    return contributions.filter(Q(department_id__in=mine) | Q(report__department_id__in=mine))


def openable_contribution_ids(user: User, report: ProgressReport, contributions) -> set[int]:
    """Which of ``contributions`` (of ``report``, read through ``get_report_for_user``) the user
    may open: ``visible_contributions`` answered from what is known, without a query. The report
    being visible, its plan is; what remains is the department rule."""
    if _reads_everything(user):
        return {c.pk for c in contributions}
    if sees_all_tasks(user):
        return {c.pk for c in contributions} if report.status == ProgressReport.Status.APPROVED else set()
    mine = user_department_ids(user)
    return {c.pk for c in contributions if c.department_id in mine or report.department_id in mine}


def get_contribution_for_user(user: User, pk: int) -> Contribution:
    try:
        return visible_contributions(user).select_related("report__task__plan", "report__period", "department").get(pk=pk)
    except Contribution.DoesNotExist as exc:
        raise Http404 from exc


def can_edit_contribution(user: User, contribution: Contribution) -> bool:
    """Its department writes it until it is submitted or the report it feeds is approved."""
    return (
        contribution.status == Contribution.Status.PENDING
        and contribution.department_id in user_department_ids(user)
        and contribution.report.status != ProgressReport.Status.APPROVED
    )


def visible_claims(user: User) -> QuerySet[MilestoneClaim]:
    claims = MilestoneClaim.objects.filter(milestone__task__plan__in=visible_plans(user))
    if _reads_everything(user):
        return claims
    if sees_all_tasks(user):
        return claims.filter(status=MilestoneClaim.Status.APPROVED)
    return claims.filter(department_id__in=user_department_ids(user))


def get_claim_for_user(user: User, pk: int) -> MilestoneClaim:
    try:
        return visible_claims(user).select_related("milestone__task__plan", "department", "created_by").get(pk=pk)
    except MilestoneClaim.DoesNotExist as exc:
        raise Http404 from exc


def claiming_department(user: User, milestone) -> Department | None:
    """The department in whose name the user may claim this milestone: the task's answerable lead."""
    return claiming_department_of_task(user, milestone.task)


def claiming_department_of_task(user: User, task) -> Department | None:
    if "task_departments" in getattr(task, "_prefetched_objects_cache", {}):  # the task page loaded them
        lead = task.primary_lead
    else:
        link = (
            TaskDepartment.objects.filter(task_id=task.pk, role=TaskDepartment.Role.LEAD)
            .order_by("position")
            .select_related("department")
            .first()
        )
        lead = link.department if link else None
    if lead is None or lead.pk not in user_department_ids(user):
        return None
    return lead


# --- plan lifecycle (草稿 → 实施中 → 已结束, and reopening) ------------------------------------


def can_manage_plan_status(user: User, plan: Plan) -> bool:
    """Supervisors and administrators overseeing the plan's region put it in force, close and reopen it."""
    return (
        user.is_active
        and (can_review(user) or user.has_perm("tasks.import_plan"))
        and oversees_region(user, plan.region)
    )


# --- cascading (下达) --------------------------------------------------------------------------


def can_cascade(user: User, plan: Plan) -> bool:
    """Supervisors and administrators of the plan's region (or above) hand its work down."""
    return user.is_active and user.has_perm("tasks.cascade_plan") and oversees_region(user, plan.region)


def cascade_regions(user: User, plan: Plan) -> QuerySet[Region]:
    """The regions ``plan`` may cascade to: directly below its region, within the user's scope."""
    return Region.objects.filter(parent_id=plan.region_id).filter(pk__in=scoped_regions(user)).order_by("code", "name")


# --- two-level approval -------------------------------------------------------------------------


def accepting_plan(plan: Plan, *, cascaded: bool) -> Plan | None:
    """The higher-level plan that accepts approvals of work cascaded into ``plan`` (None: none does)."""
    if not cascaded or not plan.parent_id:
        return None
    return Plan.objects.select_related("region").filter(pk=plan.parent_id, cascade_acceptance=True).first()


def can_accept_in(user: User, plan: Plan | None) -> bool:
    """A supervisor overseeing the accepting plan's region may accept or send back."""
    return plan is not None and can_review(user) and oversees_region(user, plan.region)


def can_review_in(user: User, plan: Plan) -> bool:
    """A supervisor whose scope holds ``plan``'s region reviews its work (not another prefecture's)."""
    return can_review(user) and oversees_region(user, plan.region)


def own_work_departments(user: User) -> QuerySet[Department]:
    """The departments a list of *one's own work* (work list, notices) is filtered by: staff choose
    among their regions' departments, a liaison among their own departments only."""
    if sees_all_tasks(user) or _reads_everything(user):
        return visible_departments(user).filter(is_active=True)
    return Department.objects.filter(pk__in=user_department_ids(user), is_active=True).select_related("region")
