"""Fixtures of the progress-reporting tests (issue 3).

Only new fixture names: tests/conftest.py's cast (region, dept_a, dept_b, liaison_a, liaison_b,
supervisor, evaluator, administrator, outsider, plan, task_a, task_b_only) is used as it is.

- ``period``: 2024 Q2 of ``plan`` (due 2024-07-10, contributions due 2024-07-05);
- ``report``: the opened report of ``task_a`` for ``period`` — assigned to ``liaison_a``, with a
  pending contribution of dept B assigned to ``liaison_b``;
- ``liaison_a2`` (a second liaison of A) and ``head_a`` / ``head_b`` (department heads);
- ``milestone`` of ``task_a``; ``english``: the UI in English for asserting messages.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tasks import progress
from tasks.models import Contribution, Membership, ProgressReport
from tests.factories import MembershipFactory, MilestoneFactory, make_liaison, make_user

PDF = b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64 + b"This program cannot be run in DOS mode."
ON_TIME = timezone.make_aware(datetime.datetime(2024, 7, 1, 10, 0))  # before 2024 Q2's due date
WORK_DONE = "完成全市精神卫生信息系统建设，接入23家医疗机构。"


@pytest.fixture(autouse=True)
def media_root(media_root) -> Path:
    """Every test here gets its own MEDIA_ROOT (see tests/conftest.py)."""
    return media_root


@pytest.fixture
def period(plan):
    return progress.reporting_period(plan=plan, cadence="quarterly", year=2024, number=2)


@pytest.fixture
def report(task_a, period, dept_a, liaison_a, liaison_b) -> ProgressReport:
    opened = progress.report_open(task=task_a, period=period, department=dept_a)
    assert opened.assignee == liaison_a
    return opened


@pytest.fixture
def contribution(report, liaison_b) -> Contribution:
    found = report.contributions.get()
    assert found.assignee == liaison_b
    return found


@pytest.fixture
def liaison_a2(dept_a):
    return make_liaison(dept_a, "liaison-a2")


@pytest.fixture
def head_a(dept_a):
    user = make_user("liaison", "head-a")
    MembershipFactory(user=user, department=dept_a, role=Membership.Role.HEAD)
    return user


@pytest.fixture
def head_b(dept_b):
    user = make_user("liaison", "head-b")
    MembershipFactory(user=user, department=dept_b, role=Membership.Role.HEAD)
    return user


@pytest.fixture
def milestone(task_a):
    return MilestoneFactory(task=task_a, title="建成市级精神卫生信息平台", due_date=datetime.date(2023, 12, 31))


def pdf(name: str = "工作报告.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def fill(report: ProgressReport, **fields) -> dict:
    """A complete report form as a browser posts it (``version`` is the one loaded)."""
    data = {
        "version": report.version,
        "percent_complete": 40,
        "assessment": ProgressReport.Assessment.ON_TRACK,
        "achievements": WORK_DONE,
        "problems": "",
        "next_steps": "",
        "missing_contributions_reason": "",
    }
    data.update(fields)
    return data


def submitted(report: ProgressReport, user, *, at=ON_TIME, **fields) -> ProgressReport:
    """The report saved with ``fields`` and submitted by ``user`` (services, no HTTP)."""
    report.refresh_from_db()
    data = {"achievements": WORK_DONE, "percent_complete": 40, "missing_contributions_reason": "配合单位材料另行报送"}
    data.update(fields)
    return progress.report_submit(report=report, user=user, version=report.version, data=data, at=at)


def approved(report: ProgressReport, liaison, supervisor, **fields) -> ProgressReport:
    submitted(report, liaison, **fields)
    return progress.report_approve(report=report, user=supervisor, accept_pending_evidence=True)


@pytest.fixture
def dept_c(region):
    """A department with no part in ``task_a``."""
    from tests.factories import DepartmentFactory

    return DepartmentFactory(region=region, name="示范市民政局", short_name="市民政局", code="mzj")


@pytest.fixture
def liaison_c(dept_c):
    return make_liaison(dept_c, "liaison-c")


def process_of(subject):
    """The viewflow process of a report, contribution or milestone claim."""
    from django.contrib.contenttypes.models import ContentType
    from viewflow.workflow.models import Process

    return Process.objects.get(
        artifact_content_type=ContentType.objects.get_for_model(subject), artifact_object_id=subject.pk
    )


def snapshot(media_root: Path | None = None):
    """Everything an action could change: reports, submissions, contributions, claims, milestones,
    task progress, evidence (and the stored files), the audit trail and the viewflow tasks."""
    from viewflow.workflow.models import Task

    from audit.models import AuditEntry
    from evidence.models import Evidence
    from tasks.models import KeyTask, Milestone, MilestoneClaim, ReportSubmission

    return (
        list(ProgressReport.objects.order_by("pk").values()),
        list(ReportSubmission.objects.order_by("pk").values()),
        list(Contribution.objects.order_by("pk").values()),
        list(MilestoneClaim.objects.order_by("pk").values()),
        list(Milestone.objects.order_by("pk").values()),
        list(KeyTask.objects.order_by("pk").values("pk", "status", "progress")),
        list(Evidence.objects.order_by("pk").values()),
        list(AuditEntry.objects.order_by("pk").values_list("pk", flat=True)),
        list(Task.objects.order_by("pk").values("pk", "status", "owner_id")),
        sorted(str(p) for p in (media_root or Path(settings.MEDIA_ROOT)).rglob("*") if p.is_file()),
    )
