"""Every list and detail page costs the same number of queries with 3 rows behind it as with 30,
and at most ``MAX_QUERIES`` (issue 14, point 6).

A page is one line of ``PAGES``: its name, the roles that open it, how its URL is found in the
world, and which ``grow`` adds the rows behind it. The test renders the page with 3 rows, adds 27
more, renders it again and compares the two counts (``CaptureQueriesContext``).
"""

from __future__ import annotations

import datetime
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tasks import progress
from tasks.models import Membership, ProgressReport
from tests.factories import (
    DepartmentFactory,
    KeyTaskFactory,
    MembershipFactory,
    MilestoneFactory,
    TaskDepartmentFactory,
    make_user,
)

pytestmark = pytest.mark.django_db

MAX_QUERIES = 12
ON_TIME = datetime.datetime(2024, 7, 1, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
WORK_DONE = "完成全市精神卫生信息系统建设，接入23家医疗机构。"
PDF = b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"


@dataclass
class World:
    """The cast (tests/conftest.py) and the objects whose pages are measured, made on first use."""

    plan: object
    dept_a: object
    dept_b: object
    users: dict
    made: dict = field(default_factory=dict)
    counters: dict = field(default_factory=dict)

    def next(self, name: str) -> int:
        self.counters[name] = self.counters.get(name, 0) + 1
        return self.counters[name]


@pytest.fixture
def world(plan, dept_a, dept_b, liaison_a, liaison_b, supervisor, evaluator, administrator, media_root):
    head_a = make_user("liaison", "head-a")
    MembershipFactory(user=head_a, department=dept_a, role=Membership.Role.HEAD)
    users = {
        "supervisor": supervisor, "liaison": liaison_a, "liaison_b": liaison_b, "evaluator": evaluator,
        "administrator": administrator, "head": head_a,
    }
    return World(plan=plan, dept_a=dept_a, dept_b=dept_b, users=users)


# --- growers: each adds ``n`` rows behind a page ----------------------------------------------


def _submit(report, user, **fields):
    report.refresh_from_db()
    data = {"achievements": WORK_DONE, "percent_complete": 40, "missing_contributions_reason": "配合单位材料另行报送"}
    data.update(fields)
    return progress.report_submit(report=report, user=user, version=report.version, data=data, at=ON_TIME)


def _task(world, **kwargs):
    task = KeyTaskFactory(plan=world.plan, **kwargs)
    TaskDepartmentFactory(task=task, department=world.dept_a, role="lead")
    TaskDepartmentFactory(task=task, department=world.dept_b, role="cooperating")
    return task


def _periods(world):
    if "periods" not in world.made:
        world.made["periods"] = [
            progress.reporting_period(plan=world.plan, cadence="quarterly", year=2024, number=n) for n in (1, 2, 3)
        ]
    return world.made["periods"]


def grow_tasks(world, n):
    """``n`` tasks (A leads, B co-operates), each with an approved, a submitted and a draft report,
    a milestone claim awaiting verification and a returned one."""
    liaison, supervisor = world.users["liaison"], world.users["supervisor"]
    periods = _periods(world)
    for _ in range(n):
        task = _task(world)
        done, waiting, _draft = (progress.report_open(task=task, period=p, department=world.dept_a) for p in periods)
        _submit(done, liaison)
        progress.report_approve(report=done, user=supervisor)
        _submit(waiting, liaison)
        for returned in (False, True):
            claim = progress.milestone_claim_submit(
                milestone=MilestoneFactory(task=task), user=liaison, completed_on=datetime.date(2023, 12, 1), note="完成"
            )
            if returned:
                progress.milestone_claim_return(claim=claim, user=supervisor, reason="补充材料")


def focus_task(world):
    if "task" not in world.made:
        world.made["task"] = _task(world, cadence="monthly", start_date=datetime.date(2021, 1, 1))
    return world.made["task"]


def grow_task_detail(world, n):
    """The focus task gets ``n`` approved monthly reports and ``n`` milestones, each claimed and
    approved (reports, milestones and their audit entries are its rows)."""
    task = focus_task(world)
    liaison, supervisor = world.users["liaison"], world.users["supervisor"]
    for _ in range(n):
        number = world.next("task-period")
        period = progress.reporting_period(plan=world.plan, cadence="monthly", year=2021 + (number - 1) // 12, number=(number - 1) % 12 + 1)
        report = progress.report_open(task=task, period=period, department=world.dept_a)
        _submit(report, liaison)
        progress.report_approve(report=report, user=supervisor)
        claim = progress.milestone_claim_submit(
            milestone=MilestoneFactory(task=task), user=liaison, completed_on=datetime.date(2023, 12, 1), note="完成"
        )
        progress.milestone_claim_approve(claim=claim, user=supervisor, accept_pending_evidence=True)


def grow_reports(world, n):
    """``n`` tasks (A leads, B co-operates), each with an approved, a submitted and a draft report
    written straight to the table: the pages that read reports, not the engine's tasks."""
    periods = _periods(world)
    statuses = (ProgressReport.Status.APPROVED, ProgressReport.Status.SUBMITTED, ProgressReport.Status.DRAFT)
    for _ in range(n):
        task = _task(world)
        for period, status in zip(periods, statuses, strict=True):
            submitted = status != ProgressReport.Status.DRAFT
            ProgressReport.objects.create(
                task=task, period=period, department=world.dept_a, assignee=world.users["liaison"], status=status,
                due_on=period.due_on, percent_complete=40, round=int(submitted), submitted_at=ON_TIME if submitted else None,
                submitted_by=world.users["liaison"] if submitted else None,
                decided_at=ON_TIME if status == ProgressReport.Status.APPROVED else None,
            )


def grow_plans(world, n):
    """``n`` more plans in force in the region."""
    from tests.factories import PlanFactory

    for _ in range(n):
        PlanFactory(region=world.plan.region)


def grow_departments(world, n):
    """``n`` departments of the region, each leading a task of the plan."""
    for _ in range(n):
        department = DepartmentFactory(region=world.plan.region)
        TaskDepartmentFactory(task=KeyTaskFactory(plan=world.plan), department=department, role="lead")


def _upload(name="材料.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def focus_report(world):
    """A report of a task with three co-operating departments, assigned to the liaison."""
    if "report" not in world.made:
        task = _task(world)
        for _ in range(2):
            TaskDepartmentFactory(task=task, department=DepartmentFactory(region=world.plan.region), role="cooperating")
        world.made["report"] = progress.report_open(task=task, period=_periods(world)[1], department=world.dept_a)
    return world.made["report"]


def grow_report_detail(world, n):
    """The focus report gets ``n`` evidence files and is submitted and returned ``n // 3`` times
    (submissions, changes and audit entries are its rows)."""
    report = focus_report(world)
    liaison = world.users["liaison"]
    for k in range(n):
        report.refresh_from_db()
        progress.report_attach_evidence(report=report, user=liaison, uploads=[_upload(f"材料{world.next('file')}.pdf")])
        if k % 3 == 2:
            _submit(report, liaison, percent_complete=40 + world.next("round"))
            progress.report_return(report=report, user=world.users["supervisor"], reason="请补充材料")


def focus_claim(world):
    if "claim" not in world.made:
        milestone = MilestoneFactory(task=focus_report(world).task)
        world.made["claim"] = progress.milestone_claim_submit(
            milestone=milestone, user=world.users["liaison"], completed_on=datetime.date(2023, 12, 1), note="完成"
        )
    return world.made["claim"]


def grow_claim_detail(world, n):
    """The focus claim is returned and claimed again ``n`` times, each time with one more file."""
    claim = focus_claim(world)
    for _ in range(n):
        claim.refresh_from_db()
        progress.milestone_claim_return(claim=claim, user=world.users["supervisor"], reason="补充材料")
        claim.refresh_from_db()
        progress.milestone_claim_resubmit(
            claim=claim, user=world.users["liaison"], completed_on=datetime.date(2023, 12, 1), note="完成",
            uploads=[_upload(f"材料{world.next('file')}.pdf")],
        )


def focus_contribution(world):
    return focus_report(world).contributions.order_by("pk").first()


def grow_notices(world, n):
    """``n`` notices to A, in turn issued, acknowledged, responded, closed."""
    from supervision import notices

    supervisor, liaison = world.users["supervisor"], world.users["liaison"]
    for _ in range(n):
        step = world.next("notice") % 4
        notice = notices.notice_issue(
            task=_task(world), department=world.dept_a, level="blue", requirements="限期整改", user=supervisor, at=ON_TIME
        )
        if step >= 1:
            notices.notice_acknowledge(notice=notice, user=liaison)
        if step >= 2:
            notices.notice_respond(notice=notice, user=liaison, response="已整改")
        if step == 3:
            notices.notice_accept(notice=notice, user=supervisor)


def focus_notice(world):
    if "notice" not in world.made:
        from supervision import notices

        notice = notices.notice_issue(
            task=_task(world), department=world.dept_a, level="blue", requirements="限期整改", user=world.users["supervisor"], at=ON_TIME
        )
        notices.notice_acknowledge(notice=notice, user=world.users["liaison"])
        world.made["notice"] = notice
    return world.made["notice"]


def grow_notice_detail(world, n):
    """The focus notice gets ``n`` evidence files, answered and returned every third."""
    from supervision import notices

    notice = focus_notice(world)
    liaison = world.users["liaison"]
    for k in range(n):
        notice.refresh_from_db()
        notices.notice_attach_evidence(notice=notice, user=liaison, uploads=[_upload(f"整改{world.next('file')}.pdf")])
        if k % 3 == 2:
            notice.refresh_from_db()
            notices.notice_respond(notice=notice, user=liaison, response="已整改")
            notice.refresh_from_db()
            notices.notice_return(notice=notice, user=world.users["supervisor"], reason="不完整")


def grow_extensions(world, n):
    """``n`` pending extension requests (one per open report of A)."""
    from supervision import extensions

    for _ in range(n):
        report = progress.report_open(task=_task(world), period=_periods(world)[1], department=world.dept_a)
        extensions.extension_request(
            report=report, user=world.users["liaison"], requested_due_on=report.due_on + datetime.timedelta(days=20), reason="数据未齐"
        )


def grow_indicators(world, n):
    """``n`` indicators of A with an approved 2024 value."""
    from tests.indicators.conftest import approved, make_indicator

    for _ in range(n):
        k = world.next("indicator")
        indicator = make_indicator(world.plan, world.dept_a, code=str(k), name=f"指标{k}")
        approved(indicator, world.users["liaison"], world.users["supervisor"], year=2024, value=("79.5", "78.6", "72")[k % 3])


def focus_indicator(world):
    if "indicator" not in world.made:
        from tests.indicators.conftest import make_indicator

        world.made["indicator"] = make_indicator(world.plan, world.dept_a, code="900", name="规范管理率")
    return world.made["indicator"]


def grow_indicator_detail(world, n):
    """The focus indicator gets ``n`` approved quarterly values (2021Q1 onwards)."""
    from tests.indicators.conftest import make_value

    indicator = focus_indicator(world)
    for _ in range(n):
        k = world.next("value") - 1
        make_value(indicator, year=2021 + k // 4, period_code=f"{2021 + k // 4}Q{k % 4 + 1}", value=70 + k % 10)


def focus_value(world):
    if "value" not in world.made:
        from tests.indicators.conftest import draft

        world.made["value"] = draft(focus_indicator(world), world.users["liaison"], year=2024)
    return world.made["value"]


def grow_value_detail(world, n):
    """The focus value gets ``n`` evidence files."""
    from indicators import services

    record = focus_value(world)
    for _ in range(n):
        record.refresh_from_db()
        services.value_attach_evidence(record=record, user=world.users["liaison"], uploads=[_upload(f"年报{world.next('file')}.pdf")])


def focus_province_indicator(world):
    if "province_indicator" not in world.made:
        from tests.factories import PlanFactory, ProvinceFactory
        from tests.indicators.conftest import make_indicator

        province = ProvinceFactory()
        plan = PlanFactory(region=province, title="湖北省精神卫生“十四五”规划")
        department = DepartmentFactory(region=province, name="湖北省卫生健康委员会")
        world.made["province_indicator"] = make_indicator(
            plan, department, numerator_label="规范管理患者数", denominator_label="在册患者数"
        )
    return world.made["province_indicator"]


def grow_region_comparison(world, n):
    """The province's indicator is cascaded to ``n`` more prefectures, each with a 2024 value."""
    from tests.indicators.conftest import cascaded_indicator, make_value

    indicator = focus_province_indicator(world)
    from tasks.models import Region

    regions = []
    for _ in range(n):
        k = world.next("prefecture")
        regions.append(Region.objects.create(name=f"第{k}市", code=f"42{k + 100:04d}", level=Region.Level.PREFECTURE, parent=indicator.plan.region))
    for copy in cascaded_indicator(indicator, regions):
        make_value(copy, year=2024, numerator=80, denominator=100)


def grow_funding(world, n):
    """``n`` funding lines of A, each allocated, disbursed and spent."""
    from funding import services

    supervisor = world.users["supervisor"]
    for _ in range(n):
        line = services.line_create(
            plan=world.plan, fiscal_year=2024, source="local_budget", budget_subject="2100206 精神病医院",
            purpose=f"运行经费{world.next('line')}", department=world.dept_a, tasks=[_task(world)], user=supervisor,
        )
        for kind, amount in (("allocation", "100000"), ("disbursement", "60000"), ("expenditure", "40000")):
            services.entry_record(line=line, kind=kind, amount=Decimal(amount), date=datetime.date(2024, 6, 1), document_number="示财社〔2024〕1号", user=supervisor)


def focus_line(world):
    if "line" not in world.made:
        from funding import services

        world.made["line"] = services.line_create(
            plan=world.plan, fiscal_year=2024, source="local_budget", budget_subject="2100206 精神病医院",
            purpose="精神专科医院运行经费", department=world.dept_a, tasks=[_task(world)], user=world.users["supervisor"],
        )
    return world.made["line"]


def grow_line_detail(world, n):
    """The focus line gets ``n`` ledger entries, each with a file."""
    from funding import services

    line = focus_line(world)
    for k in range(n):
        services.entry_record(
            line=line, kind=("allocation", "disbursement", "expenditure")[k % 3], amount=Decimal("1000"), date=datetime.date(2024, 6, 1),
            document_number=f"示财社〔2024〕{world.next('entry')}号", user=world.users["supervisor"], uploads=[_upload("凭证.pdf")],
        )


def grow_notifications(world, n):
    """``n`` notifications for every user of the cast, half of them read."""
    from notifications.models import Notification

    for user in world.users.values():
        for k in range(n):
            Notification.objects.create(
                user=user, kind="reminder", message="", legacy_title=f"提醒{k}", url="/", read_at=ON_TIME if k % 2 else None
            )


def focus_evaluation(world):
    if "evaluation" not in world.made:
        from evaluation import services
        from evaluation.models import Evaluation

        _task(world)
        world.made["evaluation"] = services.evaluation_create(
            plan=world.plan, kind=Evaluation.Kind.MID_TERM, title="中期评估", lead=world.users["supervisor"], user=world.users["supervisor"]
        )
    return world.made["evaluation"]


def grow_evaluation(world, n):
    """``n`` more departments take part in the focus evaluation: each leads a task, has a
    self-assessment, an evaluator assigned and scored."""
    from evaluation import services
    from evaluation.models import SelfAssessment
    from workflows import lifecycle

    evaluation = focus_evaluation(world)
    criteria = list(evaluation.rubric.criteria.all())
    for _ in range(n):
        department = DepartmentFactory(region=world.plan.region)
        TaskDepartmentFactory(task=KeyTaskFactory(plan=world.plan), department=department, role="lead")
        assessment = SelfAssessment.objects.create(evaluation=evaluation, department=department)
        lifecycle.review_open(assessment, user=world.users["supervisor"])
        assignment = services.evaluator_assign(
            evaluation=evaluation, evaluator=world.users["evaluator"], department=department, user=world.users["supervisor"]
        )
        services.scores_save(
            assignment=assignment, user=world.users["evaluator"], scores={c: (c.scale_max, "") for c in criteria}, conclusion="良好"
        )


def grow_evaluations(world, n):
    """``n`` more evaluations of the plan (each with A's self-assessment), the evaluator scoring B in each."""
    from evaluation import services
    from evaluation.models import Evaluation

    focus_evaluation(world)
    for _ in range(n):
        evaluation = services.evaluation_create(
            plan=world.plan, kind=Evaluation.Kind.MID_TERM, title=f"评估{world.next('evaluation')}",
            lead=world.users["supervisor"], user=world.users["supervisor"],
        )
        services.evaluator_assign(evaluation=evaluation, evaluator=world.users["evaluator"], department=world.dept_b, user=world.users["supervisor"])


def focus_self_assessment(world):
    return focus_evaluation(world).self_assessments.get(department=world.dept_a)


def grow_self_assessment(world, n):
    """A's self-assessment gets ``n`` evidence files; A leads ``n`` more tasks (its facts)."""
    from evaluation import services

    assessment = focus_self_assessment(world)
    grow_reports(world, n)
    for _ in range(n):
        assessment.refresh_from_db()
        services.self_assessment_attach(assessment=assessment, user=world.users["liaison"], uploads=[_upload(f"自评{world.next('file')}.pdf")])


def focus_assignment(world):
    if "assignment" not in world.made:
        from evaluation import services

        world.made["assignment"] = services.evaluator_assign(
            evaluation=focus_evaluation(world), evaluator=world.users["evaluator"], department=world.dept_a, user=world.users["supervisor"]
        )
    return world.made["assignment"]


def grow_scoring(world, n):
    focus_assignment(world)
    grow_self_assessment(world, n)


def grow_generated_reports(world, n):
    """``n`` generated bulletins of the plan (rows written straight, no rendering)."""
    from evaluation.models import GeneratedReport

    for _ in range(n):
        GeneratedReport.objects.create(
            plan=world.plan, kind=GeneratedReport.Kind.BULLETIN, period_code="2024Q1", version=world.next("generated"),
            requested_by=world.users["supervisor"],
        )


def focus_generated_report(world):
    if "generated" not in world.made:
        grow_generated_reports(world, 1)
        world.made["generated"] = world.plan.generated_reports.order_by("pk").first()
    return world.made["generated"]


def grow_generated_report(world, n):
    """The focus report's history gets ``n`` more entries (generated again, failed, …)."""
    from audit.services import audit_record

    report = focus_generated_report(world)
    for k in range(n):
        audit_record(subject=report, actor=world.users["supervisor"], action="generate", comment=f"第{k}次")


def focus_scheme_world(world):
    if "assessment" not in world.made:
        from tests.assessment.conftest import build_world, indicator_scheme

        w = build_world(0, suffix="考核")
        world.made["assessment"] = (w, indicator_scheme(w, world.users["supervisor"]))
    return world.made["assessment"]


def grow_assessment(world, n):
    """``n`` more prefectures of the assessed province plan, each with a 2024 value; computed again."""
    from assessment import services
    from tests.assessment.conftest import Prefecture, make_indicator
    from tests.factories import PlanFactory, RegionFactory

    w, scheme = focus_scheme_world(world)
    for _ in range(n):
        k = world.next("assessed")
        region = RegionFactory(parent=w.province, name=f"考核市{k}")
        child_plan = PlanFactory(region=region, parent=w.plan, title=f"{region.name}精神卫生规划")
        department = DepartmentFactory(region=region)
        tasks = [KeyTaskFactory(plan=child_plan, parent=task, code=task.code) for task in w.tasks]
        rate = make_indicator(child_plan, department, code="1", annual=80, parent=w.rate)
        prefecture = Prefecture(region=region, plan=child_plan, department=department, tasks=tasks, rate=rate)
        w.prefectures.append(prefecture)
        w.value(prefecture, 75 + k % 10)
    services.compute(scheme=scheme, user=world.users["supervisor"])


def focus_prefecture_sheet(world):
    """One prefecture of an assessed province plan, computed, with its on-site sample drawn."""
    if "prefecture_sheet" not in world.made:
        from assessment import services
        from assessment.models import Sample
        from tests.assessment.conftest import build_world, indicator_scheme

        w = build_world(2, suffix="抽查")
        for index, prefecture in enumerate(w.prefectures):
            w.value(prefecture, 70 + index)
        scheme = indicator_scheme(w, world.users["supervisor"])
        services.compute(scheme=scheme, user=world.users["supervisor"])
        region = w.prefectures[0].region
        Sample.objects.create(scheme=scheme, region=region, seed=1, reports_each=1, files_each=0, drawn_by=world.users["supervisor"])
        world.made["prefecture_sheet"] = (scheme, region)
    return world.made["prefecture_sheet"]


def grow_prefecture_sheet(world, n):
    """``n`` more sampled items of the prefecture, every other one a discrepancy the prefecture answered."""
    from django.utils import timezone

    from assessment.models import Sample, SampledItem

    scheme, region = focus_prefecture_sheet(world)
    sample = Sample.objects.get(scheme=scheme, region=region)
    user = world.users["supervisor"]
    for k in range(n):
        discrepancy = k % 2 == 0
        SampledItem.objects.create(
            sample=sample, source="report", label=f"抽查报告{world.next('sampled')}", status="discrepancy" if discrepancy else "confirmed",
            note="不符" if discrepancy else "", checked_by=user, checked_at=timezone.now(),
            response="已整改" if discrepancy else "", responded_by=user if discrepancy else None,
            responded_at=timezone.now() if discrepancy else None,
        )


def grow_regions(world, n):
    """``n`` more prefectures of the province, each with a department."""
    from tasks.models import Region

    province = world.plan.region.parent
    for _ in range(n):
        k = world.next("region")
        region = Region.objects.create(name=f"新{k}市", code=f"44{k:04d}", level=Region.Level.PREFECTURE, parent=province)
        DepartmentFactory(region=region)


def grow_region_detail(world, n):
    """The plan's region gets ``n`` more departments, counties and staff."""
    from tasks.models import Region

    region = world.plan.region
    for _ in range(n):
        k = world.next("county")
        DepartmentFactory(region=region)
        Region.objects.create(name=f"第{k}区", level=Region.Level.COUNTY, parent=region)
        make_user("supervisor", region=region)


def focus_cascade(world):
    if "cascade" not in world.made:
        from tests.dashboards.conftest import cascade_world

        world.made["cascade"] = cascade_world(0, tasks=3)
    return world.made["cascade"]


def grow_region_matrix(world, n):
    """The province plan (3 tasks) is cascaded to ``n`` more prefectures."""
    from tests.dashboards.conftest import cascade_world

    cascade_world(n, plan=focus_cascade(world).plan)


def focus_cascade_region(world):
    if "cascade_region" not in world.made:
        from tests.dashboards.conftest import cascade_world

        w = cascade_world(1, tasks=0)
        world.made["cascade_region"] = (w, w.prefectures[0], w.child_plans[0], w.departments[w.prefectures[0].pk][0])
    return world.made["cascade_region"]


def grow_region_tasks(world, n):
    """The one prefecture gets ``n`` more cascaded tasks (a province task and its copy)."""
    w, _region, child_plan, department = focus_cascade_region(world)
    for _ in range(n):
        k = world.next("cascaded")
        parent = KeyTaskFactory(plan=w.plan, code=str(k), position=k)
        child = KeyTaskFactory(plan=child_plan, parent=parent, code=str(k), position=k)
        TaskDepartmentFactory(task=child, department=department, role="lead")


def grow_search(world, n):
    """``n`` of every kind the header's search finds with "精神卫生": plans, tasks of A (each with a
    report and a notice), indicators of A, departments of the region."""
    from supervision.models import SupervisionNotice
    from tests.factories import PlanFactory
    from tests.indicators.conftest import make_indicator

    period = _periods(world)[0]
    for _ in range(n):
        k = world.next("search")
        PlanFactory(region=world.plan.region)
        task = _task(world, title=f"精神卫生任务{k}")
        ProgressReport.objects.create(task=task, period=period, department=world.dept_a, due_on=period.due_on)
        SupervisionNotice.objects.create(
            year=2024, number=k, task=task, department=world.dept_a, requirements="限期整改", response_due_on=datetime.date(2024, 8, 1)
        )
        make_indicator(world.plan, world.dept_a, code=str(500 + k), name=f"精神卫生指标{k}")
        DepartmentFactory(region=world.plan.region, name=f"示范市精神卫生中心{k}")


# --- the pages --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    name: str
    url: Callable  # world -> URL
    grow: Callable  # (world, n) -> None
    roles: tuple = ("supervisor", "liaison")
    # The roles for which the page is known to be over the limit today, and why (strict xfail:
    # the mark must go once the page is fixed).
    over: tuple = ()
    why: str = ""
    extra: int = 0  # queries the 30-row page may add over the 3-row one (justified where set)
    rows_shown: bool = True  # the added rows make the page longer (False: they only change its figures)


def _plan_url(name):
    return lambda world: reverse(name, args=[world.plan.pk])


def _url(name, focus=None, *, args=None):
    """The URL of ``name`` for the focus object ``focus(world)`` (or ``args(world)``)."""
    if focus is None and args is None:
        return lambda world: reverse(name)
    return lambda world: reverse(name, args=args(world) if args else [focus(world).pk])


def _plan(world):
    return world.plan



# --- joint meetings (联席会议) --------------------------------------------------------------------


def _meeting(world, title, held_on):
    from meetings import services

    return services.meeting_create(
        region=world.plan.region, plan=world.plan, kind="plenary", title=title, held_on=held_on, convenor="副市长",
        present=[world.dept_a], absent=[world.dept_b], actor=world.users["supervisor"],
    )


def grow_meetings(world, n):
    for _ in range(n):
        _meeting(world, f"第{world.next('meeting')}次联席会议", datetime.date(2024, 3, 1))


def focus_meeting(world):
    if "meeting" not in world.made:
        world.made["earlier meeting"] = _meeting(world, "上次联席会议", datetime.date(2024, 1, 10))
        world.made["meeting"] = _meeting(world, "本次联席会议", datetime.date(2024, 3, 15))
    return world.made["meeting"]


def grow_meeting_detail(world, n):
    """The focus meeting gets ``n`` decisions (in turn open, a key task, a notice), and the meeting
    before it ``n`` open ones for the agenda."""
    from meetings import services

    meeting, supervisor = focus_meeting(world), world.users["supervisor"]
    for _ in range(n):
        k = world.next("decision")
        for target in (meeting, world.made["earlier meeting"]):
            decision = services.decision_add(
                meeting=target, text=f"议定事项{k}", departments=[world.dept_a, world.dept_b], deadline=datetime.date(2025, 6, 30), actor=supervisor
            )
        if k % 3 == 1:
            services.decision_to_task(
                decision=decision, actor=supervisor, code=f"H{k}", title=f"会议任务{k}", leads=[world.dept_a], cooperating=[world.dept_b],
                due_date=datetime.date(2025, 6, 30), cadence="quarterly",
            )
        elif k % 3 == 2:
            services.decision_to_notice(decision=decision, actor=supervisor, task=_task(world), department=world.dept_a, level="blue", requirements="落实会议要求")


STAFF = ("supervisor", "evaluator")
BOTH = ("supervisor", "liaison")

PAGES = [
    # plans and key tasks
    Page("plan list", _url("tasks:plan_list"), grow_plans),
    Page("plan detail", _url("tasks:plan_detail", _plan), grow_reports),
    Page("task list", _url("tasks:task_list", _plan), grow_reports),
    Page("task detail", _url("tasks:task_detail", focus_task), grow_task_detail),
    Page("period list", _url("tasks:period_list", _plan), grow_reports),
    Page("department list", _url("tasks:department_list"), grow_departments),
    Page("plan dashboard", _url("dashboards:plan", _plan), grow_reports),
    Page("cascade tasks", _url("tasks:cascade_tasks", _plan), grow_reports, roles=("supervisor",)),
    Page("cascade indicators", _url("indicators:cascade", _plan), grow_indicators, roles=("supervisor",)),
    # progress: work lists and the pages they open
    Page("archive", _url("tasks:archive"), grow_reports),
    Page("inbox", _url("inbox:inbox"), grow_tasks),
    Page("review queue", _url("inbox:queue"), grow_tasks, roles=("supervisor",)),
    Page("department queue", _url("inbox:department"), grow_tasks, roles=("head",)),
    Page("report detail", _url("tasks:report_detail", focus_report), grow_report_detail),
    Page("contribution detail", _url("tasks:contribution_detail", focus_contribution), grow_report_detail),
    Page("claim detail", _url("tasks:milestone_claim_detail", focus_claim), grow_claim_detail),
    # supervision
    Page("notice list", _url("supervision:notice_list"), grow_notices),
    Page("notice detail", _url("supervision:notice_detail", focus_notice), grow_notice_detail),
    Page("extension list", _url("supervision:extension_list"), grow_extensions, roles=("supervisor",)),
    # indicators
    Page("indicator list", lambda w: reverse("indicators:indicator_list") + f"?plan={w.plan.pk}&year=2024", grow_indicators),
    Page("indicator detail", _url("indicators:indicator_detail", focus_indicator), grow_indicator_detail),
    Page("indicator value", _url("indicators:value_detail", focus_value), grow_value_detail),
    Page("indicator completeness", lambda w: reverse("indicators:completeness") + f"?plan={w.plan.pk}&year=2024", grow_indicators, roles=STAFF),
    Page("indicator regions comparison", _url("indicators:region_comparison", focus_province_indicator), grow_region_comparison, roles=STAFF),
    Page("indicator dashboard", _url("dashboards:indicators", _plan), grow_indicators),
    # funding
    Page("funding list", lambda w: reverse("funding:line_list") + f"?plan={w.plan.pk}", grow_funding),
    Page("funding line", _url("funding:line_detail", focus_line), grow_line_detail),
    Page("funding dashboard", _url("dashboards:funding", _plan), grow_funding),
    # evaluation and reports
    Page("evaluation list", _url("evaluation:evaluation_list"), grow_evaluations, roles=("supervisor", "evaluator", "liaison")),
    Page("evaluation detail", _url("evaluation:evaluation_detail", focus_evaluation), grow_evaluation, roles=STAFF),
    Page("self-assessment", _url("evaluation:self_assessment", focus_self_assessment), grow_self_assessment),
    Page("scoring", _url("evaluation:scoring", focus_assignment), grow_scoring, roles=("evaluator", "supervisor")),
    Page("generated reports", _url("evaluation:report_list"), grow_generated_reports, roles=STAFF),
    Page("generated report", _url("evaluation:report_detail", focus_generated_report), grow_generated_report, roles=STAFF),
    # the province: cascade and assessment
    Page("province matrix", _url("dashboards:regions", lambda w: focus_cascade(w).plan), grow_region_matrix, roles=STAFF),
    Page("region tasks", _url("dashboards:region", args=lambda w: [focus_cascade_region(w)[0].plan.pk, focus_cascade_region(w)[1].pk]), grow_region_tasks, roles=STAFF),
    # one scheme per plan and year: the list never outgrows the plan's five years; measured with
    # the prefectures it scores behind it
    Page(
        "assessment list", _url("assessment:scheme_list", lambda w: focus_scheme_world(w)[0].plan), grow_assessment, roles=STAFF,
        rows_shown=False,
    ),
    Page("assessment results", _url("assessment:results", lambda w: focus_scheme_world(w)[1]), grow_assessment, roles=STAFF),
    Page("assessment scheme", _url("assessment:scheme_edit", lambda w: focus_scheme_world(w)[1]), grow_assessment, roles=("supervisor",)),
    Page(
        "assessment prefecture sheet",
        _url("assessment:prefecture", args=lambda w: [focus_prefecture_sheet(w)[0].pk, focus_prefecture_sheet(w)[1].pk]),
        grow_prefecture_sheet, roles=STAFF,
    ),
    # directory and notifications
    Page("regions", _url("tasks:region_tree"), grow_regions, roles=("administrator",)),
    Page("region detail", _url("tasks:region_detail", lambda w: w.plan.region), grow_region_detail, roles=("administrator",)),
    Page("notifications", _url("notifications:notification_list"), grow_notifications, roles=BOTH),
    # joint meetings
    Page("meeting list", _url("meetings:meeting_list"), grow_meetings),
    Page("meeting detail", _url("meetings:meeting_detail", focus_meeting), grow_meeting_detail),
    # the header's search: every kind at once
    Page("search", lambda w: reverse("search:search") + "?q=精神卫生", grow_search, roles=("supervisor", "liaison", "evaluator")),
]

CASES = [
    pytest.param(
        page, role, id=f"{page.name}-{role}",
        marks=[pytest.mark.xfail(strict=True, reason=page.why)] if role in page.over else [],
    )
    for page in PAGES
    for role in page.roles
]

# QUERY_COUNTS_REPORT=path.jsonl: each case appends its counts there (for the issue's table).
REPORT = os.environ.get("QUERY_COUNTS_REPORT")


def _count(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured), len(response.content)


@pytest.mark.parametrize(("page", "role"), CASES)
def test_queries_do_not_grow_with_rows(client, world, page, role):
    client.force_login(world.users[role])
    page.grow(world, 3)
    url = page.url(world)
    client.get(url)  # warm the per-process caches (content types, the site's permissions)
    few, few_size = _count(client, url)
    page.grow(world, 27)
    many, many_size = _count(client, url)
    if REPORT:
        with open(REPORT, "a") as fh:
            fh.write(json.dumps({"page": page.name, "role": role, "few": few, "many": many, "bytes": [few_size, many_size]}) + "\n")
    assert many_size > few_size or not page.rows_shown, f"{page.name} as {role}: the added rows are not on the page"
    assert many - few <= page.extra, f"{page.name} as {role}: {few} queries with 3 rows, {many} with 30"
    assert many <= MAX_QUERIES, f"{page.name} as {role}: {many} queries"

