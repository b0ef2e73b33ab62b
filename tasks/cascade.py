"""下达: a plan hands chosen key tasks down to the regions one level below it.

Each receiving region gets a plan of its own linked to the parent (``Plan.parent``) — the region's
existing plan of the matching title is linked rather than duplicated — and in it a copy of each
task linked to the task it carries out (``KeyTask.parent``), with its section, annual targets and
milestones. The region's health commission (its supervising department) is answerable by default;
the region then assigns its own lead and co-operating departments (its own task breakdown table
import works for that), adds tasks of its own, and may cascade again to its counties.

Indicators are cascaded by ``indicators.cascade`` into the same child plans (``child_plan``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import audit_record
from tasks.models import (
    AnnualTarget,
    Department,
    KeyTask,
    Milestone,
    Plan,
    PlanSection,
    Region,
    TaskDepartment,
)


@dataclass
class CascadeResult:
    plans_created: list[Plan] = field(default_factory=list)
    plans_linked: list[Plan] = field(default_factory=list)
    tasks_created: int = 0


def receiving_regions(plan: Plan) -> list[Region]:
    """The regions a plan may cascade to: those one level below its region."""
    return list(plan.region.children.order_by("code", "name"))


def child_title(plan: Plan, region: Region) -> str:
    """The child plan's title: the parent's with the region's name for the parent region's
    (湖北省精神卫生“十四五”规划 → 武汉市精神卫生“十四五”规划)."""
    parent_name = plan.region.name
    if plan.title.startswith(parent_name):
        return region.name + plan.title[len(parent_name) :]
    return f"{region.name}{plan.title}"


def child_plan(plan: Plan, region: Region, *, actor: User | None = None, result: CascadeResult | None = None) -> Plan:
    """The region's plan carrying out ``plan``: existing, the region's own plan of the same title
    and period (linked), or a new one with the parent's settings."""
    existing = Plan.objects.filter(parent=plan, region=region).first()
    if existing is not None:
        return existing
    title = child_title(plan, region)
    own = Plan.objects.select_for_update().filter(region=region, title=title, parent__isnull=True).first()
    if own is not None:
        if (own.start_year, own.end_year) != (plan.start_year, plan.end_year):
            raise ValidationError(
                _("%(region)s already has a plan titled “%(title)s” for another period.")
                % {"region": region, "title": title}
            )
        own.parent = plan
        own.save(update_fields=["parent", "updated_at"])
        audit_record(subject=own, actor=actor, action="cascade_link", to_state=own.status, comment=plan.title)
        if result is not None:
            result.plans_linked.append(own)
        return own
    child = Plan.objects.create(
        region=region,
        parent=plan,
        title=title,
        start_year=plan.start_year,
        end_year=plan.end_year,
        status=plan.status,
        report_due_days=plan.report_due_days,
        due_in_working_days=plan.due_in_working_days,
        contribution_lead_days=plan.contribution_lead_days,
        reporting_starts_on=plan.reporting_starts_on,
        reminder_days=plan.reminder_days,
        due_soon_working_days=plan.due_soon_working_days,
        progress_lag_margin=plan.progress_lag_margin,
        notice_response_working_days=plan.notice_response_working_days,
        period_lock_days=plan.period_lock_days,
        auto_notice_after_days=plan.auto_notice_after_days,
    )
    audit_record(subject=child, actor=actor, action="cascade_create", to_state=child.status, comment=plan.title)
    if result is not None:
        result.plans_created.append(child)
    return child


def health_commissions(regions: Iterable[Region]) -> dict[int, Department]:
    """Each region's supervising department (卫生健康委), by region id."""
    found: dict[int, Department] = {}
    for department in Department.objects.filter(
        region__in=list(regions), is_supervising=True, is_active=True
    ).order_by("position", "pk"):
        found.setdefault(department.region_id, department)
    return found


def check_receiving_regions(plan: Plan, regions: list[Region]) -> list[str]:
    """Problems with the regions chosen to receive a cascade (tasks or indicators)."""
    problems = []
    if not regions:
        problems.append(_("Choose at least one region."))
    allowed = {region.pk for region in receiving_regions(plan)}
    for region in regions:
        if region.pk not in allowed:
            problems.append(
                _("%(region)s is not a region directly below %(parent)s.") % {"region": region, "parent": plan.region}
            )
    return problems


def audit_cascade(*, plan: Plan, child: Plan | None, action: str, codes: list[str], regions: list[Region], actor) -> None:
    """The audit entry of a cascade: on each child plan (what it received), then on the parent (what went where)."""
    if child is not None:
        audit_record(subject=child, actor=actor, action=action, to_state=child.status, comment=plan.title, data={"items": codes})
    else:
        audit_record(
            subject=plan, actor=actor, action=action, to_state=plan.status,
            data={"items": codes, "regions": [region.name for region in regions]},
        )


