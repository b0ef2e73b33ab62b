"""Regions managed on pages: the tree, creating, editing and moving regions, their departments and
staff, each within the administrator's subtree (other regions answer 404)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from audit.models import AuditEntry
from tasks.models import Department, Region, RegionStaff
from tasks.regions import region_create, region_department_create, region_update
from tests.factories import (
    DepartmentFactory,
    PlanFactory,
    ProvinceFactory,
    RegionFactory,
    make_administrator,
    make_supervisor,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def province():
    return ProvinceFactory()


@pytest.fixture
def prefecture(province):
    return RegionFactory(parent=province, name="武汉市", code="420100")


@pytest.fixture
def other_prefecture(province):
    return RegionFactory(parent=province, name="黄石市", code="420200")


@pytest.fixture
def county(prefecture):
    return Region.objects.create(parent=prefecture, name="江岸区", code="420102", level=Region.Level.COUNTY)


@pytest.fixture
def province_admin(province):
    return make_administrator("province-admin", region=province)


@pytest.fixture
def prefecture_admin(prefecture):
    return make_administrator("prefecture-admin", region=prefecture)


def test_the_tree_shows_the_admins_region_and_below_with_counts(client, prefecture_admin, prefecture, county, other_prefecture):
    DepartmentFactory(region=prefecture)
    DepartmentFactory(region=prefecture)
    PlanFactory(region=prefecture)
    client.force_login(prefecture_admin)
    response = client.get(reverse("tasks:region_tree"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "武汉市" in html and "江岸区" in html and "420102" in html
    assert "黄石市" not in html and "湖北省" not in html
    rows = {region.pk: region for region, _indent in response.context["rows"]}
    assert rows[prefecture.pk].department_count == 2
    assert rows[prefecture.pk].plan_count == 1
    assert rows[county.pk].department_count == 0


def test_the_tree_takes_the_same_number_of_queries_for_few_and_many_regions(client, province_admin, province, django_assert_max_num_queries):
    client.force_login(province_admin)
    RegionFactory(parent=province)
    client.get(reverse("tasks:region_tree"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("tasks:region_tree"))
    for _ in range(15):
        RegionFactory(parent=province)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("tasks:region_tree"))
    assert len(many) == len(few)


def test_a_supervisor_does_not_manage_regions(client, prefecture):
    supervisor = make_supervisor("sup", region=prefecture)
    client.force_login(supervisor)
    assert client.get(reverse("tasks:region_tree")).status_code == 403
    assert client.get(reverse("tasks:region_detail", args=[prefecture.pk])).status_code == 403


def test_a_prefecture_admin_cannot_see_or_change_the_province_or_another_prefecture(
    client, prefecture_admin, province, other_prefecture
):
    client.force_login(prefecture_admin)
    other_department = DepartmentFactory(region=other_prefecture)
    for url in [
        reverse("tasks:region_detail", args=[province.pk]),
        reverse("tasks:region_edit", args=[province.pk]),
        reverse("tasks:region_detail", args=[other_prefecture.pk]),
        reverse("tasks:region_edit", args=[other_prefecture.pk]),
        reverse("tasks:region_department_new", args=[other_prefecture.pk]),
        reverse("tasks:region_department_edit", args=[other_department.pk]),
        reverse("tasks:region_create") + f"?parent={other_prefecture.pk}",
    ]:
        assert client.get(url).status_code == 404, url
    response = client.post(reverse("tasks:region_edit", args=[other_prefecture.pk]), {"name": "改名", "code": ""})
    assert response.status_code == 404
    assert client.post(reverse("tasks:region_staff_place", args=[other_prefecture.pk]), {}).status_code == 404
    assert client.post(reverse("tasks:region_department_active", args=[other_department.pk]), {"active": "0"}).status_code == 404
    other_prefecture.refresh_from_db()
    other_department.refresh_from_db()
    assert other_prefecture.name == "黄石市" and other_department.is_active


def test_an_admin_cannot_edit_their_own_top_region_but_one_above_can(client, prefecture_admin, province_admin, prefecture):
    client.force_login(prefecture_admin)
    assert client.get(reverse("tasks:region_detail", args=[prefecture.pk])).status_code == 200
    assert client.get(reverse("tasks:region_edit", args=[prefecture.pk])).status_code == 403
    client.force_login(province_admin)
    response = client.post(reverse("tasks:region_edit", args=[prefecture.pk]), {"name": "武汉市（新）", "code": "420100", "parent": prefecture.parent_id})
    assert response.status_code == 302
    prefecture.refresh_from_db()
    assert prefecture.name == "武汉市（新）"


def test_a_child_region_takes_the_level_below_its_parent(client, prefecture_admin, prefecture):
    client.force_login(prefecture_admin)
    response = client.post(reverse("tasks:region_create"), {"parent": prefecture.pk, "name": "江汉区", "code": "420103"})
    assert response.status_code == 302
    county = Region.objects.get(name="江汉区")
    assert county.level == Region.Level.COUNTY
    assert county.path == f"{prefecture.path}{county.pk}/"
    assert AuditEntry.objects.filter(object_id=str(county.pk), action="create").exists()
    township = region_create(actor=prefecture_admin, parent=county, name="前进街道", code="420103001")
    assert township.level == Region.Level.TOWNSHIP


def test_a_prefecture_under_a_county_is_refused_with_a_message_and_nothing_changes(client, prefecture_admin, county):
    client.force_login(prefecture_admin)
    before = Region.objects.count()
    response = client.post(
        reverse("tasks:region_create"), {"parent": county.pk, "level": "prefecture", "name": "某市", "code": "420900"}
    )
    assert response.status_code == 200
    (message,) = response.context["form"].errors["level"]
    assert "县区" in message and "市州" in message  # the level names, in the page's language
    assert Region.objects.count() == before
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        region_create(actor=prefecture_admin, parent=county, level=Region.Level.PREFECTURE, name="某市")
    assert exc.value.error_dict["level"][0].messages == [
        "A County cannot have a Prefecture under it: the regions below a County are Township regions."
    ]
    assert Region.objects.count() == before


def test_codes_are_checked_and_unique(prefecture_admin, prefecture, county):
    with pytest.raises(ValidationError) as bad:
        region_create(actor=prefecture_admin, parent=prefecture, name="江汉区", code="4201")
    assert "code" in bad.value.error_dict
    with pytest.raises(ValidationError) as taken:
        region_create(actor=prefecture_admin, parent=prefecture, name="江汉区", code="420102")
    assert "江岸区" in " ".join(taken.value.messages)
    with pytest.raises(ValidationError) as township_code:
        region_create(actor=prefecture_admin, parent=county, name="某街道", code="420102")
    assert "code" in township_code.value.error_dict
    with pytest.raises(ValidationError) as same_name:
        region_create(actor=prefecture_admin, parent=prefecture, name="江岸区")
    assert "name" in same_name.value.error_dict
    region_create(actor=prefecture_admin, parent=prefecture, name="江汉区")  # the code is optional


def test_moving_a_region_rewrites_the_paths_below_it(province_admin, province, prefecture, other_prefecture, county):
    township = Region.objects.create(parent=county, name="某街道", level=Region.Level.TOWNSHIP)
    region_update(actor=province_admin, region=county, name=county.name, code=county.code, parent=other_prefecture)
    county.refresh_from_db()
    township.refresh_from_db()
    assert county.parent == other_prefecture
    assert township.path == f"{other_prefecture.path}{county.pk}/{township.pk}/"
    assert AuditEntry.objects.filter(object_id=str(county.pk), action="move").exists()


def test_moving_under_the_wrong_level_or_below_itself_is_refused(client, province_admin, province, prefecture, county):
    with pytest.raises(ValidationError) as wrong_level:
        region_update(actor=province_admin, region=county, name=county.name, code=county.code, parent=province)
    assert "parent" in wrong_level.value.error_dict
    township = Region.objects.create(parent=county, name="某街道", level=Region.Level.TOWNSHIP)
    with pytest.raises(ValidationError) as below_itself:
        region_update(actor=province_admin, region=county, name=county.name, parent=township)
    assert "parent" in below_itself.value.error_dict
    county.refresh_from_db()
    assert county.parent == prefecture


def test_a_prefecture_admin_cannot_move_a_county_to_another_prefecture(prefecture_admin, county, other_prefecture):
    with pytest.raises(ValidationError):
        region_update(actor=prefecture_admin, region=county, name=county.name, code=county.code, parent=other_prefecture)
    county.refresh_from_db()
    assert county.parent.name == "武汉市"


def test_departments_are_created_edited_and_deactivated_on_the_region_page(client, prefecture_admin, prefecture):
    client.force_login(prefecture_admin)
    response = client.post(
        reverse("tasks:region_department_new", args=[prefecture.pk]),
        {"name": "武汉市卫生健康委员会", "short_name": "市卫生健康委", "code": "", "is_supervising": "on"},
    )
    assert response.status_code == 302
    department = Department.objects.get(region=prefecture, name="武汉市卫生健康委员会")
    assert department.is_supervising and department.code.startswith("dept") and department.short_name == "市卫生健康委"
    page = client.get(reverse("tasks:region_detail", args=[prefecture.pk])).content.decode()
    assert "武汉市卫生健康委员会" in page

    response = client.post(
        reverse("tasks:region_department_new", args=[prefecture.pk]),
        {"name": "武汉市疾控中心", "short_name": "", "code": "jkzx", "is_supervising": "on"},
    )
    assert response.status_code == 200  # a second supervising department is refused
    assert not Department.objects.filter(name="武汉市疾控中心").exists()

    response = client.post(
        reverse("tasks:region_department_edit", args=[department.pk]),
        {"name": "武汉市卫生健康委", "short_name": "卫健委", "code": "wsjkw", "is_supervising": "on"},
    )
    assert response.status_code == 302
    department.refresh_from_db()
    assert (department.name, department.code) == ("武汉市卫生健康委", "wsjkw")

    assert client.post(reverse("tasks:region_department_active", args=[department.pk]), {}).status_code == 400
    department.refresh_from_db()
    assert department.is_active  # an empty post changes nothing
    client.post(reverse("tasks:region_department_active", args=[department.pk]), {"active": "0"})
    department.refresh_from_db()
    assert not department.is_active
    assert AuditEntry.objects.filter(object_id=str(department.pk), action="deactivate").exists()


def test_a_department_name_is_unique_in_its_region(prefecture_admin, prefecture):
    region_department_create(actor=prefecture_admin, region=prefecture, name="武汉市公安局")
    with pytest.raises(ValidationError) as exc:
        region_department_create(actor=prefecture_admin, region=prefecture, name="武汉市公安局")
    assert "name" in exc.value.error_dict
    assert Department.objects.filter(name="武汉市公安局").count() == 1


def test_staff_are_placed_in_a_region_of_the_admins_subtree(client, prefecture_admin, prefecture, county, other_prefecture):
    mine = make_supervisor("sup-mine", region=prefecture)
    theirs = make_supervisor("sup-theirs", region=other_prefecture)
    client.force_login(prefecture_admin)
    page = client.get(reverse("tasks:region_detail", args=[county.pk]))
    choices = {user.username for user in page.context["staff_form"].fields["user"].queryset}
    assert "sup-mine" in choices and "sup-theirs" not in choices

    response = client.post(reverse("tasks:region_staff_place", args=[county.pk]), {"user": mine.pk})
    assert response.status_code == 302
    assert RegionStaff.objects.get(user=mine).region == county
    assert "sup-mine" in client.get(reverse("tasks:region_detail", args=[county.pk])).content.decode()

    client.post(reverse("tasks:region_staff_place", args=[county.pk]), {"user": theirs.pk})
    assert RegionStaff.objects.get(user=theirs).region == other_prefecture


def test_the_nav_links_to_regions_for_administrators_only(client, prefecture_admin, prefecture):
    client.force_login(prefecture_admin)
    assert 'id="nav-regions"' in client.get(reverse("tasks:region_tree")).content.decode()
    client.force_login(make_supervisor("sup", region=prefecture))
    assert 'id="nav-regions"' not in client.get(reverse("tasks:plan_list")).content.decode()
