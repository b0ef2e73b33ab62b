"""Role × URL access matrix, generated from the URL resolver: every page of the site, asked for by
every role, with the ids of *another department's* objects in its path.

- A liaison (or head) of department A never gets a 200 for an object of department B.
- Region scope: every object in the paths belongs to the demo city 示范市 (prefecture A). The
  supervisor, evaluator and administrator of another prefecture (``*_b_pref``, placed in 乙市)
  never get a 200 for them, nor for a POST: 404, or 403 where their role lacks the permission
  anyway (the same role of 示范市 gets the 403 too). The province's supervisor sees what 示范市's
  supervisor sees.
- And the other way round: 乙市 has a plan of its own with one of each object (report,
  contribution, claim, notice, extension, indicator, value, funding line, evaluation,
  self-assessment, generated report, evidence file). 乙市's staff open each of them, and so does
  the province's supervisor; 示范市's supervisor and evaluator get a 404 for every one.
- Nobody gets a 500, anywhere (the failure names the URL and the role).
- Views that only accept POST are also posted to with an empty body.
- A new URL is covered automatically; if its path parameters are not in ``OBJECT_FOR`` the test
  fails and says so: add the parameter to the map.

One world (the demo plan with its activity, plus what the demo lacks), one client per role.
Admin, static files and i18n URLs are left out (the admin has its own tests).
"""

from __future__ import annotations

import datetime
import re
import time
from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.models import User
from assessment.models import AssessmentScheme, BonusDeduction, Sample, SampledItem, SchemeItem, Veto
from demo.plan import seed_demo, seed_demo_activity
from evaluation.models import Evaluation, EvaluatorAssignment, GeneratedReport, SelfAssessment
from evidence.services import evidence_attach
from exports.models import ExportJob
from funding.models import FundingLine
from indicators.models import Indicator, IndicatorImport, IndicatorValue
from meetings.services import decision_add, meeting_create
from notifications.models import Notification
from supervision.models import ExtensionRequest, SupervisionNotice
from supervision.notices import notice_issue
from tasks.models import (
    Contribution,
    Department,
    KeyTask,
    Membership,
    Milestone,
    MilestoneClaim,
    PlanImport,
    ProgressReport,
    Region,
)
from tasks.progress import report_open, reporting_period
from tests.factories import (
    DepartmentFactory,
    KeyTaskFactory,
    MembershipFactory,
    MilestoneFactory,
    PlanFactory,
    TaskDepartmentFactory,
    make_administrator,
    make_evaluator,
    make_liaison,
    make_supervisor,
    make_user,
)
from tests.indicators.conftest import draft, make_indicator

pytestmark = pytest.mark.django_db

SKIPPED_PREFIXES = ("admin/", "i18n/", "static/", "media/")
ROLES = (
    "anonymous", "liaison_a", "liaison_b", "head_a", "supervisor", "evaluator", "administrator",
    "supervisor_b_pref", "evaluator_b_pref", "administrator_b_pref", "supervisor_province",
)
# Staff of another prefecture (乙市), and the role of 示范市 each one mirrors.
OTHER_PREFECTURE = {"supervisor_b_pref": "supervisor", "evaluator_b_pref": "evaluator", "administrator_b_pref": "administrator"}
# Objects in paths that belong to a person rather than to a region (their own uploads, notifications).
PERSONAL = {"notification_b", "plan_import_b", "indicator_import_b", "review_kind", "export_b"}
# Liaisons and heads of department A: what they may not open of department B.
OF_DEPARTMENT_A = ("liaison_a", "head_a")
# Objects that belong to no department (a plan, an evaluation of all departments, a rubric, a
# generated report of the whole plan): everyone signed in may be shown them.
SHARED = {"plan", "evaluation", "rubric", "generated_report", "period", "review_kind", "section", "department_directory"}