def check_cascade(plan: Plan, tasks: list[KeyTask], regions: list[Region]) -> list[str]:
    """What makes this cascade impossible (empty: none)."""
    problems = []
    if not tasks:
        problems.append(_("Choose at least one key task."))
    problems += check_receiving_regions(plan, regions)
    for task in tasks:
        if task.plan_id != plan.pk:
            problems.append(_("The task “%(task)s” is not a task of this plan.") % {"task": task})
    twice = (
        KeyTask.objects.filter(parent__in=tasks, plan__region__in=regions, plan__parent=plan)
        .select_related("parent", "plan__region")
        .order_by("plan__region__code", "parent__position")
    )
    for copy in twice:
        problems.append(
            _("The task “%(task)s” has already been cascaded to %(region)s.")
            % {"task": copy.parent, "region": copy.plan.region}
        )
    return problems


@transaction.atomic
def cascade_tasks(*, plan: Plan, tasks: Iterable[KeyTask], regions: Iterable[Region], actor: User | None) -> CascadeResult:
    """Hand ``tasks`` of ``plan`` down to ``regions``. All or nothing: a task already cascaded to
    one of the regions, a region not directly below, or a task of another plan refuses it all."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    tasks = list(
        KeyTask.objects.filter(pk__in=[t.pk for t in tasks])
        .select_related("section__parent")
        .prefetch_related("annual_targets", "milestones")
        .order_by("position", "pk")
    )
    regions = list(Region.objects.filter(pk__in=[r.pk for r in regions]).order_by("code", "name"))
    problems = check_cascade(plan, tasks, regions)
    if problems:
        raise ValidationError(problems)

    result = CascadeResult()
    commissions = health_commissions(regions)
    for region in regions:
        target = child_plan(plan, region, actor=actor, result=result)
        taken = set(target.key_tasks.values_list("code", flat=True))
        position = (target.key_tasks.aggregate(m=Max("position"))["m"] or 0) + 1
        sections = _SectionCopier(target)
        links, targets, milestones = [], [], []
        commission = commissions.get(region.pk)
        for task in tasks:
            code = task.code if task.code not in taken else f"{task.code}-{task.pk}"[:20]
            taken.add(code)
            copy = KeyTask.objects.create(
                plan=target,
                parent=task,
                section=sections.copy(task.section),
                code=code,
                position=position,
                title=task.title,
                content=task.content,
                source_clause=task.source_clause,
                lead_text="" if commission else _("%(region)s health commission") % {"region": region},
                cooperating_text=task.cooperating_text,
                start_date=task.start_date,
                due_date=task.due_date,
                deadline_text=task.deadline_text,
                is_ongoing=task.is_ongoing,
                cadence=task.cadence,
            )
            position += 1
            result.tasks_created += 1
            if commission is not None:
                links.append(TaskDepartment(task=copy, department=commission, role=TaskDepartment.Role.LEAD, position=0))
            targets.extend(AnnualTarget(task=copy, year=t.year, target=t.target) for t in task.annual_targets.all())
            milestones.extend(
                Milestone(
                    task=copy,
                    title=m.title,
                    due_date=m.due_date,
                    evidence_required=m.evidence_required,
                    position=m.position,
                )
                for m in task.milestones.all()
            )
        TaskDepartment.objects.bulk_create(links)
        AnnualTarget.objects.bulk_create(targets)
        Milestone.objects.bulk_create(milestones)
        audit_cascade(plan=plan, child=target, action="cascade_tasks", codes=[t.code for t in tasks], regions=[region], actor=actor)
    audit_cascade(plan=plan, child=None, action="cascade_tasks", codes=[t.code for t in tasks], regions=regions, actor=actor)
    return result


class _SectionCopier:
    """Copies a task's section (and its parent section) into the child plan, once each."""

    def __init__(self, plan: Plan):
        self.plan = plan
        self.known = {(s.parent_id, s.code, s.title): s for s in plan.sections.all()}
        self.position = (plan.sections.aggregate(m=Max("position"))["m"] or 0) + 1
        self.copied: dict[int, PlanSection] = {}

    def copy(self, section: PlanSection | None) -> PlanSection | None:
        if section is None:
            return None
        if section.pk in self.copied:
            return self.copied[section.pk]
        parent = self.copy(section.parent) if section.parent_id else None
        key = (parent.pk if parent else None, section.code, section.title)
        found = self.known.get(key)
        if found is None:
            found = PlanSection.objects.create(
                plan=self.plan, parent=parent, code=section.code, title=section.title, position=self.position
            )
            self.position += 1
            self.known[key] = found
        self.copied[section.pk] = found
        return found
