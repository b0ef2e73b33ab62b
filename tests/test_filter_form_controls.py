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


def test_a_list_opened_without_filters_counts_none_though_a_plan_is_preselected(client, supervisor, plan):
    """The funding list preselects the plan in force: that is no filter the user set, so on a phone
    the filters stay folded behind their button, which counts nothing."""
    client.force_login(supervisor)
    html = client.get(reverse("funding:line_list")).content.decode()
    toggle = re.search(r'<button class="[^"]*filter-toggle.*?</button>', html, re.S).group(0)
    assert 'aria-expanded="false"' in toggle and "(" not in toggle.split("</i>")[1]
    assert 'collapse show' not in html
    chosen = client.get(reverse("funding:line_list"), {"plan": plan.pk, "fiscal_year": plan.start_year}).content.decode()
    assert re.search(r"filter-toggle.*?\(1\)</button>", chosen, re.S)