# (route prefix, path parameter) → the world's object whose id fills it. The first match wins, so
# longer prefixes come first. A parameter no entry matches fails the test.
OBJECT_FOR: list[tuple[str, str, str]] = [
    # The JSON API (api/): the signed-in browser's session works there too, so each role is probed
    # like on the pages (token scoping has its own matrix: tests/api/test_scope.py).
    ("api/v1/plans/", "pk", "plan"),
    ("api/v1/sections/", "pk", "section"),
    ("api/v1/tasks/", "pk", "task_b"),
    ("api/v1/periods/", "pk", "period"),
    ("api/v1/progress-reports/", "pk", "report_b"),
    ("api/v1/notices/", "pk", "notice_b"),
    ("api/v1/indicators/", "pk", "indicator_b"),
    ("api/v1/indicator-values/", "pk", "value_b"),
    ("api/v1/funding-lines/", "pk", "line_b"),
    ("api/v1/evaluations/", "pk", "evaluation"),
    ("api/v1/departments/", "pk", "department_directory"),  # a region's directory, as /departments/
    ("plans/import/", "pk", "plan_import_b"),
    ("plans/", "pk", "plan"),
    ("plans/", "plan_pk", "plan"),
    ("plans/", "region_pk", "region"),
    ("tasks/", "pk", "task_b"),
    ("review/", "kind", "review_kind"),
    ("review/", "evidence_pk", "report_b_evidence"),
    ("review/", "pk", "report_b"),
    ("periods/", "pk", "period"),
    ("reports/", "pk", "report_b"),
    ("reports/", "evidence_pk", "report_b_evidence"),
    ("contributions/", "pk", "contribution_b"),
    ("milestones/", "pk", "milestone_b"),
    ("claims/", "pk", "claim_b"),
    ("notices/", "pk", "notice_b"),
    ("notices/", "evidence_pk", "notice_b_evidence"),
    ("extensions/new/", "report_id", "report_b"),
    ("extensions/", "pk", "extension_b"),
    ("indicators/import/", "pk", "indicator_import_b"),
    ("indicators/", "pk", "indicator_b"),
    ("indicator-values/", "pk", "value_b"),
    ("indicator-values/", "evidence_pk", "value_b_evidence"),
    ("funding/lines/", "pk", "line_b"),
    ("assessments/items/", "pk", "assessment_item"),
    ("assessments/sampled/", "pk", "assessment_sampled"),
    ("assessments/vetoes/", "pk", "assessment_veto"),
    ("assessments/", "region_pk", "region"),
    ("assessments/bonuses/", "pk", "assessment_bonus"),
    ("assessments/", "pk", "assessment_scheme"),
    ("evaluations/assignments/", "pk", "assignment_b"),
    ("evaluations/", "pk", "evaluation"),
    ("self-assessments/", "pk", "assessment_b"),
    ("self-assessments/", "evidence_pk", "assessment_b_evidence"),
    ("rubrics/", "pk", "rubric"),
    ("generated-reports/", "pk", "generated_report"),
    ("exports/", "pk", "export_b"),
    ("notifications/", "pk", "notification_b"),
    ("evidence/download/", "public_id", "evidence_b"),
    ("meetings/decisions/", "pk", "decision_b"),
    ("meetings/", "token", "meeting_import"),
    ("meetings/", "pk", "meeting_b"),
    ("regions/import/", "token", "region_import"),
    ("regions/departments/", "pk", "dept_b"),
    ("regions/", "pk", "region"),
    ("public/", "pk", "plan"),  # 政务公开: 404 for everyone while the plan is not published (public/)
]
BAD_PAGING = ("per_page=-1&page=999999", "per_page=100000&page=abc", "page=-3&sa-per_page=0&sa-page=x")
PARAMETER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
PDF = b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"


def url_patterns(patterns=None, prefix: str = "") -> list[tuple[str, URLPattern]]:
    """Every (route, pattern) of the site, includes flattened."""
    found = []
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            found.extend(url_patterns(pattern.url_patterns, route))
        else:
            found.append((route, pattern))
    return found


def _object_key(route: str, parameter: str) -> str | None:
    for prefix, name, key in OBJECT_FOR:
        if route.startswith(prefix) and name == parameter:
            return key
    return None


def _involves(task: KeyTask, department: Department) -> bool:
    return task.task_departments.filter(department=department).exists()


