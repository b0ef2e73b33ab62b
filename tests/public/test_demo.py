"""seed_demo publishes the demo plan (政务公开), once."""

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from audit.models import AuditEntry
from public.models import PlanPublication

pytestmark = pytest.mark.django_db


def test_seed_demo_publishes_the_demo_plan_once():
    call_command("seed_demo", "--no-activity", stdout=io.StringIO())
    publication = PlanPublication.objects.select_related("plan").get()
    assert publication.is_published and publication.changed_by is None
    call_command("seed_demo", "--no-activity", stdout=io.StringIO())
    assert AuditEntry.objects.filter(action="publish").count() == 1
    page = Client().get(reverse("public:plan", args=[publication.plan_id]))
    assert page.status_code == 200 and publication.plan.title in page.content.decode()
