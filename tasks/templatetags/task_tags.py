from django import template

from tasks.tables import light_badge as _light_badge

register = template.Library()


@register.filter
def light_badge(light: str):
    """The 红黄绿灯 badge of a light code."""
    return _light_badge(light) if light else ""
