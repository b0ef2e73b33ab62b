"""The notifications about indicators, registered from ``IndicatorsConfig.ready()``.

The attainment (at risk, not met) is part of the key, so that its words are in the template.
``value`` and ``target`` are the figures as the plan prints them (80%, ≥ 4.5‰, 1:3000); the
value of a yes/no indicator is stored as "yes" or "no" and shown in the reader's language."""

from django.utils.translation import gettext_lazy as _

from notifications.messages import register_message

YES_NO = {"yes": _("Yes"), "no": _("No")}


def yes_no(value) -> str:
    """"yes" / "no" in the active language; any other figure as it is."""
    return str(YES_NO.get(value, value))


def register() -> None:
    body = _("Value %(value)s against the target %(target)s (%(department)s).")
    formats = {"value": yes_no, "target": yes_no}
    register_message(
        "indicators.binding.at_risk",
        title=_("Binding indicator %(name)s is at risk in %(year)d"),
        body=body,
        formats=formats,
    )
    register_message(
        "indicators.binding.not_met",
        title=_("Binding indicator %(name)s is not met in %(year)d"),
        body=body,
        formats=formats,
    )
