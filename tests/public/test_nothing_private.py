"""The public page shows nothing private (issue 17): the demo world, with every person's name and
contact, every narrative, file name, notice, comment and unapproved value collected and looked for
in the public HTML, CSV and JSON, in both languages."""

from __future__ import annotations

import json
import re

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.test import Client
from django.urls import reverse

from accounts.models import User
from audit.models import AuditEntry
from demo.plan import seed_demo, seed_demo_activity
from evaluation.models import Evaluation, EvaluatorScore, SelfAssessment, SelfScore
from evidence.models import Evidence
from evidence.services import evidence_attach
from indicators.models import IndicatorValue
from notifications.models import Notification
from public import demo as public_demo
from supervision.models import ExtensionRequest, SupervisionNotice
from tasks.models import Contribution, MilestoneClaim, ProgressReport, ReportSubmission
from tests.indicators.conftest import draft

pytestmark = pytest.mark.django_db

# Free text of people and of the supervision's work: none of it is public.
PDF = b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"
PRIVATE_MODELS = (
    User, ProgressReport, ReportSubmission, Contribution, MilestoneClaim, Evidence, SupervisionNotice, ExtensionRequest,
    Notification, AuditEntry, Evaluation, SelfAssessment, SelfScore, EvaluatorScore,
)
NOT_TEXT = {"password", "sha256", "media_type", "file", "period_code", "kind", "action", "from_state", "to_state", "object_id"}


def private_strings() -> set[str]:
    found: set[str] = set()
    for model in PRIVATE_MODELS:
        fields = [
            f.name for f in model._meta.concrete_fields
            if isinstance(f, (models.CharField, models.TextField)) and not f.choices and f.name not in NOT_TEXT
        ]
        for row in model.objects.values_list(*fields):
            # Bare numbers (years, counts) are not text anyone wrote: the unapproved figure is checked apart.
            found.update(v.strip() for v in row if isinstance(v, str) and len(v.strip()) >= 2 and not v.strip().isdigit())
    found.update(str(notice) for notice in SupervisionNotice.objects.all())  # the notice numbers (督〔2025〕3号)
    for value in IndicatorValue.objects.all():  # what departments wrote beside their figures, and comments
        found.update(v for v in (value.text, value.source, value.return_reason, value.judgement_comment) if len(v) >= 2)
    return found


def shows(text: str, secret: str) -> bool:
    """Chinese text as a substring; Latin words (user names such as "supervisor") as whole words,
    so that "approved by the supervisors" is not taken for the user "supervisor"."""
    if secret.isascii():
        return re.search(rf"(?<![\w-]){re.escape(secret)}(?![\w-])", text) is not None
    return secret in text


def public_texts(client: Client, plan) -> dict[str, str]:
    texts = {}
    for name in ("public:index",):
        texts[name] = client.get(reverse(name)).content.decode()
    for name in ("public:plan", "public:plan_json", "public:tasks_csv", "public:indicators_csv"):
        response = client.get(reverse(name, args=[plan.pk]))
        assert response.status_code == 200, name
        body = response.content.decode("utf-8-sig")
        texts[name] = json.dumps(json.loads(body), ensure_ascii=False) if name.endswith("json") else body
    return texts


def test_the_public_page_shows_nothing_private(media_root):
    cache.clear()
    plan = seed_demo().plan
    seed_demo_activity(plan)
    public_demo.seed(plan)
    # An unapproved value with a figure found nowhere else, and a notice with its number.
    indicator = plan.indicators.order_by("position").first()
    liaison = User.objects.get(username="liaison-wsjkw")
    pending = draft(indicator, liaison, year=plan.end_year, value="97.3571", source="内部统计口径说明")
    assert pending.status != IndicatorValue.Status.APPROVED
    report = ProgressReport.objects.filter(task__plan=plan, status=ProgressReport.Status.APPROVED).select_related("assignee").first()
    evidence_attach(owner=report, upload=SimpleUploadedFile("精神卫生工作台账-张三.pdf", PDF), user=report.assignee or liaison)
    assert SupervisionNotice.objects.exists() and Evidence.objects.exists() and ProgressReport.objects.exclude(achievements="").exists()

    # A private text that is part of what the plan itself publishes (a funding line named after a
    # task, an audit entry quoting a title) is not a leak when that title shows.
    published = [plan.title, *plan.key_tasks.values_list("title", flat=True), *plan.sections.values_list("title", flat=True),
                 *plan.indicators.values_list("name", flat=True)]
    secrets = {s for s in private_strings() if not any(s in fact for fact in published)}
    assert len(secrets) > 100
    assert {"supervisor", "liaison-wsjkw"} <= secrets
    for language in ("zh-hans", "en"):
        client = Client()
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        for name, text in public_texts(client, plan).items():
            assert plan.title in text or name.endswith("_csv")
            leaked = sorted(s for s in secrets if shows(text, s))
            assert not leaked, f"{name} ({language}) shows {leaked[:10]}"
            assert "97.3571" not in text and "97.36" not in text
    cache.clear()