def build_world() -> dict:
    """The demo plan and its activity; departments A and B that share no task; B's objects."""
    plan = seed_demo().plan
    seed_demo_activity(plan)
    world: dict = {"plan": plan}
    liaisons = Membership.objects.filter(role=Membership.Role.LIAISON, is_active=True).select_related("department", "user")
    report_b = dept_a = None
    # A: the first department with a liaison that has no part in some report's task; B: that report's.
    for membership in liaisons.order_by("department__position"):
        dept_a = membership.department
        report_b = (
            ProgressReport.objects.filter(task__plan=plan, department__memberships__role=Membership.Role.LIAISON)
            .exclude(department=dept_a)
            .exclude(task__task_departments__department=dept_a)
            .select_related("department", "task", "period")
            .order_by("-contributions__pk", "pk")
            .first()
        )
        if report_b is not None:
            break
    assert report_b is not None, "the demo has no two departments that share no task"
    dept_b = report_b.department
    world.update(dept_a=dept_a, dept_b=dept_b, report_b=report_b, task_b=report_b.task)

    users = {
        "liaison_a": liaisons.filter(department=dept_a).first().user,
        "liaison_b": liaisons.filter(department=dept_b).first().user,
        "supervisor": User.objects.get(username="supervisor"),
        "evaluator": User.objects.get(username="evaluator"),
        "administrator": make_administrator("matrix-admin"),  # an administrator, not a superuser
    }
    # Prefecture B (乙市), a sibling of 示范市 under the province, and its health commission's staff.
    city = plan.region
    other = Region.objects.create(name="乙市", code="429800", level=Region.Level.PREFECTURE, parent=city.parent)
    users["supervisor_b_pref"] = make_supervisor("matrix-supervisor-b", region=other)
    users["evaluator_b_pref"] = make_evaluator("matrix-evaluator-b", region=other)
    users["administrator_b_pref"] = make_administrator("matrix-admin-b", region=other)
    users["supervisor_province"] = make_supervisor("matrix-supervisor-province", region=city.parent)
    world["other_prefecture"] = build_other_prefecture(other, users["supervisor_b_pref"])
    head_a = make_user("liaison", "matrix-head-a")
    MembershipFactory(user=head_a, department=dept_a, role=Membership.Role.HEAD)
    users["head_a"] = head_a
    world["users"] = users
    other_admin = make_administrator("matrix-other-admin")

    def of_b(queryset, **department):
        return queryset.filter(**(department or {"department": dept_b})).first()

    world["report_b_evidence"] = evidence_attach(owner=report_b, upload=SimpleUploadedFile("乙.pdf", PDF), user=users["liaison_b"])
    world["evidence_b"] = world["report_b_evidence"]
    world["review_kind"] = SimpleNamespace(pk="progress_report")  # /review/<kind>/…: the report's kind
    world["period"] = report_b.period
    world["contribution_b"] = of_b(
        Contribution.objects.exclude(report__department=dept_a).exclude(report__task__task_departments__department=dept_a)
    )
    world["milestone_b"] = Milestone.objects.filter(task=world["task_b"]).first() or MilestoneFactory(task=world["task_b"])
    world["claim_b"] = of_b(
        MilestoneClaim.objects.exclude(milestone__task__task_departments__department=dept_a)
    ) or MilestoneClaim.objects.create(
        milestone=world["milestone_b"], department=dept_b, created_by=users["liaison_b"], completed_on=datetime.date(2025, 6, 30)
    )
    world["notice_b"] = of_b(SupervisionNotice.objects.exclude(Q(task__task_departments__department=dept_a))) or notice_issue(
        task=world["task_b"], department=dept_b, level=SupervisionNotice.Level.BLUE,
        requirements="请乙单位说明进展", user=users["supervisor"],
    )
    world["notice_b_evidence"] = evidence_attach(
        owner=world["notice_b"], upload=SimpleUploadedFile("乙反馈.pdf", PDF), user=users["liaison_b"]
    )
    world["extension_b"] = ExtensionRequest.objects.filter(report__department=dept_b).first() or ExtensionRequest.objects.create(
        report=report_b,
        current_due_on=report_b.period.due_on,
        requested_due_on=report_b.period.due_on + datetime.timedelta(days=14),
        reason="乙单位申请延期",
        requested_by=users["liaison_b"],
    )
    world["indicator_b"] = of_b(Indicator.objects.filter(plan=plan)) or make_indicator(plan, dept_b, code="99")
    world["value_b"] = of_b(IndicatorValue.objects.all(), indicator__department=dept_b) or draft(
        world["indicator_b"], users["liaison_b"]
    )
    world["value_b_evidence"] = evidence_attach(owner=world["value_b"], upload=SimpleUploadedFile("乙指标.pdf", PDF), user=users["liaison_b"])
    world["line_b"] = of_b(FundingLine.objects.filter(plan=plan))
    world["evaluation"] = Evaluation.objects.filter(plan=plan).first()
    world["rubric"] = world["evaluation"].rubric
    world["assignment_b"] = of_b(EvaluatorAssignment.objects.filter(evaluation=world["evaluation"]))
    world["assessment_b"] = of_b(SelfAssessment.objects.filter(evaluation=world["evaluation"]))
    world["assessment_b_evidence"] = evidence_attach(
        owner=world["assessment_b"], upload=SimpleUploadedFile("乙自评.pdf", PDF), user=users["liaison_b"]
    )
    world["generated_report"] = GeneratedReport.objects.filter(plan=plan).first() or GeneratedReport.objects.create(
        plan=plan, kind=GeneratedReport.Kind.FINAL, version=1, requested_by=users["supervisor"]
    )
    world["assessment_scheme"] = AssessmentScheme.objects.create(plan=plan, year=2025, title="2025年度考核")
    world["assessment_item"] = SchemeItem.objects.create(scheme=world["assessment_scheme"], kind="timeliness", weight=100)
    world["assessment_bonus"] = BonusDeduction.objects.create(
        scheme=world["assessment_scheme"], region=plan.region, points=1, reason="加分", created_by=users["supervisor"]
    )
    veto_item = SchemeItem.objects.create(scheme=world["assessment_scheme"], kind="other", title="一票否决", rule="veto", weight=0)
    world["assessment_veto"] = Veto.objects.create(
        scheme=world["assessment_scheme"], item=veto_item, region=plan.region, incident="事件", created_by=users["supervisor"]
    )
    sample = Sample.objects.create(
        scheme=world["assessment_scheme"], region=plan.region, seed=1, reports_each=1, files_each=0, drawn_by=users["supervisor"]
    )
    world["assessment_sampled"] = SampledItem.objects.create(sample=sample, source="report", label="抽查")
    world["export_b"] = ExportJob.objects.create(
        requested_by=users["liaison_b"], name="archive", export_format="csv", path="/work/archive/", query="_export=csv"
    )
    world["notification_b"] = Notification.objects.create(user=users["liaison_b"], kind=Notification.Kind.INFO, legacy_title="乙的通知", url="/")
    plan_import = PlanImport(original_name="乙.xlsx", uploaded_by=other_admin, options={})
    plan_import.file.save("table.xlsx", ContentFile(b"PK"), save=False)
    plan_import.save()
    world["plan_import_b"] = plan_import
    indicator_import = IndicatorImport(original_name="乙.xlsx", uploaded_by=other_admin, plan=plan)
    indicator_import.file.save("indicators.xlsx", ContentFile(b"PK"), save=False)
    indicator_import.save()
    world["indicator_import_b"] = indicator_import
    world["dept_b"], world["region"] = dept_b, plan.region
    world["section"] = plan.sections.order_by("pk").first()
    world["department_directory"] = dept_b
    world["region_import"] = SimpleNamespace(pk="0" * 32)  # another admin's upload lives in their session
    # A joint meeting department B attended and A did not (a liaison sees only their departments' meetings).
    world["meeting_b"] = meeting_create(
        region=plan.region, plan=plan, kind="plenary", title="乙单位参加的联席会议", held_on=datetime.date(2024, 3, 15),
        convenor="副市长", present=[dept_b], actor=users["supervisor"],
    )
    world["decision_b"] = decision_add(
        meeting=world["meeting_b"], text="乙单位落实事项", departments=[dept_b], deadline=datetime.date(2024, 12, 31), actor=users["supervisor"]
    )
    world["meeting_import"] = SimpleNamespace(pk="0" * 32)  # an upload lives in its uploader's session
    missing = sorted(key for key, value in world.items() if value is None)
    assert not missing, f"the world lacks objects of department B: {missing}"
    return world


