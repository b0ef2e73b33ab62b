"""The Django admin: administrators only, every edit audited, status and records read-only."""

import pytest
from django.contrib import admin
from django.urls import reverse

from audit.admin_mixins import ADDED, CHANGED, DELETED, AuditedAdminMixin
from audit.models import AuditEntry
from audit.services import audit_record
from indicators.models import IndicatorValue
from tasks.models import KeyTask, Plan, Region
from tests.factories import RegionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


def test_every_model_admin_is_audited():
    unaudited = [model._meta.label for model, model_admin in admin.site._registry.items() if not isinstance(model_admin, AuditedAdminMixin)]
    assert not unaudited


# --- who gets in ------------------------------------------------------------------------------


def test_only_administrators_get_into_the_admin(client, administrator, supervisor, evaluator, liaison_a, outsider):
    supervisor.is_staff = True  # ticked by someone in the user admin: still not an administrator
    supervisor.save(update_fields=["is_staff"])
    outsider.is_staff = True
    outsider.save(update_fields=["is_staff"])
    index = reverse("admin:index")
    for user in (supervisor, evaluator, liaison_a, outsider):
        client.force_login(user)
        assert client.get(index).status_code == 302, user.username
        assert client.get(reverse("admin:tasks_region_changelist")).status_code == 302, user.username
    client.force_login(administrator)
    assert client.get(index).status_code == 200
    assert client.get(reverse("admin:tasks_region_changelist")).status_code == 200


def test_an_administrator_without_staff_status_does_not_get_in(client, administrator):
    administrator.is_staff = False
    administrator.save(update_fields=["is_staff"])
    client.force_login(administrator)
    assert client.get(reverse("admin:index")).status_code == 302


# --- every edit is audited ----------------------------------------------------------------------


def test_adding_changing_and_deleting_are_audited(client, administrator, superuser, region):
    client.force_login(administrator)
    response = client.post(reverse("admin:tasks_region_add"), {"code": "439999", "name": "新区", "level": "county", "parent": region.pk})
    assert response.status_code == 302, response.content.decode()[:2000]
    county = Region.objects.get(code="439999")
    (added,) = AuditEntry.objects.for_object(county).filter(action=ADDED)
    assert added.actor == administrator and added.to_state == "added" and added.comment == str(county)

    response = client.post(reverse("admin:tasks_region_change", args=[county.pk]), {"code": "439999", "name": "新新区", "level": "county", "parent": region.pk})
    assert response.status_code == 302
    (changed,) = AuditEntry.objects.for_object(county).filter(action=CHANGED)
    assert changed.actor == administrator
    assert changed.data["changes"] == {"name": ["新区", "新新区"]}
    assert changed.data["message"] == [{"changed": {"fields": ["Name"]}}]  # verbose names, untranslated

    # Administrators may not delete directory entries; a superuser may, and that is audited too.
    assert client.post(reverse("admin:tasks_region_delete", args=[county.pk]), {"post": "yes"}).status_code == 403
    client.force_login(superuser)
    assert client.post(reverse("admin:tasks_region_delete", args=[county.pk]), {"post": "yes"}).status_code == 302
    assert not Region.objects.filter(pk=county.pk).exists()
    (deleted,) = AuditEntry.objects.filter(action=DELETED, object_id=str(county.pk))
    assert deleted.actor == superuser and deleted.data["fields"]["name"] == "新新区"


def test_bulk_deletion_is_audited_object_by_object(client, superuser):
    regions = RegionFactory.create_batch(2)
    client.force_login(superuser)
    response = client.post(
        reverse("admin:tasks_region_changelist"),
        {"action": "delete_selected", "_selected_action": [r.pk for r in regions], "post": "yes"},
    )
    assert response.status_code == 302
    assert set(AuditEntry.objects.filter(action=DELETED).values_list("object_id", flat=True)) == {str(r.pk) for r in regions}


# --- what may not be edited ------------------------------------------------------------------------


def test_the_audit_trail_is_read_only_in_the_admin(client, administrator, superuser, region):
    entry = audit_record(subject=region, actor=administrator, action="test", comment="原样")
    for user in (administrator, superuser):
        client.force_login(user)
        assert client.get(reverse("admin:audit_auditentry_changelist")).status_code == 200
        assert client.get(reverse("admin:audit_auditentry_add")).status_code == 403
        assert client.get(reverse("admin:audit_auditentry_delete", args=[entry.pk])).status_code == 403
        page = client.get(reverse("admin:audit_auditentry_change", args=[entry.pk]))
        assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
        assert client.post(reverse("admin:audit_auditentry_change", args=[entry.pk]), {"comment": "改过"}).status_code == 403
    entry.refresh_from_db()
    assert entry.comment == "原样"


def test_status_fields_are_read_only(client, superuser, plan, task_a):
    client.force_login(superuser)
    task_page = client.get(reverse("admin:tasks_keytask_change", args=[task_a.pk])).content.decode()
    assert 'name="status"' not in task_page and 'name="progress"' not in task_page
    plan_page = client.get(reverse("admin:tasks_plan_change", args=[plan.pk])).content.decode()
    assert 'name="status"' not in plan_page
    assert KeyTask._meta.get_field("status").name in admin.site._registry[KeyTask].get_readonly_fields(None)
    assert "status" in admin.site._registry[Plan].get_readonly_fields(None)


@pytest.mark.parametrize(
    "model_url",
    [
        "admin:indicators_indicatorvalue",
        "admin:funding_fundingline",
        "admin:funding_ledgerentry",
        "admin:evidence_evidence",
        "admin:audit_auditentry",
    ],
)
def test_records_written_by_services_cannot_be_added_in_the_admin(client, superuser, model_url):
    client.force_login(superuser)
    assert client.get(reverse(f"{model_url}_add")).status_code == 403
    assert client.get(reverse(f"{model_url}_changelist")).status_code == 200
    assert IndicatorValue.objects.count() == 0


def test_an_administrator_cannot_make_anyone_a_superuser_or_edit_one(client, administrator, superuser, liaison_a):
    client.force_login(administrator)
    page = client.get(reverse("admin:accounts_user_change", args=[liaison_a.pk])).content.decode()
    assert 'name="is_superuser"' not in page and 'name="groups"' in page
    data = {
        "username": liaison_a.username,
        "display_name": "改名",
        "email": "",
        "phone": "",
        "is_active": "on",
        "is_superuser": "on",
        "groups": list(liaison_a.groups.values_list("pk", flat=True)),
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("admin:accounts_user_change", args=[liaison_a.pk]), data)
    liaison_a.refresh_from_db()
    assert not liaison_a.is_superuser
    if response.status_code == 302:
        assert liaison_a.display_name == "改名"
        assert AuditEntry.objects.for_object(liaison_a).filter(action=CHANGED, actor=administrator).exists()
    # A superuser's page is view-only for them, and so is their password.
    assert client.post(reverse("admin:accounts_user_change", args=[superuser.pk]), {"username": "x"}).status_code == 403
    assert client.get(reverse("admin:auth_user_password_change", args=[superuser.pk])).status_code in (403, 404)


def test_a_new_user_made_staff_but_not_administrator_stays_out(client):
    user = UserFactory(is_staff=True)
    client.force_login(user)
    assert client.get(reverse("admin:index")).status_code == 302
