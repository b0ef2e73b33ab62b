"""Bad input: each case gets a clear translated message and changes nothing."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from indicators import services
from indicators.models import Indicator
from tests.indicators.conftest import draft, make_indicator, snapshot, submitted


@pytest.fixture
def kinds(plan, dept_a, rate):
    return {
        "percent": rate,
        "per_mille": make_indicator(plan, dept_a, code="2", unit_kind="per_mille", unit_label="‰", target_value=4, baseline_value=4),
        "count": make_indicator(plan, dept_a, code="3", unit_kind="count", unit_label="个", target_value=20, baseline_value=10),
        "per_100k": make_indicator(plan, dept_a, code="4", unit_kind="per_100k", unit_label="名/10万人口", target_value=4, baseline_value=3),
        "yes_no": make_indicator(plan, dept_a, code="5", unit_kind="yes_no", unit_label="", target_value=1, baseline_value=0),
    }


@pytest.mark.parametrize(
    "kind, raw, message",
    [
        ("percent", "101", "between 0 and 100"),
        ("percent", "-1", "cannot be negative"),
        ("percent", "12‰", "not in ‰"),
        ("per_mille", "1001", "between 0 and 1000"),
        ("per_mille", "85%", "not in %"),
        ("count", "-3", "cannot be negative"),
        ("count", "2.5", "whole number"),
        ("per_100k", "-0.1", "cannot be negative"),
        ("yes_no", "2", "1 (yes) or 0 (no)"),
        ("percent", "八十", "is not a number"),
        ("percent", "NaN", "is not a number"),
        ("percent", "Infinity", "is not a number"),
        ("percent", "78.123456", "absurdly precise"),
        ("per_100k", "123456789012", "too large"),
    ],
)
def test_bad_values_change_nothing(kinds, liaison_a, english, kind, raw, message):
    before = snapshot()
    with pytest.raises(ValidationError) as caught:
        services.value_save(user=liaison_a, indicator=kinds[kind], year=2024, data={"value": raw, "source": "x"})
    assert message in " ".join(caught.value.messages)
    assert snapshot() == before


def test_bad_value_over_http_keeps_the_draft(en_client, rate, liaison_a):
    client = en_client  # the page speaks the language the user chose (the cookie), not the test's
    record = draft(rate, liaison_a, value="78")
    before = snapshot()
    client.force_login(liaison_a)
    with translation.override("en"):
        response = client.post(
            reverse("indicators:value_edit", args=[record.pk]), {"submit": "", "value": "120", "source": "x", "version": record.version}
        )
    assert response.status_code == 400
    assert "between 0 and 100" in response.content.decode()
    assert snapshot() == before


def test_messages_are_translated(rate, liaison_a):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        services.value_save(user=liaison_a, indicator=rate, year=2024, data={"value": "abc"})
    assert caught.value.messages  # the catalogue is the lead's; here only that a message exists


@pytest.mark.parametrize(
    "data, field",
    [({"value": "", "source": "x"}, "value"), ({"value": "78", "source": ""}, "source")],
)
def test_submit_needs_value_and_source(rate, liaison_a, english, data, field):
    record = services.value_save(user=liaison_a, indicator=rate, year=2024, data={"value": "", "source": ""})
    before = snapshot()
    with pytest.raises(ValidationError) as caught:
        services.value_submit(record=record, user=liaison_a, data=data)
    assert field in caught.value.error_dict
    assert snapshot() == before


def test_qualitative_needs_words_not_numbers(qualitative, liaison_a, english):
    before = snapshot()
    with pytest.raises(ValidationError, match="qualitative"):
        services.value_save(user=liaison_a, indicator=qualitative, year=2024, data={"value": "1"})
    assert snapshot() == before


def test_return_needs_a_reason_and_a_stale_round_is_refused(rate, liaison_a, supervisor, english):
    record = submitted(rate, liaison_a)
    before = snapshot()
    with pytest.raises(ValidationError, match="Say why"):
        services.value_return(record=record, user=supervisor, reason="  ")
    with pytest.raises(ValidationError, match="submitted again after you opened it"):
        services.value_approve(record=record, user=supervisor, round=record.round - 1)
    assert snapshot() == before


def test_bad_year_or_period(rate, liaison_a, english):
    before = snapshot()
    with pytest.raises(ValidationError, match="year of the plan"):
        draft(rate, liaison_a, year=2031)
    with pytest.raises(ValidationError, match="Write the period"):
        draft(rate, liaison_a, year=2024, period_code="2024Q7")
    assert snapshot() == before


def test_judging_a_numeric_value_is_refused(rate, liaison_a, supervisor, english):
    record = submitted(rate, liaison_a)
    before = snapshot()
    with pytest.raises(ValidationError, match="Only qualitative"):
        services.value_judge(record=record, user=supervisor, judgement="met", comment="x")
    assert snapshot() == before


def test_unit_sign_of_the_right_unit_is_accepted(rate, liaison_a):
    record = draft(rate, liaison_a, value="78.5%")
    assert str(record.value) == "78.5000"
    assert Indicator.objects.count() == 1
