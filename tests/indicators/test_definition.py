"""The indicator's definition page: aggregation and the labels of numerator and denominator,
carried down to the cascaded copies; a rate is never summed; audited; administrators only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from indicators.models import Indicator
from tests.factories import make_administrator, make_supervisor
from tests.indicators.conftest import cascaded_indicator, make_indicator, make_regions

pytestmark = pytest.mark.django_db


@pytest.fixture
def province_admin(province):
    return make_administrator("province-admin", region=province)


def test_the_labels_and_aggregation_carry_down_to_the_copies(client, province, province_rate, province_admin):
    copies = cascaded_indicator(province_rate, make_regions(province, 2))
    client.force_login(province_admin)
    assert reverse("indicators:indicator_definition", args=[province_rate.pk]) in client.get(province_rate.get_absolute_url()).content.decode()

    response = client.post(reverse("indicators:indicator_definition", args=[province_rate.pk]), {
        "definition": "随访患者数 ÷ 在册患者数", "aggregation": "fraction", "numerator_label": "随访患者数", "denominator_label": "在册患者数",
    })

    assert response.status_code == 302
    for copy in Indicator.objects.filter(pk__in=[c.pk for c in copies]):
        assert (copy.aggregation, copy.numerator_label) == ("fraction", "随访患者数")
    entry = AuditEntry.objects.for_object(province_rate).get(action="update")
    assert entry.data["after"]["numerator_label"] == "随访患者数" and entry.data["cascaded_copies"] == 2


@pytest.mark.parametrize(("unit", "aggregation", "message"), [
    ("percent", "flow", "Only counts add up"),
    ("count", "fraction", "have no numerator and denominator"),
])
def test_an_aggregation_that_does_not_fit_the_unit_is_refused(en_client, plan, dept_a, administrator, unit, aggregation, message):
    indicator = make_indicator(plan, dept_a, unit_kind=unit, unit_label="", annual=None)
    en_client.force_login(administrator)
    response = en_client.post(reverse("indicators:indicator_definition", args=[indicator.pk]), {"aggregation": aggregation, "definition": "x"})
    assert response.status_code == 400 and message in response.content.decode()
    indicator.refresh_from_db()
    assert indicator.aggregation == "" and indicator.definition != "x"
    assert not AuditEntry.objects.for_object(indicator).exists()


def test_supervisors_do_not_edit_definitions(client, province_rate, province):
    client.force_login(make_supervisor("province-supervisor", region=province))
    assert client.get(reverse("indicators:indicator_definition", args=[province_rate.pk])).status_code == 403
