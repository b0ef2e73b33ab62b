"""The filter forms' controls are Bootstrap's small ones as the server writes them (no script adds
classes afterwards): a select and a text box of the same form are the same height."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["supervision:notice_list", "funding:line_list", "tasks:archive"])
def test_every_filter_control_is_small_and_styled(client, supervisor, plan, name):
    client.force_login(supervisor)
    html = client.get(reverse(name)).content.decode()
    form = re.search(r'<form method="get" class="[^"]*filter-form.*?</form>', html, re.S).group(0)
    selects = re.findall(r"<select [^>]*>", form)
    inputs = re.findall(r"<input [^>]*>", form)
    assert selects and inputs
    assert all('class="form-select form-select-sm"' in tag for tag in selects), selects
    assert all('class="form-control form-control-sm"' in tag for tag in inputs), inputs
