"""The plan page's "public page" panel: the link when published, the switch for administrators."""

from django import template

from public.access import can_publish
from public.models import PlanPublication

register = template.Library()


@register.inclusion_tag("public/_plan_panel.html", takes_context=True)
def public_plan_panel(context, plan):
    user = context["request"].user
    published = PlanPublication.objects.filter(plan=plan, is_published=True).exists()
    return {"plan": plan, "published": published, "can_publish": can_publish(user, plan), "csrf_token": context.get("csrf_token")}
