import pytest
from django.contrib.auth.models import Group

from accounts.roles import ROLE_PERMISSIONS


@pytest.mark.django_db
def test_it_creates_each_role_group_with_exactly_its_permissions():
    for role, expected in ROLE_PERMISSIONS.items():
        group = Group.objects.get(name=role)
        actual = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}
        assert actual == set(expected), role


@pytest.mark.django_db
def test_only_administrators_may_import(liaison_a, supervisor, evaluator, administrator):
    assert administrator.has_perm("tasks.import_plan")
    for user in (liaison_a, supervisor, evaluator):
        assert not user.has_perm("tasks.import_plan")


@pytest.mark.django_db
def test_liaisons_hold_no_global_permission(liaison_a):
    assert liaison_a.get_all_permissions() == set()
