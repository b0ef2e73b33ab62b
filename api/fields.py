"""Strict JSON fields: a number is a number, not the string "5"; true is true, not "yes". What the
schema declares is what is accepted (the contract test sends everything else)."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


class StrictIntegerField(serializers.IntegerField):
    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid")
        return data


class StrictCharField(serializers.CharField):
    """Only a JSON string; kept as sent (the services trim it: a string of blanks is then a rule
    broken, 422, not a malformed request)."""

    default_error_messages = {"not_a_string": _("Not a valid string.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("trim_whitespace", False)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("not_a_string")
        return super().to_internal_value(data)


@extend_schema_field(
    {
        "oneOf": [{"type": "number", "minimum": 0}, {"type": "string", "maxLength": 40}],
        "nullable": True,
        "example": "85.5",
    }
)
class NumberOrStringField(serializers.Field):
    """A figure as a JSON number (85.5) or as typed (“85.5%”, “1:3000”, “是”); the indicator's unit
    decides what it means (``indicators.services.parse_value``)."""

    default_error_messages = {"invalid": _("Enter a number, or the figure as text.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, (int, float, str, Decimal)):
            self.fail("invalid")
        if isinstance(data, str) and len(data) > 40:
            self.fail("invalid")
        if isinstance(data, float):
            return str(data)
        return data

    def to_representation(self, value):
        return value