def build_other_prefecture(other: Region, supervisor: User) -> dict:
    """乙市's plan with one of each object (its answerable liaison writes, its supervisor issues)."""
    from evaluation.services import evaluation_create
    from funding.services import line_create

    plan = PlanFactory(region=other, title="乙市精神卫生工作规划")
    lead = DepartmentFactory(region=other, name="乙市卫生健康委员会", short_name="乙市卫健委", code="ys-wsjkw")
    cooperating = DepartmentFactory(region=other, name="乙市公安局", short_name="乙市公安局", code="ys-gaj")
    liaison = make_liaison(lead, "matrix-liaison-ys")
    make_liaison(cooperating, "matrix-liaison-ys-gaj")
    task = KeyTaskFactory(plan=plan, code="1", title="乙市精神卫生信息化建设")
    TaskDepartmentFactory(task=task, department=lead, role="lead")
    TaskDepartmentFactory(task=task, department=cooperating, role="cooperating")
    report = report_open(task=task, period=reporting_period(plan=plan, cadence="quarterly", year=2024, number=2), department=lead)
    milestone = MilestoneFactory(task=task)
    indicator = make_indicator(plan, lead, code="1")
    evaluation = evaluation_create(plan=plan, kind=Evaluation.Kind.FINAL, title="乙市终期评估", lead=supervisor, user=supervisor)
    objects = {
        "plan": plan,
        "task": task,
        "report": report,
        "contribution": report.contributions.get(),
        "claim": MilestoneClaim.objects.create(milestone=milestone, department=lead, created_by=liaison, completed_on=datetime.date(2024, 6, 30)),
        "notice": notice_issue(task=task, department=lead, level=SupervisionNotice.Level.BLUE, requirements="请说明进展", user=supervisor),
        "extension": ExtensionRequest.objects.create(
            report=report, current_due_on=report.period.due_on, requested_due_on=report.period.due_on + datetime.timedelta(days=14),
            reason="申请延期", requested_by=liaison,
        ),
        "indicator": indicator,
        "value": draft(indicator, liaison),
        "line": line_create(
            plan=plan, fiscal_year=2024, source="local_budget", budget_subject="2100206 精神病医院",
            purpose="乙市精神专科医院运行经费", department=lead, tasks=[task], user=supervisor,
        ),
        "evaluation": evaluation,
        "assessment": evaluation.self_assessments.first(),
        "generated_report": GeneratedReport.objects.create(plan=plan, kind=GeneratedReport.Kind.BULLETIN, version=1, requested_by=supervisor),
    }
    objects["evidence"] = evidence_attach(owner=report, upload=SimpleUploadedFile("乙市.pdf", PDF), user=liaison)
    objects["meeting"] = meeting_create(
        region=other, plan=plan, kind="plenary", title="乙市联席会议", held_on=datetime.date(2024, 3, 15), convenor="乙市副市长",
        present=[lead, cooperating], actor=supervisor,
    )
    missing = sorted(key for key, value in objects.items() if value is None)
    assert not missing, f"乙市 lacks {missing}"
    return objects


