"""The national dataset of ``bench/pages.py``: a country's prefecture plans, built fast.

At ``scale`` 1.0 it holds the figures of issue 14 — 340 prefecture plans in 31 provinces, 4,080
departments, 40,800 key tasks, 816,000 progress reports (each with its engine process and human
tasks), 1.9 million evidence rows, 1.5 million audit entries, 102,000 supervision notices, 13,600
indicators with 5 years of values and 20,400 funding lines. Every figure scales with ``scale``.

The first prefecture is built through the product's own services (periods opened through the flow,
a report submitted and approved), and its engine rows are the templates the bulk rows copy, so the
bulk data has the shape the product writes. Rows are written with PostgreSQL's COPY (or
``executemany`` on SQLite) with their ids given, then the id sequences are moved past them.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction

from accounts.models import User
from audit.models import AuditEntry
from evidence.models import Evidence
from funding.models import FundingLine, LedgerEntry
from indicators.models import Indicator, IndicatorValue
from supervision.models import SupervisionNotice
from tasks.models import (
    Department,
    KeyTask,
    Membership,
    Plan,
    PlanSection,
    ProgressReport,
    Region,
    ReportingPeriod,
    TaskDepartment,
)

PROVINCES = 31
PREFECTURES = 340
DEPARTMENTS = 12  # per prefecture, the health commission first
TASKS = 120  # per prefecture plan
YEARS = (2021, 2022, 2023, 2024, 2025)
QUARTERS = len(YEARS) * 4  # reports per task
INDICATORS = 40  # per plan
FUNDING_LINES = 60  # per plan
TZ = datetime.timezone(datetime.timedelta(hours=8))
SUPERVISOR, LIAISON = "bench-supervisor", "bench-liaison"


@dataclass
class National:
    """What the pages need: the users, one plan of theirs and a row of each kind to open."""

    scale: float
    supervisor: User = None
    liaison: User = None
    plan: Plan = None
    province: Region = None
    counts: dict[str, int] = field(default_factory=dict)
    sample: dict[str, int] = field(default_factory=dict)  # a detail row of each kind: name → pk


class Writer:
    """Rows of one model, given as tuples in the order of ``columns``, written in bulk. When one
    writer's buffer is full every writer is flushed, in the order they were made (the order of the
    foreign keys), so that a row's references are always written before it."""

    every: list[Writer] = []

    def __init__(self, model: type[models.Model], columns: list[str]):
        self.model = model
        # Columns not given that may not be NULL take the field's default.
        self.fill = []
        for f in model._meta.concrete_fields:
            if f.column in columns or f.primary_key or f.null:
                continue
            default = datetime.datetime.now(TZ) if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False) else f.get_default()
            if isinstance(f, models.JSONField):
                self.fill.append((f.column, json.dumps(default)))
            else:
                self.fill.append((f.column, f.get_db_prep_save(default, connection)))
        self.columns = columns + [column for column, _ in self.fill]
        self.defaults = tuple(value for _, value in self.fill)
        Writer.every.append(self)
        self.table = model._meta.db_table
        self.rows: list[tuple] = []
        self.written = 0
        self.next_id = (model.objects.aggregate(m=models.Max("pk"))["m"] or 0) + 1

    def take_id(self) -> int:
        self.next_id += 1
        return self.next_id - 1

    def add(self, row: tuple) -> None:
        self.rows.append(row + self.defaults)
        if len(self.rows) >= 50_000:
            for writer in Writer.every:
                writer.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        columns = ", ".join(f'"{c}"' for c in self.columns)
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f'COPY "{self.table}" ({columns}) FROM STDIN') as copy:
                    for row in self.rows:
                        copy.write_row(row)
            else:
                marks = ", ".join("%s" for _ in self.columns)
                rows = [tuple(_sqlite(value) for value in row) for row in self.rows]
                cursor.executemany(f'INSERT INTO "{self.table}" ({columns}) VALUES ({marks})', rows)
        self.written += len(self.rows)
        self.rows = []

    def close(self) -> int:
        self.flush()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('\"{self.table}\"', 'id'), (SELECT COALESCE(MAX(id), 1) FROM \"{self.table}\"))"
                )
        return self.written


def _sqlite(value):
    """A value as Django stores it on SQLite (aware datetimes in UTC, UUIDs as hex)."""
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).replace(tzinfo=None).isoformat(" ")
    if isinstance(value, uuid.UUID):
        return value.hex
    return value


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=TZ)


