"""``{% acceptance_panel subject %}``: the higher level's acceptance of a subject's approval, the same
panel on every subject page (its state, and the accept / send-back form for those who may)."""

from django import template

from workflows.lifecycle import kind_of

register = template.Library()


@register.inclusion_tag("review/acceptance.html", takes_context=True)
def acceptance_panel(context, subject):
    kind = kind_of(subject)
    user = context["request"].user
    return {
        "subject": subject,
        "kind": kind,
        "shown": bool(getattr(subject, "acceptance", "")),
        "can_accept": kind.awaits_acceptance(subject) and kind.can_accept(user, subject),
        "request": context["request"],
        "csrf_token": context.get("csrf_token"),
    }
