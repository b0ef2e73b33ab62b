"""Fixtures and helpers of the supervision-notice tests (``test_notice_*.py`` import them).

Only new names: tests/conftest.py's cast (region, dept_a, dept_b, liaison_a, liaison_b,
supervisor, evaluator, administrator, outsider, plan, task_a, task_b_only) is used as it is.

- ``head_a`` / ``head_b``: department heads; ``liaison_a2``: a second liaison of A;
- ``notice``: 督办〔2024〕1号, issued by ``supervisor`` to dept A about ``task_a`` on Monday
  2024-06-03 (blue; the plan gives 5 working days: due 2024-06-11, 端午节 2024-06-10 skipped);
- ``pdf(name)``: a small PDF upload; ``snapshot()``: every row an action could write.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from supervision import notices
from supervision.models import SupervisionNotice
from tasks.models import Membership
from tests.factories import MembershipFactory, make_liaison, make_user

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
ISSUED_AT = datetime.datetime(2024, 6, 3, 9, 30, tzinfo=SHANGHAI)  # a Monday
REQUIREMENTS = "请于规定时限内完成精神卫生信息系统接入工作，并报送整改措施和佐证材料。"
PDF = b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media_root(media_root) -> Path:
    """Every test here gets its own MEDIA_ROOT (see tests/conftest.py)."""
    return media_root


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
def liaison_a2(dept_a):
    return make_liaison(dept_a, "liaison-a2")


@pytest.fixture
def notice(task_a, dept_a, liaison_a, head_a, supervisor) -> SupervisionNotice:
    return issue(task_a, dept_a, supervisor, at=ISSUED_AT)


def issue(task, department, user, *, at=ISSUED_AT, level="blue", requirements=REQUIREMENTS, **kwargs) -> SupervisionNotice:
    return notices.notice_issue(
        task=task, department=department, level=level, requirements=requirements, user=user, at=at, **kwargs
    )


def pdf(name: str = "整改报告.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def responded(notice: SupervisionNotice, liaison, response: str = "已完成系统接入，详见附件。", uploads=()) -> SupervisionNotice:
    notice.refresh_from_db()
    if notice.status == SupervisionNotice.Status.ISSUED:
        notices.notice_acknowledge(notice=notice, user=liaison)
    return notices.notice_respond(notice=notice, user=liaison, response=response, uploads=uploads)


def closed(notice: SupervisionNotice, liaison, supervisor) -> SupervisionNotice:
    responded(notice, liaison)
    return notices.notice_accept(notice=notice, user=supervisor)


def process_of(notice: SupervisionNotice):
    from django.contrib.contenttypes.models import ContentType
    from viewflow.workflow.models import Process

    return Process.objects.get(artifact_content_type=ContentType.objects.get_for_model(notice), artifact_object_id=notice.pk)


def trail(subject) -> list[tuple]:
    from audit.models import AuditEntry

    return [
        (e.action, e.actor.username if e.actor else None, e.from_state, e.to_state, e.comment)
        for e in AuditEntry.objects.for_object(subject).select_related("actor")
    ]


def snapshot(media_root: Path | None = None):
    """Everything a notice action could write."""
    from viewflow.workflow.models import Process, Task

    from audit.models import AuditEntry
    from evidence.models import Evidence
    from notifications.models import Notification
    from supervision.models import NoticeCounter

    return (
        list(SupervisionNotice.objects.order_by("pk").values()),
        list(NoticeCounter.objects.order_by("pk").values()),
        list(Notification.objects.order_by("pk").values_list("pk", flat=True)),
        list(Evidence.objects.order_by("pk").values()),
        list(AuditEntry.objects.order_by("pk").values_list("pk", flat=True)),
        list(Process.objects.order_by("pk").values("pk", "status")),
        list(Task.objects.order_by("pk").values("pk", "status", "owner_id")),
        sorted(str(p) for p in (media_root or Path(settings.MEDIA_ROOT)).rglob("*") if p.is_file()),
    )
