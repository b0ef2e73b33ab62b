"""Demo joint meetings for the demo plan: two meetings whose decisions are in several states —
one became a key task (since completed: done), one a supervision notice, others still open or
overdue. The later meeting's agenda reviews the earlier one's open decisions. Idempotent."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from meetings.models import Meeting
from meetings.services import decision_add, decision_to_notice, decision_to_task, meeting_create
from supervision.models import SupervisionNotice
from tasks.models import Department, KeyTask, Membership, Plan


@transaction.atomic
def seed(plan: Plan) -> int:
    """Two meetings of ``plan``; returns how many were created (0 when they exist)."""
    if Meeting.objects.filter(plan=plan).exists():
        return 0
    supervisor = User.objects.get(username="supervisor")
    departments = {d.code: d for d in Department.objects.filter(region=plan.region)}
    members = [departments[code] for code in ("wsjkw", "zfw", "fgw", "jyj", "gaj", "mzj", "sfj", "czj", "rsj", "ybj", "cl") if code in departments]
    absent = [departments[code] for code in ("scjgj",) if code in departments]
    today = timezone.localdate()

    first = meeting_create(
        region=plan.region, plan=plan, kind=Meeting.Kind.PLENARY, title="2024年精神卫生工作联席会议第一次全体会议",
        held_on=datetime.date(2024, 3, 15), convenor="副市长 张某某", present=members, absent=absent, actor=supervisor,
        minutes="会议听取了市卫生健康委关于全市精神卫生工作推进情况的汇报，研究部署了2024年重点工作。\n各成员单位要按照职责分工，抓好议定事项落实。",
    )
    shared = decision_add(
        meeting=first, text="建立严重精神障碍患者信息共享机制，卫生健康、公安、民政部门按月交换患者信息。",
        departments=[departments["wsjkw"], departments["gaj"], departments["mzj"]], deadline=datetime.date(2024, 12, 31), actor=supervisor,
    )
    task = decision_to_task(
        decision=shared, actor=supervisor, code="H2403-1", title="建立严重精神障碍患者信息共享机制",
        leads=[departments["wsjkw"]], cooperating=[departments["gaj"], departments["mzj"]],
        due_date=datetime.date(2024, 12, 31), cadence=KeyTask.Cadence.QUARTERLY,
    )
    KeyTask.objects.filter(pk=task.pk).update(status=KeyTask.Status.COMPLETED, progress=100)  # as the demo's activity does

    # A notice on an existing task, to its answerable lead (who has a liaison).
    noticed = (
        KeyTask.objects.filter(plan=plan, task_departments__role="lead", task_departments__position=0,
                               task_departments__department__memberships__role=Membership.Role.LIAISON)
        .exclude(status=KeyTask.Status.COMPLETED).exclude(pk=task.pk).order_by("position").first()
    )
    if noticed is not None:
        lead = noticed.primary_lead
        hotline = decision_add(
            meeting=first, text=f"加快推进“{noticed.title}”，{lead.name}于2025年6月底前报送进展。",
            departments=[lead], deadline=datetime.date(2025, 6, 30), actor=supervisor,
        )
        decision_to_notice(
            decision=hotline, actor=supervisor, task=noticed, department=lead, level=SupervisionNotice.Level.YELLOW,
            requirements=f"根据联席会议议定事项，请{lead.name}加快推进“{noticed.title}”并报送整改措施。",
        )

    second = meeting_create(
        region=plan.region, plan=plan, kind=Meeting.Kind.LIAISON, title=f"{today.year}年精神卫生工作联席会议联络员会议",
        held_on=today - datetime.timedelta(days=30), convenor="市卫生健康委 副主任 李某某", present=members[:6], absent=members[6:],
        actor=supervisor, minutes="会议通报了前次会议议定事项落实情况，研究了社区康复服务和心理援助热线建设。",
    )
    rehab = decision_add(
        meeting=second, text="推进社区康复服务机构建设，每个县区至少建成1家精神障碍社区康复机构。",
        departments=[departments["mzj"], departments["wsjkw"], departments["cl"]], deadline=today + datetime.timedelta(days=90),
        actor=supervisor,
    )
    decision_to_task(
        decision=rehab, actor=supervisor, code=f"H{today:%y%m}-1", title="推进精神障碍社区康复服务机构建设",
        leads=[departments["mzj"]], cooperating=[departments["wsjkw"], departments["cl"]],
        due_date=today + datetime.timedelta(days=90), cadence=KeyTask.Cadence.MONTHLY,
    )
    decision_add(
        meeting=second, text="市财政局统筹安排心理援助热线运行经费，纳入下一年度部门预算。",
        departments=[departments["czj"]], deadline=today + datetime.timedelta(days=120), actor=supervisor,
    )
    decision_add(
        meeting=second, text="市教育局完成全市中小学心理健康教育教师配备情况摸底，报市卫生健康委汇总。",
        departments=[departments["jyj"]], deadline=today - datetime.timedelta(days=5), actor=supervisor,
    )
    return 2
