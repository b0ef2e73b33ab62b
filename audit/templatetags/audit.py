from django import template

from audit.labels import ACTIONS, state_label

register = template.Library()


@register.filter
def action_label(code: str) -> str:
    return str(ACTIONS.get(code, code))


@register.filter
def state(code: str) -> str:
    return state_label(code) if code else "—"
