from django import template

from tasks.tables import light_badge as _light_badge

register = template.Library()


@register.filter
def light_badge(light: str):
    """The 红黄绿灯 badge of a light code."""
    return _light_badge(light) if light else ""


@register.filter
def period_label(code: str) -> str:
    """A period code kept in a record (2025Q4) as the reader reads it (2025年第4季度)."""
    from tasks.models import ReportingPeriod

    return ReportingPeriod.label_of_code(str(code)) if code else ""
