"""What every request asks of the signed-in user costs one query each at most (issue 14): the
user's own and group permissions together; the region placement and "heads a department" come
with the user."""

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.backends import ThrottledModelBackend
from tasks import access
from tasks.models import Membership
from tests.factories import MembershipFactory, make_liaison, make_user

pytestmark = pytest.mark.django_db


def test_own_and_group_permissions_are_read_in_one_query(supervisor):
    own = Permission.objects.get(codename="import_plan")
    supervisor.user_permissions.add(own)
    user = ThrottledModelBackend().get_user(supervisor.pk)
    with CaptureQueriesContext(connection) as captured:
        assert user.has_perm("tasks.import_plan")  # given to the user
        assert user.has_perm("tasks.review_progressreport")  # through the supervisors' group
        assert not user.has_perm("tasks.delete_plan")
    assert len(captured) == 1


def test_the_request_user_comes_with_placement_and_headship(supervisor, dept_a, region):
    head = make_user("liaison", "head")
    MembershipFactory(user=head, department=dept_a, role=Membership.Role.HEAD)
    liaison = make_liaison(dept_a, "plain-liaison")
    backend = ThrottledModelBackend()
    loaded = {user.username: backend.get_user(user.pk) for user in (supervisor, head, liaison)}
    with CaptureQueriesContext(connection) as captured:
        assert access.staff_region(loaded["supervisor"]) == supervisor.region_staff.region
        assert access.staff_region(loaded["head"]) is None
    assert len(captured) == 0
    assert [loaded[name].heads_a_department for name in ("supervisor", "head", "plain-liaison")] == [False, True, False]


def test_a_liaisons_departments_regions_and_headship_are_one_query(dept_a, dept_b):
    head = make_user("liaison", "head-of-a")
    MembershipFactory(user=head, department=dept_a, role=Membership.Role.HEAD)
    MembershipFactory(user=head, department=dept_b, role=Membership.Role.LIAISON)
    with CaptureQueriesContext(connection) as captured:
        assert access.user_department_ids(head) == {dept_a.pk, dept_b.pk}
        assert access.user_region_ids(head) == {dept_a.region_id}
        assert access.headed_department_ids(head) == [dept_a.pk]
        assert access.is_department_head(head, dept_a.pk) and not access.is_department_head(head, dept_b.pk)
    assert len(captured) == 1