def _url_of(obj) -> str:
    return f"/evidence/download/{obj.public_id}/" if hasattr(obj, "public_id") else obj.get_absolute_url()


def probe_other_prefecture(world: dict, clients: dict[str, Client], problems: list[str]) -> int:
    """The second direction: 乙市's objects, opened by each side (see the docstring)."""
    probed = 0
    sees = {"supervisor_b_pref": True, "supervisor_province": True, "supervisor": False, "evaluator": False}
    for name, obj in world["other_prefecture"].items():
        url = _url_of(obj)
        for role, may in sees.items():
            status = _request(clients[role], "GET", url)
            probed += 1
            # An extension request is decided on its report's page: its own URL redirects there.
            expected = (200, 302) if may else (404,)
            if status not in expected:
                problems.append(f"GET {url} ({name} of 乙市) as {role}: {status}, expected {expected}")
    return probed


def _path(route: str, pattern: URLPattern, world: dict, problems: list[str]) -> tuple[str, set[str]] | None:
    """The URL with B's ids filled in, and the keys of the objects it names."""
    keys = set()
    path = route.lstrip("^").rstrip("$")

    def fill(match: re.Match) -> str:
        key = _object_key(route, match["name"])
        if key is None:
            problems.append(f"/{route}: no object for the path parameter {match['name']!r}: add it to OBJECT_FOR")
            return "0"
        keys.add(key)
        obj = world[key]
        return str(obj.public_id if match["converter"] == "uuid" else obj.pk)

    path = PARAMETER.sub(fill, path)
    if "<" in path or "(?P" in path:
        problems.append(f"/{route}: a path this test cannot fill")
        return None
    return "/" + path, keys


