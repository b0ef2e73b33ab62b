"""Numbers of indicators as people write them: 1000, not 1E+3 or 1000.0000."""

from decimal import Decimal

from django import template

from common.templatetags.ui import data

register = template.Library()


@register.filter
def plain(number) -> str:
    """A Decimal without trailing zeros or exponent; "—" for none."""
    if number is None or number == "":
        return "—"
    number = Decimal(number)
    text = f"{number.normalize():f}"
    return text


@register.filter
def with_unit(number, indicator) -> str:
    """A number as the indicator prints it (80%, 1:3000, 是); a Chinese unit (名/10万人口) is data,
    marked lang="zh"."""
    return data(indicator.format_number(None if number is None else Decimal(number)))


@register.simple_tag
def attainment_badge(state: str):
    from indicators.tables import attainment_badge as badge

    return badge(state)
