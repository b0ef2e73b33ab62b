"""The Django admin keeps to the administrator's region too: a prefecture's administrator lists
and opens only its own regions, departments, plans and tasks (another prefecture's are not found)."""

import pytest
from django.urls import reverse

from tests.factories import KeyTaskFactory, PlanFactory, ProvinceFactory, RegionFactory, make_administrator

pytestmark = pytest.mark.django_db


def test_a_prefecture_administrator_sees_only_their_prefecture_in_the_admin(client):
    province = ProvinceFactory()
    own, other = RegionFactory(parent=province, name="武汉市"), RegionFactory(parent=province, name="黄石市")
    own_plan, other_plan = PlanFactory(region=own, title="武汉市规划"), PlanFactory(region=other, title="黄石市规划")
    KeyTaskFactory(plan=own_plan, title="武汉任务"), KeyTaskFactory(plan=other_plan, title="黄石任务")
    client.force_login(make_administrator("wuhan-admin", region=own))

    plans = client.get(reverse("admin:tasks_plan_changelist")).content.decode()
    assert "武汉市规划" in plans and "黄石市规划" not in plans
    tasks = client.get(reverse("admin:tasks_keytask_changelist")).content.decode()
    assert "武汉任务" in tasks and "黄石任务" not in tasks
    regions = client.get(reverse("admin:tasks_region_changelist")).content.decode()
    assert "武汉市" in regions and "黄石市" not in regions  # 湖北省 shows only as its parent
    # Another prefecture's plan is not found (the admin redirects to its index with a message).
    response = client.get(reverse("admin:tasks_plan_change", args=[other_plan.pk]))
    assert response.status_code == 302 and "黄石市规划" not in client.get(response.url).content.decode()