def _quarter(year: int, number: int) -> tuple[datetime.date, datetime.date, datetime.date]:
    starts = datetime.date(year, 3 * number - 2, 1)
    ends = (datetime.date(year + (number == 4), (3 * number) % 12 + 1, 1)) - datetime.timedelta(days=1)
    return starts, ends, ends + datetime.timedelta(days=10)


def _templates() -> dict[str, dict]:
    """The engine rows the product writes for a progress report in each state, read back from one
    report of each opened, submitted and approved through the services."""
    from viewflow.workflow.models import Task

    from tasks import progress
    from tests.factories import make_liaison, make_supervisor

    region = Region.objects.create(name="模板地区", level=Region.Level.PREFECTURE)
    plan = Plan.objects.create(region=region, title="模板规划", start_year=2021, end_year=2025, status=Plan.Status.ACTIVE)
    department = Department.objects.create(region=region, code="tpl", name="模板局")
    liaison = make_liaison(department, "bench-template-liaison")
    reviewer = make_supervisor("bench-template-supervisor", region=region)
    period = progress.reporting_period(plan=plan, cadence="quarterly", year=2024, number=1)
    reports = []
    for n in range(3):
        task = KeyTask.objects.create(plan=plan, code=f"t{n}", title=f"模板任务{n}", start_date=datetime.date(2021, 1, 1),
                                      due_date=datetime.date(2025, 12, 31))
        TaskDepartment.objects.create(task=task, department=department, role=TaskDepartment.Role.LEAD)
        reports.append(progress.report_open(task=task, period=period, department=department))
    for report in reports[1:]:
        report.refresh_from_db()
        progress.report_submit(report=report, user=liaison, version=report.version, data={"achievements": "模板", "percent_complete": 10})
    reports[2].refresh_from_db()
    progress.report_approve(report=reports[2], user=reviewer)
    shapes = {}
    with connection.cursor() as cursor:
        for state, report in zip(("draft", "submitted", "approved"), reports, strict=True):
            cursor.execute(
                "SELECT id, flow_class, status FROM viewflow_process WHERE artifact_object_id = %s AND artifact_content_type_id = %s",
                [report.pk, ContentType.objects.get_for_model(ProgressReport).pk],
            )
            process_id, flow_class, status = cursor.fetchone()
            cursor.execute(
                "SELECT flow_task, flow_task_type, status, owner_permission, token FROM viewflow_task WHERE process_id = %s ORDER BY id",
                [process_id],
            )
            shapes[state] = {"flow_class": flow_class, "status": status, "tasks": cursor.fetchall()}
    # The template world goes: it only lent its shapes.
    Task.objects.filter(process__artifact_object_id__in=[r.pk for r in reports]).delete()
    return shapes


