"""Amounts in 元 and 万元, and rates, as finance writes them.

Django's number formatting (``django.utils.numberformat``) with thousands separators forced:
the zh-hans locale of Django has an empty thousands separator, which would print 12500000.00.
"""

from decimal import Decimal

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from funding.services import yuan as _yuan

register = template.Library()

TEN_THOUSAND = Decimal(10000)


def format_yuan(value) -> str:
    return "—" if value is None else _yuan(Decimal(value))


def format_wan(value) -> str:
    return "—" if value is None else _yuan(Decimal(value) / TEN_THOUSAND)


def format_rate(value) -> str:
    return "—" if value is None else f"{value:.1f}%"


@register.filter
def yuan(value) -> str:
    """12500000 → 12,500,000.00"""
    return format_yuan(value)


@register.filter
def wan(value) -> str:
    """12500000 → 1,250.00 (万元)"""
    return format_wan(value)


@register.filter
def rate(value) -> str:
    """62.5 → 62.5%; None (nothing allocated) → —"""
    return format_rate(value)


@register.filter
def lagging_badge(is_lagging: bool):
    if not is_lagging:
        return ""
    return format_html(
        '<span class="badge text-bg-warning lagging-badge" title="{}">{}</span>',
        _("Execution trails the elapsed share of the year or the progress of its tasks"),
        _("Lagging"),
    )