def _request(client: Client, method: str, path: str) -> int | str:
    try:
        return (client.get if method == "GET" else client.post)(path).status_code
    except Exception as exc:  # the test client re-raises a view's exception: that is a 500
        return f"500 ({type(exc).__name__}: {exc})"


def test_role_by_url_matrix(world_timer):
    world = build_world()
    clients = {"anonymous": Client(raise_request_exception=True)}
    for role in ROLES[1:]:
        clients[role] = Client(raise_request_exception=True)
        clients[role].force_login(world["users"][role])

    problems: list[str] = []
    probed = 0
    province_saw = 0  # pages of 示范市's objects the province's supervisor was shown
    seen_by_b: set[str] = set()  # B's objects that B's liaison was shown: the ids are real
    for route, pattern in url_patterns():
        if route.startswith(SKIPPED_PREFIXES) or pattern.name in {"logout", "set_language"}:
            continue
        filled = _path(route, pattern, world, problems)
        if filled is None:
            continue
        path, keys = filled
        of_b = bool(keys - SHARED)
        of_city = bool(keys - PERSONAL)  # names an object of 示范市 (prefecture A)
        statuses: dict = {}
        for role in ROLES:
            status = _request(clients[role], "GET", path)
            statuses[role] = status
            probed += 1
            if status == 200 and role == "liaison_b":
                seen_by_b |= keys
            if not keys and status == 200 and role in ("liaison_a", "supervisor"):
                # Every list, paged out of bounds: clamped, never a 500 (nor a 404).
                for query in BAD_PAGING:
                    code = _request(clients[role], "GET", f"{path}?{query}")
                    probed += 1
                    if code != 200:
                        problems.append(f"GET {path}?{query} as {role}: {code}")
            methods = [("GET", status)]
            if status == 405:
                methods.append(("POST", _request(clients[role], "POST", path)))
                probed += 1
            for method, code in methods:
                statuses[(role, method)] = code
                if isinstance(code, str) or code >= 500:
                    problems.append(f"{method} {path} as {role}: {code}")
                elif code == 200 and of_b and role in OF_DEPARTMENT_A:
                    problems.append(f"{method} {path} as {role}: 200 on department B's {sorted(keys - SHARED)}")
                elif of_city and role in OTHER_PREFECTURE and code != 404:
                    mirror = statuses.get((OTHER_PREFECTURE[role], method))
                    if not (code in (403, 405) and mirror == code):
                        problems.append(
                            f"{method} {path} as {role}: {code} on 示范市's {sorted(keys - PERSONAL)} "
                            f"(404 expected; {OTHER_PREFECTURE[role]} of 示范市 gets {mirror})"
                        )
        if of_city and statuses["supervisor"] == 200:
            province_saw += 1
            if statuses["supervisor_province"] != 200:
                problems.append(f"GET {path} as supervisor_province: {statuses['supervisor_province']} (示范市's supervisor: 200)")
    probed += probe_other_prefecture(world, clients, problems)
    world_timer["probed"] = probed
    assert probed > 300
    assert province_saw > 20
    assert {"task_b", "report_b", "contribution_b", "claim_b", "notice_b", "indicator_b", "value_b", "line_b", "assessment_b", "evidence_b"} <= seen_by_b
    assert not problems, "\n".join(problems)


@pytest.fixture
def world_timer():
    """Reports how many requests the matrix made and how long it took (-s to see)."""
    figures: dict = {}
    started = time.monotonic()
    yield figures
    print(f"\naccess matrix: {figures.get('probed')} requests in {time.monotonic() - started:.1f} s")