def build(scale: float) -> National:
    """Fill the (empty, migrated) database with the national dataset at ``scale``."""
    from viewflow.workflow.models import Process, Task

    shapes = _templates()
    national = National(scale=scale)
    prefectures = max(2, round(PREFECTURES * scale))
    provinces = max(1, min(PROVINCES, round(PROVINCES * scale)))
    report_type = ContentType.objects.get_for_model(ProgressReport).pk
    task_type = ContentType.objects.get_for_model(KeyTask).pk
    notice_type = ContentType.objects.get_for_model(SupervisionNotice).pk
    password = make_password("bench-password")
    now = _at(datetime.date(2026, 1, 15))

    regions = Writer(Region, ["id", "code", "name", "level", "parent_id", "path"])
    province_ids = []
    for p in range(provinces):
        pk = regions.take_id()
        province_ids.append(pk)
        regions.add((pk, f"{11 + p}0000", f"第{p + 1}省", Region.Level.PROVINCE, None, f"/{pk}/"))
    prefecture_rows = []
    for n in range(prefectures):
        # The first province is the largest (21 prefectures, as 四川/广东), the rest share what is left.
        parent = province_ids[0] if n < min(21, prefectures) or provinces == 1 else province_ids[1 + n % (provinces - 1)]
        pk = regions.take_id()
        prefecture_rows.append((pk, parent))
        within = sum(1 for _, other in prefecture_rows if other == parent)
        regions.add((pk, f"{11 + province_ids.index(parent)}{within:02d}00", f"第{n + 1}市", Region.Level.PREFECTURE, parent,
                     f"/{parent}/{pk}/"))
    national.counts["regions"] = regions.close()

    users = Writer(User, ["id", "password", "username", "first_name", "last_name", "email", "is_staff", "is_active", "is_superuser",
                          "date_joined"])
    departments = Writer(Department, ["id", "region_id", "code", "name", "short_name", "is_supervising", "is_active", "position"])
    memberships = Writer(Membership, ["id", "user_id", "department_id", "role", "is_active"])
    plans = Writer(Plan, ["id", "region_id", "title", "start_year", "end_year", "status", "report_due_days", "due_in_working_days",
                          "contribution_lead_days", "reminder_days", "due_soon_working_days", "progress_lag_margin",
                          "notice_response_working_days", "period_lock_days", "auto_notice_after_days", "cascade_acceptance",
                          "created_at", "updated_at"])
    template_plan = Plan(region_id=1, title="", start_year=2021, end_year=2025)
    sections = Writer(PlanSection, ["id", "plan_id", "code", "title", "position"])
    periods = Writer(ReportingPeriod, ["id", "plan_id", "cadence", "year", "number", "starts_on", "ends_on", "due_on",
                                       "contribution_due_on"])
    key_tasks = Writer(KeyTask, ["id", "plan_id", "section_id", "code", "position", "title", "content", "lead_text", "cooperating_text",
                                 "start_date", "due_date", "deadline_text", "is_ongoing", "deadline_undated", "cadence", "status",
                                 "progress", "light", "created_at", "updated_at"])
    links = Writer(TaskDepartment, ["id", "task_id", "department_id", "role", "position"])
    reports = Writer(ProgressReport, ["id", "acceptance", "task_id", "period_id", "department_id", "assignee_id", "status", "due_on",
                                      "percent_complete", "assessment", "achievements", "problems", "next_steps",
                                      "missing_contributions_reason", "round", "version", "submitted_at", "submitted_by_id", "is_late",
                                      "decided_at", "decided_by_id", "return_reason", "created_at", "updated_at"])
    processes = Writer(Process, ["id", "flow_class", "status", "created", "finished", "data", "artifact_content_type_id",
                                 "artifact_object_id"])
    engine_tasks = Writer(Task, ["id", "flow_task", "flow_task_type", "status", "created", "started", "finished", "token", "owner_id",
                                 "owner_permission", "process_id", "data"])
    evidence = Writer(Evidence, ["id", "public_id", "content_type_id", "object_id", "file", "original_name", "media_type", "size",
                                 "sha256", "uploaded_by_id", "uploaded_at", "review_status", "review_reason"])
    audit = Writer(AuditEntry, ["id", "content_type_id", "object_id", "actor_id", "at", "action", "from_state", "to_state", "comment",
                                "data"])
    notices = Writer(SupervisionNotice, ["id", "year", "number", "task_id", "department_id", "level", "requirements", "response_due_on",
                                         "status", "issued_by_id", "issued_at", "response", "round", "version", "escalations"])
    indicators = Writer(Indicator, ["id", "plan_id", "code", "name", "definition", "unit_kind", "unit_label", "baseline_value",
                                    "baseline_year", "target_value", "target_text", "comparison", "target_year", "nature", "aggregation",
                                    "numerator_label", "denominator_label", "department_id", "source_clause", "position"])
    values = Writer(IndicatorValue, ["id", "acceptance", "indicator_id", "year", "period_code", "region_id", "value", "text", "source",
                                     "status", "due_on", "is_late", "round", "version", "judgement_comment", "return_reason",
                                     "created_at", "updated_at"])
    lines = Writer(FundingLine, ["id", "plan_id", "code", "fiscal_year", "source", "budget_subject", "purpose", "department_id",
                                 "created_by_id", "created_at"])
    entries = Writer(LedgerEntry, ["id", "line_id", "kind", "amount", "date", "document_number", "note", "over_limit_reason",
                                   "recorded_by_id", "recorded_at"])

    reviewer_id = users.take_id()
    users.add((reviewer_id, password, "bench-reviewer", "", "审核员", "", False, True, False, now))
    quarter_list = [(y, q) for y in YEARS for q in range(1, 5)]
    lights = ["green", "green", "green", "yellow", "red"]
    for n, (region_id, _province) in enumerate(prefecture_rows):
        plan_id = plans.take_id()
        if n == 0:
            national.sample["plan"] = plan_id
        plans.add((plan_id, region_id, f"第{n + 1}市精神卫生“十四五”规划", 2021, 2025, Plan.Status.ACTIVE,
                   template_plan.report_due_days, template_plan.due_in_working_days, template_plan.contribution_lead_days,
                   json.dumps(template_plan.reminder_days), template_plan.due_soon_working_days, template_plan.progress_lag_margin,
                   template_plan.notice_response_working_days, template_plan.period_lock_days, template_plan.auto_notice_after_days,
                   template_plan.cascade_acceptance, now, now))
        department_ids, liaison_ids = [], []
        for d in range(DEPARTMENTS):
            department_id = departments.take_id()
            department_ids.append(department_id)
            name = "卫生健康委员会" if d == 0 else f"第{d}局"
            departments.add((department_id, region_id, f"p{n}-d{d}", f"第{n + 1}市{name}", name, d == 0, True, d))
            user_id = users.take_id()
            liaison_ids.append(user_id)
            username = LIAISON if (n, d) == (0, 1) else f"liaison-{n}-{d}"
            users.add((user_id, password, username, "", f"联络员{n}-{d}", "", False, True, False, now))
            memberships.add((memberships.take_id(), user_id, department_id, Membership.Role.LIAISON, True))
        section_ids = []
        for s in range(8):
            section_id = sections.take_id()
            section_ids.append(section_id)
            sections.add((section_id, plan_id, str(s + 1), f"第{s + 1}章", s))
        period_ids = []
        for year, number in quarter_list:
            starts, ends, due = _quarter(year, number)
            period_id = periods.take_id()
            period_ids.append((period_id, due))
            periods.add((period_id, plan_id, "quarterly", year, number, starts, ends, due, due - datetime.timedelta(days=5)))
        for i in range(INDICATORS):
            indicator_id = indicators.take_id()
            indicators.add((indicator_id, plan_id, str(i + 1), f"指标{i + 1}", "", "percent", "%", Decimal(60), 2020, Decimal(90), "",
                            "gte", 2025, "expected", "fraction", "", "", department_ids[i % DEPARTMENTS], "", i))
            for year in YEARS:
                values.add((values.take_id(), "", indicator_id, year, str(year), region_id, Decimal(60 + (year - 2020) * 5 + i % 7), "",
                            "", "approved" if year < 2025 else "submitted", datetime.date(year + 1, 1, 31), False, 1, 1, "", "", now, now))
        for f in range(FUNDING_LINES):
            line_id = lines.take_id()
            lines.add((line_id, plan_id, f"F{f + 1:03d}", YEARS[f % len(YEARS)], "local_budget", "", f"经费{f + 1}",
                       department_ids[f % DEPARTMENTS], reviewer_id, now))
            for k, kind in enumerate(("allocation", "disbursement", "expenditure")):
                entries.add((entries.take_id(), line_id, kind, Decimal(100_000 - k * 20_000), datetime.date(YEARS[f % len(YEARS)], 6, 1),
                             f"文{f}-{k}", "", "", reviewer_id, now))
        for t in range(TASKS):
            task_id = key_tasks.take_id()
            lead = 1 + t % (DEPARTMENTS - 1)
            co = 1 + (t + 3) % (DEPARTMENTS - 1)
            key_tasks.add((task_id, plan_id, section_ids[t % 8], f"{t // 15 + 1}.{t % 15 + 1}", t, f"重点任务{t + 1}：完善精神卫生服务体系",
                           "", "", "", datetime.date(2021, 1, 1), datetime.date(2025, 12, 31), "", False, False, "quarterly",
                           "in_progress", (t * 7) % 100, lights[t % 5], now, now))
            links.add((links.take_id(), task_id, department_ids[lead], TaskDepartment.Role.LEAD, 0))
            links.add((links.take_id(), task_id, department_ids[co], TaskDepartment.Role.COOPERATING, 1))
            if n == 0 and t == 0:
                national.sample["task"] = task_id
            for q, (period_id, due) in enumerate(period_ids):
                state = "approved" if q < QUARTERS - 2 else ("submitted" if q == QUARTERS - 2 else "draft")
                report_id = reports.take_id()
                late = (t + q) % 7 == 0
                submitted = _at(due + datetime.timedelta(days=2 if late else -3)) if state != "draft" else None
                decided = submitted + datetime.timedelta(days=2, minutes=t) if state == "approved" else None
                reports.add((report_id, "", task_id, period_id, department_ids[lead], liaison_ids[lead], state, due,
                             min(100, 5 * (q + 1)), "on_track", f"第{q + 1}期完成情况：按计划推进。", "", "", "",
                             1 if state != "draft" else 0, 2 if state != "draft" else 0, submitted,
                             liaison_ids[lead] if submitted else None, late and state != "draft", decided,
                             reviewer_id if decided else None, "", now, now))
                if n == 0 and t == 0:
                    national.sample.setdefault(state, report_id)
                # The engine: one process per report, with the tasks the flow leaves in that state.
                shape = shapes[state]
                process_id = processes.take_id()
                data = {"department_id": department_ids[lead], "due_on": due.isoformat(), "title": f"重点任务{t + 1} · {YEARS[q // 4]}Q{q % 4 + 1}",
                        "task_id": task_id, "state": state, "reason": "", "late": late, "acceptor_region_path": "",
                        "kind": "progress_report"}
                processes.add((process_id, shape["flow_class"], shape["status"], now, decided, json.dumps(data, ensure_ascii=False),
                               report_type, report_id))
                for flow_task, task_kind, status, permission, token in shape["tasks"]:
                    owner = None
                    if task_kind == "HUMAN" and status != "NEW":
                        owner = liaison_ids[lead] if permission is None else reviewer_id
                    engine_tasks.add((engine_tasks.take_id(), flow_task, task_kind, status, now, now if status == "DONE" else None,
                                      now if status == "DONE" else None, token, owner, permission, process_id, "{}"))
                # Evidence and the audit trail of what was submitted and decided.
                if state != "draft":
                    for e in range(2 + (t + q) % 3 // 2):
                        digest = hashlib.sha256(f"{report_id}-{e}".encode()).hexdigest()
                        evidence.add((evidence.take_id(), uuid.uuid4(), report_type, report_id, f"evidence/{digest[:2]}/{digest}.pdf",
                                      f"佐证材料{e + 1}.pdf", "application/pdf", 120_000, digest, liaison_ids[lead], submitted,
                                      "accepted" if state == "approved" else "pending", ""))
                    audit.add((audit.take_id(), report_type, str(report_id), liaison_ids[lead], submitted, "submit", "draft", "submitted",
                               "", json.dumps({"round": 1, "late": late})))
                if state == "approved":
                    audit.add((audit.take_id(), report_type, str(report_id), reviewer_id, decided, "approve", "submitted", "approved",
                               "", "{}"))
            for k in range(3 if t % 5 == 0 else 2 if t % 2 == 0 else 3):
                # Numbered in the order of issue across the country (each task's notice of a
                # year gets a number among all prefectures' notices of that year), not plan by plan.
                notice_number = t * prefectures + n + 1
                year = YEARS[1 + k]
                issued = _at(datetime.date(year, 5, 1 + t % 20))
                status = "closed" if year < 2024 else ("issued" if t % 3 else "responded")
                notice_id = notices.take_id()
                notices.add((notice_id, year, notice_number, task_id, department_ids[lead], ("blue", "yellow", "red")[t % 3],
                             f"请加快推进重点任务{t + 1}。", datetime.date(year, 5, 20), status, reviewer_id, issued,
                             "已整改。" if status != "issued" else "", 1, 1, 0))
                audit.add((audit.take_id(), notice_type, str(notice_id), reviewer_id, issued, "issue", "", "issued", "", "{}"))
                if n == 0 and t == 0 and k == 0:
                    national.sample["notice"] = notice_id
            audit.add((audit.take_id(), task_type, str(task_id), None, now, "progress", "not_started", "in_progress", "", "{}"))
        if n == 0:
            national.sample["department"] = department_ids[1]
    for writer in (users, departments, memberships, plans, sections, periods, indicators, values, lines, entries, key_tasks, links,
                   reports, processes, engine_tasks, evidence, audit, notices):
        national.counts[writer.model._meta.model_name] = writer.close()

    from tests.factories import make_supervisor

    national.province = Region.objects.get(pk=province_ids[0])
    national.supervisor = make_supervisor(SUPERVISOR, region=national.province)
    national.liaison = User.objects.get(username=LIAISON)
    national.plan = Plan.objects.get(pk=national.sample["plan"])
    return national


def analyze() -> None:
    """What autovacuum would do after a bulk load: fresh statistics and visibility maps."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def load(scale: float) -> National | None:
    """The dataset a previous run built in this database (``BENCH_REUSE=1``), or None."""
    supervisor = User.objects.filter(username=SUPERVISOR).first()
    if supervisor is None:
        return None
    national = National(scale=scale, supervisor=supervisor, liaison=User.objects.get(username=LIAISON))
    national.plan = Plan.objects.filter(title__startswith="第1市").order_by("pk").first()
    national.province = national.plan.region.parent
    task = national.plan.key_tasks.order_by("pk").first()
    national.sample = {"plan": national.plan.pk, "task": task.pk, "notice": task.notices.order_by("pk").first().pk}
    for state in ("approved", "submitted", "draft"):
        national.sample[state] = task.reports.filter(status=state).order_by("pk").first().pk
    for model in (Region, User, Department, Plan, KeyTask, ProgressReport, Evidence, AuditEntry, SupervisionNotice, Indicator,
                  IndicatorValue, FundingLine):
        national.counts[model._meta.model_name] = model.objects.count()
    return national
