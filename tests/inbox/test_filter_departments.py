"""The department filter of one's own work (work list, notices) offers a liaison only their own
departments, staff their regions' departments."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def department_options(html: str) -> set[str]:
    select = re.search(r'<select name="department"[^>]*>(.*?)</select>', html, re.S)
    assert select, "the list has a department filter"
    return {label.strip() for value, label in re.findall(r'<option value="(\d+)"[^>]*>([^<]*)</option>', select.group(1))}


@pytest.mark.parametrize("url_name", ["inbox:inbox", "supervision:notice_list"])
def test_a_liaison_filters_by_their_own_departments_only(client, url_name, dept_a, dept_b, liaison_a, supervisor):
    client.force_login(liaison_a)
    assert department_options(client.get(reverse(url_name)).content.decode()) == {str(dept_a)}
    client.force_login(supervisor)
    assert department_options(client.get(reverse(url_name)).content.decode()) >= {str(dept_a), str(dept_b)}
